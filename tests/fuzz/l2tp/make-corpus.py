#!/usr/bin/env python3
"""Write the seed corpus for fuzz-l2tp (real-shaped messages; see fuzz-l2tp.c for the format)."""
import hashlib
import os
import struct
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), '..', 'corpus', 'fuzz-l2tp')


def avp(t, value, m=True, h=False, vendor=0):
    bits = (0x8000 if m else 0) | (0x4000 if h else 0) | (6 + len(value))
    return struct.pack('>HHH', bits, vendor, t) + value


def u16(v):
    return struct.pack('>H', v)


def u32(v):
    return struct.pack('>I', v)


def hide(t, secret, rv, value, pad_to=8):
    """RFC 2661 4.3, padded to 8 bytes as l2tpns wants."""
    plain = u16(len(value)) + value
    plain += bytes(max(0, pad_to - len(plain)))
    out, prev = b'', None
    for i in range(0, len(plain), 16):
        b = hashlib.md5(u16(t) + secret + rv if i == 0 else secret + prev).digest()
        c = bytes(x ^ y for x, y in zip(plain[i:i + 16], b))
        out, prev = out + c, c
    return out


def ctl(msg_type, avps=b'', ns=0, nr=0, session=0):
    body = (avp(0, u16(msg_type)) if msg_type else b'') + avps
    return struct.pack('>HHHHHH', 0xc802, 12 + len(body), 0, session, ns, nr) + body


def data(flags, payload, offset=b''):
    hdr = u16(flags | 2)
    if flags & 0x4000:
        hdr += u16(0)
    hdr += u16(0) + u16(0)
    if flags & 0x0800:
        hdr += u16(5) + u16(0)
    if flags & 0x0200:
        hdr += u16(len(offset)) + offset
    msg = bytearray(hdr + payload)
    if flags & 0x4000:
        msg[2:4] = u16(len(msg))
    return bytes(msg)


def rec(msg, ids=3, steps=0, close=False):
    flags = ids | (steps << 2) | (0x80 if close else 0)
    return bytes([flags]) + u16(len(msg)) + msg


SCCRP = avp(2, u16(0x0100)) + avp(3, u32(3)) + avp(7, b'ln-lns') + avp(9, u16(4))
LCP = bytes.fromhex('ff03c021010100140104058e0305c22305')
ECHO = bytes.fromhex('ff03c021090200080000000000')

seeds = {
    # l2tpns: SCCRP without RWS, then the call, data, HELLO, and a StopCCN.
    'l2tpns-session': bytes([0]) + rec(ctl(2, SCCRP, 0, 1), 1) +
    rec(ctl(11, avp(14, u16(77)), 1, 3), 3) + rec(ctl(0, b'', 2, 4), 1) +
    rec(data(0, LCP)) + rec(data(0x0100, ECHO), steps=8) + rec(ctl(6, b'', 2, 4), 1, 4) +
    rec(ctl(4, avp(9, u16(4)) + avp(1, u16(1)), 3, 4), 1, 1),
    # SoftEther: RWS 16, vendor name, non-mandatory caps; HELLO every 9 s; CDN.
    'softether-session': bytes([0]) +
    rec(ctl(2, SCCRP + avp(10, u16(16)) + avp(8, b'L2TP', m=False) +
            avp(4, u32(0), m=False), 0, 1), 1) +
    rec(ctl(11, avp(14, u16(99)), 1, 3), 3) + rec(ctl(6, b'', 2, 4), 1, 31) +
    rec(ctl(14, avp(1, u16(2) + u16(6) + b'ID in use') + avp(14, u16(99)), 3, 5), 3, 4),
    # After the scripted handshake: every data header variant.
    'data-variants': bytes([2]) + rec(data(0x4000, LCP)) + rec(data(0x0800, LCP)) +
    rec(data(0x0200, LCP, b'\0\0\0')) + rec(data(0x4b00, ECHO, b'\0')) + rec(data(0, b'')),
    # Tunnel auth and hidden AVPs (l2tpns with --hide); WEN and SLI with vendor AVPs.
    'secret-hidden': bytes([3]) +
    rec(ctl(15, avp(36, bytes(range(16))) +
            avp(34, hide(34, b'fuzz-secret', bytes(range(16)), bytes(26)), h=True), 2, 4), 3) +
    rec(ctl(16, avp(35, bytes(10)) + avp(1, u16(0x1234), m=False, vendor=311), 3, 4), 3) +
    rec(ctl(4, avp(9, u16(4)) + avp(1, u16(2)), 4, 4), 1),
    # Our close answered by the gateway's own CDN and StopCCN (SoftEther).
    'close-answered': bytes([2]) + rec(data(0, LCP), close=True) +
    rec(ctl(14, avp(1, u16(3)) + avp(14, u16(77)), 2, 4), 3) +
    rec(ctl(4, avp(9, u16(4)) + avp(1, u16(1)), 3, 5), 1),
    # A stray CDN for an old tunnel (ids not patched), then an unknown mandatory AVP.
    'stray-and-unknown-m': bytes([2]) + rec(ctl(14, avp(1, u16(3)) + avp(14, u16(5)), 7, 2), 0) +
    rec(ctl(6, avp(200, b'x') + avp(9, u16(1), vendor=311), 2, 4), 1),
    # Malformed lengths: AVP length 0 and 1023, header Length 0xffff.
    'malformed': bytes([0]) + rec(ctl(2, b'\x80\x00\x00\x00\x00\x02'), 1) +
    rec(ctl(2, b'\x83\xff\x00\x00\x00\x07abc'), 1) +
    rec(b'\xc8\x02\xff\xff' + bytes(8), 1) + rec(b'\x40\x02\x00\x01', 1),
}

os.makedirs(OUT, exist_ok=True)
for name, blob in seeds.items():
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(blob)
