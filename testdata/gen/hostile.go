package main

import (
	"bytes"
	"fmt"
	"strings"
)

// The hostile set: small files that would cost a checker unbounded memory or
// time. Each must give a pdf.unreadable finding naming the limit it breaks.
func init() { register("hostile", set{dir: "hostile", write: writeHostileSet}) }

func writeHostileSet(dir string) error {
	files := map[string][]byte{}

	// A page content stream that inflates to 300 MB of spaces from 300 kB.
	files["stream_bomb.pdf"] = onePageStream(a4Box, "<< >>", "", flateStream("", bytes.Repeat([]byte(" "), 300<<20)))

	// Forms nested 40 deep: each draws the next.
	var objs []string
	objs = append(objs,
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox "+a4Box+" /Resources << /XObject << /X 5 0 R >> >> /Contents 4 0 R >>",
		stream("", "q /X Do Q"),
	)
	const depth = 40
	for i := range depth {
		res, body := "<< >>", "0 0 1 rg 100 100 10 10 re f"
		if i < depth-1 {
			res = fmt.Sprintf("<< /XObject << /X %d 0 R >> >>", 6+i)
			body = "q /X Do Q"
		}
		objs = append(objs, stream("/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources "+res, body))
	}
	files["deep_forms.pdf"] = rawPDF(objs...)

	// A million and a half path operators on one page, 150 kB compressed.
	var ops strings.Builder
	for range 500_000 {
		ops.WriteString("1 1 m 2 2 l S\n")
	}
	files["million_operators.pdf"] = onePageStream(a4Box, "<< >>", "", flateStream("", []byte(ops.String())))

	// Forms fanning out: each of 8 levels draws the next ten times, a
	// hundred million draws of the last from a file of 3 kB, while no form
	// is nested deeper than the depth limit.
	objs = objs[:0]
	objs = append(objs,
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox "+a4Box+" /Resources << /XObject << /X 5 0 R >> >> /Contents 4 0 R >>",
		stream("", "q /X Do Q"),
	)
	const levels = 9
	for i := range levels {
		if i == levels-1 {
			objs = append(objs, stream("/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << >>", "0 0 1 rg 100 100 1 1 re f"))
			break
		}
		objs = append(objs, stream(fmt.Sprintf("/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /XObject << /X %d 0 R >> >>", 6+i),
			strings.Repeat("q /X Do Q\n", 10)))
	}
	files["form_fanout.pdf"] = rawPDF(objs...)

	// An image that claims 100,000 x 100,000 pixels.
	files["image_bomb.pdf"] = onePage(a4Box, "<< /XObject << /Im 5 0 R >> >>", "", "q 100 0 0 100 50 50 cm /Im Do Q",
		flateStream("/Type /XObject /Subtype /Image /Width 100000 /Height 100000 /ColorSpace /DeviceGray /BitsPerComponent 8", bytes.Repeat([]byte{0}, 1<<20)))

	// 100,000 tiny squares, each its own path object (re f), in the body
	// of the page, and one more in the bottom border, drawn last: more
	// objects than PDFium is asked to list (20,000), 200,000 operators.
	// The border square must still be found, by its pixels.
	var sq strings.Builder
	sq.WriteString("0 g\n")
	for i := range 100_000 {
		fmt.Fprintf(&sq, "%g %d 0.5 0.5 re f\n", 90+float64(i%500)*0.8, 150+(i/500)*2)
	}
	sq.WriteString("300 5 2 2 re f\n")
	files["many_objects.pdf"] = onePageStream(a4Box, "<< >>", "", flateStream("", []byte(sq.String())))

	// A page that is slow to render: a function-based shading over the
	// whole page, its colour a PostScript calculator function of 800
	// operators, which PDFium evaluates for every pixel (some 7 s for the
	// zones and the address area of the page at 300 dpi on 2 shared cores).
	// For the time limit of the whole check, which its golden sets to 1 s.
	prog := "{ pop " + strings.Repeat("dup mul ", 400) + "}"
	files["slow_shading.pdf"] = onePage(a4Box, "<< /Shading << /Sh0 5 0 R >> >>", "", "/Sh0 sh",
		"<< /ShadingType 1 /ColorSpace /DeviceGray /Domain [0 1 0 1] /Matrix [595.276 0 0 841.89 0 0] /Function 6 0 R >>",
		stream("/FunctionType 4 /Domain [0 1 0 1] /Range [0 1]", prog))

	for name, data := range files {
		if err := writeFile(dir, name, data); err != nil {
			return err
		}
	}
	return nil
}
