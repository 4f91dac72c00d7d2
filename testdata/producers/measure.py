#!/usr/bin/python3
"""Measure where ink is on the pages of a PDF, in mm from the top-left corner.

Used to verify the fixtures in this folder (see README.md). Not needed by the
Go tests. Needs poppler-utils (pdftoppm, pdftotext, pdfinfo) and Debian's
python3-numpy, python3-pil and python3-scipy.

    ./measure.py [--dpi 300] [--gap 2.0] file.pdf ...

For every page it prints:
  * the ink clusters ("blocks": non-white pixels merged when they are closer
    than --gap mm vertically or 2*--gap mm horizontally), each with its box and the text pdftotext finds inside it;
  * the Pingen zones: ink in the 5 mm border band (per edge, with the depth it
    reaches into the band), in the bottom-left 15x15 mm corner, and on page 1
    the ink of the left and right reserved postal blocks outside their address
    areas, and the ink inside each address area.

Ink = any pixel of the gray render that is not pure white (255), so
anti-aliased glyph edges count, as they do for a pixel-based zone check.
Boxes are pixel-exact: x1/y1 are the far edges of the last ink pixel.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
from html import unescape

import numpy as np
from PIL import Image
from scipy import ndimage

MM_PER_PT = 25.4 / 72

LEFT = {"address": (22, 60, 107.5, 85.5), "reserved": (20, 40, 109.5, 87.5)}
RIGHT = {"address": (118, 60, 203.5, 85.5), "reserved": (116, 40, 205.5, 87.5)}
BORDER = 5.0
CORNER = (0, 282, 15, 297)


def render(pdf, dpi, tmp):
    base = os.path.join(tmp, "p")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", pdf, base], check=True)
    pages = sorted(
        (f for f in os.listdir(tmp) if f.startswith("p-") and f.endswith(".png")),
        key=lambda f: int(f[2:-4]),
    )
    return [os.path.join(tmp, f) for f in pages]


def words(pdf):
    """Words with their boxes in mm (top-left origin), per page (0-based)."""
    out = subprocess.run(["pdftotext", "-bbox", pdf, "-"], check=True,
                         capture_output=True, text=True).stdout
    pages, cur = [], None
    for line in out.splitlines():
        if line.strip().startswith("<page"):
            cur = []
            pages.append(cur)
        m = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if m and cur is not None:
            x0, y0, x1, y1 = (float(v) * MM_PER_PT for v in m.groups()[:4])
            cur.append((x0, y0, x1, y1, unescape(m.group(5))))
    return pages


def box_of(mask, px, ox=0.0, oy=0.0):
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return None
    return (ox + xs.min() * px, oy + ys.min() * px, ox + (xs.max() + 1) * px, oy + (ys.max() + 1) * px)


def fmt(b):
    return "none" if b is None else "x %.1f..%.1f  y %.1f..%.1f" % (b[0], b[2], b[1], b[3])


def sub(ink, px, rect):
    x0, y0, x1, y1 = rect
    c0, r0 = int(round(x0 / px)), int(round(y0 / px))
    c1, r1 = int(round(x1 / px)), int(round(y1 / px))
    m = np.zeros_like(ink)
    m[r0:r1, c0:c1] = ink[r0:r1, c0:c1]
    return m


def measure(pdf, dpi, gap):
    px = 25.4 / dpi
    print("== %s (%d bytes)" % (pdf, os.path.getsize(pdf)))
    wpages = words(pdf)
    with tempfile.TemporaryDirectory() as tmp:
        for i, png in enumerate(render(pdf, dpi, tmp)):
            img = np.asarray(Image.open(png).convert("L"))
            ink = img < 255
            h, w = ink.shape
            print("-- page %d  (%.1f x %.1f mm rendered)" % (i + 1, w * px, h * px))
            gx = max(1, int(round(2 * gap / px)))  # words on a line are further apart than lines
            gy = max(1, int(round(gap / px)))
            lab, n = ndimage.label(ndimage.binary_dilation(ink, structure=np.ones((gy, gx), bool)))
            blocks = []
            for k, sl in enumerate(ndimage.find_objects(lab), start=1):
                m = ink[sl] & (lab[sl] == k)
                b = box_of(m, px, sl[1].start * px, sl[0].start * px)
                if b:
                    blocks.append(b)
            blocks.sort(key=lambda b: (round(b[1]), b[0]))
            pw = wpages[i] if i < len(wpages) else []
            for b in blocks:
                txt = [t for (x0, y0, x1, y1, t) in pw
                       if b[0] - 0.5 <= (x0 + x1) / 2 <= b[2] + 0.5 and b[1] - 0.5 <= (y0 + y1) / 2 <= b[3] + 0.5]
                s = " ".join(txt)
                if len(s) > 70:
                    s = s[:67] + "..."
                print("   block %-32s %s" % (fmt(b), s or "(no text: graphics/image)"))
            W, H = w * px, h * px
            bands = {
                "top": (0, 0, W, BORDER), "bottom": (0, H - BORDER, W, H),
                "left": (0, 0, BORDER, H), "right": (W - BORDER, 0, W, H),
            }
            for edge, r in bands.items():
                b = box_of(sub(ink, px, r), px)
                if b:
                    depth = {"top": BORDER - b[1], "bottom": b[3] - (H - BORDER),
                             "left": BORDER - b[0], "right": b[2] - (W - BORDER)}[edge]
                    print("   zone.border %-6s ink %s  -> %.1f mm into the band" % (edge, fmt(b), depth))
            b = box_of(sub(ink, px, CORNER), px)
            if b:
                print("   zone.corner ink %s" % fmt(b))
            if i == 0:
                for name, win in (("left", LEFT), ("right", RIGHT)):
                    res = sub(ink, px, win["reserved"])
                    a = sub(ink, px, win["address"])
                    outside = res & ~a
                    print("   %-5s window: address-area ink %s; reserved-block ink outside address area %s"
                          % (name, fmt(box_of(a, px)), fmt(box_of(outside, px))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dpi", type=int, default=300)
    ap.add_argument("--gap", type=float, default=2.0, help="mm; ink closer than this vertically (twice this horizontally) is one block")
    ap.add_argument("pdf", nargs="+")
    a = ap.parse_args()
    for f in a.pdf:
        measure(f, a.dpi, a.gap)


if __name__ == "__main__":
    sys.exit(main())
