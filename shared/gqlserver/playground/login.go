package playground

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Login configures the page's demo login helper: a bar above GraphiQL where
// the developer picks one of Users and signs in, which puts an
// "Authorization: Bearer <token>" header into GraphiQL's headers editor.
//
// The page gets the token from the handler's token proxy (POST to
// "token" next to AssetPrefix's last segment, e.g. /playground/token for
// /playground/assets/), which accepts only the subjects of Users and asks
// TokenURL for a token on the server side. It is a development feature: the
// proxy hands a token for any listed user to whoever can reach the page.
type Login struct {
	// TokenURL is the demo issuer's token endpoint, an absolute http(s) URL
	// such as "http://127.0.0.1:3000/token". Only the server calls it; the
	// page never sees it.
	TokenURL string

	// ClientID is sent to TokenURL as client_id, e.g. "mobile-app".
	ClientID string

	// Users are the choices offered, in order. At least one is required and
	// subjects must be unique.
	Users []LoginUser

	// Client calls TokenURL. Nil means a client with a 5 s timeout that does
	// not follow redirects (never http.DefaultClient).
	Client *http.Client
}

// LoginUser is one user the login helper offers.
type LoginUser struct {
	// Subject is the issuer's user id, sent as subject, e.g. "usr_0001".
	Subject string
	// Label is shown in the page, e.g. "Ada Lovelace (customer)"; empty
	// means Subject.
	Label string
}

// Limits of the token proxy.
const (
	loginTimeout       = 5 * time.Second // per call to TokenURL, also the default client's timeout
	maxLoginBodyBytes  = 1 << 10         // request body from the page
	maxIssuerBodyBytes = 64 << 10        // response body from TokenURL
)

// Public error messages of the token proxy. They never quote the request,
// the issuer's URL or its answer.
const (
	msgMethod      = "use POST"
	msgCrossOrigin = "cross-origin request refused"
	msgMediaType   = "the body must be application/json or application/x-www-form-urlencoded"
	msgTooLarge    = "the body is too large"
	msgBadBody     = `the body must be {"subject": "<one of the offered users>"}`
	msgUnknownUser = "unknown demo user"
	msgUpstream    = "the demo issuer did not issue a token; is it running?"
)

// tokenPathFor returns the token proxy's path for an asset prefix: "token"
// in the prefix's parent, e.g. "/playground/token" for "/playground/assets/".
func tokenPathFor(assetPrefix string) string {
	parent := strings.TrimSuffix(assetPrefix, "/")
	return parent[:strings.LastIndex(parent, "/")+1] + "token"
}

// checkLogin validates l and returns its users with labels defaulted.
func checkLogin(l *Login) ([]LoginUser, error) {
	u, err := url.Parse(l.TokenURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.Fragment != "" {
		return nil, errors.New("playground: Login.TokenURL must be an absolute http(s) URL without credentials or fragment")
	}
	if l.ClientID == "" {
		return nil, errors.New("playground: Login.ClientID is empty")
	}
	if len(l.Users) == 0 {
		return nil, errors.New("playground: Login.Users is empty")
	}
	users := make([]LoginUser, len(l.Users))
	seen := make(map[string]bool, len(l.Users))
	for i, usr := range l.Users {
		if usr.Subject == "" {
			return nil, fmt.Errorf("playground: Login.Users[%d] has no Subject", i)
		}
		if seen[usr.Subject] {
			return nil, fmt.Errorf("playground: Login.Users lists subject %q twice", usr.Subject)
		}
		seen[usr.Subject] = true
		if usr.Label == "" {
			usr.Label = usr.Subject
		}
		users[i] = usr
	}
	return users, nil
}

// tokenProxy answers the page's sign-in requests: POST {"subject": "..."}
// → {"access_token": "...", "expires_in": N}.
type tokenProxy struct {
	tokenURL string
	clientID string
	subjects map[string]bool
	client   *http.Client
	csrf     *http.CrossOriginProtection
}

func newTokenProxy(l *Login, users []LoginUser) *tokenProxy {
	p := &tokenProxy{
		tokenURL: l.TokenURL,
		clientID: l.ClientID,
		subjects: make(map[string]bool, len(users)),
		client:   l.Client,
		csrf:     http.NewCrossOriginProtection(),
	}
	for _, u := range users {
		p.subjects[u.Subject] = true
	}
	if p.client == nil {
		p.client = &http.Client{
			Timeout: loginTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		}
	}
	return p
}

// tokenAnswer is the proxy's success body.
type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
}

// issuerAnswer is the part of the issuer's success body the proxy reads.
type issuerAnswer struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

func (p *tokenProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeLoginJSON(w, http.StatusMethodNotAllowed, loginError(msgMethod))
		return
	}
	if !p.sameOrigin(r) {
		writeLoginJSON(w, http.StatusForbidden, loginError(msgCrossOrigin))
		return
	}
	subject, status, msg := readSubject(w, r)
	if status != 0 {
		writeLoginJSON(w, status, loginError(msg))
		return
	}
	if !p.subjects[subject] {
		writeLoginJSON(w, http.StatusBadRequest, loginError(msgUnknownUser))
		return
	}
	tok, err := p.fetch(r.Context(), subject)
	if err != nil {
		writeLoginJSON(w, http.StatusBadGateway, loginError(msgUpstream))
		return
	}
	writeLoginJSON(w, http.StatusOK, tokenAnswer{AccessToken: tok.AccessToken, ExpiresIn: tok.ExpiresIn})
}

// sameOrigin reports whether r comes from a page of the same origin: a
// Sec-Fetch-Site header, when present, must be "same-origin", and an Origin
// header, when present, must name the request's host.
func (p *tokenProxy) sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		return false
	}
	if p.csrf.Check(r) != nil {
		return false
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		if err != nil || u.Host != r.Host {
			return false
		}
	}
	return true
}

// readSubject reads the subject from r's JSON or form body. On failure it
// returns a non-zero status and a public message.
func readSubject(w http.ResponseWriter, r *http.Request) (subject string, status int, msg string) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "application/json" && mt != "application/x-www-form-urlencoded") {
		return "", http.StatusUnsupportedMediaType, msgMediaType
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxLoginBodyBytes))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return "", http.StatusRequestEntityTooLarge, msgTooLarge
		}
		return "", http.StatusBadRequest, msgBadBody
	}
	if mt == "application/json" {
		var in struct {
			Subject string `json:"subject"`
		}
		if err := json.Unmarshal(body, &in); err != nil || in.Subject == "" {
			return "", http.StatusBadRequest, msgBadBody
		}
		return in.Subject, 0, ""
	}
	form, err := url.ParseQuery(string(body))
	if err != nil || len(form["subject"]) != 1 || form.Get("subject") == "" {
		return "", http.StatusBadRequest, msgBadBody
	}
	return form.Get("subject"), 0, ""
}

// fetch asks the issuer for a token for subject. Its errors are for the
// server only: they may quote the issuer's URL.
func (p *tokenProxy) fetch(ctx context.Context, subject string) (issuerAnswer, error) {
	ctx, cancel := context.WithTimeout(ctx, loginTimeout)
	defer cancel()
	form := url.Values{"client_id": {p.clientID}, "subject": {subject}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return issuerAnswer{}, fmt.Errorf("building the token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return issuerAnswer{}, fmt.Errorf("requesting a token: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxIssuerBodyBytes))
	if err != nil {
		return issuerAnswer{}, fmt.Errorf("reading the token response: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return issuerAnswer{}, fmt.Errorf("token endpoint answered %d", resp.StatusCode)
	}
	var tok issuerAnswer
	if err := json.Unmarshal(body, &tok); err != nil {
		return issuerAnswer{}, fmt.Errorf("decoding the token response: %w", err)
	}
	if tok.AccessToken == "" || (tok.TokenType != "" && !strings.EqualFold(tok.TokenType, "Bearer")) {
		return issuerAnswer{}, errors.New("token response has no bearer access_token")
	}
	return tok, nil
}

// loginErrorBody is the proxy's error body.
type loginErrorBody struct {
	Error string `json:"error"`
}

func loginError(msg string) loginErrorBody { return loginErrorBody{Error: msg} }

func writeLoginJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"encoding the answer failed"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
