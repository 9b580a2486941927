"""`make demo`: one scripted WhatsApp call against a real ivrd, with no WhatsApp account.

Starts ivrd and the WhatsApp stand-in (signed webhooks, a loopback Graph API, an aiortc caller),
places a call to the example support line, presses 2, listens, hangs up, and prints what happened,
then the console URL of the call (ivrd keeps running until Enter when run from a terminal).
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
CALL_ID = "wacid.DEMO-0001"


async def main():
    graph = GraphAPI()
    with tempfile.TemporaryDirectory() as tmp:
        d = Daemon(Path(tmp), {"IVR_APP_SECRET": SECRET, "IVR_VERIFY_TOKEN": "demo", "IVR_ACCESS_TOKEN": "demo-token",
                               "IVR_GRAPH_URL": graph.url, "IVR_MEDIA_IP": await media_ip()})
        try:
            wa = WhatsApp(d.base, SECRET)
            caller = Caller(wa, graph, CALL_ID)
            print(f"ivrd is listening on {d.base}; the Graph API stand-in on {graph.url}\n")
            print("WhatsApp → ivrd: signed `connect` webhook with the caller's SDP offer")
            started = time.time()
            await caller.dial()
            pre, acc = graph.of("pre_accept", CALL_ID)[0], graph.of("accept", CALL_ID)[0]
            print(f"ivrd → Graph:   pre_accept after {1000 * (pre['at'] - started):.0f} ms (SDP answer applied by the caller)")
            print(f"ivrd → Graph:   accept after {1000 * (acc['at'] - started):.0f} ms with the identical answer; media is up\n")
            await caller.wait(1.5)
            await caller.press("2")
            await caller.wait(3.5)
            await caller.hang_up()
            print("WhatsApp → ivrd: signed `terminate` webhook (caller hung up)\n")
            messages = await graph.wait_for("messages", caller.number, timeout=15)
            wait_for(lambda: d.rows("select finalized_at from calls where id = ?", CALL_ID) != [(None,)])

            print("What the caller heard and did:")
            events = [(t, f"hears prompt '{pid}' (match {corr:.2f})") for t, pid, corr in recognise_prompts(caller.heard_samples())]
            events += [(t, what) for t, what in caller.log]
            for t, what in sorted(events):
                print(f"  [{t:5.1f} s] caller {what}")
            steps = d.events(CALL_ID, "step")
            print("\nFlow path:", " → ".join(steps))
            (status, end_reason, followup), = d.rows("select status, end_reason, followup_status from calls where id = ?", CALL_ID)
            print(f"Outcome:   {status} ({end_reason}); follow-up: {followup}")
            line = next(json.loads(l) for l in d.logs().splitlines() if '"call.outcome"' in l)
            print("Log line: ", json.dumps({k: line[k] for k in ("event", "call_id", "caller", "flow", "path", "status", "setup_ms")}))
            if messages:
                body = messages[0]["body"]
                print("\nFollow-up message sent to the caller through the Graph API:")
                print("  " + json.dumps(body, indent=2).replace("\n", "\n  "))
            else:
                print("\nNo follow-up message was sent.")
            print(f"\nConsole: {d.admin_base}/calls/{CALL_ID}  (log in with the admin token {ADMIN_TOKEN})")
            if sys.stdin.isatty():
                input("ivrd keeps running for the console; press Enter to stop it. ")
        finally:
            d.stop()
            graph.close()


if __name__ == "__main__":
    asyncio.run(main())
