package restclient

import (
	"errors"
	"io"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Answers are decoded with json/v2 (github.com/go-json-experiment/json, the
// module that becomes encoding/json/v2 in Go 1.27): it validates and decodes
// in one pass, where encoding/json scans a value whole before decoding it,
// and it costs less than half the CPU on the services' answers
// (docs/decisions.md, "Upstream answers are decoded in one pass with
// json/v2").
//
// decodeOptions keep encoding/json's tolerance of what an upstream sends:
// unknown members are ignored (json/v2's default), duplicate names are
// allowed (the last wins), invalid UTF-8 becomes U+FFFD, and names match
// case-insensitively (json/v2 also ignores '_' and '-' then).
var decodeOptions = json.JoinOptions(
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
	json.MatchCaseInsensitiveNames(true),
)

// unmarshal decodes the JSON value data into out.
func unmarshal(data []byte, out any) error { return json.Unmarshal(data, out, decodeOptions) }

// unmarshalRead decodes the JSON value r holds, up to its EOF, into out.
func unmarshalRead(r io.Reader, out any) error { return json.UnmarshalRead(r, out, decodeOptions) }

// bufferedBytes returns the unread bytes of body when Attempt has read it
// into memory (Retry only labels it with the attempt count).
func bufferedBytes(body io.ReadCloser) ([]byte, bool) {
	if ab, ok := body.(*attemptsBody); ok {
		body = ab.ReadCloser
	}
	if bb, ok := body.(*bufferedBody); ok {
		return bb.unread(), true
	}
	return nil, false
}

// errBodyTooLarge is what a cappedReader returns past its cap.
var errBodyTooLarge = errors.New("restclient: response body over the cap")

// cappedReader reads at most left bytes of r and remembers why it stopped:
// exceeded when r holds more, err when a read failed.
type cappedReader struct {
	r        io.Reader
	left     int64
	exceeded bool
	err      error
}

func (c *cappedReader) Read(p []byte) (int, error) {
	switch {
	case c.exceeded:
		return 0, errBodyTooLarge
	case c.err != nil:
		return 0, c.err
	case len(p) == 0:
		return 0, nil
	}
	// Ask for one byte past the cap, so a longer body shows.
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	if int64(n) > c.left {
		c.exceeded = true
		n := int(c.left)
		c.left = 0
		return n, errBodyTooLarge
	}
	c.left -= int64(n)
	if err != nil && err != io.EOF {
		c.err = err
	}
	return n, err
}
