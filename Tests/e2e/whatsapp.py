"""A WhatsApp stand-in for end-to-end tests and `make demo`.

- `GraphAPI`: the Graph API on loopback. Records every request, answers like Meta (wamids for
  messages), can fail a given action a given number of times, and hands each `pre_accept` answer to
  the caller at once (WhatsApp applies it so media connects before `accept`).
- `WhatsApp`: signs and sends webhooks to ivrd with the app secret.
- `Caller`: an aiortc peer standing in for the user's phone. Its offer is made WhatsApp-like where
  aiortc allows (telephone-event/8000 on PT 126 added); it follows a script (wait, press keys as
  RFC 4733 packets through aiortc's SRTP transport, speak espeak-ng phrases, go silent, hang up),
  and records what it hears.
- `recognise_prompts`: which prompt files the caller heard, by energy-envelope correlation.
"""
import asyncio
import collections
import fractions
import hashlib
import hmac
import http.server
import json
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import av
import numpy as np
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError
from aiortc.rtp import RtpPacket

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "interop"))
from peer import envelope, first_ipv4_candidate, read_wav_48k  # noqa: E402

RATE, FRAME = 48000, 960
PHONE_NUMBER_ID = "106540352242922"
EVENTS = {**{str(d): d for d in range(10)}, "*": 10, "#": 11, "A": 12, "B": 13, "C": 14, "D": 15}


class GraphAPI:
    def __init__(self, host="127.0.0.1"):
        self.requests = []
        self.failures = collections.defaultdict(list)  # action → [status, …] to answer first
        self.answers = {}                               # call id → SDP from pre_accept
        self.lock = threading.Lock()
        self.wamids = 0
        self.delay = 0.0                                # seconds each answer waits (Graph's latency, for benchmarks)
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                # call_permissions: the user granted a permanent permission (calls we place).
                with outer.lock:
                    outer.requests.append({"path": self.path, "action": "call_permissions", "body": {}, "at": time.time(),
                                           "headers": dict(self.headers)})
                data = json.dumps({"messaging_product": "whatsapp", "permission": {"status": "permanent"},
                                   "actions": [{"action_name": "start_call", "can_perform_action": True, "limits": [
                                       {"time_period": "PT24H", "max_allowed": 100, "current_usage": 0}]}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                body = json.loads(raw)
                if outer.delay:
                    time.sleep(outer.delay)
                action = body.get("action") or ("messages" if self.path.endswith("/messages") else "?")
                with outer.lock:
                    outer.requests.append({"path": self.path, "action": action, "body": body, "at": time.time(),
                                           "headers": dict(self.headers)})
                    status = outer.failures[action].pop(0) if outer.failures[action] else 200
                    if status == 200 and action == "pre_accept":
                        outer.answers[body["call_id"]] = body["session"]["sdp"]
                    if status != 200:
                        reply = {"error": {"message": "stand-in failure", "type": "OAuthException", "code": 1,
                                           "fbtrace_id": "STANDIN"}}
                    elif action == "connect":
                        outer.wamids += 1
                        reply = {"messaging_product": "whatsapp", "calls": [{"id": f"wacid.PLACED{outer.wamids}"}]}
                    elif action == "messages":
                        outer.wamids += 1
                        reply = {"messaging_product": "whatsapp", "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                                 "messages": [{"id": f"wamid.STANDIN{outer.wamids}"}]}
                    else:
                        reply = {"messaging_product": "whatsapp", "success": True}
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer((host, 0), Handler)
        self.url = f"http://{host}:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def fail(self, action, status=500, times=1):
        with self.lock:
            self.failures[action] += [status] * times

    def of(self, action, call_id=None):
        with self.lock:
            return [r for r in self.requests if r["action"] == action
                    and (call_id is None or r["body"].get("call_id") == call_id or r["body"].get("to") == call_id)]

    async def wait_for(self, action, call_id=None, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = self.of(action, call_id)
            if found:
                return found
            await asyncio.sleep(0.05)
        return []

    def close(self):
        self.server.shutdown()


class WhatsApp:
    """Sends signed webhooks to ivrd."""

    def __init__(self, ivrd_url, secret, phone_number_id=PHONE_NUMBER_ID):
        self.url, self.secret, self.phone_number_id = ivrd_url, secret, phone_number_id

    def envelope(self, call):
        value = {"messaging_product": "whatsapp",
                 "metadata": {"phone_number_id": self.phone_number_id, "display_phone_number": "15550783881"},
                 "contacts": [{"profile": {"name": "Test Caller"}, "wa_id": call.get("from", "")}],
                 "calls": [call]}
        return json.dumps({"object": "whatsapp_business_account",
                           "entry": [{"id": "102290129340398", "changes": [{"field": "calls", "value": value}]}]}).encode()

    def status_envelope(self, call_id, status, recipient):
        value = {"messaging_product": "whatsapp",
                 "metadata": {"phone_number_id": self.phone_number_id, "display_phone_number": "15550783881"},
                 "statuses": [{"id": call_id, "timestamp": str(int(time.time())), "type": "call", "status": status,
                               "recipient_id": recipient}]}
        return json.dumps({"object": "whatsapp_business_account",
                           "entry": [{"id": "102290129340398", "changes": [{"field": "calls", "value": value}]}]}).encode()

    def post(self, body, secret=None):
        sig = "sha256=" + hmac.new((secret or self.secret).encode(), body, hashlib.sha256).hexdigest()
        req = urllib.request.Request(self.url + "/webhook", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "X-Hub-Signature-256": sig})
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code


class ScriptTrack(AudioStreamTrack):
    """The caller's microphone: plays queued samples, silence otherwise, paced at 20 ms."""

    def __init__(self):
        super().__init__()
        self.queue = collections.deque()
        self.start = None
        self.pts = 0
        # What the phone's echo canceller leaves of what it plays: None (a perfect canceller), or
        # the gain at which the audio received is mixed back into the microphone (0.1 = -20 dB).
        self.echo_gain = None
        self.echo = collections.deque()

    def heard_back(self, samples):
        """Audio the phone played (48 kHz mono): it comes back in the microphone at `echo_gain`."""
        if self.echo_gain is not None:
            self.echo.extend(np.asarray(samples, dtype=np.float64) * self.echo_gain)

    def say_samples(self, samples):
        samples = np.asarray(samples, dtype=np.int16)
        for i in range(0, len(samples), FRAME):
            chunk = samples[i:i + FRAME]
            if len(chunk) < FRAME:
                chunk = np.concatenate([chunk, np.zeros(FRAME - len(chunk), dtype=np.int16)])
            self.queue.append(chunk)

    async def recv(self):
        if self.readyState != "live":
            raise MediaStreamError
        loop = asyncio.get_event_loop()
        if self.start is None:
            self.start = loop.time()
        else:
            self.pts += FRAME
            wait = self.start + self.pts / RATE - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
        chunk = self.queue.popleft() if self.queue else np.zeros(FRAME, dtype=np.int16)
        if self.echo:
            echo = np.array([self.echo.popleft() for _ in range(min(FRAME, len(self.echo)))])
            mixed = chunk.astype(np.float64)
            mixed[:len(echo)] += echo
            chunk = np.clip(np.round(mixed), -32768, 32767).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate, frame.pts, frame.time_base = RATE, self.pts, fractions.Fraction(1, RATE)
        return frame


def speech(text, voice="en-us", rate=150):
    """espeak-ng speech as 48 kHz samples."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "say.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(path), text], check=True)
        return read_wav_48k(path)
