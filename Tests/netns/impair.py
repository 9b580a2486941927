"""Network faults on the caller's path: loss, delay with jitter, reordering, duplication, blackouts.

This machine's kernel (a Firecracker guest) has no `sch_netem` (nor `sch_prio`): `tc qdisc add … netem`
answers "Specified qdisc kind is unknown". So the faults are applied where every datagram of the call
passes through user space anyway: the caller's ICE sockets. `Impairment.install(caller)` wraps each aioice
socket's `sendto` (caller → ivrd) and its protocol's `datagram_received` (ivrd → caller); both directions
get the profile, as netem on both veth ends would. It is seeded, so a run is reproducible. The
namespaces, the veth pair and its MTU are real; `netem_available()` reports whether the kernel could do
the same in tc (see Tests/netns/README.md).
"""
import asyncio
import os
import dataclasses
import random
import subprocess


@dataclasses.dataclass
class Profile:
    loss: float = 0.0        # probability a datagram is dropped
    delay: float = 0.0       # seconds added to every datagram
    jitter: float = 0.0      # ± seconds, uniform, on top of delay; order is kept (a FIFO path)
    reorder: float = 0.0     # probability a datagram skips the delay (netem's `reorder`)
    duplicate: float = 0.0   # probability a datagram is sent twice
    blackout: bool = False   # drop everything

    def __str__(self):
        if self.blackout:
            return "blackout (100% loss)"
        parts = [f"loss {self.loss:.0%}"]
        if self.delay or self.jitter:
            parts.append(f"delay {self.delay * 1000:.0f} ms ± {self.jitter * 1000:.0f} ms")
        if self.reorder:
            parts.append(f"reorder {self.reorder:.0%}")
        if self.duplicate:
            parts.append(f"duplicate {self.duplicate:.0%}")
        return ", ".join(parts)


class Direction:
    def __init__(self, name, seed):
        self.name, self.passed, self.dropped, self.duplicated = name, 0, 0, 0
        # One generator per direction: the n-th datagram's fate does not depend on the other direction's timing.
        self.rng = random.Random(seed)
        self.last_due = 0.0   # when the previous datagram leaves the path: jitter never overtakes it

    def figures(self):
        total = self.passed + self.dropped
        return {"datagrams": total, "dropped": self.dropped, "duplicated": self.duplicated,
                "loss_percent": round(100 * self.dropped / total, 2) if total else 0.0}


class Impairment:
    def __init__(self, seed=20, profile=None):
        self.profile = profile or Profile()
        self.up = Direction("caller→ivrd", seed * 2)
        self.down = Direction("ivrd→caller", seed * 2 + 1)
        self.protocols = []

    def install(self, caller):
        """Wraps the sockets of the caller's ICE connection (call after its offer was made)."""
        connection = caller.pc.getSenders()[0].transport.transport._connection
        for protocol in connection._protocols:
            self.wrap(protocol)

    def wrap(self, protocol):
        self.protocols.append(protocol)
        self.wrap_transport(protocol.transport)
        deliver = protocol.datagram_received
        protocol.datagram_received = lambda data, addr: self.apply(self.down, lambda: deliver(data, addr))

    def wrap_transport(self, transport):
        send = transport.sendto
        transport.sendto = lambda data, addr=None: self.apply(self.up, lambda: send(data, addr))

    def apply(self, direction, deliver):
        p = self.profile
        if p.blackout or (p.loss and direction.rng.random() < p.loss):
            direction.dropped += 1
            return
        direction.passed += 1
        copies = 1
        if p.duplicate and direction.rng.random() < p.duplicate:
            copies = 2
            direction.duplicated += 1
        loop = asyncio.get_event_loop()
        for _ in range(copies):
            now = loop.time()
            wait = p.delay + (direction.rng.uniform(-p.jitter, p.jitter) if p.jitter else 0.0)
            if p.reorder and direction.rng.random() < p.reorder:
                wait = 0.0            # netem's reorder: this one jumps the queue
            else:
                # Jitter as a queue gives it: delays vary, order is kept (10 % reordering is its own test).
                wait = max(wait, direction.last_due - now)
                direction.last_due = now + wait
            if wait <= 0:
                deliver()
            else:
                loop.call_later(wait, deliver)

    async def move(self, caller, new_ip):
        """The caller's network changes (Wi-Fi → LTE): its ICE socket is replaced by a new one on
        `new_ip` and a new port. Datagrams to the old address reach nobody from then on."""
        loop = asyncio.get_event_loop()
        moved = []
        for protocol in self.protocols:
            old = protocol.transport
            if old.get_extra_info("sockname")[0] == new_ip:
                continue
            new, _ = await loop.create_datagram_endpoint(lambda: protocol, local_addr=(new_ip, 0))
            # The old socket stays open but feeds nothing: the path through it is dead.
            old.set_protocol(asyncio.DatagramProtocol())
            self.wrap_transport(new)
            moved.append((old.get_extra_info("sockname"), new.get_extra_info("sockname")))
        return moved

    def figures(self):
        return {"profile": str(self.profile), "up": self.up.figures(), "down": self.down.figures()}


def netem_available():
    """Whether this kernel has sch_netem (probed on a throwaway dummy device in a scratch namespace)."""
    ns = f"netemprobe{os.getpid()}"
    try:
        subprocess.run(["ip", "netns", "add", ns], capture_output=True, check=True)
        subprocess.run(["ip", "-n", ns, "link", "add", "d0", "type", "dummy"], capture_output=True, check=True)
        r = subprocess.run(["tc", "-n", ns, "qdisc", "add", "dev", "d0", "root", "netem", "loss", "1%"],
                           capture_output=True)
        return r.returncode == 0
    except (OSError, subprocess.CalledProcessError):
        return False
    finally:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
