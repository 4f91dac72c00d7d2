// Command records writes the letters of the benchmark corpus as JSON Lines
// for 'lettergate render --data': invoices from the built-in template's
// sample data, each with its own recipient and enough items to run to two
// pages.
//
//	go run ./bench/records -n 1000 > records.jsonl
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/lettergate/lettergate/templates"
)

func main() {
	n := flag.Int("n", 1000, "number of letters")
	items := flag.Int("items", 26, "items per invoice (26 run to two pages)")
	flag.Parse()
	sample, err := templates.Sample("invoice", "de")
	if err != nil {
		fmt.Fprintln(os.Stderr, "records:", err)
		os.Exit(1)
	}
	first := []string{"Anna", "Beat", "Claudia", "Daniel", "Eva", "Fabian", "Gabriela", "Hans", "Irene", "Jonas"}
	last := []string{"Müller", "Meier", "Schmid", "Keller", "Weber", "Huber", "Schneider", "Meyer", "Steiner", "Fischer"}
	streets := []string{"Seestrasse", "Bahnhofstrasse", "Dorfstrasse", "Hauptstrasse", "Kirchweg", "Industriestrasse"}
	towns := []struct{ postcode, city string }{{"8002", "Zürich"}, {"3011", "Bern"}, {"4051", "Basel"}, {"6003", "Luzern"}, {"9000", "St. Gallen"}, {"1003", "Lausanne"}}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	for i := range *n {
		rec := clone(sample)
		town := towns[i%len(towns)]
		rec["recipient"] = map[string]any{
			"gender":     []string{"f", "m"}[i%2],
			"first_name": first[i%len(first)],
			"last_name":  last[(i/len(first))%len(last)],
			"company":    fmt.Sprintf("Kunde %04d AG", i+1),
			"street":     fmt.Sprintf("%s %d", streets[i%len(streets)], 1+i%97),
			"postcode":   town.postcode,
			"city":       town.city,
			"country":    "CH",
		}
		inv := rec["invoice"].(map[string]any)
		inv["number"] = fmt.Sprintf("RE-2026-%05d", i+1)
		var list []any
		for k := range *items {
			list = append(list, map[string]any{
				"description": fmt.Sprintf("Leistung %d: Wartung und Betrieb, Position %d", k+1, i+1),
				"qty":         1 + k%5, "unit": "Std.", "price": 120 + 10*(k%7),
			})
		}
		rec["items"] = list
		if err := enc.Encode(rec); err != nil {
			fmt.Fprintln(os.Stderr, "records:", err)
			os.Exit(1)
		}
	}
}

// clone deep-copies the sample's maps, so that records do not share them.
func clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			v = clone(sub)
		}
		out[k] = v
	}
	return out
}
