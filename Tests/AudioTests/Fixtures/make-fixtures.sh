#!/usr/bin/env bash
# Regenerates the prompt-loader fixtures (each under 20 KB). Needs: apt-get install -y sox libsox-fmt-mp3
set -euo pipefail
cd "$(dirname "$0")"
# 8 kHz stereo WAV, 0.25 s: left 440 Hz at 0.6, right 440 Hz at 0.2 (mono mix: 0.4).
sox -n -r 8000 -c 2 -b 16 stereo-8k.wav synth 0.25 sine 440 sine 440 remix 1v0.6 2v0.2
# 44.1 kHz mono FLAC, 0.25 s of 1 kHz at 0.5.
sox -n -r 44100 -c 1 -b 16 tone-44k.flac synth 0.25 sine 1000 vol 0.5
# 22.05 kHz mono OGG/Vorbis, 0.5 s of 500 Hz at 0.5.
sox -n -r 22050 -c 1 tone-22k.ogg synth 0.5 sine 500 vol 0.5
# 44.1 kHz stereo MP3, 0.5 s of 600 Hz at 0.5.
sox -n -r 44100 -c 2 tone-44k.mp3 synth 0.5 sine 600 vol 0.5
# A WAV whose header stops before the data chunk.
head -c 40 stereo-8k.wav > truncated.wav
# A WAV with a header and no samples.
sox -n -r 16000 -c 1 -b 16 no-samples.wav trim 0 0
# A FLAC stream cut off mid-frame.
head -c 2500 tone-44k.flac > cut-short.flac
# Not audio at all.
printf 'Welcome to Acme.\n' > not-audio.wav
ls -l
