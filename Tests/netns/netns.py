"""Two network namespaces joined by a veth pair: ivrd on one side, the caller on the other.

`Link` creates them with `ip netns` / `ip link` (Debian's iproute2), gives each end an IPv4 address
(IPv6 off, so every candidate is the veth's), and sets the MTU. `Link.caller_side()` moves this
process's main thread into the caller's namespace: sockets it opens from then on, and threads it starts
(the Graph API stand-in's server), live there. ivrd runs under `ip netns exec` in the other one.

When namespaces cannot be made (not root, no CAP_SYS_ADMIN, no iproute2) `NetnsUnavailable` says so
and why; the tests fail with that message, they are never skipped.
"""
import contextlib
import ctypes
import os
import shutil
import subprocess

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


class NetnsUnavailable(RuntimeError):
    pass


def _run(*cmd, check=True):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise NetnsUnavailable(f"`{' '.join(cmd)}` failed (exit {r.returncode}): {r.stderr.strip()}")
    return r


def _setns(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise NetnsUnavailable(f"setns({path}) failed: {os.strerror(err)} (needs CAP_SYS_ADMIN: run as root)")
    finally:
        os.close(fd)


class Link:
    IVR_IP = "10.77.0.1"
    CALLER_IP = "10.77.0.2"
    PREFIX = 24

    def __init__(self, mtu=1500):
        if shutil.which("ip") is None:
            raise NetnsUnavailable("the network-namespace tests need iproute2's `ip` (apt-get install iproute2; "
                                   ".ci/deps.sh test installs it)")
        if os.geteuid() != 0:
            raise NetnsUnavailable(f"the network-namespace tests need root (CAP_SYS_ADMIN and CAP_NET_ADMIN) to run "
                                   f"`ip netns add`; this process runs as uid {os.geteuid()}")
        tag = str(os.getpid() % 1_000_000)
        self.ivr_ns, self.caller_ns = f"ivrd{tag}", f"caller{tag}"
        self.ivr_dev, self.caller_dev = f"vi{tag}", f"vc{tag}"
        self.mtu = mtu
        self.created = []
        try:
            for ns in (self.ivr_ns, self.caller_ns):
                _run("ip", "netns", "add", ns)
                self.created.append(ns)
                _run("ip", "-n", ns, "link", "set", "lo", "up")
                for key in ("all", "default"):
                    _run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", f"net.ipv6.conf.{key}.disable_ipv6=1",
                         check=False)
            _run("ip", "link", "add", self.ivr_dev, "netns", self.ivr_ns, "mtu", str(mtu), "type", "veth",
                 "peer", "name", self.caller_dev, "netns", self.caller_ns, "mtu", str(mtu))
            for ns, dev, ip in ((self.ivr_ns, self.ivr_dev, self.IVR_IP), (self.caller_ns, self.caller_dev, self.CALLER_IP)):
                _run("ip", "-n", ns, "addr", "add", f"{ip}/{self.PREFIX}", "dev", dev)
                _run("ip", "-n", ns, "link", "set", dev, "up")
        except NetnsUnavailable:
            self.close()
            raise

    def ivr_prefix(self):
        """The command prefix that runs a program (ivrd) in ivrd's namespace."""
        return ("ip", "netns", "exec", self.ivr_ns)

    def add_caller_address(self, ip):
        """A second address on the caller's side of the link (the caller's new network)."""
        _run("ip", "-n", self.caller_ns, "addr", "add", f"{ip}/{self.PREFIX}", "dev", self.caller_dev)

    def device_mtu(self, ns, dev):
        out = _run("ip", "-n", ns, "-o", "link", "show", dev).stdout
        return int(out.split(" mtu ")[1].split()[0])

    @contextlib.contextmanager
    def caller_side(self):
        """Runs the block with this thread in the caller's namespace, then moves it back."""
        home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        try:
            _setns(f"/run/netns/{self.caller_ns}")
            yield self
        finally:
            _libc.setns(home, CLONE_NEWNET)
            os.close(home)

    def close(self):
        for ns in reversed(self.created):
            _run("ip", "netns", "del", ns, check=False)
        self.created = []
