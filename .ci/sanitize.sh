#!/usr/bin/env bash
# The Swift test suite under AddressSanitizer, then ThreadSanitizer (`make sanitize`; not part of `make test`).
# Each sanitizer builds into its own scratch path (.build/sanitize-<name>), so the normal build is untouched.
#   SANITIZERS       which, in order (default: "address thread")
#   SANITIZE_FILTER  only tests matching this regex (swift test --filter)
#   SANITIZE_SKIP    skip tests matching this regex (swift test --skip)
# Reports go to var/sanitize/<name>.log. Leak detection is off (the Swift runtime's deliberate one-time
# allocations would drown real reports); set ASAN_OPTIONS to change that.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var/sanitize
status=0
for s in ${SANITIZERS:-address thread}; do
  scratch=.build/sanitize-$s
  echo "== swift test under --sanitize=$s"
  swift build --build-tests --sanitize="$s" --scratch-path "$scratch"
  args=(--skip-build --no-parallel --sanitize="$s" --scratch-path "$scratch")
  [ -n "${SANITIZE_FILTER:-}" ] && args+=(--filter "$SANITIZE_FILTER")
  [ -n "${SANITIZE_SKIP:-}" ] && args+=(--skip "$SANITIZE_SKIP")
  set +e
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=0} \
    swift test "${args[@]}" 2>&1 | tee "var/sanitize/$s.log"
  rc=${PIPESTATUS[0]}
  set -e
  reports=$(grep -c -E '^(==[0-9]+==ERROR: AddressSanitizer|WARNING: ThreadSanitizer)' "var/sanitize/$s.log" || true)
  echo "== --sanitize=$s: exit $rc, $reports sanitizer reports (var/sanitize/$s.log)"
  [ "$rc" -ne 0 ] && status=1
done
exit $status
