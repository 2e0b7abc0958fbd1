#!/bin/bash
# Seeds for fuzz-x509-load: a certificate with its key (plain and encrypted
# PEM, PKCS#1 and PKCS#8), a PKCS#12 bundle with and without its CA, a CA
# file of two certificates. Each seed is: byte 0 mode, 2 bytes length of
# the first file, the first file, the second. Run it when the format changes:
#   tests/fuzz/crypto/gen-corpus.sh tests/fuzz/corpus/fuzz-x509-load
set -euo pipefail
out=${1:?usage: gen-corpus.sh DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
pw=fuzz-password

# 1024-bit keys keep the seeds small; the loader does not care.
openssl req -x509 -newkey rsa:1024 -nodes -keyout ca.key -out ca.pem -subj "/CN=fuzz CA" \
	-days 3650 2>/dev/null
openssl req -newkey rsa:1024 -nodes -keyout me.key -out me.csr -subj "/CN=me" 2>/dev/null
openssl x509 -req -in me.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out me.pem \
	-days 3650 2>/dev/null
openssl rsa -in me.key -traditional -out me-pkcs1.key 2>/dev/null
openssl pkcs8 -topk8 -in me.key -passout "pass:$pw" -out me-enc.key 2>/dev/null
openssl pkcs12 -export -in me.pem -inkey me.key -passout "pass:$pw" -out me.p12 2>/dev/null
openssl pkcs12 -export -in me.pem -inkey me.key -certfile ca.pem -passout "pass:$pw" \
	-out me-chain.p12 2>/dev/null
openssl req -x509 -newkey ec:<(openssl ecparam -name prime256v1) -nodes -keyout ec.key \
	-out ec.pem -subj "/CN=ec" -days 3650 2>/dev/null
cat ca.pem me.pem >two-cas.pem

# seed NAME MODE FIRST [SECOND]
seed() {
	local n
	n=$(stat -c %s "$3")
	{
		printf "\\x$(printf %02x "$2")\\x$(printf %02x $((n >> 8)))\\x$(printf %02x $((n & 255)))"
		cat "$3"
		[ -z "${4:-}" ] || cat "$4"
	} >"$out/$1"
}

seed pem-pair 0 me.pem me.key
seed pem-pkcs1 0 me.pem me-pkcs1.key
seed pem-encrypted 4 me.pem me-enc.key
seed pem-encrypted-nopw 0 me.pem me-enc.key
seed pem-chain 0 two-cas.pem me.key
seed wrong-key 0 me.pem ca.key
seed ec-key 0 ec.pem ec.key
seed p12 5 me.p12
seed p12-chain 5 me-chain.p12
seed p12-nopw 1 me.p12
seed pem-no-key 1 me.pem
seed ca 2 ca.pem
seed ca-two 2 two-cas.pem
seed ca-not-pem 2 me.key
