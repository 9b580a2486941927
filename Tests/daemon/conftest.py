"""Fixtures for the daemon-level tests; the harness itself is in ivrd_harness.py."""
import pytest

from ivrd_harness import *  # noqa: F401,F403  (tests import ROOT, FIXTURES, sign, wait_for from here)
from ivrd_harness import Daemon, GraphStandIn


@pytest.fixture
def graph():
    g = GraphStandIn()
    yield g
    g.close()


@pytest.fixture
def daemon_factory(tmp_path):
    started = []

    def make(**env):
        d = Daemon(tmp_path, env)
        started.append(d)
        return d

    yield make
    for d in started:
        d.stop()
