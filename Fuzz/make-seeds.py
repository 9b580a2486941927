#!/usr/bin/env python3
"""Writes the seed corpora under Fuzz/corpus/<target>/ from the project's RFC vectors and fixtures.

Seeds are the starting inputs of each fuzz target, in that target's input format (see the harness
files in Fuzz/Sources/ivr-fuzz). Run from anywhere; it rewrites only files named seed-*. Inputs the
fuzzer found (crashes kept as regressions, or corpus growth) are other files and stay untouched.
"""
import glob
import hashlib
import os
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Fuzz", "corpus")


def hex_fixture(path):
    """Bytes of a .hex fixture: hex pairs, '#' starts a comment."""
    out = bytearray()
    with open(path) as f:
        for line in f:
            out += bytes.fromhex(line.split("#", 1)[0])
    return bytes(out)


def write(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "seed-" + name), "wb") as f:
        f.write(data)


def copy_files(target, patterns):
    for pattern in patterns:
        for path in sorted(glob.glob(os.path.join(ROOT, pattern))):
            with open(path, "rb") as f:
                write(target, os.path.basename(path), f.read())


def chunk(data):
    assert len(data) < 256
    return bytes([len(data)]) + data


def long_chunk(data):
    return struct.pack(">H", len(data)) + data


def webhook():
    copy_files("webhook", ["Tests/WhatsAppTests/Fixtures/*.json", "Tests/IVRAppTests/Fixtures/*.json"])


def sdp():
    copy_files("sdp", ["Tests/SDPTests/Fixtures/*.sdp"])
    shared = os.path.join(ROOT, "..", "shared", "fixtures", "whatsapp-offer.sdp")
    if os.path.exists(shared):
        with open(shared, "rb") as f:
            write("sdp", "shared-whatsapp-offer.sdp", f.read())


def stun_ice():
    vectors = {os.path.basename(p): hex_fixture(p)
               for p in sorted(glob.glob(os.path.join(ROOT, "Tests/STUNTests/Fixtures/*.hex")))}
    for name, v in vectors.items():
        # op 4: decode/encode round trip; op 0: the vector as a received datagram.
        write("stun-ice", name + ".roundtrip", bytes([0, 0, 4]) + chunk(v))
        write("stun-ice", name + ".receive", bytes([0, 1]) + struct.pack(">I", 0x6E0001FF) + bytes([0]) + chunk(v) + bytes([0]))
    # Controlling against ice-lite with two candidates: time steps, forged successes, a role conflict.
    base = bytes([1, 2]) + struct.pack(">II", 0x7E0000FF, 0x7E0001FE)
    step = bytes([3]) + struct.pack(">H", 60)
    success = bytes([2, 0, 0, 0])  # op 2: answer sent check 0, from its destination, success keyed right
    write("stun-ice", "lite-connect", base + step + success + step + success + step * 3)
    write("stun-ice", "lite-error-487", base + step + bytes([2, 0, 0, 1]) + struct.pack(">H", 187) + step + success)
    # Controlled against a full agent: the peer's checks (USE-CANDIDATE, PRIORITY), then our responses.
    full = bytes([2, 1]) + struct.pack(">I", 0x7E0000FF)
    check = bytes([1, 0x0C]) + struct.pack(">I", 0x6E0001FF) + bytes([7] * 12) + bytes([0])
    write("stun-ice", "controlled-nominated", full + check + step + success + step + check)
    conflict = bytes([1, 0x14]) + struct.pack(">I", 0x6E0001FF) + struct.pack(">Q", 2**63) + bytes([9] * 12) + bytes([0])
    write("stun-ice", "role-conflict", bytes([0, 1]) + struct.pack(">I", 0x7E0000FF) + conflict + step + success)
    write("stun-ice", "consent", base + step + success + step + success + bytes([3, 0x13, 0x88]) * 8)


def rtp():
    for p in sorted(glob.glob(os.path.join(ROOT, "Tests/RTPTests/Fixtures/*.hex"))):
        write("rtp", os.path.basename(p), hex_fixture(p))


def rfc4733():
    payloads = []
    with open(os.path.join(ROOT, "Tests/DTMFTests/Fixtures/telephone-events.txt")) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                payloads.append(bytes.fromhex(line.split("|", 1)[0]))
    # Settings: 8 kHz, 50 ms end timeout. Packet: flags, sequence, timestamp, payload.
    def packet(flags, seq, ts, payload):
        return bytes([flags]) + struct.pack(">HI", seq, ts) + chunk(payload)
    press = b"".join(packet(0x50 | (1 if i == 0 else 0), 100 + i, 8000, bytes([5, 0x0A if i < 3 else 0x8A]) + struct.pack(">H", 160 * (i + 1)))
                     for i in range(6))
    write("rfc4733", "one-press", bytes([0, 50]) + press + packet(0x52, 200, 8000, payloads[3]))
    write("rfc4733", "all-payloads", bytes([0, 50]) + b"".join(packet(0x50, i, 1000 * i, p) for i, p in enumerate(payloads)))
    write("rfc4733", "lost-end", bytes([0, 50]) + packet(0x51, 7, 0xFFFFFF00, payloads[1]) + packet(0xFE, 8, 0xFFFFFF00, payloads[1]))
    write("rfc4733", "packed", bytes([2, 20]) + packet(0x51, 1, 64000, payloads[1] + payloads[3]))


def dtls():
    def record(content, epoch, length, fill=7):
        return bytes([content, 0xFE, 0xFD]) + struct.pack(">H", epoch) + bytes(6) + struct.pack(">H", length) + bytes([fill] * length)
    # Mode 0: an established association gets short and long protected records, alerts, and junk.
    frames = b"".join(bytes([d]) + long_chunk(record(c, 1, n)) for d, c, n in
                      [(0, 23, 23), (1, 21, 0), (0, 22, 16), (1, 23, 40), (0, 21, 24), (1, 20, 1)])
    write("dtls", "established-short-records", bytes([0]) + frames)
    write("dtls", "established-epoch0", bytes([0, 0]) + long_chunk(record(21, 0, 2, 2) + record(22, 0, 12)))
    # A ClientHello-shaped record and a truncated one for a fresh server; a server-flight shape for a client.
    hello = bytes([1, 0, 0, 40, 0, 0, 0, 0, 0, 0, 0, 40]) + bytes([0xFE, 0xFD]) + bytes(32) + bytes([0, 0, 0, 0, 0, 0])
    write("dtls", "server-hello-shape", bytes([1, 0]) + long_chunk(bytes([22, 0xFE, 0xFF, 0, 0]) + bytes(6) + struct.pack(">H", len(hello)) + hello))
    write("dtls", "client-garbage-flight", bytes([2, 0]) + long_chunk(record(22, 0, 60, 1)) + bytes([0]) + long_chunk(record(20, 0, 1, 1)))


def flow():
    copy_files("flow", ["Flows/*.yaml", "Tests/FlowTests/Fixtures/valid/*.yaml", "Tests/FlowTests/Fixtures/invalid/*.yaml",
                        "Tests/FlowTests/Fixtures/clash/*.yaml"])


def config():
    copy_files("config", ["Deploy/ivr.example.yaml", "Tests/IVRAppTests/Fixtures/*.yaml"])
    write("config", "followup.yaml", b"outbox:\n  followup:\n    on: [failed, rejected]\n    template: call_us_back\n    ttl_minutes: 60\n")
    write("config", "typo.yaml", b"http:\n  prot: 8080\nmedia:\n  ports: 40000-39999\n")


if __name__ == "__main__":
    for make in (webhook, sdp, stun_ice, rtp, rfc4733, dtls, flow, config):
        make()
    for target in sorted(os.listdir(CORPUS)):
        files = os.listdir(os.path.join(CORPUS, target))
        print(f"{target}: {len(files)} files")
