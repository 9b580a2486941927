# Two commands on a fresh machine: `make run` and `make test`.
CONFIG ?= Deploy/ivr.example.yaml
SWIFT_FLAGS ?=
FUZZ_SECONDS ?= 60

.PHONY: run test test-netns demo demo-outbound screenshots bench build deps test-deps clean lint fuzz sanitize

run: deps
	swift build --product ivrd $(SWIFT_FLAGS)
	"$$(swift build --show-bin-path $(SWIFT_FLAGS))/ivrd" serve --config $(CONFIG)

test: test-deps
	SWIFT_FLAGS="$(SWIFT_FLAGS)" bash .ci/test.sh

# Every network-namespace test (root: ip netns + veth); make test runs them too, as stage 6.
test-netns: test-deps
	swift build --product ivrd $(SWIFT_FLAGS)
	IVRD_BIN="$$(swift build --show-bin-path $(SWIFT_FLAGS))/ivrd" python3 -m pytest -q Tests/netns

# One scripted WhatsApp call against a real ivrd, printed as a transcript (no WhatsApp account needed).
demo: test-deps
	swift build --product ivrd $(SWIFT_FLAGS)
	IVRD_BIN="$$(swift build --show-bin-path $(SWIFT_FLAGS))/ivrd" python3 Tests/e2e/demo.py

# One call we place (POST /v1/calls, the reminder flow, the user presses 1), printed as a transcript.
demo-outbound: test-deps
	swift build --product ivrd $(SWIFT_FLAGS)
	IVRD_BIN="$$(swift build --show-bin-path $(SWIFT_FLAGS))/ivrd" python3 Tests/e2e/demo_outbound.py

# The README's console pictures (Docs/screenshots/), from a real demo run in headless chromium.
screenshots: test-deps
	swift build --product ivrd $(SWIFT_FLAGS)
	IVRD_BIN="$$(swift build --show-bin-path $(SWIFT_FLAGS))/ivrd" python3 Tests/e2e/screenshots.py

# Release-mode benchmarks: per-operation costs (ivr-bench), keyword recognition over the voice-menu
# test set (speech-bench), the voice-menu figures on the full set with each engine held out (printed,
# and written to Benchmarks/results/<date>-voice-menus.md), voice barge-in over the prompt's echo
# (<date>-voice-barge-in.md), then the capacity run (N concurrent calls
# against ivrd and against an aiortc server). Results in Benchmarks/results/<date>.json, .md and .png.
# Then the one-core run (ivrd pinned to CPU 0, the load generator to CPU 1; both call mixes, up to 1,000
# calls, into <date>-onecore.*) and the instructions per packet (callgrind-<date>.*).
bench: deps
	@bash .ci/deps.sh bench
	swift build -c release --product ivr-bench
	swift build -c release --product ivrd
	swift build -c release --product ivr-load
	swift build -c release --product speech-bench
	.build/release/ivr-bench
	rm -rf var/speech-set && sh Tests/SpeechTests/make-testset.sh var/speech-set
	.build/release/speech-bench --rate 48000 --results Benchmarks/results var/speech-set/*.raw
	swift build --build-tests
	mkdir -p Benchmarks/results
	SPEECH_SET=full SPEECH_TABLE=Benchmarks/results/$$(date +%F)-voice-menus.md \
		SPEECH_BARGE_IN_TABLE=Benchmarks/results/$$(date +%F)-voice-barge-in.md \
		swift test --skip-build --no-parallel --filter 'AccuracyTests|VoiceBargeInTests'
	cat Benchmarks/results/$$(date +%F)-voice-menus.md Benchmarks/results/$$(date +%F)-voice-barge-in.md
	python3 Benchmarks/load/run_bench.py $(LOAD_ARGS)
	python3 Benchmarks/load/run_bench.py --pin --ns 250,500,1000 --aiortc-ns "" --mix both --stem $$(date +%F)-onecore
	python3 Benchmarks/callgrind/run_callgrind.py --no-build

# Every libFuzzer target (Fuzz/README.md) for FUZZ_SECONDS each; FUZZ_TARGETS picks a subset.
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash Fuzz/run.sh

# The Swift test suite under AddressSanitizer, then ThreadSanitizer (SANITIZERS, SANITIZE_FILTER, SANITIZE_SKIP).
sanitize: test-deps
	bash .ci/sanitize.sh

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
