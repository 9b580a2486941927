"""The capacity benchmark's load generator against a real ivrd: three WhatsApp-shaped calls through
`ivr-load` (signed connect, pre_accept/accept from its Graph stand-in, ICE/DTLS/SRTP from our media
stack as the caller, an RFC 4733 key press, the flow's hang-up, the terminate webhook), so `make bench`
keeps working. It checks what the calls did, never how fast."""
import json
import os
import subprocess
from pathlib import Path

from conftest import ROOT, wait_for
from ivrd_harness import free_port


def test_ivr_load_places_calls_that_ivrd_answers_plays_and_hangs_up(daemon_factory, tmp_path):
    load = Path(os.environ.get("IVRD_BIN", str(ROOT / ".build" / "debug" / "ivrd"))).parent / "ivr-load"
    graph_port = free_port()
    d = daemon_factory(IVR_APP_SECRET="bench-secret", IVR_VERIFY_TOKEN="t", IVR_ACCESS_TOKEN="a",
                       IVR_GRAPH_URL=f"http://127.0.0.1:{graph_port}", IVR_MEDIA_IP="127.0.0.1",
                       IVR_FLOWS=str(ROOT / "Benchmarks" / "load" / "flows"))
    out = tmp_path / "load.json"
    subprocess.run([str(load), "--webhook", d.base + "/webhook", "--secret", "bench-secret",
                    "--graph-port", str(graph_port), "--calls", "3", "--rate", "10", "--press-after", "1",
                    "--server-pid", str(d.proc.pid), "--out", str(out)], check=True, timeout=180)
    r = json.loads(out.read_text())
    assert r["calls_failed"] == 0, r["failures"]
    assert r["peak_concurrent_calls"] >= 1
    # Each call heard the menu and the prompts after the key: well over 5 s of 20 ms packets.
    assert r["packets_received"] >= 3 * 5 * 50, r
    assert r["packets_lost"] == 0, r
    assert r["interval_error_ms"]["intervals"] >= 3 * 5 * 50
    assert r["webhook_to_pre_accept_ms"]["p50"] > 0 and r["connect_to_first_audio_ms"]["p50"] > 0
    assert r["server_cpu_seconds"] > 0 and r["server_rss_peak_kib"] > 0
    assert r["unmatched_graph_requests"] == 0

    # ivrd's side: three calls, each took key 1 to the sales branch and was hung up by the flow.
    assert wait_for(lambda: len(d.rows("select id from calls where finalized_at is not null")) == 3)
    keys = d.rows("select detail from call_events where kind = 'key'")
    assert sorted(keys) == [("1",)] * 3, keys
    media = [json.loads(l) for l in d.logs().splitlines() if '"call media"' in l]
    assert len(media) == 3, "one media summary line per call"
    assert all(int(m["rtp_sent"]) >= 5 * 50 and int(m["dropped"]) == 0 for m in media), media
