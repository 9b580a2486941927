#!/usr/bin/env bash
# Regenerates the example prompts with espeak-ng and sox: 16-bit mono WAV at 16 kHz, silence trimmed.
# Needs: apt-get install -y espeak-ng sox. Usage: Prompts/make-prompts.sh (writes next to this script).
set -euo pipefail
cd "$(dirname "$0")"
command -v espeak-ng >/dev/null && command -v sox >/dev/null || { echo "needs espeak-ng and sox" >&2; exit 1; }

say() { # id text...  (VOICE=es writes Spanish)
  local id=$1; shift
  local tmp; tmp=$(mktemp --suffix=.wav)
  espeak-ng -v "${VOICE:-en-us}" -s 230 -w "$tmp" "$*"
  # 16 kHz, mono, 16-bit; trim leading/trailing silence; keep a short tail.
  sox "$tmp" -r 16000 -c 1 -b 16 "$id.wav" silence 1 0.05 1% reverse silence 1 0.05 1% reverse pad 0 0.05
  rm -f "$tmp"
}

# main.yaml (support line)
say welcome "Welcome to Acme."
say main_menu "Sales, press 1. Support, 2. Hours, 3."
say sales "Sales will message you."
say support "Support will message you."
say hours "Open nine to five, weekdays."
say no_input "Sorry, I didn't hear you."
say invalid "That's not an option."
say goodbye "Goodbye."

# appointment.yaml
say enter_code "Enter your booking code, then hash."
say code_not_found "Booking not found."
say confirm_menu "1 to confirm, 2 to cancel."
say confirmed "Confirmed."
say cancelled "Cancelled."
say service_down "Bookings are unavailable."

# voicemail.yaml
say closed "We're closed."
say message_saved "Thanks. We'll call you back."
# the message prompt ends with a short tone
say leave_message_voice "Leave a message after the tone."
sox -n -r 16000 -c 1 -b 16 tone.wav synth 0.2 sine 880 vol 0.5
sox leave_message_voice.wav tone.wav leave_message.wav
rm -f leave_message_voice.wav tone.wav

du -ch ./*.wav | tail -1

# reception.yaml: English by default, Spanish in Prompts/es/ (the shared prompt mixes both)
say reception_en "For English, press 1."
VOICE=es say reception_es "Para español, oprima 2."
sox reception_en.wav reception_es.wav reception_language.wav && rm -f reception_en.wav reception_es.wav
mkdir -p es && cp reception_language.wav es/reception_language.wav   # the choice is offered in both
mkdir -p es
VOICE=es say es/welcome "Bienvenido a Acme."
VOICE=es say es/main_menu "Ventas, oprima 1. Soporte, 2. Horario, 3."
VOICE=es say es/sales "Ventas le escribirá."
VOICE=es say es/support "Soporte le escribirá."
VOICE=es say es/hours "Abrimos de nueve a cinco, entre semana."
VOICE=es say es/closed "Estamos cerrados."
VOICE=es say es/no_input "Perdone, no le oí."
VOICE=es say es/invalid "Esa opción no existe."
VOICE=es say es/goodbye "Adiós."
