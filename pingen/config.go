package pingen

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
)

// Env selects Pingen's production or staging hosts.
type Env string

const (
	// Staging is Pingen's test environment: separate credentials, nothing
	// is printed or posted. It is the default.
	Staging Env = "staging"
	// Production prints and posts letters, and charges for them.
	Production Env = "production"
)

// Hosts per environment (pingen-api.md C1).
var hosts = map[Env][2]string{
	Production: {"https://api.pingen.com", "https://identity.pingen.com"},
	Staging:    {"https://api-staging.pingen.com", "https://identity-staging.pingen.com"},
}

const redacted = "[redacted]"

// Secret is a string that does not print: every fmt verb, String and JSON
// encoding show "[redacted]" (or nothing when it is empty).
type Secret string

// String returns "[redacted]", or "" for an empty secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// Format writes the redacted form for every verb, so that %x, %q or %d
// cannot print the value either.
func (s Secret) Format(f fmt.State, _ rune) { io.WriteString(f, s.String()) }

// MarshalJSON encodes the redacted form.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.String() + `"`), nil }

// Config says which Pingen account and hosts a Client uses.
type Config struct {
	Env            Env // empty means Staging
	ClientID       string
	ClientSecret   Secret
	OrganisationID string
	APIURL         string // empty: the Env's API host
	IdentityURL    string // empty: the Env's identity host
}

// ConfigFromEnv reads a Config from PINGEN_ENV (staging or production,
// default staging), PINGEN_CLIENT_ID, PINGEN_CLIENT_SECRET or
// PINGEN_CLIENT_SECRET_FILE (a file holding the secret; surrounding white
// space is ignored), PINGEN_ORGANISATION_ID, and the optional overrides
// PINGEN_API_URL and PINGEN_IDENTITY_URL. getenv is usually os.Getenv.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	c := Config{
		Env:            Env(strings.ToLower(get("PINGEN_ENV"))),
		ClientID:       get("PINGEN_CLIENT_ID"),
		OrganisationID: get("PINGEN_ORGANISATION_ID"),
		APIURL:         get("PINGEN_API_URL"),
		IdentityURL:    get("PINGEN_IDENTITY_URL"),
	}
	// The secret itself is not trimmed: only the file form strips the
	// newline editors add.
	secret, file := getenv("PINGEN_CLIENT_SECRET"), get("PINGEN_CLIENT_SECRET_FILE")
	switch {
	case secret != "" && file != "":
		return c, errors.New("pingen config: set PINGEN_CLIENT_SECRET or PINGEN_CLIENT_SECRET_FILE, not both")
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return c, fmt.Errorf("pingen config: PINGEN_CLIENT_SECRET_FILE: %w", err)
		}
		secret = strings.TrimSpace(string(b))
		if secret == "" {
			return c, fmt.Errorf("pingen config: PINGEN_CLIENT_SECRET_FILE %s is empty", file)
		}
	}
	c.ClientSecret = Secret(secret)
	if err := c.check(); err != nil {
		return c, err
	}
	return c, nil
}

// check reports every missing or malformed setting at once.
func (c Config) check() error {
	var errs []string
	switch c.Env {
	case "", Staging, Production:
	default:
		// The value is not quoted: it might be a secret in the wrong variable.
		errs = append(errs, "PINGEN_ENV must be staging or production")
	}
	var missing []string
	if c.ClientID == "" {
		missing = append(missing, "PINGEN_CLIENT_ID")
	}
	if c.ClientSecret == "" {
		missing = append(missing, "PINGEN_CLIENT_SECRET")
	}
	if c.OrganisationID == "" {
		missing = append(missing, "PINGEN_ORGANISATION_ID")
	}
	if len(missing) > 0 {
		errs = append(errs, "missing "+strings.Join(missing, ", "))
	}
	for _, u := range []struct{ name, v string }{{"PINGEN_API_URL", c.APIURL}, {"PINGEN_IDENTITY_URL", c.IdentityURL}} {
		if u.v == "" {
			continue
		}
		if _, err := baseURL(u.v); err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", u.name, err))
		}
	}
	if len(errs) > 0 {
		return errors.New("pingen config: " + strings.Join(errs, "; "))
	}
	return nil
}

func (c Config) env() Env {
	if c.Env == "" {
		return Staging
	}
	return c.Env
}

func (c Config) apiURL() string {
	if c.APIURL != "" {
		return c.APIURL
	}
	return hosts[c.env()][0]
}

func (c Config) identityURL() string {
	if c.IdentityURL != "" {
		return c.IdentityURL
	}
	return hosts[c.env()][1]
}

// baseURL parses an absolute http(s) URL without query or fragment.
func baseURL(s string) (*url.URL, error) {
	// The value is left out of the error: it might carry user info.
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, errors.New("not an http(s) URL without user info, query or fragment")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// String describes the Config with the secret redacted.
func (c Config) String() string {
	env := c.env()
	if _, ok := hosts[env]; !ok {
		env = "(invalid)" // not shown: it might be a secret in the wrong variable
	}
	return fmt.Sprintf("pingen.Config{Env: %s, ClientID: %s, ClientSecret: %s, OrganisationID: %s, APIURL: %s, IdentityURL: %s}",
		env, c.ClientID, c.ClientSecret.String(), c.OrganisationID, c.apiURL(), c.identityURL())
}

// GoString is String, so %#v redacts too.
func (c Config) GoString() string { return c.String() }

// Format writes String for every verb.
func (c Config) Format(f fmt.State, _ rune) { io.WriteString(f, c.String()) }
