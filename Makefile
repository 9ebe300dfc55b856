# samlharness: build, test and check. CI runs `make test` through .ci/run.

GO ?= go

.PHONY: all build test bench lint

all: lint test

# build compiles every package and writes the CLI to bin/samlharness.
build:
	$(GO) build ./...
	$(GO) build -o bin/samlharness ./cmd/samlharness

# test vets, then runs every test with the race detector, the examples
# module (a user's contract test) included.
test:
	$(GO) vet ./...
	$(GO) test -race ./...
	cd examples && $(GO) vet ./... && $(GO) test -race ./...

# bench runs the benchmarks only.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# lint fails on files gofmt would change, then vets.
lint:
	@unformatted="$$(gofmt -l .)"; \
	if [ -n "$$unformatted" ]; then \
		echo "gofmt would change:"; echo "$$unformatted"; exit 1; \
	fi
	$(GO) vet ./...
