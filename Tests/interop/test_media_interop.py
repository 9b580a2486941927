"""Our media stack (ivrd probe: SDP answer, ICE, DTLS-SRTP, RTP, Opus) against aiortc on loopback."""
import asyncio
import os
import re
import wave

import numpy as np

from peer import IVRD, Peer, best_envelope_correlation, first_ipv4_candidate, peak_frequency, read_wav_48k


async def probe_call(tmp_path, speech, mangle=None, seconds=3, timeout=40):
    peer = Peer(speech)
    offer = await peer.offer()
    if mangle:
        offer = mangle(offer)
    offer_file, answer_file, record = tmp_path / "offer.sdp", tmp_path / "answer.sdp", tmp_path / "received.wav"
    offer_file.write_text(offer)
    proc = await asyncio.create_subprocess_exec(
        IVRD, "probe", "--offer", str(offer_file), "--answer", str(answer_file),
        "--media-ip", first_ipv4_candidate(offer), "--tone", "440", "--seconds", str(seconds),
        "--record", str(record), "--connect-timeout", "10",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        for _ in range(200):
            if answer_file.exists():
                break
            await asyncio.sleep(0.05)
        assert answer_file.exists(), "ivrd probe wrote no answer"
        expected = os.environ.get("IVR_EXPECT_SRTP_LIBRARY")
        if expected and mangle is None:
            # .ci/test.sh runs this suite again with libsrtp2 built on OpenSSL (Deploy/libsrtp2-openssl.sh).
            maps = open(f"/proc/{proc.pid}/maps").read()
            assert expected in maps, f"ivrd probe did not load {expected}"
        answer = answer_file.read_text()
        await peer.apply_answer(answer)
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    received = peer.received_samples()
    await peer.close()
    return proc.returncode, out.decode(), err.decode(), answer, record, received


def test_audio_flows_both_ways(tmp_path, speech_wav):
    speech = read_wav_48k(speech_wav)
    code, out, err, answer, record, received = asyncio.run(probe_call(tmp_path, speech))
    assert code == 0, f"probe failed: {out}\n{err}"
    assert "a=setup:active" in answer and "a=ice-lite" not in answer
    assert re.search(r"a=fingerprint:sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}", answer)
    assert "connected" in out
    print(out)

    # aiortc's speech, decoded by us with libopus, follows the source's energy envelope.
    with wave.open(str(record)) as w:
        assert w.getframerate() == 48000
        ours = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)
    assert len(ours) > 48000, "we decoded less than a second of audio"
    corr = best_envelope_correlation(speech, ours)
    print(f"speech envelope correlation: {corr:.3f}")
    assert corr >= 0.8

    # Our 440 Hz tone, decoded by aiortc, peaks at 440 ± 5 Hz.
    assert len(received) > 48000, "aiortc decoded less than a second of our audio"
    loud = received[np.abs(received) > 0.1 * np.abs(received).max()]
    assert len(loud) > 24000
    start = int(np.argmax(np.abs(received) > 0.1 * np.abs(received).max()))
    segment = received[start + 4800:start + 4800 + 96000]
    freq = peak_frequency(segment)
    print(f"tone peak: {freq:.1f} Hz")
    assert abs(freq - 440) <= 5


def test_fingerprint_mismatch_fails_with_its_reason(tmp_path, speech_wav):
    def mangle(sdp):
        return re.sub(r"(a=fingerprint:sha-256 )([0-9A-F]{2})", lambda m: m.group(1) + ("00" if m.group(2) != "00" else "11"), sdp)
    code, out, err, *_ = asyncio.run(probe_call(tmp_path, read_wav_48k(speech_wav), mangle=mangle, seconds=1))
    assert code != 0
    assert "does not match the SDP a=fingerprint" in err, err


def test_wrong_ice_password_fails_with_its_reason(tmp_path, speech_wav):
    def mangle(sdp):
        return re.sub(r"a=ice-pwd:(\S+)", lambda m: "a=ice-pwd:" + "x" * len(m.group(1)), sdp)
    code, out, err, *_ = asyncio.run(probe_call(tmp_path, read_wav_48k(speech_wav), mangle=mangle, seconds=1))
    assert code != 0
    # aiortc answers checks signed with the wrong password with 401; we say so and name the suspect.
    assert "ICE failed:" in err and "STUN error 401" in err and "ice-pwd" in err, err
