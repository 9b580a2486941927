import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "daemon"))
from ivrd_harness import Daemon  # noqa: E402
from whatsapp import GraphAPI, WhatsApp  # noqa: E402

SECRET = "e2e-app-secret"


@pytest.fixture
def graph():
    g = GraphAPI()
    yield g
    g.close()


@pytest.fixture
def start(tmp_path, graph):
    """Starts ivrd against the stand-in; returns (daemon, whatsapp)."""
    started = []

    def make(media_ip, **env):
        d = Daemon(tmp_path, {"IVR_APP_SECRET": SECRET, "IVR_VERIFY_TOKEN": "v", "IVR_ACCESS_TOKEN": "token",
                              "IVR_GRAPH_URL": graph.url, "IVR_MEDIA_IP": media_ip, **env})
        started.append(d)
        return d, WhatsApp(d.base, SECRET)

    yield make
    for d in started:
        d.stop()
