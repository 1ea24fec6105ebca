# civivote — the two commands a newcomer needs are `make demo` and `make test`.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
PKGS    := ./...

.PHONY: all build test check fmt vet staticcheck fuzz run demo clean

all: build

## build: the civivote binary in bin/
build:
	$(GO) build -trimpath -ldflags "-s -w -X main.version=$(VERSION)" -o bin/civivote ./cmd/civivote

## test: formatting, vet, staticcheck, then every test with the race detector against a real
## MariaDB (started privately when none runs; see scripts/with-mariadb), with Chromium and
## axe-core for the browser tests and pdftotext for the letters (installed when missing; see scripts/with-browser)
test: check
	scripts/with-browser scripts/with-mariadb $(GO) test -race -count=1 -timeout 20m $(PKGS)
	$(MAKE) fuzz

## fuzz: each fuzz target for FUZZTIME (default 10s) beyond its committed seed corpus
## (testdata/fuzz/); a failing input is written there: fix the bug and commit the input
FUZZTIME ?= 10s
FUZZ_TARGETS := election:FuzzParse election:FuzzNormalizeStatement election:FuzzBallotForm \
	election:FuzzParseToken election:FuzzParseReceiptCode civicrm:FuzzDecodeMemberPage
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; fn=$${t##*:}; echo "fuzz: $$fn in ./$$pkg for $(FUZZTIME)"; \
	  $(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) ./$$pkg/; \
	done

## check: gofmt, go vet and staticcheck
check: fmt vet staticcheck

fmt:
	@out=$$(gofmt -l $$(find . -name '*.go' -not -path './.git/*')); \
	if [ -n "$$out" ]; then echo "gofmt would change these files (run gofmt -w):"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

staticcheck:
	$(GO) tool staticcheck $(PKGS)

## demo: the whole election on this machine, from nothing to "voting is open": MariaDB found
## or started as for `make test`, civivote built, then `civivote demo` (a fake CiviCRM with a
## generated union, the WISE-RA election, links, the dashboard). DEMO_ARGS="--fast 2m" closes
## voting after two minutes. Ctrl-C stops everything.
demo: build
	@echo "==> Finding or starting MariaDB (scripts/with-mariadb), then running the demo"
	scripts/with-mariadb scripts/demo $(DEMO_ARGS)

## run: civivote locally against a local MariaDB and the built-in fake CiviCRM
run: build
	scripts/with-mariadb scripts/run-local

clean:
	rm -rf bin
