# lettergate — common tasks. `make demo` and `make test` work on a fresh
# machine with Go (see README.md).

GO      ?= go
BIN     := bin/lettergate
FUZZTIME ?= 5s

.PHONY: all build demo test lint fuzz fixtures golden clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/lettergate

# Checks a good and a broken sample so that both outcomes show. The broken
# one makes lettergate exit 1, which is the point; make carries on.
demo: build
	@echo "== a letter that passes =="
	./$(BIN) check testdata/doc/good_letter.pdf
	@echo
	@echo "== letters that do not =="
	-./$(BIN) check testdata/doc/us_letter.pdf testdata/doc/unembedded_font.pdf testdata/doc/truncated.pdf

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt wants to change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./... ./testdata/gen

test: lint
	$(GO) test -race ./...
	$(MAKE) fuzz

# A few seconds of each fuzz target with its seed corpus: enough to catch a
# regression on known inputs and a few thousand new ones.
fuzz:
	$(GO) test ./preflight -run '^$$' -fuzz '^FuzzCheck$$' -fuzztime $(FUZZTIME)

# Regenerate the fixture PDFs, then the goldens; review both diffs.
fixtures:
	$(GO) run ./testdata/gen

golden:
	$(GO) test ./... -update

clean:
	rm -rf bin
