package pingentest

import (
	"crypto/rand"
	"encoding/base64"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Scopes the identity host knows (pingen-api.md C2).
var scopes = map[string]bool{
	"letter": true, "batch": true, "webhook": true, "organisation_read": true,
	"user": true, "email": true, "ebill": true,
}

func (s *Server) serveIdentity(w http.ResponseWriter, r *http.Request) {
	op := OpToken
	if r.URL.Path != "/auth/access-tokens" {
		op = ""
	}
	s.serve(w, r, op, false, func(body []byte, f Fault, _ *Request) reply {
		if op == "" {
			return oauthError(http.StatusNotFound, "not_found", "no such endpoint")
		}
		if r.Method != http.MethodPost {
			return oauthError(http.StatusMethodNotAllowed, "invalid_request", "use POST")
		}
		f.wait()
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.token(r.Header.Get("Content-Type"), body)
	})
}

func oauthError(status int, code, desc string) reply {
	rep := jsonReply(status, map[string]string{"error": code, "error_description": desc, "message": desc})
	rep.header.Set("Content-Type", "application/json")
	return rep
}

// token runs the client-credentials grant; s.mu must be held.
func (s *Server) token(contentType string, body []byte) reply {
	if mt, _, err := mime.ParseMediaType(contentType); err != nil || mt != "application/x-www-form-urlencoded" {
		s.violate(OpToken, "Content-Type %q, want application/x-www-form-urlencoded", contentType)
		return oauthError(http.StatusBadRequest, "invalid_request", "The request is missing a required parameter.")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		s.violate(OpToken, "malformed form body")
		return oauthError(http.StatusBadRequest, "invalid_request", "malformed form")
	}
	if g := form.Get("grant_type"); g != "client_credentials" {
		s.violate(OpToken, "grant_type %q, want client_credentials", g)
		return oauthError(http.StatusBadRequest, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.")
	}
	if form.Get("client_id") != s.ClientID || form.Get("client_secret") != s.ClientSecret {
		// The body of the real answer (pingen2-sdk-go test fixture).
		return oauthError(http.StatusUnauthorized, "invalid_client", "Client authentication failed")
	}
	for _, sc := range strings.Fields(form.Get("scope")) {
		if !scopes[sc] {
			return oauthError(http.StatusBadRequest, "invalid_scope", "The requested scope is invalid, unknown, or malformed")
		}
	}
	tok := "pt_" + randHex(24)
	s.tokens[tok] = s.now.Add(s.tokenLifetime)
	rep := jsonReply(http.StatusOK, map[string]any{
		"token_type":   "Bearer",
		"expires_in":   int(s.tokenLifetime / time.Second),
		"access_token": tok,
	})
	rep.header.Set("Content-Type", "application/json")
	return rep
}

// upload is a presigned slot in the transfer storage.
type upload struct {
	id        string
	url       string
	amzSig    string // the signature inside the URL
	signature string // url_signature, for the create request
	expires   time.Time
	data      []byte
	put       bool
	letter    string // the letter made from it
}

const bucket = "/pingentest-transfer/"

// fileUpload hands out a presigned URL; s.mu must be held.
func (s *Server) fileUpload() reply {
	u := &upload{id: newUUID(), amzSig: randHex(32), expires: s.now.Add(30 * time.Minute)}
	// Characters that URL or form encoding would change, so that a
	// signature not passed on verbatim shows.
	b := make([]byte, 21)
	rand.Read(b)
	u.signature = "pt1+/" + base64.StdEncoding.EncodeToString(b) + "=="
	q := url.Values{
		"X-Amz-Algorithm":     {"AWS4-HMAC-SHA256"},
		"X-Amz-Credential":    {"PINGENTEST/20261102/ch-gva-2/s3/aws4_request"},
		"X-Amz-Date":          {s.now.UTC().Format("20060102T150405Z")},
		"X-Amz-Expires":       {"1800"},
		"X-Amz-SignedHeaders": {"host"},
		"X-Amz-Signature":     {u.amzSig},
	}
	u.url = s.storage.URL + bucket + u.id + "?" + q.Encode()
	s.uploads[u.id] = u
	return jsonReply(http.StatusOK, map[string]any{"data": map[string]any{
		"id":   u.id,
		"type": "file_uploads",
		"attributes": map[string]any{
			"url":           u.url,
			"url_signature": u.signature,
			"expires_at":    s.now.Add(30 * time.Minute).Format(timeLayout),
		},
	}})
}

func storageError(status int, code string) reply {
	return reply{status: status, header: http.Header{"Content-Type": {"application/xml"}},
		body: []byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code></Error>")}
}

func (s *Server) serveStorage(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutPrefix(r.URL.Path, bucket)
	op := OpPut
	if !ok || r.Method != http.MethodPut {
		op = ""
	}
	s.serve(w, r, op, false, func(body []byte, f Fault, _ *Request) reply {
		if op == "" {
			return storageError(http.StatusMethodNotAllowed, "MethodNotAllowed")
		}
		f.wait()
		s.mu.Lock()
		defer s.mu.Unlock()
		u, ok := s.uploads[id]
		switch {
		case !ok:
			return storageError(http.StatusNotFound, "NoSuchUpload")
		case r.Header.Get("Authorization") != "":
			// A bearer token next to the presigned query breaks the
			// signature (pingen-api.md C5).
			s.violate(OpPut, "Authorization header on the presigned upload")
			return storageError(http.StatusBadRequest, "InvalidArgument")
		case r.URL.Query().Get("X-Amz-Signature") != u.amzSig:
			s.violate(OpPut, "upload URL altered: signature does not match")
			return storageError(http.StatusForbidden, "SignatureDoesNotMatch")
		case r.ContentLength < 0 || len(r.TransferEncoding) > 0:
			s.violate(OpPut, "upload without a known Content-Length (chunked)")
			return storageError(http.StatusNotImplemented, "NotImplemented")
		case u.put:
			s.violate(OpPut, "presigned upload URL used twice")
			return storageError(http.StatusForbidden, "AccessDenied")
		case !s.now.Before(u.expires):
			return storageError(http.StatusForbidden, "AccessDenied")
		case int64(len(body)) != r.ContentLength:
			return storageError(http.StatusBadRequest, "IncompleteBody")
		}
		u.data, u.put = body, true
		return reply{status: http.StatusOK, header: http.Header{"Etag": {`"` + randHex(16) + `"`}}}
	})
}
