# Two commands on a fresh machine: `make run` and `make test`.
CONFIG ?= Deploy/ivr.example.yaml
SWIFT_FLAGS ?=

.PHONY: run test build deps test-deps clean lint

run: deps
	swift build --product ivrd $(SWIFT_FLAGS)
	"$$(swift build --show-bin-path $(SWIFT_FLAGS))/ivrd" serve --config $(CONFIG)

test: test-deps
	SWIFT_FLAGS="$(SWIFT_FLAGS)" bash .ci/test.sh

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
