#!/usr/bin/env bash
# CI's fuzz stage: builds ivr-fuzz (libFuzzer + AddressSanitizer, coverage-instrumented, its own scratch
# path) and runs every wire-parser and flow target for 30 s from the committed seeds. Fails on any crash or
# broken invariant; the input is left in var/fuzz/artifacts/. The config target links the whole daemon
# under the sanitizers and runs with `make fuzz` (see Fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_SECONDS=${FUZZ_SECONDS:-30} FUZZ_TARGETS=${FUZZ_TARGETS:-"webhook sdp stun-ice rtp rfc4733 dtls flow"} bash Fuzz/run.sh
