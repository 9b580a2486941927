"""Fixtures for the network-namespace tests: a fresh pair of namespaces per test, ivrd in one, the
WhatsApp stand-in (webhooks, Graph API) and the aiortc caller in the other. See README.md."""
import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "daemon"))
sys.path.insert(0, str(ROOT / "Tests" / "e2e"))
sys.path.insert(0, str(HERE))

from ivrd_harness import Daemon  # noqa: E402
from netns import Link, NetnsUnavailable  # noqa: E402
from whatsapp import GraphAPI, WhatsApp  # noqa: E402

SECRET = "netns-app-secret"
PHONE_NUMBER_ID = "100000000000020"


@pytest.fixture(autouse=True)
def no_stun_servers(monkeypatch):
    """aiortc's default STUN server is on the internet; these tests never leave the two namespaces."""
    from aiortc.rtcicetransport import RTCIceGatherer
    monkeypatch.setattr(RTCIceGatherer, "getDefaultIceServers", classmethod(lambda cls: []))


@pytest.fixture
def make_link():
    """Makes the namespace pair (and tears it down). Fails — never skips — when that is impossible."""
    links = []

    def make(mtu=1500):
        try:
            link = Link(mtu=mtu)
        except NetnsUnavailable as e:
            pytest.fail(f"cannot create the network namespaces these tests need: {e}", pytrace=False)
        links.append(link)
        return link

    yield make
    for link in links:
        link.close()


class Side:
    """The caller's side of one test: the link, ivrd (in the other namespace), the stand-ins."""

    def __init__(self, link, daemon, whatsapp, graph):
        self.link, self.daemon, self.whatsapp, self.graph = link, daemon, whatsapp, graph


@pytest.fixture
def caller_side(make_link, tmp_path):
    """`caller_side(mtu=…)`: namespaces, ivrd serving Flows/ plus netns.yaml, this thread on the caller's side."""
    stack = []

    def start(mtu=1500, **env):
        link = make_link(mtu)
        ctx = link.caller_side()
        ctx.__enter__()
        stack.append(ctx)
        graph = GraphAPI(host=Link.CALLER_IP)
        stack.append(graph)
        flows = tmp_path / "Flows"
        shutil.copytree(ROOT / "Flows", flows)
        shutil.copy(HERE / "netns.yaml", flows / "netns.yaml")
        daemon = Daemon(tmp_path, {"IVR_APP_SECRET": SECRET, "IVR_VERIFY_TOKEN": "v", "IVR_ACCESS_TOKEN": "token",
                                   "IVR_GRAPH_URL": graph.url, "IVR_MEDIA_IP": Link.IVR_IP, "IVR_FLOWS": str(flows),
                                   **env},
                        host=Link.IVR_IP, prefix=link.ivr_prefix())
        stack.append(daemon)
        return Side(link, daemon, WhatsApp(daemon.base, SECRET, phone_number_id=PHONE_NUMBER_ID), graph)

    yield start
    for item in reversed(stack):
        if isinstance(item, Daemon):
            item.stop()
        elif isinstance(item, GraphAPI):
            item.close()
        else:
            item.__exit__(None, None, None)
