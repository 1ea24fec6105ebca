# civivote — the two commands a newcomer needs are `make run` and `make test`.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
PKGS    := ./...

.PHONY: all build test check fmt vet staticcheck run clean

all: build

## build: the civivote binary in bin/
build:
	$(GO) build -trimpath -ldflags "-s -w -X main.version=$(VERSION)" -o bin/civivote ./cmd/civivote

## test: formatting, vet, staticcheck, then every test with the race detector against a real
## MariaDB (started privately when none runs; see scripts/with-mariadb), with Chromium and
## axe-core for the browser tests (installed when missing; see scripts/with-browser)
test: check
	scripts/with-browser scripts/with-mariadb $(GO) test -race -count=1 -timeout 20m $(PKGS)

## check: gofmt, go vet and staticcheck
check: fmt vet staticcheck

fmt:
	@out=$$(gofmt -l $$(find . -name '*.go' -not -path './.git/*')); \
	if [ -n "$$out" ]; then echo "gofmt would change these files (run gofmt -w):"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

staticcheck:
	$(GO) tool staticcheck $(PKGS)

## run: civivote locally against a local MariaDB and the built-in fake CiviCRM
run: build
	scripts/with-mariadb scripts/run-local

clean:
	rm -rf bin
