"""A 1,280-byte MTU on the veth: the SDP answer and every DTLS datagram ivrd sends stay within
1,200 bytes (no IP fragments), and the call connects and completes."""
import asyncio

from capture import Capture
from netns import Link
from impair import Profile
from scenario import Call, record


def test_answer_and_dtls_flights_fit_1200_bytes_on_a_1280_mtu(caller_side):
    side = caller_side(mtu=1280)
    link = side.link

    async def scenario():
        capture = Capture(link.caller_dev)
        call = Call(side, "wacid.NETNS-MTU", Profile(), seed=27)
        try:
            await call.dial()
            await asyncio.sleep(1.0)
            await call.caller.press("12#")
            term = await side.graph.wait_for("terminate", call.call_id, timeout=20)
        finally:
            capture.stop()
        await call.close()
        await call.finalized()
        return call, capture, term

    call, capture, term = asyncio.run(scenario())
    from_ivrd = [d for d in capture.datagrams if d[0] == Link.IVR_IP]
    dtls = [d[3] for d in from_ivrd if d[4] is not None and 20 <= d[4] <= 63]
    answer_bytes = len(call.answer.encode())
    record("MTU 1280", {"link_mtu": [link.device_mtu(link.ivr_ns, link.ivr_dev),
                                     link.device_mtu(link.caller_ns, link.caller_dev)],
                        "answer_bytes": answer_bytes, "dtls_datagrams": dtls,
                        "largest_udp_payload_from_ivrd": max(d[3] for d in from_ivrd),
                        "fragments": capture.fragments})
    assert link.device_mtu(link.ivr_ns, link.ivr_dev) == 1280
    assert answer_bytes <= 1200
    assert dtls, "the DTLS handshake was captured"
    assert max(dtls) <= 1200, dtls
    assert max(d[3] for d in from_ivrd) <= 1200
    assert not [f for f in capture.fragments if f[0] == Link.IVR_IP], capture.fragments
    assert call.keys() == ["1", "2", "#"]
    assert term
    assert call.row()[:2] == ("completed", "hangup"), call.row()
