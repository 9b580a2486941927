"""Limits at the call edge, against the real daemon: a connect beyond `server.max_calls`, and one
that finds every media port held by another process, are refused with `reject` and a recorded reason, counted in
/metrics, while the call already up keeps running."""
import asyncio
import socket
import time

from caller import Caller
from test_scenarios import media_ip


def refused(d, call_id):
    """A call's row once it is final (for a refused call the reject's answer comes first; for a call
    the caller ended, the terminate webhook is answered before the call is finalized)."""
    query = "select status, end_reason, reason from calls where id = ? and finalized_at is not null"
    for _ in range(200):
        rows = d.rows(query, call_id)
        if rows:
            return rows[0]
        time.sleep(0.05)
    return None


def run_two_calls(start, graph, **env):
    async def scenario():
        d, wa = start(await media_ip(), **env)
        first = Caller(wa, graph, "wacid.LIMIT-1")
        await first.dial()
        second = Caller(wa, graph, "wacid.LIMIT-2")
        body = wa.envelope({"id": second.call_id, "from": "13175550002", "to": "15550783881", "event": "connect",
                            "timestamp": "1764070000", "direction": "USER_INITIATED",
                            "session": {"sdp_type": "offer", "sdp": await second.offer()}})
        assert wa.post(body) == 200
        rejected = await graph.wait_for("reject", second.call_id)
        await second.close()
        await first.wait(1.0)
        alive = d.rows("select status from calls where id = 'wacid.LIMIT-1'")
        await first.hang_up()
        return d, rejected, alive

    return asyncio.run(scenario())


def test_a_call_beyond_max_calls_is_rejected_with_its_reason(start, graph):
    d, rejected, alive = run_two_calls(start, graph, IVR_MAX_CALLS="1")
    assert rejected, "the second call is refused with reject"
    assert alive == [("accepted",)], "the first call keeps running"
    row = refused(d, "wacid.LIMIT-2")
    assert row == ("rejected", "rejected", "the server is at its call limit (server.max_calls = 1)"), row
    status, metrics = d.get("/metrics")
    assert 'ivr_calls_refused_total{reason="max_calls"} 1' in metrics, metrics


def test_a_call_that_finds_no_free_media_port_is_rejected_with_its_reason(start, graph):
    """Every port of IVR_MEDIA_PORTS is held by another process: the call is refused, with the
    reason, and the daemon goes on answering once the port is free again."""
    async def scenario():
        ip = await media_ip()
        holder = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        holder.bind((ip, 0))
        port = holder.getsockname()[1]
        d, wa = start(ip, IVR_MEDIA_PORTS=f"{port}-{port}")
        refused_caller = Caller(wa, graph, "wacid.LIMIT-2")
        body = wa.envelope({"id": refused_caller.call_id, "from": "13175550002", "to": "15550783881",
                            "event": "connect", "timestamp": "1764070000", "direction": "USER_INITIATED",
                            "session": {"sdp_type": "offer", "sdp": await refused_caller.offer()}})
        assert wa.post(body) == 200
        rejected = await graph.wait_for("reject", refused_caller.call_id)
        await refused_caller.close()
        holder.close()
        later = Caller(wa, graph, "wacid.LIMIT-3")
        await later.dial()
        await later.hang_up()
        return d, rejected

    d, rejected = asyncio.run(scenario())
    assert rejected, "the call is refused with reject"
    row = refused(d, "wacid.LIMIT-2")
    assert row and row[0] == "rejected" and row[1] == "rejected", row
    assert "no free UDP port" in row[2] and "IVR_MEDIA_PORTS" in row[2], row
    status, metrics = d.get("/metrics")
    assert 'ivr_calls_refused_total{reason="media_ports"} 1' in metrics, metrics
    later = refused(d, "wacid.LIMIT-3")
    assert later and later[0] == "completed" and later[1] == "terminate", later
