package main

import (
	"strings"
	"testing"

	"github.com/lettergate/lettergate/pingen/pingentest"
)

func TestCancel(t *testing.T) {
	sendWorkspace(t)
	srv := newFake(t)
	send := func(args ...string) string {
		t.Helper()
		before := len(srv.Letters())
		r := runWith(t, srv, nil, append([]string{"send", "--journal", journal, "--window", "left", "--product", "cheap", "--new"}, append(args, "letter.pdf")...)...)
		ls := srv.Letters()
		if r.code != exitOK || len(ls) != before+1 {
			t.Fatalf("send %v: exit %d, %d letters, %s", args, r.code, len(ls), r.stderr)
		}
		return ls[len(ls)-1].ID
	}
	printed := send("--auto-send")
	srv.Advance(pingentest.DispatchDelay) // submitted -> sent: too late to cancel
	submitted := send("--auto-send")
	uploaded := send("--wait")

	const unknown = "00000000-0000-4000-8000-000000000000"
	tests := []struct {
		name   string
		env    map[string]string // replaces the fake's variables
		args   []string
		code   int
		stdout string
		stderr string // a prefix
		status map[string]string
	}{
		{
			name: "in print preparation", args: []string{submitted}, code: exitOK,
			stdout: "letter " + submitted + ": cancellation requested, now cancelled (Pingen staging)\n",
			status: map[string]string{submitted: "cancelled"},
		},
		{
			name: "already cancelled", args: []string{submitted}, code: exitOK,
			stdout: "letter " + submitted + " is already cancelled (Pingen staging)\n",
			status: map[string]string{submitted: "cancelled"},
		},
		{
			name: "uploaded, not sent", args: []string{uploaded}, code: exitError,
			stderr: "lettergate: letter " + uploaded + " is valid: Pingen does not allow cancelling it (it has not been sent, and nothing goes out unless it is; delete it in Pingen's app if it never should)\n",
			status: map[string]string{uploaded: "valid"},
		},
		{
			name: "already sent", args: []string{printed}, code: exitError,
			stderr: "lettergate: letter " + printed + " is sent: Pingen does not allow cancelling it (only letters in print preparation can be cancelled)\n",
			status: map[string]string{printed: "sent"},
		},
		{name: "unknown letter", args: []string{unknown}, code: exitError, stderr: "lettergate: get letter " + unknown + ": pingen: 404 Not Found: letter not found (request id "},
		{name: "no letter", code: exitError, stderr: "lettergate: accepts 1 arg(s), received 0\n"},
		{name: "no credentials", env: map[string]string{}, args: []string{submitted}, code: exitError,
			stderr: "lettergate: pingen config: missing PINGEN_CLIENT_ID, PINGEN_CLIENT_SECRET (or PINGEN_CLIENT_SECRET_FILE), PINGEN_ORGANISATION_ID; see docs/sending.md\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"cancel", "--journal", journal}, tt.args...)
			var r cli
			if tt.env != nil {
				r = runCLI(t, tt.env, args...)
			} else {
				r = runWith(t, srv, nil, args...)
			}
			if r.code != tt.code || r.stdout != tt.stdout || !strings.HasPrefix(r.stderr, tt.stderr) || (tt.stderr == "") != (r.stderr == "") {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d, stdout %q, stderr starting %q", r.code, r.stdout, r.stderr, tt.code, tt.stdout, tt.stderr)
			}
			for id, want := range tt.status {
				if l, _ := srv.Letter(id); l.Status != want {
					t.Errorf("letter %s is %s in Pingen, want %s", id, l.Status, want)
				}
				if got := tableStatus(t, srv, id); got != want {
					t.Errorf("letter %s is %s in the journal, want %s", id, got, want)
				}
			}
		})
	}
}
