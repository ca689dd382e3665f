package users

import (
	"net/http"

	"github.com/frontdesk/frontdesk/services/internal/httpapi"
)

// ListResponse is the body of GET /users (list form).
type ListResponse struct {
	Users []User `json:"users"`
	Total int    `json:"total"`
}

// BatchResponse is the body of GET /users?ids=….
type BatchResponse struct {
	Users []User `json:"users"`
}

type handler struct{ store *Store }

// NewHandler returns the HTTP handler of the users service.
func NewHandler(s *Store) http.Handler {
	return newRouter(s)
}

// Routes lists the route patterns served by NewHandler.
func Routes() []string {
	return newRouter(nil).Patterns()
}

func newRouter(s *Store) *httpapi.Router {
	h := handler{store: s}
	rt := httpapi.NewRouter()
	rt.HandleFunc("GET /users", h.list)
	rt.HandleFunc("GET /users/{id}", h.get)
	return rt
}

func (h handler) list(w http.ResponseWriter, r *http.Request) {
	caller := httpapi.CallerFrom(r)
	q := r.URL.Query()
	if q.Has("ids") {
		ids, err := httpapi.BatchIDs(q, "ids")
		if err != nil {
			httpapi.BadRequest(w, err.Error())
			return
		}
		found := h.store.GetMany(ids)
		for i, u := range found {
			found[i] = viewFor(caller, u)
		}
		httpapi.WriteRead(w, httpapi.CachePrivate, BatchResponse{Users: found})
		return
	}
	if caller.Scoped() {
		httpapi.Forbidden(w, "searching users needs a staff role")
		return
	}
	page, err := httpapi.ParsePage(q)
	if err != nil {
		httpapi.BadRequest(w, err.Error())
		return
	}
	matches := h.store.Search(q.Get("q"))
	httpapi.WriteRead(w, httpapi.CachePrivate, ListResponse{
		Users: httpapi.Slice(matches, page),
		Total: len(matches),
	})
}

func (h handler) get(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	u, ok := h.store.Get(id)
	if !ok {
		httpapi.NotFound(w, "user "+id+" not found")
		return
	}
	httpapi.WriteRead(w, httpapi.CachePrivate, viewFor(httpapi.CallerFrom(r), u))
}

// viewFor returns what caller may see of u: everything of its own record (or
// of anyone's, for an unscoped caller), else the public view.
func viewFor(caller httpapi.Caller, u User) User {
	if caller.CanAccess(u.ID) {
		return u
	}
	return u.Public()
}
