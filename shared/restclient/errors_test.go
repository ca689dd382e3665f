package restclient_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/frontdesk/frontdesk/shared/restclient"
)

func TestKind(t *testing.T) {
	tests := []struct {
		kind          restclient.Kind
		wantString    string
		wantTransient bool
	}{
		{restclient.KindNotFound, "not found", false},
		{restclient.KindBadRequest, "bad request", false},
		{restclient.KindConflict, "conflict", false},
		{restclient.KindForbidden, "forbidden", false},
		{restclient.KindUnavailable, "unavailable", true},
		{restclient.KindTimeout, "timeout", true},
		{restclient.KindBadResponse, "bad response", true},
		{restclient.KindCanceled, "canceled", true},
		{restclient.KindCircuitOpen, "circuit open", true},
		{restclient.Kind(0), "Kind(0)", false},
		{restclient.Kind(99), "Kind(99)", false},
	}
	for _, tt := range tests {
		t.Run(tt.wantString, func(t *testing.T) {
			if got := tt.kind.String(); got != tt.wantString {
				t.Errorf("String() = %q, want %q", got, tt.wantString)
			}
			if got := tt.kind.Transient(); got != tt.wantTransient {
				t.Errorf("Transient() = %v, want %v", got, tt.wantTransient)
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	cause := errors.New("dial tcp 10.1.2.3:3002: connection refused")
	tests := []struct {
		name string
		err  *restclient.Error
		want string
	}{
		{
			name: "no response",
			err:  &restclient.Error{Service: "catalog", Op: "GET /products", Kind: restclient.KindUnavailable, Err: cause},
			want: "catalog GET /products: unavailable: dial tcp 10.1.2.3:3002: connection refused",
		},
		{
			name: "status and code",
			err:  &restclient.Error{Service: "orders", Op: "PATCH /orders/ord_00001", Kind: restclient.KindConflict, Status: 409, Code: "conflict"},
			want: "orders PATCH /orders/ord_00001: conflict (status 409, code conflict)",
		},
		{
			name: "status without code, with cause",
			err:  &restclient.Error{Service: "users", Op: "GET /users", Kind: restclient.KindBadResponse, Status: 200, Err: errors.New("decoding body: EOF")},
			want: "users GET /users: bad response (status 200): decoding body: EOF",
		},
		{
			name: "retried, with status",
			err:  &restclient.Error{Service: "catalog", Op: "GET /products", Kind: restclient.KindUnavailable, Status: 503, Attempts: 3},
			want: "catalog GET /products: unavailable (status 503, 3 attempts)",
		},
		{
			name: "retried, without status",
			err:  &restclient.Error{Service: "catalog", Op: "GET /products", Kind: restclient.KindTimeout, Attempts: 2, Err: errors.New("boom")},
			want: "catalog GET /products: timeout (2 attempts): boom",
		},
		{
			name: "one attempt is not mentioned",
			err:  &restclient.Error{Service: "catalog", Op: "GET /products", Kind: restclient.KindCircuitOpen, Attempts: 1},
			want: "catalog GET /products: circuit open",
		},
		{
			name: "bad value",
			err:  restclient.BadValue("orders", "order status", "LOST"),
			want: `orders decoding order status: bad response: unknown order status "LOST"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q\nwant      %q", got, tt.want)
			}
			if !errors.Is(fmt.Errorf("wrapped: %w", tt.err), tt.err) {
				t.Errorf("errors.Is through a wrap failed")
			}
		})
	}
	if e := restclient.BadValue("orders", "order status", "LOST"); e.Kind != restclient.KindBadResponse || e.Service != "orders" {
		t.Errorf("BadValue = %+v, want a bad response of orders", e)
	}
}

func TestErrorUnwrapsCause(t *testing.T) {
	e := &restclient.Error{Service: "catalog", Op: "GET /x", Kind: restclient.KindTimeout, Err: context.DeadlineExceeded}
	if !errors.Is(e, context.DeadlineExceeded) {
		t.Errorf("errors.Is(e, DeadlineExceeded) = false, want true")
	}
}

func TestIsErrNotFound(t *testing.T) {
	kinds := []restclient.Kind{
		restclient.KindNotFound, restclient.KindBadRequest, restclient.KindConflict, restclient.KindUnavailable,
		restclient.KindTimeout, restclient.KindBadResponse, restclient.KindCanceled, restclient.KindForbidden,
		restclient.KindCircuitOpen,
	}
	for _, k := range kinds {
		t.Run(k.String(), func(t *testing.T) {
			err := fmt.Errorf("fetching product prd_0001: %w", &restclient.Error{Service: "catalog", Op: "GET /products/prd_0001", Kind: k})
			if got, want := errors.Is(err, restclient.ErrNotFound), k == restclient.KindNotFound; got != want {
				t.Errorf("errors.Is(err, ErrNotFound) = %v, want %v", got, want)
			}
		})
	}
	if errors.Is(errors.New("not found"), restclient.ErrNotFound) {
		t.Errorf("an unrelated error with the same text matched ErrNotFound")
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		wantKind restclient.Kind
		wantOK   bool
	}{
		{"upstream error", &restclient.Error{Kind: restclient.KindConflict}, restclient.KindConflict, true},
		{"wrapped upstream error", fmt.Errorf("placing order: %w", &restclient.Error{Kind: restclient.KindNotFound}), restclient.KindNotFound, true},
		{"upstream error wins over its context cause", &restclient.Error{Kind: restclient.KindUnavailable, Err: context.Canceled}, restclient.KindUnavailable, true},
		{"bare deadline", context.DeadlineExceeded, restclient.KindTimeout, true},
		{"wrapped deadline", fmt.Errorf("loading: %w", context.DeadlineExceeded), restclient.KindTimeout, true},
		{"bare canceled", context.Canceled, restclient.KindCanceled, true},
		{"other error", errors.New("boom"), 0, false},
		{"nil", nil, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, ok := restclient.KindOf(tt.err)
			if k != tt.wantKind || ok != tt.wantOK {
				t.Errorf("KindOf(%v) = %v, %v; want %v, %v", tt.err, k, ok, tt.wantKind, tt.wantOK)
			}
		})
	}
}
