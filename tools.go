//go:build tools

// This file pins modules that packages under construction will import, so
// that go mod tidy keeps them. Remove an import once real code uses it.
package tools

import (
	_ "github.com/go-pdf/fpdf"
	_ "github.com/klippa-app/go-pdfium/webassembly"
	_ "github.com/spf13/cobra"
	_ "github.com/tetratelabs/wazero"
	_ "golang.org/x/image/font/gofont/goregular"
	_ "golang.org/x/image/font/sfnt"
	_ "golang.org/x/term"
	_ "golang.org/x/text/language/display"
)
