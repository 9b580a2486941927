"""Every IPv4/UDP datagram on one interface, read with an AF_PACKET socket (root), for size checks."""
import socket
import struct
import threading

ETH_P_ALL = 0x0003


class Capture:
    def __init__(self, device):
        """Open it on the thread whose network namespace holds `device`."""
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.sock.bind((device, 0))
        self.sock.settimeout(0.2)
        self.datagrams = []   # (source ip, source port, dest port, payload length, first payload byte)
        self.fragments = []   # (source ip, total length) of IPv4 fragments
        self.running = True
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        while self.running:
            try:
                frame, (_, _, pkttype, _, _) = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            if pkttype == socket.PACKET_OUTGOING or len(frame) < 34 or frame[12:14] != b"\x08\x00":
                continue
            ip = frame[14:]
            ihl = (ip[0] & 0x0F) * 4
            total, flags_fragment, proto = struct.unpack("!H2xH1xB", ip[2:10])
            src = socket.inet_ntoa(ip[12:16])
            if flags_fragment & 0x3FFF:       # MF set or an offset: a fragment
                self.fragments.append((src, total))
            if proto != 17 or flags_fragment & 0x1FFF:
                continue
            sport, dport, length = struct.unpack("!HHH", ip[ihl:ihl + 6])
            payload = ip[ihl + 8:ihl + length]
            self.datagrams.append((src, sport, dport, len(payload), payload[0] if payload else None))

    def stop(self):
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()
