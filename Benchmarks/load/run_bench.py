"""Capacity benchmark: the same WhatsApp-shaped call load against ivrd and against a small aiortc-based
server, N = 10 … 1,000 concurrent calls, on loopback. Writes the figures and the ratios into
Benchmarks/results/<date>.json (key "load"), a markdown table into <date>.md, and a plot into <date>.png.

    python3 Benchmarks/load/run_bench.py --ivrd .build/release/ivrd --load .build/release/ivr-load

A server "falls behind" at an N when more than 2 % of calls fail, or the callers see p99 send-interval
error above 20 ms, or its CPU hits the machine's cores; larger N are then skipped for that server.
"""
import argparse
import datetime
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRET = "bench-secret"
GRAPH_PORT = 18900


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def wait_healthy(url, proc, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} never answered")


def start_ivrd(binary, workdir):
    env = dict(os.environ, IVR_APP_SECRET=SECRET, IVR_ACCESS_TOKEN="bench", IVR_VERIFY_TOKEN="bench",
               IVR_GRAPH_URL=f"http://127.0.0.1:{GRAPH_PORT}", IVR_HTTP_PORT="18080",
               IVR_DB=str(workdir / "ivr.sqlite"), IVR_FLOWS=str(ROOT / "Benchmarks/load/flows"),
               IVR_PROMPTS=str(ROOT / "Prompts"), IVR_MEDIA_IP="127.0.0.1", IVR_MEDIA_PORTS="20000-29999",
               IVR_LOG_FORMAT="json")
    log = open(workdir / "ivrd.log", "w")
    proc = subprocess.Popen([binary, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                            preexec_fn=raise_fd_limit)
    wait_healthy("http://127.0.0.1:18080/healthz", proc)
    return proc, "http://127.0.0.1:18080/webhook"


def start_aiortc(workdir):
    log = open(workdir / "aiortc.log", "w")
    proc = subprocess.Popen([sys.executable, str(ROOT / "Benchmarks/load/aiortc_server.py"), "--port", "18081",
                             "--graph-url", f"http://127.0.0.1:{GRAPH_PORT}", "--secret", SECRET,
                             "--prompt", str(ROOT / "Prompts/main_menu.wav")],
                            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, preexec_fn=raise_fd_limit)
    wait_healthy("http://127.0.0.1:18081/healthz", proc)
    return proc, "http://127.0.0.1:18081/webhook"


def run_one(load, server, n, call_seconds, workdir):
    proc, webhook = start_ivrd(server["binary"], workdir) if server["name"] == "ivrd" else start_aiortc(workdir)
    out = workdir / f"{server['name']}-{n}.json"
    rate = min(100.0, max(10.0, n / 10))
    cmd = [load, "--webhook", webhook, "--secret", SECRET, "--graph-port", str(GRAPH_PORT), "--calls", str(n),
           "--rate", str(rate), "--server-pid", str(proc.pid), "--label", server["name"], "--out", str(out)]
    if server["name"] != "ivrd":
        cmd += ["--hang-up-after", str(call_seconds)]
    try:
        subprocess.run(cmd, check=True, preexec_fn=raise_fd_limit, timeout=600)
        result = json.loads(out.read_text())
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        time.sleep(1)
    if server["name"] == "ivrd":
        result["server_pacer_lateness_ms"] = pacer_lateness(workdir / "ivrd.log")
    return result


def pacer_lateness(log):
    """The server's own view of its pacing, from each call's `call media` log line: how late frames left
    against their 20 ms slots (the callers' interval error adds their own scheduling and the network)."""
    p50s, p99s, maxes = [], [], []
    for line in log.read_text().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("msg") == "call media":
            p50s.append(float(entry["pacing_p50_ms"]))
            p99s.append(float(entry["pacing_p99_ms"]))
            maxes.append(float(entry["pacing_max_ms"]))
    if not p99s:
        return {}
    p50s.sort()
    p99s.sort()
    return {"calls": len(p99s), "median_call_p50": p50s[len(p50s) // 2],
            "p99_of_call_p99": p99s[min(len(p99s) - 1, int(len(p99s) * 0.99))], "max": max(maxes)}


def behind(r, cores):
    return (r["calls_failed"] > 0.02 * r["calls"] or r["interval_error_ms"].get("p99", 0) > 20
            or r["server_peak_cores"] >= 0.95 * cores)


def ratios(ivrd, other):
    out = {}
    for n, a in other.items():
        b = ivrd.get(n)
        if not b or b["server_cpu_ms_per_call_second"] <= 0:
            continue
        out[n] = {
            "cpu_per_call_second": round(a["server_cpu_ms_per_call_second"] / b["server_cpu_ms_per_call_second"], 1),
            "rss_per_call": round(a["server_rss_per_call_kib"] / max(1e-9, b["server_rss_per_call_kib"]), 1),
            "pre_accept_p99": round(a["webhook_to_pre_accept_ms"].get("p99", 0)
                                    / max(1e-9, b["webhook_to_pre_accept_ms"].get("p99", 0)), 1),
            "interval_error_p99": round(a["interval_error_ms"]["p99"] / max(0.25, b["interval_error_ms"]["p99"]), 1),
        }
    return out


def markdown(load):
    cols = ["server", "N", "failed", "peak calls", "pre_accept p50/p99 ms", "first audio p50/p99 ms",
            "CPU ms per call-s (all / plateau)", "peak cores", "RSS KiB per call", "interval err p50/p99/max ms", "loss %",
            "pacer lateness ms (server log)"]
    lines = ["## Capacity: N concurrent WhatsApp-shaped calls on loopback (`Benchmarks/load`)", "",
             f"Machine: {load['machine']}. Each call: signed connect → pre_accept/accept → ICE/DTLS → menu prompt "
             "(the caller's audio decoded while the menu listens) → RFC 4733 key → more prompts → hang-up → terminate. "
             "The aiortc server answers and plays the menu prompt; the caller hangs up after the same time.", "",
             "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for name, runs in load["servers"].items():
        for n, r in sorted(runs.items(), key=lambda kv: int(kv[0])):
            pa, fa, ie = r["webhook_to_pre_accept_ms"], r["connect_to_first_audio_ms"], r["interval_error_ms"]
            lines.append(f"| {name} | {n} | {r['calls_failed']} | {r['peak_concurrent_calls']} | "
                         f"{pa.get('p50', '-')}/{pa.get('p99', '-')} | {fa.get('p50', '-')}/{fa.get('p99', '-')} | "
                         f"{r['server_cpu_ms_per_call_second']} / {r.get('server_cpu_ms_per_call_second_plateau') or '-'} | {r['server_peak_cores']} | {r['server_rss_per_call_kib']} | "
                         f"{ie['p50']}/{ie['p99']}/{ie['max']} | {r['loss_percent']} | {lateness(r)} |")
        if load["stopped"].get(name):
            lines.append(f"| {name} | stopped | {load['stopped'][name]} |" + " |" * (len(cols) - 3))
    lines += ["", "Ratios (aiortc ÷ ivrd, same N):", "", "| N | CPU per call-s | RSS per call | pre_accept p99 | interval err p99 |",
              "|---|---|---|---|---|"]
    for n, q in sorted(load["ratios"].items(), key=lambda kv: int(kv[0])):
        lines.append(f"| {n} | {q['cpu_per_call_second']}× | {q['rss_per_call']}× | {q['pre_accept_p99']}× | {q['interval_error_p99']}× |")
    return "\n".join(lines) + "\n"


def lateness(r):
    p = r.get("server_pacer_lateness_ms") or {}
    return f"{p['median_call_p50']}/{p['p99_of_call_p99']}/{p['max']}" if p else "-"


def plot(load, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.2))
    for name, runs in load["servers"].items():
        ns = sorted(int(n) for n in runs)
        a.plot(ns, [runs[str(n)]["server_cpu_ms_per_call_second"] for n in ns], "o-", label=name)
        b.plot(ns, [runs[str(n)]["interval_error_ms"]["p99"] for n in ns], "o-", label=name)
    a.axhline(0.5, color="grey", ls="--", lw=0.8, label="target 0.5 ms")
    b.axhline(2, color="grey", ls="--", lw=0.8, label="target 2 ms")
    for ax, title, unit in ((a, "Server CPU per call-second", "ms"), (b, "p99 RTP send-interval error at the caller", "ms")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("concurrent calls (N)")
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.suptitle(f"ivrd vs an aiortc server — {load['machine']}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ivrd", default=str(ROOT / ".build/release/ivrd"))
    p.add_argument("--load", default=str(ROOT / ".build/release/ivr-load"))
    p.add_argument("--ns", default="10,100,250,500,1000")
    p.add_argument("--aiortc-ns", default="10,25,50,100,250")
    p.add_argument("--call-seconds", type=float, default=20.0, help="how long the caller stays on the aiortc server")
    p.add_argument("--results", default=str(ROOT / "Benchmarks/results"))
    args = p.parse_args()
    cores = os.cpu_count() or 1
    machine = f"{cores} cores, {os.uname().sysname} {os.uname().release}"
    load = {"machine": machine, "servers": {"ivrd": {}, "aiortc": {}}, "stopped": {}}
    servers = [("ivrd", {"name": "ivrd", "binary": args.ivrd}, args.ns), ("aiortc", {"name": "aiortc"}, args.aiortc_ns)]
    with tempfile.TemporaryDirectory(prefix="ivr-load-") as tmp:
        for name, server, ns in servers:
            for n in [int(x) for x in ns.split(",")]:
                workdir = Path(tmp) / f"{name}-{n}"
                workdir.mkdir()
                print(f"--- {name}, {n} calls", flush=True)
                r = run_one(args.load, server, n, args.call_seconds, workdir)
                load["servers"][name][str(n)] = r
                if behind(r, cores):
                    load["stopped"][name] = f"fell behind at N={n}"
                    break
    load["ratios"] = ratios(load["servers"]["ivrd"], load["servers"]["aiortc"])
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    stem = results / datetime.date.today().isoformat()
    doc = json.loads(stem.with_suffix(".json").read_text()) if stem.with_suffix(".json").exists() else {}
    doc["load"] = load
    stem.with_suffix(".json").write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    md = stem.with_suffix(".md")
    old = md.read_text() if md.exists() else ""
    marker = "## Capacity: "
    old = old.split(marker)[0].rstrip() + "\n\n" if marker in old else (old.rstrip() + "\n\n" if old else "")
    md.write_text(old + markdown(load))
    plot(load, stem.with_suffix(".png"))
    print(markdown(load))


if __name__ == "__main__":
    main()
