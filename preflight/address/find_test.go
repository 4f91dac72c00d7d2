package address

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/lettergate/lettergate/rules"
)

var swiss = []string{"Herr Hans Muster", "Muster AG", "Seestrasse 12", "8002 Zürich"}

// texts returns the line texts Find gives for glyphs in the left window.
func texts(t *testing.T, gs []Glyph) []string {
	t.Helper()
	return Find(gs, pingenLeft).Texts()
}

func TestFindSpaces(t *testing.T) {
	for _, tc := range []struct {
		name string
		st   style
	}{
		{"drawn spaces", style{spaces: drawnSpaces}},
		{"no spaces, word gaps only", style{spaces: noSpaces}},
		{"generated spaces", style{spaces: generatedSpaces}},
		{"no font sizes", style{unsized: true, spaces: noSpaces}},
		{"8 pt", style{pt: 8, spaces: noSpaces}},
		{"12 pt", style{pt: 12, spaces: noSpaces}},
		{"narrow word spaces", style{spaces: noSpaces, wordGap: 0.2}},
		{"justified: wide word spaces", style{spaces: noSpaces, wordGap: 1.5}},
		{"letter spaced", style{spaces: noSpaces, track: 0.3}},
		{"letter spaced with space glyphs", style{spaces: drawnSpaces, track: 0.3}},
		{"loose boxes", style{loose: true}},
		{"loose boxes, no spaces", style{loose: true, spaces: noSpaces}},
		{"loose boxes, tight leading", style{loose: true, spaces: noSpaces, pt: 12}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pitch := 1.25 * tc.st.pt * mmPerPt
			switch {
			case tc.st.pt == 0:
				pitch = 4.4
			case tc.st.loose:
				pitch = 1.0 * tc.st.pt * mmPerPt
			}
			got := texts(t, page(swiss, 25, 64, pitch, tc.st))
			if !reflect.DeepEqual(got, swiss) {
				t.Errorf("got %q, want %q", got, swiss)
			}
		})
	}
}

func TestFindGeneratedSpaceBridgesTightGap(t *testing.T) {
	// The producer kerned the word space away; only PDFium's generated
	// space says there is one.
	a, x := set("Hans", 25, 64, style{spaces: noSpaces})
	b, _ := set("Muster", x+0.1, 64, style{spaces: noSpaces})
	gs := append(append(a, Glyph{Rune: ' ', Generated: true}), b...)
	gs = append(gs, Glyph{Rune: '\r', Generated: true}, Glyph{Rune: '\n', Generated: true})
	if got := texts(t, gs); !reflect.DeepEqual(got, []string{"Hans Muster"}) {
		t.Errorf("got %q", got)
	}
	if got := texts(t, append(a, b...)); !reflect.DeepEqual(got, []string{"HansMuster"}) {
		t.Errorf("without the generated space: got %q", got)
	}
}

func TestFindOutOfOrder(t *testing.T) {
	want := swiss
	t.Run("lines reversed", func(t *testing.T) {
		var gs []Glyph
		for i := len(swiss) - 1; i >= 0; i-- {
			g, _ := set(swiss[i], 25, 64+float64(i)*4.4, style{})
			gs = append(gs, g...)
		}
		if got := texts(t, gs); !reflect.DeepEqual(got, want) {
			t.Errorf("got %q", got)
		}
	})
	t.Run("words reversed within lines", func(t *testing.T) {
		var gs []Glyph
		for i, l := range swiss {
			var words [][]Glyph
			x := 25.0
			for _, w := range strings.Fields(l) {
				g, end := set(w, x, 64+float64(i)*4.4, style{spaces: noSpaces})
				words = append(words, g)
				x = end + 0.278*10*mmPerPt
			}
			for j := len(words) - 1; j >= 0; j-- {
				gs = append(gs, words[j]...)
			}
		}
		if got := texts(t, gs); !reflect.DeepEqual(got, want) {
			t.Errorf("got %q", got)
		}
	})
	for seed := uint64(1); seed <= 5; seed++ {
		t.Run("glyphs shuffled", func(t *testing.T) {
			for _, st := range []style{{spaces: drawnSpaces}, {spaces: noSpaces}} {
				gs := page(swiss, 25, 64, 4.4, st)
				r := rand.New(rand.NewPCG(seed, 0))
				r.Shuffle(len(gs), func(i, j int) { gs[i], gs[j] = gs[j], gs[i] })
				if got := texts(t, gs); !reflect.DeepEqual(got, want) {
					t.Errorf("seed %d, spaces %d: got %q", seed, st.spaces, got)
				}
			}
		})
	}
}

func TestFindLigatures(t *testing.T) {
	gs := page([]string{"Frau Eva Hoﬀmann", "Schiﬀlände 3", "Oﬃce ﬂoor 2", "Poststraße 5"}, 25, 64, 4.4, style{})
	want := []string{"Frau Eva Hoffmann", "Schifflände 3", "Office floor 2", "Poststraße 5"}
	if got := texts(t, gs); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestFindSplitLigatures(t *testing.T) {
	// PDFium maps a ligature glyph through ToUnicode to its letters, each
	// with the ligature's box, one after the other (GOV.UK Notify's
	// address_with_unusual_coordinates.pdf: "maﬀs", "deﬁed").
	split := func(line string, lig rune, letters string) []Glyph {
		gs, _ := set(line, 25, 64, style{})
		var out []Glyph
		for _, g := range gs {
			if g.Rune != lig {
				out = append(out, g)
				continue
			}
			for _, r := range letters {
				c := g
				c.Rune = r
				out = append(out, c)
			}
		}
		return out
	}
	for _, tc := range []struct {
		line    string
		lig     rune
		letters string
		want    string
	}{
		{"quick maﬀs", 'ﬀ', "ff", "quick maffs"},
		{"deﬁed", 'ﬁ', "fi", "defied"},
		{"Oﬃce", 'ﬃ', "ffi", "Office"},
		{"Muﬄer", 'ﬄ', "ffl", "Muffler"},
	} {
		if got := texts(t, split(tc.line, tc.lig, tc.letters)); !reflect.DeepEqual(got, []string{tc.want}) {
			t.Errorf("%s: got %q, want %q", tc.line, got, tc.want)
		}
	}
}

func TestFindUnicodeSpacesAndSoftHyphens(t *testing.T) {
	gs := page([]string{"Herr\u00a0Hans\u2009Muster", "Muster\u00adstrasse 12", "8002\u202fZürich"}, 25, 64, 4.4, style{})
	want := []string{"Herr Hans Muster", "Musterstrasse 12", "8002 Zürich"}
	if got := texts(t, gs); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	// Runs of spaces collapse.
	gs = page([]string{"Herr   Hans  Muster", "8002  Zürich"}, 25, 64, 4.4, style{})
	if got := texts(t, gs); !reflect.DeepEqual(got, []string{"Herr Hans Muster", "8002 Zürich"}) {
		t.Errorf("got %q", got)
	}
}

func TestFindUnmappedAndInvisible(t *testing.T) {
	name, _ := set("Hans Muster", 25, 64, style{})
	name[2].Rune = 0 // a glyph without a Unicode mapping
	street, _ := set("Seestrasse 12", 25, 68.4, style{})
	zwsp := Glyph{Rune: '\u200b', Box: street[3].Box, SizePt: 10}
	street = slices.Insert(street, 3, zwsp)
	want := []string{"Ha\uFFFDs Muster", "Seestrasse 12"}
	if got := texts(t, slices.Concat(name, street)); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestFindDigitsStayTogether(t *testing.T) {
	// The tight box of a "1" leaves a gap of 0.3 em to its neighbours.
	gs := page([]string{"Postfach 1111", "8011 Zürich"}, 25, 64, 4.4, style{spaces: noSpaces})
	if got := texts(t, gs); !reflect.DeepEqual(got, []string{"Postfach 1111", "8011 Zürich"}) {
		t.Errorf("got %q", got)
	}
}

func TestFindLargeGap(t *testing.T) {
	// A tab between postcode and town, both inside the area: one line.
	a, _ := set("8002", 25, 72.8, style{})
	b, _ := set("Zürich", 45, 72.8, style{})
	gs := append(page([]string{"Hans Muster", "Seestrasse 12"}, 25, 64, 4.4, style{}), append(a, b...)...)
	if got := texts(t, gs); !reflect.DeepEqual(got, []string{"Hans Muster", "Seestrasse 12", "8002 Zürich"}) {
		t.Errorf("got %q", got)
	}
}

func TestFindMixedSizesAndSuperscripts(t *testing.T) {
	herr, x := set("Herr", 25, 64, style{pt: 12})
	rest, _ := set(" Hans Muster", x, 64, style{pt: 9})
	rue, x := set("Rue du 1", 25, 68.4, style{})
	er, x := set("er", x, 68.4, style{pt: 6, rise: 0.5})
	mars, _ := set(" Mars 5", x, 68.4, style{})
	h2o, x := set("H", 25, 72.8, style{})
	sub, x := set("2", x, 72.8, style{pt: 6, rise: -0.25})
	o, _ := set("O Labs 1", x, 72.8, style{})
	town, _ := set("1204 Genève", 25, 77.2, style{})
	gs := slices.Concat(herr, rest, rue, er, mars, h2o, sub, o, town)
	b := Find(gs, pingenLeft)
	want := []string{"Herr Hans Muster", "Rue du 1er Mars 5", "H2O Labs 1", "1204 Genève"}
	if got := b.Texts(); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	l := b.Lines[0]
	if l.SizePt != 9 || l.MinPt != 9 || l.MaxPt != 12 || l.Font != "Helvetica" {
		t.Errorf("line 1: size %v, min %v, max %v, font %q", l.SizePt, l.MinPt, l.MaxPt, l.Font)
	}
	if l := b.Lines[1]; l.SizePt != 10 || l.MinPt != 6 {
		t.Errorf("line 2: size %v, min %v", l.SizePt, l.MinPt)
	}
}

func TestFindSeparateAccents(t *testing.T) {
	// TeX's OT1 fonts draw an umlaut as a letter and a separate accent.
	accent := func(gs []Glyph, i int) Glyph {
		em := 10 * mmPerPt
		b := gs[i].Box
		bottom := b.Y + 0.52*em - 0.6*em // over a lower-case letter
		if b.H > 0.6*em {                // over a capital
			bottom = b.Y - 0.06*em
		}
		return Glyph{Rune: '¨', Box: rules.Rect{X: b.X + 0.1*b.W, Y: bottom - 0.1*em, W: 0.8 * b.W, H: 0.1 * em}, SizePt: 10}
	}
	town, _ := set("8002 Zurich", 25, 68.4, style{})
	country, _ := set("Osterreich", 25, 72.8, style{})
	name, _ := set("Hans Muller", 25, 64, style{})
	gs := slices.Concat(name, []Glyph{accent(name, 6)}, town, []Glyph{accent(town, 6)}, []Glyph{accent(country, 0)}, country)
	want := []string{"Hans Müller", "8002 Zürich", "Österreich"}
	if got := texts(t, gs); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestFindFakeBoldIsNotDoubled(t *testing.T) {
	// Fake bold: every glyph drawn twice, 0.02 em apart.
	a := page(swiss, 25, 64, 4.4, style{})
	b := page(swiss, 25+0.02*10*mmPerPt, 64, 4.4, style{})
	var gs []Glyph
	for i := range a {
		gs = append(gs, a[i], b[i])
	}
	if got := texts(t, gs); !reflect.DeepEqual(got, swiss) {
		t.Errorf("interleaved: got %q", got)
	}
	if got := texts(t, append(a, b...)); !reflect.DeepEqual(got, swiss) {
		t.Errorf("one copy after the other: got %q", got)
	}
	// Double letters stay double.
	ll := page([]string{"Wellenweg 11", "Hallo 1111"}, 25, 64, 4.4, style{spaces: noSpaces})
	if got := texts(t, ll); !reflect.DeepEqual(got, []string{"Wellenweg 11", "Hallo 1111"}) {
		t.Errorf("double letters: got %q", got)
	}
}

func TestFindOverflowingBlock(t *testing.T) {
	// Seven lines at 10 pt from the top of the area: the seventh ends
	// below it, inside the reserved block.
	lines := []string{"Firma", "Muster AG", "Abteilung Einkauf", "z. Hd. Frau Eva Muster", "Seestrasse 12", "8002 Zürich", "Schweiz"}
	b := Find(page(lines, 25, 63, 4.23, style{}), pingenLeft)
	if got := b.Texts(); !reflect.DeepEqual(got, lines) {
		t.Fatalf("got %q, want all 7 lines", got)
	}
	var bottoms []int
	for _, c := range b.Crossings() {
		if c.Edge != "bottom" {
			t.Errorf("unexpected crossing %+v", c)
		}
		bottoms = append(bottoms, c.Line)
	}
	if !slices.Contains(bottoms, 6) {
		t.Errorf("crossings %v: want line 7 below the bottom edge", b.Crossings())
	}
	m := b.Move()
	if m.TooTall <= 0 || m.DY != 0 {
		t.Errorf("move %+v: want too tall", m)
	}
	if s := m.String(); !strings.Contains(s, "taller than the address area") {
		t.Errorf("move says %q", s)
	}
}

func TestFindBlockTooFarLeft(t *testing.T) {
	b := Find(page(swiss, 20, 64, 4.4, style{}), pingenLeft)
	if len(b.Lines) != 4 {
		t.Fatalf("got %q", b.Texts())
	}
	cs := b.Crossings()
	if len(cs) != 4 {
		t.Fatalf("crossings %+v: want 4 left crossings", cs)
	}
	for i, c := range cs {
		// Glyph boxes start 0.05 em right of the pen.
		if c.Edge != "left" || c.Line != i || c.MM != 1.9 {
			t.Errorf("crossing %+v: want line %d left 1.9 mm", c, i)
		}
	}
	if got, want := b.Move().String(), "move the address block right by 1.9 mm"; got != want {
		t.Errorf("move: %q, want %q", got, want)
	}
}

func TestFindBlockTooLowOrHigh(t *testing.T) {
	// The last baseline at 86.2, 0.7 mm below the area.
	low := Find(page(swiss, 25, 73, 4.4, style{}), pingenLeft)
	if len(low.Lines) != 4 {
		t.Fatalf("got %q", low.Texts())
	}
	cs := low.Crossings()
	if len(cs) != 1 || cs[0].Edge != "bottom" || cs[0].Line != 3 {
		t.Fatalf("crossings %+v", cs)
	}
	if got := low.Move(); got.DY >= 0 || got.DX != 0 || -got.DY != cs[0].MM {
		t.Errorf("move %+v: want up by %.1f", got, cs[0].MM)
	}
	if s := low.Move().String(); !strings.HasPrefix(s, "move the address block up by ") {
		t.Errorf("move says %q", s)
	}

	// 1.3 mm too high: the first line's capitals start at 58.7.
	first := 58.7 + 0.72*10*mmPerPt
	high := Find(page(swiss, 25, first, 4.4, style{}), pingenLeft)
	if got := high.Texts(); !reflect.DeepEqual(got, swiss) {
		t.Fatalf("got %q", got)
	}
	if got, want := high.Move().String(), "move the address block down by 1.3 mm"; got != want {
		t.Errorf("move: %q, want %q", got, want)
	}
}

func TestFindCrossesRightEdge(t *testing.T) {
	lines := []string{"Herr Hans Muster", "Internationale Handelsgesellschaft Muster AG", "Seestrasse 12", "8002 Zürich"}
	b := Find(page(lines, 60, 64, 4.4, style{}), pingenLeft)
	if got := b.Texts(); !reflect.DeepEqual(got, lines) {
		t.Fatalf("got %q", got)
	}
	cs := b.Crossings()
	if len(cs) != 1 || cs[0].Line != 1 || cs[0].Edge != "right" {
		t.Fatalf("crossings %+v", cs)
	}
	if m := b.Move(); m.DX >= 0 || -m.DX != cs[0].MM {
		t.Errorf("move %+v, crossing %+v", m, cs[0])
	}
}

func TestFindNotSwallowed(t *testing.T) {
	addr := page(swiss, 25, 64, 4.4, style{})
	sender, _ := set("Muster AG, Bahnhofstrasse 1, 8001 Zürich", 25, 57, style{pt: 7})
	franking, _ := set("P.P. CH-8001 Zürich", 75, 47, style{pt: 8})
	date, _ := set("Zürich, 3. März 2026", 130, 68.4, style{})
	body, _ := set("Sehr geehrter Herr Muster", 25, 100, style{})
	subject, _ := set("Rechnung 2026-0042", 25, 92, style{})
	gs := slices.Concat(sender, franking, addr, date, subject, body)
	b := Find(gs, pingenLeft)
	if got := b.Texts(); !reflect.DeepEqual(got, swiss) {
		t.Errorf("got %q, want %q", got, swiss)
	}

	// A sender line whose descenders dip into the area is still not the address.
	sender, _ = set("Muster AG, Postfach, 8001 Zürich", 25, 59.8, style{pt: 7})
	b = Find(slices.Concat(sender, page(swiss, 25, 65, 4.4, style{})), pingenLeft)
	if got := b.Texts(); !reflect.DeepEqual(got, swiss) {
		t.Errorf("descenders: got %q, want %q", got, swiss)
	}
}

func TestFindHeadingBeside(t *testing.T) {
	// A large heading on the right spans two address lines.
	heading, _ := set("Rechnung Nr. 2026-0042 vom 3. März", 112, 68.4, style{pt: 26})
	gs := slices.Concat(heading, page(swiss, 25, 64, 4.4, style{}))
	if got := texts(t, gs); !reflect.DeepEqual(got, swiss) {
		t.Errorf("got %q, want %q", got, swiss)
	}
	heading, _ = set("Rechnung Nr. 2026-0042 vom 3. März", 112, 68.4, style{pt: 26, unsized: true})
	gs = slices.Concat(heading, page(swiss, 25, 64, 4.4, style{unsized: true}))
	if got := texts(t, gs); !reflect.DeepEqual(got, swiss) {
		t.Errorf("no sizes: got %q, want %q", got, swiss)
	}
}

func TestFindRightWindow(t *testing.T) {
	left, _ := set("Muster AG, Bahnhofstrasse 1, 8001 Zürich", 25, 64, style{})
	addr := page(swiss, 121, 64, 4.4, style{})
	b := Find(slices.Concat(left, addr), pingenRight)
	if got := b.Texts(); !reflect.DeepEqual(got, swiss) {
		t.Errorf("got %q", got)
	}
	if len(b.Crossings()) != 0 || b.Move() != (Move{}) {
		t.Errorf("crossings %v, move %+v", b.Crossings(), b.Move())
	}
	if b := Find(addr, pingenLeft); len(b.Lines) != 0 {
		t.Errorf("left window: got %q, want nothing", b.Texts())
	}
}

func TestFindEmpty(t *testing.T) {
	b := Find(nil, pingenLeft)
	if len(b.Lines) != 0 || b.Box != (rules.Rect{}) || b.Area != pingenLeft.Address {
		t.Errorf("got %+v", b)
	}
	if b.Crossings() != nil || b.Move() != (Move{}) || b.Move().String() != "" {
		t.Errorf("crossings %v, move %+v", b.Crossings(), b.Move())
	}
}

func TestFindBoxes(t *testing.T) {
	b := Find(page(swiss, 25, 64, 4.4, style{}), pingenLeft)
	var u rules.Rect
	for i, l := range b.Lines {
		for _, g := range l.Glyphs {
			if !l.Box.Contains(g.Box) {
				t.Errorf("line %d box %v does not hold glyph %q %v", i, l.Box, g.Rune, g.Box)
			}
		}
		u = u.Union(l.Box)
	}
	if u != b.Box {
		t.Errorf("block box %v, union of lines %v", b.Box, u)
	}
	if !b.Area.Contains(b.Box) {
		t.Errorf("block %v not inside the area", b.Box)
	}
}

func TestFindThenParse(t *testing.T) {
	for _, lines := range [][]string{
		{"Frau Anna Beispiel", "c/o Familie Meier", "Dorfstrasse 3b", "3000 Bern 1"},
		{"Banque Exemple SA", "Case postale 123, 1211 Genève 3", "Suisse"},
		{"Frau Erika Mustermann", "Hauptstr. 5a", "10115 Berlin", "Deutschland"},
		{"Société Exemple", "Av. de la Gare 10", "BP 123", "75008 PARIS CEDEX 08", "FRANCE"},
		{"Ms Jane Smith", "Flat 2/1, 10 High St.", "Edinburgh EH1 1YZ", "Scotland"},
		{"Jane Roe", "350 Fifth Avenue, Suite 3000", "New York, NY 10118-0110", "U.S.A."},
		{"Dhr. J. de Vries", "Keizersgracht 123-A", "1015 CJ Amsterdam", "Nederland"},
	} {
		for _, st := range []style{{}, {spaces: noSpaces}, {spaces: generatedSpaces, pt: 9}} {
			b := Find(page(lines, 25, 64, 4.2, st), pingenLeft)
			if got := b.Texts(); !reflect.DeepEqual(got, lines) {
				t.Errorf("style %+v: got %q, want %q", st, got, lines)
				continue
			}
			r := Parse(b.Texts(), Options{Domestic: "CH"})
			if r.Country.Status != CountryNamed && r.Country.Status != CountryOmitted || r.Postcode.Status != PostcodeOK {
				t.Errorf("%q: %+v", lines, r)
			}
		}
	}
}

func TestFindLineSplitByAnotherColumn(t *testing.T) {
	// Reference lines in 8 pt at the left, the third 1.4 mm higher than
	// the street line of the address in the right window beside it:
	// banding alone gives the tall glyphs of the street line to the
	// reference line's band and the short ones a band of their own
	// (ReportLab's letter in testdata/producers).
	lines := []string{"Schmidt & Partner GmbH", "Frau Dr. Eva Schmidt", "Lindenstraße 8", "10115 Berlin", "Deutschland"}
	var gs []Glyph
	for i, ref := range []string{"Ihr Zeichen: ES/2026-44", "Unser Zeichen: GR-8812", "Sachbearbeiterin: Nina Graf", "Telefon 030 1234567", "27. November 2026"} {
		g, _ := set(ref, 25, 71.5+3.6*float64(i-2), style{pt: 8})
		gs = append(gs, g...)
	}
	gs = append(gs, page(lines, 120.3, 64.3, 4.3, style{})...) // street line at 72.9
	if got := Find(gs, pingenRight).Texts(); !reflect.DeepEqual(got, lines) {
		t.Errorf("got %q, want %q", got, lines)
	}
}
