"""The comparison server: what a user would otherwise deploy, a small aiortc-based WhatsApp calling
server (aiohttp for the webhook and the Graph API, aiortc for the media).

It does what ivrd does for the benchmark's calls, the Python way: checks the webhook signature,
answers the `connect` offer with aiortc, sends `pre_accept` then `accept` with the same SDP, plays
the menu prompt (looped) and decodes the caller's audio into a sink; `terminate` closes the call.
It runs no flow, so the load generator hangs up.

    python3 aiortc_server.py --port 18081 --graph-url http://127.0.0.1:18900 --secret S --prompt Prompts/main_menu.wav
"""
import argparse
import asyncio
import hashlib
import hmac
import json
import logging

from aiohttp import ClientSession, ClientTimeout, web
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaBlackhole, MediaPlayer


class Server:
    def __init__(self, args):
        self.args = args
        self.secret = args.secret.encode()
        self.calls = {}  # call id → (peer connection, player, sink)
        self.http = None

    async def webhook(self, request):
        raw = await request.read()
        expected = "sha256=" + hmac.new(self.secret, raw, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(request.headers.get("X-Hub-Signature-256", ""), expected):
            return web.Response(status=401, text="bad signature")
        try:
            body = json.loads(raw)
            changes = [c for e in body["entry"] for c in e["changes"] if c.get("field") == "calls"]
        except (ValueError, KeyError, TypeError):
            return web.Response(status=400, text="malformed webhook")
        for change in changes:
            value = change["value"]
            phone_id = value.get("metadata", {}).get("phone_number_id", "")
            for call in value.get("calls", []):
                if call.get("event") == "connect" and call["id"] not in self.calls:
                    self.calls[call["id"]] = None
                    asyncio.ensure_future(self.answer(call, phone_id))
                elif call.get("event") == "terminate":
                    entry = self.calls.pop(call["id"], None)
                    if entry:
                        asyncio.ensure_future(self.hang_up(*entry))
        return web.Response(status=200)

    async def answer(self, call, phone_id):
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        player = MediaPlayer(self.args.prompt, loop=True)
        sink = MediaBlackhole()
        pc.addTrack(player.audio)
        connected = asyncio.Event()

        @pc.on("track")
        def on_track(track):
            sink.addTrack(track)

        @pc.on("connectionstatechange")
        def on_state():
            if pc.connectionState == "connected":
                connected.set()

        self.calls[call["id"]] = (pc, player, sink)
        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=call["session"]["sdp"], type="offer"))
            await pc.setLocalDescription(await pc.createAnswer())
            await sink.start()
            sdp = pc.localDescription.sdp
            await self.action(phone_id, call["id"], "pre_accept", sdp)
            await asyncio.wait_for(connected.wait(), 20)
            await self.action(phone_id, call["id"], "accept", sdp)
        except Exception as e:  # a failed call must not stop the server
            logging.warning("call %s failed: %s", call["id"], e)
            entry = self.calls.pop(call["id"], None)
            if entry:
                await self.hang_up(*entry)

    async def action(self, phone_id, call_id, action, sdp):
        body = {"messaging_product": "whatsapp", "call_id": call_id, "action": action,
                "session": {"sdp_type": "answer", "sdp": sdp}}
        url = f"{self.args.graph_url}/v21.0/{phone_id}/calls"
        async with self.http.post(url, json=body, headers={"Authorization": "Bearer bench"}) as r:
            if r.status != 200:
                raise RuntimeError(f"{action} answered {r.status}")

    async def hang_up(self, pc, player, sink):
        await sink.stop()
        await pc.close()

    async def run(self):
        self.http = ClientSession(timeout=ClientTimeout(total=30))
        app = web.Application()
        app.router.add_post("/webhook", self.webhook)
        app.router.add_get("/healthz", lambda _: web.json_response({"status": "ok"}))
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.args.port).start()
        await asyncio.Event().wait()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=18081)
    p.add_argument("--graph-url", default="http://127.0.0.1:18900")
    p.add_argument("--secret", default="bench-secret")
    p.add_argument("--prompt", default="Prompts/main_menu.wav")
    args = p.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(Server(args).run())


if __name__ == "__main__":
    main()
