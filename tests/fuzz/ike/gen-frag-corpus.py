#!/usr/bin/env python3
"""Write the seed corpus for fuzz-ike-frag (see the op list in fuzz-ike-frag.c).

Usage: gen-frag-corpus.py OUTDIR
"""
import os
import struct
import sys

CKY = b"\x11" * 16


def whole_message(n_bytes):
    """A cleartext ISAKMP message (Main Mode, one VID payload) of about n_bytes."""
    body = bytes(range(256)) * (n_bytes // 256 + 1)
    body = body[: max(n_bytes - 32, 0)]
    pl = struct.pack(">BBH", 0, 0, len(body) + 4) + body
    return CKY + struct.pack(">BBBBII", 13, 0x10, 2, 0, 0, 28 + len(pl)) + pl


def frag(fid, num, flags, data):
    """op 1: a well-formed fragment built by the target."""
    return struct.pack(">BHBBH", 1, fid, num, flags, len(data)) + data


def raw(dgram):
    """op 0: a raw datagram."""
    return struct.pack(">BH", 0, len(dgram)) + dgram


def tick(secs):
    return struct.pack(">BB", 2, secs)


def split(msg, size):
    return [msg[i:i + size] for i in range(0, len(msg), size)]


def train(fid, msg, size, order=None):
    parts = split(msg, size)
    idx = order(len(parts)) if order else range(len(parts))
    return b"".join(frag(fid, i + 1, 1 if i == len(parts) - 1 else 0, parts[i]) for i in idx)


def raw_frag(fid, num, flags, data, plen=None):
    plen = len(data) + 8 if plen is None else plen
    pl = struct.pack(">BBHHBB", 0, 0, plen, fid, num, flags) + data
    return CKY + struct.pack(">BBBBII", 132, 0x10, 2, 0, 0, 28 + len(pl)) + pl


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    m = whole_message(3000)
    seeds = {
        "seed-in-order": train(1, m, 1216),
        "seed-reversed": train(2, m, 500, lambda n: reversed(range(n))),
        "seed-duplicates": train(3, m, 700) + train(3, m, 700),
        "seed-missing-timeout": frag(4, 1, 0, m[:600]) + frag(4, 3, 1, m[1200:1800]) + tick(11)
        + frag(4, 2, 0, m[600:1200]),
        "seed-two-last": frag(5, 1, 0, m[:100]) + frag(5, 3, 1, m[100:200]) + frag(5, 2, 1, b"x"),
        "seed-beyond-last": frag(6, 2, 1, m[:100]) + frag(6, 5, 0, m[:100]),
        "seed-new-id": frag(7, 1, 0, m[:100]) + train(8, m, 1000),
        "seed-32": train(9, whole_message(32 * 90), 90),
        "seed-too-many": b"".join(frag(10, i, 0, b"a" * 10) for i in range(1, 34)),
        "seed-oversize": b"".join(frag(11, i, 1 if i == 32 else 0, b"b" * 2100)
                                  for i in range(1, 33)),
        "seed-raw": raw(raw_frag(12, 1, 1, m[:300])) + raw(raw_frag(12, 1, 1, b"zz", plen=200))
        + raw(raw_frag(12, 0, 1, b"zz")) + raw(CKY[:10]),
        "seed-nested": train(13, raw_frag(14, 1, 1, m[:200]), 100),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
