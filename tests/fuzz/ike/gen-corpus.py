#!/usr/bin/env python3
"""Write the seed corpus for fuzz-ike (see the op list in fuzz-ike.c).

Usage: gen-corpus.py OUTDIR
"""
import os
import struct
import sys

CKY = b"\x11" * 8


def payload(next_type, body):
    return struct.pack(">BBH", next_type, 0, len(body) + 4) + body


def chain(items):
    """items: [(type, body)] -> (first type, bytes)"""
    out = b""
    for i, (_, body) in enumerate(items):
        nxt = items[i + 1][0] if i + 1 < len(items) else 0
        out += payload(nxt, body)
    return (items[0][0] if items else 0), out


def msg(exch, items, cky_r=b"\x22" * 8, mid=0, flags=0):
    first, body = chain(items)
    return CKY + cky_r + struct.pack(">BBBBII", first, 0x10, exch, flags, mid, 28 + len(body)) + body


def attr(t, v):
    return struct.pack(">HH", 0x8000 | t, v)


def p1_sa(enc=7, keylen=256, hash_=4, group=14, life=28800):
    attrs = attr(1, enc) + (attr(14, keylen) if keylen else b"") + attr(2, hash_) + attr(3, 1) \
        + attr(4, group) + attr(11, 1) + attr(12, life)
    t = struct.pack(">BBHBBH", 0, 0, 8 + len(attrs), 1, 1, 0) + attrs
    p = struct.pack(">BBHBBBB", 0, 0, 8 + len(t), 1, 1, 0, 1) + t
    return struct.pack(">II", 1, 1) + p


def p2_sa(spi=0x0a000001, transform=12, keylen=128, auth=2, encap=2):
    attrs = attr(1, 1) + attr(2, 3600) + attr(4, encap) + attr(5, auth) + attr(6, keylen)
    t = struct.pack(">BBHBBH", 0, 0, 8 + len(attrs), 1, transform, 0) + attrs
    p = struct.pack(">BBHBBBBI", 0, 0, 12 + len(t), 1, 3, 4, 1, spi) + t
    return struct.pack(">II", 1, 1) + p


VID_NATT = bytes.fromhex("4a131c81070358455c5728f20e95452f")
VID_DPD = bytes.fromhex("afcad71368a1f1c96b8696fc77570100")


def rx(m):
    return b"\x00" + struct.pack(">H", len(m)) + m


def tick(secs):
    return b"\x01" + bytes([secs])


def protected(exch, mid, items):
    first, body = chain(items)
    return b"\x02" + struct.pack(">BIBH", exch, mid, first, len(body)) + body


def notify(t, proto=1, spi=b"", data=b""):
    return struct.pack(">IBBH", 1, proto, len(spi), t) + spi + data


HASH20 = (8, b"\0" * 32)  # SHA-256 prf: 32 bytes, the harness fills it in


def qm_id(addr, port):
    return struct.pack(">BBH", 1, 17, port) + bytes(addr)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    mm2 = msg(2, [(1, p1_sa()), (13, VID_NATT), (13, VID_DPD)])
    mm4 = msg(2, [(4, bytes(range(256))), (10, b"\x33" * 32), (20, b"\x44" * 20),
                  (20, b"\x55" * 20)])
    seeds = {
        "seed-mm2": b"\x00" + rx(mm2),
        "seed-mm2-3des": b"\x00" + rx(msg(2, [(1, p1_sa(5, 0, 2, 2))])),
        "seed-mm4": b"\x00" + rx(mm2) + rx(mm4) + tick(30),
        "seed-no-proposal": b"\x00" + rx(msg(5, [(11, notify(14))], cky_r=b"\0" * 8)),
        "seed-retransmit": b"\x00" + tick(1) + tick(2) + tick(4) + tick(8) + tick(8),
        "seed-dpd": b"\x01" + protected(5, 7, [HASH20, (11, notify(36136, 1, b"\x11" * 16,
                                                                  b"\0\0\0\x2a"))]),
        "seed-delete": b"\x03" + protected(5, 9, [HASH20, (12, struct.pack(">IBBH", 1, 1, 16, 1)
                                                          + b"\x11" * 16)]),
        "seed-peer-qm": b"\x05" + protected(32, 0x1234, [
            HASH20, (1, p2_sa(encap=4)), (10, b"\x66" * 20),
            (5, qm_id([198, 51, 100, 1], 1701)), (5, qm_id([198, 51, 100, 2], 1701)),
            (21, b"\x01\0\0\0" + bytes([198, 51, 100, 1])),
            (21, b"\x01\0\0\0" + bytes([198, 51, 100, 2]))]) + tick(40),
        "seed-close": b"\x01" + b"\x03",
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
