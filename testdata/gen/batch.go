package main

import (
	"bytes"
	"fmt"

	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"

	"github.com/lettergate/lettergate/rules"
)

// The batch set: continuous batch files, several letters in one PDF as
// Pingen accepts them, for lettergate check --split. Each letter has a
// sender above the window, the recipient in the address area of the left
// window (placed to the 0.1 mm by the Go font's glyph boxes, as in the
// address set), a body, and a footer 10 mm above the bottom edge; its
// further pages have body text from the top margin down, through the
// window region, as continuation pages do. The options each file is
// checked with are in its golden files (NAME.golden.json, and
// NAME.VARIANT.golden.json for further checks of the same file).
func init() { register("batch", set{dir: "batch", write: writeBatchSet}) }

// batchLetter is one letter of a batch file.
type batchLetter struct {
	lines []string // the recipient
	pages int      // 2 when 0
	// left moves the address block's ink this far left of its place
	// (2.3 mm inside the area's left edge).
	left float64
	// footerInBorder sets the footer of the letter's last page 3 mm into
	// the bottom border.
	footerInBorder bool
}

var batchRecipients = [][]string{
	{"Herr Hans Müller", "Seestrasse 12", "8002 Zürich"},
	{"Frau Anna Meier", "Bahnhofplatz 3", "3011 Bern"},
	{"Herr Marco Rossi", "Via Nassa 5", "6900 Lugano"},
	{"Frau Claire Dubois", "Rue du Rhône 40", "1204 Genève"},
	{"Herr Peter Keller", "Marktgasse 9", "9000 St. Gallen"},
	{"Frau Laura Weber", "Freie Strasse 17", "4001 Basel"},
}

func sixLetters(edit func(i int, l *batchLetter)) []batchLetter {
	out := make([]batchLetter, len(batchRecipients))
	for i, r := range batchRecipients {
		out[i] = batchLetter{lines: r}
		if edit != nil {
			edit(i, &out[i])
		}
	}
	return out
}

func writeBatchSet(dir string) error {
	files := map[string][]batchLetter{
		// Six letters of two pages: passes with every:2 and with address.
		"letters6": sixLetters(nil),
		// Letter 3's address 2.0 mm too far left (it starts at 20 mm, as
		// DIN 5008 sets it): address.outside on page 5; letter 5's footer
		// in the bottom border: zone.border on page 10.
		"errors6": sixLetters(func(i int, l *batchLetter) {
			switch i + 1 {
			case 3:
				l.left = 4.3
			case 5:
				l.footerInBorder = true
			}
		}),
		// Letters to four countries, of 2, 3, 15 and 1 pages: the letter
		// to the Netherlands has one page more than its limit (14).
		"mixed_destinations": {
			{lines: batchRecipients[0]},
			{lines: []string{"Frau Erika Mustermann", "Hauptstraße 5", "10115 Berlin", "Deutschland"}, pages: 3},
			{lines: []string{"Dhr. Jan de Vries", "Damrak 1", "1012 LG Amsterdam", "Niederlande"}, pages: 15},
			{lines: []string{"Monsieur Jean Dupont", "12 rue de la Paix", "75002 Paris", "Frankreich"}, pages: 1},
		},
		// Three letters of two pages and one of one page: every:2 leaves
		// the last letter short, which is fine.
		"short_last": {
			{lines: batchRecipients[0]}, {lines: batchRecipients[1]}, {lines: batchRecipients[2]},
			{lines: batchRecipients[3], pages: 1},
		},
	}
	fnt, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		return err
	}
	for name, letters := range files {
		data, err := batchPDF(fnt, letters)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := writeFile(dir, name+".pdf", data); err != nil {
			return err
		}
	}
	return nil
}

// batchBody is the text of the body lines, some 160 mm wide at 10 pt.
var batchBody = []string{
	"Wir danken Ihnen für Ihren Auftrag und stellen Ihnen die folgenden Leistungen in",
	"Rechnung. Bitte überweisen Sie den Betrag innert 30 Tagen auf das unten genannte",
	"Konto. Bei Fragen zu dieser Rechnung erreichen Sie uns werktags von 8 bis 17 Uhr.",
}

// batchPDF draws the letters into one PDF.
func batchPDF(fnt *sfnt.Font, letters []batchLetter) ([]byte, error) {
	prof, err := rules.Builtin("pingen")
	if err != nil {
		return nil, err
	}
	win, err := prof.Window("left")
	if err != nil {
		return nil, err
	}
	pdf := newFPDF(a4)
	pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
	txt := func(x, y, size float64, text string) {
		pdf.SetFont("go", "", size)
		pdf.Text(x, y, text)
	}
	const pt = 10
	pitch := 1.2 * pt * 25.4 / 72
	m := &metrics{f: fnt, upem: float64(fnt.UnitsPerEm())}
	for _, l := range letters {
		ink, err := m.block(l.lines, pt, pitch)
		if err != nil {
			return nil, err
		}
		area := win.Address
		penX, base := area.X+2.3-l.left-ink.left, area.Y+3-ink.top
		pages := l.pages
		if pages == 0 {
			pages = 2
		}
		for p := 1; p <= pages; p++ {
			pdf.AddPage()
			body := 30.0
			if p == 1 {
				txt(25, 18, 12, "Muster AG")
				txt(25, 23, 9, "Bahnhofstrasse 1, 8001 Zürich")
				for i, line := range l.lines {
					txt(penX, base+float64(i)*pitch, pt, line)
				}
				txt(130, 100, pt, "Zürich, 27. November 2026")
				txt(25, 115, 11, "Rechnung")
				body = 127
			} else {
				txt(25, 20, 9, fmt.Sprintf("Seite %d", p))
			}
			for y, i := body, 0; y < 270; y, i = y+5.5, i+1 {
				txt(25, y, pt, batchBody[i%len(batchBody)])
			}
			footer := 287.0
			if l.footerInBorder && p == pages {
				footer = 295
			}
			txt(25, footer, 8, fmt.Sprintf("Muster AG · Bahnhofstrasse 1 · 8001 Zürich · Seite %d/%d", p, pages))
		}
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
