"""ivrd validate / simulate / graph as a user runs them, and hot reload of Flows/ in the daemon."""
import os
import shutil
import signal
import subprocess
import time

from conftest import ROOT, wait_for

IVRD = os.environ.get("IVRD_BIN", str(ROOT / ".build" / "debug" / "ivrd"))
FIXTURES = ROOT / "Tests" / "FlowTests" / "Fixtures"


def ivrd(*args):
    return subprocess.run([IVRD, *args], capture_output=True, text=True, timeout=60, cwd=ROOT)


def test_validate_accepts_the_example_flows():
    r = ivrd("validate", "Flows")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 error(s)" in r.stdout


def test_validate_names_file_line_and_step_and_exits_1(tmp_path):
    bad = tmp_path / "bad.yaml"
    shutil.copy(FIXTURES / "invalid" / "missing-step.yaml", bad)
    r = ivrd("validate", str(bad), "--prompts", str(FIXTURES / "prompts"))
    assert r.returncode == 1
    expected = [l.split("expect: ", 1)[1].replace("missing-step.yaml", str(bad))
                for l in bad.read_text().splitlines() if l.startswith("# expect: ")]
    for line in expected:
        assert line in r.stdout, f"{line!r} not in {r.stdout!r}"


def test_simulate_prints_the_path_outcome_and_followup():
    r = ivrd("simulate", "Flows/main.yaml", "--input", "say:sales", "--input", "wait:10s")
    assert r.returncode == 0, r.stderr
    assert "→ sales (play)" in r.stdout
    assert "outcome:" in r.stdout and "follow-up:" in r.stdout


def test_simulate_at_chooses_the_wall_clock_for_hours_steps():
    eve = ivrd("simulate", "Flows/main.yaml", "--at", "2026-12-24T18:00+01:00", "--input", "3", "--input", "hangup")
    assert eve.returncode == 0, eve.stderr
    assert "at 2026-12-24T17:00:00Z" in eve.stdout
    assert "→ check_hours (hours: 2026-12-24 18:00 Thu (Europe/Berlin) is holiday)" in eve.stdout
    assert "check_hours [holiday] → holiday_now" in eve.stdout
    assert "say \"We are closed for the holidays. Please call again after New Year.\" (voice rms, en-us)" in eve.stdout
    # The Tuesday before at 10:00 in Berlin, written as UTC: open.
    tue = ivrd("simulate", "Flows/main.yaml", "--at", "2026-12-22T09:00Z", "--input", "3", "--input", "hangup")
    assert "check_hours [open] → hours" in tue.stdout, tue.stdout
    bad = ivrd("simulate", "Flows/main.yaml", "--at", "tomorrow")
    assert bad.returncode != 0
    assert "--at: invalid date and time 'tomorrow'" in bad.stderr


def test_prompts_render_reports_each_static_say_text():
    r = ivrd("prompts", "render", "Flows")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Flows/main.yaml:55: step 'holiday_now': rms [en-us] " in r.stdout
    # The bilingual text in both languages (eSpeak NG for Spanish), and the voicemail consent notice.
    assert "Flows/reception.yaml:40: step 'thanks': espeak [es] " in r.stdout
    assert "Flows/voicemail.yaml:14: step 'take_message': rms [en-us] " in r.stdout
    assert "5 text(s) rendered" in r.stdout and "0 failure(s)" in r.stdout and "misses 5" in r.stdout


def test_simulate_refuses_a_bad_input():
    r = ivrd("simulate", "Flows/main.yaml", "--input", "wait:soon")
    assert r.returncode != 0
    assert "wait:soon" in r.stderr


def test_graph_mermaid_and_dot():
    m = ivrd("graph", "Flows/main.yaml")
    assert m.returncode == 0 and m.stdout.startswith("flowchart TD")
    d = ivrd("graph", "Flows/main.yaml", "--format", "dot")
    assert d.returncode == 0 and d.stdout.startswith("digraph")


def test_daemon_reloads_flows_and_keeps_the_old_version_of_a_broken_file(daemon_factory, tmp_path):
    flows = tmp_path / "Flows"
    shutil.copytree(ROOT / "Flows", flows)
    d = daemon_factory(IVR_FLOWS=str(flows), IVR_LOG_LEVEL="info")
    main = flows / "main.yaml"
    text = main.read_text()
    main.write_text(text.replace("  welcome:\n", "  welcome:\n    bogus_key: 1\n", 1) if "  welcome:\n" in text
                    else text + "\nbogus_top: 1\n")
    d.proc.send_signal(signal.SIGHUP)
    assert wait_for(lambda: "keeping the previous version of flow 'main'" in d.logs(), attempts=100)
    logs = d.logs()
    assert f"{main}:" in logs, "the problem names the file and line"
    main.write_text(text)
    d.proc.send_signal(signal.SIGHUP)
    assert wait_for(lambda: d.logs().count("flows reloaded") >= 2, attempts=100)
    assert d.get("/healthz")[0] == 200


def test_graph_stats_draws_the_funnel_of_six_scripted_calls_as_svg(daemon_factory, tmp_path):
    import sqlite3
    from datetime import datetime, timezone
    d = daemon_factory()       # creates and migrates the database
    d.stop()
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.000")
    scripted = [("S", ["welcome", "menu", "sales", "goodbye", "end"], "hangup")] * 3 \
        + [("H", ["welcome", "menu"], "terminate")] * 2 + [("T", ["welcome", "menu", "goodbye", "end"], "hangup")]
    with sqlite3.connect(d.db) as db:
        for i, (kind, path, end) in enumerate(scripted):
            cid = f"wacid.{kind}{i}"
            db.execute("insert into calls (id, phone_number_id, caller, direction, flow, flow_version, status, received_at,"
                       " updated_at, finalized_at, end_reason) values (?, '1', '13175551234', 'USER_INITIATED', 'main',"
                       " 'old', 'completed', ?, ?, ?, ?)", (cid, now, now, now, end))
            for step in path:
                db.execute("insert into call_events (call_id, at, kind, detail) values (?, ?, 'step', ?)", (cid, now, step))
    r = ivrd("graph", "Flows/main.yaml", "--stats", "1d", "--all-versions", "--format", "svg", "--db", str(d.db))
    assert r.returncode == 0, r.stderr
    assert "6 call(s) of main since 1d" in r.stderr
    assert r.stdout.startswith("<svg")
    assert "reached 6 · ended 2 (caller_hung_up 2)" in r.stdout      # menu
    assert "reached 3 · ended 0" in r.stdout                          # sales
    assert "reached 4 · ended 4 (completed 4)" in r.stdout            # end
    # Only this file's version by default: the rows above ran another one.
    r = ivrd("graph", "Flows/main.yaml", "--stats", "1d", "--format", "dot", "--db", str(d.db))
    assert r.returncode == 0 and "0 call(s)" in r.stderr and "reached" not in r.stdout
    r = ivrd("graph", "Flows/main.yaml", "--stats", "1d", "--db", str(d.db))
    assert r.returncode != 0 and "--format svg" in r.stderr
