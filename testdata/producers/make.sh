#!/usr/bin/env bash
# Regenerate the producer fixture PDFs of this folder from the sources in src/.
#
# The PDFs are committed: tests and CI read them and need none of these tools.
# Run this only to remake them (then re-measure with ./measure.py and update the
# numbers in README.md if anything moved).
#
#   testdata/producers/make.sh            # build everything, copy the PDFs here
#   testdata/producers/make.sh --check    # build, then only report which committed PDFs differ
#
# Idempotent: everything is built in a temporary directory; only the *.pdf files
# listed in README.md are written into this folder.
#
# Tools (Debian 12 "bookworm" packages) the committed PDFs were made with:
#   LibreOffice 7.4.7.2          libreoffice-writer-nogui 4:7.4.7-1+deb12u14
#   pdfTeX 1.40.24, TeX Live 2022, KOMA-Script 3.38 (2022/10/12)
#                                texlive-latex-recommended 2022.20230122-3,
#                                texlive-latex-extra 2022.20230122-4,
#                                texlive-fonts-recommended, texlive-lang-german
#   GPL Ghostscript 10.00.0      ghostscript 10.0.0~dfsg-11+deb12u9
#   qpdf 11.3.0                  qpdf 11.3.0-1+deb12u1
#   ReportLab 3.6.12             python3-reportlab 3.6.12-1+deb12u1 (Debian's /usr/bin/python3 3.11)
#   fonts                        fonts-liberation2 2.1.5-1 (LibreOffice), fonts-dejavu-core 2.37-6 (ReportLab)
#   optional: faketime (libfaketime 0.9.10) pins LibreOffice's CreationDate to 2026-11-27
#   measuring: poppler-utils 22.12.0, python3-numpy, python3-pil, python3-scipy
#
#   apt-get install -y libreoffice-writer-nogui texlive-latex-recommended texlive-latex-extra \
#     texlive-fonts-recommended texlive-lang-german ghostscript qpdf poppler-utils \
#     python3-reportlab python3-pil python3-numpy python3-scipy fonts-liberation2 \
#     fonts-dejavu-core faketime
#
# Reproducibility: pdfTeX (SOURCE_DATE_EPOCH + FORCE_SOURCE_DATE), Ghostscript (dates
# from a pdfmark, -dOmitInfoDate -dOmitID -dOmitXMP) and ReportLab (invariant=1, pinned
# date) give byte-identical files on every run. LibreOffice 7.4 ignores
# SOURCE_DATE_EPOCH and writes a fresh /ID (and, without faketime, the current
# /CreationDate) on every export, so lo_*.pdf and the qpdf_*.pdf made from
# lo_letter_pass.pdf differ in those bytes on each run; their layout does not.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$HERE/src
PY=/usr/bin/python3            # Debian's python, which has python3-reportlab/-pil
CHECK=0
[ "${1:-}" = "--check" ] && CHECK=1

export TZ=UTC LC_ALL=C.UTF-8
export SOURCE_DATE_EPOCH=1795773600   # 2026-11-27T10:00:00Z
export FORCE_SOURCE_DATE=1

need() { command -v "$1" >/dev/null 2>&1 || { echo "make.sh: missing $1 (apt-get install -y $2)" >&2; exit 2; }; }
need soffice libreoffice-writer-nogui
need pdflatex texlive-latex-recommended
need ps2pdf ghostscript
need qpdf qpdf
need iconv libc-bin
"$PY" -c 'import reportlab, PIL' 2>/dev/null || { echo "make.sh: missing python3-reportlab / python3-pil" >&2; exit 2; }

BUILD=$(mktemp -d /tmp/lettergate-producers.XXXXXX)
trap 'rm -rf "$BUILD"' EXIT
OUT=$BUILD/out
mkdir -p "$OUT" "$BUILD/lo" "$BUILD/tex" "$BUILD/gs" "$BUILD/rl"

echo "== tool versions"
soffice --version 2>/dev/null | sed -n 1p
pdflatex --version | sed -n 1p
grep -m1 -o '20[0-9/]* v3\.[0-9]* KOMA-Script' "$(kpsewhich scrlttr2.cls)" || true
echo "Ghostscript $(gs --version)"
qpdf --version | sed -n 1p
"$PY" -c 'import reportlab; print("ReportLab", reportlab.Version)'

# 1. LibreOffice Writer: flat ODT -> PDF (writer_pdf_Export defaults: PDF 1.6, fonts subset-embedded)
echo "== LibreOffice"
"$PY" "$SRC/lo_variants.py" "$BUILD/lo"
FAKE=()
command -v faketime >/dev/null 2>&1 && FAKE=(faketime '2026-11-27 10:00:00')
"${FAKE[@]}" soffice -env:UserInstallation="file://$BUILD/lo-profile" --headless \
  --convert-to pdf --outdir "$BUILD/lo" \
  "$BUILD/lo/lo_letter_pass.fodt" "$BUILD/lo/lo_footer_border.fodt" "$BUILD/lo/lo_logo_border.fodt" \
  >"$BUILD/lo/soffice.log" 2>&1 || { cat "$BUILD/lo/soffice.log" >&2; exit 1; }
for n in lo_letter_pass lo_footer_border lo_logo_border; do cp "$BUILD/lo/$n.pdf" "$OUT/"; done

# 2. LaTeX, KOMA-Script scrlttr2 (two runs: scrlttr2 writes labels on the first)
echo "== pdfLaTeX / scrlttr2"
cp "$SRC"/latex_*.tex "$BUILD/tex/"
for n in latex_scrlttr2_din latex_scrlttr2_pingen; do
  (cd "$BUILD/tex" && for run in 1 2; do
     pdflatex -interaction=nonstopmode -halt-on-error "$n.tex" >"$n.console" 2>&1 \
       || { cat "$n.console" >&2; exit 1; }
   done)
  cp "$BUILD/tex/$n.pdf" "$OUT/"
done

# 3. Ghostscript: hand-written PostScript (UTF-8 source -> ISO-8859-1) -> ps2pdf
echo "== Ghostscript"
iconv -f UTF-8 -t ISO-8859-1 "$SRC/gs_letter.ps" >"$BUILD/gs/gs_letter.ps"
ps2pdf -dPDFSTOPONERROR -dOmitInfoDate -dOmitID -dOmitXMP "$BUILD/gs/gs_letter.ps" "$OUT/gs_letter_pass.pdf"

# 4. qpdf on the LibreOffice passing letter
echo "== qpdf"
qpdf --deterministic-id --object-streams=generate "$OUT/lo_letter_pass.pdf" "$OUT/qpdf_objstm.pdf"
qpdf --deterministic-id --linearize "$OUT/lo_letter_pass.pdf" "$OUT/qpdf_linearized.pdf"

# 5. ReportLab
echo "== ReportLab"
"$PY" "$SRC/reportlab_letters.py" "$OUT"

# sanity: every file is a valid PDF
for f in "$OUT"/*.pdf; do qpdf --check "$f" >/dev/null || { echo "qpdf --check failed: $f" >&2; exit 1; }; done

echo "== result (\"changed\" is expected for lo_*.pdf and qpdf_*.pdf, see above)"
for f in "$OUT"/*.pdf; do
  n=$(basename "$f")
  if [ -f "$HERE/$n" ] && cmp -s "$f" "$HERE/$n"; then s=same; else s=changed; fi
  printf '%-28s %7d bytes  %s\n' "$n" "$(stat -c %s "$f")" "$s"
  if [ $CHECK = 0 ]; then cp "$f" "$HERE/$n"; fi
done
