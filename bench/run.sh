#!/usr/bin/env bash
# make bench: generate a corpus with lettergate's renderer, check it with
# lettergate, do the same job the way other tools do it (when they are
# installed), and write the measured table to BENCHMARKS.md.
#
#   BENCH_LETTERS=1000  letters in the corpus (two pages each)
#   BENCH_DIR=bench/corpus
#   BENCH_JOBS=<cores>  parallel jobs, the same for every tool
#
# Poppler (pdftoppm) and Ghostscript are optional: apt-get install
# poppler-utils ghostscript. Their rows are left out when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

letters=${BENCH_LETTERS:-1000}
dir=${BENCH_DIR:-bench/corpus}
jobs=${BENCH_JOBS:-$(nproc)}
bin=bin/lettergate
scratch=$(mktemp -d "${TMPDIR:-/tmp}/lettergate-bench.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

command -v /usr/bin/time >/dev/null || { echo "bench: needs GNU time (/usr/bin/time)" >&2; exit 2; }

echo "== build"
# The Makefile embeds the version (git describe) that the table names.
make -s build BIN="$bin"

# measure NAME CMD...: runs CMD, records wall seconds and peak RSS (kB)
# of the largest process in $scratch/NAME.
measure() {
	local name=$1
	shift
	/usr/bin/time -f "%e %M" -o "$scratch/$name.time" "$@" >"$scratch/$name.out" 2>"$scratch/$name.err" || {
		local rc=$?
		# lettergate check exits 1 when a letter fails; the corpus must pass.
		echo "bench: $name failed with status $rc:" >&2
		tail -5 "$scratch/$name.err" >&2
		exit 1
	}
	read -r secs kb <"$scratch/$name.time"
	echo "   $name: ${secs}s, peak ${kb} kB"
}

echo "== corpus: $letters two-page letters, and one $((2 * letters))-page batch file"
mkdir -p "$dir"
go run ./bench/records -n "$letters" >"$dir/records.jsonl"
rm -rf "$dir/letters"
measure render-files "$bin" render --template invoice --data "$dir/records.jsonl" --out-dir "$dir/letters" --name 'letter-{{.invoice.number}}'
measure render-merged "$bin" render --template invoice --data "$dir/records.jsonl" --merge -o "$dir/batch.pdf"
pages_files=$((2 * letters))
pages_batch=$((2 * letters))

echo "== lettergate (warm: the PDFium compilation cache exists after the first run)"
"$bin" check "$dir/letters/letter-RE-2026-00001.pdf" >/dev/null
measure lg-files "$bin" check --format json --jobs "$jobs" "$dir/letters"
measure lg-batch "$bin" check --format json --split every:2 "$dir/batch.pdf"
measure lg-batch-address "$bin" check --format json --split address "$dir/batch.pdf"

# Poppler rasterising every page at 150 dpi in grey, as GOV.UK Notify and
# guteneo validate letters. The images go to a scratch folder and are
# deleted as they come, as a validator holding them in memory would.
have_poppler=false
if command -v pdftoppm >/dev/null; then
	have_poppler=true
	echo "== poppler: pdftoppm -r 150 -gray, every page"
	export scratch
	measure poppler-files sh -c "find '$dir/letters' -name '*.pdf' -print0 | xargs -0 -P $jobs -n 1 sh -c 'out=\$(mktemp -d \"\$scratch/p.XXXXXX\"); pdftoppm -r 150 -gray \"\$0\" \"\$out/p\"; rm -rf \"\$out\"'"
	measure poppler-batch sh -c "
		for first in \$(seq 1 100 $pages_batch); do
			last=\$((first + 99))
			out=\$(mktemp -d '$scratch/b.XXXXXX')
			pdftoppm -r 150 -gray -f \$first -l \$last '$dir/batch.pdf' \"\$out/p\"
			rm -rf \"\$out\"
		done"
fi

# Ghostscript's bbox device: the bounding box of everything that prints on
# each page, the other common way to find content in the margins.
have_gs=false
if command -v gs >/dev/null; then
	have_gs=true
	echo "== ghostscript: -sDEVICE=bbox"
	measure gs-files sh -c "find '$dir/letters' -name '*.pdf' -print0 | xargs -0 -P $jobs -n 1 gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=bbox"
	measure gs-batch gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=bbox "$dir/batch.pdf"
fi

secs() { cut -d' ' -f1 <"$scratch/$1.time"; }
mb() { awk '{printf "%.0f", $2/1024}' <"$scratch/$1.time"; }
rate() { awk -v p="$2" -v s="$(secs "$1")" 'BEGIN{printf "%.0f", p/s}'; }
ratio() { awk -v a="$(secs "$1")" -v b="$(secs "$2")" 'BEGIN{printf "%.1fx", a/b}'; }

cpu=$(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)
mem=$(awk '/MemTotal/{printf "%.0f GB", $2/1048576}' /proc/meminfo)
row() { # name label pages reference
	printf '| %s | %s | %s | %s | %s | %s |\n' "$2" "$(secs "$1")" "$(rate "$1" "$3")" "$(mb "$1")" "$(ratio "$1" "$4")" "$5"
}

{
	echo "# Benchmarks"
	echo
	echo "Written by \`make bench\` (bench/run.sh) on $(date -u +%Y-%m-%d). Re-run it to refresh; the numbers"
	echo "below are from one run on one machine, with every tool measured in the same run."
	echo
	echo "**Machine:** $(nproc) cores ($cpu), $mem RAM, $(uname -sr), $(go version | cut -d' ' -f3)."
	echo "The cores are shared with other work, so single numbers can be off by ±30 %."
	echo
	echo "**Corpus:** $letters two-page invoices rendered with \`lettergate render --template invoice\`"
	echo "(bench/records), as $letters separate files and as one $pages_batch-page batch file. Every tool runs"
	echo "$jobs jobs at a time on the separate files; the batch file is one process."
	echo
	tools="lettergate $("$bin" version | cut -d' ' -f2-)"
	$have_poppler && tools+="; Poppler $(pdftoppm -v 2>&1 | head -1 | awk '{print $3}') \`pdftoppm -r 150 -gray\` (every page rasterised, as GOV.UK Notify and guteneo do)"
	$have_gs && tools+="; Ghostscript $(gs --version) \`-sDEVICE=bbox\`"
	echo "**Tools:** $tools."
	echo
	echo "Peak memory is the largest single process (GNU time's maximum resident set size)."
	echo
	echo "## $letters separate two-page letters ($pages_files pages)"
	echo
	echo "| tool | seconds | pages/s | peak MB | time vs lettergate | note |"
	echo "|---|---|---|---|---|---|"
	row lg-files "lettergate check --jobs $jobs" "$pages_files" lg-files "every rule, zones from pixels where objects reach them"
	$have_poppler && row poppler-files "pdftoppm -r 150 -gray" "$pages_files" lg-files "rasterising only; no verdict yet"
	$have_gs && row gs-files "gs -sDEVICE=bbox" "$pages_files" lg-files "bounding boxes only; no verdict yet"
	echo
	echo "## One $pages_batch-page batch file"
	echo
	echo "| tool | seconds | pages/s | peak MB | time vs lettergate | note |"
	echo "|---|---|---|---|---|---|"
	row lg-batch "lettergate check --split every:2" "$pages_batch" lg-batch "letters of 2 pages; page-1 rules on each letter"
	row lg-batch-address "lettergate check --split address" "$pages_batch" lg-batch "letters found by their address"
	$have_poppler && row poppler-batch "pdftoppm -r 150 -gray" "$pages_batch" lg-batch "in runs of 100 pages, images deleted"
	$have_gs && row gs-batch "gs -sDEVICE=bbox" "$pages_batch" lg-batch ""
	echo
	echo "## Rendering the corpus"
	echo
	echo "| job | seconds | letters/s | peak MB |"
	echo "|---|---|---|---|"
	echo "| lettergate render --out-dir (one PDF per letter, $jobs workers) | $(secs render-files) | $(rate render-files "$letters") | $(mb render-files) |"
	echo "| lettergate render --merge (one PDF) | $(secs render-merged) | $(rate render-merged "$letters") | $(mb render-merged) |"
	echo
	echo "Targets (issue 8): at least 10x faster than Poppler's full-page rasterising on the same files;"
	echo "peak memory under 300 MB for the $pages_batch-page file."
} >BENCHMARKS.md

echo "== wrote BENCHMARKS.md"
sed -n '/^## /,$p' BENCHMARKS.md
