"""Calls we place, on the built binary: POST /v1/calls behind the admin token, the permission lookup,
the permission request and the user's reply (a signed webhook), `connect` with our offer, RINGING, the
ring timeout with `terminate` to WhatsApp's id, and the unanswered count in `permissions`; `ivrd call`."""
import http.server
import json
import os
import subprocess
import threading
import time
import urllib.error
import urllib.request

from ivrd_harness import ADMIN_TOKEN, ROOT, permission_answer, postgres_database, psql, sign, wait_for

SECRET = "outbound-secret"
NUMBER = "106540352242922"
USER = "15551234567"


class PermissionGraph:
    """The Graph API for calls we place: call_permissions (GET), messages, connect and terminate."""

    def __init__(self, status="no_permission"):
        self.status, self.requests, self.lock = status, [], threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def reply(self, body, code=200):
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                with outer.lock:
                    outer.requests.append({"method": "GET", "path": self.path})
                self.reply(permission_answer(outer.status))

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                with outer.lock:
                    outer.requests.append({"method": "POST", "path": self.path, "body": body})
                if self.path.endswith("/messages"):
                    self.reply({"messaging_product": "whatsapp", "messages": [{"id": "wamid.PERM1"}]})
                elif body.get("action") == "connect":
                    self.reply({"messaging_product": "whatsapp", "calls": [{"id": "wacid.OUT1"}]})
                else:
                    self.reply({"messaging_product": "whatsapp", "success": True})

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def of(self, pred):
        with self.lock:
            return [r for r in self.requests if pred(r)]

    def close(self):
        self.server.shutdown()


def admin_post(d, path, body, token=None):
    """The harness's admin POST, the reply's JSON decoded when it succeeded."""
    status, text = d.admin_post(path, body, token=token)
    return status, json.loads(text) if status < 300 else text


def webhook(d, field, value):
    value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": NUMBER, "display_phone_number": "15550783881"},
             **value}
    body = json.dumps({"object": "whatsapp_business_account",
                       "entry": [{"id": "1", "changes": [{"field": field, "value": value}]}]}).encode()
    return d.post("/webhook", body, {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, SECRET)})[0]


def start(daemon_factory, graph, **env):
    return daemon_factory(IVR_APP_SECRET=SECRET, IVR_VERIFY_TOKEN="t", IVR_ACCESS_TOKEN="a", IVR_GRAPH_URL=graph.url,
                          IVR_MEDIA_IP="127.0.0.1", IVR_OUTBOUND_PHONE_NUMBER_ID=NUMBER, IVR_OUTBOUND_RING_TIMEOUT="5", **env)


def test_the_api_needs_the_token_and_a_known_flow(daemon_factory):
    graph = PermissionGraph()
    try:
        d = start(daemon_factory, graph)
        assert admin_post(d, "/v1/calls", {"to": "+" + USER, "flow": "reminder"}, token="")[0] == 401
        assert admin_post(d, "/v1/calls", {"to": "+" + USER, "flow": "reminder"}, token="wrong-token-0123456789ab")[0] == 401
        status, body = admin_post(d, "/v1/calls", {"to": "+" + USER, "flow": "nope"})
        assert status == 422 and "no flow named 'nope'" in body
        status, body = admin_post(d, "/v1/calls", {"to": "12ab", "flow": "reminder"})
        assert status == 422 and "international format" in body
        assert graph.requests == []
    finally:
        graph.close()


def test_permission_requested_granted_then_the_unanswered_call_is_terminated(daemon_factory):
    graph = PermissionGraph()
    try:
        d = start(daemon_factory, graph)
        status, placed = admin_post(d, "/v1/calls", {"to": "+" + USER, "flow": "reminder", "vars": {"name": "Ana"},
                                                     "biz_opaque_callback_data": "booking-42"})
        assert status == 202 and placed["state"] == "checking_permission", placed
        call_id = placed["id"]
        # No permission: the lookup, then the request message.
        assert wait_for(lambda: graph.of(lambda r: r["path"].endswith("/messages")))
        lookup = graph.of(lambda r: r["method"] == "GET")[0]
        assert lookup["path"] == f"/v23.0/{NUMBER}/call_permissions?user_wa_id={USER}"
        request = graph.of(lambda r: r["path"].endswith("/messages"))[0]["body"]
        assert request["interactive"]["type"] == "call_permission_request" and request["to"] == USER
        # The user accepts: the call is placed at once, with our offer.
        reply = {"contacts": [{"wa_id": USER}], "messages": [{
            "id": "wamid.REPLY1", "from": USER, "type": "interactive", "context": {"id": "wamid.PERM1"},
            "interactive": {"type": "call_permission_reply", "call_permission_reply": {
                "response": "accept", "is_permanent": False, "expiration_timestamp": int(time.time()) + 86400,
                "response_source": "user_action"}}}]}
        assert webhook(d, "messages", reply) == 200
        assert wait_for(lambda: graph.of(lambda r: r.get("body", {}).get("action") == "connect"))
        connect = graph.of(lambda r: r.get("body", {}).get("action") == "connect")[0]["body"]
        assert connect["to"] == USER and connect["session"]["sdp_type"] == "offer"
        assert connect["biz_opaque_callback_data"] == "booking-42"
        sdp = connect["session"]["sdp"]
        assert "a=setup:actpass" in sdp and "a=ice-lite" not in sdp and "opus/48000/2" in sdp
        # RINGING, then nobody answers: terminate to WhatsApp's id at the 5 s ring timeout.
        ringing = {"statuses": [{"id": "wacid.OUT1", "timestamp": str(int(time.time())), "type": "call",
                                 "status": "RINGING", "recipient_id": USER}]}
        assert webhook(d, "calls", ringing) == 200
        assert wait_for(lambda: graph.of(lambda r: r.get("body", {}).get("action") == "terminate"), attempts=300)
        assert graph.of(lambda r: r.get("body", {}).get("action") == "terminate")[0]["body"]["call_id"] == "wacid.OUT1"
        assert wait_for(lambda: d.rows("select end_reason from calls where id = ?", call_id) == [("no_answer",)])
        assert d.rows("select direction, caller, flow from calls where id = ?", call_id) == [
            ("BUSINESS_INITIATED", USER, "reminder")]
        assert d.rows("select wa_call_id, biz_opaque_callback_data from outbound_calls where id = ?", call_id) == [
            ("wacid.OUT1", "booking-42")]
        assert d.rows("select status, consecutive_unanswered from permissions where user_id = ?", USER) == [("temporary", 1)]
        events = [e for (e,) in d.rows("select detail from call_events where call_id = ? and kind = 'status' order by id",
                                       call_id)]
        assert "call permission requested" in events and "RINGING" in events
        # GET /v1/calls/{id} (the console's detail) tells the same story, with what was asked for.
        status, view = d.admin_get(f"/v1/calls/{call_id}")
        assert status == 200, view
        view = json.loads(view)
        assert view["call"]["end_reason"] == "no_answer" and view["call"]["direction"] == "BUSINESS_INITIATED"
        assert "RINGING" in [e["detail"] for e in view["events"]]
        assert view["outbound"]["wa_call_id"] == "wacid.OUT1" and view["outbound"]["to"] == "***" + USER[-4:]
        assert view["outbound"]["biz_opaque_callback_data"] == "booking-42"
        assert view["outbound"]["permission"]["status"] == "temporary"
        assert view["outbound"]["permission"]["consecutive_unanswered"] == 1
        # WhatsApp's id finds it too; the console's list has it.
        status, by_wacid = d.admin_get("/v1/calls/wacid.OUT1")
        assert status == 200 and json.loads(by_wacid)["call"]["call_id"] == call_id
        status, listed = d.admin_get("/v1/calls?direction=BUSINESS_INITIATED")
        assert status == 200 and [c["call_id"] for c in json.loads(listed)["calls"]] == [call_id]
    finally:
        graph.close()


def test_the_unanswered_guard_stops_before_the_third_call(daemon_factory):
    graph = PermissionGraph(status="permanent")
    try:
        d = start(daemon_factory, graph)
        with __import__("sqlite3").connect(d.db) as db:
            db.execute("insert into permissions (phone_number_id, user_id, status, consecutive_unanswered, updated_at) "
                       "values (?, ?, 'permanent', 2, '2026-01-01 00:00:00.000')", (NUMBER, USER))
        status, placed = admin_post(d, "/v1/calls", {"to": USER, "flow": "reminder"})
        assert status == 202
        assert wait_for(lambda: d.rows("select end_reason, reason from calls where id = ?", placed["id"])[0][0] is not None)
        reason, detail = d.rows("select end_reason, reason from calls where id = ?", placed["id"])[0]
        assert reason == "unanswered_guard", detail
        assert "2 calls in a row unanswered" in detail
        assert not graph.of(lambda r: r.get("body", {}).get("action") == "connect")
    finally:
        graph.close()


def test_ivrd_call_places_through_the_admin_api(daemon_factory):
    graph = PermissionGraph(status="permanent")
    try:
        d = start(daemon_factory, graph)
        binary = os.environ.get("IVRD_BIN", str(ROOT / ".build" / "debug" / "ivrd"))
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("IVR_")},
               "IVR_ADMIN_PORT": str(d.admin_port), "IVR_ADMIN_TOKEN": ADMIN_TOKEN}
        r = subprocess.run([binary, "call", "+" + USER, "--flow", "reminder", "--var", "name=Ana"], env=env,
                           capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, r.stderr
        placed = json.loads(r.stdout)
        assert placed["id"].startswith("out.")
        assert wait_for(lambda: graph.of(lambda r: r.get("body", {}).get("action") == "connect"))
        bad = subprocess.run([binary, "call", USER, "--flow", "reminder", "--var", "novalue"], env=env,
                             capture_output=True, text=True, timeout=30)
        assert bad.returncode != 0 and "name=value" in bad.stderr
        # --admin-url names the listener; without a token nothing is sent.
        by_url = subprocess.run([binary, "call", USER, "--flow", "reminder", "--admin-url", d.admin_base],
                                env={**env, "IVR_ADMIN_PORT": "1"}, capture_output=True, text=True, timeout=30)
        assert by_url.returncode == 0, by_url.stderr
        assert json.loads(by_url.stdout)["state"] == "checking_permission"
        untokened = subprocess.run([binary, "call", USER, "--flow", "reminder"],
                                   env={k: v for k, v in env.items() if k != "IVR_ADMIN_TOKEN"},
                                   capture_output=True, text=True, timeout=30)
        assert untokened.returncode != 0 and "IVR_ADMIN_TOKEN is not set" in untokened.stderr
    finally:
        graph.close()


def test_calls_are_placed_with_the_state_in_postgresql(daemon_factory):
    """The same call on PostgreSQL: the permission lookup cached in `permissions`, `connect`, RINGING, the ring
    timeout, and the unanswered count, all in the shared database."""
    graph = PermissionGraph(status="permanent")
    try:
        url = postgres_database()
        d = start(daemon_factory, graph, IVR_DATABASE_URL=url)
        status, placed = admin_post(d, "/v1/calls", {"to": "+" + USER, "flow": "reminder", "biz_opaque_callback_data": "pg-1"})
        assert status == 202, placed
        assert wait_for(lambda: graph.of(lambda r: r.get("body", {}).get("action") == "connect"))
        ringing = {"statuses": [{"id": "wacid.OUT1", "timestamp": str(int(time.time())), "type": "call",
                                 "status": "RINGING", "recipient_id": USER}]}
        assert webhook(d, "calls", ringing) == 200
        assert wait_for(lambda: psql(url, f"select end_reason from calls where id = '{placed['id']}'") == [("no_answer",)],
                        attempts=300)
        assert psql(url, f"select direction, caller from calls where id = '{placed['id']}'") == [("BUSINESS_INITIATED", USER)]
        assert psql(url, f"select wa_call_id, biz_opaque_callback_data from outbound_calls where id = '{placed['id']}'") == [
            ("wacid.OUT1", "pg-1")]
        assert psql(url, f"select status, consecutive_unanswered from permissions where user_id = '{USER}'") == [
            ("permanent", "1")]
        status, view = d.admin_get(f"/v1/calls/{placed['id']}")
        assert status == 200 and json.loads(view)["outbound"]["permission"]["consecutive_unanswered"] == 1
    finally:
        graph.close()
