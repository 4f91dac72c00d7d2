package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files from the current output")

// cli is the result of one in-process run of the command.
type cli struct {
	stdout, stderr string
	code           int
}

// runCLI runs lettergate with args in-process, as a pipe would (no
// terminal), with the given environment variables.
func runCLI(t *testing.T, environ map[string]string, args ...string) cli {
	t.Helper()
	return runCLIWith(t, &env{getenv: func(k string) string { return environ[k] }}, args...)
}

func runCLIWith(t *testing.T, e *env, args ...string) cli {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e.stdout, e.stderr = &stdout, &stderr
	if e.stdin == nil {
		e.stdin = strings.NewReader("")
	}
	if e.getenv == nil {
		e.getenv = func(string) string { return "" }
	}
	code := run(context.Background(), e, args)
	return cli{stdout.String(), stderr.String(), code}
}

// golden compares got with the file testdata/name, or rewrites it with
// -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/lettergate -update and review the file)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update and review the diff):\n--- got ---\n%s", path, got)
	}
}

// chdirRoot runs the test from the repository root, so that file names in
// outputs are the ones a user would type.
func chdirRoot(t *testing.T) {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(wd, "..", ".."))
}

func TestUsageErrors(t *testing.T) {
	chdirRoot(t)
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no files", []string{"check"}, "lettergate: requires at least 1 arg(s), only received 0\n"},
		{"missing file", []string{"check", "testdata/doc/good_letter.pdf", "nope.pdf"}, "lettergate: nope.pdf: no such file or directory\n"},
		{"folder without PDFs", []string{"check", "rules"}, "lettergate: rules: no PDF files in this folder\n"},
		{"glob without match", []string{"check", "testdata/doc/*.pfd"}, "lettergate: testdata/doc/*.pfd: no files match\n"},
		{"bad limit", []string{"check", "--max-operators", "0", "testdata/doc/good_letter.pdf"}, "lettergate: --max-operators must be positive\n"},
		{"bad jobs", []string{"check", "--jobs", "0", "testdata/doc/good_letter.pdf"}, "lettergate: --jobs must be at least 1\n"},
		{"bad object limit", []string{"check", "--max-objects", "-1", "testdata/doc/good_letter.pdf"}, "lettergate: --max-objects must be positive\n"},
		{"bad split", []string{"check", "--split", "every:0", "testdata/doc/good_letter.pdf"}, "lettergate: --split \"every:0\": want every:N, a letter every N pages (every:2), address, a letter on each page with an address, or first:1,3,7, the first page of each letter\n"},
		{"bad split in preview", []string{"preview", "--split", "pages", "testdata/doc/good_letter.pdf"}, "lettergate: --split \"pages\": want every:N, a letter every N pages (every:2), address, a letter on each page with an address, or first:1,3,7, the first page of each letter\n"},
		// Pingen's batch upload is not implemented: send takes one letter a file.
		{"send has no split", []string{"send", "--split", "every:2", "testdata/doc/good_letter.pdf"}, "lettergate: lettergate send: unknown flag: --split (see lettergate send --help)\n"},
		{"bad flag", []string{"check", "--colour", "x.pdf"}, "lettergate: lettergate check: unknown flag: --colour (see lettergate check --help)\n"},
		{"bad format", []string{"check", "--format", "xml", "testdata/doc/good_letter.pdf"}, "lettergate: --format \"xml\": want text, json or junit\n"},
		{"bad fail-on", []string{"check", "--fail-on", "info", "testdata/doc/good_letter.pdf"}, "lettergate: --fail-on \"info\": want error or warning\n"},
		{"bad window", []string{"check", "--window", "middle", "testdata/doc/good_letter.pdf"}, "lettergate: profile pingen has no window \"middle\" (it has left, right)\n"},
		{"fr has no left window", []string{"check", "--profile", "pingen-fr", "--window", "left", "testdata/doc/good_letter.pdf"}, "lettergate: profile pingen-fr has no window \"left\" (it has right)\n"},
		{"bad profile", []string{"check", "--profile", "lob", "testdata/doc/good_letter.pdf"}, "lettergate: no built-in profile \"lob\" (built in: pingen, pingen-fr)\n"},
		{"bad country", []string{"check", "--country", "Schweiz", "testdata/doc/good_letter.pdf"}, "lettergate: country \"SCHWEIZ\": want an ISO 3166-1 alpha-2 code such as CH or DE\n"},
		{"profile and rules", []string{"check", "--profile", "pingen", "--rules", "x.yaml", "testdata/doc/good_letter.pdf"}, "lettergate: give --profile or --rules, not both\n"},
		{"unknown command", []string{"chek"}, "lettergate: unknown command \"chek\" for \"lettergate\" (did you mean check?)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, tt.args...)
			if r.code != exitError || r.stderr != tt.stderr || r.stdout != "" {
				t.Errorf("exit %d, stderr %q, stdout %q; want exit 2, stderr %q and no output", r.code, r.stderr, r.stdout, tt.stderr)
			}
		})
	}
}

func TestCheckExitStatus(t *testing.T) {
	chdirRoot(t)
	tests := []struct {
		args []string
		code int
	}{
		{[]string{"check", "testdata/doc/good_letter.pdf"}, exitOK},
		{[]string{"check", "testdata/doc/us_letter.pdf"}, exitFindings},
		{[]string{"check", "testdata/doc/good_letter.pdf", "testdata/doc/not_a_pdf.pdf"}, exitFindings},
		{[]string{"check", "testdata/doc/encrypted_user_password.pdf"}, exitFindings},
		// A warning fails only with --fail-on warning.
		{[]string{"check", "testdata/doc/unembedded_font.pdf"}, exitOK},
		{[]string{"check", "--fail-on", "warning", "testdata/doc/unembedded_font.pdf"}, exitFindings},
		{[]string{"check", "--fail-on", "warning", "--format", "json", "testdata/doc/good_letter.pdf"}, exitOK},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runCLI(t, nil, tt.args...)
			if r.code != tt.code || r.stderr != "" {
				t.Errorf("exit %d, stderr %q; want exit %d and no error output", r.code, r.stderr, tt.code)
			}
		})
	}
}

// TestCheckFormats checks every document fixture in each output format and
// compares with the goldens, which a reviewer reads like a user would.
func TestCheckFormats(t *testing.T) {
	chdirRoot(t)
	files, err := filepath.Glob("testdata/doc/*.pdf")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, format := range []string{"text", "json", "junit"} {
		t.Run(format, func(t *testing.T) {
			r := runCLI(t, nil, append([]string{"check", "--jobs", "1", "--format", format}, files...)...)
			// The batch summary goes to stdout with the text report, and
			// to stderr otherwise, so that stdout stays machine-readable.
			wantStderr := ""
			if format != "text" {
				wantStderr = "\n15 files checked, 142 pages: 6 ok, 9 failed (9 errors, 4 warnings)\n" +
					"files by rule: pdf.unreadable 2, pdf.encrypted 2, page.format 3, fonts.unembedded 2, interactive.content 1, pages.count 2\n"
			}
			if r.code != exitFindings || r.stderr != wantStderr {
				t.Fatalf("exit %d, stderr %q, want %q", r.code, r.stderr, wantStderr)
			}
			golden(t, filepath.Join("..", "cmd", "lettergate", "testdata", "check_doc."+format), r.stdout)
		})
	}
}

// TestCheckBatch checks the batch fixtures split by address in each output
// format and compares with the goldens.
func TestCheckBatch(t *testing.T) {
	chdirRoot(t)
	files, err := filepath.Glob("testdata/batch/*.pdf")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, format := range []string{"text", "json", "junit"} {
		t.Run(format, func(t *testing.T) {
			r := runCLI(t, nil, append([]string{"check", "--jobs", "1", "--split", "address", "--format", format}, files...)...)
			wantStderr := ""
			if format != "text" {
				wantStderr = "\n4 files checked, 52 pages: 2 ok, 2 failed (3 errors)\n" +
					"20 letters in split files: 17 ok, 3 failed\n" +
					"files by rule: zone.border 1, address.outside 1, pages.count 1\n"
			}
			if r.code != exitFindings || r.stderr != wantStderr {
				t.Fatalf("exit %d, stderr %q, want %q", r.code, r.stderr, wantStderr)
			}
			golden(t, filepath.Join("..", "cmd", "lettergate", "testdata", "check_batch."+format), r.stdout)
		})
	}
}

// TestCheckSplitUnknown: when a structural error stops the check before
// it reads the pages, a split by address cannot be worked out, and the
// text report says so.
func TestCheckSplitUnknown(t *testing.T) {
	chdirRoot(t)
	r := runCLI(t, nil, "check", "--split", "address", "testdata/doc/us_letter.pdf")
	want := `FAIL  testdata/doc/us_letter.pdf  (1 error)
    profile pingen, left window · 1 page · 25.8 kB
  page 1
    1  error    page.format          page 1 is 215.9 x 279.4 mm (US Letter); expected A4 portrait, 210 x 297 mm within 1 mm
                                     fix: set the page size to A4 portrait (210 x 297 mm) in the program that made the PDF
  not split into letters (--split address): the errors above stop the check before it reads the pages
  not checked until the errors above are fixed: zone.border, zone.corner, zone.reserved, zone.blank, address.missing, address.outside, address.lines, address.country, address.postcode, address.font, pages.count
`
	if r.code != exitFindings || r.stdout != want {
		t.Errorf("exit %d, stdout:\n%s\nwant:\n%s", r.code, r.stdout, want)
	}
}

// TestCheckLimitFlags: the limits of the pixel stage are raised and
// lowered by their flags, and a breach names the flag.
func TestCheckLimitFlags(t *testing.T) {
	chdirRoot(t)
	tests := []struct {
		args []string
		want string // in the text report
	}{
		{[]string{"--max-objects", "10", "testdata/doc/good_letter.pdf"},
			"page 1 has 14 objects, more than the limit of 10: its blank zones were judged by their pixels alone, and what prints in them is not named\n" +
				"                                     fix: if the file is genuine, raise the limit with --max-objects; otherwise export it again from the program that made it\n"},
		{[]string{"--timeout", "1s", "testdata/hostile/slow_shading.pdf"},
			"  whole file\n    1  error    pdf.unreadable       checking took longer than the 1s time limit; no page was checked\n" +
				"                                     fix: if the file is genuine, raise the limit with --timeout; otherwise export it again from the program that made it\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runCLI(t, nil, append([]string{"check"}, tt.args...)...)
			if r.code != exitFindings || !strings.Contains(r.stdout, tt.want) {
				t.Errorf("exit %d, stdout:\n%s\nwant it to hold:\n%s", r.code, r.stdout, tt.want)
			}
		})
	}
}

func TestColor(t *testing.T) {
	chdirRoot(t)
	args := []string{"check", "testdata/doc/us_letter.pdf"}
	tests := []struct {
		name    string
		tty     bool
		noColor string
		want    bool
	}{
		{"pipe", false, "", false},
		{"terminal", true, "", true},
		{"terminal with NO_COLOR", true, "1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &env{stdoutTTY: tt.tty, getenv: func(k string) string {
				if k == "NO_COLOR" {
					return tt.noColor
				}
				return ""
			}}
			r := runCLIWith(t, e, args...)
			if got := strings.Contains(r.stdout, "\x1b["); got != tt.want {
				t.Errorf("colour = %v, want %v:\n%s", got, tt.want, r.stdout)
			}
		})
	}
}

func TestRulesCommand(t *testing.T) {
	chdirRoot(t)
	for _, p := range []string{"pingen", "pingen-fr"} {
		r := runCLI(t, nil, "rules", "--profile", p)
		if r.code != exitOK || r.stderr != "" {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
		golden(t, filepath.Join("..", "cmd", "lettergate", "testdata", "rules_"+p+".txt"), r.stdout)
	}

	// The YAML dump is a valid custom profile that checks the same.
	r := runCLI(t, nil, "rules", "--format", "yaml")
	if r.code != exitOK {
		t.Fatalf("rules --format yaml: exit %d, %s", r.code, r.stderr)
	}
	custom := filepath.Join(t.TempDir(), "custom.yaml")
	if err := os.WriteFile(custom, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	builtin := runCLI(t, nil, "check", "--format", "json", "testdata/doc/us_letter.pdf")
	fromFile := runCLI(t, nil, "check", "--format", "json", "--rules", custom, "testdata/doc/us_letter.pdf")
	if builtin.stdout != fromFile.stdout || fromFile.code != exitFindings {
		t.Errorf("custom profile from the dump checks differently:\n%s\n%s%s", builtin.stdout, fromFile.stdout, fromFile.stderr)
	}

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte(strings.Replace(r.stdout, "w: 85.5", "w: -85.5", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	res := runCLI(t, nil, "check", "--rules", bad, "testdata/doc/good_letter.pdf")
	if res.code != exitError || !strings.Contains(res.stderr, "windows.left.address.w: must be a positive number of millimetres, not -85.5") {
		t.Errorf("bad custom profile: exit %d, stderr %q", res.code, res.stderr)
	}
}

func TestVersion(t *testing.T) {
	r := runCLI(t, nil, "version")
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "lettergate ") {
		t.Errorf("version: exit %d, %q", r.code, r.stdout)
	}
}
