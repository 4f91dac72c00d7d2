package main

import (
	"fmt"
	"strings"
)

// The trap set: fixtures for the zone rules (zone.border, zone.corner,
// zone.reserved), each built to fool a check that trusts object bounds, or
// one that trusts pixels carelessly. The verdict of each is in its golden
// file; the comment on each says what it must be and why.
func init() { register("traps", set{dir: "traps", write: writeTrapSet}) }

type trapFixture struct {
	name  string
	build func() []byte
}

func writeTrapSet(dir string) error {
	for _, f := range trapFixtures {
		if err := writeFile(dir, f.name+".pdf", f.build()); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	return nil
}

// letter1 is a one-page letter with extra content drawn before (under) and
// after (over) the letter's own.
func letter1(under, over string) []byte {
	d := newTrapDoc()
	d.page(trapPage{content: under + letterPage(1) + over})
	return d.bytes()
}

var trapFixtures = []trapFixture{
	// Passes: a white rectangle over the whole page. Its bounds meet every
	// zone, the pixels are white.
	{"white_background", func() []byte {
		return letter1("1 g\n"+fillRect(0, 0, 210, 297), "")
	}},

	// Passes: a grey panel bleeding off the page, then a white frame
	// painted over the 5 mm border and a white square over the 15 mm corner.
	{"white_frame", func() []byte {
		under := "0.6 g\n" + fillRect(2, 2, 206, 293) +
			"1 g\n" + fillRect(0, 0, 210, 5.5) + fillRect(0, 291.5, 210, 5.5) +
			fillRect(0, 0, 5.5, 297) + fillRect(204.5, 0, 5.5, 297) +
			fillRect(0, 281.5, 15.5, 15.5) +
			// and over the reserved block of the address window
			fillRect(19.5, 39.5, 90.5, 48.5)
		return letter1(under, "")
	}},

	// Passes: invisible text (Tr 3, as OCR layers use) in the bottom border.
	{"render_mode3", func() []byte {
		return letter1("", "3 Tr\n"+text(25, 295, 8, "Unsichtbarer OCR-Text im Rand")+"0 Tr\n")
	}},

	// Passes: white text in the bottom border.
	{"white_text", func() []byte {
		return letter1("", "1 g\n"+text(25, 295, 8, "Weisser Text im Rand")+"0 g\n")
	}},

	// Passes: an image placed over the whole page whose pixels are white
	// except for a grey block well inside the page.
	{"white_edge_image", func() []byte {
		const w, h = 210, 297 // one pixel per millimetre
		px := make([]byte, w*h)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				px[y*w+x] = 255
				if x >= 120 && x < 190 && y >= 200 && y < 260 {
					px[y*w+x] = 200
				}
			}
		}
		d := newTrapDoc()
		img := d.add(flateStream(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8", w, h), px))
		d.page(trapPage{
			content:  fmt.Sprintf("q %.4f 0 0 %.4f 0 0 cm /Im1 Do Q\n", trapPageW, trapPageH) + letterPage(1),
			xobjects: map[string]int{"Im1": img},
		})
		return d.bytes()
	}},

	// Passes: a dark panel as large as the page, clipped to a rectangle
	// far from every zone. Its bounds (which ignore the clip) meet them all.
	{"clipped_panel", func() []byte {
		under := "q " + rectPath(20, 100, 170, 160) + " W n 0.2 g\n" + fillRect(0, 0, 210, 297) + "Q\n"
		over := "1 g\n" + text(30, 110, 12, "Weiss auf dunklem Grund") + "0 g\n"
		return letter1(under+over, "")
	}},

	// Fails (zone.border): a footer drawn through a Form XObject whose
	// matrix moves it into the bottom border; the text inside is named.
	{"form_footer", func() []byte {
		d := newTrapDoc()
		form := d.add(stream(fmt.Sprintf("/Type /XObject /Subtype /Form /BBox [0 0 500 20] /Matrix [1 0 0 1 %.3f 0] /Resources << /Font << /F1 3 0 R >> >>", pt(5)),
			"0 g BT /F1 8 Tf 0 5 Td (Muster AG \xb7 Bahnhofstrasse 1 \xb7 8001 Z\xfcrich \xb7 www.muster.example) Tj ET"))
		// The form is placed at x 20 mm and 5 pt below 3 mm from the
		// bottom, so with its own matrix (5 mm right) and the text's 5 pt
		// baseline offset the baseline runs at x 25 mm, y 294 mm.
		content := letterPage(1) + fmt.Sprintf("q 1 0 0 1 %.3f %.3f cm /Fm1 Do Q\n", pt(20), pt(3)-5)
		d.page(trapPage{content: content, xobjects: map[string]int{"Fm1": form}})
		return d.bytes()
	}},

	// Fails (zone.corner): an inline image (BI ... ID ... EI) in the
	// 15 x 15 mm corner at the bottom left, clear of the 5 mm border.
	{"inline_image_corner", func() []byte {
		var data strings.Builder
		for i := 0; i < 64; i++ {
			data.WriteByte(byte(40 + i*2))
		}
		img := fmt.Sprintf("q %.3f 0 0 %.3f %.3f %.3f cm BI /W 8 /H 8 /CS /G /BPC 8 ID %s EI Q\n",
			pt(6), pt(6), pt(7), yPt(290), data.String())
		return letter1("", img)
	}},

	// Fails (zone.border): a 0.1 pt hairline along the bottom border.
	{"hairline_border", func() []byte {
		return letter1("", fmt.Sprintf("0 G 0.1 w %.3f %.3f m %.3f %.3f l S\n", pt(20), yPt(295), pt(190), yPt(295)))
	}},

	// Fails (zone.border): light grey (85 %) watermark text running up the
	// left border.
	{"watermark_grey", func() []byte {
		return letter1("", fmt.Sprintf("0.85 g BT /F1 9 Tf 0 1 -1 0 %.3f %.3f Tm (ENTWURF \xb7 ENTWURF \xb7 ENTWURF) Tj ET 0 g\n", pt(4), yPt(200)))
	}},

	// Fails (zone.border): a Square annotation with the Print flag in the
	// top border. It has no appearance stream; PDFium draws it anyway.
	{"square_annot", func() []byte {
		d := newTrapDoc()
		b := pdfBox(80, 1, 50, 3)
		a := d.add("<< /Type /Annot /Subtype /Square /Rect " + b + " /F 4 /C [1 0 0] /BS << /W 1 >> /Contents (Bitte pruefen) >>")
		d.page(trapPage{content: letterPage(1), annots: []int{a}})
		return d.bytes()
	}},

	// Passes: the same Square annotation without the Print flag (it shows
	// on screen only).
	{"square_annot_noprint", func() []byte {
		d := newTrapDoc()
		b := pdfBox(80, 1, 50, 3)
		a := d.add("<< /Type /Annot /Subtype /Square /Rect " + b + " /F 0 /C [1 0 0] /BS << /W 1 >> /Contents (Nur am Bildschirm) >>")
		d.page(trapPage{content: letterPage(1), annots: []int{a}})
		return d.bytes()
	}},

	// Fails (zone.border): a filled-in form field (a text field widget
	// with its appearance) in the bottom border. Pingen flattens forms
	// before printing, so its value prints.
	{"form_field_border", func() []byte {
		d := newTrapDoc()
		b := pdfBox(25, 292.5, 60, 4)
		ap := d.add(stream(fmt.Sprintf("/Type /XObject /Subtype /Form /BBox [0 0 %.3f %.3f] /Resources << /Font << /F1 3 0 R >> >>", pt(60), pt(4)),
			"/Tx BMC q BT /F1 9 Tf 0 g 2 3 Td (Hans Muster, Kundennummer 4711) Tj ET Q EMC"))
		field := d.add(fmt.Sprintf("<< /Type /Annot /Subtype /Widget /FT /Tx /T (kunde) /V (Hans Muster, Kundennummer 4711) /DA (/F1 9 Tf 0 g) /Rect %s /F 4 /AP << /N %d 0 R >> >>", b, ap))
		d.catalog = fmt.Sprintf("/AcroForm << /Fields [%d 0 R] /DR << /Font << /F1 3 0 R >> >> /DA (/F1 9 Tf 0 g) >>", field)
		d.page(trapPage{content: letterPage(1), annots: []int{field}})
		return d.bytes()
	}},

	// Passes: text in the bottom border on a layer (optional content)
	// that is off. PDFium lists the object; it does not print.
	{"hidden_layer", func() []byte {
		d := newTrapDoc()
		ocg := d.add("<< /Type /OCG /Name (Entwurf) >>")
		d.catalog = fmt.Sprintf("/OCProperties << /OCGs [%d 0 R] /D << /Order [%d 0 R] /OFF [%d 0 R] >> >>", ocg, ocg, ocg)
		content := letterPage(1) + "/OC /oc1 BDC\n" + text(25, 295, 8, "Ausgeblendete Ebene im Rand") + "EMC\n"
		d.page(trapPage{content: content, props: map[string]int{"oc1": ocg}})
		return d.bytes()
	}},

	// Fails (zone.border, page 3 only): pages 1 and 2 are clean, page 3 has
	// a line of text in the top border.
	{"page3_border", func() []byte {
		d := newTrapDoc()
		d.page(trapPage{content: letterPage(1)})
		d.page(trapPage{content: letterPage(2)})
		d.page(trapPage{content: letterPage(3) + text(60, 3.5, 9, "Kopfzeile zu hoch")})
		return d.bytes()
	}},

	// Fails (zone.reserved): text in the postage area above the address.
	{"postage_text", func() []byte {
		return letter1("", text(24, 50, 9, "P.P. CH-8001 Zürich Post CH AG"))
	}},

	// Fails (zone.reserved): a dot of 0.4 mm in the postage area.
	{"postage_dot", func() []byte {
		return letter1("", fillRect(60, 50, 0.4, 0.4))
	}},

	// Passes: page 2 has text where page 1's address area is; the address
	// window rules are for page 1 only.
	{"page2_address", func() []byte {
		d := newTrapDoc()
		d.page(trapPage{content: letterPage(1)})
		d.page(trapPage{content: letterPage(2) + text(24, 50, 10, "Beilage: Lieferschein Nr. 4711") + text(24, 66, 10, "Fortsetzung der Bestellung")})
		return d.bytes()
	}},

	// Passes: black bars ending 0.3 mm outside each zone: above the bottom
	// border, left of the right border, right of the left border, below
	// the top border, above and right of the corner, above and beside the
	// reserved block.
	{"edge_outside", func() []byte {
		over := "0 g\n" +
			fillRect(40, 286, 120, 5.7) + // bottom edge at 291.7 (border at 292)
			fillRect(190, 120, 14.7, 20) + // right edge at 204.7 (border at 205)
			fillRect(5.3, 150, 10, 20) + // left edge at 5.3 (border at 5)
			fillRect(60, 5.3, 50, 4) + // top edge at 5.3 (border at 5)
			fillRect(6, 276, 8, 5.7) + // bottom edge at 281.7 (corner at 282)
			fillRect(15.3, 283, 10, 8) + // left edge at 15.3 (corner ends at 15)
			fillRect(30, 30, 60, 9.7) + // bottom edge at 39.7 (reserved block at 40)
			fillRect(109.8, 50, 8, 20) // left edge at 109.8 (reserved block ends at 109.5)
		return letter1("", over)
	}},

	// Fails: 0.3 mm dots 0.3 mm inside the edge of each zone; every dot is
	// found and named.
	{"dot_inside", func() []byte {
		const s, in = 0.3, 0.3
		over := "0 g\n" +
			fillRect(100, 292+in, s, s) + // bottom border
			fillRect(205+in, 150, s, s) + // right border
			fillRect(5-in-s, 150, s, s) + // left border
			fillRect(100, 5-in-s, s, s) + // top border
			fillRect(15-in-s, 282+in, s, s) + // corner, near its top right
			fillRect(60, 40+in, s, s) + // reserved block, top edge
			fillRect(109.5-in-s, 70, s, s) // reserved block, right of the address area
		return letter1("", over)
	}},

	// Fails (zone.border): a landscape page turned by /Rotate 90 with a
	// footer in the bottom border of the page as displayed.
	{"rotated_footer", func() []byte {
		d := newTrapDoc()
		// Displayed (x, y) in mm maps to user space (y, x) for /Rotate 90
		// on a landscape media box: turn text by 90 degrees.
		c := fmt.Sprintf("0 g BT /F1 10 Tf 0 1 -1 0 %.3f %.3f Tm (Herr Hans M\xfcller) Tj ET\n", pt(66), pt(24)) +
			fmt.Sprintf("BT /F1 10 Tf 0 1 -1 0 %.3f %.3f Tm (Seestrasse 12) Tj ET\n", pt(70.5), pt(24)) +
			fmt.Sprintf("BT /F1 10 Tf 0 1 -1 0 %.3f %.3f Tm (8002 Z\xfcrich) Tj ET\n", pt(75), pt(24)) +
			fmt.Sprintf("0 g BT /F1 8 Tf 0 1 -1 0 %.3f %.3f Tm (Fusszeile im Rand der gedrehten Seite) Tj ET\n", pt(295), pt(25))
		d.page(trapPage{content: c, mediaBox: fmt.Sprintf("[0 0 %.4f %.4f]", trapPageH, trapPageW), extra: "/Rotate 90"})
		return d.bytes()
	}},
}

// pdfBox is a PDF rectangle array for a rectangle in millimetres.
func pdfBox(x, y, w, h float64) string {
	return fmt.Sprintf("[%.3f %.3f %.3f %.3f]", pt(x), yPt(y+h), pt(x+w), yPt(y))
}
