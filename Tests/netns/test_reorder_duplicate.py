"""10 % reordering, and a burst in which the network duplicates every datagram while the keys are
pressed: no double digits, the jitter buffer and ivrd survive, the call completes."""
import asyncio

from impair import Profile
from scenario import Call, record


def test_reordering_and_a_duplicated_burst(caller_side):
    side = caller_side()
    reordering = Profile(delay=0.03, reorder=0.10)

    async def scenario():
        call = Call(side, "wacid.NETNS-REORDER", reordering, seed=23)
        await call.dial()
        await asyncio.sleep(4.0)
        call.set_profile(Profile(delay=0.03, reorder=0.10, duplicate=1.0))
        await call.caller.press("12#", gap=0.2)
        call.set_profile(reordering)
        term = await side.graph.wait_for("terminate", call.call_id, timeout=20)
        msgs = await call.followups()
        inbound = await call.inbound()
        await call.close()
        await call.finalized()
        return call, term, msgs, inbound

    call, term, msgs, inbound = asyncio.run(scenario())
    record("reorder 10% + duplicate burst", {"keys": call.keys(), "impairment": call.impairment.figures(),
                                              "caller_inbound": inbound, "server_media": call.media_summary()})
    assert call.impairment.down.duplicated > 0 and call.impairment.up.duplicated > 0
    assert call.keys() == ["1", "2", "#"]
    assert call.daemon.proc.poll() is None, "ivrd is still running"
    assert term
    assert call.row()[:2] == ("completed", "hangup"), call.row()
    assert len(msgs) == 1
