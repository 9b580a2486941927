#!/bin/sh
# Generates the voice-menu test set into $1: espeak-ng utterances (4 voices x 2 speeds), clean and with
# pink noise mixed at 10 dB SNR, as 48 kHz mono s16le raw files (the test then passes each through Opus
# at 24 kbit/s and down to 16 kHz). Writes $1/manifest.tsv: file, kind (keyword|other), expected keyword, text.
# Needs espeak-ng and sox.
set -eu
out=${1:?usage: make-testset.sh OUTDIR}
mkdir -p "$out"
manifest="$out/manifest.tsv"
: > "$manifest"

# expected-keyword|text  (expected "-" = not a keyword of any example flow)
items='sales|sales
buy|buy
support|support
help|help
hours|hours
open|open
confirm|confirm
yes|yes
cancel|cancel
no|no
sales|sales please
help|i need help
-|weather
-|banana
-|thank you
-|hello there
-|what time is it
-|operator
-|billing
-|goodbye'

n=0
for voice in en-us+m3 en-us+f3 en-gb+m1 en-gb+f2; do
  for speed in 140 175; do
    echo "$items" | while IFS='|' read -r kw text; do
      n=$((n + 1))
      base=$(printf '%s_%s_%s' "$voice" "$speed" "$(echo "$text" | tr ' ' '_')" | tr '+' '-')
      tmp="$out/$base.tmp.wav"
      espeak-ng -v "$voice" -s "$speed" -w "$tmp" "$text"
      # 48 kHz mono, 300 ms of silence before and after, peak at -3 dBFS.
      sox -R "$tmp" -r 48000 -c 1 -b 16 "$out/$base.clean.wav" norm -3 pad 0.3 0.3
      rm -f "$tmp"
      # Speech RMS (measured on the padded clip, so the SNR is a little better than nominal for short words).
      rms=$(sox -R "$out/$base.clean.wav" -n stat 2>&1 | awk '/RMS +amplitude/ {print $3}')
      dur=$(soxi -D "$out/$base.clean.wav")
      sox -R -n -r 48000 -c 1 -b 16 "$out/$base.noiseunit.wav" synth "$dur" pinknoise vol 0.5
      nrms=$(sox -R "$out/$base.noiseunit.wav" -n stat 2>&1 | awk '/RMS +amplitude/ {print $3}')
      # 10 dB SNR: noise RMS = speech RMS / 10^(10/20).
      gain=$(awk -v s="$rms" -v n="$nrms" 'BEGIN { printf "%.6f", s / 3.16227766 / n }')
      sox -R -m "$out/$base.clean.wav" -v "$gain" "$out/$base.noiseunit.wav" -t raw -e signed -b 16 -r 48000 -c 1 "$out/$base.noisy.raw"
      sox -R "$out/$base.clean.wav" -t raw -e signed -b 16 -r 48000 -c 1 "$out/$base.clean.raw"
      rm -f "$out/$base.clean.wav" "$out/$base.noiseunit.wav"
      printf '%s.clean.raw\t%s\t%s\n' "$base" "$kw" "$text" >> "$manifest"
      printf '%s.noisy.raw\t%s\t%s\n' "$base" "$kw" "$text" >> "$manifest"
    done
  done
done
