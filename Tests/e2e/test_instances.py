"""Two ivrd instances on one PostgreSQL (a real server: the cluster .ci/test.sh starts, see
Tests/support/pg-cluster.sh) behind Debian's nginx running the committed Deploy/nginx/ivr.conf (round
robin). Each instance has its own media address on loopback (127.0.0.2, 127.0.0.3) and port range.

- 20 calls through nginx: every call answered, every terminate handled by the call's owner whichever
  instance nginx gave it to (some are forwarded), one outcome line per call across both logs, each
  follow-up sent once; a connect redelivered to the other instance starts no second call; the admin
  /healthz of each shows its flow versions, and a flow changed on one instance shows there only.
- kill -9 of an instance with 5 live calls: the survivor finalizes them as `instance_lost` within the
  lease plus 5 s, their follow-ups go out once, and new calls through nginx land on the survivor.
- forged deliveries through nginx are charged to the client nginx names in X-Forwarded-For
  (`IVR_TRUSTED_PROXIES`): the forger is limited, a delivery from another client is not."""
import asyncio
import hashlib
import hmac
import http.client
import json
import os
import shutil
import signal
import subprocess
import time
import uuid
from datetime import datetime
from pathlib import Path

import pytest

from caller import Caller
from ivrd_harness import ADMIN_TOKEN, Daemon
from nginx_front import Nginx
from test_scenarios import outcome_lines
from whatsapp import WhatsApp

ROOT = Path(__file__).resolve().parents[2]
SECRET = "e2e-app-secret"
LEASE = 3
INSTANCES = {"a": ("127.0.0.2", "41000-41003"), "b": ("127.0.0.3", "41010-41013")}


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


class Cluster:
    """Instances a and b on one database, each with its own flows folder (a copy of Flows/), and nginx."""

    def __init__(self, tmp_path, graph, database, edit_main=None, env=None):
        self.daemons, self.flows = {}, {}
        self.front = None
        for name, (ip, ports) in INSTANCES.items():
            flows = self.flows[name] = tmp_path / f"flows-{name}"
            shutil.copytree(ROOT / "Flows", flows)
            if edit_main:
                (flows / "main.yaml").write_text(edit_main((flows / "main.yaml").read_text()))
            self.daemons[name] = Daemon(tmp_path, {
                "IVR_APP_SECRET": SECRET, "IVR_VERIFY_TOKEN": "v", "IVR_ACCESS_TOKEN": "token",
                "IVR_GRAPH_URL": graph.url, "IVR_MEDIA_IP": ip, "IVR_MEDIA_PORTS": ports, "IVR_FLOWS": str(flows),
                "IVR_DATABASE_URL": database, "IVR_INSTANCE_LEASE": str(LEASE), "IVR_INSTANCE_ID": name,
                **(env or {}),
            }, name=f"ivrd-{name}")
        self.a, self.b = self.daemons["a"], self.daemons["b"]
        self.front = Nginx([self.a.port, self.b.port])
        self.whatsapp = WhatsApp(self.front.url, SECRET)   # WhatsApp's webhooks go through nginx
        self.direct = {name: WhatsApp(d.base, SECRET) for name, d in self.daemons.items()}
        self.port_of = {f"127.0.0.1:{d.port}": name for name, d in self.daemons.items()}

    def stop(self):
        if self.front:
            self.front.stop()
        for d in self.daemons.values():
            if d.proc.poll() is None:
                d.stop()


@pytest.fixture
def cluster(tmp_path, graph, database):
    made = []

    def make(**options):
        made.append(Cluster(tmp_path, graph, database, **options))
        return made[-1]

    yield make
    for c in made:
        c.stop()


def owner_of(database, call_id):
    rows = sql(database, f"select instance_id from calls where id = '{call_id}'")
    return rows[0][0] if rows else None


def stamps(d, message):
    """call_id → time of the first log line with this message."""
    out = {}
    for line in d.logs().splitlines():
        if f'"{message}"' in line:
            j = json.loads(line)
            if "call_id" in j:
                out.setdefault(j["call_id"], datetime.fromisoformat(j["ts"].replace("Z", "+00:00")))
    return out


def admin_health(d):
    status, body = d.admin_get("/healthz", token=ADMIN_TOKEN)
    assert status == 200, body
    return json.loads(body)


def test_twenty_calls_through_nginx_each_terminate_handled_by_the_owner_each_followup_once(cluster, graph, database):
    ids = [f"wacid.PAIR-{i:02d}" for i in range(20)]
    numbers = {cid: f"131755510{i:02d}" for i, cid in enumerate(ids)}
    redelivered = ids[:3]

    async def call(c, cid, slots):
        async with slots:
            caller = Caller(c.whatsapp, graph, cid, number=numbers[cid])
            await caller.dial()
            if cid in redelivered:
                # WhatsApp redelivers the connect, and the load balancer gives it to the other instance.
                other = "b" if owner_of(database, cid) == "a" else "a"
                again = c.whatsapp.envelope({"id": cid, "from": numbers[cid], "to": "15550783881", "event": "connect",
                                             "timestamp": str(int(time.time())), "direction": "USER_INITIATED",
                                             "session": {"sdp_type": "offer", "sdp": "v=0"}})
                assert c.direct[other].post(again) == 200
            await asyncio.sleep(0.5)
            await caller.press("2")   # support: its prompt plays, and the call's follow-up message is set
            await asyncio.sleep(0.3)
            assert await caller.hang_up() == 200   # during the prompt, through nginx

    async def scenario():
        c = cluster()
        slots = asyncio.Semaphore(10)   # 20 calls, up to 10 at once
        await asyncio.gather(*(call(c, cid, slots) for cid in ids))
        for cid in ids:
            assert await graph.wait_for("messages", numbers[cid], timeout=30), f"no follow-up for {cid}"
        await asyncio.sleep(2.0)   # time for a second send, were there one
        return c

    c = asyncio.run(scenario())
    a, b = c.a, c.b
    owners = dict(sql(database, "select id, instance_id from calls where id like 'wacid.PAIR-%'"))
    assert sorted(owners) == ids and set(owners.values()) == {"a", "b"}, "nginx dealt the connects to both"

    # One outcome line per call across both logs, from its owner, ended by the caller's terminate.
    lines = {name: [l for l in outcome_lines(d) if l["call_id"] in owners] for name, d in c.daemons.items()}
    for cid, owner in owners.items():
        mine = [l for name in lines for l in lines[name] if l["call_id"] == cid]
        assert len(mine) == 1, (cid, mine)
        assert mine[0] in lines[owner] and mine[0]["end_reason"] == "terminate", (cid, owner, mine)

    # Every terminate reached the owner: directly, or forwarded by the instance nginx gave it to.
    received = {name: stamps(d, "call terminated") for name, d in c.daemons.items()}
    forwards = {name: [json.loads(l) for l in d.logs().splitlines() if "webhook event forwarded to the call's owner" in l]
                for name, d in c.daemons.items()}
    forwarded = []
    for cid, owner in owners.items():
        other = "b" if owner == "a" else "a"
        assert cid in received[owner], f"the owner never handled the terminate of {cid}"
        if cid in received[other]:
            assert [f["owner"] for f in forwards[other] if f["call_id"] == cid] == [owner], cid
            forwarded.append((cid, owner, other))
    assert forwarded, "nginx gave some terminates to the instance not holding the call"
    assert sum(len(v) for v in forwards.values()) == len(forwarded)
    for owner in ("a", "b"):
        count = sum(1 for _, o, _ in forwarded if o == owner)
        assert c.daemons[owner].logs().count('"forwarded webhook event"') == count
    for d in (a, b):
        assert "cannot forward to the call's owner" not in d.logs()
    latencies = sorted(round((received[o][cid] - received[r][cid]).total_seconds() * 1000, 1) for cid, o, r in forwarded)
    print(f"{len(forwarded)} of 20 terminates forwarded; receiving instance to owner (ms):", latencies)

    for cid in ids:
        assert len(graph.of("pre_accept", cid)) == 1, f"{cid}: one call only (the redelivered connect started none)"
        assert len(graph.of("messages", numbers[cid])) == 1, f"follow-up of {cid} sent more than once"
    assert sql(database, "select count(*) from outbox where status <> 'sent'") == [("0",)]

    # nginx: round robin over both public ports, every delivery answered 200, /internal/ never proxied.
    hits = c.front.upstreams()
    assert {c.port_of.get(h) for h in hits} == {"a", "b"}, hits
    assert all(" 200 " in l for l in c.front.access_log().splitlines() if '"POST /webhook ' in l)
    assert c.front.post("/internal/forward", b"{}") == 404
    assert c.front.get("/webhook?hub.mode=subscribe&hub.verify_token=v&hub.challenge=42") == (200, "42")

    # /healthz names each instance and its flow versions; a flow changed on b alone shows on b alone.
    ha, hb = admin_health(a), admin_health(b)
    assert (ha["instance"], hb["instance"]) == ("a", "b")
    assert ha["flows"] == hb["flows"] and "main" in ha["flows"]
    main_b = c.flows["b"] / "main.yaml"
    main_b.write_text(main_b.read_text().replace("ttl_minutes: 1440", "ttl_minutes: 1439", 1))
    b.proc.send_signal(signal.SIGHUP)
    for _ in range(100):
        if admin_health(b)["flows"]["main"] != ha["flows"]["main"]:
            break
        time.sleep(0.1)
    hb = admin_health(b)
    assert hb["flows"]["main"] != admin_health(a)["flows"]["main"]
    assert {k: v for k, v in hb["flows"].items() if k != "main"} == {k: v for k, v in ha["flows"].items() if k != "main"}


def support_loops_back_to_the_menu(text):
    """The support line goes back to the menu instead of saying goodbye: a call that chose support (its
    follow-up set) stays live until the instance is killed."""
    old = "  support:\n    play: support\n    next: goodbye\n"
    assert text.count(old) == 1, "Flows/main.yaml's support step changed; update this test"
    return text.replace(old, "  support:\n    play: support\n    next: menu\n")


def test_kill_9_of_an_instance_its_calls_are_finalized_by_the_survivor(cluster, graph, database):
    async def scenario():
        c = cluster(edit_main=support_loops_back_to_the_menu)
        live = {"a": [], "b": []}
        n = 0
        # Calls through nginx (round robin) until a holds 5; b holds its share.
        while len(live["a"]) < 5 and n < 30:
            batch = [Caller(c.whatsapp, graph, f"wacid.LOST-{n + i:02d}", number=f"131755520{n + i:02d}")
                     for i in range(10 if n == 0 else 2)]
            n += len(batch)
            await asyncio.gather(*(x.dial() for x in batch))
            for x in batch:
                live[owner_of(database, x.call_id)].append(x)
        assert len(live["a"]) >= 5, "nginx gave a its share of the calls"
        lost, survivors = live["a"], live["b"]
        # a's callers choose support: the follow-up is set, and must go out once whoever finalizes.
        await asyncio.gather(*(x.press("2") for x in lost))
        await asyncio.sleep(0.5)
        c.a.proc.send_signal(signal.SIGKILL)
        c.a.proc.wait(timeout=10)
        killed = time.monotonic()
        for x in lost:
            await x.close()
        quoted = ",".join(f"'{x.call_id}'" for x in lost)
        while time.monotonic() < killed + LEASE + 5:
            if sql(database, f"select count(*) from calls where id in ({quoted}) and finalized_at is null") == [("0",)]:
                break
            await asyncio.sleep(0.1)
        finalized_after = time.monotonic() - killed
        # New calls keep landing on the survivor: nginx finds a refusing connections and gives them to b.
        after = [Caller(c.whatsapp, graph, f"wacid.AFTER-{i}", number=f"131755529{i:02d}") for i in range(2)]
        for x in after:
            await x.dial()
        for x in survivors + after:
            assert await x.hang_up() == 200
        for x in lost:
            assert await graph.wait_for("messages", x.number, timeout=20), f"no follow-up for {x.call_id}"
        await asyncio.sleep(2.0)   # time for a second send, were there one
        return c, lost, survivors, after, finalized_after

    c, lost, survivors, after, finalized_after = asyncio.run(scenario())
    print(f"kill -9 to every orphaned call finalized: {finalized_after:.2f} s (lease {LEASE} s)")
    lost_ids = sorted(x.call_id for x in lost)
    rows = {cid: (status, reason) for cid, status, reason in
            sql(database, "select id, status, end_reason from calls where id like 'wacid.LOST-%'")}
    for cid in lost_ids:
        assert rows[cid] == ("failed", "instance_lost"), (cid, rows[cid], finalized_after)
    lines = [l for l in outcome_lines(c.b) if l["call_id"] in lost_ids]
    assert sorted(l["call_id"] for l in lines) == lost_ids, "one outcome line each, from the survivor"
    for x in lost:
        assert len(graph.of("terminate", x.call_id)) == 1, "the survivor ends each lost call at WhatsApp once"
        assert len(graph.of("messages", x.number)) == 1, f"the follow-up of {x.call_id} went out once"
    for x in survivors:
        assert rows[x.call_id][1] != "instance_lost", "b's own calls are not a's to lose"
    for x in after:
        assert owner_of(database, x.call_id) == "b"
    assert sql(database, "select count(*) from outbox where status <> 'sent'") == [("0",)]


def post_from(front, source_ip, body, signature):
    """POST /webhook through nginx from a chosen loopback address (nginx appends it to X-Forwarded-For)."""
    conn = http.client.HTTPConnection("127.0.0.1", front.port, timeout=10, source_address=(source_ip, 0))
    try:
        conn.request("POST", "/webhook", body=body, headers={"Content-Type": "application/json",
                                                             "X-Hub-Signature-256": signature,
                                                             "X-Forwarded-For": "203.0.113.77"})
        return conn.getresponse().status
    finally:
        conn.close()


def test_forged_deliveries_through_nginx_are_charged_to_their_client(cluster):
    c = cluster(env={"IVR_TRUSTED_PROXIES": "127.0.0.1"})
    body = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages",
        "value": {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "1", "display_phone_number": "1"},
                  "statuses": [{"id": "wamid.UNKNOWN", "status": "sent", "timestamp": str(int(time.time())),
                                "recipient_id": "15550001111"}]}}]}]}).encode()
    good = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    forged = "sha256=" + "0" * 64
    # 50 forgeries from 127.0.0.9, round robin: 25 per instance against a burst of 20 each. The header the
    # forger writes itself (203.0.113.77) is to the left of what nginx appends, and is never believed.
    statuses = [post_from(c.front, "127.0.0.9", body, forged) for _ in range(50)]
    assert statuses.count(401) == 40 and statuses.count(429) == 10, statuses
    assert post_from(c.front, "127.0.0.9", body, good) == 429, "the forger's address stays limited on both instances"
    # WhatsApp's delivery through the same nginx, from another address: accepted on either instance.
    assert [post_from(c.front, "127.0.0.10", body, good) for _ in range(2)] == [200, 200]
