# Two commands on a fresh machine: `make run` and `make test`.
CONFIG ?= Deploy/ivr.example.yaml
SWIFT_FLAGS ?=

.PHONY: run test demo bench build deps test-deps clean lint

run: deps
	swift build --product ivrd $(SWIFT_FLAGS)
	"$$(swift build --show-bin-path $(SWIFT_FLAGS))/ivrd" serve --config $(CONFIG)

test: test-deps
	SWIFT_FLAGS="$(SWIFT_FLAGS)" bash .ci/test.sh

# One scripted WhatsApp call against a real ivrd, printed as a transcript (no WhatsApp account needed).
demo: test-deps
	swift build --product ivrd $(SWIFT_FLAGS)
	IVRD_BIN="$$(swift build --show-bin-path $(SWIFT_FLAGS))/ivrd" python3 Tests/e2e/demo.py

# Release-mode benchmarks; results in Benchmarks/results/<date>.json and .md.
bench: deps
	swift build -c release --product ivr-bench
	.build/release/ivr-bench

build: deps
	swift build $(SWIFT_FLAGS)

deps:
	@bash .ci/deps.sh build

test-deps:
	@bash .ci/deps.sh test

lint:
	@bash .ci/line-count.sh

clean:
	rm -rf .build var
