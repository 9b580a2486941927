"""A connect acknowledged with 200, then kill -9 before the call was answered: the next process on the same
database replays the stored event and answers the caller, who is still ringing. The call ends normally, with
one outcome line, and is not finalized as `interrupted` on the way."""
import asyncio
import signal
import time

from aiortc import RTCSessionDescription

from caller import Caller
from ivrd_harness import wait_for
from test_scenarios import media_ip, outcome_lines

CALL = "wacid.REPLAYED"


def test_a_connect_acknowledged_by_a_killed_process_is_answered_by_the_next(start, graph):
    async def scenario():
        ip = await media_ip()
        d, wa = start(ip)
        # The Graph API stalls, so the first process is killed in the middle of its pre_accept: the
        # event was acknowledged (durable), not handled. The stalled request is never answered in time.
        graph.delay = 120
        c = Caller(wa, graph, CALL)
        offer = await c.offer()
        body = wa.envelope({"id": CALL, "from": c.number, "to": "15550783881", "event": "connect",
                            "timestamp": str(int(time.time())),
                            "direction": "USER_INITIATED", "session": {"sdp_type": "offer", "sdp": offer}})
        assert wa.post(body) == 200
        assert wait_for(lambda: d.rows("select count(*) from calls where id = ?", CALL) == [(1,)])
        await asyncio.sleep(0.5)
        d.proc.send_signal(signal.SIGKILL)
        d.proc.wait(timeout=10)
        pending = d.rows("select count(*) from webhook_deliveries where subject_id = ? and processed_at is null", CALL)
        graph.delay = 0

        d2, wa2 = start(ip)
        c.whatsapp = wa2    # the terminate webhook goes to the new process
        pre = await graph.wait_for("pre_accept", CALL)
        assert len(pre) == 1, "only the new process's pre_accept is answered"
        answer = pre[0]["body"]["session"]["sdp"]
        await c.pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        await asyncio.wait_for(c.connected.wait(), 20)
        accepted = await graph.wait_for("accept", CALL)
        assert accepted and accepted[0]["body"]["session"]["sdp"] == answer
        await c.wait(2.0)
        heard = c.heard_level(0.5, 2.0)
        assert await c.hang_up() == 200
        assert wait_for(lambda: d2.rows("select finalized_at is not null from calls where id = ?", CALL) == [(1,)],
                        attempts=400)
        return d2, pending, heard

    d2, pending, heard = asyncio.run(scenario())
    assert pending == [(1,)], "the killed process left the connect unprocessed"
    assert heard > 100, f"the caller heard the welcome prompt (RMS {heard:.0f})"
    assert d2.rows("select status, end_reason from calls where id = ?", CALL) == [("completed", "terminate")]
    assert "replaying a webhook event accepted before a restart" in d2.logs()
    lines = outcome_lines(d2)
    assert [l["call_id"] for l in lines] == [CALL]
    assert lines[0]["end_reason"] == "terminate"
    assert d2.rows("select count(*) from webhook_deliveries where processed_at is null") == [(0,)]
    status, metrics = d2.admin_get("/metrics")
    assert status == 200
    outcomes = [l for l in metrics.splitlines() if l.startswith("ivr_call_outcomes_total{")]
    assert any('status="completed"' in l and 'end_reason="terminate"' in l and l.endswith(" 1") for l in outcomes), outcomes
