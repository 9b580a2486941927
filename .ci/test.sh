#!/usr/bin/env bash
# Every test stage on one build: the build, Swift unit/integration tests, then the
# daemon-level tests (Python) that run the built ivrd binary as a user would.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests ${SWIFT_FLAGS:-}
# One throwaway PostgreSQL cluster for every stage (the PostgreSQL store suite, the several-instances
# daemon test); each test makes its own database on it. Stopped and removed on exit, whatever happened.
pg_dir="$(mktemp -d /tmp/ivr-pg.XXXXXX)"
trap 'bash Tests/support/pg-cluster.sh stop "$pg_dir"' EXIT
IVR_TEST_DATABASE_URL="$(bash Tests/support/pg-cluster.sh start "$pg_dir")"
export IVR_TEST_DATABASE_URL
echo "== PostgreSQL test cluster: $IVR_TEST_DATABASE_URL"
echo "== stage 1: swift test"
# One test at a time: CPU-heavy tests (speech accuracy, 10-minute pacing) would otherwise starve
# the loopback HTTP servers other tests talk to on a 2-core machine. It costs no wall time here.
swift test --skip-build --no-parallel ${SWIFT_FLAGS:-}
bin="$(swift build --show-bin-path ${SWIFT_FLAGS:-})/ivrd"
echo "== stage 2: flow schema agrees with the validator (pytest)"
python3 -m pytest -q Tests/flows
echo "== stage 3: daemon tests (pytest against the built ivrd)"
IVRD_BIN="$bin" python3 -m pytest -q Tests/daemon
echo "== stage 4: media interop with aiortc (pytest, loopback)"
IVRD_BIN="$bin" python3 -m pytest -q Tests/interop
echo "== stage 4b: SRTP on OpenSSL (Deploy/libsrtp2-openssl.sh): the RFC 3711/7714 vectors and aiortc interop with that libsrtp2"
srtp_dir="$PWD/.build/srtp-openssl"
bash Deploy/libsrtp2-openssl.sh "$srtp_dir"
LD_LIBRARY_PATH="$srtp_dir" ldd "$bin" | grep -F "$srtp_dir/libsrtp2.so.1"
LD_LIBRARY_PATH="$srtp_dir" swift test --skip-build --no-parallel ${SWIFT_FLAGS:-} --filter SRTPTests
LD_LIBRARY_PATH="$srtp_dir" IVRD_BIN="$bin" IVR_EXPECT_SRTP_LIBRARY="$srtp_dir/libsrtp2.so.1" python3 -m pytest -q Tests/interop
echo "== stage 5: whole calls against ivrd with the WhatsApp stand-in (pytest)"
IVRD_BIN="$bin" python3 -m pytest -q Tests/e2e
echo "== stage 6: network faults in network namespaces (pytest, root: ip netns + veth)"
IVRD_BIN="$bin" python3 -m pytest -q Tests/netns
echo "== stage 7: fuzz every wire parser and flows, 40,000 inputs each with a fixed seed (libFuzzer + AddressSanitizer)"
bash .ci/fuzz.sh
