#!/usr/bin/env bash
# CI's fuzz stage: builds ivr-fuzz (libFuzzer + AddressSanitizer, coverage-instrumented, its own scratch
# path) and runs every wire-parser and flow target from the committed seeds for 40,000 inputs with a fixed
# seed, so CI tries the same inputs each time: a crash it finds, `bash .ci/fuzz.sh` finds on any machine,
# and a green run stays green until the code changes. (120 s per target caps a slow machine.) Fails on any
# crash or broken invariant; the input is left in var/fuzz/artifacts/. Open-ended runs with new seeds,
# and the config target, which links the whole daemon under the sanitizers: `make fuzz` (Fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
# Its own corpus folder, emptied first: inputs of earlier runs would change what a fixed seed explores, and
# `make test` must not throw away what `make fuzz` has gathered in var/fuzz/corpus.
rm -rf var/fuzz/ci-corpus
FUZZ_CORPUS=var/fuzz/ci-corpus FUZZ_SECONDS=${FUZZ_SECONDS:-120} FUZZ_RUNS=${FUZZ_RUNS:-40000} FUZZ_SEED=${FUZZ_SEED:-1} \
  FUZZ_TARGETS=${FUZZ_TARGETS:-"webhook sdp stun-ice rtp rfc4733 dtls flow"} bash Fuzz/run.sh
