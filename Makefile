# samlharness: build, test and check. CI runs `make test` through .ci/run.

GO ?= go

.PHONY: all build test bench lint fuzz load

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

# bench runs the bench module's side-by-side benchmarks (samlharness vs
# crewjam/saml, gosaml2 and the bare RSA signatures; docs/performance.md)
# BENCH_COUNT times, each pass running every variant so that a busy
# machine slows them alike, keeps the run in BENCH_OUT for benchstat and
# prints the ratios.
BENCH_COUNT ?= 6
BENCH_OUT ?= $(or $(TMPDIR),/tmp)/samlharness-bench.txt
bench_out := $(abspath $(BENCH_OUT))
bench:
	cd bench && $(GO) test -c -o bench.test . && : > "$(bench_out)" && \
	for i in $$(seq $(BENCH_COUNT)); do \
		./bench.test -test.run '^$$' -test.bench . -test.benchmem >> "$(bench_out)" \
			|| { rm -f bench.test; cat "$(bench_out)"; exit 1; }; \
	done; rm -f bench.test
	cat "$(bench_out)"
	cd bench && $(GO) run ./cmd/ratios "$(bench_out)"

# fuzz runs each fuzz target of the assertions package for FUZZ_TIME
# (the seeds run in every `make test`); a failing input lands in
# assertions/testdata/fuzz/. New inputs are not minimized: shrinking a
# signed Response stalls the search (FUZZ_MINIMIZE=10s shrinks them).
FUZZ_TIME ?= 10m
FUZZ_MINIMIZE ?= 0
fuzz:
	for target in FuzzDecode FuzzValidateMutated; do \
		$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZ_TIME) \
			-fuzzminimizetime $(FUZZ_MINIMIZE) -timeout 0 ./assertions/ || exit 1; \
	done

# load logs in 20,000 times from 64 clients against the ACS on loopback
# (SAMLHARNESS_LOAD_LOGINS and SAMLHARNESS_LOAD_CLIENTS change that).
load:
	$(GO) test -tags load -run '^TestLoad$$' -count 1 -v -timeout 30m ./sp/

# lint fails on files gofmt would change, then vets.
lint:
	@unformatted="$$(gofmt -l .)"; \
	if [ -n "$$unformatted" ]; then \
		echo "gofmt would change:"; echo "$$unformatted"; exit 1; \
	fi
	$(GO) vet ./...
