"""The issue's 'done when', checked on the built binary."""
import json
from pathlib import Path

from conftest import FIXTURES, sign, wait_for

SECRET = "daemon-secret"


def connect_body(call_id):
    text = (FIXTURES / "connect.json").read_text()
    return text.replace("wacid.HBgLMTMxNzU1NTEyMzQVAgARGBI3RkE1", call_id).encode()


def test_starts_without_secrets_warns_once_and_refuses_webhooks(daemon_factory):
    d = daemon_factory()
    assert d.get("/healthz")[0] == 200
    status, text = d.post("/webhook", b"{}", {"Content-Type": "application/json"})
    assert status == 503
    assert "IVR_APP_SECRET" in text
    assert d.get("/metrics")[0] == 200
    assert d.stop() == 0
    lines = [json.loads(l) for l in d.logs().splitlines() if l.startswith("{")]
    warnings = [l for l in lines if l["level"] == "warning" and "credentials" in l["msg"]]
    assert len(warnings) == 1
    assert "IVR_APP_SECRET" in warnings[0]["msg"]
    assert d.db.exists(), "the SQLite file is created and migrated on start"


def test_handshake_signed_connect_and_bad_signature(daemon_factory, graph):
    d = daemon_factory(IVR_APP_SECRET=SECRET, IVR_VERIFY_TOKEN="tok-1", IVR_ACCESS_TOKEN="acc-1",
                       IVR_GRAPH_URL=graph.url, IVR_MEDIA_IP="127.0.0.1", IVR_MEDIA_CONNECT_TIMEOUT="2")
    assert d.get("/webhook?hub.mode=subscribe&hub.verify_token=tok-1&hub.challenge=42") == (200, "42")
    assert d.get("/webhook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=42")[0] == 403

    body = connect_body("wacid.DAEMON1")
    assert d.post("/webhook", body, {"X-Hub-Signature-256": sign(body, SECRET)})[0] == 200
    status, text = d.post("/webhook", body, {"X-Hub-Signature-256": sign(body, "wrong")})
    assert status == 401 and "signature mismatch" in text

    assert wait_for(lambda: d.rows("select status from calls where id = ?", "wacid.DAEMON1") == [("rejected",)],
                    attempts=300)
    (flow, caller, reason), = d.rows("select flow, caller, reason from calls where id = ?", "wacid.DAEMON1")
    assert flow == "main"
    assert caller == "13175551234"
    # The fixture's offer has made-up addresses: media cannot connect, so the call is refused.
    assert reason.startswith("media did not connect"), reason
    assert [r["body"]["action"] for r in graph.requests] == ["pre_accept", "reject"]
    req = graph.requests[1]
    assert req["path"] == "/v23.0/106540352242922/calls"
    assert req["headers"]["Authorization"] == "Bearer acc-1"
    assert req["body"] == {"messaging_product": "whatsapp", "call_id": "wacid.DAEMON1", "action": "reject"}

    # The reject can be answered before the pre_accept's own answer is counted (media gave up first).
    assert wait_for(lambda: 'ivr_graph_requests_total{action="pre_accept",status="ok"} 1' in d.get("/metrics")[1])
    metrics = d.get("/metrics")[1]
    assert 'ivr_webhooks_rejected_total{reason="signature_mismatch"} 1' in metrics
    assert 'ivr_graph_requests_total{action="reject",status="ok"} 1' in metrics
    assert 'ivr_graph_requests_total{action="pre_accept",status="ok"} 1' in metrics

    assert d.stop() == 0
    logs = d.logs()
    assert "13175551234" not in logs, "caller numbers are masked in logs"
    assert "***1234" in logs
    assert SECRET not in logs and "acc-1" not in logs, "secrets never reach the logs"
    incoming = [json.loads(l) for l in logs.splitlines() if l.startswith("{") and '"incoming call"' in l]
    assert incoming and incoming[0]["call_id"] == "wacid.DAEMON1" and incoming[0]["flow"] == "main"


def test_bad_config_is_refused_with_the_file_and_line(tmp_path):
    import os
    import subprocess
    from conftest import ROOT
    cfg = tmp_path / "bad.yaml"
    cfg.write_text("http:\n  prot: 80\n")
    binary = os.environ.get("IVRD_BIN", str(ROOT / ".build" / "debug" / "ivrd"))
    r = subprocess.run([binary, "serve", "--config", str(cfg)], capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert f"{cfg}:2: unknown key 'prot' in 'http' (did you mean 'port'?)" in r.stderr


def test_pinned_to_one_cpu_ivrd_runs_one_event_loop(daemon_factory, tmp_path):
    """taskset -c 0: NIO would size its loops from the machine's cores; ivrd sizes them from its CPU mask,
    so its loop threads do not take turns on the one core it has."""
    from ivrd_harness import Daemon
    d = Daemon(tmp_path, {}, name="ivrd-pinned", prefix=("taskset", "-c", "0"))
    try:
        names = [(p / "comm").read_text().strip() for p in Path(f"/proc/{d.proc.pid}/task").iterdir()]
        loops = [n for n in names if n.startswith("NIO-SGLTN-1-")]
        assert loops == ["NIO-SGLTN-1-#1"], names
    finally:
        d.stop()
