package payments

import (
	"errors"
	"net/http"
	"slices"

	"github.com/frontdesk/frontdesk/services/internal/httpapi"
)

// BatchResponse is the body of GET /payments?ids=….
type BatchResponse struct {
	Payments []Payment `json:"payments"`
}

type handler struct{ store *Store }

// NewHandler returns the HTTP handler of the payments service.
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
	rt.HandleFunc("GET /payments", h.batch)
	rt.HandleFunc("GET /payments/{id}", h.get)
	rt.HandleFunc("POST /payments/{id}/refunds", h.refund)
	return rt
}

func (h handler) batch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !q.Has("ids") {
		httpapi.BadRequest(w, "query parameter ids is required")
		return
	}
	ids, err := httpapi.BatchIDs(q, "ids")
	if err != nil {
		httpapi.BadRequest(w, err.Error())
		return
	}
	// Other users' payments are absent, exactly like unknown ids.
	caller := httpapi.CallerFrom(r)
	found := slices.DeleteFunc(h.store.GetMany(ids), func(p Payment) bool { return !caller.CanAccess(p.UserID) })
	httpapi.WriteRead(w, httpapi.CachePrivate, BatchResponse{Payments: found})
}

func (h handler) get(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	p, ok := h.store.Get(id)
	if !ok || !httpapi.CallerFrom(r).CanAccess(p.UserID) {
		// Another user's payment answers like an unknown one, so that its
		// existence does not leak.
		httpapi.NotFound(w, "payment "+id+" not found")
		return
	}
	httpapi.WriteRead(w, httpapi.CachePrivate, p)
}

func (h handler) refund(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", httpapi.CacheNoStore)
	if !httpapi.CallerFrom(r).CanAdminister() {
		httpapi.Forbidden(w, "refunds need the admin role")
		return
	}
	var req RefundRequest
	if err := httpapi.DecodeJSON(w, r, &req); err != nil {
		httpapi.BadRequest(w, err.Error())
		return
	}
	id := r.PathValue("id")
	p, err := h.store.Refund(id, req)
	switch {
	case err == nil:
		httpapi.WriteJSON(w, http.StatusCreated, p)
	case errors.Is(err, ErrNotFound):
		httpapi.NotFound(w, "payment "+id+" not found")
	case errors.Is(err, ErrNotRefundable):
		httpapi.Conflict(w, err.Error())
	default:
		httpapi.BadRequest(w, err.Error())
	}
}
