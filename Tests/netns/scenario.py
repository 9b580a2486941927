"""One call across the namespaces, with a fault profile on the caller's path, and what it measured."""
import asyncio
import json
import os
import time

import numpy as np

from caller import Caller
from impair import Impairment, Profile
from prompts import prompt_envelopes, recognise_prompts

NUMBER = "13175550020"


class TimedCaller(Caller):
    """The e2e caller, also keeping every Opus packet ivrd sent as it came out of SRTP, before aiortc's
    jitter buffer. aiortc conceals nothing: its 16-packet audio buffer stalls at each lost packet and
    then discards frames, so what it plays out measures aiortc, not the path. `timeline()` decodes the
    received packets at their RTP timestamps with silence in the gaps, as a phone's concealment keeps
    the timing."""

    def tap(self):
        self.packets = []
        receiver = self.pc.getReceivers()[0]
        handle = receiver._handle_rtp_packet

        async def tapped(packet, arrival_time_ms):
            self.packets.append((packet.timestamp, bytes(packet.payload)))
            await handle(packet, arrival_time_ms)

        receiver._handle_rtp_packet = tapped

    def timeline(self, conceal=True):
        from aiortc.codecs.opus import OpusDecoder
        from aiortc.jitterbuffer import JitterFrame
        if not self.packets:
            return np.zeros(0)
        base = self.packets[0][0]
        placed, decoder = {}, OpusDecoder()
        for ts, payload in self.packets:
            at = (ts - base) % (1 << 32)
            if at in placed or at > 48000 * 600:
                continue
            chunks = []
            for frame in decoder.decode(JitterFrame(data=payload, timestamp=ts)):
                data = frame.to_ndarray().astype(np.float64)
                channels = len(frame.layout.channels)
                chunks.append(data.mean(axis=0) if frame.format.is_planar else data.reshape(-1, channels).mean(axis=1))
            placed[at] = np.concatenate(chunks) if chunks else np.zeros(0)
        out = np.zeros(max(at + len(d) for at, d in placed.items()))
        for at, d in placed.items():
            out[at:at + len(d)] = d
        if conceal:
            # A phone conceals a lost 20 ms frame (Opus PLC) instead of playing a hole; the simplest
            # concealment, repeating the previous frame, stands in for it here so a prompt's
            # envelope is judged on what a listener hears, not on the zeros of the gaps.
            frame = 960
            for at in range(frame, len(out), frame):
                if at not in placed:
                    n = min(frame, len(out) - at)
                    out[at:at + n] = out[at - frame:at - frame + n]
        return out


class Call:
    def __init__(self, side, call_id, profile=None, seed=20):
        self.side, self.call_id = side, call_id
        self.caller = TimedCaller(side.whatsapp, side.graph, call_id, number=NUMBER)
        self.impairment = Impairment(seed=seed, profile=profile or Profile())
        self.answer = None

    @property
    def daemon(self):
        return self.side.daemon

    async def dial(self, timeout=30):
        """Offer (the caller's sockets exist from here), faults on, connect webhook, pre_accept, ICE/DTLS, accept."""
        offer = await self.caller.offer()
        self.caller.tap()
        self.impairment.install(self.caller)
        self.answer = await self.caller.dial(offer=offer, timeout=timeout)
        return self.answer

    def set_profile(self, profile):
        self.impairment.profile = profile

    def keys(self):
        return self.daemon.events(self.call_id, "key")

    def row(self):
        rows = self.daemon.rows("select status, end_reason, reason from calls where id = ?", self.call_id)
        return rows[0] if rows else None

    async def wait_for(self, predicate, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            await asyncio.sleep(0.1)
        return predicate()

    async def finalized(self, timeout=30):
        return await self.wait_for(lambda: self.daemon.rows(
            "select finalized_at is not null from calls where id = ?", self.call_id) == [(1,)], timeout)

    async def followups(self, timeout=20):
        return await self.side.graph.wait_for("messages", NUMBER, timeout)

    def heard(self, threshold=0.8):
        """[(seconds, prompt, correlation)] the caller heard (frames at their RTP times), by envelope
        correlation ≥ threshold."""
        return recognise_prompts(self.caller.timeline(), threshold=threshold)

    def heard_only(self, prompt):
        """The best correlation of one prompt anywhere in what the caller heard, with no other prompt
        competing for the audio."""
        envs = {k: v for k, v in prompt_envelopes().items() if k == prompt}
        found = recognise_prompts(self.caller.timeline(), threshold=-1.0, envs=envs)
        return max((corr for _, _, corr in found), default=None)

    def best(self, prompt, heard):
        found = [corr for _, pid, corr in heard if pid == prompt]
        return max(found) if found else None

    def outcome_lines(self):
        return [json.loads(line) for line in self.daemon.logs().splitlines()
                if '"call.outcome"' in line and self.call_id in line]

    def media_summary(self):
        """The server's `call media` log line for this call (packets, drops, pacer lateness)."""
        for line in self.daemon.logs().splitlines():
            if '"call media"' in line and self.call_id in line:
                return json.loads(line)
        return None

    async def inbound(self):
        """aiortc's receive statistics of the server's stream: packets received and lost, and the RFC 3550
        interarrival jitter, which aiortc gives in RTP timestamp units (Opus: 48 per millisecond)."""
        for stats in (await self.caller.pc.getStats()).values():
            if stats.type == "inbound-rtp":
                return {"packets_received": stats.packetsReceived, "packets_lost": stats.packetsLost,
                        "jitter_ms": round(stats.jitter / 48, 1) if stats.jitter is not None else None}
        return None

    async def close(self):
        await self.caller.close()


def record(name, figures):
    """Prints the measured figures (pytest -s shows them) and appends them to $NETNS_FIGURES if set."""
    line = json.dumps({"test": name, **figures}, sort_keys=True, default=str)
    print(f"\nnetns figures: {line}")
    path = os.environ.get("NETNS_FIGURES")
    if path:
        with open(path, "a") as f:
            f.write(line + "\n")
