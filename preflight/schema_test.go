package preflight_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestReportSchema validates the JSON of every golden report against
// docs/report.schema.json, the schema users are given.
func TestReportSchema(t *testing.T) {
	schema := loadSchema(t)
	var goldens []string
	for _, set := range fixtureSets {
		m, _ := filepath.Glob(filepath.Join("..", "testdata", set, "*.golden.json"))
		goldens = append(goldens, m...)
	}
	if len(goldens) == 0 {
		t.Fatal("no golden reports")
	}
	for _, path := range goldens {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var g struct {
			Report json.RawMessage `json:"report"`
		}
		if err := json.Unmarshal(data, &g); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var doc any
		if err := json.Unmarshal(g.Report, &doc); err != nil {
			t.Fatal(err)
		}
		if errs := schema.validate(schema.root, doc, "report"); len(errs) > 0 {
			t.Errorf("%s does not match the schema:\n%s", path, strings.Join(errs, "\n"))
		}
	}
}

// TestSchemaValidator makes sure the validator rejects what it should, so
// that TestReportSchema cannot pass by accident.
func TestSchemaValidator(t *testing.T) {
	schema := loadSchema(t)
	good := `{"schema":"lettergate.report/v1","file":"a.pdf","sha256":"` + strings.Repeat("a", 64) + `","bytes":1,"pages":1,"profile":"pingen","window":"left","country":"CH","ok":true,"findings":[]}`
	tests := []struct {
		name, doc, want string
	}{
		{"good", good, ""},
		{"unknown key", strings.Replace(good, `"ok":true`, `"ok":true,"extra":1`, 1), "report: unknown property extra"},
		{"missing key", strings.Replace(good, `"pages":1,`, ``, 1), "report: missing property pages"},
		{"bad enum", strings.Replace(good, `"findings":[]`, `"findings":[{"rule":"zone.top","severity":"error","message":"m"}]`, 1), "report.findings[0].rule: \"zone.top\" is not one of"},
		{"bad type", strings.Replace(good, `"ok":true`, `"ok":"yes"`, 1), "report.ok: want boolean"},
		{"bad pattern", strings.Replace(good, `"country":"CH"`, `"country":"Schweiz"`, 1), "report.country: \"Schweiz\" does not match"},
		{"not integer", strings.Replace(good, `"bytes":1`, `"bytes":1.5`, 1), "report.bytes: want integer"},
		{"split", strings.Replace(good, `"pages":1,`, `"pages":2,"split":"every:1","letters":[{"letter":1,"first_page":1,"pages":1,"country":"CH","ok":true},{"letter":2,"first_page":2,"pages":1,"country":"DE","ok":true,"address":{"lines":["a"]}}],`, 1), ""},
		{"bad split", strings.Replace(good, `"pages":1,`, `"pages":1,"split":"every:0",`, 1), `report.split: "every:0" does not match`},
		{"letter without first page", strings.Replace(good, `"pages":1,`, `"pages":1,"letters":[{"letter":1,"pages":1,"country":"CH","ok":true}],`, 1), "report.letters[0]: missing property first_page"},
		{"finding of letter 0", strings.Replace(good, `"findings":[]`, `"findings":[{"rule":"zone.border","severity":"error","page":1,"letter":0,"message":"m"}]`, 1), "report.findings[0].letter: 0 is below the minimum 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc any
			if err := json.Unmarshal([]byte(tt.doc), &doc); err != nil {
				t.Fatal(err)
			}
			errs := strings.Join(schema.validate(schema.root, doc, "report"), "\n")
			if tt.want == "" && errs != "" || tt.want != "" && !strings.Contains(errs, tt.want) {
				t.Errorf("errors = %q, want %q", errs, tt.want)
			}
		})
	}
}

type jsonSchema struct {
	root map[string]any
	defs map[string]any
}

func loadSchema(t *testing.T) *jsonSchema {
	t.Helper()
	data, err := os.ReadFile("../docs/report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	if err := json.Unmarshal(data, &root); err != nil {
		t.Fatal(err)
	}
	defs, _ := root["$defs"].(map[string]any)
	return &jsonSchema{root: root, defs: defs}
}

// validate implements the part of JSON Schema the report schema uses: $ref
// to $defs, type, required, properties, additionalProperties: false, items,
// enum, pattern and minimum.
func (s *jsonSchema) validate(schema map[string]any, v any, at string) []string {
	if ref, ok := schema["$ref"].(string); ok {
		def, _ := s.defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
		if def == nil {
			return []string{at + ": unknown $ref " + ref}
		}
		return s.validate(def, v, at)
	}
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, at+": "+fmt.Sprintf(format, args...)) }
	switch typ, _ := schema["type"].(string); typ {
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			bad("want object")
			return errs
		}
		props, _ := schema["properties"].(map[string]any)
		req, _ := schema["required"].([]any)
		for _, r := range req {
			if _, ok := obj[r.(string)]; !ok {
				bad("missing property %s", r)
			}
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p, ok := props[k].(map[string]any)
			if !ok {
				if schema["additionalProperties"] == false {
					bad("unknown property %s", k)
				}
				continue
			}
			errs = append(errs, s.validate(p, obj[k], at+"."+k)...)
		}
	case "array":
		arr, ok := v.([]any)
		if !ok {
			bad("want array")
			return errs
		}
		items, _ := schema["items"].(map[string]any)
		for i, e := range arr {
			errs = append(errs, s.validate(items, e, fmt.Sprintf("%s[%d]", at, i))...)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			bad("want string")
			return errs
		}
		if p, ok := schema["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(str) {
			bad("%q does not match %s", str, p)
		}
	case "integer", "number":
		n, ok := v.(float64)
		if !ok || typ == "integer" && n != math.Trunc(n) {
			bad("want %s", typ)
			return errs
		}
		if m, ok := schema["minimum"].(float64); ok && n < m {
			bad("%v is below the minimum %v", n, m)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("want boolean")
		}
	}
	if enum, ok := schema["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			if e == v {
				found = true
			}
		}
		if !found {
			bad("%q is not one of %v", v, enum)
		}
	}
	return errs
}
