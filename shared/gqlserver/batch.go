package gqlserver

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"

	"github.com/frontdesk/frontdesk/shared/gqlerr"
)

// serveBatch answers a batch (BATCHING_ENABLED): at most maxBatch requests,
// each served by next in turn as if it came alone, answered with the JSON
// array of their answers in order. The status is 200, or the status every
// answer shares (with the first one's headers: Retry-After,
// WWW-Authenticate). The batch takes one in-flight slot.
func serveBatch(w http.ResponseWriter, r *http.Request, body []byte, maxBatch int, next http.Handler) {
	mt := mediaTypeFrom(r.Context())
	var items []json.RawMessage
	if err := json.Unmarshal(body, &items); err != nil {
		writeError(w, mt, http.StatusBadRequest, gqlerr.New(gqlerr.BadRequest, "the batch is not a JSON array of requests"))
		return
	}
	switch {
	case len(items) == 0:
		writeError(w, mt, http.StatusBadRequest, gqlerr.New(gqlerr.BadRequest, "the batch is empty"))
		return
	case len(items) > maxBatch:
		writeError(w, mt, http.StatusBadRequest,
			gqlerr.New(gqlerr.BadRequest, "a batch may hold at most "+strconv.Itoa(maxBatch)+" requests"))
		return
	}
	answers := make([]*capture, len(items))
	for i, item := range items {
		sub := r.Clone(r.Context())
		sub.Body, sub.ContentLength = io.NopCloser(bytes.NewReader(item)), int64(len(item))
		answers[i] = &capture{header: http.Header{}}
		next.ServeHTTP(answers[i], sub)
	}
	status := answers[0].status()
	for _, a := range answers[1:] {
		if a.status() != status {
			status = http.StatusOK
			break
		}
	}
	if status != http.StatusOK {
		for k, v := range answers[0].header {
			w.Header()[k] = v
		}
	}
	var out bytes.Buffer
	out.WriteByte('[')
	for i, a := range answers {
		if i > 0 {
			out.WriteByte(',')
		}
		if b := bytes.TrimSpace(a.body.Bytes()); json.Valid(b) {
			out.Write(b)
		} else {
			out.WriteString(`{"errors":[` + string(invalidRequest) + `]}`)
		}
	}
	out.WriteByte(']')
	w.Header().Set("Content-Type", mt)
	w.Header().Del("Content-Length")
	w.WriteHeader(status)
	_, _ = w.Write(out.Bytes())
}

// capture holds one batched request's answer.
type capture struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (c *capture) Header() http.Header { return c.header }

func (c *capture) WriteHeader(code int) {
	if c.code == 0 {
		c.code = code
	}
}

func (c *capture) Write(b []byte) (int, error) {
	if c.code == 0 {
		c.code = http.StatusOK
	}
	return c.body.Write(b)
}

func (c *capture) status() int { return max(c.code, http.StatusOK) }
