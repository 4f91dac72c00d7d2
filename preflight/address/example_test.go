package address_test

import (
	"fmt"

	"github.com/lettergate/lettergate/preflight/address"
	"github.com/lettergate/lettergate/rules"
)

func Example() {
	window := rules.Window{
		Address:  rules.Rect{X: 22, Y: 60, W: 85.5, H: 25.5},
		Reserved: rules.Rect{X: 20, Y: 40, W: 89.5, H: 47.5},
	}
	// One glyph per character, 2 mm apart, the lines 5 mm apart, set
	// 1.5 mm too far left.
	var glyphs []address.Glyph
	for i, line := range []string{"Frau Erika Mustermann", "Hauptstr. 5a", "D-10115 Berlin", "Deutschland"} {
		for j, r := range line {
			box := rules.Rect{X: 20.5 + 2*float64(j), Y: 62 + 5*float64(i), W: 1.6, H: 2.5}
			glyphs = append(glyphs, address.Glyph{Rune: r, Box: box, SizePt: 10, Font: "Helvetica"})
		}
	}
	block := address.Find(glyphs, window)
	res := address.Parse(block.Texts(), address.Options{Domestic: "CH"})

	fmt.Printf("%q\n", block.Texts())
	fmt.Println(block.Move())
	fmt.Println(res.Destination, res.Country.Status, res.Postcode.Status, res.Postcode.Code)
	fmt.Printf("prefix %s, forbidden: %v\n", res.Prefix.Text, res.Prefix.Forbidden)
	// Output:
	// ["Frau Erika Mustermann" "Hauptstr. 5a" "D-10115 Berlin" "Deutschland"]
	// move the address block right by 1.5 mm
	// DE named ok 10115
	// prefix D-, forbidden: true
}
