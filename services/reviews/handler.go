package reviews

import (
	"errors"
	"net/http"
	"slices"

	"github.com/frontdesk/frontdesk/services/internal/httpapi"
)

const summaryCacheControl = "max-age=30"

// ListResponse is the body of GET /reviews.
type ListResponse struct {
	Reviews []Review `json:"reviews"`
	Total   int      `json:"total"`
}

type handler struct{ store *Store }

// NewHandler returns the HTTP handler of the reviews service.
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
	rt.HandleFunc("GET /products/{productId}/reviews/summary", h.summary)
	rt.HandleFunc("GET /reviews", h.list)
	rt.HandleFunc("GET /reviews/{id}", h.get)
	rt.HandleFunc("POST /reviews", h.create)
	rt.HandleFunc("PATCH /reviews/{id}", h.patch)
	return rt
}

func (h handler) summary(w http.ResponseWriter, r *http.Request) {
	httpapi.WriteRead(w, summaryCacheControl, h.store.Summary(r.PathValue("productId")))
}

func (h handler) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, err := httpapi.ParsePage(q)
	if err != nil {
		httpapi.BadRequest(w, err.Error())
		return
	}
	f := Filter{ProductID: q.Get("productId"), UserID: q.Get("userId"), Statuses: httpapi.SplitList(q, "status")}
	f.Viewer = viewerOf(httpapi.CallerFrom(r))
	for _, st := range f.Statuses {
		if !slices.Contains(Statuses(), st) {
			httpapi.BadRequest(w, "status must be one of PENDING, APPROVED, REJECTED")
			return
		}
	}
	matches := h.store.List(f)
	httpapi.WriteJSON(w, http.StatusOK, ListResponse{Reviews: httpapi.Slice(matches, page), Total: len(matches)})
}

func (h handler) get(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	rev, ok := h.store.Get(id)
	if !ok || !VisibleTo(rev, viewerOf(httpapi.CallerFrom(r))) {
		// A hidden review answers like an unknown one.
		httpapi.NotFound(w, "review "+id+" not found")
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, rev)
}

func (h handler) create(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", httpapi.CacheNoStore)
	var n NewReview
	if err := httpapi.DecodeJSON(w, r, &n); err != nil {
		httpapi.BadRequest(w, err.Error())
		return
	}
	if err := n.Validate(); err != nil {
		httpapi.BadRequest(w, err.Error())
		return
	}
	if !httpapi.CallerFrom(r).CanAccess(n.UserID) {
		httpapi.Forbidden(w, "reviews can only be written as the calling user")
		return
	}
	rev, err := h.store.Create(n)
	if err != nil {
		httpapi.BadRequest(w, err.Error())
		return
	}
	w.Header().Set("Location", "/reviews/"+rev.ID)
	httpapi.WriteJSON(w, http.StatusCreated, rev)
}

func (h handler) patch(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", httpapi.CacheNoStore)
	if !httpapi.CallerFrom(r).CanAdminister() {
		httpapi.Forbidden(w, "moderating reviews needs the admin role")
		return
	}
	var c StatusChange
	if err := httpapi.DecodeJSON(w, r, &c); err != nil {
		httpapi.BadRequest(w, err.Error())
		return
	}
	id := r.PathValue("id")
	rev, err := h.store.SetStatus(id, c)
	switch {
	case err == nil:
		httpapi.WriteJSON(w, http.StatusOK, rev)
	case errors.Is(err, ErrNotFound):
		httpapi.NotFound(w, "review "+id+" not found")
	default:
		httpapi.BadRequest(w, err.Error())
	}
}

// viewerOf returns the viewer VisibleTo checks for caller: its user id when
// it is scoped, else empty (it sees every review).
func viewerOf(caller httpapi.Caller) string {
	if caller.Scoped() {
		return caller.UserID
	}
	return ""
}
