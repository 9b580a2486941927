"""The scripted caller (see whatsapp.py)."""
import asyncio
import random
import re
import time

import numpy as np
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError
from aiortc.rtp import RtpPacket

from whatsapp import EVENTS, ScriptTrack, first_ipv4_candidate, speech


def whatsapp_like(offer):
    """aiortc's offer with telephone-event/8000 on PT 126, as WhatsApp's carries."""
    m = re.search(r"m=audio \d+ \S+ [\d ]+", offer)
    offer = offer.replace(m.group(0), m.group(0) + " 126", 1)
    return offer.replace("a=rtpmap:0 PCMU/8000", "a=rtpmap:126 telephone-event/8000\r\na=rtpmap:0 PCMU/8000", 1)


class Caller:
    def __init__(self, whatsapp, graph, call_id, number="13175551234"):
        self.whatsapp, self.graph, self.call_id, self.number = whatsapp, graph, call_id, number
        self.pc = RTCPeerConnection()
        self.track = ScriptTrack()
        self.pc.addTrack(self.track)
        self.heard = []
        self.heard_at = []      # when each decoded frame arrived (seconds since connected)
        self.log = []           # (seconds since connected, what the caller did)
        self.connected = asyncio.Event()
        self.t0 = None
        self.recv_task = None
        self.dtmf_ssrc = random.getrandbits(32)
        self.dtmf_seq = random.getrandbits(16)
        self.dtmf_ts = random.getrandbits(32)

        @self.pc.on("track")
        def on_track(track):
            self.recv_task = asyncio.ensure_future(self._record(track))

        @self.pc.on("connectionstatechange")
        def on_state():
            if self.pc.connectionState == "connected":
                self.t0 = time.time()
                self.connected.set()

    async def _record(self, track):
        try:
            while True:
                frame = await track.recv()
                data = frame.to_ndarray().astype(np.float64)
                channels = len(frame.layout.channels)
                data = data.mean(axis=0) if frame.format.is_planar else data.reshape(-1, channels).mean(axis=1)
                self.heard.append(data)
                self.heard_at.append(self.now())
                self.track.heard_back(data)
        except MediaStreamError:
            pass

    def now(self):
        return time.time() - self.t0 if self.t0 else 0.0

    def note(self, what):
        self.log.append((self.now(), what))

    async def offer(self):
        await self.pc.setLocalDescription(await self.pc.createOffer())
        return whatsapp_like(self.pc.localDescription.sdp)

    async def dial(self, offer=None, expect_accept=True, timeout=20):
        """Signed connect → pre_accept (answer applied at once) → ICE/DTLS → accept with the same SDP."""
        offer = offer or await self.offer()
        body = self.whatsapp.envelope({"id": self.call_id, "from": self.number, "to": "15550783881", "event": "connect",
                                       "timestamp": str(int(time.time())), "direction": "USER_INITIATED",
                                       "session": {"sdp_type": "offer", "sdp": offer}})
        assert self.whatsapp.post(body) == 200
        pre = await self.graph.wait_for("pre_accept", self.call_id, timeout)
        assert pre, f"no pre_accept for {self.call_id}"
        answer = pre[0]["body"]["session"]["sdp"]
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        await asyncio.wait_for(self.connected.wait(), timeout)
        if expect_accept:
            acc = await self.graph.wait_for("accept", self.call_id, timeout)
            assert acc, f"no accept for {self.call_id}"
            ok = [a for a in acc if a["body"]["session"]["sdp"] == answer]
            assert ok, "accept must carry the identical SDP answer"
        self.note("is answered (accept sent with the identical SDP)")
        return answer

    async def pick_up(self, connect, statuses=("RINGING", "ACCEPTED")):
        """A call we placed reaches this phone: WhatsApp's side answers our offer (aiortc), sends the
        `connect` webhook with its answer, and the statuses; returns once media is up."""
        self.call_id = connect["wa_call_id"]
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=connect["sdp"], type="offer"))
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        answer = self.pc.localDescription.sdp
        if "telephone-event" not in answer:
            # WhatsApp's answers keep telephone-event/8000 on PT 126 (aiortc answers Opus only).
            m = re.search(r"m=audio \d+ \S+ [\d ]+", answer)
            answer = answer.replace(m.group(0), m.group(0) + " 126", 1)
            answer = re.sub(r"(a=rtpmap:\d+ opus/48000/2\r\n)", r"\1a=rtpmap:126 telephone-event/8000\r\n", answer, count=1)
        for status in statuses[:1]:
            self.whatsapp.post(self.whatsapp.status_envelope(self.call_id, status, self.number))
        body = self.whatsapp.envelope({"id": self.call_id, "from": "15550783881", "to": self.number, "event": "connect",
                                       "timestamp": str(int(time.time())), "direction": "BUSINESS_INITIATED",
                                       "session": {"sdp_type": "answer", "sdp": answer}})
        assert self.whatsapp.post(body) == 200
        await asyncio.wait_for(self.connected.wait(), 20)
        for status in statuses[1:]:
            self.whatsapp.post(self.whatsapp.status_envelope(self.call_id, status, self.number))
        self.note("picks up (our offer answered by the phone)")

    async def wait(self, seconds):
        await asyncio.sleep(seconds)

    async def press(self, keys, duplicate=False, reorder=False, gap=0.3):
        """Each key as RFC 4733 packets (start with marker, an update, three end packets) through
        aiortc's SRTP transport; optionally every packet twice, or the packets of a press reordered."""
        transport = self.pc.getSenders()[0].transport
        for key in keys:
            self.note(f"presses {key}")
            event = EVENTS[key]
            self.dtmf_ts = (self.dtmf_ts + 8000) & 0xFFFFFFFF
            packets = []
            for i, (dur, end) in enumerate([(400, False), (800, False), (960, True), (960, True), (960, True)]):
                payload = bytes([event, (0x80 if end else 0) | 10, dur >> 8, dur & 0xFF])
                self.dtmf_seq = (self.dtmf_seq + 1) & 0xFFFF
                packets.append(RtpPacket(payload_type=126, marker=1 if i == 0 else 0, sequence_number=self.dtmf_seq,
                                         timestamp=self.dtmf_ts, ssrc=self.dtmf_ssrc, payload=payload))
            if reorder:
                packets = [packets[1], packets[0], packets[3], packets[2], packets[4]]
            for p in packets:
                for _ in range(2 if duplicate else 1):
                    await transport._send_rtp(p.serialize())
                await asyncio.sleep(0.05)
            await asyncio.sleep(gap)

    async def say(self, text, voice="en-us"):
        samples = speech(text, voice)
        self.note(f'says "{text}"')
        self.track.say_samples(samples)
        await asyncio.sleep(len(samples) / 48000 + 0.2)

    def tone_key(self, key, seconds=0.15):
        """An in-band DTMF tone in the caller's audio."""
        rows = "123A456B789C*0#D"
        r, c = divmod(rows.index(key), 4)
        t = np.arange(int(48000 * seconds)) / 48000
        self.note(f"presses {key} (in-band tone)")
        self.track.say_samples(0.3 * 16384 * (np.sin(2 * np.pi * [697, 770, 852, 941][r] * t)
                                              + np.sin(2 * np.pi * [1209, 1336, 1477, 1633][c] * t)))

    def go_silent(self):
        """The caller's network drops: nothing leaves the peer any more (no DTLS close, no BYE)."""
        self.note("goes silent on the network")
        connection = self.pc.getSenders()[0].transport.transport._connection
        for protocol in connection._protocols:
            # Every datagram (STUN answers to consent checks included) leaves through the socket.
            protocol.transport.sendto = lambda *args, **kwargs: None

    async def hang_up(self, status="COMPLETED", duration=None):
        """Closes the peer and sends WhatsApp's terminate webhook."""
        self.note("hangs up")
        await self.pc.close()
        now = int(time.time())
        call = {"id": self.call_id, "from": self.number, "to": "15550783881", "event": "terminate",
                "direction": "USER_INITIATED", "timestamp": str(now), "status": status}
        if self.t0:
            call.update({"start_time": str(int(self.t0)), "end_time": str(now), "duration": max(0, now - int(self.t0))})
        return self.whatsapp.post(self.whatsapp.envelope(call))

    async def close(self):
        await self.pc.close()

    def echo_back(self, gain=0.1):
        """From now on what the caller hears comes back in their microphone at `gain` (0.1: the
        -20 dB a phone's echo canceller leaves)."""
        self.track.echo_gain = gain

    def heard_level(self, start, end):
        """RMS of the audio that arrived between `start` and `end` (seconds since connected)."""
        frames = [f for f, t in zip(self.heard, self.heard_at) if start <= t < end]
        return float(np.sqrt(np.mean(np.concatenate(frames) ** 2))) if frames else 0.0

    def heard_samples(self):
        return np.concatenate(self.heard) if self.heard else np.zeros(0)
