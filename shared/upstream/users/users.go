// Package users is the typed client of the users service.
package users

import (
	"context"
	"net/url"
	"time"

	"github.com/frontdesk/frontdesk/shared/cache"
	"github.com/frontdesk/frontdesk/shared/restclient"
)

// Service is the logical name of the users upstream.
const Service = "users"

// UserKind is a user account in the entity cache: the service answers each
// caller with its own view, so it is cached per caller.
var UserKind = cache.Kind{Name: "user", Service: Service, Scope: cache.Private}

// User is a user account.
type User struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Tier      string    `json:"tier"`
	Roles     []string  `json:"roles"`
	CreatedAt time.Time `json:"createdAt"`
}

// ListParams selects a page of users.
type ListParams struct {
	Query         string
	Limit, Offset int
}

// Page is a page of users and the number of matches.
type Page struct {
	Users []User `json:"users"`
	Total int    `json:"total"`
}

// Client calls the users service.
type Client struct{ rc *restclient.Client }

// New returns a users client over rc.
func New(rc *restclient.Client) *Client { return &Client{rc: rc} }

// BatchGet returns the users with the given ids that exist, in no promised order.
func (c *Client) BatchGet(ctx context.Context, ids []string) ([]User, error) {
	var out struct {
		Users []User `json:"users"`
	}
	err := c.rc.Get(ctx, "/users", url.Values{"ids": {restclient.JoinIDs(ids)}}, &out)
	return out.Users, err
}

// List returns a page of users.
func (c *Client) List(ctx context.Context, p ListParams) (Page, error) {
	q := restclient.PageQuery(p.Limit, p.Offset)
	if p.Query != "" {
		q.Set("q", p.Query)
	}
	var out Page
	err := c.rc.Get(ctx, "/users", q, &out)
	return out, err
}
