# Offline reference for tests/unit/ike/test-ike-crypto.c: RFC 2409 §5, App. B, §5.5
# and RFC 3947 §3.2 computed with Python's hmac/hashlib only.
import hmac, hashlib, socket, struct
def prf(h, k, *parts): return hmac.new(k, b''.join(parts), h).digest()
def hx(b): return b.hex()
psk = b"l2tp-test-psk"
ni = bytes(range(0x00, 0x20)); nr = bytes(range(0x20, 0x40))
gxy = bytes((i * 7 + 3) & 0xff for i in range(128))
ci = bytes.fromhex("0102030405060708"); cr = bytes.fromhex("1112131415161718")
for name, h in (("sha1", hashlib.sha1), ("sha256", hashlib.sha256)):
    skeyid = prf(h, psk, ni, nr)
    d = prf(h, skeyid, gxy, ci, cr, b"\0")
    a = prf(h, skeyid, d, gxy, ci, cr, b"\1")
    e = prf(h, skeyid, a, gxy, ci, cr, b"\2")
    print(name, "skeyid", hx(skeyid)); print(name, "d", hx(d)); print(name, "a", hx(a)); print(name, "e", hx(e))
    # Ka for AES-256 (32 bytes)
    if len(e) >= 32: ka = e[:32]
    else:
        k1 = prf(h, e, b"\0"); k2 = prf(h, e, k1); ka = (k1 + k2)[:32]
    print(name, "ka256", hx(ka))
    # KEYMAT: protocol 3, SPI c0ffee01, QM nonces, 64 bytes, without and with PFS
    qni = bytes(range(0x40, 0x60)); qnr = bytes(range(0x60, 0x80)); spi = bytes.fromhex("c0ffee01")
    gqm = bytes((i * 13 + 1) & 0xff for i in range(256))
    for label, g in (("keymat", b""), ("keymat_pfs", gqm)):
        out = b""; prev = b""
        while len(out) < 64:
            prev = prf(h, d, prev, g, b"\3", spi, qni, qnr); out += prev
        print(name, label, hx(out[:64]))
    gxi = bytes(range(256))[:128]; gxr = bytes(range(128, 256))
    iv1 = h(gxi + gxr).digest()[:16]
    print(name, "iv1", hx(iv1))
    print(name, "iv2", hx(h(iv1 + struct.pack(">I", 0x12345678)).digest()[:16]))
    natd = h(ci + cr + socket.inet_aton("198.51.100.2") + struct.pack(">H", 500)).digest()
    print(name, "natd", hx(natd))
