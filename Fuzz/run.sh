#!/usr/bin/env bash
# Builds ivr-fuzz once (FUZZ_CONFIG, default debug; libFuzzer + AddressSanitizer) and runs each fuzz target for FUZZ_SECONDS.
#   FUZZ_SECONDS  seconds per target (default 60)
#   FUZZ_TARGETS  space-separated subset (default: all, in the order below)
#   FUZZ_RUNS     stop each target after this many inputs instead (libFuzzer -runs; time limit still applies)
#   FUZZ_SEED     libFuzzer's random seed (default: a new one each run). With FUZZ_RUNS, a fixed seed and an
#                 empty corpus folder, a run is repeatable: it tries the same inputs on every machine.
#   FUZZ_CORPUS   where the fuzzer adds inputs (default var/fuzz/corpus; one folder per target below it)
# Seeds (and crash inputs kept as regressions) live in Fuzz/corpus/<target>/ and are only read; what the
# fuzzer adds goes to $FUZZ_CORPUS/<target>/, which the next run continues from. A crash leaves var/fuzz/artifacts/<target>-crash-* and a
# non-zero exit. Results: one line per target, and var/fuzz/summary.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-"webhook sdp stun-ice rtp rfc4733 dtls flow config"}
config=${FUZZ_CONFIG:-debug}
corpus=${FUZZ_CORPUS:-var/fuzz/corpus}
scratch=.build/fuzz
# SwiftPM hands swiftc `-sanitize=fuzzer` and `-sanitize=address` as two flags, in an order that varies,
# and swiftc keeps only the last: when it is `address`, the Swift code gets no coverage counters and
# libFuzzer fuzzes blind ("corp: 1/1b"). The combined flag, appended last, instruments every module.
flags=(-c "$config" --sanitize=fuzzer --sanitize=address --disable-dead-strip --scratch-path "$scratch"
       -Xswiftc -sanitize=fuzzer,address)

# ivr-fuzz holds every target but config, which links the whole daemon and is its own product
# (ivr-fuzz-config): a run without it never compiles the HTTP stack under the sanitizers.
products=(ivr-fuzz)
[[ " $targets " == *" config "* ]] && products+=(ivr-fuzz-config)
start=$(date +%s)
for p in "${products[@]}"; do swift build "${flags[@]}" --product "$p"; done
echo "fuzz build (${products[*]}): $(( $(date +%s) - start )) s"
bindir="$(swift build "${flags[@]}" --show-bin-path)"

mkdir -p var/fuzz/artifacts
summary=var/fuzz/summary.txt
printf '%-9s %12s %9s %7s %s\n' target inputs exec/s seconds result | tee "$summary"
failed=()
for t in $targets; do
  [ -d "Fuzz/corpus/$t" ] || { echo "no seed corpus Fuzz/corpus/$t" >&2; exit 2; }
  mkdir -p "$corpus/$t"
  log="var/fuzz/$t.log"
  extra=()
  [ -n "${FUZZ_RUNS:-}" ] && extra+=("-runs=$FUZZ_RUNS")
  [ -n "${FUZZ_SEED:-}" ] && extra+=("-seed=$FUZZ_SEED")
  t0=$(date +%s)
  # SWIFT_BACKTRACE=enable=no: Swift's backtracer would otherwise take the crash signal and no crash file is written.
  set +e
  bin="$bindir/ivr-fuzz"
  [ "$t" = config ] && bin="$bindir/ivr-fuzz-config"
  FUZZ_TARGET="$t" SWIFT_BACKTRACE=enable=no "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="var/fuzz/artifacts/$t-" ${extra[@]+"${extra[@]}"} \
    "$corpus/$t" "Fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  set -e
  took=$(( $(date +%s) - t0 ))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  result=ok
  if [ "$rc" -ne 0 ]; then
    # Status lines ("#123 NEW ... DE: \"first_digit_timeout\"") quote dictionary words; skip them.
    result="CRASH (exit $rc): $(grep -v '^#' "$log" | grep -m1 -E 'Fatal error|ERROR: |invariant failed' || echo "see $log")"
    failed+=("$t")
  fi
  printf '%-9s %12s %9s %7s %s\n' "$t" "${runs:-?}" "${rate:-?}" "$took" "$result" | tee -a "$summary"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz targets that crashed: ${failed[*]} (logs in var/fuzz/, inputs in var/fuzz/artifacts/)" >&2
  exit 1
fi
