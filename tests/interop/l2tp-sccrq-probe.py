#!/usr/bin/python3
"""Readiness probe, not a client: send one L2TP SCCRQ (RFC 2661 6.1) without
a Challenge AVP, expect an SCCRP (6.2), then close with a StopCCN (6.4).

usage: l2tp-sccrq-probe.py GATEWAY [TIMEOUT_S]; exit 0 when an SCCRP came.
Run it inside the client namespace.
"""
import os
import socket
import struct
import sys


def avp(attr, value):
    return struct.pack("!HHH", 0x8000 | (6 + len(value)), 0, attr) + value


def control(tunnel, ns, nr, avps):
    body = b"".join(avps)
    return struct.pack("!HHHHHH", 0xC802, 12 + len(body), tunnel, 0, ns, nr) + body


def parse_avps(body):
    out = {}
    while len(body) >= 6:
        flags, vendor, attr = struct.unpack("!HHH", body[:6])
        n = flags & 0x3FF
        if n < 6 or n > len(body):
            break
        if vendor == 0:
            out.setdefault(attr, body[6:n])
        body = body[n:]
    return out


def main():
    gw = sys.argv[1]
    timeout = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
    my_tid = struct.unpack("!H", os.urandom(2))[0] | 1
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 1701))
    s.settimeout(timeout)
    s.sendto(control(0, 0, 0, [
        avp(0, struct.pack("!H", 1)),
        avp(2, b"\x01\x00"),
        avp(3, struct.pack("!I", 3)),
        avp(7, b"rvt-probe"),
        avp(9, struct.pack("!H", my_tid)),
    ]), (gw, 1701))
    while True:
        try:
            data, peer = s.recvfrom(4096)
        except socket.timeout:
            print("probe: no SCCRP from %s within %.0f s" % (gw, timeout))
            return 1
        if len(data) < 12 or not data[0] & 0x80:
            continue
        flags, length, tid, sid, ns, nr = struct.unpack("!HHHHHH", data[:12])
        avps = parse_avps(data[12:length])
        if avps.get(0) != struct.pack("!H", 2):
            continue
        peer_tid = struct.unpack("!H", avps.get(9, b"\0\0"))[0]
        host = avps.get(7, b"").decode(errors="replace")
        print("probe: SCCRP from %s:%d host=%r tunnel=%d" % (peer[0], peer[1], host, peer_tid))
        close(s, peer, peer_tid, my_tid, ns)
        return 0


def close(s, peer, peer_tid, my_tid, peer_ns):
    """SCCCN, then StopCCN, each acknowledged: SoftEther (issue 1854) wedges
    when a half-open tunnel is simply dropped."""
    nr = peer_ns + 1
    s.sendto(control(peer_tid, 1, nr, [avp(0, struct.pack("!H", 3))]), peer)
    wait_ack(s)
    s.sendto(control(peer_tid, 2, nr, [
        avp(0, struct.pack("!H", 4)),
        avp(9, struct.pack("!H", my_tid)),
        avp(1, struct.pack("!H", 1)),
    ]), peer)
    reply = wait_ack(s)
    # SoftEther answers with its own StopCCN: acknowledge it with a ZLB.
    if len(reply) >= 12 and reply[0] & 0x80 and len(reply) > 12:
        ns = struct.unpack("!H", reply[8:10])[0]
        s.sendto(control(peer_tid, 3, ns + 1, []), peer)


def wait_ack(s):
    try:
        return s.recvfrom(4096)[0]
    except socket.timeout:
        return b""

if __name__ == "__main__":
    sys.exit(main())
