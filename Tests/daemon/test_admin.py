"""The admin listener on the built binary: separate from the public port, behind IVR_ADMIN_TOKEN."""
import urllib.error
import urllib.request

from ivrd_harness import ADMIN_TOKEN


def _get(url, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as r:
            return r.status, r.read().decode(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), dict(e.headers)


def test_metrics_and_full_health_are_on_the_admin_port_only(daemon_factory):
    d = daemon_factory()
    # The public port: a status-only health check, no metrics.
    assert _get(d.base + "/healthz")[:2] == (200, '{"status":"ok"}\n')
    assert _get(d.base + "/metrics")[0] == 404
    # The admin port: the token is required on every path.
    for path in ("/metrics", "/healthz", "/v1/calls"):
        status, body, headers = _get(d.admin_base + path)
        assert status == 401, path
        assert headers.get("WWW-Authenticate") == 'Bearer realm="ivrd-admin"'
        assert _get(d.admin_base + path, token="wrong-token-0123456789abcdef")[0] == 401
    status, metrics, _ = _get(d.admin_base + "/metrics", token=ADMIN_TOKEN)
    assert status == 200 and "ivr_webhooks_rate_limited_total" in metrics
    status, health, _ = _get(d.admin_base + "/healthz", token=ADMIN_TOKEN)
    assert status == 200 and '"webhook_queue":0' in health


def test_without_a_token_only_metrics_and_health_are_open(daemon_factory):
    d = daemon_factory(IVR_ADMIN_TOKEN="")
    assert _get(d.admin_base + "/metrics")[0] == 200
    assert _get(d.admin_base + "/healthz")[0] == 200
    status, body, _ = _get(d.admin_base + "/v1/calls")
    assert status == 403
    assert "IVR_ADMIN_TOKEN" in body


def test_a_public_admin_listener_without_a_token_is_refused_at_start(tmp_path):
    import os
    import subprocess
    from ivrd_harness import ROOT
    binary = os.environ.get("IVRD_BIN", str(ROOT / ".build" / "debug" / "ivrd"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("IVR_")}
    env.update({"IVR_ADMIN_HOST": "0.0.0.0", "IVR_DB": str(tmp_path / "ivr.sqlite")})
    r = subprocess.run([binary, "serve", "--config", str(ROOT / "Deploy" / "ivr.example.yaml")], env=env,
                       capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert r.returncode != 0
    assert "IVR_ADMIN_TOKEN is not set" in r.stderr
