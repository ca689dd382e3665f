package inventory

import (
	"errors"
	"net/http"

	"github.com/frontdesk/frontdesk/services/internal/httpapi"
)

const cacheControl = "max-age=5"

// BatchResponse is the body of GET /stock?productIds=….
type BatchResponse struct {
	Stock []Stock `json:"stock"`
}

type handler struct{ store *Store }

// NewHandler returns the HTTP handler of the inventory service.
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
	rt.HandleFunc("GET /stock", h.batch)
	rt.HandleFunc("GET /stock/{productId}", h.get)
	rt.HandleFunc("POST /stock/{productId}/adjustments", h.adjust)
	return rt
}

func (h handler) batch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !q.Has("productIds") {
		httpapi.BadRequest(w, "query parameter productIds is required")
		return
	}
	ids, err := httpapi.BatchIDs(q, "productIds")
	if err != nil {
		httpapi.BadRequest(w, err.Error())
		return
	}
	httpapi.WriteRead(w, cacheControl, BatchResponse{Stock: h.store.GetMany(ids)})
}

func (h handler) get(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("productId")
	st, ok := h.store.Get(id)
	if !ok {
		httpapi.NotFound(w, "stock for product "+id+" not found")
		return
	}
	httpapi.WriteRead(w, cacheControl, st)
}

func (h handler) adjust(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", httpapi.CacheNoStore)
	if !httpapi.CallerFrom(r).CanAdminister() {
		httpapi.Forbidden(w, "adjusting stock needs the admin role")
		return
	}
	var a Adjustment
	if err := httpapi.DecodeJSON(w, r, &a); err != nil {
		httpapi.BadRequest(w, err.Error())
		return
	}
	id := r.PathValue("productId")
	st, err := h.store.Adjust(id, a)
	switch {
	case err == nil:
		httpapi.WriteJSON(w, http.StatusOK, st)
	case errors.Is(err, ErrNotFound):
		httpapi.NotFound(w, "product "+id+" not found")
	case errors.Is(err, ErrInsufficient):
		httpapi.Conflict(w, err.Error())
	default:
		httpapi.BadRequest(w, err.Error())
	}
}
