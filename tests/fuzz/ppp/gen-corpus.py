#!/usr/bin/env python3
"""Write the seed corpus for fuzz-ppp (see the op list in fuzz-ppp.c).

Usage: gen-corpus.py OUTDIR
"""
import os
import struct
import sys


def frame(proto, payload, ff03=True):
    head = b"\xff\x03" if ff03 else b""
    return head + struct.pack(">H", proto) + payload


def ctl(proto, code, ident, data=b""):
    return frame(proto, struct.pack(">BBH", code, ident, len(data) + 4) + data)


def rx(f):
    return b"\x00" + struct.pack(">H", len(f)) + f


def tick(secs):
    return b"\x01" + bytes([secs])


def ack(which):
    return b"\x02" + bytes([which])


MSCHAP_SUCCESS = b"\x03"
CLOSE = b"\x04"

LCP, PAP, CHAP, IPCP, IPV6CP = 0xC021, 0xC023, 0xC223, 0x8021, 0x8057
CHAL = bytes([16]) + bytes(range(16))


def opt(t, v):
    return bytes([t, len(v) + 2]) + v


def l2tpns():
    req = opt(1, b"\x05\xb6") + opt(3, b"\xc2\x23\x05") + opt(5, b"\x01\x02\x03\x04")
    s = rx(ctl(LCP, 1, 1, req + opt(17, b"\x06\x4e") + opt(19, b"\x01ln-l")))
    s += rx(ctl(LCP, 1, 2, req)) + ack(0)
    s += rx(ctl(CHAP, 1, 7, CHAL + b"ln-lns")) + rx(ctl(CHAP, 3, 7))
    s += rx(ctl(IPCP, 3, 1, opt(3, bytes([203, 0, 113, 1])) + opt(129, bytes([203, 0, 113, 253]))
                + opt(131, bytes([203, 0, 113, 252]))))
    s += rx(ctl(IPCP, 1, 9, opt(3, bytes([203, 0, 113, 254])))) + ack(1)
    s += rx(ctl(IPV6CP, 3, 1, opt(1, bytes([0xcb, 0, 0x71, 1, 0, 0, 0, 0]))))
    s += rx(ctl(IPV6CP, 1, 3, opt(1, bytes(7) + b"\x01"))) + ack(2)
    s += rx(frame(0x0021, b"\x45\x00\x00\x14" + bytes(16)))
    s += rx(frame(0x0057, b"\x60" + bytes(39)))
    s += rx(frame(0x80FD, b"\x01\x01\x00\x04"))
    s += rx(ctl(LCP, 9, 4, b"\x00\x00\x00\x00hello"))
    s += tick(11) + tick(11) + rx(ctl(LCP, 5, 9, b"bye"))
    return s


def softether():
    s = rx(ctl(LCP, 1, 1, opt(3, b"\xc2\x27")))
    s += rx(ctl(LCP, 4, 1, opt(5, b"\x00\x00\x00\x00")))
    s += rx(ctl(LCP, 1, 2, opt(3, b"\xc2\x23\x81"))) + ack(0)
    s += rx(ctl(CHAP, 1, 1, CHAL + b"softether")) + MSCHAP_SUCCESS
    s += rx(ctl(IPCP, 3, 1, opt(3, bytes(4)))) + tick(3)
    s += rx(ctl(IPCP, 4, 2, opt(129, bytes(4)) + opt(131, bytes(4))))
    s += rx(ctl(IPCP, 3, 3, opt(3, bytes([203, 0, 113, 10])))) + ack(1)
    s += rx(ctl(IPCP, 1, 1, opt(3, bytes([203, 0, 113, 254])) + opt(2, b"\x00\x2d\x0f\x01")))
    s += rx(ctl(LCP, 8, 5, b"\x80\x57" + bytes(10)))
    s += rx(ctl(LCP, 10, 1, b"\x00\x00\x00\x00SoftEther"))
    s += tick(30) + tick(30) + tick(30) + tick(30) + tick(30)
    return s


def mschap_fail():
    s = rx(ctl(LCP, 1, 1, opt(3, b"\xc2\x23\x81"))) + ack(0)
    s += rx(ctl(CHAP, 1, 1, CHAL + b"gw"))
    s += rx(ctl(CHAP, 4, 1, b"E=691 R=0 C=00112233445566778899AABBCCDDEEFF V=3 M=bad"))
    return s


def pap():
    s = rx(ctl(LCP, 1, 1, opt(3, b"\xc0\x23") + opt(2, bytes(4)) + opt(7, b"") + opt(8, b"")))
    s += ack(0) + tick(3) + rx(ctl(PAP, 3, 2, b"\x06Denied"))
    return s


def close_and_misc():
    s = rx(b"\xc0\x21" + struct.pack(">BBH", 1, 1, 4))            # no FF 03
    s += ack(0) + rx(b"\x21\x45\x00")                               # PFC
    s += rx(ctl(LCP, 42, 3, b"xy")) + rx(ctl(LCP, 7, 4, b"\x09\x01\x00\x08"))
    s += rx(ctl(LCP, 1, 1, opt(1, b"\x00\x10")))                    # tiny MRU
    s += CLOSE + tick(3) + rx(ctl(LCP, 6, 1))
    return s


def malformed():
    s = rx(b"") + rx(b"\xff\x03") + rx(b"\xff\x03\xc0\x20")
    s += rx(b"\xff\x03\xc0\x21\x01\x01\xff\xff")
    s += rx(b"\xff\x03\xc0\x21\x01\x01\x00\x06\x01\x00")
    s += rx(b"\xff\x03\xc0\x21\x01\x01\x00\x06\x01\x01")
    s += rx(b"\xff\x03\xc0\x21\x01\x01\x00\x07\x01\x04\x05")
    return s


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, fn in [("l2tpns", l2tpns), ("softether", softether), ("mschap-fail", mschap_fail),
                     ("pap", pap), ("close-misc", close_and_misc), ("malformed", malformed)]:
        with open(os.path.join(out, "seed-" + name), "wb") as f:
            f.write(fn())


if __name__ == "__main__":
    main()
