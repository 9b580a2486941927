"""Runs the built `ivrd` binary as a user would, against a Graph API stand-in (a real HTTP
server on loopback) and a temporary SQLite file. Shared by Tests/daemon and Tests/e2e."""
import hashlib
import hmac
import http.server
import json
import os
import socket
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Tests" / "WhatsAppTests" / "Fixtures"


ADMIN_TOKEN = "test-admin-token-0123456789abcdef"
ADMIN_PATHS = ("/metrics", "/v1/", "/console")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_udp_ports(count=4):
    """A block of `count` consecutive UDP ports free right now (for IVR_MEDIA_PORTS: the default
    40000-40003 would be shared by every daemon a test run starts at once)."""
    import random
    for _ in range(200):
        base = random.randrange(20000, 32000 - count)
        held = []
        try:
            for p in range(base, base + count):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                held.append(s)
                s.bind(("0.0.0.0", p))
            return f"{base}-{base + count - 1}"
        except OSError:
            continue
        finally:
            for s in held:
                s.close()
    raise RuntimeError("no block of free UDP ports")


class GraphStandIn:
    """Records POSTs and answers like the Graph API."""

    def __init__(self):
        self.requests = []
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with outer.lock:
                    outer.requests.append({"path": self.path, "headers": dict(self.headers), "body": json.loads(body)})
                reply = b'{"messaging_product":"whatsapp","success":true}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


class Daemon:
    def __init__(self, tmp_path, env_extra, config=None, name="ivrd", host="127.0.0.1", prefix=()):
        """`host`: the address ivrd's HTTP server binds to and the tests reach it at; `prefix`: a command
        ivrd runs under (e.g. `ip netns exec NAME` in Tests/netns)."""
        binary = os.environ.get("IVRD_BIN", str(ROOT / ".build" / "debug" / "ivrd"))
        self.port = free_port()
        self.admin_port = free_port()
        self.db = tmp_path / "var" / "ivr.sqlite"
        env = {k: v for k, v in os.environ.items() if not k.startswith("IVR_")}
        env.update({"IVR_HTTP_PORT": str(self.port), "IVR_HTTP_HOST": host, "IVR_DB": str(self.db),
                    "IVR_FLOWS": str(ROOT / "Flows"), "IVR_PROMPTS": str(ROOT / "Prompts"),
                    # Calls still up when a test stops the daemon get this long (the drain) before terminate.
                    "IVR_DRAIN_TIMEOUT": "5", "IVR_MEDIA_PORTS": free_udp_ports(),
                    "IVR_ADMIN_PORT": str(self.admin_port), "IVR_ADMIN_TOKEN": ADMIN_TOKEN})
        env.update(env_extra)
        self.log_path = tmp_path / f"{name}.log"
        self.log = open(self.log_path, "w+")
        self.proc = subprocess.Popen([*prefix, binary, "serve", "--config", str(config or ROOT / "Deploy" / "ivr.example.yaml"),
                                      "--log-format", "json"],
                                     cwd=tmp_path, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.base = f"http://{host}:{self.port}"
        self.admin_base = f"http://127.0.0.1:{self.admin_port}" if host == "127.0.0.1" else None
        for _ in range(300):
            if self.proc.poll() is not None:
                raise RuntimeError(f"ivrd exited early:\n{self.logs()}")
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=1)
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        raise RuntimeError(f"ivrd did not start:\n{self.logs()}")

    def logs(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def get(self, path):
        """GET on the public port; `/metrics` and `/v1/…` go to the admin listener with the token."""
        if path.startswith(ADMIN_PATHS):
            return self.admin_get(path)
        try:
            with urllib.request.urlopen(self.base + path, timeout=5) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def admin_get(self, path, token=None):
        """GET on the admin listener (reachable from the test only when ivrd binds loopback)."""
        if self.admin_base is None:
            raise RuntimeError("the admin listener is on loopback inside the daemon's network namespace")
        req = urllib.request.Request(self.admin_base + path,
                                     headers={"Authorization": f"Bearer {token or ADMIN_TOKEN}"})
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def admin_post(self, path, body, token=None):
        """POST a JSON body on the admin listener with the admin token (`token=""`: none); returns
        (status, text)."""
        if self.admin_base is None:
            raise RuntimeError("the admin listener is on loopback inside the daemon's network namespace")
        token = ADMIN_TOKEN if token is None else token
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        req = urllib.request.Request(self.admin_base + path, data=json.dumps(body).encode(), headers=headers,
                                     method="POST")
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def post(self, path, body, headers):
        req = urllib.request.Request(self.base + path, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def rows(self, query, *args):
        with sqlite3.connect(self.db) as db:
            return db.execute(query, args).fetchall()

    def events(self, call_id, kind):
        """The details of the call's events of one kind (step, key, prompt, http, …), in order."""
        return [detail for (detail,) in self.rows(
            "select detail from call_events where call_id = ? and kind = ? order by id", call_id, kind)]

    def stop(self):
        self.proc.terminate()
        try:
            return self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def permission_answer(status):
    """The Graph API's `call_permissions` answer: `status`, and both actions allowed within their limits."""
    return {"messaging_product": "whatsapp", "permission": {"status": status},
            "actions": [{"action_name": "send_call_permission_request", "can_perform_action": True,
                         "limits": [{"time_period": "PT24H", "max_allowed": 1, "current_usage": 0}]},
                        {"action_name": "start_call", "can_perform_action": True,
                         "limits": [{"time_period": "PT24H", "max_allowed": 10, "current_usage": 0}]}]}


def sign(body, secret):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def wait_for(predicate, attempts=200, interval=0.05):
    for _ in range(attempts):
        if predicate():
            return True
        time.sleep(interval)
    return predicate()




def postgres_database():
    """A fresh database on the test PostgreSQL server (`IVR_TEST_DATABASE_URL`, which `.ci/test.sh` exports), as
    a URL. Under CI without it the test fails; on a developer's machine a cluster is started in .build/pg-test."""
    base = os.environ.get("IVR_TEST_DATABASE_URL")
    if not base:
        if os.environ.get("CI") == "true":
            raise AssertionError("IVR_TEST_DATABASE_URL is not set: this test needs a real PostgreSQL "
                                 "(.ci/test.sh starts one with Tests/support/pg-cluster.sh and exports it)")
        base = subprocess.run(["bash", str(ROOT / "Tests/support/pg-cluster.sh"), "start", str(ROOT / ".build/pg-test")],
                              check=True, capture_output=True, text=True).stdout.strip()
    name = "ivr_daemon_" + os.urandom(8).hex()
    subprocess.run(["psql", base, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return base.rsplit("/", 1)[0] + "/" + name


def psql(url, query):
    """Rows of a query, as tuples of text."""
    out = subprocess.run(["psql", url, "-AtF|", "-c", query], check=True, capture_output=True, text=True)
    return [tuple(line.split("|")) for line in out.stdout.splitlines() if line]
