package render

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// ReadData decodes one letter's data: a JSON or YAML mapping (JSON is YAML,
// but is decoded as JSON so that its numbers stay exact).
func ReadData(r io.Reader) (map[string]any, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return decodeData(b)
}

func decodeData(b []byte) (map[string]any, error) {
	var v any
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("JSON: %w", err)
		}
		if dec.More() {
			return nil, errors.New("JSON: more than one value (use JSON Lines for several letters)")
		}
	} else {
		var n yaml.Node
		if err := yaml.Unmarshal(b, &n); err != nil {
			return nil, fmt.Errorf("YAML: %w", err)
		}
		var err error
		if v, err = yamlValue(&n); err != nil {
			return nil, fmt.Errorf("YAML: %w", err)
		}
	}
	m, ok := normalize(v).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the data must be a mapping of names to values, not %s", kindOf(v))
	}
	return m, nil
}

// ReadRecords yields the letters of a JSON Lines stream, one JSON object a
// line; blank lines are skipped. Errors name the line.
func ReadRecords(r io.Reader) iter.Seq2[map[string]any, error] {
	return func(yield func(map[string]any, error) bool) {
		br := bufio.NewReaderSize(r, 64<<10)
		for n := 1; ; n++ {
			line, err := br.ReadBytes('\n')
			if len(bytes.TrimSpace(line)) > 0 {
				m, derr := decodeData(line)
				if derr == nil && bytes.TrimSpace(line)[0] != '{' {
					derr = errors.New("not a JSON object")
				}
				if derr != nil {
					yield(nil, fmt.Errorf("line %d: %w", n, derr))
					return
				}
				if !yield(m, nil) {
					return
				}
			}
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(nil, fmt.Errorf("line %d: %w", n, err))
				return
			}
		}
	}
}

// Set applies an override "key.path=value" to data, creating mappings on
// the way. The value is a number, true, false or null when it reads as one
// in JSON (without leading zeros, so postcodes stay text), else a string.
func Set(data map[string]any, assignment string) error {
	key, val, ok := strings.Cut(assignment, "=")
	key = strings.TrimSpace(key)
	if !ok || key == "" {
		return fmt.Errorf("--set %q: want key=value", assignment)
	}
	parts := strings.Split(key, ".")
	m := data
	for i, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			if _, exists := m[p]; exists {
				return fmt.Errorf("--set %s: %s is not a mapping", key, strings.Join(parts[:i+1], "."))
			}
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[parts[len(parts)-1]] = scalar(val)
	return nil
}

func scalar(s string) any {
	switch s {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	}
	digits := strings.TrimPrefix(s, "-")
	if len(digits) > 1 && digits[0] == '0' && digits[1] != '.' {
		return s // leading zero: a postcode or an account number
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return int(i)
	}
	if json.Valid([]byte(s)) && len(digits) > 0 && digits[0] >= '0' && digits[0] <= '9' {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
	}
	return s
}

// yamlValue converts a YAML node to data. Unlike yaml.v3's own decoding,
// a number written with a leading zero, or an integer in another base or
// with underscores, stays text as written: 01067 is a postcode, not the
// octal number 567.
func yamlValue(n *yaml.Node) (any, error) {
	switch n.Kind {
	case 0:
		return nil, nil // an empty document
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return yamlValue(n.Content[0])
	case yaml.AliasNode:
		return yamlValue(n.Alias)
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, c := range n.Content {
			v, err := yamlValue(c)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, vn := n.Content[i], n.Content[i+1]
			v, err := yamlValue(vn)
			if err != nil {
				return nil, err
			}
			if k.Tag == "!!merge" {
				if m, ok := v.(map[string]any); ok {
					for mk, mv := range m {
						if _, set := out[mk]; !set {
							out[mk] = mv
						}
					}
					continue
				}
			}
			out[k.Value] = v
		}
		return out, nil
	}
	tag := n.ShortTag()
	if tag == "!!int" || tag == "!!float" {
		digits := strings.TrimLeft(n.Value, "+-")
		if len(digits) > 1 && digits[0] == '0' && digits[1] >= '0' && digits[1] <= '9' {
			return n.Value, nil // 01067, 08002
		}
	}
	switch tag {
	case "!!int":
		if i, err := strconv.Atoi(n.Value); err == nil {
			return i, nil
		}
		return n.Value, nil // 0o17, 0x1F, 1_000
	case "!!str", "!!binary":
		return n.Value, nil
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return nil, fmt.Errorf("line %d: %w", n.Line, err)
	}
	return v, nil
}

// normalize makes integers int and other numbers float64, whether they
// came from JSON or YAML, so that templates can compare them with eq (which
// does not compare int64 with int) and money keeps its decimals exact.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
		return x
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = normalize(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
		return x
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return int(i)
		}
		if f, err := strconv.ParseFloat(string(x), 64); err == nil {
			return f
		}
		return string(x)
	case int64:
		return int(x)
	}
	return v
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "empty"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("%T", v)
}

// lookup follows a dotted path ("invoice.items") through maps and struct
// fields.
func lookup(data any, path string) (any, error) {
	v := data
	for _, p := range strings.Split(path, ".") {
		if p == "" {
			continue
		}
		rv := reflect.ValueOf(v)
		for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
			rv = rv.Elem()
		}
		switch rv.Kind() {
		case reflect.Map:
			e := rv.MapIndex(reflect.ValueOf(p))
			if !e.IsValid() {
				return nil, fmt.Errorf("no %q in the data", path)
			}
			v = e.Interface()
		case reflect.Struct:
			f := rv.FieldByName(p)
			if !f.IsValid() || !f.CanInterface() {
				return nil, fmt.Errorf("no %q in the data", path)
			}
			v = f.Interface()
		default:
			return nil, fmt.Errorf("no %q in the data (%s is %s)", path, p, kindOf(v))
		}
	}
	return v, nil
}
