#!/usr/bin/env bash
# Every test stage on one build: the build, Swift unit/integration tests, then the
# daemon-level tests (Python) that run the built ivrd binary as a user would.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests ${SWIFT_FLAGS:-}
echo "== stage 1: swift test"
swift test --skip-build ${SWIFT_FLAGS:-}
echo "== stage 2: daemon tests (pytest against .build/debug/ivrd)"
IVRD_BIN="$(swift build --show-bin-path)/ivrd" python3 -m pytest -q Tests/daemon
