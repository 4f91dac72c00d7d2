package preflight

import (
	"fmt"
	"math"
	"strings"

	"github.com/lettergate/lettergate/preflight/pdfdoc"
	"github.com/lettergate/lettergate/rules"
)

const fixReExport = "export the PDF again from the program that made it"

// LimitFlags maps each field of pdfdoc.Limits (and Options.MaxReadBytes) to
// the flag of lettergate check that raises it, so that a finding can say how.
var LimitFlags = map[string]string{
	"MaxStreamBytes": "--max-stream-mb",
	"MaxFileBytes":   "--max-decoded-mb",
	"MaxImagePixels": "--max-image-mp",
	"MaxOperators":   "--max-operators",
	"MaxFormDepth":   "--max-form-depth",
	"MaxObjects":     "--max-objects",
	"Timeout":        "--timeout",
	"MaxReadBytes":   "--max-file-mb",
}

// Unreadable reports a file that cannot be read.
var Unreadable = &Rule{
	ID:       "pdf.unreadable",
	Severity: Error,
	Doc: `The file is not a PDF, is damaged beyond repair, or breaks a limit.

Pingen rejects such files as file_not_readable or invalid_pdf_binary_content.
Files that reach a limit of lettergate (decoded stream size, content operators,
nesting of forms, objects on a page, time) are reported here too, naming the
limit and the flag that raises it. The time limit is for the whole check of a
file; a check it stops keeps what it found on the pages before and says how
far it got.`,
	Run: func(p *Pass) error {
		if p.OpenErr == nil || p.OpenErr.Kind == pdfdoc.NeedsPassword {
			return nil
		}
		msg := "the file cannot be read: " + p.OpenErr.Error()
		fix := fixReExport
		if p.OpenErr.Kind == pdfdoc.OverLimit {
			msg = "the file was not checked: " + p.OpenErr.Error()
			fix = "export it again from the program that made it"
			if flag := LimitFlags[p.OpenErr.Limit]; flag != "" {
				fix = "if the file is genuine, raise the limit with " + flag + "; otherwise " + fix
			}
		}
		p.Reportf(0, fix, "%s", msg)
		return nil
	},
}

// Encrypted reports an encrypted file.
var Encrypted = &Rule{
	ID:       "pdf.encrypted",
	Severity: Error,
	Doc: `The file is encrypted.

A file that needs a password cannot be opened by Pingen at all. A file that
opens without one but is encrypted (an owner password restricting printing or
changes) cannot be fixed or stamped by Pingen either; treat both as invalid.`,
	Run: func(p *Pass) error {
		switch {
		case p.OpenErr != nil && p.OpenErr.Kind == pdfdoc.NeedsPassword:
			p.Reportf(0, "save or export it again without a password",
				"the PDF is encrypted and needs a password to open")
		case p.Doc != nil && p.Doc.Encrypted:
			p.Reportf(0, "save or export it again without encryption or permission restrictions",
				"the PDF is encrypted: it opens without a password, but restricts what may be done with it, and Pingen cannot process it")
		}
		return nil
	},
}

// FileSize reports a file over the profile's byte limit.
var FileSize = &Rule{
	ID:       "file.size",
	Severity: Error,
	Doc: `The file is larger than the profile allows.

Pingen accepts files up to 8 MB, read here as 8 000 000 bytes to be safe.`,
	Run: func(p *Pass) error {
		max := p.Profile.File.MaxBytes
		if p.Size <= max {
			return nil
		}
		p.Reportf(0, "reduce the resolution of the images (300 dpi is plenty for print) or split the letter",
			"the file is %s (%d bytes); the limit is %s (%d bytes)", formatBytes(p.Size), p.Size, formatBytes(max), max)
		return nil
	},
}

// PageCount reports a letter with no pages or too many for its destination.
var PageCount = &Rule{
	ID:       "pages.count",
	Severity: Error,
	Doc: `The letter has no pages, or more than its destination allows.

Pingen's limit depends on the destination country (pages.max_by_country of
the profile, else pages.max). Every page counts, blank ones included. In a
split file each letter is held to the limit of its own destination.`,
	Run: func(p *Pass) error {
		if p.Doc == nil {
			return nil
		}
		if p.Doc.PageCount == 0 {
			p.Reportf(0, fixReExport, "the PDF has no pages")
			return nil
		}
		letters, err := p.Letters()
		if err != nil {
			// The pages that split the file were not read.
			p.skip()
			return nil
		}
		for _, l := range letters {
			country, ok := p.destination(l)
			if !ok {
				continue // not read before the time limit: the finding of that says so
			}
			max := p.Profile.MaxPages(country)
			if l.Pages() <= max {
				continue
			}
			fix := fmt.Sprintf("split it into letters of at most %d pages", max)
			if p.check.split.IsZero() {
				p.Reportf(0, fix, "the letter has %d pages; letters to %s may have at most %d", l.Pages(), country, max)
				continue
			}
			p.Reportf(l.First, fix, "letter %d has %d pages; letters to %s may have at most %d", l.Letter, l.Pages(), country, max)
		}
		return nil
	},
}

// destination returns the destination of letter l, and false when it is
// not known: its address was not read before the time limit.
func (p *Pass) destination(l LetterPages) (string, bool) {
	a := p.check.addresses[l.Letter]
	switch {
	case p.check.forced:
		return p.check.defaultCountry, true
	case a != nil && a.err == nil:
		return a.dest, true
	case p.check.timedOut:
		return "", false
	}
	return p.check.defaultCountry, true
}

// PageFormat reports pages that are not the profile's page size, portrait.
var PageFormat = &Rule{
	ID:       "page.format",
	Severity: Error,
	Doc: `A page is not A4 portrait within the profile's tolerance.

The page is judged as displayed: its crop box turned by /Rotate. A landscape
media box with /Rotate 90 is portrait; 595 x 842 pt is A4.`,
	Run: func(p *Pass) error {
		if p.Doc == nil {
			return nil
		}
		want := p.Profile.Page
		type size struct{ w, h float64 }
		var order []size
		pages := map[size][]int{}
		for _, pg := range p.Doc.Pages {
			w, h := pg.Geometry.SizeMM()
			if math.Abs(w-want.WidthMM) <= want.ToleranceMM && math.Abs(h-want.HeightMM) <= want.ToleranceMM {
				continue
			}
			s := size{round1(w), round1(h)}
			if _, ok := pages[s]; !ok {
				order = append(order, s)
			}
			pages[s] = append(pages[s], pg.Number)
		}
		for _, s := range order {
			nums := pages[s]
			f := Finding{Page: nums[0]}
			if len(nums) > 1 {
				f.Pages = nums
			}
			what := fmt.Sprintf("%s is %.1f x %.1f mm", pageWord(nums), s.w, s.h)
			if name := paperName(s.w, s.h); name != "" {
				what += " (" + name + ")"
			}
			f.Message = fmt.Sprintf("%s; expected %s portrait, %g x %g mm within %g mm", what, paperName(want.WidthMM, want.HeightMM), want.WidthMM, want.HeightMM, want.ToleranceMM)
			switch {
			case math.Abs(s.w-want.HeightMM) <= want.ToleranceMM && math.Abs(s.h-want.WidthMM) <= want.ToleranceMM:
				f.Fix = "lay the page out in portrait, or turn it with the page rotation (/Rotate 90) so that it shows upright"
			default:
				f.Fix = fmt.Sprintf("set the page size to %s portrait (%g x %g mm) in the program that made the PDF", paperName(want.WidthMM, want.HeightMM), want.WidthMM, want.HeightMM)
			}
			p.Report(f)
		}
		return nil
	},
}

// UnembeddedFonts reports fonts that are used but not embedded.
var UnembeddedFonts = &Rule{
	ID:       "fonts.unembedded",
	Severity: Warning,
	Doc: `A font used on a page is not embedded in the file.

The printer then substitutes another font, which changes line breaks and may
move text into a blank zone or out of the address window. Pingen reports the
embedding of every font of a letter.`,
	Run: func(p *Pass) error {
		if p.Doc == nil {
			return nil
		}
		var order []string
		used := map[string][]int{}
		types := map[string]string{}
		for _, pg := range p.Doc.Pages {
			for _, f := range pg.Fonts {
				if f.Embedded {
					continue
				}
				if _, ok := used[f.Name]; !ok {
					order = append(order, f.Name)
					types[f.Name] = f.Type
				}
				if n := used[f.Name]; len(n) == 0 || n[len(n)-1] != pg.Number {
					used[f.Name] = append(n, pg.Number)
				}
			}
		}
		for _, name := range order {
			nums := used[name]
			f := Finding{Page: nums[0], Fix: "embed all fonts when exporting the PDF (often an option called 'embed fonts', or export as PDF/A)"}
			if len(nums) > 1 {
				f.Pages = nums
			}
			kind := ""
			if t := types[name]; t != "" {
				kind = " (" + t + ")"
			}
			f.Message = fmt.Sprintf("font %s%s is not embedded; used on %s", name, kind, pageList(nums))
			p.Report(f)
		}
		return nil
	},
}

// Interactive reports form fields and annotations.
var Interactive = &Rule{
	ID:       "interactive.content",
	Severity: Warning,
	Doc: `The file has form fields or annotations.

Pingen flattens interactive elements before printing (its "Fix Interactive
Elements" action, which may cost a surcharge), so what prints may differ from
what the screen shows. Flatten them before sending.`,
	Run: func(p *Pass) error {
		if p.Doc == nil {
			return nil
		}
		widgets := 0
		for _, pg := range p.Doc.Pages {
			counts := map[string]int{}
			var kinds []string
			var box rules.Rect
			for _, a := range pg.Annots {
				if a.Subtype == "Popup" {
					continue // belongs to another annotation
				}
				if a.Subtype == "Widget" {
					widgets++
				}
				if counts[a.Subtype] == 0 {
					kinds = append(kinds, a.Subtype)
				}
				counts[a.Subtype]++
				box = box.Union(pg.Geometry.BoxToMM(a.Rect))
			}
			if len(kinds) == 0 {
				continue
			}
			var parts []string
			for _, k := range kinds {
				parts = append(parts, annotCount(k, counts[k]))
			}
			f := Finding{Page: pg.Number,
				Message: "the page has " + joinAnd(parts),
				Fix:     "flatten forms and annotations when exporting (print to PDF, or 'flatten' in the PDF editor)"}
			if !box.Empty() {
				f.Box = BoxOf(box)
			}
			p.Report(f)
		}
		if widgets == 0 && p.Doc.FormFields > 0 {
			p.Reportf(0, "remove the form or flatten it when exporting",
				"the file has an interactive form with %d %s", p.Doc.FormFields, plural(p.Doc.FormFields, "field", "fields"))
		}
		return nil
	},
}

func annotCount(subtype string, n int) string {
	switch subtype {
	case "Widget":
		return fmt.Sprintf("%d form %s", n, plural(n, "field", "fields"))
	case "":
		return fmt.Sprintf("%d %s", n, plural(n, "annotation", "annotations"))
	}
	return fmt.Sprintf("%d %s %s", n, subtype, plural(n, "annotation", "annotations"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func joinAnd(parts []string) string {
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// pageWord says "page 3" or "pages 1-3, 7".
func pageWord(nums []int) string {
	if len(nums) == 1 {
		return fmt.Sprintf("page %d", nums[0])
	}
	return "pages " + ranges(nums)
}

// pageList is pageWord for use after "on".
func pageList(nums []int) string { return pageWord(nums) }

// ranges compresses sorted page numbers: 1, 2, 3, 5 -> "1-3, 5".
func ranges(nums []int) string {
	var parts []string
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d-%d", nums[i], nums[j]))
		} else {
			parts = append(parts, fmt.Sprint(nums[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// paperName names common paper sizes, within 1 mm, either way up.
func paperName(w, h float64) string {
	sizes := []struct {
		name string
		w, h float64
	}{
		{"A4", 210, 297}, {"A3", 297, 420}, {"A5", 148, 210}, {"US Letter", 215.9, 279.4},
		{"US Legal", 215.9, 355.6}, {"B5", 176, 250}, {"C5 envelope", 162, 229},
	}
	for _, s := range sizes {
		if math.Abs(w-s.w) <= 1 && math.Abs(h-s.h) <= 1 {
			return s.name
		}
		if math.Abs(w-s.h) <= 1 && math.Abs(h-s.w) <= 1 {
			return s.name + " landscape"
		}
	}
	return ""
}
