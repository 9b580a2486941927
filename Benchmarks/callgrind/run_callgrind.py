#!/usr/bin/env python3
"""Instructions per packet on the media hot path, with valgrind's callgrind (repeatable on a noisy machine).

Builds the release `ivr-bench` (unless --no-build), strips its debug information into a copy
(Debian's valgrind 3.19 cannot read Swift 6.3's DWARF; the symbol table is enough for function
names), and runs each fixed scenario of `ivr-bench callgrind <scenario> <N>` (see
Benchmarks/Sources/ivr-bench/Callgrind.swift) three times:
  - N = 0 (the baseline: the same set-up, no packet),
  - N = PACKETS (the whole program),
  - N = PACKETS with --toggle-collect on the measured loop only, for the profile.
Instructions per packet = (Ir(N) - Ir(0)) / N; the toggled run must agree (it is printed beside).
Writes Benchmarks/results/callgrind-<date>[-<label>].md and .json.

    python3 Benchmarks/callgrind/run_callgrind.py [--label before] [--no-build] [--scenarios recv,send]
"""
import argparse
import collections
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCENARIOS = {
    "recv": "receive: ByteBuffer → bytes → demux → SRTP unprotect → RTP parse → audio event",
    "recv-crowd": "receive, while 250 other connected calls (1,000 SRTP contexts) stay alive",
    "recv-decode": "receive + jitter buffer + Opus decode at 16 kHz (a menu listens)",
    "send": "send: 20 ms tick → prompt frame → RTP → SRTP protect → transmit → ByteBuffer",
    "srtp-cm": "libsrtp2 alone: protect + unprotect one 92-byte RTP packet, AES_CM_128_HMAC_SHA1_80",
    "srtp-gcm": "libsrtp2 alone: protect + unprotect one 92-byte RTP packet, AEAD_AES_128_GCM",
    "srtp-gcm-1000": "srtp-gcm while 1,000 other calls' SRTP sessions (2,000) stay alive",
}
PACKETS = 1000


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw)


def total_ir(out_file):
    with open(out_file) as f:
        for line in f:
            if line.startswith("totals:") or line.startswith("summary:"):
                return int(line.split()[1])
    raise RuntimeError(f"no totals in {out_file}")


def valgrind(binary, scenario, packets, out_file, toggle=False, cwd=None):
    cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}"]
    if toggle:
        cmd.append("--toggle-collect=*callgrindMeasured*")
    cmd += [binary, "callgrind", scenario, str(packets)]
    r = subprocess.run(cmd, text=True, capture_output=True, cwd=cwd)
    if r.returncode != 0 or "outputs" not in r.stdout:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{r.stdout}\n{r.stderr[-2000:]}")
    return total_ir(out_file)


def demangle(names):
    swift = shutil.which("swift-demangle") or "/opt/swift/usr/bin/swift-demangle"
    if not os.path.exists(swift):
        return names
    r = subprocess.run([swift, "--simplified", "--compact"], input="\n".join(names) + "\n", text=True,
                       capture_output=True)
    out = r.stdout.splitlines()
    return out if len(out) == len(names) else names


LINE = re.compile(r"^\s*([\d,]+)\s+\([\s\d.]+%\)\s+(.*?)\s+\[(.*?)\]\s*$")


def profile(out_file, packets, top):
    """Self cost per function and per shared object, in instructions per packet."""
    text = run(["callgrind_annotate", "--inclusive=no", "--threshold=100", out_file]).stdout
    functions, objects = [], collections.Counter()
    for line in text.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        ir = int(m.group(1).replace(",", ""))
        name = m.group(2).split(":", 1)[1] if ":" in m.group(2) else m.group(2)
        obj = os.path.basename(m.group(3))
        functions.append((ir, name, obj))
        objects[obj] += ir
    names = demangle([f[1] for f in functions[:top]])
    shown = [(ir / packets, n[:110], obj) for (ir, _, obj), n in zip(functions[:top], names)]
    by_object = [(obj, ir / packets) for obj, ir in objects.most_common()]
    return shown, by_object


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", default="")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--scenarios", default=",".join(SCENARIOS))
    ap.add_argument("--top", type=int, default=20)
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "ivr-bench"], cwd=ROOT, check=True)
    bindir = run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT).stdout.strip()
    commit = run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT).stdout.strip()
    dirty = bool(run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT).stdout.strip())
    results = {}
    with tempfile.TemporaryDirectory(prefix="ivr-callgrind-") as tmp:
        binary = os.path.join(tmp, "ivr-bench")
        run(["objcopy", "--strip-debug", os.path.join(bindir, "ivr-bench"), binary])
        for scenario in args.scenarios.split(","):
            base = valgrind(binary, scenario, 0, os.path.join(tmp, f"{scenario}-0.out"), cwd=tmp)
            full = valgrind(binary, scenario, PACKETS, os.path.join(tmp, f"{scenario}-n.out"), cwd=tmp)
            loop_file = os.path.join(tmp, f"{scenario}-loop.out")
            loop = valgrind(binary, scenario, PACKETS, loop_file, toggle=True, cwd=tmp)
            functions, objects = profile(loop_file, PACKETS, args.top)
            results[scenario] = {
                "packets": PACKETS, "baseline_ir": base, "run_ir": full,
                "ir_per_packet": (full - base) / PACKETS, "loop_ir_per_packet": loop / PACKETS,
                "top_functions": [{"ir_per_packet": round(ir, 1), "function": n, "object": o} for ir, n, o in functions],
                "by_object": [{"object": o, "ir_per_packet": round(ir, 1)} for o, ir in objects],
            }
            print(f"{scenario:12s} {(full - base) / PACKETS:10.0f} Ir/packet (toggled loop {loop / PACKETS:.0f})", flush=True)
    date = datetime.date.today().isoformat()
    stem = f"callgrind-{date}" + (f"-{args.label}" if args.label else "")
    out_dir = os.path.join(ROOT, "Benchmarks", "results")
    meta = {"date": date, "commit": commit + ("+dirty" if dirty else ""), "valgrind": run(["valgrind", "--version"]).stdout.strip()}
    with open(os.path.join(out_dir, stem + ".json"), "w") as f:
        json.dump({"meta": meta, "scenarios": results}, f, indent=2)
    md = [f"# Instructions per packet (callgrind), {date}" + (f", {args.label}" if args.label else ""), "",
          f"Commit {meta['commit']}, {meta['valgrind']}, release `ivr-bench` with debug info stripped. "
          f"Per packet = (Ir({PACKETS} packets) − Ir(0 packets)) / {PACKETS}; the profile is the measured loop only "
          "(`--toggle-collect`), self cost per packet. Made by `Benchmarks/callgrind/run_callgrind.py`.", "",
          "| scenario | what | Ir per packet | loop only |", "|---|---|---:|---:|"]
    for s, r in results.items():
        md.append(f"| {s} | {SCENARIOS[s]} | {r['ir_per_packet']:.0f} | {r['loop_ir_per_packet']:.0f} |")
    for s, r in results.items():
        md += ["", f"## {s}: by library (self Ir per packet)", "", "| library | Ir/packet |", "|---|---:|"]
        md += [f"| {o['object']} | {o['ir_per_packet']:.0f} |" for o in r["by_object"][:10]]
        md += ["", f"## {s}: top functions (self Ir per packet)", "", "| Ir/packet | function | library |", "|---:|---|---|"]
        md += [f"| {x['ir_per_packet']:.0f} | `{x['function']}` | {x['object']} |" for x in r["top_functions"]]
    with open(os.path.join(out_dir, stem + ".md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print(f"wrote Benchmarks/results/{stem}.md and .json")


if __name__ == "__main__":
    main()
