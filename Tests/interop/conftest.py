import subprocess

import pytest


@pytest.fixture(scope="session")
def speech_wav(tmp_path_factory):
    """About 3 s of espeak-ng speech with pauses, so its energy envelope has shape."""
    path = tmp_path_factory.mktemp("speech") / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(path),
                    "Thank you for calling. Press one for sales, two for support."], check=True)
    return path
