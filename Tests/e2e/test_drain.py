"""SIGTERM with live calls: the daemon drains. Every call hears its flow's drain step (main.yaml
says goodbye), gets WhatsApp's terminate and exactly one outcome line with reason `shutdown`; a
connect sent during the drain is refused with 503 (WhatsApp redelivers it elsewhere); /healthz says
"draining"; the process exits 0 within the drain timeout."""
import asyncio
import json
import os
import signal
import time

from caller import Caller
from prompts import recognise_prompts
from test_scenarios import media_ip, outcome_lines

CALLS = int(os.environ.get("DRAIN_CALLS", "6"))
DRAIN_TIMEOUT = 20


def test_sigterm_drains_live_calls_then_exits_zero(start, graph):
    async def scenario():
        d, wa = start(await media_ip(), IVR_DRAIN_TIMEOUT=str(DRAIN_TIMEOUT))
        callers = [Caller(wa, graph, f"wacid.DRAIN-{i}") for i in range(CALLS)]
        for c in callers:
            await c.dial()
        await asyncio.sleep(2.0)          # every call is in its menu now
        sent = time.monotonic()
        d.proc.send_signal(signal.SIGTERM)
        await asyncio.sleep(0.3)
        health = d.get("/healthz")
        late = Caller(wa, graph, "wacid.DRAIN-LATE")
        body = wa.envelope({"id": late.call_id, "from": "13175550000", "to": "15550783881", "event": "connect",
                            "timestamp": str(int(time.time())), "direction": "USER_INITIATED",
                            "session": {"sdp_type": "offer", "sdp": await late.offer()}})
        refused = wa.post(body)
        await late.close()
        terms = [await graph.wait_for("terminate", c.call_id, timeout=DRAIN_TIMEOUT + 10) for c in callers]
        code = await asyncio.get_running_loop().run_in_executor(None, lambda: d.proc.wait(timeout=DRAIN_TIMEOUT + 15))
        drained = time.monotonic() - sent
        for c in callers:
            await c.close()
        return d, callers, health, refused, terms, code, drained

    d, callers, health, refused, terms, code, drained = asyncio.run(scenario())
    assert health[0] == 503 and json.loads(health[1])["status"] == "draining", health
    assert refused == 503, "a connect during the drain must be refused so that WhatsApp redelivers it"
    assert all(terms), "every live call gets WhatsApp's terminate"
    assert code == 0, d.logs()[-3000:]
    assert drained < DRAIN_TIMEOUT + 10, drained
    print(f"drained {len(callers)} live calls in {drained:.2f} s (drain timeout {DRAIN_TIMEOUT} s)")
    lines = outcome_lines(d)
    ids = sorted(l["call_id"] for l in lines)
    assert ids == sorted(c.call_id for c in callers), ids
    assert all(l["end_reason"] == "shutdown" for l in lines), [l["end_reason"] for l in lines]
    assert d.rows("select count(*) from calls where id = 'wacid.DRAIN-LATE'") == [(0,)]
    assert d.rows("select count(*) from calls where finalized_at is null") == [(0,)]
    # The drain step said goodbye: the callers heard it before the line went down.
    heard = [pid for _, pid, _ in recognise_prompts(callers[0].heard_samples())]
    assert "goodbye" in heard, heard
