"""Two ivrd instances on one PostgreSQL (a real server: the cluster .ci/test.sh starts, see
Tests/support/pg-cluster.sh). WhatsApp's webhooks for one call land on either instance: a terminate that
reaches the instance not holding the call is forwarded to the owner, each call gets one outcome line and
its follow-up goes out once; a redelivered connect on the other instance starts no second call; when an
instance is killed (-9), the survivor finalizes its calls as `instance_lost` within the lease plus 5 s."""
import asyncio
import json
import os
import signal
import subprocess
import time
import uuid
from datetime import datetime
from pathlib import Path

import pytest

from caller import Caller
from test_scenarios import media_ip, outcome_lines
from ivrd_harness import Daemon
from whatsapp import WhatsApp

ROOT = Path(__file__).resolve().parents[2]
SECRET = "e2e-app-secret"
LEASE = 3


def server_url():
    url = os.environ.get("IVR_TEST_DATABASE_URL")
    if url:
        return url
    if os.environ.get("CI") == "true":
        pytest.fail("IVR_TEST_DATABASE_URL is not set: these tests need a real PostgreSQL "
                    "(.ci/test.sh starts one with Tests/support/pg-cluster.sh and exports it)")
    out = subprocess.run(["bash", str(ROOT / "Tests/support/pg-cluster.sh"), "start", str(ROOT / ".build/pg-test")],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


@pytest.fixture
def database():
    """A fresh database on the test server, as a URL."""
    base = server_url()
    name = "ivr_e2e_" + uuid.uuid4().hex
    subprocess.run(["psql", base, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return base.rsplit("/", 1)[0] + "/" + name


def sql(url, query):
    out = subprocess.run(["psql", url, "-AtF|", "-c", query], check=True, capture_output=True, text=True)
    return [tuple(line.split("|")) for line in out.stdout.splitlines() if line]


@pytest.fixture
def pair(tmp_path, graph, database):
    """Instances a and b on the same database, each with its own media port range and log."""
    started = []

    async def make():
        ip = await media_ip()
        for name, ports in (("a", "41000-41099"), ("b", "41100-41199")):
            d = Daemon(tmp_path, {"IVR_APP_SECRET": SECRET, "IVR_VERIFY_TOKEN": "v", "IVR_ACCESS_TOKEN": "token",
                                  "IVR_GRAPH_URL": graph.url, "IVR_MEDIA_IP": ip, "IVR_DATABASE_URL": database,
                                  "IVR_INSTANCE_LEASE": str(LEASE), "IVR_INSTANCE_ID": name,
                                  "IVR_MEDIA_PORTS": ports}, name=f"ivrd-{name}")
            started.append(d)
        a, b = started
        return a, WhatsApp(a.base, SECRET), b, WhatsApp(b.base, SECRET)

    yield make
    for d in started:
        if d.proc.poll() is None:
            d.stop()


def forward_latencies_ms(a, b):
    """Per forwarded terminate: from b's `call terminated` line to a's `call terminated` line (the owner's)."""
    def stamps(d):
        out = {}
        for l in d.logs().splitlines():
            if '"call terminated"' in l:
                j = json.loads(l)
                out.setdefault(j["call_id"], datetime.fromisoformat(j["ts"].replace("Z", "+00:00")))
        return out
    at_a, at_b = stamps(a), stamps(b)
    return sorted(round((at_a[c] - at_b[c]).total_seconds() * 1000, 1) for c in at_b if c in at_a)


def lines_for(d, call_ids):
    return [l for l in outcome_lines(d) if l["call_id"] in call_ids]


def test_a_terminate_on_the_other_instance_is_handled_by_the_owner_and_the_followup_goes_once(pair, graph, database):
    ids = [f"wacid.PAIR-{i}" for i in range(3)]
    numbers = {cid: f"1317555100{i}" for i, cid in enumerate(ids)}

    async def scenario():
        a, wa_a, b, wa_b = await pair()
        callers = [Caller(wa_a, graph, cid, number=numbers[cid]) for cid in ids]
        for c in callers:
            await c.dial()
        # WhatsApp redelivers one connect, and the load balancer sends it to b: no second call.
        redelivered = wa_a.envelope({"id": ids[0], "from": numbers[ids[0]], "to": "15550783881", "event": "connect",
                                     "timestamp": str(int(time.time())), "direction": "USER_INITIATED",
                                     "session": {"sdp_type": "offer", "sdp": "v=0"}})
        assert wa_b.post(redelivered) == 200
        await asyncio.sleep(1.0)
        for c in callers:
            await c.press("2")     # support: its prompt plays, and the call's follow-up message is set
            await asyncio.sleep(0.2)
            c.whatsapp = wa_b      # the caller hangs up during the prompt; the terminate lands on b
            assert await c.hang_up() == 200
        for cid in ids:
            assert await graph.wait_for("messages", numbers[cid], timeout=20), f"no follow-up for {cid}"
        await asyncio.sleep(2.0)   # time for a second send, were there one
        return a, b

    a, b = asyncio.run(scenario())
    print("forwarded terminate, b received to a handled (ms):", forward_latencies_ms(a, b))
    owners = dict(sql(database, "select id, instance_id from calls where id like 'wacid.PAIR-%'"))
    assert owners == {cid: "a" for cid in ids}
    assert len(lines_for(a, ids)) == 3 and lines_for(b, ids) == [], "one outcome line each, from the owner"
    assert all(l["end_reason"] == "terminate" for l in lines_for(a, ids))
    assert b.logs().count("webhook event forwarded to the call's owner") >= 3
    assert a.logs().count("forwarded webhook event") >= 3
    for cid in ids:
        assert len(graph.of("pre_accept", cid)) == 1, "the redelivered connect started no second call"
        assert len(graph.of("messages", numbers[cid])) == 1, f"follow-up of {cid} sent more than once"
    assert sql(database, "select count(*) from outbox where status <> 'sent'") == [("0",)]


def test_kill_9_of_an_instance_its_calls_are_finalized_by_the_survivor(pair, graph, database):
    ids = [f"wacid.LOST-{i}" for i in range(3)]

    async def scenario():
        a, wa_a, b, wa_b = await pair()
        callers = [Caller(wa_a, graph, cid, number=f"1317555200{i}") for i, cid in enumerate(ids)]
        for c in callers:
            await c.dial()
        await asyncio.sleep(1.0)
        a.proc.send_signal(signal.SIGKILL)
        a.proc.wait(timeout=10)
        killed = time.monotonic()
        for c in callers:
            await c.close()
        deadline = killed + LEASE + 5
        while time.monotonic() < deadline:
            rows = sql(database, "select count(*) from calls where id like 'wacid.LOST-%' and finalized_at is null")
            if rows == [("0",)]:
                break
            await asyncio.sleep(0.2)
        finalized_after = time.monotonic() - killed
        # New calls keep landing on the survivor.
        after = Caller(wa_b, graph, "wacid.AFTER", number="13175552999")
        await after.dial()
        await after.hang_up()
        return a, b, finalized_after

    a, b, finalized_after = asyncio.run(scenario())
    print(f"kill -9 to every orphaned call finalized: {finalized_after:.2f} s (lease {LEASE} s)")
    rows = dict((cid, (status, reason)) for cid, status, reason in
                sql(database, "select id, status, end_reason from calls where id like 'wacid.LOST-%'"))
    assert rows == {cid: ("failed", "instance_lost") for cid in ids}, (rows, finalized_after)
    lost = lines_for(b, ids)
    assert sorted(l["call_id"] for l in lost) == ids, "one outcome line each, from the survivor"
    for cid in ids:
        assert len(graph.of("terminate", cid)) == 1, "the survivor ends each lost call at WhatsApp once"
    assert sql(database, "select instance_id from calls where id = 'wacid.AFTER'") == [("b",)]
