package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/lettergate/lettergate/templates"
)

func TestRenderBuiltinWithSample(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args   []string
		stdout string
	}{
		{[]string{"render", "--template", "reminder", "-o", filepath.Join(dir, "r.pdf")},
			"wrote " + filepath.Join(dir, "r.pdf") + ": 1 page, to CH, checked against profile pingen, left window: ok\n"},
		{[]string{"render", "--template", "letter", "--lang", "fr", "--window", "right", "-o", filepath.Join(dir, "l.pdf")},
			"wrote " + filepath.Join(dir, "l.pdf") + ": 1 page, to FR, checked against profile pingen, right window: ok\n"},
		{[]string{"render", "--template", "letter", "--lang", "fr", "--profile", "pingen-fr", "-o", filepath.Join(dir, "f.pdf")},
			"wrote " + filepath.Join(dir, "f.pdf") + ": 1 page, to FR, checked against profile pingen-fr, right window: ok\n"},
		{[]string{"render", "--template", "invoice", "--lang", "de-DE", "--no-check", "-o", filepath.Join(dir, "i.pdf")},
			"wrote " + filepath.Join(dir, "i.pdf") + ": 1 page, to CH, not checked (--no-check)\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runCLI(t, nil, tt.args...)
			if r.code != exitOK || r.stdout != tt.stdout || r.stderr != "" {
				t.Fatalf("exit %d\nstdout %q\nstderr %q\nwant exit 0 and stdout %q", r.code, r.stdout, r.stderr, tt.stdout)
			}
			out := tt.args[len(tt.args)-1]
			b, err := os.ReadFile(out)
			if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
				t.Fatalf("%s is not a PDF (%v)", out, err)
			}
			// check it as a user would, with the same profile and window
			args := []string{"check", out}
			for i, a := range tt.args {
				if a == "--profile" || a == "--window" {
					args = append(args, a, tt.args[i+1])
				}
			}
			if strings.Contains(tt.stdout, "to FR") {
				args = append(args, "--country", "FR")
			}
			if c := runCLI(t, nil, args...); c.code != exitOK {
				t.Errorf("lettergate %s: exit %d\n%s", strings.Join(args, " "), c.code, c.stdout)
			}
		})
	}
}

func TestRenderDataAndStdout(t *testing.T) {
	data, err := templates.Sample("reminder", "en")
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(data)
	var stdout, stderr bytes.Buffer
	e := &env{stdin: bytes.NewReader(js), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	code := run(t.Context(), e, []string{"render", "--template", "reminder", "--lang", "en", "--data", "-", "--set", "level=3", "--date", "2026-12-15", "-o", "-"})
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !bytes.HasPrefix(stdout.Bytes(), []byte("%PDF-")) {
		t.Errorf("standard output is not the PDF")
	}
	if stderr.Len() > 0 {
		t.Errorf("stderr %q, want nothing on success", stderr.String())
	}
	// the --date is the PDF's date
	if !bytes.Contains(stdout.Bytes(), []byte("D:20261215000000")) {
		t.Errorf("the PDF does not carry the --date")
	}
}

// TestRenderRefusesFailingPDF renders against a profile whose file limit
// the letter exceeds: the check fails, so nothing is written.
func TestRenderRefusesFailingPDF(t *testing.T) {
	dir := t.TempDir()
	r := runCLI(t, nil, "rules", "--format", "yaml")
	tiny := strings.Replace(r.stdout, "max_bytes: 8000000", "max_bytes: 10000", 1)
	if tiny == r.stdout {
		t.Fatal("max_bytes not found in the profile")
	}
	rules := filepath.Join(dir, "tiny.yaml")
	if err := os.WriteFile(rules, []byte(tiny), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "r.pdf")
	r = runCLI(t, nil, "render", "--template", "reminder", "--rules", rules, "-o", out)
	if r.code != exitFindings {
		t.Fatalf("exit %d, want 1\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "FAIL  "+out) || !strings.Contains(r.stdout, "file.size") {
		t.Errorf("the findings are not printed:\n%s", r.stdout)
	}
	if want := "lettergate: " + out + " not written: the letter fails the check\n"; r.stderr != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s was written", out)
	}
	// --no-check writes it all the same
	if r := runCLI(t, nil, "render", "--template", "reminder", "--rules", rules, "--no-check", "-o", out); r.code != exitOK {
		t.Errorf("--no-check: exit %d: %s", r.code, r.stderr)
	}
}

func TestRenderUsageErrors(t *testing.T) {
	dir := t.TempDir()
	jsonl := filepath.Join(dir, "r.jsonl")
	os.WriteFile(jsonl, []byte("{}\n"), 0o644)
	data := filepath.Join(dir, "d.yaml")
	os.WriteFile(data, []byte("date: 2026-11-27\n"), 0o644)
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no template", []string{"render", "-o", "x.pdf"}, `lettergate: required flag(s) "template" not set` + "\n"},
		{"no output", []string{"render", "--template", "letter"}, "lettergate: give the output file with -o (or - for standard output)\n"},
		{"unknown template", []string{"render", "--template", "memo", "-o", "x.pdf"}, `lettergate: no template "memo": neither a file nor built in (built in: invoice, letter, reminder)` + "\n"},
		{"missing template file", []string{"render", "--template", "my/letter.yaml", "-o", "x.pdf"}, "lettergate: my/letter.yaml: no such template file\n"},
		{"bad date", []string{"render", "--template", "letter", "--date", "27.11.2026", "-o", "x.pdf"}, `lettergate: --date "27.11.2026": want YYYY-MM-DD` + "\n"},
		{"bad lang", []string{"render", "--template", "letter", "--lang", "it", "-o", "x.pdf"}, `lettergate: template letter: unknown language "it" (known: de, fr, en, de-CH, de-DE, en-GB, fr-CH, fr-FR)` + "\n"},
		{"bad window", []string{"render", "--template", "letter", "--profile", "pingen-fr", "--window", "left", "-o", "x.pdf"}, `lettergate: profile pingen-fr has no window "left" (it has right)` + "\n"},
		{"bad set", []string{"render", "--template", "letter", "--set", "level", "-o", "x.pdf"}, `lettergate: --set "level": want key=value` + "\n"},
		{"lines without batch", []string{"render", "--template", "letter", "--data", jsonl, "-o", "x.pdf"}, "lettergate: " + jsonl + " holds one letter a line: give --out-dir DIR or --merge -o FILE\n"},
		{"both batch modes", []string{"render", "--template", "letter", "--data", jsonl, "--merge", "--out-dir", dir}, "lettergate: give --out-dir or --merge, not both\n"},
		{"out-dir and -o", []string{"render", "--template", "letter", "--data", jsonl, "--out-dir", dir, "-o", "x.pdf"}, "lettergate: --out-dir names its files itself; leave out -o\n"},
		{"merge without -o", []string{"render", "--template", "letter", "--data", jsonl, "--merge"}, "lettergate: --merge needs an output file with -o\n"},
		{"name without out-dir", []string{"render", "--template", "letter", "--name", "x", "-o", "x.pdf"}, "lettergate: --name names the files of --out-dir\n"},
		{"batch without data", []string{"render", "--template", "letter", "--out-dir", dir}, "lettergate: --out-dir and --merge render the records of --data FILE (JSON Lines)\n"},
		{"output is the data", []string{"render", "--template", "letter", "--data", data, "-o", data}, "lettergate: " + data + " is an input of this run; it will not be overwritten\n"},
		{"missing data", []string{"render", "--template", "letter", "--data", filepath.Join(dir, "none.yaml"), "-o", "x.pdf"}, "lettergate: --data: open " + filepath.Join(dir, "none.yaml") + ": no such file or directory\n"},
		{"data error names the field", []string{"render", "--template", "letter", "--data", data, "-o", filepath.Join(dir, "x.pdf")}, `lettergate: template letter: field recipient.address: a value is missing from the data: "<no value>"` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, tt.args...)
			if r.code != exitError || r.stderr != tt.stderr || r.stdout != "" {
				t.Errorf("exit %d, stderr %q, stdout %q\nwant exit 2, stderr %q", r.code, r.stderr, r.stdout, tt.stderr)
			}
		})
	}
}

// batchFile writes the samples of the reminder as JSON Lines: German,
// French, English, then German at each level.
func batchFile(t *testing.T, dir string, edit func(i int, m map[string]any)) string {
	t.Helper()
	var lines []string
	for i, lang := range []string{"de", "fr", "en", "de", "de"} {
		m, err := templates.Sample("reminder", lang)
		if err != nil {
			t.Fatal(err)
		}
		if i >= 3 {
			m["level"] = i - 2 // 1, 2
			m["customer"] = map[string]any{"number": "K-9" + string(rune('0'+i))}
		}
		if edit != nil {
			edit(i, m)
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))
	}
	name := filepath.Join(dir, "reminders.jsonl")
	if err := os.WriteFile(name, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestRenderBatch(t *testing.T) {
	dir := t.TempDir()
	data := batchFile(t, dir, nil)
	out := filepath.Join(dir, "out")
	r := runCLI(t, nil, "render", "--template", "reminder", "--data", data, "--out-dir", out)
	if r.code != exitOK || r.stdout != "wrote 5 letters to "+out+"\n" || r.stderr != "" {
		t.Fatalf("exit %d\nstdout %q\nstderr %q", r.code, r.stdout, r.stderr)
	}
	want := []string{"reminder-K-10391-2.pdf", "reminder-K-10402-2.pdf", "reminder-K-10415-2.pdf", "reminder-K-93-1.pdf", "reminder-K-94-2.pdf"}
	if got := listDir(t, out); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("files %v, want %v", got, want)
	}

	named := filepath.Join(dir, "named")
	r = runCLI(t, nil, "render", "--template", "reminder", "--data", data, "--out-dir", named, "--name", "{{.customer.number}}-{{lang}}")
	if r.code != exitOK {
		t.Fatalf("--name: exit %d: %s", r.code, r.stderr)
	}
	// the language is the run's, not the record's
	want = []string{"K-10391-de.pdf", "K-10402-de.pdf", "K-10415-de.pdf", "K-93-de.pdf", "K-94-de.pdf"}
	if got := listDir(t, named); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("files %v, want %v", got, want)
	}

	merged := filepath.Join(dir, "all.pdf")
	r = runCLI(t, nil, "render", "--template", "reminder", "--data", data, "--merge", "-o", merged)
	if r.code != exitOK || r.stdout != "wrote "+merged+": 5 letters, 5 pages, checked: ok\n" {
		t.Fatalf("--merge: exit %d\nstdout %q\nstderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestRenderBatchErrors(t *testing.T) {
	dir := t.TempDir()
	// record 2 lacks a customer number; record 4 has an emoji
	data := batchFile(t, dir, func(i int, m map[string]any) {
		switch i {
		case 1:
			delete(m, "customer")
		case 3:
			m["signer"] = "Marco 🙂"
		}
	})
	out := filepath.Join(dir, "out")
	r := runCLI(t, nil, "render", "--template", "reminder", "--data", data, "--out-dir", out)
	if r.code != exitError {
		t.Fatalf("exit %d, want 2", r.code)
	}
	errs := strings.Split(strings.TrimSpace(r.stderr), "\n")
	sort.Strings(errs) // records run in parallel
	want := []string{
		`lettergate: record 2: template reminder: field references[0].value: a value is missing from the data: "<no value>"`,
		`lettergate: record 4: template reminder: field references[1].value: character '🙂' (U+1F642) is outside the Basic Multilingual Plane, which the PDF writer cannot embed; field closing.signers[0]: character '🙂' (U+1F642) is outside the Basic Multilingual Plane, which the PDF writer cannot embed`,
	}
	if strings.Join(errs, "\n") != strings.Join(want, "\n") {
		t.Errorf("stderr:\n%s\nwant:\n%s", strings.Join(errs, "\n"), strings.Join(want, "\n"))
	}
	if want := "wrote 3 letters to " + out + "; 2 could not be rendered\n"; r.stdout != want {
		t.Errorf("stdout %q, want %q", r.stdout, want)
	}
	if got := len(listDir(t, out)); got != 3 {
		t.Errorf("%d files written, want 3", got)
	}

	// a merged batch with a broken record writes nothing
	merged := filepath.Join(dir, "all.pdf")
	r = runCLI(t, nil, "render", "--template", "reminder", "--data", data, "--merge", "-o", merged)
	if want := `lettergate: record 2: template reminder: field references[0].value: a value is missing from the data: "<no value>"` + "\n"; r.code != exitError || r.stderr != want {
		t.Errorf("--merge: exit %d, stderr %q; want 2, %q", r.code, r.stderr, want)
	}
	if _, err := os.Stat(merged); !os.IsNotExist(err) {
		t.Errorf("%s was written", merged)
	}

	// names that collide are refused, never overwritten
	data = batchFile(t, dir, nil)
	r = runCLI(t, nil, "render", "--template", "reminder", "--data", data, "--out-dir", filepath.Join(dir, "dup"), "--name", "same")
	if r.code != exitError || !strings.Contains(r.stderr, "file name same.pdf is also record") || !strings.Contains(r.stdout, "wrote 1 letter to ") {
		t.Errorf("duplicate names: exit %d\nstdout %q\nstderr %q", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, nil, "render", "--template", "reminder", "--data", data, "--out-dir", filepath.Join(dir, "sub"), "--name", "../x")
	if !strings.Contains(r.stderr, `file name "../x": want a plain file name, without folders`) {
		t.Errorf("a name with a folder: stderr %q", r.stderr)
	}
	// bad JSON names its line
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte("\n\n[1]\n"), 0o644)
	r = runCLI(t, nil, "render", "--template", "reminder", "--data", bad, "--merge", "-o", merged)
	if want := "lettergate: " + bad + ": line 3: the data must be a mapping of names to values, not a list\n"; r.stderr != want {
		t.Errorf("bad JSON Lines: stderr %q, want %q", r.stderr, want)
	}
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestTemplatesCmd(t *testing.T) {
	r := runCLI(t, nil, "templates")
	want := `invoice   de fr en  Invoice with items, VAT, totals and payment terms
letter    de fr en  Business letter with subject and text from the data
reminder  de fr en  Payment reminder in three levels (level 1 to 3)
`
	if r.code != exitOK || r.stdout != want {
		t.Errorf("exit %d, stdout:\n%s\nwant:\n%s", r.code, r.stdout, want)
	}
	if r := runCLI(t, nil, "templates", "--lang", "fr"); !strings.Contains(r.stdout, "Facture avec positions, TVA, total et conditions de paiement") {
		t.Errorf("French descriptions: %s", r.stdout)
	}
}

func TestRenderProgressOnTerminal(t *testing.T) {
	dir := t.TempDir()
	data := batchFile(t, dir, nil)
	r := runCLIWith(t, &env{stderrTTY: true}, "render", "--template", "reminder", "--data", data, "--merge", "-o", filepath.Join(dir, "all.pdf"))
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	// the bar ends full and is wiped before the summary
	if !strings.Contains(r.stderr, "] 5/5 letters") || !strings.HasSuffix(r.stderr, "\r\x1b[K") {
		t.Errorf("stderr %q: want a progress bar that is cleared at the end", r.stderr)
	}
	// not on a pipe
	r = runCLI(t, nil, "render", "--template", "reminder", "--data", data, "--merge", "-o", filepath.Join(dir, "all.pdf"))
	if r.stderr != "" {
		t.Errorf("stderr %q on a pipe, want nothing", r.stderr)
	}
}

// TestRenderMergedChecksEachLetter merges letters to three countries, one of
// them to the Netherlands with more pages than PostNL takes: the merged
// batch is checked letter by letter, so that letter fails, and nothing is
// written.
func TestRenderMergedChecksEachLetter(t *testing.T) {
	dir := t.TempDir()
	sample, err := templates.Sample("letter", "de")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for i, dest := range []struct{ postcode, city, country string }{
		{"8002", "Zürich", "CH"}, {"1012 AB", "Amsterdam", "NL"}, {"10115", "Berlin", "DE"},
	} {
		rec := map[string]any{}
		for k, v := range sample {
			rec[k] = v
		}
		rec["recipient"] = map[string]any{"gender": "f", "first_name": "Eva", "last_name": "Meier",
			"street": "Seestrasse 1", "postcode": dest.postcode, "city": dest.city, "country": dest.country}
		if i == 1 { // about 16 pages of text
			rec["body"] = strings.Repeat("Dieser Absatz steht hier, damit der Brief lang wird und über viele Seiten läuft. Er wiederholt sich, bis es genug ist.\n\n", 260)
		}
		if err := enc.Encode(rec); err != nil {
			t.Fatal(err)
		}
	}
	data := filepath.Join(dir, "letters.jsonl")
	if err := os.WriteFile(data, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	merged := filepath.Join(dir, "all.pdf")
	r := runCLI(t, nil, "render", "--template", "letter", "--data", data, "--merge", "-o", merged)
	if r.code != exitFindings || !strings.Contains(r.stdout, "letters to NL may have at most 14") {
		t.Fatalf("exit %d, stdout:\n%s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "letter 2 has") {
		t.Errorf("the finding does not name letter 2:\n%s", r.stdout)
	}
	if _, err := os.Stat(merged); !os.IsNotExist(err) {
		t.Errorf("%s was written", merged)
	}
}
