package templates

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/lettergate/lettergate/preflight"
	"github.com/lettergate/lettergate/render"
	"github.com/lettergate/lettergate/rules"
)

var update = flag.Bool("update", false, "rewrite the golden PDFs in testdata/")

func TestNames(t *testing.T) {
	if got, want := Names(), []string{"invoice", "letter", "reminder"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Names() = %v, want %v", got, want)
	}
	if _, err := Load("memo"); err == nil || err.Error() != `no built-in template "memo" (built in: invoice, letter, reminder)` {
		t.Errorf("Load(memo) error = %v", err)
	}
	if _, err := Sample("letter", "it"); err == nil || err.Error() != "template letter has no it sample data" {
		t.Errorf("Sample(letter, it) error = %v", err)
	}
	if _, err := Sample("letter", "de-DE"); err != nil {
		t.Errorf("Sample(letter, de-DE): %v", err)
	}
}

type variant struct {
	profile, window string
}

// variants are every window of every built-in profile.
func variants(t testing.TB) []variant {
	var out []variant
	for _, name := range rules.Names() {
		p, err := rules.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range p.WindowNames() {
			out = append(out, variant{name, w})
		}
	}
	return out
}

// TestBuiltinsPassCheck renders every template in every language with its
// sample data for every window and checks the PDF with the pre-flight
// check: no findings, and the address read back as it was written.
func TestBuiltinsPassCheck(t *testing.T) {
	for _, name := range Names() {
		tp, err := Load(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range tp.Languages() {
			for _, v := range variants(t) {
				t.Run(fmt.Sprintf("%s/%s/%s-%s", name, lang, v.profile, v.window), func(t *testing.T) {
					data, err := Sample(name, lang)
					if err != nil {
						t.Fatal(err)
					}
					p, _ := rules.Builtin(v.profile)
					var boxes []render.Box
					pdf, info, err := render.Render(context.Background(), tp, data, render.Options{
						Profile: p, Window: v.window, Lang: lang,
						Trace: func(b render.Box) { boxes = append(boxes, b) },
					})
					if err != nil {
						t.Fatal(err)
					}
					checkLayout(t, p, v.window, boxes)
					rep, err := preflight.Check(context.Background(), name+".pdf", pdf, preflight.Options{Profile: p, Window: v.window, Country: info.Country})
					if err != nil {
						t.Fatal(err)
					}
					for _, f := range rep.Findings {
						t.Errorf("finding %s (%s) page %d: %s", f.Rule, f.Severity, f.Page, f.Message)
					}
					if !rep.OK {
						t.Errorf("report not ok")
					}
					// Once the address rules exist, the address must be
					// read back exactly.
					if preflight.RuleByID("address.missing") != nil || rep.Address != nil {
						if rep.Address == nil {
							t.Fatalf("no address read back; want %q", info.Address)
						}
						if !reflect.DeepEqual(rep.Address.Lines, info.Address) {
							t.Errorf("address read back %q, want %q", rep.Address.Lines, info.Address)
						}
					}
				})
			}
		}
	}
}

// checkLayout asserts from the layout log that nothing comes within 1 mm of
// a zone and that page 1's reserved block holds only the address, inside
// the address area.
func checkLayout(t *testing.T, p *rules.Profile, window string, boxes []render.Box) {
	t.Helper()
	win, _ := p.Window(window)
	grow := func(r rules.Rect) rules.Rect { return rules.Rect{X: r.X - 1, Y: r.Y - 1, W: r.W + 2, H: r.H + 2} }
	for _, b := range boxes {
		for _, z := range p.Zones {
			if !z.Pages.Has(b.Page) {
				continue
			}
			for _, r := range z.Rects(p.Page.WidthMM, p.Page.HeightMM) {
				if b.Rect.Overlaps(grow(r)) {
					t.Errorf("page %d: %s %q at %s is within 1 mm of zone %s", b.Page, b.Field, b.Text, b.Rect, z.ID)
				}
			}
		}
		if b.Page == 1 && strings.HasPrefix(b.Field, "recipient.") && !win.Address.Contains(b.Rect) {
			t.Errorf("address %q at %s is outside the address area %s", b.Text, b.Rect, win.Address)
		}
		if b.Page == 1 && !strings.HasPrefix(b.Field, "recipient.") && b.Rect.Overlaps(grow(win.Reserved)) {
			t.Errorf("page 1: %s %q at %s is within 1 mm of the reserved block", b.Field, b.Text, b.Rect)
		}
	}
}

func TestReminderLevels(t *testing.T) {
	tp, err := Load("reminder")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang  string
		level any
		want  []string // texts that must be drawn
		err   string
	}{
		{"de", 1, []string{"Zahlungserinnerung", "1'562.40", "CHF 1'562.40"}, ""},
		{"de", 2, []string{"2. Mahnung", "Mahngebühr", "20.00", "1'582.40"}, ""},
		{"de", 3, []string{"Letzte Mahnung", "Verzugszins 5\u00a0% pro Jahr", "11.80", "1'594.20", "58", "43"}, ""},
		{"fr", 3, []string{"Dernier rappel avant poursuite", "Intérêt moratoire de 5\u00a0% par an", "1\u00a0594.20"}, ""},
		{"en", 1, []string{"Payment reminder", "Dear Sir or Madam,", "Yours faithfully"}, ""},
		{"en", 3, []string{"Final notice", "Default interest at 5% a year"}, ""},
		{"de", 4, nil, "template reminder: field subject: level must be 1, 2 or 3, not 4"},
		{"de", nil, nil, "template reminder: field subject: level must be 1, 2 or 3, not <nil>"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%v", tt.lang, tt.level), func(t *testing.T) {
			data, err := Sample("reminder", tt.lang)
			if err != nil {
				t.Fatal(err)
			}
			data["level"] = tt.level
			drawn := map[string]bool{}
			_, _, err = render.Render(context.Background(), tp, data, render.Options{Lang: tt.lang, Trace: func(b render.Box) {
				drawn[b.Text] = true
				for _, w := range strings.Fields(b.Text) {
					drawn[w] = true
				}
			}})
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error = %v\nwant   %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !drawn[w] && !drawnIn(drawn, w) {
					t.Errorf("%q not drawn", w)
				}
			}
		})
	}
}

func drawnIn(drawn map[string]bool, s string) bool {
	for d := range drawn {
		if strings.Contains(d, s) {
			return true
		}
	}
	return false
}

// TestGolden compares each built-in template, in German with its sample
// data, with a stored PDF byte for byte. Refresh with go test -update.
func TestGolden(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			tp, err := Load(name)
			if err != nil {
				t.Fatal(err)
			}
			data, err := Sample(name, "de")
			if err != nil {
				t.Fatal(err)
			}
			pdf, _, err := render.Render(context.Background(), tp, data, render.Options{Lang: "de"})
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name+".de.pdf")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, pdf, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(pdf, want) {
				t.Errorf("%s differs from the rendered PDF (%d vs %d bytes); if the change is intended, run go test -update", golden, len(want), len(pdf))
			}
		})
	}
}

// TestReadmeExample renders the example template of README.md, so that the
// documentation stays true. Its font, logo and signature files are left
// out; they do not exist.
func TestReadmeExample(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(readme), "```yaml\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("no yaml block in README.md")
	}
	var kept []string
	for _, l := range strings.Split(block, "\n") {
		if !strings.Contains(l, ".ttf") && !strings.HasPrefix(l, "fonts:") && !strings.Contains(l, "logo:") && !strings.Contains(l, "signature:") {
			kept = append(kept, l)
		}
	}
	tp, err := render.Load(fstest.MapFS{"notice.yaml": {Data: []byte(strings.Join(kept, "\n"))}}, "notice.yaml")
	if err != nil {
		t.Fatal(err)
	}
	data, err := render.ReadData(strings.NewReader(`
date: 2026-11-27
asked: 2026-11-20
sender: {name: Seeblick Informatik AG, street: Bahnhofstrasse 10, postcode: "8001", city: Zürich, web: www.seeblick.example}
recipient: {name: Herr Hans Müller, street: Seestrasse 12, postcode: "8002", city: Zürich, country: DE}
customer: K-1
signer: Anna Keller
items: [{text: Beratung, qty: 2, price: 150}, {text: Lizenz, qty: 1, price: 990.5}]
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range tp.Languages() {
		var drawn []string
		_, info, err := render.Render(context.Background(), tp, data, render.Options{Lang: lang, Trace: func(b render.Box) { drawn = append(drawn, b.Text) }})
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if info.Output != "notice-K-1.pdf" || info.Address[len(info.Address)-1] != map[string]string{"de": "Deutschland", "en": "Germany"}[lang] {
			t.Errorf("%s: output %q, address %q", lang, info.Output, info.Address)
		}
		if all := strings.Join(drawn, "|"); !strings.Contains(all, "1'290.50") && !strings.Contains(all, "1,290.50") {
			t.Errorf("%s: the total is not drawn: %s", lang, all)
		}
	}
}

// twoPager is the invoice sample with enough items for two pages.
func twoPager(b testing.TB) (*render.Template, map[string]any) {
	tp, err := Load("invoice")
	if err != nil {
		b.Fatal(err)
	}
	data, err := Sample("invoice", "de")
	if err != nil {
		b.Fatal(err)
	}
	items := data["items"].([]any)
	for len(items) < 24 {
		items = append(items, items[len(items)%4])
	}
	data["items"] = items
	_, info, err := render.Render(context.Background(), tp, data, render.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if info.Pages != 2 {
		b.Fatalf("the benchmark letter has %d pages, want 2", info.Pages)
	}
	return tp, data
}

// BenchmarkOnePerDocument renders two-page letters, each to its own PDF.
func BenchmarkOnePerDocument(b *testing.B) {
	tp, data := twoPager(b)
	cpu := cpuTime()
	for b.Loop() {
		if _, _, err := render.Render(context.Background(), tp, data, render.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	reportRates(b, b.N, cpu)
}

// reportRates reports letters per second of wall time and per second of
// CPU time (all threads, the garbage collector's included).
func reportRates(b *testing.B, letters int, cpuStart time.Duration) {
	b.ReportMetric(float64(letters)/b.Elapsed().Seconds(), "letters/s")
	if cpu := cpuTime() - cpuStart; cpu > 0 {
		b.ReportMetric(float64(letters)/cpu.Seconds(), "letters/cpu-s")
	}
}

// BenchmarkMerged1000 renders batches of 1,000 two-page letters into one
// PDF each.
func BenchmarkMerged1000(b *testing.B) {
	tp, data := twoPager(b)
	var size int
	cpu := cpuTime()
	for b.Loop() {
		d, err := render.NewDocument(tp, render.Options{})
		if err != nil {
			b.Fatal(err)
		}
		for range 1000 {
			if _, err := d.Add(context.Background(), data); err != nil {
				b.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if _, err := d.WriteTo(&buf); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	reportRates(b, b.N*1000, cpu)
	b.ReportMetric(float64(size)/1000, "bytes/letter")
}
