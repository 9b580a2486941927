"""Issue 15, edges: no input kills the daemon, and every edge has a limit. On the built binary."""
import json
import os
import selectors
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request

from conftest import FIXTURES, ROOT, sign, wait_for
from ivrd_harness import Daemon, free_port

SECRET = "edge-secret"


def config(tmp_path, text):
    path = tmp_path / "edges.yaml"
    path.write_text(text)
    return path


def metric(d, line_prefix):
    for line in d.get("/metrics")[1].splitlines():
        if line.startswith(line_prefix + " "):
            return float(line.split()[-1])
    return None


def terminate_body(call_id, start, end, duration):
    text = (FIXTURES / "terminate.json").read_text()
    text = text.replace("wacid.HBgLMTMxNzU1NTEyMzQVAgARGBI3RkE1", call_id)
    text = text.replace('"start_time": "1764070003"', f'"start_time": {start}')
    text = text.replace('"end_time": "1764070090"', f'"end_time": {end}')
    text = text.replace('"duration": 87', f'"duration": {duration}')
    return text.encode()


def test_a_closed_log_pipe_does_not_stop_the_daemon(tmp_path):
    """stderr is a pipe nobody reads any more: each log line fails with EPIPE and is counted."""
    port, admin_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IVR_")}
    env.update({"IVR_HTTP_PORT": str(port), "IVR_HTTP_HOST": "127.0.0.1", "IVR_ADMIN_PORT": str(admin_port), "IVR_DB": str(tmp_path / "ivr.sqlite"),
                "IVR_FLOWS": str(ROOT / "Flows"), "IVR_PROMPTS": str(ROOT / "Prompts"), "IVR_APP_SECRET": SECRET})
    binary = os.environ.get("IVRD_BIN", str(ROOT / ".build" / "debug" / "ivrd"))
    proc = subprocess.Popen([binary, "serve", "--config", str(ROOT / "Deploy" / "ivr.example.yaml"), "--log-format", "json"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def get(path):
        # No admin token here: the loopback admin listener serves /metrics openly.
        url = (f"http://127.0.0.1:{admin_port}" if path == "/metrics" else base) + path
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()

    try:
        assert wait_for(lambda: _answers(get), attempts=300, interval=0.1), "ivrd did not start"
        proc.stdout.close()  # the reader goes away: the next log line gets EPIPE
        for _ in range(3):
            req = urllib.request.Request(base + "/webhook", data=b"{}", method="POST")
            try:
                urllib.request.urlopen(req, timeout=5)
            except urllib.error.HTTPError as e:
                assert e.code == 401  # unsigned: refused, and logged (the write fails)
        assert proc.poll() is None, "ivrd died writing to a closed pipe"
        assert get("/healthz")[0] == 200
        failures = [l for l in get("/metrics")[1].splitlines() if l.startswith("ivr_log_write_failures_total ")]
        assert failures and float(failures[0].split()[-1]) >= 3
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _answers(get):
    try:
        return get("/healthz")[0] == 200
    except OSError:
        return False


def test_absurd_numbers_in_a_signed_terminate_are_recorded(daemon_factory):
    d = daemon_factory(IVR_APP_SECRET=SECRET)
    cases = {
        "wacid.ABSURD1": ('"1e300"', '"1e300"', "1e300"),
        "wacid.ABSURD2": ('"inf"', '"nan"', "-5"),
        "wacid.ABSURD3": ('"-1e18"', "9.9e307", '"99999999999999999999"'),
        "wacid.ABSURD4": ('"-inf"', '""', '"NaN"'),
    }
    for call_id, (start, end, duration) in cases.items():
        body = terminate_body(call_id, start, end, duration)
        assert d.post("/webhook", body, {"X-Hub-Signature-256": sign(body, SECRET)}) == (200, "ok\n")
    for call_id in cases:
        assert wait_for(lambda: len(d.rows("select id from calls where id = ?", call_id)) == 1), call_id
        (duration, wa_start, ended), = d.rows("select duration_seconds, wa_start_time, ended_at from calls where id = ?",
                                              call_id)
        assert duration is None and wa_start is None and ended is not None
    assert d.get("/healthz")[0] == 200
    assert d.stop() == 0


def test_idle_connections_are_closed_by_the_idle_timeout(tmp_path):
    d = Daemon(tmp_path, {}, config=config(tmp_path, "http:\n  idle_timeout_seconds: 1\n  header_timeout_seconds: 60\n"))
    try:
        sel = selectors.DefaultSelector()
        socks = []
        for _ in range(300):
            s = socket.create_connection(("127.0.0.1", d.port), timeout=5)
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ)
            socks.append(s)
        open_ = set(socks)
        give_up = time.monotonic() + 30
        while open_ and time.monotonic() < give_up:
            for key, _ in sel.select(timeout=1):
                s = key.fileobj
                try:
                    if s.recv(1) == b"":
                        open_.discard(s)
                        sel.unregister(s)
                except ConnectionResetError:
                    open_.discard(s)
                    sel.unregister(s)
        for s in socks:
            s.close()
        assert not open_, f"{len(open_)} of 300 idle connections still open"
        assert d.get("/healthz")[0] == 200
    finally:
        assert d.stop() == 0


def _stalled_post(port, sent=10, declared=100_000):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(b"POST /webhook HTTP/1.1\r\nHost: ivrd\r\nContent-Type: application/json\r\n"
              b"X-Hub-Signature-256: sha256=" + b"0" * 64 + b"\r\n"
              b"Content-Length: " + str(declared).encode() + b"\r\n\r\n" + b"{" * sent)
    return s


def _closed(s, within):
    s.settimeout(within)
    try:
        return s.recv(65536) is not None  # EOF (b"") or the 400 the handler wrote as it lost the body
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True


def test_a_stalled_post_is_cut_off_and_a_slow_head_too(tmp_path):
    d = Daemon(tmp_path, {"IVR_APP_SECRET": SECRET},
               config=config(tmp_path, "http:\n  body_timeout_seconds: 1\n  header_timeout_seconds: 1\n"
                                       "  idle_timeout_seconds: 60\n"))
    try:
        stalled = _stalled_post(d.port)
        assert _closed(stalled, within=20), "the stalled POST was not cut off"
        stalled.close()
        slow = socket.create_connection(("127.0.0.1", d.port), timeout=5)
        slow.sendall(b"POST /webhook HTTP/1.1\r\nHost: ivrd\r\n")  # the head never ends
        assert _closed(slow, within=20), "the unfinished head was not cut off"
        slow.close()
        assert wait_for(lambda: metric(d, 'ivr_http_timeouts_total{kind="body"}') == 1)
        assert metric(d, 'ivr_http_timeouts_total{kind="header"}') == 1
        assert d.get("/healthz")[0] == 200
    finally:
        assert d.stop() == 0


def _trickle_until_closed(s, data, seconds):
    """Sends `data` a byte at a time, one every 0.3 s, until the server closes the connection (True) or
    `seconds` pass (False)."""
    s.settimeout(0.3)
    deadline = time.monotonic() + seconds
    i = 0
    while time.monotonic() < deadline:
        try:
            s.sendall(data[i % len(data):i % len(data) + 1])
            if s.recv(65536) == b"":
                return True
        except socket.timeout:
            pass
        except (BrokenPipeError, ConnectionResetError):
            return True
        i += 1
    return False


def test_a_kept_alive_connection_cannot_trickle_its_next_head(tmp_path):
    """The idle timeout runs from the last response to the next complete head: bytes of a head trickled in
    do not reset it, so the connection is closed (by the idle timeout, not the first head's deadline)."""
    d = Daemon(tmp_path, {"IVR_APP_SECRET": SECRET},
               config=config(tmp_path, "http:\n  header_timeout_seconds: 1\n  idle_timeout_seconds: 2\n"))
    try:
        s = socket.create_connection(("127.0.0.1", d.port), timeout=5)
        for _ in range(2):  # two requests answered on the one connection: it is kept alive
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: ivrd\r\n\r\n")
            answer = s.recv(65536)
            assert answer.startswith(b"HTTP/1.1 200"), answer
        slow_head = b"GET /healthz HTTP/1.1\r\nHost: ivrd\r\nX-Slow: " + b"a" * 1000
        assert _trickle_until_closed(s, slow_head, seconds=20), "a head trickled on a kept-alive connection was not cut off"
        s.close()
        assert d.get("/healthz")[0] == 200
    finally:
        assert d.stop() == 0


def test_connections_beyond_the_cap_wait_until_one_closes(tmp_path):
    """`http.max_connections`: a connection past the cap is not served (it waits in the accept queue)."""
    d = Daemon(tmp_path, {"IVR_APP_SECRET": SECRET},
               config=config(tmp_path, "http:\n  max_connections: 2\n  header_timeout_seconds: 300\n"
                                       "  idle_timeout_seconds: 300\n"))
    try:
        held = [socket.create_connection(("127.0.0.1", d.port), timeout=5) for _ in range(2)]
        time.sleep(0.5)  # both accepted
        third = socket.create_connection(("127.0.0.1", d.port), timeout=5)
        third.sendall(b"GET /healthz HTTP/1.1\r\nHost: ivrd\r\n\r\n")
        third.settimeout(2)
        try:
            early = third.recv(65536)
        except socket.timeout:
            early = None
        assert early is None, f"a third connection was served with the cap at 2: {early!r}"
        held.pop().close()
        third.settimeout(20)
        assert third.recv(65536).startswith(b"HTTP/1.1 200"), "the waiting connection was not served once one closed"
        third.close()
        for s in held:
            s.close()
    finally:
        assert d.stop() == 0


def test_healthz_is_unavailable_while_the_database_cannot_be_written(tmp_path):
    """Another process holds SQLite's write lock: /healthz's write test fails (after the 5 s busy timeout).
    A success is reused for a second (polling /healthz must not become a stream of write locks), so the
    request under the lock comes more than a second after the last healthy one."""
    d = Daemon(tmp_path, {"IVR_APP_SECRET": SECRET})
    try:
        assert d.get("/healthz")[0] == 200
        lock = sqlite3.connect(d.db, timeout=1, isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")
        time.sleep(1.2)
        try:
            try:
                with urllib.request.urlopen(d.base + "/healthz", timeout=30) as r:
                    status, body = r.status, r.read().decode()
            except urllib.error.HTTPError as e:
                status, body = e.code, e.read().decode()
            assert status == 503 and json.loads(body) == {"status": "unavailable"}, (status, body)
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        assert d.get("/healthz")[0] == 200
    finally:
        assert d.stop() == 0


def test_a_stalled_post_does_not_hold_up_shutdown(tmp_path):
    d = Daemon(tmp_path, {"IVR_APP_SECRET": SECRET},
               config=config(tmp_path, "http:\n  body_timeout_seconds: 600\n  idle_timeout_seconds: 600\n"))
    stalled = _stalled_post(d.port)
    time.sleep(0.3)  # let the server read the head
    d.proc.terminate()
    try:
        code = d.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        d.proc.kill()
        d.proc.wait()
        raise AssertionError("ivrd waited for the stalled body instead of shutting down")
    finally:
        stalled.close()
    assert code == 0


def test_repeated_failures_from_one_address_get_429_and_are_logged_once(tmp_path):
    d = Daemon(tmp_path, {"IVR_APP_SECRET": SECRET},
               config=config(tmp_path, "http:\n  auth_failure_burst: 3\n  auth_failures_per_minute: 1\n"))
    try:
        statuses = [d.post("/webhook", b"{}", {"X-Hub-Signature-256": "sha256=" + "0" * 64})[0] for _ in range(8)]
        assert statuses == [401, 401, 401, 429, 429, 429, 429, 429]
        assert metric(d, "ivr_webhooks_rate_limited_total") == 5
        assert metric(d, 'ivr_webhooks_rejected_total{reason="signature_mismatch"}') == 3
    finally:
        assert d.stop() == 0
    lines = [json.loads(l) for l in d.logs().splitlines() if l.startswith("{")]
    assert len([l for l in lines if l["msg"] == "webhook refused"]) == 3
    assert len([l for l in lines if l["msg"].startswith("webhook source limited")]) == 1


def test_malformed_signed_payloads_spend_the_same_allowance(tmp_path):
    """A 400 (signed, but not a webhook payload) is charged like a 401: a sender with the secret and a bug
    cannot make the daemon decode and log without limit either."""
    d = Daemon(tmp_path, {"IVR_APP_SECRET": SECRET},
               config=config(tmp_path, "http:\n  auth_failure_burst: 3\n  auth_failures_per_minute: 1\n"))
    try:
        body = b'{"object": "whatsapp_business_account", "entry": 7}'
        statuses = [d.post("/webhook", body, {"X-Hub-Signature-256": sign(body, SECRET)})[0] for _ in range(6)]
        assert statuses == [400, 400, 400, 429, 429, 429]
        assert metric(d, "ivr_webhooks_rate_limited_total") == 3
    finally:
        assert d.stop() == 0
