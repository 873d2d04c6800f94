# kycd — the two commands: `make run` starts the service on the embedded defaults,
# `make test` runs the whole test suite (what CI runs).
SHELL := /bin/bash
GO ?= go
STATICCHECK_VERSION := v0.7.0
GOBIN := $(shell $(GO) env GOPATH)/bin

.PHONY: run setup build test test-short lint fmt-check vet staticcheck bench bench-api eval eval-quality eval-reading eval-ocr eval-face eval-poa fuzz clean

## run: install what is needed and start kycd on SQLite with local encrypted files in ./data
run: setup
	$(GO) run ./cmd/kycd serve

## setup: install system packages and models the project needs (idempotent)
setup:
	@bash scripts/setup.sh

## build: bin/kycd and bin/kycd-samples
build:
	$(GO) build -o bin/ ./cmd/kycd ./cmd/kycd-samples

## test: lint, then every test with the race detector, against SQLite and PostgreSQL
test: setup lint
	$(GO) test -race -count=1 -timeout 15m ./...

test-short:
	$(GO) test -count=1 -short ./...

lint: fmt-check vet staticcheck

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	@test -x $(GOBIN)/staticcheck || GOFLAGS= $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	$(GOBIN)/staticcheck ./...

## bench: Go benchmarks of the hot paths (no timing is asserted anywhere)
bench:
	$(GO) test -run '^$$' -bench . -benchtime 20x ./...

## bench-api: HTTP load on SQLite: reads/s with p50/p99, and submit -> decision latency
bench-api:
	$(GO) run ./cmd/kycd-bench

## eval: every evaluation (accuracy and speed per engine, over ../shared/testdata and the synthetic corpora)
eval: eval-quality eval-reading eval-ocr eval-face eval-poa

## eval-quality: 3000 photos of held-out seed 77 (about 100 per reason); the rendered photos are
## kept in .cache/eval-quality (first run about 25 min on two cores, then about 5 min)
eval-quality:
	$(GO) run ./cmd/eval-quality -n 3000 -seed 77 -cache .cache/eval-quality

eval-reading:
	$(GO) run ./cmd/eval-reading

eval-ocr:
	$(GO) run ./cmd/eval-ocr

eval-face:
	$(GO) run ./cmd/eval-face

eval-poa:
	$(GO) run ./cmd/eval-poa

clean:
	rm -rf bin data

## fuzz: run every fuzz target for FUZZTIME each (the seed corpora also run in `make test`)
FUZZTIME ?= 10s
fuzz:
	@set -e; for f in $$(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u); do \
	  for t in $$(grep -h '^func Fuzz' $$f/*_test.go | sed 's/func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do \
	    echo "== $$f $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$f; \
	  done; \
	done
