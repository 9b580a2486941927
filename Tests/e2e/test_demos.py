"""`make demo` and `make demo-outbound` run as a user runs them (the scripts, not their parts), so the
transcripts they print keep telling the truth: each exits 0 and shows the call's path and outcome."""
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run(script):
    r = subprocess.run([sys.executable, str(HERE / script)], stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=180, env=dict(os.environ))
    assert r.returncode == 0, f"{script} failed:\n{r.stdout}\n{r.stderr}"
    return r.stdout


def test_the_inbound_demo_answers_the_support_line():
    out = run("demo.py")
    assert "accept after" in out and "with the identical answer" in out, out
    assert "caller presses 2" in out or "presses 2" in out, out
    assert "Outcome:" in out and "Console: http://127.0.0.1:" in out, out


def test_the_outbound_demo_places_the_reminder_and_the_user_confirms():
    out = run("demo_outbound.py")
    assert "ivrd → you:     202" in out and '"state": "checking_permission"' in out, out
    assert "connect after" in out and "setup:actpass" in out, out
    assert "hears prompt 'confirmed'" in out, out
    assert "user presses 1" in out or "presses 1" in out, out
    assert "Outcome:   completed (hangup), BUSINESS_INITIATED" in out, out
    assert "unanswered calls in a row: 0" in out, out
