# lettergate — common tasks. `make demo` and `make test` work on a fresh
# machine with Go (see README.md).

GO      ?= go
BIN     := bin/lettergate
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)

.PHONY: all build demo test lint fuzz fixtures golden bench clean

all: build

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/lettergate

# Renders the built-in reminder from its sample data and checks it, then
# checks broken samples so that both outcomes show. The broken ones make
# lettergate exit 1, which is the point; make carries on.
demo: build
	@echo "== the built-in reminder, rendered from its sample data and checked =="
	./$(BIN) render --template reminder -o bin/demo-reminder.pdf
	./$(BIN) check bin/demo-reminder.pdf
	@echo
	@echo "== letters that do not pass =="
	-./$(BIN) check testdata/producers/lo_footer_border.pdf testdata/doc/us_letter.pdf testdata/doc/truncated.pdf
	@echo
	@echo "== what the checker sees: bin/demo-footer.png =="
	./$(BIN) preview testdata/producers/lo_footer_border.pdf -o bin/demo-footer.png

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt wants to change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./... ./testdata/gen

test: lint
	$(GO) test -race ./...
	$(MAKE) fuzz

# A few seconds of each fuzz target with its seed corpus: enough to catch a
# regression on known inputs and a few thousand new ones. The budgets are
# counts, not durations: Go 1.26's fuzz coordinator can report a spurious
# "context deadline exceeded" when a -fuzztime duration runs out
# (go.dev/issue/75804, fixed in Go 1.27). Minimising a new input defaults to
# a minute per input, which on whole PDFs would stall the run; a second is
# enough here. A crash lands in <package>/testdata/fuzz/: commit it, it
# becomes a regression test. For a long run: make fuzz FUZZ_CHECK=200000x
FUZZ_CHECK   ?= 2000x
FUZZ_ADDRESS ?= 40000x
FUZZ = $(GO) test -run '^$$' -fuzzminimizetime 1s
fuzz:
	$(FUZZ) -fuzztime $(FUZZ_CHECK) -fuzz '^FuzzCheck$$' ./preflight
	$(FUZZ) -fuzztime $(FUZZ_ADDRESS) -fuzz '^FuzzParse$$' ./preflight/address
	$(FUZZ) -fuzztime $(FUZZ_ADDRESS) -fuzz '^FuzzFind$$' ./preflight/address

# Regenerate the fixture PDFs, then the goldens; review both diffs.
fixtures:
	$(GO) run ./testdata/gen

golden:
	$(GO) test ./... -update

# Generates a corpus with the renderer, checks it with lettergate and, when
# installed, with Poppler and Ghostscript, and writes BENCHMARKS.md. Also
# runs the Go benchmarks of the zone engine and of split batch files.
bench: build
	bash bench/run.sh
	$(GO) test ./preflight -run '^$$' -bench 'BenchmarkZones' -benchtime 20x
	$(GO) test ./preflight -run '^$$' -bench 'BenchmarkCheckBatch' -benchtime 2x

clean:
	rm -rf bin bench/corpus
