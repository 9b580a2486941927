"""Which prompt files a caller heard: 20 ms energy envelopes of the prompts, slid over what the
caller decoded, Pearson correlation ≥ threshold at non-overlapping positions."""
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from whatsapp import ROOT, envelope, read_wav_48k


def prompt_envelopes(folder=ROOT / "Prompts"):
    envs = {}
    for path in sorted(Path(folder).glob("*.wav")):
        e = envelope(read_wav_48k(path))
        loud = np.nonzero(e > 0.05 * e.max())[0] if e.size and e.max() > 0 else []
        if len(loud):
            e = e[loud[0]:loud[-1] + 1]
        if len(e) >= 10:
            envs[path.stem] = e
    return envs


def recognise_prompts(heard, threshold=0.9, envs=None):
    """[(seconds, prompt id, correlation)] in order of time."""
    envs = envs or prompt_envelopes()
    b = envelope(heard)
    candidates = []
    for pid, a in envs.items():
        n = len(a)
        if len(b) < n:
            continue
        windows = sliding_window_view(b, n)
        wa = (a - a.mean()) / a.std()
        mean, std = windows.mean(axis=1), windows.std(axis=1)
        loud = std > 1e-3 * max(b.max(), 1)
        corr = np.where(loud, ((windows - mean[:, None]) @ wa) / (n * np.where(std > 0, std, 1)), -1)
        i = 0
        while i < len(corr):
            if corr[i] >= threshold:
                j = min(len(corr), i + n)
                k = i + int(np.argmax(corr[i:j]))
                candidates.append((k, n, pid, float(corr[k])))
                i = k + n
            else:
                i += 1
    # Where two prompts claim the same stretch of audio, the better match wins.
    chosen = []
    for k, n, pid, c in sorted(candidates, key=lambda x: -x[3]):
        if all(k + n <= k2 or k2 + n2 <= k for k2, n2, _, _ in chosen):
            chosen.append((k, n, pid, c))
    return [(round(k * 0.02, 2), pid, round(c, 3)) for k, n, pid, c in sorted(chosen)]
