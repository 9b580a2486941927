"""In-band DTMF (tones in the caller's audio, found by our Goertzel detector) at 2 % loss both ways:
1 2 # still arrive once each, and the call completes with its follow-up."""
import asyncio

from impair import Profile
from scenario import Call, record


def test_inband_dtmf_at_two_percent_loss(caller_side):
    side = caller_side()

    async def scenario():
        call = Call(side, "wacid.NETNS-INBAND", Profile(loss=0.02, delay=0.02, jitter=0.005), seed=22)
        await call.dial()
        await asyncio.sleep(4.0)
        for key in "12#":
            call.caller.tone_key(key, seconds=0.2)
            await asyncio.sleep(0.7)
        term = await side.graph.wait_for("terminate", call.call_id, timeout=20)
        msgs = await call.followups()
        inbound = await call.inbound()
        await call.close()
        await call.finalized()
        return call, term, msgs, inbound

    call, term, msgs, inbound = asyncio.run(scenario())
    record("in-band DTMF, loss 2%", {"keys": call.keys(), "impairment": call.impairment.figures(),
                                      "caller_inbound": inbound, "server_media": call.media_summary()})
    assert call.keys() == ["1", "2", "#"]
    assert term, "the flow hangs up after the digits"
    assert call.row()[:2] == ("completed", "hangup"), call.row()
    assert [m["body"]["interactive"]["action"]["parameters"]["payload"] for m in msgs] == ["netns-12"]
