"""A whole call's setup against independent parts: a signed connect carrying aiortc's offer,
pre_accept with our answer (which aiortc applies, as WhatsApp does), ICE+DTLS, accept with the
identical answer, media flowing, then terminate."""
import asyncio
import json
import sys
import threading
from pathlib import Path

import numpy as np

from conftest import FIXTURES, sign, wait_for

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "interop"))
from peer import Peer, first_ipv4_candidate  # noqa: E402

SECRET = "media-secret"


def envelope(event, call_id, **fields):
    call = {"id": call_id, "from": "13175551234", "to": "15550783881", "event": event, "timestamp": "1764070000"}
    call.update(fields)
    value = {"messaging_product": "whatsapp",
             "metadata": {"phone_number_id": "106540352242922", "display_phone_number": "15550783881"},
             "calls": [call]}
    return json.dumps({"object": "whatsapp_business_account",
                       "entry": [{"id": "1", "changes": [{"field": "calls", "value": value}]}]}).encode()


def actions(graph, name):
    """The Graph requests with this call action (pre_accept, accept, reject, terminate)."""
    return [r for r in graph.requests if r["body"].get("action") == name]


async def wait_action(graph, name, attempts=200):
    """The requests with this action once there is one (or none after `attempts` × 50 ms)."""
    for _ in range(attempts):
        if actions(graph, name):
            break
        await asyncio.sleep(0.05)
    return actions(graph, name)


def test_connect_pre_accept_connected_accept_terminate(daemon_factory, graph):
    async def scenario():
        peer = Peer(np.zeros(48000 * 10))
        offer = await peer.offer()
        d = daemon_factory(IVR_APP_SECRET=SECRET, IVR_VERIFY_TOKEN="t", IVR_ACCESS_TOKEN="a",
                           IVR_GRAPH_URL=graph.url, IVR_MEDIA_IP=first_ipv4_candidate(offer))
        body = envelope("connect", "wacid.MEDIA1", session={"sdp_type": "offer", "sdp": offer})
        status, _ = d.post("/webhook", body, {"X-Hub-Signature-256": sign(body, SECRET)})
        assert status == 200

        pre = await wait_action(graph, "pre_accept")
        assert pre, f"no pre_accept; requests: {graph.requests}\n{d.logs()}"
        answer = pre[0]["body"]["session"]["sdp"]
        assert pre[0]["body"]["session"]["sdp_type"] == "answer"
        await peer.apply_answer(answer)
        await asyncio.wait_for(peer.connected.wait(), 15)
        acc = await wait_action(graph, "accept")
        assert acc, f"no accept; requests: {graph.requests}\n{d.logs()}"
        assert acc[0]["body"]["session"]["sdp"] == answer, "accept must carry the identical answer"
        assert wait_for(lambda: d.rows("select status from calls where id = ?", "wacid.MEDIA1") == [("accepted",)])
        await asyncio.sleep(1.5)
        received = len(peer.received)
        assert received >= 25, f"media keeps flowing after accept (silence frames); got {received} frames"

        body = envelope("terminate", "wacid.MEDIA1", status="Completed", duration=3,
                        start_time="1764070001", end_time="1764070004")
        assert d.post("/webhook", body, {"X-Hub-Signature-256": sign(body, SECRET)})[0] == 200
        assert wait_for(lambda: d.rows("select status from calls where id = ?", "wacid.MEDIA1") == [("completed",)])
        await peer.close()
        assert not actions(graph, "reject") and not actions(graph, "terminate")

    asyncio.run(scenario())


def test_a_call_whose_media_never_connects_is_refused_with_the_reason(daemon_factory, graph):
    # The fixture offer's addresses and fingerprint are made up: ICE can never complete.
    d = daemon_factory(IVR_APP_SECRET=SECRET, IVR_VERIFY_TOKEN="t", IVR_ACCESS_TOKEN="a",
                       IVR_GRAPH_URL=graph.url, IVR_MEDIA_IP="127.0.0.1", IVR_MEDIA_CONNECT_TIMEOUT="2")
    body = (FIXTURES / "connect.json").read_bytes()
    assert d.post("/webhook", body, {"X-Hub-Signature-256": sign(body, SECRET)})[0] == 200
    call_id = json.loads(body)["entry"][0]["changes"][0]["value"]["calls"][0]["id"]
    assert wait_for(lambda: d.rows("select status from calls where id = ?", call_id) == [("rejected",)], attempts=300)
    (reason,), = d.rows("select reason from calls where id = ?", call_id)
    assert reason.startswith("media did not connect"), reason
    actions = [r["body"]["action"] for r in graph.requests]
    assert actions == ["pre_accept", "reject"], actions


def dtmf_tone(digit, seconds=0.15, level=0.3):
    rows = {"1": 697, "2": 697, "3": 697, "4": 770, "5": 770, "6": 770, "7": 852, "8": 852, "9": 852,
            "*": 941, "0": 941, "#": 941}
    cols = {"1": 1209, "2": 1336, "3": 1477, "4": 1209, "5": 1336, "6": 1477, "7": 1209, "8": 1336, "9": 1477,
            "*": 1209, "0": 1336, "#": 1477}
    t = np.arange(int(48000 * seconds)) / 48000
    return level * 16384 * (np.sin(2 * np.pi * rows[digit] * t) + np.sin(2 * np.pi * cols[digit] * t))


async def keyed_call(daemon_factory, graph, digit, call_id, envelope_for=None, **env):
    """A real call (aiortc) whose caller presses `digit` 2.5 s after the media is up (in-band DTMF: aiortc has
    no RFC 4733 sender), run until the flow hangs up (terminate). Returns the daemon."""
    audio = np.concatenate([np.zeros(int(48000 * 2.5)), dtmf_tone(digit), np.zeros(48000 * 20)])
    peer = Peer(audio)
    offer = await peer.offer()
    d = daemon_factory(IVR_APP_SECRET=SECRET, IVR_VERIFY_TOKEN="t", IVR_ACCESS_TOKEN="a",
                       IVR_GRAPH_URL=graph.url, IVR_MEDIA_IP=first_ipv4_candidate(offer), **env)
    body = (envelope_for or envelope)("connect", call_id, session={"sdp_type": "offer", "sdp": offer})
    assert d.post("/webhook", body, {"X-Hub-Signature-256": sign(body, SECRET)})[0] == 200

    pre = await wait_action(graph, "pre_accept")
    assert pre, d.logs()
    await peer.apply_answer(pre[0]["body"]["session"]["sdp"])
    assert await wait_action(graph, "terminate", attempts=600), \
        f"the flow did not hang up: {graph.requests}\n{d.logs()[-4000:]}"
    await peer.close()
    return d


def test_the_caller_presses_2_and_the_flow_takes_the_support_branch(daemon_factory, graph):
    """In-band DTMF decoded by our Goertzel detector drives main.yaml."""
    async def scenario():
        # The flow: welcome (barge-in) → key 2 → support → goodbye → hangup, which sends terminate.
        d = await keyed_call(daemon_factory, graph, "2", "wacid.DTMF2")
        assert wait_for(lambda: d.rows("select finalized_at is not null, status from calls where id = ?",
                                       "wacid.DTMF2") == [(1, "completed")])
        steps = d.events("wacid.DTMF2", "step")
        assert "support" in steps and "sales" not in steps, steps
        keys = d.rows("select detail from call_events where call_id = ? and kind = 'key'", "wacid.DTMF2")
        assert keys == [("2",)], keys
        outcome = [json.loads(l) for l in d.logs().splitlines() if '"call.outcome"' in l]
        assert len(outcome) == 1, "exactly one outcome line per call"

    asyncio.run(scenario())
