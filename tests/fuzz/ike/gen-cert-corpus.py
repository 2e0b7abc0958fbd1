#!/usr/bin/env python3
"""Write the seed corpus for fuzz-ike-cert (see the modes in fuzz-ike-cert.c).

Usage: gen-cert-corpus.py OUTDIR   (needs the openssl command)
"""
import os
import struct
import subprocess
import sys
import tempfile


def payload(next_type, body):
    return struct.pack(">BBH", next_type, 0, len(body) + 4) + body


def chain(items):
    out = b""
    for i, (_, body) in enumerate(items):
        nxt = items[i + 1][0] if i + 1 < len(items) else 0
        out += payload(nxt, body)
    return bytes([items[0][0]]) + out


def make_cert(tmp):
    key, crt = os.path.join(tmp, "k.pem"), os.path.join(tmp, "c.der")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:1024", "-nodes", "-keyout", key,
                    "-outform", "DER", "-out", crt, "-days", "30",
                    "-subj", "/C=XX/O=roadvpn test/CN=vpn.example.net",
                    "-addext", "subjectAltName=DNS:vpn.example.net,IP:198.51.100.1"],
                   check=True, capture_output=True)
    with open(crt, "rb") as f:
        return f.read()


def dn_der(cert):
    # the subject is the 6th element of TBSCertificate; a fixed, valid Name is enough here
    name = b"\x31\x0b\x30\x09\x06\x03\x55\x04\x06\x13\x02XX"
    name += b"\x31\x18\x30\x16\x06\x03\x55\x04\x03\x0c\x0fvpn.example.net"
    return b"\x30" + bytes([len(name)]) + name


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        der = make_cert(tmp)
    sig = bytes(range(256))
    seeds = {
        "seed-der": b"\x00" + der,
        "seed-dn-text": b"\x00C=XX, O=roadvpn test, CN=vpn.example.net",
        "seed-mm6": b"\x01" + chain([(5, b"\x09\x00\x00\x00" + dn_der(der)),
                                     (6, b"\x04" + der), (9, sig)]),
        "seed-mm6-fqdn": b"\x01" + chain([(5, b"\x02\x00\x00\x00vpn.example.net"),
                                          (6, b"\x04" + der), (6, b"\x04" + der), (9, sig)]),
        "seed-mm6-pkcs7": b"\x01" + chain([(5, b"\x01\x00\x00\x00\xc6\x33\x64\x01"),
                                           (6, b"\x01" + der), (9, sig[:128])]),
        "seed-mm6-nocert": b"\x01" + chain([(5, b"\x02\x00\x00\x00x"), (9, sig)]),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
