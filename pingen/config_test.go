package pingen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigFromEnv(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "secret")
	if err := os.WriteFile(secretFile, []byte("  from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	emptyFile := filepath.Join(dir, "empty")
	os.WriteFile(emptyFile, []byte("\n"), 0o600)
	base := map[string]string{
		"PINGEN_CLIENT_ID":       "id",
		"PINGEN_CLIENT_SECRET":   "sec",
		"PINGEN_ORGANISATION_ID": "org",
	}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name     string
		env      map[string]string
		env2     Env
		secret   Secret
		api, idp string
		err      string
	}{
		{"staging by default", base, Staging, "sec", "https://api-staging.pingen.com", "https://identity-staging.pingen.com", ""},
		{"production", with("PINGEN_ENV", "Production"), Production, "sec", "https://api.pingen.com", "https://identity.pingen.com", ""},
		{"overrides", with("PINGEN_API_URL", "http://127.0.0.1:8080/proxy/", "PINGEN_IDENTITY_URL", "http://127.0.0.1:8081"),
			Staging, "sec", "http://127.0.0.1:8080/proxy/", "http://127.0.0.1:8081", ""},
		{"secret file", with("PINGEN_CLIENT_SECRET", "", "PINGEN_CLIENT_SECRET_FILE", secretFile), Staging, "from-file", "https://api-staging.pingen.com", "https://identity-staging.pingen.com", ""},
		{"both secrets", with("PINGEN_CLIENT_SECRET_FILE", secretFile), "", "", "", "", "not both"},
		{"empty secret file", with("PINGEN_CLIENT_SECRET", "", "PINGEN_CLIENT_SECRET_FILE", emptyFile), "", "", "", "", "is empty"},
		{"missing secret file", with("PINGEN_CLIENT_SECRET", "", "PINGEN_CLIENT_SECRET_FILE", filepath.Join(dir, "nope")), "", "", "", "", "no such file"},
		{"missing all", map[string]string{}, "", "", "", "", "missing PINGEN_CLIENT_ID, PINGEN_CLIENT_SECRET, PINGEN_ORGANISATION_ID"},
		{"bad env", with("PINGEN_ENV", "prod"), "", "", "", "", "PINGEN_ENV must be staging or production"},
		{"bad URL", with("PINGEN_API_URL", "api.pingen.com"), "", "", "", "", "PINGEN_API_URL: not an http(s) URL"},
		{"URL with user info", with("PINGEN_IDENTITY_URL", "https://u:pw@example.org"), "", "", "", "", "PINGEN_IDENTITY_URL: not an http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ConfigFromEnv(func(k string) string { return tt.env[k] })
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				if strings.Contains(err.Error(), "pw") {
					t.Errorf("error shows the URL's password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.env() != tt.env2 || c.ClientSecret != tt.secret || c.apiURL() != tt.api || c.identityURL() != tt.idp || c.ClientID != "id" || c.OrganisationID != "org" {
				t.Errorf("got %s (secret ok: %v)", c, c.ClientSecret == tt.secret)
			}
		})
	}
}

// TestRedaction formats a Config, a Secret and a Client every way we can
// think of; none may show the secret.
func TestRedaction(t *testing.T) {
	const secret = "hunter2-hunter2"
	cfg := Config{ClientID: "id", ClientSecret: secret, OrganisationID: "org"}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.token, c.old = "tok-current-123", "tok-old-456"
	type holder struct {
		Cfg    Config
		Secret Secret
		Client *Client
	}
	values := []any{cfg, &cfg, cfg.ClientSecret, c, holder{cfg, cfg.ClientSecret, c}, []any{cfg, c}}
	var out strings.Builder
	for _, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T %10.3v"} {
			fmt.Fprintf(&out, verb+"\n", v, v)
		}
		fmt.Fprintln(&out, v)
		b, _ := json.Marshal(v)
		out.Write(b)
	}
	for _, h := range []func(*bytes.Buffer) slog.Handler{
		func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var b bytes.Buffer
		slog.New(h(&b)).Info("x", "cfg", cfg, "secret", cfg.ClientSecret, "client", c)
		out.Write(b.Bytes())
	}
	s := out.String()
	for _, leak := range []string{secret, "hunter", "tok-current", "tok-old", fmt.Sprintf("%x", secret)} {
		if strings.Contains(s, leak) {
			t.Errorf("output contains %q:\n%s", leak, s)
		}
	}
	if !strings.Contains(s, "ClientSecret: [redacted]") || !strings.Contains(s, "OrganisationID: org") {
		t.Errorf("redacted output does not describe the config:\n%s", s)
	}
	if Secret("").String() != "" {
		t.Error("an empty secret should print as empty")
	}
}
