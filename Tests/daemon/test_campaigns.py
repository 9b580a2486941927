"""The dialer on the built binary: a campaign of 20 numbers at 5/s inside a calling window, the daemon
restarted halfway, and every number gets exactly one `connect` at the Graph stand-in; a retry after no
answer; a callback row whose permission is asked for, granted by a webhook, then called; the campaign
API's errors; `ivrd campaign` start/status/pause/cancel; a campaign on PostgreSQL."""
import datetime
import http.server
import itertools
import json
import os
import subprocess
import threading
import time
import urllib.request
import zoneinfo

from ivrd_harness import ADMIN_TOKEN, ROOT, permission_answer, postgres_database, psql, sign, wait_for

SECRET = "campaign-secret"
NUMBER = "106540352242922"


class UserSide:
    """The Graph API playing the users: permission lookups (granted to `granted`), permission requests,
    and `connect`, answered with a call id; the user then declines (a signed REJECTED status webhook),
    except the numbers in `silent`, whose phone rings until our ring timeout (their first call only)."""

    def __init__(self, granted=(), silent=()):
        self.granted, self.silent, self.requests = set(granted), set(silent), []
        self.lock, self.ids, self.daemon = threading.Lock(), itertools.count(1), None
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def reply(self, body):
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                user = self.path.rsplit("user_wa_id=", 1)[-1]
                status = "permanent" if user in outer.granted else "no_permission"
                self.reply(permission_answer(status))

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                with outer.lock:
                    outer.requests.append({"path": self.path, "body": body})
                if self.path.endswith("/messages"):
                    return self.reply({"messaging_product": "whatsapp", "messages": [{"id": "wamid.PERM"}]})
                if body.get("action") != "connect":
                    return self.reply({"messaging_product": "whatsapp", "success": True})
                wacid = f"wacid.C{next(outer.ids)}"
                self.reply({"messaging_product": "whatsapp", "calls": [{"id": wacid}]})
                user = body["to"]
                with outer.lock:
                    ring = user in outer.silent
                    outer.silent.discard(user)
                if not ring:
                    threading.Thread(target=outer.decline, args=(wacid, user), daemon=True).start()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def decline(self, wacid, user):
        time.sleep(0.05)
        status = {"id": wacid, "timestamp": str(int(time.time())), "type": "call", "status": "REJECTED",
                  "recipient_id": user}
        try:
            webhook(self.daemon, "calls", {"statuses": [status]})
        except OSError:
            pass  # the daemon is restarting: its drain ends the call

    def connects(self, user=None):
        with self.lock:
            return [r["body"]["to"] for r in self.requests
                    if r["body"].get("action") == "connect" and user in (None, r["body"]["to"])]

    def messages(self):
        with self.lock:
            return [r["body"] for r in self.requests if r["path"].endswith("/messages")]

    def close(self):
        self.server.shutdown()


def webhook(d, field, value):
    value = {"messaging_product": "whatsapp",
             "metadata": {"phone_number_id": NUMBER, "display_phone_number": "15550783881"}, **value}
    body = json.dumps({"object": "whatsapp_business_account",
                       "entry": [{"id": "1", "changes": [{"field": field, "value": value}]}]}).encode()
    return d.post("/webhook", body, {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, SECRET)})[0]


def start(daemon_factory, users, **extra):
    env = dict(IVR_APP_SECRET=SECRET, IVR_VERIFY_TOKEN="t", IVR_ACCESS_TOKEN="a", IVR_GRAPH_URL=users.url,
               IVR_MEDIA_IP="127.0.0.1", IVR_OUTBOUND_PHONE_NUMBER_ID=NUMBER, IVR_OUTBOUND_RING_TIMEOUT="5",
               IVR_DIALER_TICK_MS="100", IVR_DIALER_CLAIM_LEASE="5")
    d = daemon_factory(**{**env, **extra})
    users.daemon = d
    return d


def window_around_now(tz):
    """A two-hour calling window around the present, local time in `tz` (it may run over midnight)."""
    now = datetime.datetime.now(zoneinfo.ZoneInfo(tz))
    start, end = now - datetime.timedelta(hours=1), now + datetime.timedelta(hours=1)
    return f"{start:%H:%M}-{end:%H:%M}"


def post_json(d, path, body):
    status, text = d.admin_post(path, body)
    return status, (json.loads(text) if text.strip().startswith("{") else text)


def final_rows(d, campaign):
    return d.rows("select count(*) from scheduled_calls where campaign_id = ? "
                  "and state in ('done', 'failed', 'cancelled')", campaign)[0][0]


def test_a_restart_halfway_through_calls_every_number_exactly_once(daemon_factory):
    numbers = [f"4915112340{i:03d}" for i in range(20)]
    users = UserSide(granted=numbers)
    try:
        d = start(daemon_factory, users)
        rows = [{"to": "+" + n, "vars": {"name": f"user {i}"}} for i, n in enumerate(numbers)]
        status, made = post_json(d, "/v1/campaigns", {"flow": "reminder", "rows": rows, "rate": "5/s",
                                                      "window": window_around_now("Europe/Berlin"),
                                                      "tz": "Europe/Berlin", "max_attempts": 1})
        assert status == 201, made
        campaign = made["id"]
        assert made["state"] == "running" and made["total"] == 20 and made["by_state"] == {"pending": 20}
        # Halfway: the daemon stops (its calls drain) and a new one takes over the same store.
        assert wait_for(lambda: len(users.connects()) >= 10, attempts=400)
        d.stop()
        halfway = len(users.connects())
        assert halfway < 20, "the campaign finished before the restart: nothing was tested"
        d = start(daemon_factory, users)
        assert wait_for(lambda: final_rows(d, campaign) == 20, attempts=600), d.rows(
            "select state, last_result from scheduled_calls where campaign_id = ?", campaign)
        calls = users.connects()
        assert sorted(calls) == sorted(numbers), f"connects per number: {sorted(calls)}"
        # Each row placed one call, and that call is the row's.
        assert d.rows("select count(*) from scheduled_calls where campaign_id = ? and attempts = 1", campaign) == [(20,)]
        assert d.rows("select count(distinct call_id) from scheduled_calls where campaign_id = ?", campaign) == [(20,)]
        status, shown = d.admin_get(f"/v1/campaigns/{campaign}")
        shown = json.loads(shown)
        assert status == 200 and shown["state"] == "done" and shown["finished"] == 20
        assert sum(shown["by_result"].values()) == 20 and shown["by_result"].get("declined", 0) >= 10, shown
    finally:
        users.close()


def test_on_postgresql_a_campaign_calls_each_number_once_and_finishes(daemon_factory):
    numbers = [f"4915112341{i:03d}" for i in range(5)]
    users = UserSide(granted=numbers)
    url = postgres_database()
    try:
        d = start(daemon_factory, users, IVR_DATABASE_URL=url)
        rows = [{"to": "+" + n} for n in numbers]
        status, made = post_json(d, "/v1/campaigns", {"flow": "reminder", "rows": rows, "rate": "5/s"})
        assert status == 201 and made["total"] == 5, made
        campaign = made["id"]

        def shown():
            return json.loads(d.admin_get(f"/v1/campaigns/{campaign}")[1])

        assert wait_for(lambda: shown()["state"] == "done", attempts=300), (
            shown(), psql(url, "select id, state, last_result from scheduled_calls"))
        assert sorted(users.connects()) == sorted(numbers), f"connects per number: {sorted(users.connects())}"
        assert shown()["finished"] == 5
        assert psql(url, f"select count(*), count(distinct call_id) from scheduled_calls "
                         f"where campaign_id = '{campaign}' and attempts = 1") == [("5", "5")]
    finally:
        users.close()


def test_a_crash_halfway_calls_no_number_twice(daemon_factory):
    """kill -9 mid-campaign: claims never placed come back after the lease; calls cut by the crash end
    `interrupted`, final (their phone may have rung), so a number is called at most once."""
    numbers = [f"4915112341{i:03d}" for i in range(20)]
    users = UserSide(granted=numbers)
    try:
        d = start(daemon_factory, users)
        status, made = post_json(d, "/v1/campaigns", {"flow": "reminder", "rows": [{"to": n} for n in numbers],
                                                      "rate": "5/s", "max_attempts": 1})
        assert status == 201, made
        assert wait_for(lambda: len(users.connects()) >= 8, attempts=400)
        d.proc.kill()
        d.proc.wait()
        d = start(daemon_factory, users)
        assert wait_for(lambda: final_rows(d, made["id"]) == 20, attempts=600), d.rows(
            "select state, last_result from scheduled_calls where campaign_id = ?", made["id"])
        calls = users.connects()
        assert len(calls) == len(set(calls)), f"a number was called twice: {sorted(calls)}"
        missed = set(numbers) - set(calls)
        results = dict(d.rows("select recipient, last_result from scheduled_calls where campaign_id = ?", made["id"]))
        assert all(results[n] == "interrupted" for n in missed), results
    finally:
        users.close()


def test_no_answer_is_called_again_after_retry_after(daemon_factory):
    user = "4915112349999"
    users = UserSide(granted=[user], silent=[user])
    try:
        d = start(daemon_factory, users)
        status, made = post_json(d, "/v1/campaigns", {"flow": "reminder", "rows": [{"to": user}], "rate": "5/s",
                                                      "max_attempts": 2, "retry_after": "1s"})
        assert status == 201, made
        # The first call rings out (no_answer at the 5 s ring timeout), the retry is declined.
        assert wait_for(lambda: final_rows(d, made["id"]) == 1, attempts=400)
        assert users.connects(user) == [user, user]
        assert d.rows("select state, attempts, last_result from scheduled_calls where campaign_id = ?", made["id"]) == [
            ("failed", 2, "declined")]
        reasons = d.rows("select end_reason from calls where caller = ? order by received_at", user)
        assert reasons == [("no_answer",), ("declined",)]
    finally:
        users.close()


def test_a_callback_row_asks_for_permission_then_calls_once_granted(daemon_factory):
    user = "4915112348888"
    users = UserSide()
    try:
        d = start(daemon_factory, users)
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.000")
        with __import__("sqlite3").connect(d.db) as db:
            db.execute("insert into scheduled_calls (id, recipient, flow, origin, origin_call_id, not_before, state, "
                       "attempts, created_at, updated_at) values ('sch.cb1', ?, 'reminder', 'callback', 'wacid.IN1', "
                       "?, 'pending', 0, ?, ?)", (user, now, now, now))
        assert wait_for(lambda: d.rows("select state from scheduled_calls where id = 'sch.cb1'") == [
            ("awaiting_permission",)], attempts=200)
        # A second row for the same user (a flow's schedule_call step) waits on the same request.
        with __import__("sqlite3").connect(d.db) as db:
            db.execute("insert into scheduled_calls (id, recipient, flow, origin, not_before, state, attempts, "
                       "created_at, updated_at) values ('sch.st1', ?, 'reminder', 'step', ?, 'pending', 0, ?, ?)",
                       (user, now, now, now))
        assert wait_for(lambda: d.rows("select state from scheduled_calls where id = 'sch.st1'") == [
            ("awaiting_permission",)], attempts=200)
        assert [m["to"] for m in users.messages()] == [user]
        assert users.messages()[0]["interactive"]["type"] == "call_permission_request"
        assert users.connects() == []
        # The user grants it: the row is due at once and called.
        users.granted.add(user)
        reply = {"contacts": [{"wa_id": user}], "messages": [{
            "id": "wamid.REPLY1", "from": user, "type": "interactive", "context": {"id": "wamid.PERM"},
            "interactive": {"type": "call_permission_reply", "call_permission_reply": {
                "response": "accept", "is_permanent": True, "response_source": "user_action"}}}]}
        assert webhook(d, "messages", reply) == 200
        assert wait_for(lambda: users.connects(user) == [user, user], attempts=200)
        assert wait_for(lambda: d.rows("select id, state, attempts, last_result from scheduled_calls order by id")
                        == [("sch.cb1", "failed", 1, "declined"), ("sch.st1", "failed", 1, "declined")], attempts=200)
        (call_id,) = d.rows("select call_id from scheduled_calls where id = 'sch.cb1'")[0]
        assert d.rows("select direction, flow from calls where id = ?", call_id) == [("BUSINESS_INITIATED", "reminder")]
    finally:
        users.close()


def test_campaign_errors_name_the_problem_and_the_cli_follows_it(daemon_factory, tmp_path):
    users = UserSide(granted=["4915112347777"])
    try:
        d = start(daemon_factory, users, IVR_DIALER_TICK_MS="60000")
        for body, needle in [
            ({"flow": "nope", "rows": [{"to": "+4915112347777"}]}, "no flow named 'nope'"),
            ({"flow": "reminder", "rows": [{"to": "+4915112347777"}, {"to": "12ab"}]}, "row 2: 'to' must be"),
            ({"flow": "reminder", "rows": [{"to": "4915112347777"}], "window": "9-18"}, "window must be HH:MM-HH:MM"),
            ({"flow": "reminder", "rows": [{"to": "4915112347777"}], "tz": "Mars/Base"}, "unknown time zone 'Mars/Base'"),
            ({"flow": "reminder", "rows": [{"to": "4915112347777"}], "rate": "fast"}, "rate must be calls per"),
            ({"flow": "reminder", "rows": []}, "no rows"),
        ]:
            status, text = post_json(d, "/v1/campaigns", body)
            assert status == 400 and needle in text["error"], (body, status, text)
        assert d.admin_post("/v1/campaigns", {"flow": "reminder", "rows": []}, token="")[0] == 401
        binary = os.environ.get("IVRD_BIN", str(ROOT / ".build" / "debug" / "ivrd"))
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("IVR_")},
               "IVR_ADMIN_PORT": str(d.admin_port), "IVR_ADMIN_TOKEN": ADMIN_TOKEN}
        csv = tmp_path / "list.csv"
        csv.write_text('to,name\n+4915112347777,"Ana, B."\n')
        run = lambda *args: subprocess.run([binary, "campaign", *args], env=env, capture_output=True, text=True, timeout=30)
        r = run("start", str(csv), "--flow", "reminder", "--rate", "2/s", "--window", "09:00-18:00", "--tz", "Europe/Berlin")
        assert r.returncode == 0, r.stderr
        made = json.loads(r.stdout)
        assert made["rate"] == "2/s" and made["window"] == "09:00-18:00" and made["tz"] == "Europe/Berlin"
        assert d.rows("select variables_json from scheduled_calls where campaign_id = ?", made["id"]) == [
            ('{"name":"Ana, B."}',)]
        r = run("pause", made["id"])
        assert r.returncode == 0 and "paused" in r.stdout, r.stderr
        r = run("status", made["id"])
        assert r.returncode == 0, r.stderr
        assert "0/1 finished (0%)" in r.stdout and "pending 1" in r.stdout and "█" not in r.stdout
        r = run("cancel", made["id"])
        assert r.returncode == 0 and "cancelled" in r.stdout
        r = run("status")
        assert r.returncode == 0 and "1/1 finished (100%)" in r.stdout
        assert run("resume", made["id"]).returncode != 0
        bad = tmp_path / "bad.csv"
        bad.write_text("phone,name\n1,2\n")
        r = run("start", str(bad), "--flow", "reminder")
        assert r.returncode != 0 and "CSV line 1: the header must start with 'to'" in r.stderr
        assert users.connects() == []
    finally:
        users.close()
