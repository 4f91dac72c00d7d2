package render

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"text/template"
	"time"
)

// decimal is the result of the arithmetic template functions: an exact
// rational number that prints as a plain decimal ("1234.5"), so that money
// is never rounded by binary floating point.
type decimal struct{ r *big.Rat }

// String prints the number exactly, or to 12 decimals when it has no finite
// decimal expansion.
func (d decimal) String() string {
	if d.r == nil {
		return "0"
	}
	s := d.r.FloatString(12)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// toRat converts a number from the data or from a template to an exact
// rational. Floats are taken by their shortest decimal form, so 0.1 from
// JSON is exactly one tenth.
func toRat(v any) (*big.Rat, error) {
	switch x := v.(type) {
	case nil:
		return nil, errors.New("no value where a number is needed")
	case decimal:
		if x.r == nil {
			return new(big.Rat), nil
		}
		return new(big.Rat).Set(x.r), nil
	case *big.Rat:
		return new(big.Rat).Set(x), nil
	case json.Number:
		return parseRat(string(x))
	case string:
		return parseRat(x)
	case float64:
		return floatRat(x)
	case float32:
		return floatRat(float64(x))
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return new(big.Rat).SetInt64(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return new(big.Rat).SetUint64(rv.Uint()), nil
	}
	return nil, fmt.Errorf("%v (%T) is not a number", v, v)
}

func floatRat(f float64) (*big.Rat, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("%v is not a number", f)
	}
	return parseRat(strconv.FormatFloat(f, 'g', -1, 64))
}

func parseRat(s string) (*big.Rat, error) {
	s = strings.TrimSpace(s)
	r, ok := new(big.Rat).SetString(s)
	// SetString also takes fractions like "1/3"; a number in data is decimal.
	if !ok || s == "" || strings.Contains(s, "/") {
		return nil, fmt.Errorf("%q is not a number", s)
	}
	return r, nil
}

// roundRat rounds x to a multiple of step, halves away from zero (as
// commercial rounding does).
func roundRat(x, step *big.Rat) *big.Rat {
	q := new(big.Rat).Quo(x, step)
	num := new(big.Int).Abs(q.Num())
	num.Mul(num, big.NewInt(2)).Add(num, q.Denom())
	n := num.Quo(num, new(big.Int).Mul(q.Denom(), big.NewInt(2)))
	if q.Sign() < 0 {
		n.Neg(n)
	}
	return new(big.Rat).Mul(new(big.Rat).SetInt(n), step)
}

func pow10(e int) *big.Rat {
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(e))), nil)
	if e < 0 {
		return new(big.Rat).SetFrac(big.NewInt(1), p)
	}
	return new(big.Rat).SetInt(p)
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// toDate reads a date from the data: a time.Time (YAML timestamps) or a
// string in ISO 8601 form, "2026-11-27".
func toDate(v any) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		return time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, time.UTC), nil
	case string:
		s := strings.TrimSpace(x)
		if t, err := time.Parse("2006-01-02", s); err == nil {
			return t, nil
		}
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
		}
		return time.Time{}, fmt.Errorf("%q is not a date (write 2026-11-27)", x)
	case nil:
		return time.Time{}, errors.New("no value where a date is needed")
	}
	return time.Time{}, fmt.Errorf("%v (%T) is not a date", v, v)
}

// funcNames are all template functions, with placeholders: the real ones
// are bound to each letter by state.funcs, since they depend on its locale,
// date and data.
var funcNames = template.FuncMap{}

func init() {
	for name := range (&state{}).funcs() {
		funcNames[name] = func(...any) (string, error) { return "", nil }
	}
}

// funcs returns the template functions of one letter.
func (st *state) funcs() template.FuncMap {
	return template.FuncMap{
		// date [D] [long|short|iso]: a date in the letter's language; the
		// letter's date when D is left out.
		"date": func(args ...any) (string, error) {
			d, styl := st.date, "long"
			if len(args) > 0 {
				if s, ok := args[len(args)-1].(string); ok && (s == "long" || s == "short" || s == "iso") {
					styl, args = s, args[:len(args)-1]
				}
			}
			if len(args) > 1 {
				return "", errors.New("date takes a date and a style (long, short or iso)")
			}
			if len(args) == 1 {
				var err error
				if d, err = toDate(args[0]); err != nil {
					return "", err
				}
			}
			switch styl {
			case "short":
				return d.Format(st.loc.short), nil
			case "iso":
				return d.Format("2006-01-02"), nil
			}
			return st.loc.longDateOf(d), nil
		},
		"letterdate": func() time.Time { return st.date },
		"adddays": func(d any, n int) (time.Time, error) {
			t, err := toDate(d)
			return t.AddDate(0, 0, n), err
		},
		// days A B: the number of days from A to B.
		"days": func(a, b any) (int, error) {
			ta, err := toDate(a)
			if err != nil {
				return 0, err
			}
			tb, err := toDate(b)
			return int(math.Round(tb.Sub(ta).Hours() / 24)), err
		},
		// money X [CUR]: an amount rounded to cents, with the currency.
		"money": func(x any, cur ...string) (string, error) {
			r, err := toRat(x)
			if err != nil {
				return "", err
			}
			c := st.currency
			if len(cur) > 0 {
				c = cur[0]
			}
			if c == "" {
				return "", errors.New("money: no currency (set currency: in the template or pass one)")
			}
			return st.loc.moneyOf(r, c), nil
		},
		// amount X: X rounded to cents as amounts are written, without the
		// currency: for table columns headed by it.
		"amount": func(x any) (string, error) {
			r, err := toRat(x)
			if err != nil {
				return "", err
			}
			return st.loc.number(r, 2, st.loc.moneyDecimal), nil
		},
		// number X [DECIMALS]
		"number": func(x any, dec ...int) (string, error) {
			r, err := toRat(x)
			if err != nil {
				return "", err
			}
			d := -1
			if len(dec) > 0 {
				d = dec[0]
			}
			return st.loc.number(r, d, st.loc.decimal), nil
		},
		// percent X: X is in percent, 8.1 prints as "8.1 %".
		"percent": func(x any) (string, error) {
			r, err := toRat(x)
			if err != nil {
				return "", err
			}
			return st.loc.percentOf(r), nil
		},
		"add": func(xs ...any) (decimal, error) { return fold(xs, (*big.Rat).Add) },
		"sub": func(a, b any) (decimal, error) { return fold([]any{a, b}, (*big.Rat).Sub) },
		"mul": func(xs ...any) (decimal, error) { return fold(xs, (*big.Rat).Mul) },
		"div": func(a, b any) (decimal, error) {
			rb, err := toRat(b)
			if err == nil && rb.Sign() == 0 {
				return decimal{}, errors.New("division by zero")
			}
			return fold([]any{a, b}, (*big.Rat).Quo)
		},
		// round X STEP: X rounded to a multiple of STEP (0.05 for Swiss cash
		// rounding), halves away from zero.
		"round": func(x, step any) (decimal, error) {
			r, err := toRat(x)
			if err != nil {
				return decimal{}, err
			}
			s, err := toRat(step)
			if err != nil || s.Sign() <= 0 {
				return decimal{}, fmt.Errorf("round: step %v must be a positive number", step)
			}
			return decimal{roundRat(r, s)}, nil
		},
		// sum LIST KEY [KEY...]: the sum over LIST of the product of the
		// keys' values, so sum .items "qty" "price" is a net total.
		"sum": func(list any, keys ...string) (decimal, error) {
			rv := reflect.ValueOf(list)
			if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
				return decimal{}, fmt.Errorf("sum: %T is not a list", list)
			}
			total := new(big.Rat)
			for i := 0; i < rv.Len(); i++ {
				p := big.NewRat(1, 1)
				for _, k := range keys {
					v, err := lookup(rv.Index(i).Interface(), k)
					if err != nil {
						return decimal{}, fmt.Errorf("sum: item %d: %w", i+1, err)
					}
					r, err := toRat(v)
					if err != nil {
						return decimal{}, fmt.Errorf("sum: item %d: %s: %w", i+1, k, err)
					}
					p.Mul(p, r)
				}
				if len(keys) == 0 {
					r, err := toRat(rv.Index(i).Interface())
					if err != nil {
						return decimal{}, fmt.Errorf("sum: item %d: %w", i+1, err)
					}
					p = r
				}
				total.Add(total, p)
			}
			return decimal{total}, nil
		},
		// cmp A B: -1, 0 or 1 as A is less than, equal to or more than B.
		"cmp": func(a, b any) (int, error) {
			ra, err := toRat(a)
			if err != nil {
				return 0, err
			}
			rb, err := toRat(b)
			if err != nil {
				return 0, err
			}
			return ra.Cmp(rb), nil
		},
		"calc":    st.calc,
		"country": func(code string) (string, error) { return st.loc.countryName(strings.ToUpper(strings.TrimSpace(code))) },
		"upper":   strings.ToUpper,
		"lower":   strings.ToLower,
		"trim":    strings.TrimSpace,
		// default D V: V, or D when V is missing or empty.
		"default": func(d, v any) any {
			if v == nil || v == "" {
				return d
			}
			return v
		},
		// md S: S with Markdown markers escaped, for data in body text.
		"md": func(s string) string {
			return strings.NewReplacer(`\`, `\\`, `*`, `\*`).Replace(s)
		},
		// fail MSG: stop with MSG, for data a template cannot use
		"fail":  func(msg string) (string, error) { return "", failError(msg) },
		"page":  func() int { return st.page },
		"pages": func() int { return st.pages },
		"lang":  func() string { return st.loc.lang },
		// root: the letter's data, for table cells, whose dot is the row
		"root": func() any { return st.root },
		// row: the 1-based number of the table row being set
		"row":      func() int { return st.row },
		"currency": func() string { return st.currency },
	}
}

// failError is the template's own message, reported without the place in
// the template it came from.
type failError string

func (e failError) Error() string { return string(e) }

func fold(xs []any, op func(z, x, y *big.Rat) *big.Rat) (decimal, error) {
	if len(xs) == 0 {
		return decimal{new(big.Rat)}, nil
	}
	acc, err := toRat(xs[0])
	if err != nil {
		return decimal{}, err
	}
	for _, x := range xs[1:] {
		r, err := toRat(x)
		if err != nil {
			return decimal{}, err
		}
		op(acc, acc, r)
	}
	return decimal{acc}, nil
}
