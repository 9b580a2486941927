import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IVRD = os.environ.get("IVRD_BIN", str(ROOT / ".build" / "debug" / "ivrd"))


def first_ipv4_candidate(sdp):
    """The address aiortc really listens on (it offers no 127.0.0.1 candidate)."""
    m = re.search(r"a=candidate:\S+ 1 udp \d+ (\d+\.\d+\.\d+\.\d+) \d+ typ host", sdp)
    assert m, "aiortc offered no IPv4 host candidate"
    return m.group(1)


@pytest.fixture(scope="session")
def speech_wav(tmp_path_factory):
    """About 3 s of espeak-ng speech with pauses, so its energy envelope has shape."""
    path = tmp_path_factory.mktemp("speech") / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(path),
                    "Thank you for calling. Press one for sales, two for support."], check=True)
    return path
