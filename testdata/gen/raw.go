package main

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"os"
	"time"

	"github.com/go-pdf/fpdf"
)

// fixedDate keeps generated files reproducible.
var fixedDate = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// newFPDF starts an fpdf document in millimetres that comes out byte for
// byte the same on every run (sorted catalog, fixed dates), with text set
// exactly where it is placed (no cell margin, no automatic page breaks).
func newFPDF(init *fpdf.InitType) *fpdf.Fpdf {
	pdf := fpdf.NewCustom(init)
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(fixedDate)
	pdf.SetModificationDate(fixedDate)
	pdf.SetCompression(true)
	pdf.SetCellMargin(0)
	pdf.SetAutoPageBreak(false, 0)
	return pdf
}

// a4 is fpdf's A4 portrait in millimetres.
var a4 = &fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"}

// rawPDF assembles a PDF from object bodies: objs[0] is object 1, and so
// on. Object 1 must be the catalog. It writes a correct xref table, so that
// hand-written files are valid unless a fixture breaks them on purpose.
func rawPDF(objs ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// stream is the body of a stream object with an uncompressed content.
func stream(dict string, data string) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data)+1, data)
}

// flateStream is the body of a Flate-compressed stream object.
func flateStream(dict string, data []byte) string {
	var z bytes.Buffer
	w, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	w.Write(data)
	w.Close()
	return fmt.Sprintf("<< %s /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream", dict, z.Len(), z.Bytes())
}

// onePage is a catalog, a page tree and one page with the given content,
// resources and extra page-dictionary entries; more objects may follow
// from object 5 on.
func onePage(mediaBox, resources, pageExtra, content string, more ...string) []byte {
	return onePageStream(mediaBox, resources, pageExtra, stream("", content), more...)
}

// onePageStream is onePage with the content given as a whole stream object
// body, for compressed or odd content streams.
func onePageStream(mediaBox, resources, pageExtra, contentObj string, more ...string) []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox %s /Resources %s /Contents 4 0 R %s >>", mediaBox, resources, pageExtra),
		contentObj,
	}
	return rawPDF(append(objs, more...)...)
}

const a4Box = "[0 0 595.276 841.89]"

func writeFile(dir, name string, data []byte) error {
	return os.WriteFile(dir+"/"+name, data, 0o644)
}
