package issuer

import (
	"errors"
	"mime"
	"net/http"

	"github.com/frontdesk/frontdesk/services/internal/httpapi"
)

// Paths served by Handler.
const (
	DiscoveryPath = "/.well-known/openid-configuration"
	JWKSPath      = "/jwks"
	TokenPath     = "/token"
	RotatePath    = "/__rotate"
	HealthPath    = "/healthz"
)

// maxFormBytes bounds the body of POST /token.
const maxFormBytes = 8 << 10

// cacheRevalidate lets caches keep discovery and JWKS answers but revalidate
// them on every use, so a rotation is seen at once.
const cacheRevalidate = "no-cache"

// Discovery is the body of GET /.well-known/openid-configuration.
type Discovery struct {
	Issuer                            string   `json:"issuer"`
	JWKSURI                           string   `json:"jwks_uri"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
	ClaimsSupported                   []string `json:"claims_supported"`
}

// TokenResponse is the body of a successful POST /token.
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

// TokenError is the body of a failed POST /token (RFC 6749 §5.2). The
// description never quotes the request.
type TokenError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// RotateResponse is the body of POST /__rotate.
type RotateResponse struct {
	KeyID string `json:"kid"`
}

// Handler returns the issuer's HTTP handler. Unknown routes and methods get
// the services' JSON 404/405 error bodies.
func (is *Issuer) Handler() http.Handler {
	rt := httpapi.NewRouter()
	rt.HandleFunc("GET "+DiscoveryPath, is.discovery)
	rt.HandleFunc("GET "+JWKSPath, is.jwks)
	rt.HandleFunc("POST "+TokenPath, is.token)
	rt.HandleFunc("POST "+RotatePath, is.rotate)
	rt.HandleFunc("GET "+HealthPath, health)
	return rt
}

// Discovery returns the discovery document.
func (is *Issuer) Discovery() Discovery {
	return Discovery{
		Issuer:                            is.url,
		JWKSURI:                           is.url + JWKSPath,
		TokenEndpoint:                     is.url + TokenPath,
		TokenEndpointAuthMethodsSupported: []string{"none"},
		SubjectTypesSupported:             []string{"public"},
		IDTokenSigningAlgValuesSupported:  []string{string(Algorithm)},
		ClaimsSupported:                   []string{"iss", "sub", "aud", "azp", "exp", "iat", "nbf", "roles", "tier"},
	}
}

func (is *Issuer) discovery(w http.ResponseWriter, _ *http.Request) {
	httpapi.WriteRead(w, cacheRevalidate, is.Discovery())
}

func (is *Issuer) jwks(w http.ResponseWriter, _ *http.Request) {
	httpapi.WriteRead(w, cacheRevalidate, is.JWKS())
}

func (is *Issuer) token(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", httpapi.CacheNoStore)
	w.Header().Set("Pragma", "no-cache")
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
		invalidRequest(w, "body must be application/x-www-form-urlencoded")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		invalidRequest(w, "body is not a valid form")
		return
	}
	clientID, ok := single(w, r, "client_id")
	if !ok {
		return
	}
	subject, ok := single(w, r, "subject")
	if !ok {
		return
	}
	token, ttl, err := is.Mint(clientID, subject)
	switch {
	case errors.Is(err, ErrUnknownClient), errors.Is(err, ErrUnknownSubject):
		invalidRequest(w, err.Error())
		return
	case err != nil:
		httpapi.WriteJSON(w, http.StatusInternalServerError, TokenError{Error: "server_error", ErrorDescription: "signing the token failed"})
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, TokenResponse{AccessToken: token, TokenType: "Bearer", ExpiresIn: int64(ttl.Seconds())})
}

// single returns the form parameter name, which must be given exactly once
// and be non-empty; otherwise it answers 400 and reports false.
func single(w http.ResponseWriter, r *http.Request, name string) (string, bool) {
	values := r.PostForm[name]
	switch {
	case len(values) == 0 || values[0] == "":
		invalidRequest(w, "missing "+name)
		return "", false
	case len(values) > 1:
		invalidRequest(w, name+" must be given once")
		return "", false
	}
	return values[0], true
}

func invalidRequest(w http.ResponseWriter, description string) {
	httpapi.WriteJSON(w, http.StatusBadRequest, TokenError{Error: "invalid_request", ErrorDescription: description})
}

func (is *Issuer) rotate(w http.ResponseWriter, _ *http.Request) {
	kid, err := is.Rotate()
	if err != nil {
		httpapi.WriteError(w, http.StatusInternalServerError, httpapi.CodeInternal, "generating a key failed")
		return
	}
	w.Header().Set("Cache-Control", httpapi.CacheNoStore)
	httpapi.WriteJSON(w, http.StatusOK, RotateResponse{KeyID: kid})
}

func health(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", httpapi.CacheNoStore)
	_, _ = w.Write([]byte("ok"))
}
