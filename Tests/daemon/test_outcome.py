"""Call outcomes and follow-up messages on the built binary: the outbox survives SIGKILL.

The daemon runs with an `outbox.followup` rule (a template after every completed call); calls end by a
signed `terminate` webhook. The Graph stand-in here also answers `/messages` and can hold a request open
or refuse it, so the daemon can be killed at the two moments that matter:
  * after the outcome (and its outbox row) is committed, before the send — run with IVR_OUTBOX_PAUSED=1;
  * while the send is in flight — the stand-in holds the first request open.
"""
import http.server
import json
import os
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

from conftest import FIXTURES, ROOT, sign, wait_for
from ivrd_harness import Daemon as HarnessDaemon

SECRET = "outcome-secret"
BINARY = os.environ.get("IVRD_BIN", str(ROOT / ".build" / "debug" / "ivrd"))


class MessagesStandIn:
    """Graph stand-in with scripted `/messages` answers: ("ok",), ("hang",), ("error", status, code)."""

    def __init__(self):
        self.messages = []
        self.calls = []
        self.script = []
        self.lock = threading.Lock()
        self.request_seen = threading.Event()
        self.release = threading.Event()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                if not self.path.endswith("/messages"):
                    with outer.lock:
                        outer.calls.append(body)
                    return self.reply(200, {"messaging_product": "whatsapp", "success": True})
                with outer.lock:
                    outer.messages.append(body)
                    n = len(outer.messages)
                    step = outer.script.pop(0) if outer.script else ("ok",)
                outer.request_seen.set()
                if step[0] == "hang":
                    outer.release.wait(30)
                    return
                if step[0] == "error":
                    return self.reply(step[1], {"error": {"message": "Message undeliverable", "type": "OAuthException",
                                                          "code": step[2], "error_data": {"details": "too old"},
                                                          "fbtrace_id": "TR"}})
                self.reply(200, {"messaging_product": "whatsapp", "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                                 "messages": [{"id": f"wamid.DAEMON{n}"}]})

            def reply(self, status, obj):
                data = json.dumps(obj).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def message_count(self):
        with self.lock:
            return len(self.messages)

    def close(self):
        self.release.set()
        self.server.shutdown()


CONFIG = """
outbox:
  poll_interval_ms: 200
  base_delay_ms: 50
  max_delay_ms: 200
  followup:
    on: [completed]
    template: call_us_back
    language: en_US
    ttl_minutes: 1440
    payload: after-call
"""


class Daemon(HarnessDaemon):
    """The shared daemon harness, with the outbox config above and a follow-up rule."""

    def __init__(self, tmp_path, graph_url, name, **env_extra):
        config = tmp_path / "outcome.yaml"
        config.write_text(CONFIG)
        super().__init__(tmp_path, {"IVR_APP_SECRET": SECRET, "IVR_VERIFY_TOKEN": "tok", "IVR_ACCESS_TOKEN": "acc",
                                    "IVR_GRAPH_URL": graph_url, **env_extra}, config=config, name=name)

    def outcome_lines(self):
        return [json.loads(l) for l in self.logs().splitlines()
                if l.startswith("{") and json.loads(l).get("event") == "call.outcome"]

    def terminate(self, call_id):
        body = (FIXTURES / "terminate.json").read_text().replace("wacid.HBgLMTMxNzU1NTEyMzQVAgARGBI3RkE1", call_id).encode()
        req = urllib.request.Request(self.base + "/webhook", data=body, method="POST",
                                     headers={"X-Hub-Signature-256": sign(body, SECRET),
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=5) as r:
            assert r.status == 200

    def kill(self):
        self.proc.kill()  # SIGKILL: no graceful shutdown, no flush
        self.proc.wait()


def outbox_rows(db):
    import sqlite3
    with sqlite3.connect(db) as conn:
        return conn.execute("select id, call_id, status, attempts, wamid, error_code from outbox order by id").fetchall()


def ivrd_calls(*args):
    r = subprocess.run([BINARY, "calls", *args], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.fixture
def standin():
    s = MessagesStandIn()
    yield s
    s.close()


@pytest.fixture
def daemons():
    started = []
    yield started
    for d in started:
        d.stop()


def test_killed_after_commit_before_send_sends_exactly_once_after_restart(tmp_path, standin, daemons):
    d1 = Daemon(tmp_path, standin.url, "first", IVR_OUTBOX_PAUSED="1")
    daemons.append(d1)
    d1.terminate("wacid.DURABLE1")
    assert wait_for(lambda: [r[2] for r in outbox_rows(d1.db)] == ["pending"])
    # The log line follows the commit; wait for it so the kill lands between commit and send, not before the log.
    assert wait_for(lambda: len(d1.outcome_lines()) == 1)
    d1.kill()
    assert standin.message_count() == 0
    lines = d1.outcome_lines()
    assert len(lines) == 1
    line = lines[0]
    assert line["call_id"] == "wacid.DURABLE1" and line["caller"] == "***1234"
    assert line["status"] == "completed" and line["wa_status"] == "COMPLETED" and line["wa_duration_s"] == "87"
    assert line["error_codes"] == ["138021"] and line["followup"] == "pending"
    assert "13175551234" not in d1.logs()

    d2 = Daemon(tmp_path, standin.url, "second")
    daemons.append(d2)
    assert wait_for(lambda: [r[2] for r in outbox_rows(d2.db)] == ["sent"])
    time.sleep(0.6)  # a few poll intervals: nothing more goes out
    assert standin.message_count() == 1
    msg = standin.messages[0]
    assert msg["to"] == "13175551234" and msg["type"] == "template"
    assert msg["template"]["name"] == "call_us_back"
    assert d2.outcome_lines() == [], "the restarted daemon does not finalize the call again"
    d2.stop()

    calls = json.loads(ivrd_calls("list", "--json", "--db", str(d2.db), "--since", "1d"))
    assert [c["call_id"] for c in calls] == ["wacid.DURABLE1"]
    assert calls[0]["caller"] == "***1234" and calls[0]["followup"] == "sent" and calls[0]["status"] == "completed"
    assert json.loads(ivrd_calls("list", "--json", "--db", str(d2.db), "--status", "failed")) == []
    table = ivrd_calls("list", "--db", str(d2.db))
    assert "wacid.DURABLE1" in table and "***1234" in table and "13175551234" not in table
    shown = json.loads(ivrd_calls("show", "wacid.DURABLE1", "--json", "--db", str(d2.db)))
    assert [e["kind"] for e in shown["events"]] == ["end"]
    assert shown["events"][0]["detail"] == "terminate webhook: COMPLETED"
    assert shown["outbox"][0]["wamid"] == "wamid.DAEMON1"
    assert "terminate webhook: COMPLETED" in ivrd_calls("show", "wacid.DURABLE1", "--db", str(d2.db))
    assert json.loads(ivrd_calls("outbox", "--json", "--db", str(d2.db))) == []


def test_killed_while_the_send_is_in_flight_duplicates_at_most_once(tmp_path, standin, daemons):
    standin.script.append(("hang",))
    d1 = Daemon(tmp_path, standin.url, "first")
    daemons.append(d1)
    d1.terminate("wacid.INFLIGHT1")
    assert standin.request_seen.wait(20), d1.logs()
    assert wait_for(lambda: len(d1.outcome_lines()) == 1)
    d1.kill()
    assert [r[2] for r in outbox_rows(d1.db)] == ["sending"]

    d2 = Daemon(tmp_path, standin.url, "second")
    daemons.append(d2)
    assert wait_for(lambda: [r[2] for r in outbox_rows(d2.db)] == ["sent"])
    time.sleep(0.6)
    # The window: the first request may or may not have reached the API; it is sent again.
    assert 1 <= standin.message_count() <= 2
    assert "interrupted mid-send" in d2.logs()
    assert len(d1.outcome_lines()) == 1 and d2.outcome_lines() == []


def test_a_refused_message_fails_with_its_code_and_retry_resends_it(tmp_path, standin, daemons):
    standin.script.append(("error", 400, 131026))
    d = Daemon(tmp_path, standin.url, "only")
    daemons.append(d)
    d.terminate("wacid.REFUSED1")
    assert wait_for(lambda: [r[2] for r in outbox_rows(d.db)] == ["failed"])
    time.sleep(0.6)
    assert standin.message_count() == 1, "a 400 is not retried"
    (row_id, call_id, status, attempts, wamid, code), = outbox_rows(d.db)
    assert (call_id, attempts, wamid, code) == ("wacid.REFUSED1", 1, None, 131026)
    pending = json.loads(ivrd_calls("outbox", "--json", "--db", str(d.db)))
    assert [(m["id"], m["status"], m["error_code"]) for m in pending] == [(row_id, "failed", 131026)]
    assert "131026" in ivrd_calls("outbox", "--db", str(d.db))
    assert "queued for another attempt" in ivrd_calls("outbox", "retry", str(row_id), "--db", str(d.db))
    assert wait_for(lambda: [r[2] for r in outbox_rows(d.db)] == ["sent"])
    assert standin.message_count() == 2
    r = subprocess.run([BINARY, "calls", "outbox", "retry", str(row_id), "--db", str(d.db)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert f"outbox message {row_id} is sent; only failed or pending messages can be retried" in r.stderr


def test_calls_prune_deletes_what_retention_allows_and_dry_run_only_counts(tmp_path, standin, daemons):
    """`ivrd calls prune`: one retention pass from the command line, the recordings in `retention.recordings_dir`."""
    d = Daemon(tmp_path, standin.url, "prune")
    daemons.append(d)
    d.terminate("wacid.PRUNE1")
    assert wait_for(lambda: [r[2] for r in outbox_rows(d.db)] == ["sent"])
    d.stop()
    long_ago = "2020-01-01 00:00:00.000"
    with sqlite3.connect(d.db) as db:
        db.execute("UPDATE call_events SET at = ?", (long_ago,))
        db.execute("UPDATE webhook_deliveries SET received_at = ?", (long_ago,))
        db.execute("UPDATE outbox SET updated_at = ?", (long_ago,))
    recordings = tmp_path / "recordings"
    recordings.mkdir()
    old, new = recordings / "wacid_old-message.wav", recordings / "wacid_new-message.wav"
    for f in (old, new):
        f.write_bytes(b"RIFF")
    month_ago = time.time() - 40 * 86_400
    os.utime(old, (month_ago, month_ago))
    cfg = tmp_path / "retention.yaml"
    cfg.write_text("retention:\n  events_days: 30\n  deliveries_days: 30\n  outbox_days: 30\n"
                   f"  recordings_days: 30\n  recordings_dir: {recordings}\n")

    def counts(text):  # "  <name padded to 20><count right-aligned in 8>  (why)" under a title line
        return {line[2:22].strip(): int(line[22:30]) for line in text.splitlines()[1:]}

    dry = ivrd_calls("prune", "--dry-run", "--db", str(d.db), "--config", str(cfg))
    assert dry.startswith("dry run: would delete"), dry
    assert counts(dry) == {"call events": 1, "webhook deliveries": 1, "outbox rows": 1, "recordings": 1}, dry
    assert old.exists() and new.exists()
    done = ivrd_calls("prune", "--db", str(d.db), "--config", str(cfg))
    assert done.startswith("deleted"), done
    assert counts(done) == {"call events": 1, "webhook deliveries": 1, "outbox rows": 1, "recordings": 1}, done
    assert not old.exists() and new.exists()
    with sqlite3.connect(d.db) as db:
        assert db.execute("SELECT COUNT(*) FROM call_events").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM webhook_deliveries").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM calls").fetchone()[0] == 1, "call rows are kept"
    again = ivrd_calls("prune", "--db", str(d.db), "--config", str(cfg))
    assert set(counts(again).values()) == {0}, again
