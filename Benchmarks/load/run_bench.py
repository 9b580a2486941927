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
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRET = "bench-secret"
GRAPH_PORT = 18900
ADMIN_PORT = 18082
ADMIN_TOKEN = "bench-admin-token-0123456789"


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


SYSCALLS = ["sendmsg", "sendmmsg", "sendto", "recvmsg", "recvmmsg", "recvfrom"]


def pinned(cmd, cpu):
    """`cmd` under `taskset -c cpu` (None: not pinned)."""
    return cmd if cpu is None else ["taskset", "-c", str(cpu), *cmd]


def count_syscalls(pid, start_after, seconds, out):
    """The server's UDP system calls over `seconds` of the plateau (perf's syscall tracepoints, root only):
    with the packets moved in that window this gives packets per system call."""
    time.sleep(start_after)
    events = ",".join(f"syscalls:sys_enter_{c}" for c in SYSCALLS)
    try:
        r = subprocess.run(["perf", "stat", "-x", ",", "-e", events, "-p", str(pid), "--", "sleep", str(seconds)],
                           capture_output=True, text=True, timeout=seconds + 30)
    except (OSError, subprocess.TimeoutExpired) as e:
        out["error"] = str(e)
        return
    for line in r.stderr.splitlines():
        fields = line.split(",")
        if len(fields) > 2 and fields[2].startswith("syscalls:sys_enter_"):
            try:
                out[fields[2].removeprefix("syscalls:sys_enter_")] = int(fields[0])
            except ValueError:
                out["error"] = line
    out["seconds"] = seconds


MIXES = {"bench": "Benchmarks/load/flows", "playback": "Benchmarks/load/flows-playback"}


def start_ivrd(binary, workdir, sockets="shared", cpu=None, mix="bench"):
    env = dict(os.environ, IVR_APP_SECRET=SECRET, IVR_ACCESS_TOKEN="bench", IVR_VERIFY_TOKEN="bench",
               IVR_GRAPH_URL=f"http://127.0.0.1:{GRAPH_PORT}", IVR_HTTP_PORT="18080",
               IVR_DB=str(workdir / "ivr.sqlite"), IVR_FLOWS=str(ROOT / MIXES[mix]),
               IVR_PROMPTS=str(ROOT / "Prompts"), IVR_MEDIA_IP="127.0.0.1", IVR_MEDIA_PORTS="20000-29999",
               IVR_LOG_FORMAT="json", IVR_MEDIA_SOCKETS=sockets, IVR_ADMIN_TOKEN=ADMIN_TOKEN,
               IVR_ADMIN_HOST="127.0.0.1", IVR_ADMIN_PORT=str(ADMIN_PORT))
    log = open(workdir / "ivrd.log", "w")
    proc = subprocess.Popen(pinned([binary, "serve"], cpu), env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                            preexec_fn=raise_fd_limit)
    wait_healthy("http://127.0.0.1:18080/healthz", proc)
    return proc, "http://127.0.0.1:18080/webhook"


def start_aiortc(workdir, cpu=None):
    log = open(workdir / "aiortc.log", "w")
    proc = subprocess.Popen(pinned([sys.executable, str(ROOT / "Benchmarks/load/aiortc_server.py"), "--port", "18081",
                             "--graph-url", f"http://127.0.0.1:{GRAPH_PORT}", "--secret", SECRET,
                             "--prompt", str(ROOT / "Prompts/main_menu.wav")], cpu),
                            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, preexec_fn=raise_fd_limit)
    wait_healthy("http://127.0.0.1:18081/healthz", proc)
    return proc, "http://127.0.0.1:18081/webhook"


def run_one(load, server, n, call_seconds, workdir, pin=False, count=False):
    server_cpu, load_cpu = (0, 1) if pin else (None, None)
    if server["name"] == "ivrd":
        proc, webhook = start_ivrd(server["binary"], workdir, server.get("sockets", "shared"), server_cpu,
                                   server.get("mix", "bench"))
    else:
        proc, webhook = start_aiortc(workdir, server_cpu)
    out = workdir / f"{server['name']}-{n}.json"
    rate = min(100.0, max(10.0, n / 10))
    syscalls = {}
    if count:
        # The plateau: every call placed (n / rate seconds), ICE/DTLS done, none ended yet (calls last ~20 s).
        threading.Thread(target=count_syscalls, args=(proc.pid, n / rate + 3, 5, syscalls), daemon=True).start()
    cmd = pinned([load, "--webhook", webhook, "--secret", SECRET, "--graph-port", str(GRAPH_PORT), "--calls", str(n),
           "--rate", str(rate), "--server-pid", str(proc.pid), "--label", server["name"], "--out", str(out)], load_cpu)
    if server["name"] != "ivrd":
        cmd += ["--hang-up-after", str(call_seconds)]
    try:
        # The load generator's own CPU (it is reaped before the server): it must not be the bottleneck.
        before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
        subprocess.run(cmd, check=True, preexec_fn=raise_fd_limit, timeout=600)
        after, wall = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic() - started
        result = json.loads(out.read_text())
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        result["load_generator_cpu_cores"] = round(cpu / wall, 3) if wall > 0 else None
        if server["name"] == "ivrd":
            result["server_store"] = store_writes()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        time.sleep(1)
    if server["name"] == "ivrd":
        result["server_pacer_lateness_ms"] = pacer_lateness(workdir / "ivrd.log")
    if syscalls and "seconds" in syscalls:
        # Each call moves 50 RTP packets a second each way (plus RTCP every few seconds, not counted).
        packets = n * 50 * syscalls["seconds"]
        sends = sum(syscalls.get(c, 0) for c in ("sendmsg", "sendmmsg", "sendto"))
        recvs = sum(syscalls.get(c, 0) for c in ("recvmsg", "recvmmsg", "recvfrom"))
        syscalls["packets_per_send_call"] = round(packets / sends, 2) if sends else None
        syscalls["packets_per_receive_call"] = round(packets / recvs, 2) if recvs else None
    result["server_syscalls"] = syscalls
    return result


def store_writes():
    """ivrd's store writes and the SQLite transactions that carried them (group commit), from /metrics."""
    req = urllib.request.Request(f"http://127.0.0.1:{ADMIN_PORT}/metrics",
                                 headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            text = r.read().decode()
    except OSError as e:
        return {"error": str(e)}
    out = {}
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name in ("ivr_store_writes_total", "ivr_store_transactions_total"):
            out[name.removeprefix("ivr_store_").removesuffix("_total")] = int(float(value))
    if out.get("transactions"):
        out["writes_per_transaction"] = round(out["writes"] / out["transactions"], 2)
    return out


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
            "pacer lateness ms (server log)", "load generator cores"]
    lines = ["## Capacity: N concurrent WhatsApp-shaped calls on loopback (`Benchmarks/load`)", "",
             f"Machine: {load['machine']}. Each call: signed connect → pre_accept/accept → ICE/DTLS → menu prompt "
             "(the caller's audio decoded while the menu listens) → RFC 4733 key → more prompts → hang-up → terminate. "
             "The aiortc server answers and plays the menu prompt; the caller hangs up after the same time.", "",
             "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    notes = []
    for name, runs in load["servers"].items():
        for n, r in sorted(runs.items(), key=lambda kv: int(kv[0])):
            if r.get("server_syscalls", {}).get("packets_per_send_call"):
                sc = r["server_syscalls"]
                notes.append(f"- {name}, N={n}: ≈{sc['packets_per_send_call']} packets per send call, "
                             f"≈{sc['packets_per_receive_call']} per receive call over {sc['seconds']} s of the plateau ("
                             + ", ".join(f"{c} {sc[c]}" for c in SYSCALLS if sc.get(c)) + ")")
            if r.get("server_store", {}).get("transactions"):
                st = r["server_store"]
                notes.append(f"- {name}, N={n}: {st['writes']} store writes in {st['transactions']} SQLite transactions "
                             f"({st['writes_per_transaction']} per transaction, group commit)")
            pa, fa, ie = r["webhook_to_pre_accept_ms"], r["connect_to_first_audio_ms"], r["interval_error_ms"]
            lines.append(f"| {name} | {n} | {r['calls_failed']} | {r['peak_concurrent_calls']} | "
                         f"{pa.get('p50', '-')}/{pa.get('p99', '-')} | {fa.get('p50', '-')}/{fa.get('p99', '-')} | "
                         f"{r['server_cpu_ms_per_call_second']} / {r.get('server_cpu_ms_per_call_second_plateau') or '-'} | {r['server_peak_cores']} | {r['server_rss_per_call_kib']} | "
                         f"{ie['p50']}/{ie['p99']}/{ie['max']} | {r['loss_percent']} | {lateness(r)} | "
                         f"{r.get('load_generator_cpu_cores', '-')} |")
        if load["stopped"].get(name):
            lines.append(f"| {name} | stopped | {load['stopped'][name]} |" + " |" * (len(cols) - 3))
    if notes:
        lines += ["", "Notes: UDP system calls of the server on the plateau (perf syscall tracepoints; packets estimated "
                  "as N × 50 per second each way), and ivrd's store writes per SQLite transaction (`/metrics`):", ""] + notes
    lines += ["", "Ratios (aiortc ÷ ivrd, same N):", "", "| N | CPU per call-s | RSS per call | pre_accept p99 | interval err p99 |",
              "|---|---|---|---|---|"]
    for n, q in sorted(load["ratios"].items(), key=lambda kv: int(kv[0])):
        lines.append(f"| {n} | {q['cpu_per_call_second']}× | {q['rss_per_call']}× | {q['pre_accept_p99']}× | {q['interval_error_p99']}× |")
    return "\n".join(lines) + "\n"


def lateness(r):
    p = r.get("server_pacer_lateness_ms") or {}
    return f"{p['median_call_p50']}/{p['p99_of_call_p99']}/{p['max']}" if p else "-"


def plot(load, path):
    try:
        import matplotlib
    except ImportError:
        print("matplotlib is not installed: no plot")
        return
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
    p.add_argument("--sockets", default="shared", help="ivrd's IVR_MEDIA_SOCKETS: shared, per-call, or both")
    p.add_argument("--pin", action="store_true", help="server on CPU 0, load generator on CPU 1 (taskset)")
    p.add_argument("--syscalls", action="store_true", help="count the server's UDP system calls on the plateau (perf, root)")
    p.add_argument("--mix", default="bench", help="ivrd's call mix: bench (menu listens, key, prompts), playback "
                   "(prompts only), or both")
    p.add_argument("--stem", default=None, help="results file name without extension (default: the date)")
    args = p.parse_args()
    cores = os.cpu_count() or 1
    machine = f"{cores} cores, {os.uname().sysname} {os.uname().release}"
    modes = ["shared", "per-call"] if args.sockets == "both" else [args.sockets]
    mixes = ["bench", "playback"] if args.mix == "both" else [args.mix]
    servers = [(("ivrd" if m == "shared" else f"ivrd-{m}") + ("" if x == "bench" else f"-{x}"),
                {"name": "ivrd", "binary": args.ivrd, "sockets": m, "mix": x}, args.ns)
               for x in mixes for m in modes]
    servers.append(("aiortc", {"name": "aiortc"}, args.aiortc_ns))
    load = {"machine": machine + (" (server pinned to CPU 0, load generator to CPU 1)" if args.pin else ""),
            "servers": {name: {} for name, _, _ in servers}, "stopped": {}}
    with tempfile.TemporaryDirectory(prefix="ivr-load-") as tmp:
        for name, server, ns in servers:
            for n in [int(x) for x in ns.split(",") if x]:
                workdir = Path(tmp) / f"{name}-{n}"
                workdir.mkdir()
                print(f"--- {name}, {n} calls", flush=True)
                r = run_one(args.load, server, n, args.call_seconds, workdir, pin=args.pin, count=args.syscalls)
                load["servers"][name][str(n)] = r
                if behind(r, 1 if args.pin else cores):
                    load["stopped"][name] = f"fell behind at N={n}"
                    break
    load["ratios"] = ratios(load["servers"].get("ivrd", {}), load["servers"]["aiortc"])
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    stem = results / (args.stem or datetime.date.today().isoformat())
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
