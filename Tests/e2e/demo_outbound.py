"""`make demo-outbound`: one call we place, against a real ivrd, with no WhatsApp account.

Starts ivrd and the WhatsApp stand-in (a loopback Graph API that grants call permission, signed webhooks, an
aiortc phone), places a reminder call through the admin API (`POST /v1/calls`, as `ivrd call` does), lets the
phone answer our offer, presses 1, and prints what happened, then the console URL of the call (ivrd keeps
running until Enter when run from a terminal).
"""
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "daemon"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from ivrd_harness import ADMIN_TOKEN, Daemon, wait_for  # noqa: E402
from caller import Caller  # noqa: E402
from prompts import recognise_prompts  # noqa: E402
from test_scenarios import media_ip  # noqa: E402
from whatsapp import GraphAPI, WhatsApp  # noqa: E402

SECRET = "demo-app-secret"
NUMBER = "106540352242922"   # the business number we call from
USER = "13175550142"
WA_CALL_ID = "wacid.PLACED1"   # the id the Graph stand-in gives the calls we place


async def main():
    graph = GraphAPI()
    with tempfile.TemporaryDirectory() as tmp:
        d = Daemon(Path(tmp), {"IVR_APP_SECRET": SECRET, "IVR_VERIFY_TOKEN": "demo", "IVR_ACCESS_TOKEN": "demo-token",
                               "IVR_GRAPH_URL": graph.url, "IVR_MEDIA_IP": await media_ip(),
                               "IVR_OUTBOUND_PHONE_NUMBER_ID": NUMBER})
        phone = None
        try:
            print(f"ivrd is listening on {d.base} (admin {d.admin_base}); the Graph API stand-in on {graph.url}\n")
            request = {"to": "+" + USER, "flow": "reminder", "vars": {"name": "Ana"}, "biz_opaque_callback_data": "demo-7"}
            started = time.time()
            status, text = d.admin_post("/v1/calls", request)
            if status != 202:
                raise SystemExit(f"POST /v1/calls answered {status}: {text}")
            placed = json.loads(text)
            print(f"you → ivrd:     POST /v1/calls {json.dumps(request)}")
            print(f"ivrd → you:     202 {json.dumps(placed)}")
            connect = await graph.wait_for("connect", USER)
            if not connect:
                raise SystemExit("ivrd sent no connect: " + d.logs()[-2000:])
            lookups = graph.of("call_permissions", None)
            if lookups:
                print("ivrd → Graph:   GET call_permissions (the stand-in answers: permanent, 0 of 100 calls used today)")
            offer = connect[0]["body"]["session"]["sdp"]
            print(f"ivrd → Graph:   connect after {1000 * (connect[0]['at'] - started):.0f} ms, with our SDP offer "
                  f"({'setup:actpass' if 'a=setup:actpass' in offer else 'setup?'}, Opus, telephone-event)")
            phone = Caller(WhatsApp(d.base, SECRET), graph, None, number=USER)
            try:
                await phone.pick_up({"wa_call_id": WA_CALL_ID, "sdp": offer})
            except asyncio.TimeoutError:
                raise SystemExit("media did not come up with the phone; ivrd's log:\n" + d.logs()[-3000:])
            print("WhatsApp → ivrd: RINGING, the phone's answer in a signed `connect` webhook, ACCEPTED; media is up\n")
            await phone.wait(9.0)        # the greeting (say:) and the whole confirm menu prompt
            await phone.press("1")
            await phone.wait(4.0)
            await graph.wait_for("terminate", None, timeout=20)
            wait_for(lambda: d.rows("select finalized_at from calls where id = ?", placed["id"]) != [(None,)])

            print("What the user heard and did:")
            events = [(t, f"hears prompt '{pid}' (match {corr:.2f})") for t, pid, corr in recognise_prompts(phone.heard_samples())]
            events += [(t, what) for t, what in phone.log]
            for t, what in sorted(events):
                print(f"  [{t:5.1f} s] user {what}")
            print("\nFlow path:", " → ".join(d.events(placed["id"], "step")))
            (status, end_reason, direction), = d.rows("select status, end_reason, direction from calls where id = ?",
                                                      placed["id"])
            print(f"Outcome:   {status} ({end_reason}), {direction}")
            (unanswered,), = d.rows("select consecutive_unanswered from permissions where user_id = ?", USER)
            print(f"Permission: the user's unanswered calls in a row: {unanswered}")
            print(f"\nConsole: {d.admin_base}/calls/{placed['id']}  (log in with the admin token {ADMIN_TOKEN})")
            if sys.stdin.isatty():
                input("ivrd keeps running for the console; press Enter to stop it. ")
        finally:
            if phone:
                await phone.close()
            d.stop()
            graph.close()


if __name__ == "__main__":
    asyncio.run(main())
