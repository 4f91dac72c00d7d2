package render

import (
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/image/font/gofont/gomono"
)

const minimal = `
name: t
languages: [de, en]
recipient:
  address: "{{.a}}\n{{.b}}\n{{.c}}"
subject: {de: Betreff, en: Subject}
content:
  - text: Text
`

func TestTemplateErrors(t *testing.T) {
	tests := []struct {
		name    string
		replace [2]string
		want    string
	}{
		{"unknown key", [2]string{"subject:", "subjekt:"}, "template t.yaml: yaml: unmarshal errors:\n  line 6: field subjekt not found in type render.spec"},
		{"syntax error names the field", [2]string{"- text: Text", "- text: '{{.a'"}, "template t.yaml: content[0].text: line 1: unclosed action"},
		{"unknown function", [2]string{"- text: Text", "- text: '{{frobnicate .a}}'"}, `template t.yaml: content[0].text: line 1: function "frobnicate" not defined`},
		{"missing language", [2]string{"{de: Betreff, en: Subject}", "{de: Betreff}"}, "template t.yaml: subject: no en text"},
		{"unknown language", [2]string{"{de: Betreff, en: Subject}", "{de: Betreff, en: Subject, it: Oggetto}"}, `template t.yaml: subject: language "it" is not in languages [de en]`},
		{"bad template language", [2]string{"languages: [de, en]", "languages: [de, it]"}, `template t.yaml: languages: "it" is not one of de, fr, en`},
		{"no name", [2]string{"name: t", "name: ''"}, "template t.yaml: name: missing"},
		{"text and table", [2]string{"- text: Text", "- {text: Text, table: {rows: x, columns: [{value: a}]}}"}, "template t.yaml: content[0]: has both text and table; give one"},
		{"no flexible column", [2]string{"- text: Text", "- table: {rows: x, columns: [{value: a, width_mm: 20}]}"}, "template t.yaml: content[0].table.columns: one column needs no width_mm, to take the rest of the line"},
		{"bad align", [2]string{"- text: Text", "- table: {rows: x, columns: [{value: a, align: middle}]}"}, `template t.yaml: content[0].table.columns[0].align: "middle" is not left, right or center`},
		{"size out of range", [2]string{"name: t", "name: t\nstyle: {size_pt: 30}"}, "template t.yaml: style.size_pt: 30 is outside 6 to 16"},
		{"missing image", [2]string{"name: t", "name: t\nletterhead: {logo: {file: logo.png}}"}, "template t.yaml: image logo.png: open logo.png: file does not exist"},
		{"bold without regular", [2]string{"name: t", "name: t\nfonts: {bold: b.ttf}"}, "template t.yaml: fonts.regular: missing (the other faces fall back to it)"},
		{"not a font", [2]string{"name: t", "name: t\nfonts: {regular: t.yaml}"}, "template t.yaml: font t.yaml: sfnt: invalid font (a TrueType .ttf is needed)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(minimal, tt.replace[0], tt.replace[1], 1)
			if src == minimal {
				t.Fatalf("%q not found", tt.replace[0])
			}
			_, err := Load(fstest.MapFS{"t.yaml": {Data: []byte(src)}}, "t.yaml")
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error = %v\nwant    %s", err, tt.want)
			}
		})
	}
	if _, err := Load(fstest.MapFS{"t.yaml": {Data: []byte(minimal)}}, "t.yaml"); err != nil {
		t.Fatalf("the minimal template: %v", err)
	}
	// a template file reads nothing outside its folder
	dir := t.TempDir()
	name := filepath.Join(dir, "t.yaml")
	src := strings.Replace(minimal, "name: t", "name: t\nletterhead: {logo: {file: ../../etc/passwd}}", 1)
	if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(name); err == nil || err.Error() != "template t.yaml: image ../../etc/passwd: readfile ../../etc/passwd: invalid argument" {
		t.Errorf("image outside the folder: %v", err)
	}
}

// TestCustomFontAndJPEG uses a TTF and a JPEG beside the template: the
// font's coverage is what is checked, and a missing bold face falls back to
// the regular one.
func TestCustomFontAndJPEG(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "fonts"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "fonts", "mono.ttf"), gomono.TTF, 0o644); err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 60, 20))
	for x := range 60 {
		for y := range 20 {
			img.Set(x, y, color.RGBA{uint8(x * 4), 80, 160, 255})
		}
	}
	f, err := os.Create(filepath.Join(dir, "logo.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(f, img, nil); err != nil {
		t.Fatal(err)
	}
	f.Close()
	src := strings.Replace(minimal, "name: t", "name: t\nfonts: {regular: fonts/mono.ttf}\nletterhead: {logo: {file: logo.jpg, width_mm: 30, align: right}}", 1)
	src = strings.Replace(src, "- text: Text", "- text: '**{{.d}}**'", 1)
	if err := os.WriteFile(filepath.Join(dir, "t.yaml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	tp, err := LoadFile(filepath.Join(dir, "t.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	data := map[string]any{"a": "Herr Hans Müller", "b": "Seestrasse 12", "c": "8002 Zürich", "d": "Fett", "date": "2026-11-27"}
	var logo *Box
	_, _, err = Render(context.Background(), tp, data, Options{Trace: func(b Box) {
		if b.Kind == "image" {
			logo = &b
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	// 60 x 20 px at 30 mm wide is 10 mm high, at the frame's right edge
	if logo == nil || logo.Rect.W != 30 || logo.Rect.H != 10 || logo.Rect.X1() != 190 {
		t.Errorf("logo box = %+v, want 30 x 10 mm ending at x = 190", logo)
	}
	data["d"] = "Grüsse 你"
	_, _, err = Render(context.Background(), tp, data, Options{})
	if want := "template t: field content[0].text: character '你' (U+4F60) is not in font Go Mono"; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}

func TestReadData(t *testing.T) {
	tests := []struct {
		in   string
		want map[string]any
		err  string
	}{
		{`{"n": 2, "x": 1.10, "big": 12345678901, "s": "01067", "l": [1, 2.5]}`,
			map[string]any{"n": 2, "x": 1.1, "big": 12345678901, "s": "01067", "l": []any{1, 2.5}}, ""},
		{"n: 2\nx: 1.10\nd: 2026-11-27\nm: {k: v}\n",
			map[string]any{"n": 2, "x": 1.1, "d": time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC), "m": map[string]any{"k": "v"}}, ""},
		{"plz: 01067\nplz2: 08002\nn: -12\noct: 0o17\nhex: 0x1F\nsep: 1_000\nzero: 0\nf: 1.5e3\nb: yes\nt: true\nnull: ~\n",
			map[string]any{"plz": "01067", "plz2": "08002", "n": -12, "oct": "0o17", "hex": "0x1F", "sep": "1_000", "zero": 0, "f": 1500.0, "b": "yes", "t": true, "null": nil}, ""},
		{"base: &b {x: 1, y: 2}\nuse: {<<: *b, y: 3}\n",
			map[string]any{"base": map[string]any{"x": 1, "y": 2}, "use": map[string]any{"x": 1, "y": 3}}, ""},
		{"- 1\n- 2\n", nil, "the data must be a mapping of names to values, not a list"},
		{`{"a": 1} {"b": 2}`, nil, "JSON: more than one value (use JSON Lines for several letters)"},
		{"", nil, "the data must be a mapping of names to values, not empty"},
		{"a: [", nil, "YAML: yaml: line 1: did not find expected node content"},
	}
	for _, tt := range tests {
		got, err := ReadData(strings.NewReader(tt.in))
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ReadData(%q) error = %v, want %s", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ReadData(%q) = %#v, %v\nwant %#v", tt.in, got, err, tt.want)
		}
	}
}

func TestReadRecords(t *testing.T) {
	in := "{\"a\": 1}\n\n{\"a\": 2}\r\n{\"a\": 3}"
	var got []any
	for m, err := range ReadRecords(strings.NewReader(in)) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, m["a"])
	}
	if !reflect.DeepEqual(got, []any{1, 2, 3}) {
		t.Errorf("records = %v", got)
	}
	for in, want := range map[string]string{
		"{\"a\": 1}\n{\"a\": \n": "line 2: JSON: unexpected EOF",
		"{}\na: 1\n":             "line 2: not a JSON object",
		"{}\n\n[1]\n":            "line 3: the data must be a mapping of names to values, not a list",
	} {
		var last error
		n := 0
		for _, err := range ReadRecords(strings.NewReader(in)) {
			if err != nil {
				last = err
			} else {
				n++
			}
		}
		if last == nil || last.Error() != want {
			t.Errorf("ReadRecords(%q) error = %v, want %s", in, last, want)
		}
	}
}

func TestSet(t *testing.T) {
	data := map[string]any{"recipient": map[string]any{"name": "A"}, "level": 1, "s": "x"}
	for _, a := range []string{"recipient.name=Hans Müller", "level=3", "fee=20.5", "new.deep.key=true", "postcode=01067", "neg=-5", "text=1e5x", "empty="} {
		if err := Set(data, a); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]any{
		"recipient": map[string]any{"name": "Hans Müller"}, "level": 3, "s": "x", "fee": 20.5,
		"new": map[string]any{"deep": map[string]any{"key": true}}, "postcode": "01067", "neg": -5, "text": "1e5x", "empty": "",
	}
	if !reflect.DeepEqual(data, want) {
		got, _ := json.Marshal(data)
		t.Errorf("data = %s", got)
	}
	if err := Set(data, "s.x=1"); err == nil || err.Error() != "--set s.x: s is not a mapping" {
		t.Errorf("Set into a string: %v", err)
	}
	if err := Set(data, "=1"); err == nil || err.Error() != `--set "=1": want key=value` {
		t.Errorf("Set without key: %v", err)
	}
}
