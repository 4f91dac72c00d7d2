# lettergate — common tasks. `make demo` and `make test` work on a fresh
# machine with Go (see README.md).

GO      ?= go
BIN     := bin/lettergate
FUZZTIME ?= 5s
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
# regression on known inputs and a few thousand new ones. Minimising a new
# input defaults to a minute per input, which on whole PDFs would stall the
# run; a second is enough for a smoke test. A crash lands in
# <package>/testdata/fuzz/: commit it, it becomes a regression test.
FUZZ = $(GO) test -run '^$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 1s
fuzz:
	$(FUZZ) -fuzz '^FuzzCheck$$' ./preflight
	$(FUZZ) -fuzz '^FuzzParse$$' ./preflight/address
	$(FUZZ) -fuzz '^FuzzFind$$' ./preflight/address

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
