"""The caller's address changes mid-call (Wi-Fi → LTE): its ICE socket moves to a new address and
port, and the old one goes dead. ivrd follows through ICE consent on the new pair (it validates the
new address with its own check first): keys pressed after the move arrive, and the caller hears
the prompts that follow on its new address."""
import asyncio

from impair import Profile
from scenario import Call, record

NEW_IP = "10.77.0.3"


def test_media_follows_the_caller_to_a_new_address(caller_side):
    side = caller_side()
    side.link.add_caller_address(NEW_IP)

    async def scenario():
        call = Call(side, "wacid.NETNS-MOVE", Profile(), seed=26)
        await call.dial()
        await asyncio.sleep(4.0)
        await call.caller.press("1")
        moved = await call.impairment.move(call.caller, NEW_IP)
        heard_before = len(call.caller.heard_samples())
        await asyncio.sleep(9.0)          # the caller's next consent check (4–6 s) shows ivrd the new address
        state = call.caller.pc.connectionState
        await call.caller.press("2#")
        term = await side.graph.wait_for("terminate", call.call_id, timeout=20)
        msgs = await call.followups()
        after = call.caller.heard_samples()[heard_before:]
        await call.close()
        await call.finalized()
        return call, moved, after, state, term, msgs

    call, moved, after, state, term, msgs = asyncio.run(scenario())
    from prompts import recognise_prompts
    heard_after = [pid for _, pid, _ in recognise_prompts(after, threshold=0.8)]
    record("address change", {"moved": moved, "keys": call.keys(), "heard_after_move": heard_after,
                              "server_media": call.media_summary()})
    assert moved and moved[0][1][0] == NEW_IP
    assert state == "connected"
    assert call.keys() == ["1", "2", "#"]
    assert "support" in heard_after, heard_after
    assert term
    assert call.row()[:2] == ("completed", "hangup"), call.row()
    assert len(msgs) == 1
