"""Three 2-second bursts of total loss mid-call: the call survives them (no consent loss, no hang-up),
and keys pressed afterwards still drive the flow to its end and follow-up."""
import asyncio

from impair import Profile
from scenario import Call, record


def test_two_second_loss_bursts(caller_side):
    side = caller_side()

    async def scenario():
        call = Call(side, "wacid.NETNS-BURSTS", Profile(), seed=24)
        await call.dial()
        await asyncio.sleep(1.0)
        for _ in range(3):
            call.set_profile(Profile(blackout=True))
            await asyncio.sleep(2.0)
            call.set_profile(Profile())
            await asyncio.sleep(3.0)
        early = side.graph.of("terminate", call.call_id)
        state = call.caller.pc.connectionState
        await call.caller.press("12#")
        term = await side.graph.wait_for("terminate", call.call_id, timeout=20)
        msgs = await call.followups()
        await call.close()
        await call.finalized()
        return call, early, state, term, msgs

    call, early, state, term, msgs = asyncio.run(scenario())
    record("three 2 s loss bursts", {"keys": call.keys(), "impairment": call.impairment.figures(),
                                      "server_media": call.media_summary(), "row": call.row()})
    assert early == [], "ivrd did not end the call during the bursts"
    assert state == "connected", "the caller's peer connection survived too"
    assert call.keys() == ["1", "2", "#"]
    assert term
    status, end_reason, reason = call.row()
    assert (status, end_reason) == ("completed", "hangup"), (status, end_reason, reason)
    assert len(msgs) == 1
