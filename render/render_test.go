package render

import (
	"bytes"
	"context"
	"fmt"
	"math/big"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"

	"github.com/lettergate/lettergate/rules"
)

func loadFlow(t testing.TB) *Template {
	t.Helper()
	tp, err := LoadFile("testdata/flow.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return tp
}

func flowData() map[string]any {
	return map[string]any{
		"date":    "2026-11-27",
		"sender":  "Seeblick Informatik AG",
		"address": []any{"Herr Hans Müller", "Seestrasse 12", "8002 Zürich"},
		"ref":     "T-1",
		"subject": "Betreff",
		"body":    "Sehr geehrter Herr Müller\n\nEin **kurzer** Text.",
	}
}

func profile(t testing.TB, name string) *rules.Profile {
	t.Helper()
	p, err := rules.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// trace renders one letter and returns its PDF and layout log.
func trace(t testing.TB, tp *Template, data any, opts Options) ([]byte, Letter, []Box) {
	t.Helper()
	var boxes []Box
	opts.Trace = func(b Box) { boxes = append(boxes, b) }
	pdf, info, err := Render(context.Background(), tp, data, opts)
	if err != nil {
		t.Fatal(err)
	}
	return pdf, info, boxes
}

// checkZones asserts that no box comes within 1 mm of a zone of the
// profile, and that on page 1 only the address is in the reserved block,
// inside the address area. It computes the zones itself, from the profile.
func checkZones(t *testing.T, p *rules.Profile, window string, boxes []Box) {
	t.Helper()
	const margin = 1.0
	win, err := p.Window(window)
	if err != nil {
		t.Fatal(err)
	}
	grow := func(r rules.Rect) rules.Rect {
		return rules.Rect{X: r.X - margin, Y: r.Y - margin, W: r.W + 2*margin, H: r.H + 2*margin}
	}
	addressLines := 0
	for _, b := range boxes {
		if b.Rect.X < 0 || b.Rect.Y < 0 || b.Rect.X1() > p.Page.WidthMM || b.Rect.Y1() > p.Page.HeightMM {
			t.Errorf("page %d: %s %q at %s is off the page", b.Page, b.Field, b.Text, b.Rect)
		}
		for _, z := range p.Zones {
			if !z.Pages.Has(b.Page) {
				continue
			}
			for _, r := range z.Rects(p.Page.WidthMM, p.Page.HeightMM) {
				if b.Rect.Overlaps(grow(r)) {
					t.Errorf("page %d: %s %q at %s is within %v mm of zone %s (%s)", b.Page, b.Field, b.Text, b.Rect, margin, z.ID, r)
				}
			}
		}
		if b.Page != 1 {
			continue
		}
		if strings.HasPrefix(b.Field, "recipient.") {
			addressLines++
			if !win.Address.Contains(b.Rect) {
				t.Errorf("address line %q at %s is not inside the address area %s", b.Text, b.Rect, win.Address)
			}
		} else if b.Rect.Overlaps(grow(win.Reserved)) {
			t.Errorf("page 1: %s %q at %s is within %v mm of the reserved block %s", b.Field, b.Text, b.Rect, margin, win.Reserved)
		}
	}
	if addressLines == 0 {
		t.Errorf("no address lines drawn")
	}
}

func TestZonesEveryProfileAndWindow(t *testing.T) {
	tp := loadFlow(t)
	for _, name := range rules.Names() {
		p := profile(t, name)
		for _, w := range p.WindowNames() {
			t.Run(name+"/"+w, func(t *testing.T) {
				data := flowData()
				data["body"] = strings.Repeat("Ein Absatz mit etwas Text, der über mehrere Zeilen läuft und sich wiederholt. ", 60)
				data["items"] = items(12)
				_, info, boxes := trace(t, tp, data, Options{Profile: p, Window: w})
				if info.Pages < 2 {
					t.Errorf("pages = %d, want at least 2 to test later pages", info.Pages)
				}
				checkZones(t, p, w, boxes)
			})
		}
	}
}

func items(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = map[string]any{"text": fmt.Sprintf("Leistung Nummer %d", i+1), "amount": 100 + float64(i)*12.5}
	}
	return out
}

func TestAddress(t *testing.T) {
	tp := loadFlow(t)
	tests := []struct {
		name    string
		profile string
		window  string
		address []any
		country string
		want    []string
		wantErr string
	}{
		{"domestic", "pingen", "left", []any{"Herr Hans Müller", "Seestrasse 12", "8002 Zürich"}, "CH",
			[]string{"Herr Hans Müller", "Seestrasse 12", "8002 Zürich"}, ""},
		{"no country is domestic", "pingen", "left", []any{"Herr Hans Müller", "Seestrasse 12", "8002 Zürich"}, "",
			[]string{"Herr Hans Müller", "Seestrasse 12", "8002 Zürich"}, ""},
		{"abroad", "pingen", "right", []any{"Frau Eva Schmid", "Hauptstraße 5", "10115 Berlin"}, "de",
			[]string{"Frau Eva Schmid", "Hauptstraße 5", "10115 Berlin", "Deutschland"}, ""},
		{"country already written", "pingen", "left", []any{"Frau Eva Schmid", "Hauptstraße 5", "10115 Berlin", "Deutschland"}, "DE",
			[]string{"Frau Eva Schmid", "Hauptstraße 5", "10115 Berlin", "Deutschland"}, ""},
		{"spaces collapse, blank lines go", "pingen", "left", []any{"  Herr   Hans Müller ", "", "Seestrasse 12", "8002 Zürich"}, "CH",
			[]string{"Herr Hans Müller", "Seestrasse 12", "8002 Zürich"}, ""},
		{"France is domestic for pingen-fr", "pingen-fr", "right", []any{"M. Jean Dupont", "12 rue de la Paix", "75002 PARIS"}, "FR",
			[]string{"M. Jean Dupont", "12 rue de la Paix", "75002 PARIS"}, ""},
		{"Switzerland is abroad for pingen-fr", "pingen-fr", "right", []any{"Herr Hans Müller", "Seestrasse 12", "8002 Zürich"}, "CH",
			[]string{"Herr Hans Müller", "Seestrasse 12", "8002 Zürich", "Schweiz"}, ""},
		{"six lines with the longest La Poste line shrink to fit", "pingen", "left",
			[]any{"ETABLISSEMENTS MARTIN ET FILS SARL ABCD", "Service de la comptabilité fournisseur", "Monsieur Jean-Baptiste Dupont-Laurent", "Bâtiment C, escalier 4, 3e étage gauche", "128 AVENUE DU GENERAL LECLERC BP 4512", "75014 PARIS CEDEX 14"}, "",
			[]string{"ETABLISSEMENTS MARTIN ET FILS SARL ABCD", "Service de la comptabilité fournisseur", "Monsieur Jean-Baptiste Dupont-Laurent", "Bâtiment C, escalier 4, 3e étage gauche", "128 AVENUE DU GENERAL LECLERC BP 4512", "75014 PARIS CEDEX 14"}, ""},
		{"too few lines", "pingen", "left", []any{"Hans Müller", "Zürich"}, "CH", nil,
			`field recipient.address: the address has 2 lines (Hans Müller / Zürich); profile pingen needs 3 to 6`},
		{"too many lines", "pingen", "left", []any{"1", "2", "3", "4", "5", "6"}, "DE", nil,
			`field recipient.address: the address has 7 lines (1 / 2 / 3 / 4 / 5 / 6 / Deutschland); profile pingen needs 3 to 6`},
		{"line too long", "pingen", "left", []any{"Herr Hans Müller", strings.Repeat("Sehr lange Strasse ", 5) + "12", "8002 Zürich"}, "CH", nil,
			`field recipient.address: the line "Sehr lange Strasse Sehr lange Strasse Sehr lange Strasse Sehr lange Strasse Sehr lange Strasse 12" is 127.8 mm wide even at 8 pt; the address area of the left window leaves 81.5 mm`},
		{"bad country", "pingen", "left", []any{"a", "b", "c"}, "XX", nil,
			`field recipient.country: "XX" is not an ISO 3166-1 alpha-2 country code`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := profile(t, tt.profile)
			data := flowData()
			data["address"] = tt.address
			data["country"] = tt.country
			var boxes []Box
			_, info, err := Render(context.Background(), tp, data, Options{Profile: p, Window: tt.window, Trace: func(b Box) { boxes = append(boxes, b) }})
			if tt.wantErr != "" {
				if err == nil || err.Error() != "template flow: "+tt.wantErr {
					t.Fatalf("error = %v\nwant   template flow: %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(info.Address, tt.want) {
				t.Errorf("address = %q, want %q", info.Address, tt.want)
			}
			var drawn []string
			for _, b := range boxes {
				if strings.HasPrefix(b.Field, "recipient.") {
					drawn = append(drawn, b.Text)
				}
			}
			if !reflect.DeepEqual(drawn, tt.want) {
				t.Errorf("drawn address = %q, want %q", drawn, tt.want)
			}
			checkZones(t, p, tt.window, boxes)
		})
	}
}

func TestUndrawableCharacters(t *testing.T) {
	tp := loadFlow(t)
	tests := []struct {
		name, key, value, want string
	}{
		{"emoji outside the BMP", "subject", "Danke 😀", `field subject: character '😀' (U+1F600) is outside the Basic Multilingual Plane, which the PDF writer cannot embed`},
		{"CJK missing from the Go fonts", "body", "Grüsse 你好", "field content[0].text: character '你' (U+4F60) is not in font Go Regular\nfield content[0].text: character '好' (U+597D) is not in font Go Regular"},
		{"bold face named", "body", "**Grüsse ✓**", `field content[0].text: character '✓' (U+2713) is not in font Go Bold`},
		{"tab", "subject", "a\tb", `field subject: character '\t' (U+0009) is not in font Go Bold`},
		{"invalid UTF-8", "subject", "a\xffb", `field subject: the text is not valid UTF-8`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := flowData()
			data[tt.key] = tt.value
			_, _, err := Render(context.Background(), tp, data, Options{})
			if err == nil || err.Error() != "template flow: "+tt.want {
				t.Fatalf("error = %v\nwant   template flow: %s", err, tt.want)
			}
		})
	}
}

func TestDataErrors(t *testing.T) {
	tp := loadFlow(t)
	tests := []struct {
		name string
		edit func(map[string]any)
		opts Options
		want string
	}{
		{"missing value", func(m map[string]any) { delete(m, "subject") }, Options{},
			`template flow: field subject: a value is missing from the data: "<no value>"`},
		{"no date", func(m map[string]any) { delete(m, "date") }, Options{},
			`template flow: no letter date: give one in the options (--date) or as date in the data`},
		{"bad date", func(m map[string]any) { m["date"] = "27.11.2026" }, Options{},
			`template flow: field date: "27.11.2026" is not a date (write 2026-11-27)`},
		{"rows not a list", func(m map[string]any) { m["items"] = "x" }, Options{},
			`template flow: content[1].table.rows: items is string, not a list`},
		{"bad amount names the row", func(m map[string]any) {
			m["items"] = []any{map[string]any{"text": "a", "amount": 1}, map[string]any{"text": "b", "amount": "zwei"}}
		}, Options{}, `template flow: items row 2: field content[1].table.columns[2].value: line 1:2: at <amount .amount>: "zwei" is not a number`},
		{"unknown language", nil, Options{Lang: "it"}, `template flow: unknown language "it" (known: de, fr, en, de-CH, de-DE, en-GB, fr-CH, fr-FR)`},
		{"unknown window", nil, Options{Window: "top"}, `template flow: profile pingen has no window "top" (it has left, right)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := flowData()
			if tt.edit != nil {
				tt.edit(data)
			}
			_, _, err := Render(context.Background(), tp, data, tt.opts)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error = %v\nwant   %s", err, tt.want)
			}
		})
	}
}

// TestSixPages renders a letter with a long body and a 40-item table onto
// six pages and checks the flow: every word and item is drawn once, nothing
// meets a zone, the letterhead is on page 1 only, later pages have the
// continuation header, and the page numbers are right.
func TestSixPages(t *testing.T) {
	tp := loadFlow(t)
	p := profile(t, "pingen")
	var body []string
	for i := 1; i <= 48; i++ {
		body = append(body, fmt.Sprintf("Absatz %d: Wir bestätigen Ihnen hiermit den Eingang Ihrer Unterlagen und werden diese in den kommenden Tagen sorgfältig prüfen. Wort%da Wort%db Wort%dc.", i, i, i, i))
		if i%6 == 0 {
			body = append(body, fmt.Sprintf("- Punkt %d.1 mit **fettem** Text\n- Punkt %d.2 mit *kursivem* Text\n1. Schritt %d eins\n2. Schritt %d zwei", i, i, i, i))
		}
	}
	data := flowData()
	data["body"] = strings.Join(body, "\n\n")
	data["items"] = items(40)
	data["after"] = "Nach der Tabelle folgt dieser Satz."
	pdf, info, boxes := trace(t, tp, data, Options{Profile: p, Window: "left"})

	if info.Pages != 6 {
		t.Fatalf("pages = %d, want 6", info.Pages)
	}
	if n, err := api.PageCount(bytes.NewReader(pdf), nil); err != nil || n != 6 {
		t.Fatalf("the PDF has %d pages (%v), want 6", n, err)
	}
	checkZones(t, p, "left", boxes)

	// every word of the body, in order
	var got []string
	for _, b := range boxes {
		if b.Field == "content[0].text" && b.Text != "•" && !isNumberMarker(b.Text) {
			got = append(got, strings.Fields(b.Text)...)
		}
	}
	var want []string
	for _, blk := range parseMarkdown(data["body"].(string)) {
		for _, s := range blk.spans {
			want = append(want, strings.Fields(s.text)...)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("body words drawn differ from the text: got %d words, want %d", len(got), len(want))
	}
	// every item once, in order, and the total
	var rowsSeen []string
	for _, b := range boxes {
		if b.Field == "content[1].table.columns[1].value" {
			rowsSeen = append(rowsSeen, b.Text)
		}
	}
	if len(rowsSeen) != 40 || rowsSeen[0] != "Leistung Nummer 1" || rowsSeen[39] != "Leistung Nummer 40" {
		t.Errorf("items drawn = %d (%q ... ), want 40 in order", len(rowsSeen), rowsSeen[:min(2, len(rowsSeen))])
	}
	for i, s := range rowsSeen {
		if want := fmt.Sprintf("Leistung Nummer %d", i+1); s != want {
			t.Errorf("item %d = %q, want %q", i+1, s, want)
		}
	}
	perPage := map[int]map[string][]string{}
	for _, b := range boxes {
		if perPage[b.Page] == nil {
			perPage[b.Page] = map[string][]string{}
		}
		perPage[b.Page][b.Field] = append(perPage[b.Page][b.Field], b.Text)
	}
	// total = sum of 100 + 12.5 i for i < 40 = 4000 + 9750
	if !anyPage(perPage, "content[1].table.totals[0].value", "13'750.00") {
		t.Errorf("total not drawn as 13'750.00")
	}
	for n := 1; n <= 6; n++ {
		pg := perPage[n]
		if want := []string{fmt.Sprintf("Seite %d/6", n)}; !reflect.DeepEqual(pg["footer.page"], want) {
			t.Errorf("page %d: page label %q, want %q", n, pg["footer.page"], want)
		}
		if len(pg["footer.text"]) == 0 {
			t.Errorf("page %d: no footer", n)
		}
		hasHead := len(pg["letterhead.sender"]) > 0 || len(pg["letterhead.logo"]) > 0
		if hasHead != (n == 1) {
			t.Errorf("page %d: letterhead drawn = %v", n, hasHead)
		}
		if hasCont := len(pg["continuation"]) > 0; hasCont != (n > 1) {
			t.Errorf("page %d: continuation header drawn = %v", n, hasCont)
		}
		if n > 1 {
			if want := "Herr Hans Müller, 27. November 2026"; pg["continuation"][0] != want {
				t.Errorf("page %d: continuation header %q, want %q", n, pg["continuation"][0], want)
			}
		}
	}
	// the table's header repeats on each page its rows continue on
	for n := 1; n <= 6; n++ {
		rows := len(perPage[n]["content[1].table.columns[1].value"])
		heads := len(perPage[n]["content[1].table.columns[1].header"])
		if rows > 0 && heads != 1 {
			t.Errorf("page %d: %d table rows under %d headers", n, rows, heads)
		}
	}
	if !anyPage(perPage, "content[2].text", "Nach der Tabelle folgt dieser Satz.") {
		t.Errorf("the text after the table is missing")
	}
	if !anyPage(perPage, "closing.signers[0]", "Seeblick Informatik AG") {
		t.Errorf("the signer is missing")
	}
}

func anyPage(pp map[int]map[string][]string, field, text string) bool {
	for _, pg := range pp {
		for _, s := range pg[field] {
			if s == text {
				return true
			}
		}
	}
	return false
}

func isNumberMarker(s string) bool {
	return len(s) >= 2 && strings.HasSuffix(s, ".") && strings.Trim(s[:len(s)-1], "0123456789") == ""
}

func TestDeterministic(t *testing.T) {
	tp := loadFlow(t)
	data := flowData()
	data["items"] = items(5)
	first, _, err := Render(context.Background(), tp, data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	outs := make([][]byte, 4)
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := flowData()
			d["items"] = items(5)
			outs[i], _, _ = Render(context.Background(), tp, d, Options{})
		}()
	}
	wg.Wait()
	for i, o := range outs {
		if !bytes.Equal(o, first) {
			t.Errorf("render %d differs from the first (%d vs %d bytes)", i, len(o), len(first))
		}
	}
	// the date option sets the PDF's dates too
	dated, _, err := Render(context.Background(), tp, data, Options{Date: time.Date(2027, 1, 2, 15, 4, 5, 0, time.Local)})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(dated, []byte("D:20270102000000")) {
		t.Errorf("the PDF's creation date is not the letter date")
	}
}

func TestMergedDocument(t *testing.T) {
	tp := loadFlow(t)
	d, err := NewDocument(tp, Options{Lang: "fr"})
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	d.opts.Trace = func(b Box) {
		if b.Field == "footer.page" {
			labels = append(labels, fmt.Sprintf("%d:%s", b.Letter, b.Text))
		}
	}
	long := flowData()
	long["body"] = strings.Repeat("Du texte qui remplit la page. ", 400)
	for i, data := range []map[string]any{flowData(), long, flowData()} {
		if _, err := d.Add(context.Background(), data); err != nil {
			t.Fatalf("letter %d: %v", i+1, err)
		}
	}
	// a failing letter adds nothing
	bad := flowData()
	bad["subject"] = "😀"
	if _, err := d.Add(context.Background(), bad); err == nil {
		t.Fatal("a letter with an emoji was added")
	}
	var buf bytes.Buffer
	if _, err := d.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	want := []string{"1:Page 1/1", "2:Page 1/3", "2:Page 2/3", "2:Page 3/3", "3:Page 1/1"}
	if !reflect.DeepEqual(labels, want) {
		t.Errorf("page labels = %q, want %q", labels, want)
	}
	if n, err := api.PageCount(bytes.NewReader(buf.Bytes()), nil); err != nil || n != 5 {
		t.Errorf("merged PDF has %d pages (%v), want 5", n, err)
	}
	if d.Letters() != 3 {
		t.Errorf("Letters() = %d, want 3", d.Letters())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.Add(ctx, flowData()); err != context.Canceled {
		t.Errorf("Add with a cancelled context = %v", err)
	}
}

func TestLocales(t *testing.T) {
	amount := big.NewRat(-125050, 100)
	date := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	first := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		lang, money, eur, number, percent, date, first, short, country string
	}{
		{"de", "CHF 1'250.50", "EUR 1'250.50", "1'250.5", "8.1\u00a0%", "27. November 2026", "1. Dezember 2026", "27.11.2026", "Weissrussland"},
		{"de-DE", "1.250,50\u00a0CHF", "1.250,50\u00a0€", "1.250,5", "8,1\u00a0%", "27. November 2026", "1. Dezember 2026", "27.11.2026", "Belarus"},
		{"fr", "1\u00a0250.50\u00a0CHF", "1\u00a0250.50\u00a0EUR", "1\u00a0250,5", "8,1\u00a0%", "27 novembre 2026", "1er décembre 2026", "27.11.2026", "Biélorussie"},
		{"fr-FR", "1\u00a0250,50\u00a0CHF", "1\u00a0250,50\u00a0€", "1\u00a0250,5", "8,1\u00a0%", "27 novembre 2026", "1er décembre 2026", "27/11/2026", "Biélorussie"},
		{"en", "CHF 1,250.50", "€1,250.50", "1,250.5", "8.1%", "27 November 2026", "1 December 2026", "27/11/2026", "Belarus"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			l, err := findLocale(tt.lang)
			if err != nil {
				t.Fatal(err)
			}
			x := new(big.Rat).Neg(amount)
			check := func(what, got, want string) {
				if got != want {
					t.Errorf("%s = %q, want %q", what, got, want)
				}
			}
			check("money", l.moneyOf(x, "chf"), tt.money)
			check("money EUR", l.moneyOf(x, "EUR"), tt.eur)
			check("negative", l.moneyOf(amount, "CHF"), strings.Replace(tt.money, "1", "-1", 1))
			check("number", l.number(x, -1, l.decimal), tt.number)
			check("percent", l.percentOf(big.NewRat(81, 10)), tt.percent)
			check("date", l.longDateOf(date), tt.date)
			check("first", l.longDateOf(first), tt.first)
			check("short", date.Format(l.short), tt.short)
			c, err := l.countryName("BY")
			check("country", c, tt.country)
			if err != nil {
				t.Error(err)
			}
		})
	}
}

func TestDecimal(t *testing.T) {
	st := &state{loc: locales["de-CH"], currency: "CHF", date: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)}
	f := st.funcs()
	call := func(name string, args ...any) string {
		t.Helper()
		fn := reflect.ValueOf(f[name])
		in := make([]reflect.Value, len(args))
		for i, a := range args {
			in[i] = reflect.ValueOf(a)
		}
		out := fn.Call(in)
		if len(out) == 2 && !out[1].IsNil() {
			return "error: " + out[1].Interface().(error).Error()
		}
		return fmt.Sprint(out[0].Interface())
	}
	items := []any{map[string]any{"qty": 3, "price": 0.1}, map[string]any{"qty": 14.5, "price": 160}}
	tests := []struct{ got, want string }{
		{call("add", 0.1, 0.2), "0.3"},
		{call("sum", items, "qty", "price"), "2320.3"},
		{call("sum", []any{1, "2.5", 0.25}), "3.75"},
		{call("round", 2.675, 0.01), "2.68"},     // exact decimal: no binary 2.67499...
		{call("round", -2.675, 0.01), "-2.68"},   // halves away from zero
		{call("round", 1562.42, 0.05), "1562.4"}, // Swiss 5-centime rounding
		{call("round", 1562.43, 0.05), "1562.45"},
		{call("div", 1, 3), "0.333333333333"},
		{call("div", 1, 0), "error: division by zero"},
		{call("money", 1234.565), "CHF 1'234.57"},
		{call("money", "0.004", "EUR"), "EUR 0.00"},
		{call("amount", 5523.905), "5'523.91"},
		{call("number", 14.5), "14.5"},
		{call("number", 3, 2), "3.00"},
		{call("days", "2026-09-30", "2026-11-27"), "58"},
		{call("date", "2026-12-01", "short"), "01.12.2026"},
		{call("date"), "27. November 2026"},
		{call("date", "iso"), "2026-11-27"},
		{call("cmp", "10.0", 9.99), "1"},
		{call("money", "abc"), `error: "abc" is not a number`},
		{call("money", "1/3"), `error: "1/3" is not a number`},
		{call("country", "at"), "Österreich"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}

func TestMarkdown(t *testing.T) {
	B, I, BI, R := bold, italic, boldItalic, regular
	inline := []struct {
		in   string
		want []span
	}{
		{"plain", []span{{"plain", R}}},
		{"a **b** c", []span{{"a ", R}, {"b", B}, {" c", R}}},
		{"*i* and **b *bi* b**", []span{{"i", I}, {" and ", R}, {"b ", B}, {"bi", BI}, {" b", B}}},
		{"M6*20 and 2 * 3", []span{{"M6*20 and 2 * 3", R}}},
		{"** not bold **", []span{{"** not bold **", R}}},
		{`\*literal\* and \\`, []span{{`*literal* and \`, R}}},
		{"line\nbreak", []span{{"line", R}, {"\n", R}, {"break", R}}},
		{"**no\nbold**", []span{{"**no", R}, {"\n", R}, {"bold**", R}}},
	}
	for _, tt := range inline {
		if got := parseInline(tt.in, regular); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseInline(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	blocks := parseMarkdown("Para one\nline two\n\n- item a\n  more a\n* item b\n\n3. third\n10) tenth\n\nend")
	var got []string
	for _, b := range blocks {
		var s strings.Builder
		for _, sp := range b.spans {
			s.WriteString(sp.text)
		}
		got = append(got, fmt.Sprintf("%v|%s|%q", b.first, b.marker, s.String()))
	}
	want := []string{
		`true||"Para one\nline two"`,
		`true|•|"item a\nmore a"`,
		`false|•|"item b"`,
		`true|3.|"third"`,
		`false|10.|"tenth"`,
		`true||"end"`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseMarkdown:\n got %q\nwant %q", got, want)
	}
}

func TestWrap(t *testing.T) {
	fam, err := goFamily()
	if err != nil {
		t.Fatal(err)
	}
	text := "Ein ziemlich langer Satz mit **fetten Wörtern** und einem Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen darin."
	lines := wrap(parseInline(text, regular), fam, 10, 40)
	var words []string
	for _, l := range lines {
		if l.w > 40+1e-9 {
			t.Errorf("line %v is %.2f mm wide, more than 40", l.runs, l.w)
		}
		var s strings.Builder
		for _, r := range l.runs {
			s.WriteString(r.text)
		}
		words = append(words, s.String())
	}
	joined := strings.Join(words, "")
	if strings.ReplaceAll(joined, " ", "") != strings.ReplaceAll(strings.ReplaceAll(text, "**", ""), " ", "") {
		t.Errorf("text lost or changed in wrapping: %q", words)
	}
	if len(lines) < 4 {
		t.Errorf("lines = %d, want the long word broken over several", len(lines))
	}
}

// TestWidthsMatchFPDF checks that the layout measures text as fpdf does, so
// that right-aligned amounts end where the layout says.
func TestWidthsMatchFPDF(t *testing.T) {
	fam, err := goFamily()
	if err != nil {
		t.Fatal(err)
	}
	var sample strings.Builder
	for r := rune(0x20); r < 0x2200; r++ {
		if _, ok := fam[regular].width(r); ok {
			sample.WriteRune(r)
		}
	}
	s := sample.String()
	for i, fc := range fam {
		pdf := fpdf.New("P", "mm", "A4", "")
		pdf.AddUTF8FontFromBytes(fc.id, "", fc.ttf)
		pdf.SetFont(fc.id, "", 10)
		for _, part := range []string{s, "CHF 1'250.00", "Müller ÉÀ Ωλ Жж"} {
			want := pdf.GetStringWidth(part)
			if got := fc.textWidth(part, 10); abs64(got-want) > 1e-9 {
				t.Errorf("face %d: width of %.20q = %v, fpdf says %v", i, part, got, want)
			}
		}
	}
}

func abs64(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestFitFrame(t *testing.T) {
	p := profile(t, "pingen-fr")
	g, err := newGeometry(p, "right", marginsSpec{Top: 10, Right: 8, Bottom: 10, Left: 8})
	if err != nil {
		t.Fatal(err)
	}
	// the top-right corner zone (190-210 x 0-20), widened by 3 mm, lowers
	// the top to 23, which costs less than cutting the right edge to 187
	if want := (rules.Rect{X: 8, Y: 23, W: 194, H: 264}); g.first != want {
		t.Errorf("frame = %v, want %v", g.first, want)
	}
	if _, err := newGeometry(p, "right", marginsSpec{Top: 10, Right: 95, Bottom: 10, Left: 25}); err == nil ||
		err.Error() != "the margins and the zones of profile pingen-fr leave only 90.0 x 277.0 mm to write on" {
		t.Errorf("narrow frame error = %v", err)
	}
}
