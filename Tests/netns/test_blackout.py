"""A 35-second blackout: ICE consent (RFC 7675) runs out after 30 s, ivrd ends the call as
`consent_lost`, terminates it with WhatsApp and records its outcome."""
import asyncio

from impair import Profile
from scenario import Call, record


def test_a_35_second_blackout_ends_the_call_as_consent_lost(caller_side):
    side = caller_side()

    async def scenario():
        call = Call(side, "wacid.NETNS-BLACKOUT", Profile(), seed=25)
        await call.dial()
        await asyncio.sleep(1.0)
        call.set_profile(Profile(blackout=True))
        loop = asyncio.get_event_loop()
        started = loop.time()
        term = await side.graph.wait_for("terminate", call.call_id, timeout=35)
        ended_after = loop.time() - started
        await call.close()
        await call.finalized()
        return call, term, ended_after

    call, term, ended_after = asyncio.run(scenario())
    status, end_reason, reason = call.row()
    record("35 s blackout", {"ended_after_s": round(ended_after, 1), "row": [status, end_reason, reason],
                             "server_media": call.media_summary()})
    assert term, "ivrd terminates the call with WhatsApp when consent is lost"
    assert end_reason == "consent_lost", (status, end_reason, reason)
    assert "ICE consent lost" in reason
    outcome = call.outcome_lines()
    assert len(outcome) == 1
