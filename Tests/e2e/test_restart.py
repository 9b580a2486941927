"""kill -9 during a live call, then a restart on the same database: the call the dead process left
unfinalized is finalized once, as `interrupted`, with one outcome line from the new process."""
import asyncio
import signal

from caller import Caller
from test_scenarios import media_ip, outcome_lines


def test_a_call_cut_by_kill_9_is_finalized_as_interrupted_at_the_next_start(start, graph):
    async def scenario():
        ip = await media_ip()
        d, wa = start(ip)
        c = Caller(wa, graph, "wacid.KILLED")
        await c.dial()
        await c.wait(1.0)
        d.proc.send_signal(signal.SIGKILL)
        d.proc.wait(timeout=10)
        await c.close()
        assert d.rows("select finalized_at from calls where id = 'wacid.KILLED'") == [(None,)]
        d2, _ = start(ip)
        return d2

    d2 = asyncio.run(scenario())
    assert d2.rows("select status, end_reason from calls where id = 'wacid.KILLED'") == [("failed", "interrupted")]
    lines = outcome_lines(d2)
    assert [l["call_id"] for l in lines] == ["wacid.KILLED"]
    assert lines[0]["end_reason"] == "interrupted"
    assert d2.rows("select count(*) from calls where finalized_at is null") == [(0,)]
