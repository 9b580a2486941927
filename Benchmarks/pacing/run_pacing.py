"""Pacing under load: N concurrent WhatsApp-shaped calls held for a long time while a CPU hog keeps one
core busy. Measures, at the callers (ivr-load, from the clear RTP header of every packet ivrd sends):
the send-interval error (|arrival gap − 20 ms × sequence gap|), loss, RTP timestamp discontinuities
(timestamps not advancing 960 per packet) and the drift of ivrd's RTP clock against real time over the
call; and, from ivrd's own `call media` summary line per call, how late its pacer sent each frame.

    python3 Benchmarks/pacing/run_pacing.py                      # 100 calls, 10 minutes, hog on core 0
    python3 Benchmarks/pacing/run_pacing.py --seconds 120        # shortened (say so when you quote it)

Results: Benchmarks/results/pacing-<date>.json and .md. Not a `make test` stage: it takes minutes and
the whole machine.
"""
import argparse
import datetime
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Benchmarks" / "load"))
from run_bench import GRAPH_PORT, SECRET, pacer_lateness, raise_fd_limit, wait_healthy  # noqa: E402


def binary(name, explicit):
    if explicit:
        return explicit
    for config in ("release", "debug"):
        path = ROOT / ".build" / config / name
        if path.exists():
            return str(path)
    sys.exit(f"no {name} binary: swift build -c release --product {name}")


def start_hog(core):
    """A busy loop pinned to one core: the other work on the machine the pacer must live with."""
    def pin():
        os.sched_setaffinity(0, {core})
    return subprocess.Popen([sys.executable, "-c", "while True: pass"], preexec_fn=pin)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--ivrd")
    p.add_argument("--load")
    p.add_argument("--calls", type=int, default=100)
    p.add_argument("--seconds", type=float, default=600, help="how long each call is held (default 10 minutes)")
    p.add_argument("--hog-core", type=int, default=0, help="core the CPU hog is pinned to; -1 for no hog")
    p.add_argument("--results", default=str(ROOT / "Benchmarks/results"))
    p.add_argument("--note", default="", help="a remark stored with the results (e.g. why the run was shortened)")
    args = p.parse_args()
    ivrd, load = binary("ivrd", args.ivrd), binary("ivr-load", args.load)

    work = Path(tempfile.mkdtemp(prefix="pacing-"))
    env = dict(os.environ, IVR_APP_SECRET=SECRET, IVR_ACCESS_TOKEN="bench", IVR_VERIFY_TOKEN="bench",
               IVR_GRAPH_URL=f"http://127.0.0.1:{GRAPH_PORT}", IVR_HTTP_PORT="18082",
               IVR_DB=str(work / "ivr.sqlite"), IVR_FLOWS=str(ROOT / "Benchmarks/pacing/flows"),
               IVR_PROMPTS=str(ROOT / "Prompts"), IVR_MEDIA_IP="127.0.0.1", IVR_MEDIA_PORTS="20000-29999",
               IVR_LOG_FORMAT="json")
    log = open(work / "ivrd.log", "w")
    server = subprocess.Popen([ivrd, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                              preexec_fn=raise_fd_limit)
    hog = None
    try:
        wait_healthy("http://127.0.0.1:18082/healthz", server)
        hog = start_hog(args.hog_core) if args.hog_core >= 0 else None
        out = work / "load.json"
        # ivr-load presses 1 at --press-after before it waits to hang up: 1 s before, so the menu keeps listening.
        cmd = [load, "--webhook", "http://127.0.0.1:18082/webhook", "--secret", SECRET, "--graph-port",
               str(GRAPH_PORT), "--calls", str(args.calls), "--rate", "20", "--server-pid", str(server.pid),
               "--label", "ivrd", "--hang-up-after", str(args.seconds), "--press-after", str(max(1.0, args.seconds - 1)),
               "--max-call", str(args.seconds + 120), "--out", str(out)]
        started = time.time()
        subprocess.run(cmd, check=True, preexec_fn=raise_fd_limit, timeout=args.seconds + 900)
        result = json.loads(out.read_text())
    finally:
        if hog:
            hog.kill()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    result["server_pacer_lateness_ms"] = pacer_lateness(work / "ivrd.log")
    report = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "calls": args.calls, "held_seconds": args.seconds, "hog_core": args.hog_core,
              "cores": os.cpu_count(), "binaries": {"ivrd": ivrd, "ivr-load": load},
              "run_seconds": round(time.time() - started, 1), "note": args.note, "load": result}
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    stem = results / f"pacing-{datetime.date.today().isoformat()}"
    stem.with_suffix(".json").write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    stem.with_suffix(".md").write_text(markdown(report))
    print(markdown(report))


def markdown(r):
    load = r["load"]
    iv, drift, pacer = load["interval_error_ms"], load.get("rtp_clock_drift_ms", {}), load["server_pacer_lateness_ms"]
    rows = [
        ("calls (failed)", f"{r['calls']} ({load['calls_failed']})"),
        ("held per call", f"{r['held_seconds']:.0f} s"),
        ("CPU hog", f"core {r['hog_core']}" if r["hog_core"] >= 0 else "none"),
        ("send-interval error at the callers p50 / p99 / max", f"{iv['p50']} / {iv['p99']} / {iv['max']} ms "
                                                                f"({iv['intervals']} intervals)"),
        ("loss", f"{load['loss_percent']} % ({load['packets_lost']} of {load['packets_received'] + load['packets_lost']})"),
        ("RTP timestamp discontinuities", str(load.get("rtp_timestamp_jumps"))),
        ("RTP clock drift per call p50 / p99 / max", " / ".join(f"{drift.get(k, '-')}" for k in ("p50", "p99", "max")) + " ms"),
        ("pacer lateness (ivrd's media summary): median call p50 / p99 of call p99 / max",
         f"{pacer.get('median_call_p50')} / {pacer.get('p99_of_call_p99')} / {pacer.get('max')} ms"),
        ("server CPU per call-second", f"{load['server_cpu_ms_per_call_second']} ms"),
    ]
    text = [f"# Pacing under load, {r['date']}", "", f"Binaries: `{r['binaries']['ivrd']}`, `{r['binaries']['ivr-load']}`."]
    if r["note"]:
        text += ["", f"Note: {r['note']}"]
    text += ["", "| figure | value |", "|---|---|"] + [f"| {a} | {b} |" for a, b in rows]
    return "\n".join(text) + "\n"


if __name__ == "__main__":
    main()
