#!/usr/bin/env bash
# CI's fuzz stage: builds ivr-fuzz (release, libFuzzer + AddressSanitizer, its own scratch path) and runs
# every fuzz target for FUZZ_SECONDS (30 s here) from the committed seeds. Fails on any crash or broken
# invariant; the input is left in var/fuzz/artifacts/. See Fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_SECONDS=${FUZZ_SECONDS:-30} bash Fuzz/run.sh
