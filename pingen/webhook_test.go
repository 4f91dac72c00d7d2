package pingen

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func TestVerifyWebhook(t *testing.T) {
	const key = "0123456789abcdefghij" // 20 characters, Pingen's minimum
	body := []byte(`{"data":{"id":"e1","type":"webhook_sent","attributes":{"url":"https://example.org"}}}`)
	sign := func(k string, b []byte) string {
		m := hmac.New(sha256.New, []byte(k))
		m.Write(b)
		return hex.EncodeToString(m.Sum(nil))
	}
	good := sign(key, body)
	tests := []struct {
		name string
		key  string
		body []byte
		sig  string
		want bool
	}{
		{"good", key, body, good, true},
		{"upper-case hex", key, body, strings.ToUpper(good), true},
		{"surrounding space", key, body, " " + good + "\n", true},
		{"other key", "0123456789abcdefghiX", body, good, false},
		{"body changed", key, append([]byte(nil), append(body, ' ')...), good, false},
		{"body re-encoded", key, []byte(strings.ReplaceAll(string(body), `":"`, `": "`)), good, false},
		{"truncated signature", key, body, good[:62], false},
		{"not hex", key, body, "z" + good[1:], false},
		{"empty signature", key, body, "", false},
		{"empty key", "", body, sign("", body), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := VerifyWebhook(tt.key, tt.body, tt.sig); got != tt.want {
				t.Errorf("VerifyWebhook = %v, want %v", got, tt.want)
			}
		})
	}
}
