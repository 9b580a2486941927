"""Two concurrent calls on one shared media port: both answers advertise the same UDP port, both
aiortc callers connect through it, hear their own menu and drive their own flow by key."""
import asyncio
import re
import socket

from caller import Caller
from test_scenarios import heard_ids, media_ip


def free_udp_port(ip):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((ip, 0))
        return s.getsockname()[1]


def answer_port(sdp):
    return int(re.search(r"m=audio (\d+) ", sdp).group(1))


def test_two_concurrent_calls_share_one_media_port(start, graph):
    async def scenario():
        ip = await media_ip()
        port = free_udp_port(ip)
        d, wa = start(ip, IVR_MEDIA_PORTS=f"{port}-{port}")
        first = Caller(wa, graph, "wacid.SHARED-1", number="13175550011")
        second = Caller(wa, graph, "wacid.SHARED-2", number="13175550012")
        answers = await asyncio.gather(first.dial(), second.dial())
        await first.wait(1.0)
        await first.press("2")
        await second.press("1")
        await first.wait(2.5)
        assert await first.hang_up() == 200
        assert await second.hang_up() == 200
        return d, port, answers, heard_ids(first), heard_ids(second)

    d, port, answers, heard1, heard2 = asyncio.run(scenario())
    assert [answer_port(a) for a in answers] == [port, port], "both answers advertise the one shared port"
    assert "support" in heard1 and "sales" not in heard1, heard1
    assert "sales" in heard2 and "support" not in heard2, heard2
    rows = d.rows("select id, status from calls where id like 'wacid.SHARED-%' order by id")
    assert rows == [("wacid.SHARED-1", "completed"), ("wacid.SHARED-2", "completed")], rows
