package rules

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
)

var countryCode = regexp.MustCompile(`^[A-Z]{2}$`)

// Validate checks the profile itself: every length positive and finite,
// every area on the page, every reference known. Each problem names the
// field, as in "windows.left.address.w: ...".
func (p *Profile) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
	}
	positive := func(field string, v float64) bool {
		if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
			bad(field, "must be a positive number of millimetres, not %v", v)
			return false
		}
		return true
	}
	nonNegative := func(field string, v float64) bool {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			bad(field, "must not be negative, not %v", v)
			return false
		}
		return true
	}

	if strings.TrimSpace(p.Name) == "" {
		bad("name", "missing")
	}
	pageOK := positive("page.width_mm", p.Page.WidthMM)
	pageOK = positive("page.height_mm", p.Page.HeightMM) && pageOK
	if nonNegative("page.tolerance_mm", p.Page.ToleranceMM) && pageOK && p.Page.ToleranceMM >= math.Min(p.Page.WidthMM, p.Page.HeightMM)/2 {
		bad("page.tolerance_mm", "%v mm is not a tolerance for a %v x %v mm page", p.Page.ToleranceMM, p.Page.WidthMM, p.Page.HeightMM)
	}
	if p.File.MaxBytes <= 0 {
		bad("file.max_bytes", "must be a positive number of bytes, not %d", p.File.MaxBytes)
	}
	if p.Pages.Max <= 0 {
		bad("pages.max", "must be at least 1, not %d", p.Pages.Max)
	}
	for _, cc := range sortedKeys(p.Pages.MaxByCountry) {
		if !countryCode.MatchString(cc) {
			bad("pages.max_by_country."+cc, "not an ISO 3166-1 alpha-2 code in capitals")
		}
		if n := p.Pages.MaxByCountry[cc]; n <= 0 {
			bad("pages.max_by_country."+cc, "must be at least 1, not %d", n)
		}
	}
	if !countryCode.MatchString(p.DomesticCountry) {
		bad("domestic_country", "%q is not an ISO 3166-1 alpha-2 code in capitals", p.DomesticCountry)
	}

	// onPage checks a rectangle lies on the page; it is only meaningful once
	// the page size itself is valid.
	onPage := func(field string, r Rect) {
		ok := nonNegative(field+".x", r.X)
		ok = nonNegative(field+".y", r.Y) && ok
		ok = positive(field+".w", r.W) && ok
		ok = positive(field+".h", r.H) && ok
		if !ok || !pageOK {
			return
		}
		const eps = 1e-9
		if r.X1() > p.Page.WidthMM+eps {
			bad(field, "reaches x = %.1f mm, outside the %.1f mm wide page", r.X1(), p.Page.WidthMM)
		}
		if r.Y1() > p.Page.HeightMM+eps {
			bad(field, "reaches y = %.1f mm, outside the %.1f mm high page", r.Y1(), p.Page.HeightMM)
		}
	}

	if len(p.Windows) == 0 {
		bad("windows", "at least one window is needed")
	}
	for _, name := range p.WindowNames() {
		w := p.Windows[name]
		field := "windows." + name
		onPage(field+".address", w.Address)
		onPage(field+".reserved", w.Reserved)
		if !w.Address.Empty() && !w.Reserved.Empty() && !w.Reserved.Contains(w.Address) {
			bad(field+".reserved", "must contain the address area (%s)", w.Address)
		}
	}

	ids := map[string]bool{}
	for i, z := range p.Zones {
		field := fmt.Sprintf("zones[%d]", i)
		if z.ID == "" {
			bad(field+".id", "missing")
		} else if ids[z.ID] {
			bad(field+".id", "%q is used twice", z.ID)
		}
		ids[z.ID] = true
		switch z.RuleID() {
		case ZoneBorder, ZoneCorner, ZoneBlank:
		default:
			bad(field+".rule", "%q is not a zone rule (%s, %s or %s)", z.Rule, ZoneBorder, ZoneCorner, ZoneBlank)
		}
		switch z.Pages {
		case AllPages, FirstPage, RestPages:
		default:
			bad(field+".pages", "%q is not one of all, first, rest", z.Pages)
		}
		switch {
		case z.Edges != nil && z.Rect != nil:
			bad(field, "has both edges_mm and rect; give one")
		case z.Edges == nil && z.Rect == nil:
			bad(field, "needs edges_mm or rect")
		case z.Rect != nil:
			onPage(field+".rect", *z.Rect)
		default:
			e := *z.Edges
			ok := nonNegative(field+".edges_mm.top", e.Top)
			ok = nonNegative(field+".edges_mm.right", e.Right) && ok
			ok = nonNegative(field+".edges_mm.bottom", e.Bottom) && ok
			ok = nonNegative(field+".edges_mm.left", e.Left) && ok
			if ok && e.Top+e.Right+e.Bottom+e.Left == 0 {
				bad(field+".edges_mm", "all four bands are 0 mm wide")
			}
			if ok && pageOK && (e.Left+e.Right >= p.Page.WidthMM || e.Top+e.Bottom >= p.Page.HeightMM) {
				bad(field+".edges_mm", "the bands cover the whole page")
			}
		}
	}

	a := p.Address
	if a.MinLines < 1 {
		bad("address.min_lines", "must be at least 1, not %d", a.MinLines)
	}
	if a.MaxLines < a.MinLines {
		bad("address.max_lines", "%d is less than min_lines %d", a.MaxLines, a.MinLines)
	}
	if positive("address.font_pt[0]", a.FontPt[0]) && positive("address.font_pt[1]", a.FontPt[1]) && a.FontPt[1] < a.FontPt[0] {
		bad("address.font_pt", "the maximum %v pt is below the minimum %v pt", a.FontPt[1], a.FontPt[0])
	}
	return errors.Join(errs...)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
