#!/usr/bin/env python3
"""Several ivrd instances on one PostgreSQL: the three figures of README "Running several instances".

1. The extra latency of a forwarded terminate. Calls are answered by instance a (aiortc callers, media on
   127.0.0.2); half are hung up with the terminate sent to a (the owner), half with it sent to b, which
   forwards it. Measured per call: from the POST to the owner's outcome line (both clocks are this
   machine's), and the hop alone (b's `call terminated` log line to a's).
2. Outbox throughput. N follow-ups are queued in the shared outbox (rows inserted, all due at once), and
   one, then two instances send them to the Graph stand-in: messages per second from the first send to
   the last, how many each instance sent, and that each went out exactly once. Run with the stand-in
   answering at once and after 100 ms (roughly Graph's own latency).
3. kill -9 to every orphaned call finalized: 5 live calls on a, `kill -9` of a, then the time until b has
   finalized all 5 as `instance_lost` (polled every 50 ms in the database).

Usage (IVRD_BIN defaults to .build/release/ivrd; IVR_TEST_DATABASE_URL to a throwaway cluster):
    python3 Benchmarks/instances/run_instances.py [--calls 20] [--messages 500] [--kills 3]
Writes Benchmarks/results/instances-<date>.md and .json."""
import argparse
import asyncio
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "daemon"))
sys.path.insert(0, str(ROOT / "Tests" / "e2e"))
from ivrd_harness import Daemon  # noqa: E402
from whatsapp import GraphAPI, WhatsApp  # noqa: E402
from caller import Caller  # noqa: E402

SECRET = "bench-app-secret"
MEDIA = {"a": ("127.0.0.2", "41000-41003"), "b": ("127.0.0.3", "41010-41013")}
TMP = Path(tempfile.mkdtemp(prefix="ivr-bench-"))   # the instances' logs and configs; removed at the end


def sql(url, query):
    out = subprocess.run(["psql", url, "-AtF|", "-c", query], check=True, capture_output=True, text=True)
    return [tuple(line.split("|")) for line in out.stdout.splitlines() if line]


class Postgres:
    """IVR_TEST_DATABASE_URL, else a throwaway cluster (Tests/support/pg-cluster.sh), stopped at the end."""

    def __init__(self):
        self.dir = None
        self.made = []
        self.url = os.environ.get("IVR_TEST_DATABASE_URL")
        if not self.url:
            self.dir = tempfile.mkdtemp(prefix="ivr-bench-pg.")
            self.url = subprocess.run(["bash", str(ROOT / "Tests/support/pg-cluster.sh"), "start", self.dir],
                                      check=True, capture_output=True, text=True).stdout.strip()

    def database(self):
        name = "ivr_bench_" + uuid.uuid4().hex
        sql(self.url, f"CREATE DATABASE {name}")
        self.made.append(name)
        return self.url.rsplit("/", 1)[0] + "/" + name

    def close(self):
        for name in self.made:
            subprocess.run(["psql", self.url, "-qc", f"DROP DATABASE IF EXISTS {name}"], capture_output=True)
        if self.dir:
            subprocess.run(["bash", str(ROOT / "Tests/support/pg-cluster.sh"), "stop", self.dir], check=False)


def start(names, graph, database, lease=3, config=None):
    tmp = Path(tempfile.mkdtemp(dir=TMP))
    daemons = {}
    for name in names:
        ip, ports = MEDIA[name]
        daemons[name] = Daemon(tmp, {
            "IVR_APP_SECRET": SECRET, "IVR_VERIFY_TOKEN": "v", "IVR_ACCESS_TOKEN": "token", "IVR_GRAPH_URL": graph.url,
            "IVR_MEDIA_IP": ip, "IVR_MEDIA_PORTS": ports, "IVR_DATABASE_URL": database, "IVR_INSTANCE_ID": name,
            "IVR_INSTANCE_LEASE": str(lease), "IVR_LOG_LEVEL": "info",
        }, config=config, name=f"ivrd-{name}")
    return daemons


def stop(daemons):
    for d in daemons.values():
        if d.proc.poll() is None:
            d.stop()


def log_times(d, message):
    out = {}
    for line in d.logs().splitlines():
        if f'"{message}"' in line:
            j = json.loads(line)
            if "call_id" in j:
                out.setdefault(j["call_id"], datetime.fromisoformat(j["ts"].replace("Z", "+00:00")).timestamp())
    return out


def summary(values):
    values = sorted(values)
    if not values:
        return {}
    return {"n": len(values), "median": round(statistics.median(values), 1),
            "p90": round(values[min(len(values) - 1, int(0.9 * len(values)))], 1), "max": round(values[-1], 1)}


async def dial_all(callers, at_once=5):
    slots = asyncio.Semaphore(at_once)

    async def one(c):
        async with slots:
            await c.dial()
    await asyncio.gather(*(one(c) for c in callers))


def forwarded_terminate(pg, calls):
    graph = GraphAPI()
    daemons = start("ab", graph, pg.database())
    a, b = daemons["a"], daemons["b"]
    wa = {n: WhatsApp(d.base, SECRET) for n, d in daemons.items()}
    try:
        async def scenario():
            callers = [Caller(wa["a"], graph, f"wacid.FWD-{i:03d}", number=f"1415555{i:04d}") for i in range(calls)]
            await dial_all(callers)
            await asyncio.sleep(1.0)
            posted = {}
            for i, c in enumerate(callers):
                c.whatsapp = wa["b" if i % 2 else "a"]
                posted[c.call_id] = time.time()
                assert await c.hang_up() == 200
                await asyncio.sleep(0.3)
            await asyncio.sleep(2.0)
            return callers, posted

        callers, posted = asyncio.run(scenario())
        outcome = log_times(a, "call.outcome")
        at_a, at_b = log_times(a, "call terminated"), log_times(b, "call terminated")
        direct = [(outcome[c.call_id] - posted[c.call_id]) * 1000 for i, c in enumerate(callers) if i % 2 == 0]
        forwarded = [(outcome[c.call_id] - posted[c.call_id]) * 1000 for i, c in enumerate(callers) if i % 2]
        hop = [(at_a[c.call_id] - at_b[c.call_id]) * 1000 for i, c in enumerate(callers) if i % 2]
        assert len(direct) + len(forwarded) == calls and len(hop) == len(forwarded)
        return {"calls": calls, "terminate_to_outcome_direct_ms": summary(direct),
                "terminate_to_outcome_forwarded_ms": summary(forwarded), "forward_hop_ms": summary(hop)}
    finally:
        stop(daemons)
        graph.close()


def outbox(pg, messages, instances, delay):
    graph = GraphAPI()
    graph.delay = delay
    database = pg.database()
    config = Path(tempfile.mkdtemp(dir=TMP)) / "ivr.yaml"
    # Every instance looks at the outbox every 100 ms, so both start on the batch together.
    config.write_text((ROOT / "Deploy" / "ivr.example.yaml").read_text().replace(
        "poll_interval_ms: 5000", "poll_interval_ms: 100", 1))
    daemons = start("ab"[:instances], graph, database, config=config)
    try:
        message = ("json_build_object('voiceCallButton', json_build_object('to', (14155500000 + g)::text, "
                   "'body', 'Thanks for calling.', 'displayText', 'Call us', 'ttlMinutes', 60, 'payload', 'p'))::text")
        sql(database, f"""
            INSERT INTO outbox (call_id, rule_key, phone_number_id, recipient, message_json, status, created_at,
                                enqueued_at, next_attempt_at, updated_at)
            SELECT 'bench-' || g, 'followup', '106540352242922', (14155500000 + g)::text, {message}, 'pending',
                   now(), now(), now() + interval '1 second', now()
            FROM generate_series(1, {messages}) g""")
        deadline = time.time() + 300
        while time.time() < deadline:
            if sql(database, "select count(*) from outbox where status in ('pending', 'sending')") == [("0",)]:
                break
            time.sleep(0.2)
        sent = graph.of("messages")
        times = sorted(r["at"] for r in sent)
        recipients = [r["body"]["to"] for r in sent]
        statuses = dict(sql(database, "select status, count(*) from outbox group by status"))
        per_instance = {name: d.logs().count('"follow-up sent"') for name, d in daemons.items()}
        span = times[-1] - times[0] if len(times) > 1 else 0.0
        return {"instances": instances, "messages": messages, "graph_delay_ms": int(delay * 1000),
                "sent_requests": len(sent), "distinct_recipients": len(set(recipients)),
                "statuses": statuses, "sent_by": per_instance, "seconds": round(span, 2),
                "messages_per_s": round((len(times) - 1) / span, 1) if span else None,
                "each_once": len(sent) == messages == len(set(recipients)) == sum(per_instance.values())
                and statuses == {"sent": str(messages)}}
    finally:
        stop(daemons)
        graph.close()


def kill_9(pg, lease, calls=5):
    graph = GraphAPI()
    database = pg.database()
    daemons = start("ab", graph, database, lease=lease)
    a = daemons["a"]
    try:
        async def scenario():
            callers = [Caller(WhatsApp(a.base, SECRET), graph, f"wacid.KILL-{i}", number=f"1415556{i:04d}")
                       for i in range(calls)]
            await dial_all(callers)
            await asyncio.sleep(1.0)
            a.proc.send_signal(signal.SIGKILL)
            a.proc.wait(timeout=10)
            killed = time.monotonic()
            while time.monotonic() < killed + lease + 60:
                if sql(database, "select count(*) from calls where id like 'wacid.KILL-%' and finalized_at is null") \
                        == [("0",)]:
                    break
                await asyncio.sleep(0.05)
            took = time.monotonic() - killed
            for c in callers:
                await c.close()
            return took

        took = asyncio.run(scenario())
        reasons = dict(sql(database, "select end_reason, count(*) from calls group by end_reason"))
        assert reasons == {"instance_lost": str(calls)}, reasons
        return round(took, 2)
    finally:
        stop(daemons)
        graph.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--calls", type=int, default=20)
    p.add_argument("--messages", type=int, default=500)
    p.add_argument("--kills", type=int, default=3)
    p.add_argument("--results", default=str(ROOT / "Benchmarks" / "results"))
    args = p.parse_args()
    os.environ.setdefault("IVRD_BIN", str(ROOT / ".build" / "release" / "ivrd"))
    pg = Postgres()
    try:
        result = {"date": date.today().isoformat(), "ivrd": os.environ["IVRD_BIN"], "machine": platform.machine(),
                  "cpus": os.cpu_count(), "postgresql": sql(pg.url, "show server_version")[0][0]}
        print("forwarded terminate …", flush=True)
        result["forwarded_terminate"] = forwarded_terminate(pg, args.calls)
        print(json.dumps(result["forwarded_terminate"]), flush=True)
        result["outbox"] = []
        for delay in (0.0, 0.1):
            for instances in (1, 2):
                print(f"outbox: {args.messages} messages, {instances} instance(s), Graph delay {delay * 1000:.0f} ms …",
                      flush=True)
                result["outbox"].append(outbox(pg, args.messages, instances, delay))
                print(json.dumps(result["outbox"][-1]), flush=True)
        result["kill_9"] = []
        for lease in [3] * args.kills + [15]:
            took = kill_9(pg, lease)
            print(f"kill -9, lease {lease} s: {took} s", flush=True)
            result["kill_9"].append({"lease_s": lease, "seconds": took})
    finally:
        pg.close()
        shutil.rmtree(TMP, ignore_errors=True)
    out = Path(args.results)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"instances-{result['date']}"
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n")
    stem.with_suffix(".md").write_text(report(result))
    print(f"wrote {stem}.md and .json")


def report(r):
    f = r["forwarded_terminate"]
    lines = [f"# Several instances on PostgreSQL — {r['date']}", "",
             f"`Benchmarks/instances/run_instances.py`; ivrd `{Path(r['ivrd']).parent.name}` build "
             f"(`{r['ivrd']}`), PostgreSQL {r['postgresql']} (throwaway cluster, fsync off), {r['cpus']} CPUs "
             f"({r['machine']}), everything on loopback; two instances with media on 127.0.0.2 and 127.0.0.3. "
             "The debug build's figures are for comparison between rows; a release build sends faster.", "",
             "## Forwarded terminate", "",
             f"{f['calls']} calls answered by instance a (aiortc callers); the caller's terminate goes to a for half "
             "of them and to b (which forwards it to a) for the other half.", "",
             "| ms | n | median | p90 | max |", "|---|---|---|---|---|"]
    for label, key in (("POST terminate → outcome line, sent to the owner", "terminate_to_outcome_direct_ms"),
                       ("POST terminate → outcome line, sent to the other instance", "terminate_to_outcome_forwarded_ms"),
                       ("the hop: b's `call terminated` → a's", "forward_hop_ms")):
        s = f[key]
        lines.append(f"| {label} | {s['n']} | {s['median']} | {s['p90']} | {s['max']} |")
    lines += ["", "## Outbox throughput", "",
              "Follow-ups queued in the shared outbox, all due at once; each instance claims batches with "
              "`FOR UPDATE SKIP LOCKED` and sends them to the Graph stand-in (Python, loopback).", "",
              "| Graph delay | instances | messages | seconds (first send → last) | messages/s | sent by | each exactly once |",
              "|---|---|---|---|---|---|---|"]
    for o in r["outbox"]:
        by = ", ".join(f"{k}: {v}" for k, v in sorted(o["sent_by"].items()))
        lines.append(f"| {o['graph_delay_ms']} ms | {o['instances']} | {o['messages']} | {o['seconds']} | "
                     f"{o['messages_per_s']} | {by} | {'yes' if o['each_once'] else 'NO'} |")
    lines += ["", "## kill -9 to every orphaned call finalized", "",
              "5 live calls on a, `kill -9` of a; time until b has finalized all 5 as `instance_lost`. a's last "
              "heartbeat was up to a third of the lease before the kill, and b looks every third of the lease, so "
              "expect between ⅔ and 1⅓ of the lease, plus the finalization.", "",
              "| lease | seconds |", "|---|---|"]
    lines += [f"| {k['lease_s']} s | {k['seconds']} |" for k in r["kill_9"]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
