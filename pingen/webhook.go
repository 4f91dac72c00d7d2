package pingen

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// VerifyWebhook reports whether signature, the Signature header of a webhook
// request, is the hex HMAC-SHA256 of body under the webhook's signing key.
// body must be the raw request body: re-encoded JSON does not match. The
// comparison takes constant time.
func VerifyWebhook(signingKey string, body []byte, signature string) bool {
	if signingKey == "" {
		return false
	}
	got, err := hex.DecodeString(strings.TrimSpace(signature))
	if err != nil || len(got) != sha256.Size {
		return false
	}
	m := hmac.New(sha256.New, []byte(signingKey))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}
