#!/usr/bin/python3
"""Readiness probe, not a client: send one IKEv1 Main Mode message 1 (RFC 2409
5, RFC 2408 3.4-3.6) offering AES-128/SHA1/PSK/MODP2048 and expect the
responder's message 2 (same initiator cookie, an SA payload).

usage: ike-mm1-probe.py GATEWAY [PORT] [TIMEOUT_S]; exit 0 when an answer came.
Run it inside the client namespace. The half-open SA simply times out.
"""
import os
import socket
import struct
import sys

NAT_T_RFC3947 = bytes.fromhex("4a131c81070358455c5728f20e95452f")


def attr(t, v):
    return struct.pack("!HH", 0x8000 | t, v)


def payload(next_type, body):
    return struct.pack("!BBH", next_type, 0, 4 + len(body)) + body


def main_mode_1(icookie, natt):
    attrs = (attr(1, 7) + attr(14, 128) + attr(2, 2) + attr(3, 1) + attr(4, 14)
             + attr(11, 1) + struct.pack("!HHI", 12, 4, 28800))
    transform = payload(0, struct.pack("!BBH", 1, 1, 0) + attrs)
    proposal = payload(0, struct.pack("!BBBB", 1, 1, 0, 1) + transform)
    sa = payload(13 if natt else 0, struct.pack("!II", 1, 1) + proposal)
    body = sa + (payload(0, NAT_T_RFC3947) if natt else b"")
    hdr = icookie + bytes(8) + struct.pack("!BBBBII", 1, 0x10, 2, 0, 0, 28 + len(body))
    return hdr + body


def main():
    gw = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 3.0
    icookie = os.urandom(8)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    s.sendto(main_mode_1(icookie, natt=True), (gw, port))
    try:
        while True:
            data, peer = s.recvfrom(4096)
            if len(data) >= 28 and data[:8] == icookie:
                break
    except socket.timeout:
        print("probe: no IKE answer from %s:%d within %.0f s" % (gw, port, timeout))
        return 1
    next_payload, exch = data[16], data[18]
    natt = NAT_T_RFC3947 in data
    print("probe: IKE answer from %s:%d exchange=%d first-payload=%d nat-t-vid=%s"
          % (peer[0], peer[1], exch, next_payload, natt))
    return 0 if next_payload == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
