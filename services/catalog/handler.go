package catalog

import (
	"net/http"
	"strconv"

	"github.com/frontdesk/frontdesk/services/internal/httpapi"
)

const cacheControl = "max-age=60"

// ListResponse is the body of GET /products (list form).
type ListResponse struct {
	Products []Product `json:"products"`
	Total    int       `json:"total"`
}

// BatchResponse is the body of GET /products?ids=….
type BatchResponse struct {
	Products []Product `json:"products"`
}

// CategoriesResponse is the body of GET /categories.
type CategoriesResponse struct {
	Categories []string `json:"categories"`
}

type handler struct{ store *Store }

// NewHandler returns the HTTP handler of the catalog service.
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
	rt.HandleFunc("GET /products", h.list)
	rt.HandleFunc("GET /products/{id}", h.get)
	rt.HandleFunc("GET /categories", h.categories)
	return rt
}

func (h handler) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Has("ids") {
		ids, err := httpapi.BatchIDs(q, "ids")
		if err != nil {
			httpapi.BadRequest(w, err.Error())
			return
		}
		httpapi.WriteRead(w, cacheControl, BatchResponse{Products: h.store.GetMany(ids)})
		return
	}
	page, err := httpapi.ParsePage(q)
	if err != nil {
		httpapi.BadRequest(w, err.Error())
		return
	}
	f := Filter{Query: q.Get("q"), Category: q.Get("category")}
	if s := q.Get("featured"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			httpapi.BadRequest(w, "featured must be true or false")
			return
		}
		f.Featured = &b
	}
	matches := h.store.Search(f)
	httpapi.WriteRead(w, cacheControl, ListResponse{
		Products: httpapi.Slice(matches, page),
		Total:    len(matches),
	})
}

func (h handler) get(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	p, ok := h.store.Get(id)
	if !ok {
		httpapi.NotFound(w, "product "+id+" not found")
		return
	}
	httpapi.WriteRead(w, cacheControl, p)
}

func (h handler) categories(w http.ResponseWriter, _ *http.Request) {
	httpapi.WriteRead(w, cacheControl, CategoriesResponse{Categories: h.store.Categories()})
}
