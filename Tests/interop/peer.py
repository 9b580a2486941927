"""An independent WebRTC peer (aiortc) for interop tests: it makes the offer, sends a WAV file
as Opus, and records what it receives."""
import asyncio
import fractions
import os
import re
import wave
from pathlib import Path

import numpy as np
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError
import av

ROOT = Path(__file__).resolve().parents[2]
IVRD = os.environ.get("IVRD_BIN", str(ROOT / ".build" / "debug" / "ivrd"))
RATE = 48000
FRAME = 960  # 20 ms


def read_wav_48k(path):
    """Mono float samples at 48 kHz from a 16-bit WAV of any rate (linear interpolation)."""
    with wave.open(str(path)) as w:
        rate, channels = w.getframerate(), w.getnchannels()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1)
    if rate != RATE:
        n = int(len(data) * RATE / rate)
        data = np.interp(np.linspace(0, len(data) - 1, n), np.arange(len(data)), data)
    return data


class SamplesTrack(AudioStreamTrack):
    """Plays given 48 kHz mono samples in 20 ms frames, then silence."""

    def __init__(self, samples):
        super().__init__()
        self.samples = samples.astype(np.int16)
        self.pos = 0
        self.started = None

    async def recv(self):
        if self.readyState != "live":
            raise MediaStreamError
        loop = asyncio.get_event_loop()
        if self.started is None:
            self.started = loop.time()
            self.pts = 0
        else:
            self.pts += FRAME
            wait = self.started + self.pts / RATE - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
        chunk = self.samples[self.pos:self.pos + FRAME]
        self.pos += FRAME
        if len(chunk) < FRAME:
            chunk = np.concatenate([chunk, np.zeros(FRAME - len(chunk), dtype=np.int16)])
        frame = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = RATE
        frame.pts = self.pts
        frame.time_base = fractions.Fraction(1, RATE)
        return frame


class Peer:
    def __init__(self, samples):
        self.pc = RTCPeerConnection()
        self.pc.addTrack(SamplesTrack(samples))
        self.received = []
        self.connected = asyncio.Event()
        self.recv_task = None

        @self.pc.on("track")
        def on_track(track):
            self.recv_task = asyncio.ensure_future(self._record(track))

        @self.pc.on("connectionstatechange")
        def on_state():
            if self.pc.connectionState == "connected":
                self.connected.set()

    async def _record(self, track):
        try:
            while True:
                frame = await track.recv()
                data = frame.to_ndarray().astype(np.float64)
                channels = len(frame.layout.channels)
                if frame.format.is_planar:
                    data = data.mean(axis=0)
                else:
                    data = data.reshape(-1, channels).mean(axis=1)
                self.received.append(data)
        except MediaStreamError:
            pass

    async def offer(self):
        await self.pc.setLocalDescription(await self.pc.createOffer())
        return self.pc.localDescription.sdp

    async def apply_answer(self, sdp):
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="answer"))

    def received_samples(self):
        return np.concatenate(self.received) if self.received else np.zeros(0)

    async def close(self):
        await self.pc.close()


def envelope(samples, window=FRAME):
    n = len(samples) // window
    return np.sqrt((samples[:n * window].reshape(n, window) ** 2).mean(axis=1))


def best_envelope_correlation(source, received, max_lag_frames=100):
    """Pearson correlation of the 20 ms RMS envelopes at the best alignment."""
    a, b = envelope(source), envelope(received)
    best = -1.0
    for lag in range(0, min(max_lag_frames, max(len(b) - 10, 1))):
        seg = b[lag:lag + len(a)]
        m = min(len(seg), len(a))
        if m < 50:
            break
        x, y = a[:m], seg[:m]
        if x.std() == 0 or y.std() == 0:
            continue
        best = max(best, float(np.corrcoef(x, y)[0, 1]))
    return best


def peak_frequency(samples, rate=RATE):
    """Frequency of the strongest spectral peak (Hann window, parabolic interpolation)."""
    x = samples - samples.mean()
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    k = int(np.argmax(spec[1:]) + 1)
    if 1 <= k < len(spec) - 1:
        a, b, c = spec[k - 1], spec[k], spec[k + 1]
        k = k + 0.5 * (a - c) / (a - 2 * b + c)
    return k * rate / len(x)


def first_ipv4_candidate(sdp):
    """The address aiortc really listens on (it offers no 127.0.0.1 candidate)."""
    m = re.search(r"a=candidate:\S+ 1 udp \d+ (\d+\.\d+\.\d+\.\d+) \d+ typ host", sdp)
    assert m, "aiortc offered no IPv4 host candidate"
    return m.group(1)
