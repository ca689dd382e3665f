package orders

import (
	"errors"
	"net/http"
	"slices"

	"github.com/frontdesk/frontdesk/services/internal/httpapi"
)

// ListResponse is the body of GET /orders (list form).
type ListResponse struct {
	Orders []Order `json:"orders"`
	Total  int     `json:"total"`
}

// BatchResponse is the body of GET /orders?ids=….
type BatchResponse struct {
	Orders []Order `json:"orders"`
}

type handler struct{ store *Store }

// NewHandler returns the HTTP handler of the orders service.
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
	rt.HandleFunc("GET /orders", h.list)
	rt.HandleFunc("GET /orders/{id}", h.get)
	rt.HandleFunc("POST /orders", h.create)
	rt.HandleFunc("PATCH /orders/{id}", h.patch)
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
		// Other users' orders are absent, exactly like unknown ids.
		found := slices.DeleteFunc(h.store.GetMany(ids), func(o Order) bool { return !caller.CanAccess(o.UserID) })
		httpapi.WriteRead(w, httpapi.CachePrivate, BatchResponse{Orders: found})
		return
	}
	page, err := httpapi.ParsePage(q)
	if err != nil {
		httpapi.BadRequest(w, err.Error())
		return
	}
	f := Filter{UserID: q.Get("userId"), Statuses: httpapi.SplitList(q, "status"), Sort: q.Get("sort")}
	for _, st := range f.Statuses {
		if !ValidStatus(st) {
			httpapi.BadRequest(w, "status must be one of PENDING, PAID, SHIPPED, DELIVERED, CANCELLED")
			return
		}
	}
	if f.Sort == "" {
		f.Sort = SortCreatedDesc
	}
	if !ValidSort(f.Sort) {
		httpapi.BadRequest(w, "sort must be one of createdAt_desc, createdAt_asc, total_desc, total_asc")
		return
	}
	var matches []Order
	switch {
	case caller.Scoped() && f.UserID == "":
		f.UserID = caller.UserID
		matches = h.store.List(f)
	case !caller.CanAccess(f.UserID):
		matches = []Order{} // someone else's orders: an empty page, not an error
	default:
		matches = h.store.List(f)
	}
	httpapi.WriteRead(w, httpapi.CachePrivate, ListResponse{
		Orders: httpapi.Slice(matches, page),
		Total:  len(matches),
	})
}

func (h handler) get(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	o, ok := h.store.Get(id)
	if !ok || !httpapi.CallerFrom(r).CanAccess(o.UserID) {
		// Another user's order answers like an unknown one, so that its
		// existence does not leak.
		httpapi.NotFound(w, "order "+id+" not found")
		return
	}
	httpapi.WriteRead(w, httpapi.CachePrivate, o)
}

func (h handler) create(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", httpapi.CacheNoStore)
	var n NewOrder
	if err := httpapi.DecodeJSON(w, r, &n); err != nil {
		httpapi.BadRequest(w, err.Error())
		return
	}
	if err := n.Validate(); err != nil {
		httpapi.BadRequest(w, err.Error())
		return
	}
	if !httpapi.CallerFrom(r).CanAccess(n.UserID) {
		httpapi.Forbidden(w, "orders can only be placed for the calling user")
		return
	}
	o, err := h.store.Create(n)
	if err != nil {
		httpapi.BadRequest(w, err.Error())
		return
	}
	w.Header().Set("Location", "/orders/"+o.ID)
	httpapi.WriteJSON(w, http.StatusCreated, o)
}

func (h handler) patch(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", httpapi.CacheNoStore)
	if !httpapi.CallerFrom(r).CanAdminister() {
		httpapi.Forbidden(w, "changing an order's status needs the admin role")
		return
	}
	var c StatusChange
	if err := httpapi.DecodeJSON(w, r, &c); err != nil {
		httpapi.BadRequest(w, err.Error())
		return
	}
	id := r.PathValue("id")
	o, err := h.store.SetStatus(id, c.Status)
	switch {
	case err == nil:
		httpapi.WriteJSON(w, http.StatusOK, o)
	case errors.Is(err, ErrNotFound):
		httpapi.NotFound(w, "order "+id+" not found")
	case errors.Is(err, ErrInvalidTransition):
		httpapi.Conflict(w, err.Error())
	default:
		httpapi.BadRequest(w, err.Error())
	}
}
