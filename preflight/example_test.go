package preflight_test

import (
	"context"
	"fmt"
	"log"

	"github.com/lettergate/lettergate/preflight"
	"github.com/lettergate/lettergate/rules"
)

// Check a letter against the Pingen profile for the right envelope window,
// for a letter to Germany.
func Example() {
	profile, err := rules.Builtin("pingen")
	if err != nil {
		log.Fatal(err)
	}
	rep, err := preflight.CheckFile(context.Background(), "../testdata/doc/us_letter.pdf", preflight.Options{
		Profile: profile,
		Window:  "right",
		Country: "DE",
	})
	if err != nil {
		log.Fatal(err) // the file could not be read at all
	}
	fmt.Println("ok:", rep.OK)
	for _, f := range rep.Findings {
		fmt.Printf("page %d: %s: %s\n", f.Page, f.Rule, f.Message)
	}
	// Output:
	// ok: false
	// page 1: page.format: page 1 is 215.9 x 279.4 mm (US Letter); expected A4 portrait, 210 x 297 mm within 1 mm
}
