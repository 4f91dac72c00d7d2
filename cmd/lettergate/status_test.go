package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lettergate/lettergate/pingen"
	"github.com/lettergate/lettergate/pingen/pingentest"
)

// journalLines is a journal as pingen.Journal writes it: the last line of an
// id wins, so the first letter ends up delivered. The version 1 lines, from
// before the journal recorded the account, are of an unknown environment.
const journalLines = `{"v":1,"id":"e1","file":"invoice-0001.pdf","sha256":"aa","options":{"address_position":"left","delivery_product":"cheap","print_mode":"simplex","print_spectrum":"grayscale","auto_send":false},"create_key":"k1","key_time":"2026-11-20T10:00:00+01:00","letter_id":"0a1b2c3d-0000-4000-8000-000000000001","status":"sent","created":"2026-11-20T10:00:00+01:00","updated":"2026-11-21T08:15:00+01:00"}
{"v":1,"id":"e2","file":"reminder.pdf","sha256":"bb","options":{"address_position":"right","auto_send":false},"create_key":"k2","key_time":"2026-11-22T09:00:00+01:00","created":"2026-11-22T09:00:00+01:00","updated":"2026-11-22T09:00:00+01:00"}
{"v":1,"id":"e3","file":"x-long-file-name.pdf","sha256":"cc","options":{"address_position":"left","auto_send":false},"create_key":"k3","key_time":"2026-11-22T09:05:00+01:00","error":"pingen: 422 Unprocessable Entity: The given data was invalid.","created":"2026-11-22T09:05:00+01:00","updated":"2026-11-22T09:05:30+01:00"}
{"v":1,"id":"e1","file":"invoice-0001.pdf","sha256":"aa","options":{"address_position":"left","delivery_product":"cheap","print_mode":"simplex","print_spectrum":"grayscale","auto_send":false},"create_key":"k1","key_time":"2026-11-20T10:00:00+01:00","letter_id":"0a1b2c3d-0000-4000-8000-000000000001","status":"delivered","created":"2026-11-20T10:00:00+01:00","updated":"2026-11-23T11:45:00+01:00"}
{"v":2,"id":"e4","file":"try.pdf","sha256":"dd","options":{"address_position":"left","auto_send":false},"env":"staging","organisation_id":"6f1d3c0e-2b9a-4c55-8f0d-1e2a3b4c5d6e","create_key":"k4","key_time":"2026-11-24T09:00:00+01:00","create_sent":true,"letter_id":"0a1b2c3d-0000-4000-8000-000000000004","status":"valid","created":"2026-11-24T09:00:00+01:00","updated":"2026-11-24T09:01:00+01:00"}
{"v":2,"id":"e5","file":"try.pdf","sha256":"dd","options":{"address_position":"left","auto_send":false},"env":"production","organisation_id":"6f1d3c0e-2b9a-4c55-8f0d-1e2a3b4c5d6e","create_key":"k5","key_time":"2026-11-24T10:00:00+01:00","error":"upload: pingen: 503 Service Unavailable","created":"2026-11-24T10:00:00+01:00","updated":"2026-11-24T10:00:30+01:00"}
`

// local formats an RFC 3339 time as the status table shows it.
func local(t *testing.T, s string) string {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v.Local().Format("2006-01-02 15:04")
}

func TestStatusTable(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.WriteFile(journal, []byte(journalLines), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("empty.jsonl", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	table := "FILE                  ENV         LETTER                                STATUS       UPDATED\n" +
		"invoice-0001.pdf      unknown     0a1b2c3d-0000-4000-8000-000000000001  delivered    " + local(t, "2026-11-23T11:45:00+01:00") + "\n" +
		"reminder.pdf          unknown     -                                     unconfirmed  " + local(t, "2026-11-22T09:00:00+01:00") + "\n" +
		"x-long-file-name.pdf  unknown     -                                     failed       " + local(t, "2026-11-22T09:05:30+01:00") + "\n" +
		"try.pdf               staging     0a1b2c3d-0000-4000-8000-000000000004  valid        " + local(t, "2026-11-24T09:01:00+01:00") + "\n" +
		"try.pdf               production  -                                     failed       " + local(t, "2026-11-24T10:00:30+01:00") + "\n"
	jsonl := `{"schema":"lettergate.journal/v1","file":"invoice-0001.pdf","sha256":"aa","letter_id":"0a1b2c3d-0000-4000-8000-000000000001","status":"delivered","created":"2026-11-20T10:00:00+01:00","updated":"2026-11-23T11:45:00+01:00"}` + "\n" +
		`{"schema":"lettergate.journal/v1","file":"reminder.pdf","sha256":"bb","status":"unconfirmed","created":"2026-11-22T09:00:00+01:00","updated":"2026-11-22T09:00:00+01:00"}` + "\n" +
		`{"schema":"lettergate.journal/v1","file":"x-long-file-name.pdf","sha256":"cc","status":"failed","error":"pingen: 422 Unprocessable Entity: The given data was invalid.","created":"2026-11-22T09:05:00+01:00","updated":"2026-11-22T09:05:30+01:00"}` + "\n" +
		`{"schema":"lettergate.journal/v1","file":"try.pdf","sha256":"dd","env":"staging","organisation_id":"6f1d3c0e-2b9a-4c55-8f0d-1e2a3b4c5d6e","letter_id":"0a1b2c3d-0000-4000-8000-000000000004","status":"valid","created":"2026-11-24T09:00:00+01:00","updated":"2026-11-24T09:01:00+01:00"}` + "\n" +
		`{"schema":"lettergate.journal/v1","file":"try.pdf","sha256":"dd","env":"production","organisation_id":"6f1d3c0e-2b9a-4c55-8f0d-1e2a3b4c5d6e","status":"failed","error":"upload: pingen: 503 Service Unavailable","created":"2026-11-24T10:00:00+01:00","updated":"2026-11-24T10:00:30+01:00"}` + "\n"
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		out  string
		err  string
	}{
		{"table", nil, []string{"--journal", journal}, exitOK, table, ""},
		{"json", nil, []string{"--journal", journal, "--format", "json"}, exitOK, jsonl, ""},
		{"default journal", map[string]string{"XDG_DATA_HOME": "/nonexistent/data"}, nil, exitOK,
			"no journal at /nonexistent/data/lettergate/journal.jsonl yet: nothing has been sent with it\n", ""},
		{"one journal for production too", map[string]string{"XDG_DATA_HOME": "/nonexistent/data", "PINGEN_ENV": "Production"}, nil, exitOK,
			"no journal at /nonexistent/data/lettergate/journal.jsonl yet: nothing has been sent with it\n", ""},
		{"missing journal", nil, []string{"--journal", "nope.jsonl"}, exitOK, "no journal at nope.jsonl yet: nothing has been sent with it\n", ""},
		{"empty journal", nil, []string{"--journal", "empty.jsonl"}, exitOK, "the journal has no letters yet\n", ""},
		{"no default journal", nil, nil, exitError, "", "lettergate: journal path: $HOME is not set; give --journal FILE\n"},
		{"the list does not need the environment", map[string]string{"HOME": "/home/x", "PINGEN_ENV": "prod"}, nil, exitOK,
			"no journal at /home/x/.local/share/lettergate/journal.jsonl yet: nothing has been sent with it\n", ""},
		{"refresh needs credentials", nil, []string{"--journal", journal, "--refresh"}, exitError, "",
			"lettergate: pingen config: missing PINGEN_CLIENT_ID, PINGEN_CLIENT_SECRET (or PINGEN_CLIENT_SECRET_FILE), PINGEN_ORGANISATION_ID; see docs/sending.md\n"},
		{"bad format", nil, []string{"--journal", journal, "--format", "yaml"}, exitError, "", "lettergate: --format \"yaml\": want text or json\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, append([]string{"status"}, tt.args...)...)
			if r.code != tt.code || r.stdout != tt.out || r.stderr != tt.err {
				t.Errorf("exit %d, stderr %q, stdout:\n%s\nwant exit %d, stderr %q, stdout:\n%s", r.code, r.stderr, r.stdout, tt.code, tt.err, tt.out)
			}
		})
	}
}

// testClient is a client of the fake, for what the tests ask Pingen
// directly.
func testClient(t *testing.T, srv *pingentest.Server) *pingen.Client {
	t.Helper()
	cfg, err := pingen.ConfigFromEnv(srv.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	c, err := pingen.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// tableStatus returns the STATUS column of the journal table's row for a
// letter.
func tableStatus(t *testing.T, srv *pingentest.Server, id string, args ...string) string {
	t.Helper()
	r := runWith(t, srv, nil, append([]string{"status", "--journal", journal}, args...)...)
	if r.code != exitOK {
		t.Fatalf("status: exit %d, %s", r.code, r.stderr)
	}
	for _, line := range strings.Split(r.stdout, "\n") {
		if f := strings.Fields(line); len(f) >= 4 && f[2] == id {
			return f[3]
		}
	}
	t.Fatalf("letter %s is not in the table:\n%s", id, r.stdout)
	return ""
}

func TestStatusLetter(t *testing.T) {
	sendWorkspace(t)
	srv := newFake(t)
	if r := runWith(t, srv, nil, "send", "--journal", journal, "--window", "left", "--product", "cheap", "--auto-send", "letter.pdf"); r.code != exitOK {
		t.Fatalf("send: exit %d, %s", r.code, r.stderr)
	}
	id := onlyLetter(t, srv).ID
	srv.Advance(pingentest.DispatchDelay) // submitted -> sent
	if got := tableStatus(t, srv, id); got != "submitted" {
		t.Fatalf("journal says %s before status asked Pingen", got)
	}

	r := runWith(t, srv, nil, "status", "--journal", journal, id)
	l, err := testClient(t, srv).Letter(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	events, err := testClient(t, srv).LetterEvents(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	at := func(v time.Time) string { return v.Local().Format("2006-01-02 15:04") }
	want := "letter " + id + "  (Pingen staging)\n" +
		"  file       letter.pdf\n" +
		"  status     sent\n" +
		"  delivery   cheap, simplex, grayscale, left window\n" +
		fmt.Sprintf("  pages      %d\n", l.FilePages) +
		fmt.Sprintf("  price      CHF %.2f\n", l.PriceValue) +
		"  recipient  Herr Hans Muster, Seestrasse 12, 8002 Zürich, Schweiz\n" +
		"  country    CH\n" +
		"  created    " + at(l.CreatedAt) + "\n" +
		"  submitted  " + at(l.SubmittedAt) + "\n" +
		"  allows     get-pdf-raw\n" +
		"  events\n" +
		"    " + at(events[0].EmittedAt) + "  created                     Letter created\n" +
		"    " + at(events[1].EmittedAt) + "  content_passed_inspection   Letter passed validation\n" +
		"    " + at(events[2].EmittedAt) + "  submitted                   Letter submitted\n" +
		"    " + at(events[3].EmittedAt) + "  transferred_to_distributor  Letter handed to the postal service\n"
	if r.code != exitOK || r.stdout != want || r.stderr != "" {
		t.Errorf("exit %d, stderr %q, stdout:\n%s\nwant:\n%s", r.code, r.stderr, r.stdout, want)
	}
	if got := tableStatus(t, srv, id); got != "sent" {
		t.Errorf("journal says %s after status asked Pingen, want sent", got)
	}

	r = runWith(t, srv, nil, "status", "--journal", journal, "--format", "json", id)
	var rec struct {
		Schema, ID, File, Status string
		Events                   []struct{ Code string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &rec); err != nil || rec.Schema != "lettergate.letter/v1" || rec.ID != id ||
		rec.File != "letter.pdf" || rec.Status != "sent" || len(rec.Events) != 4 || rec.Events[3].Code != "transferred_to_distributor" {
		t.Errorf("json: %v, %+v from:\n%s", err, rec, r.stdout)
	}
}

func TestStatusRefresh(t *testing.T) {
	sendWorkspace(t)
	srv := newFake(t)
	args := []string{"send", "--journal", journal, "--window", "left", "--product", "cheap", "letter.pdf"}
	if r := runWith(t, srv, nil, args...); r.code != exitOK {
		t.Fatalf("send: exit %d, %s", r.code, r.stderr)
	}
	if r := runWith(t, srv, nil, append(args, "--new", "--duplex")...); r.code != exitOK {
		t.Fatalf("send: exit %d, %s", r.code, r.stderr)
	}
	ls := srv.Letters()
	if len(ls) != 2 {
		t.Fatalf("%d letters, want 2", len(ls))
	}
	if err := testClient(t, srv).DeleteLetter(context.Background(), ls[1].ID); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args         []string
		first, other string
	}{
		{nil, "validating", "validating"},           // as recorded by send
		{[]string{"--refresh"}, "valid", "deleted"}, // as Pingen says now
		{nil, "valid", "deleted"},                   // and recorded
		{[]string{"--refresh"}, "valid", "deleted"}, // a deleted letter is not asked again
	} {
		if a, b := tableStatus(t, srv, ls[0].ID, tt.args...), tableStatus(t, srv, ls[1].ID, tt.args...); a != tt.first || b != tt.other {
			t.Errorf("status %v: %s and %s, want %s and %s", tt.args, a, b, tt.first, tt.other)
		}
	}
	var shows int
	for _, rq := range srv.Requests() {
		if rq.Op == pingentest.OpShow && strings.HasSuffix(rq.Path, ls[1].ID) {
			shows++
		}
	}
	if shows != 1 {
		t.Errorf("the deleted letter was asked for %d times, want 1", shows)
	}
}

func TestStatusErrors(t *testing.T) {
	t.Chdir(t.TempDir())
	srv := newFake(t)
	const unknown = "00000000-0000-4000-8000-000000000000"
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		prefix string
	}{
		{"unknown letter", nil, []string{unknown}, "lettergate: get letter " + unknown + ": pingen: 404 Not Found: letter not found (request id "},
		{"not an id", nil, []string{"../letters"}, "lettergate: get letter: id \"../letters\": unexpected character '.'"},
		{"refresh one letter", nil, []string{"--refresh", unknown}, "lettergate: --refresh is for the journal's list; a single letter is always asked of Pingen\n"},
		{"two letters", nil, []string{unknown, unknown}, "lettergate: accepts at most 1 arg(s), received 2\n"},
		{"no credentials", map[string]string{}, []string{unknown},
			"lettergate: pingen config: missing PINGEN_CLIENT_ID, PINGEN_CLIENT_SECRET (or PINGEN_CLIENT_SECRET_FILE), PINGEN_ORGANISATION_ID; see docs/sending.md\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r cli
			if tt.env != nil {
				r = runCLI(t, tt.env, append([]string{"status"}, tt.args...)...)
			} else {
				r = runWith(t, srv, nil, append([]string{"status"}, tt.args...)...)
			}
			if r.code != exitError || !strings.HasPrefix(r.stderr, tt.prefix) || strings.Count(r.stderr, "\n") != 1 || r.stdout != "" {
				t.Errorf("exit %d, stderr %q, stdout %q; want exit 2, one line starting %q", r.code, r.stderr, r.stdout, tt.prefix)
			}
		})
	}
}

// TestStatusAccounts: with one journal for every environment and
// organisation, status asks PINGEN_ENV's Pingen only about that account's
// letters, and says where a letter of another account was sent instead of
// relaying Pingen's 404.
func TestStatusAccounts(t *testing.T) {
	sendWorkspace(t)
	srv := newFake(t)
	production := map[string]string{"PINGEN_ENV": "production"}
	args := []string{"send", "--journal", journal, "--window", "left", "--product", "cheap", "letter.pdf"}
	if r := runWith(t, srv, nil, args...); r.code != exitOK {
		t.Fatalf("send on staging: exit %d, %s", r.code, r.stderr)
	}
	if r := runWith(t, srv, production, args...); r.code != exitOK {
		t.Fatalf("send to production: exit %d, %s", r.code, r.stderr)
	}
	ls := srv.Letters()
	if len(ls) != 2 {
		t.Fatalf("%d letters, want 2", len(ls))
	}
	stagingID, productionID := ls[0].ID, ls[1].ID
	// An entry of the version 1 journal, whose environment is unknown, for
	// a letter this Pingen does not know: its 404 says nothing.
	legacy := `{"v":1,"id":"old","file":"old.pdf","sha256":"aa","options":{"address_position":"left","auto_send":false},"create_key":"k","key_time":"2026-11-20T10:00:00+01:00","letter_id":"0a1b2c3d-0000-4000-8000-000000000001","status":"validating","created":"2026-11-20T10:00:00+01:00","updated":"2026-11-20T10:00:00+01:00"}` + "\n"
	f, err := os.OpenFile(journal, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(legacy)
	f.Close()

	shows := func(id string) int {
		n := 0
		for _, rq := range srv.Requests() {
			if rq.Op == pingentest.OpShow && strings.HasSuffix(rq.Path, "/"+id) {
				n++
			}
		}
		return n
	}
	before := shows(productionID)
	if got := tableStatus(t, srv, stagingID, "--refresh"); got != "valid" {
		t.Errorf("staging letter %s after --refresh on staging, want valid", got)
	}
	if got := tableStatus(t, srv, productionID); got != "validating" || shows(productionID) != before {
		t.Errorf("production letter %s, asked %d times by a staging --refresh; want validating, not asked", got, shows(productionID)-before)
	}
	if got := tableStatus(t, srv, "0a1b2c3d-0000-4000-8000-000000000001"); got != "validating" {
		t.Errorf("letter of unknown environment %s after a 404, want validating (not deleted)", got)
	}

	tests := []struct {
		name   string
		extra  map[string]string
		args   []string
		code   int
		stderr string
	}{
		{"production letter, staging environment", nil, []string{"status", "--journal", journal, productionID}, exitError,
			"lettergate: letter " + productionID + " was sent to Pingen production (journal entry {entry}), but PINGEN_ENV is staging: set PINGEN_ENV=production and that environment's credentials\n"},
		{"cancel too", nil, []string{"cancel", "--journal", journal, productionID}, exitError,
			"lettergate: letter " + productionID + " was sent to Pingen production (journal entry {entry}), but PINGEN_ENV is staging: set PINGEN_ENV=production and that environment's credentials\n"},
		{"another organisation", map[string]string{"PINGEN_ENV": "production", "PINGEN_ORGANISATION_ID": "0a1b2c3d-0000-4000-8000-00000000000f"},
			[]string{"status", "--journal", journal, productionID}, exitError,
			"lettergate: letter " + productionID + " belongs to organisation " + srv.OrganisationID + " (journal entry {entry}), not to PINGEN_ORGANISATION_ID 0a1b2c3d-0000-4000-8000-00000000000f\n"},
		{"the right environment", production, []string{"status", "--journal", journal, productionID}, exitOK, ""},
	}
	j, err := pingen.OpenJournal(journal)
	if err != nil {
		t.Fatal(err)
	}
	en, _, err := j.EntryByLetter(productionID)
	j.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(srv.Requests())
			r := runWith(t, srv, tt.extra, tt.args...)
			want := strings.ReplaceAll(tt.stderr, "{entry}", en.ID)
			if r.code != tt.code || r.stderr != want {
				t.Errorf("exit %d, stderr %q; want exit %d, stderr %q", r.code, r.stderr, tt.code, want)
			}
			if tt.code != exitOK && len(srv.Requests()) != before {
				t.Errorf("%d requests reached Pingen, want none", len(srv.Requests())-before)
			}
		})
	}
}
