# truthound-go: `make test` is what CI runs (.ci/run) and what the README tells
# a new developer to run.

GO ?= go
TRUTHOUND_TESTDATA ?= $(abspath $(CURDIR)/../shared/testdata)
export TRUTHOUND_TESTDATA

.PHONY: test vet tools build demo bench fuzz

# test installs the reference tools the interop tests need, then runs vet and
# every test with the race detector.
test: tools vet
	$(GO) test -race -timeout 30m ./...

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...

tools:
	bash scripts/install-tools

build:
	$(GO) build -o bin/truthound ./cmd/truthound

demo:
	$(GO) run ./cmd/truthound demo

# bench runs every Go benchmark briefly (see each package for longer runs).
bench:
	$(GO) test -run '^$$' -bench . -benchtime 200ms ./...
