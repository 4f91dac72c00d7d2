package preflight

import (
	"github.com/lettergate/lettergate/preflight/pdfdoc"
)

// pixelState is what the rules that look at pixels share within one
// check: the file opened in PDFium once, and the zone findings, which are
// worked out for all zone rules in one pass over the pages.
type pixelState struct {
	raster    *pdfdoc.Raster
	rasterErr error
	opened    bool

	zones     []Finding
	zonesErr  error
	zonesDone bool
}

// Raster returns the file opened in PDFium, opening it on first use; the
// check closes it when all rules have run.
func (p *Pass) Raster() (*pdfdoc.Raster, error) {
	s := &p.check.pixels
	if !s.opened {
		s.opened = true
		s.raster, s.rasterErr = pdfdoc.OpenRaster(p.Ctx, p.Doc.Data, pdfdoc.RasterOptions{MaxObjects: p.check.maxObjects})
	}
	return s.raster, s.rasterErr
}

// close releases the raster, returning its PDFium instance to the pool.
func (s *pixelState) close() {
	if s.raster != nil {
		s.raster.Close()
		s.raster = nil
	}
}
