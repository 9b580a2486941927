"""Whole calls against a real `ivrd serve`: signed webhooks, automatic answer, prompts heard,
menus answered by key and by voice, branches, end, outcome, follow-up."""
import asyncio
import json
import shutil
import wave

from aiortc import RTCPeerConnection

from caller import Caller
from prompts import recognise_prompts
from whatsapp import ROOT, first_ipv4_candidate


async def media_ip():
    pc = RTCPeerConnection()
    pc.addTransceiver("audio")
    await pc.setLocalDescription(await pc.createOffer())
    ip = first_ipv4_candidate(pc.localDescription.sdp)
    await pc.close()
    return ip


def heard_ids(caller):
    return [pid for _, pid, _ in recognise_prompts(caller.heard_samples())]


def outcome_lines(d):
    return [json.loads(l) for l in d.logs().splitlines() if '"call.outcome"' in l]


def test_dtmf_through_the_support_menu_then_hang_up(start, graph):
    async def scenario():
        d, wa = start(await media_ip())
        c = Caller(wa, graph, "wacid.E2E-DTMF")
        await c.dial()
        await c.wait(1.0)
        await c.press("2")        # barge in on the welcome prompt
        await c.wait(2.5)
        assert await c.hang_up() == 200
        msgs = await graph.wait_for("messages", "13175551234")
        found = recognise_prompts(c.heard_samples())
        # The prompts we play, decoded by aiortc, match the files' energy envelopes (≥ 0.9).
        assert all(corr >= 0.9 for _, _, corr in found)
        heard = [pid for _, pid, _ in found]
        return d, heard, msgs

    d, heard, msgs = asyncio.run(scenario())
    assert "support" in heard, heard
    assert "sales" not in heard
    assert d.rows("select status from calls where id = 'wacid.E2E-DTMF'") == [("completed",)]
    lines = outcome_lines(d)
    assert len(lines) == 1 and lines[0]["call_id"] == "wacid.E2E-DTMF"
    assert msgs and msgs[0]["body"]["type"] == "interactive"
    assert msgs[0]["body"]["interactive"]["action"]["parameters"]["payload"] == "support-followup"


def test_rfc4733_keys_with_duplicates_and_reordering_arrive_once_each(start, graph):
    async def scenario():
        d, wa = start(await media_ip())
        c = Caller(wa, graph, "wacid.E2E-KEYS")
        await c.dial()
        await c.press("12#", duplicate=True, reorder=True)
        await c.wait(0.5)
        await c.hang_up()
        return d

    d = asyncio.run(scenario())
    keys = d.events("wacid.E2E-KEYS", "key")
    assert "".join(keys) == "12#", keys


def test_no_input_retries_then_goodbye_and_the_server_hangs_up(start, graph):
    async def scenario():
        d, wa = start(await media_ip())
        c = Caller(wa, graph, "wacid.E2E-SILENT")
        await c.dial()
        term = await graph.wait_for("terminate", "wacid.E2E-SILENT", timeout=60)
        assert term, "the server ends the call itself after the retries"
        msgs = await graph.wait_for("messages", "13175551234")
        heard = heard_ids(c)
        await c.close()
        return d, heard, msgs

    d, heard, msgs = asyncio.run(scenario())
    assert heard.count("no_input") >= 2 and heard[-1] == "goodbye", heard
    assert d.rows("select status, end_reason from calls where id = 'wacid.E2E-SILENT'") == [("completed", "hangup")]
    assert msgs and msgs[0]["body"]["type"] == "template", json.dumps(outcome_lines(d))
    assert msgs[0]["body"]["template"]["name"] == "missed_call_menu"


def test_a_badly_signed_webhook_mid_call_gets_401_and_the_call_carries_on(start, graph):
    async def scenario():
        d, wa = start(await media_ip())
        c = Caller(wa, graph, "wacid.E2E-BADSIG")
        await c.dial()
        forged = wa.envelope({"id": "wacid.E2E-BADSIG", "from": "13175551234", "event": "terminate", "status": "COMPLETED"})
        assert wa.post(forged, secret="not-the-app-secret") == 401
        await c.wait(0.5)
        await c.press("2")
        await c.wait(2.5)
        heard = heard_ids(c)
        await c.hang_up()
        return d, heard

    d, heard = asyncio.run(scenario())
    assert "support" in heard, heard
    assert d.rows("select status from calls where id = 'wacid.E2E-BADSIG'") == [("completed",)]


def test_accept_failing_once_with_500_is_retried_and_the_call_connects(start, graph):
    async def scenario():
        d, wa = start(await media_ip())
        graph.fail("accept", 500, times=1)
        c = Caller(wa, graph, "wacid.E2E-RETRY")
        await c.dial(expect_accept=False)
        for _ in range(100):
            if len(graph.of("accept", "wacid.E2E-RETRY")) >= 2:
                break
            await asyncio.sleep(0.1)
        accepts = graph.of("accept", "wacid.E2E-RETRY")
        await c.wait(1.0)
        status = d.rows("select status from calls where id = 'wacid.E2E-RETRY'")
        await c.hang_up()
        return accepts, status

    accepts, status = asyncio.run(scenario())
    assert len(accepts) == 2 and accepts[0]["body"] == accepts[1]["body"]
    assert status == [("accepted",)]


def test_the_same_connect_delivered_twice_is_one_call(start, graph):
    async def scenario():
        d, wa = start(await media_ip())
        c = Caller(wa, graph, "wacid.E2E-DUP")
        offer = await c.offer()
        body = wa.envelope({"id": "wacid.E2E-DUP", "from": "13175551234", "event": "connect",
                            "session": {"sdp_type": "offer", "sdp": offer}})
        assert wa.post(body) == 200
        assert wa.post(body) == 200
        await c.dial(offer=offer)   # delivers a third time, then completes the call
        await c.wait(0.5)
        await c.hang_up()
        return d

    d = asyncio.run(scenario())
    assert len(graph.of("pre_accept", "wacid.E2E-DUP")) == 1
    assert len(graph.of("accept", "wacid.E2E-DUP")) == 1
    assert d.rows("select count(*) from calls where id = 'wacid.E2E-DUP'") == [(1,)]


def test_twenty_calls_at_once_all_complete(start, graph):
    async def one(wa, i):
        c = Caller(wa, graph, f"wacid.E2E-MANY-{i:02d}", number=f"1317555{i:04d}")
        await c.dial(timeout=40)
        await c.wait(1.0)
        await c.press("2")
        await c.wait(1.0)
        await c.hang_up()

    async def scenario():
        d, wa = start(await media_ip())
        await asyncio.gather(*(one(wa, i) for i in range(20)))
        return d

    d = asyncio.run(scenario())
    from ivrd_harness import wait_for
    assert wait_for(lambda: d.rows("select count(*) from calls where id like 'wacid.E2E-MANY-%' and finalized_at is not null")
                    == [(20,)], attempts=400)
    rows = d.rows("select status from calls where id like 'wacid.E2E-MANY-%'")
    assert rows == [("completed",)] * 20, d.rows("select id, status, end_reason, reason from calls")
    # The outcome line is written right after the row's commit: wait for it rather than race it.
    assert wait_for(lambda: len(outcome_lines(d)) == 20, attempts=200), len(outcome_lines(d))
    for i in range(20):
        keys = d.rows("select detail from call_events where call_id = ? and kind = 'key'", f"wacid.E2E-MANY-{i:02d}")
        assert keys == [("2",)], (i, keys)


HOLD_FLOW = """
name: hold
numbers: ["100000000000009"]
start: wait
steps:
  wait:
    gather:
      prompt: welcome
      into: code
      max_digits: 4
      first_digit_timeout: 60s
      timeout: 60s
      on_failure: bye
    next: bye
  bye:
    hangup: completed
"""


def flows_with(tmp_path, name, text):
    """The repository's flows plus one written for a scenario."""
    flows = tmp_path / "Flows"
    shutil.copytree(ROOT / "Flows", flows)
    (flows / name).write_text(text)
    return str(flows)


def test_a_caller_gone_silent_is_ended_by_consent_loss(start, graph, tmp_path):
    async def scenario():
        d, wa = start(await media_ip(), IVR_FLOWS=flows_with(tmp_path, "hold.yaml", HOLD_FLOW))
        wa.phone_number_id = "100000000000009"
        c = Caller(wa, graph, "wacid.E2E-GONE")
        await c.dial()
        await c.wait(0.5)
        c.go_silent()
        term = await graph.wait_for("terminate", "wacid.E2E-GONE", timeout=50)
        await c.close()
        return d, term

    d, term = asyncio.run(scenario())
    assert term, "we terminate the call when consent is lost"
    (reason, end_reason), = d.rows("select reason, end_reason from calls where id = 'wacid.E2E-GONE'")
    assert end_reason == "consent_lost", (reason, end_reason)
    assert "ICE consent lost" in reason


class Bookings:
    """A local stand-in for the booking service the appointment flow calls."""

    def __init__(self):
        import http.server
        import threading
        self.requests = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.requests.append((self.path, json.loads(body) if body else None))
                reply = json.dumps({"found": True, "appointment": {"slot": "Tuesday 10:30"}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_digits_and_an_http_call_out_drive_the_appointment_flow(start, graph, tmp_path):
    bookings = Bookings()
    text = (ROOT / "Flows" / "appointment.yaml").read_text().replace("https://bookings.example.com/api", bookings.url)
    # The stand-in listens on loopback, which call-outs may reach only when the flow allows it.
    text = text.replace("\nstart:", "\nhttp_allow: [127.0.0.1]\nstart:", 1)

    async def scenario():
        flows = tmp_path / "Flows"
        shutil.copytree(ROOT / "Flows", flows)
        (flows / "appointment.yaml").write_text(text)
        d, wa = start(await media_ip(), IVR_FLOWS=str(flows))
        wa.phone_number_id = "100000000000001"
        c = Caller(wa, graph, "wacid.E2E-APPT")
        await c.dial()
        await c.wait(1.0)
        await c.press("123456#")
        await c.wait(3.0)          # the lookup, then the confirm menu prompt
        await c.press("1")
        term = await graph.wait_for("terminate", "wacid.E2E-APPT", timeout=30)
        heard = heard_ids(c)
        await c.close()
        return d, term, heard

    d, term, heard = asyncio.run(scenario())
    bookings.server.shutdown()
    assert term, "the flow ends the call after the goodbye"
    paths = [p for p, _ in bookings.requests]
    assert paths == ["/lookup", "/confirm/123456"], bookings.requests
    assert bookings.requests[0][1] == {"code": "123456", "caller": "13175551234"}
    assert "confirmed" in heard and "code_not_found" not in heard, heard
    steps = d.events("wacid.E2E-APPT", "step")
    assert steps[:4] == ["ask_code", "lookup", "check", "confirm_menu"] or "confirm" in steps, steps
    # `redact: [code]`: the booking code leaves the call only towards the booking service. Not in any
    # log line, event, input, variable, outcome line or outbox row, nor as the keys that typed it.
    secret = "123456"
    assert secret not in d.logs()
    for table in ("calls", "call_events", "outbox", "webhook_deliveries"):
        for row in d.rows(f"select * from {table}"):
            assert secret not in " ".join(str(v) for v in row), (table, row)
    keys = d.events("wacid.E2E-APPT", "key")
    # Six masked digits (the gather ends at max_digits), the '#' after them and the menu's 1 in clear.
    assert keys == ["***"] * 6 + ["#", "1"], keys
    http = d.events("wacid.E2E-APPT", "http")
    assert any(h.endswith("/confirm/***") for h in http), http
    # Nor where the call is shown: the API, the console's call page, the flow's funnel, the metrics.
    for path in ("/v1/calls/wacid.E2E-APPT", "/calls/wacid.E2E-APPT", "/v1/flows/appointment/stats?since=1d&version=all",
                 "/metrics"):
        status, body = d.admin_get(path)
        assert status == 200, (path, status, body[:200])
        assert secret not in body, path


def test_the_menu_answered_by_voice(start, graph):
    async def scenario():
        d, wa = start(await media_ip())
        c = Caller(wa, graph, "wacid.E2E-VOICE")
        await c.dial()
        await c.wait(3.0)           # the welcome prompt, then the menu prompt starts
        await c.say("support")
        await c.wait(3.0)
        heard = heard_ids(c)
        await c.hang_up()
        return d, heard

    d, heard = asyncio.run(scenario())
    keywords = d.rows("select detail from call_events where call_id = 'wacid.E2E-VOICE' and kind = 'keyword'")
    assert keywords and keywords[0][0].startswith("support@"), (keywords, d.logs()[-3000:])
    assert "support" in heard, heard
    steps = d.events("wacid.E2E-VOICE", "step")
    assert "support" in steps and "sales" not in steps, steps


def test_an_in_band_key_answers_the_menu(start, graph):
    async def scenario():
        d, wa = start(await media_ip())
        c = Caller(wa, graph, "wacid.E2E-INBAND")
        await c.dial()
        await c.wait(3.0)           # the welcome prompt, then the menu listens
        c.tone_key("2")             # tones in the audio only: no RFC 4733 packets
        await c.wait(3.0)
        heard = heard_ids(c)
        await c.hang_up()
        return d, heard

    d, heard = asyncio.run(scenario())
    keys = d.events("wacid.E2E-INBAND", "key")
    assert keys == ["2"], (keys, d.logs()[-3000:])
    assert "support" in heard, heard
    metrics = d.get("/metrics")[1]
    assert 'ivr_caller_inputs_total{kind="dtmf_inband"}' in metrics, metrics


def recording(tmp_path, call_id):
    """(sample rate, seconds) of the call's voicemail file."""
    with wave.open(str(tmp_path / "var" / "recordings" / f"{call_id.replace('.', '_')}-take_message.wav")) as w:
        return w.getframerate(), w.getnframes() / w.getframerate()


def test_a_voicemail_ends_on_the_finish_key(start, graph, tmp_path):
    async def scenario():
        d, wa = start(await media_ip())
        wa.phone_number_id = "100000000000002"
        c = Caller(wa, graph, "wacid.E2E-VMKEY")
        await c.dial()
        # "closed", the consent announcement (3.8 s) and its 1 s window, "leave a message", then two
        # seconds of quiet recorded.
        await c.wait(8.8)
        await c.press("#")
        term = await graph.wait_for("terminate", "wacid.E2E-VMKEY", timeout=20)
        await c.close()
        return d, term

    d, term = asyncio.run(scenario())
    assert term, "the flow says the message is saved and hangs up"
    steps = d.events("wacid.E2E-VMKEY", "step")
    assert steps == ["closed", "take_message", "saved", "end"], steps
    keys = d.events("wacid.E2E-VMKEY", "key")
    assert keys == ["#"], keys
    rate, seconds = recording(tmp_path, "wacid.E2E-VMKEY")
    assert rate == 16000 and 1.0 < seconds < 4.0, (rate, seconds)


def test_a_voicemail_ends_when_the_caller_stops_speaking(start, graph, tmp_path):
    async def scenario():
        d, wa = start(await media_ip())
        wa.phone_number_id = "100000000000002"
        c = Caller(wa, graph, "wacid.E2E-VMTALK")
        await c.dial()
        await c.wait(7.3)           # "closed", the consent announcement and window, then "leave a message"
        await c.say("please call me back about my order")
        term = await graph.wait_for("terminate", "wacid.E2E-VMTALK", timeout=20)
        await c.close()
        return d, term

    d, term = asyncio.run(scenario())
    assert term, "the flow says the message is saved and hangs up"
    steps = d.events("wacid.E2E-VMTALK", "step")
    assert steps == ["closed", "take_message", "saved", "end"], steps
    rate, seconds = recording(tmp_path, "wacid.E2E-VMTALK")
    assert rate == 16000 and 1.0 < seconds < 8.0, (rate, seconds)
