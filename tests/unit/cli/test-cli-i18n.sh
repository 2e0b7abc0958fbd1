#!/bin/bash
# The CLI speaks the user's language (issue 20): under LANGUAGE=fr and
# LANGUAGE=zh_CN, with this build's catalogues (ROADVPN_LOCALEDIR=build/po),
# `roadvpn --help`, a verb's --help (GOption's entries and summary), a
# usage error and the import converter's report are translated; in the C locale they stay English, so the
# other CLI tests and scripts keep their words. No roadvpnd needed.
set -euo pipefail
# French puts a no-break space before ":" and inside « » (po/README.md).
NB=$'\xc2\xa0'
: "${ROADVPN:?set by meson}" "${ROADVPN_LOCALEDIR:?set by meson}"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# expect FILE REGEX: FILE must match the extended regex.
expect() { grep -Eq -- "$2" "$1" || { cat "$1" >&2; fail "no /$2/ in $(basename "$1")"; }; }
reject() { ! grep -Eq -- "$2" "$1" || { cat "$1" >&2; fail "/$2/ in $(basename "$1")"; }; }

# LANGUAGE is ignored in the C locale (glibc): a UTF-8 locale under it.
run() {
	local lang=$1 out=$2
	shift 2
	env LC_ALL=C.UTF-8 LANGUAGE="$lang" "$ROADVPN" "$@" >"$out" 2>&1 || true
}

run fr "$OUT/fr" --help
expect "$OUT/fr" "^Utilisation${NB}: roadvpn VERBE"
expect "$OUT/fr" 'Lister les profils système et leur état'
expect "$OUT/fr" 'passerelle injoignable'
run fr "$OUT/fr-connect" connect --help
expect "$OUT/fr-connect" 'Lire la clé pré-partagée IPsec dans FICHIER'
expect "$OUT/fr-connect" -- '--timeout=SECONDES'
run fr "$OUT/fr-usage" connect
expect "$OUT/fr-usage" '^roadvpn: connect: indiquez un NOM de profil$'
run fr "$OUT/fr-verb" frobnicate
expect "$OUT/fr-verb" "^roadvpn: verbe inconnu «${NB}frobnicate${NB}»"

run zh_CN "$OUT/zh" --help
expect "$OUT/zh" '^用法：roadvpn 动词'
expect "$OUT/zh" '列出系统配置文件及其状态'
expect "$OUT/zh" '网关不可达'
run zh_CN "$OUT/zh-connect" connect --help
expect "$OUT/zh-connect" '从 文件 读取 IPsec 预共享密钥'
run zh_CN "$OUT/zh-usage" connect
expect "$OUT/zh-usage" '^roadvpn: connect: 请指定一个配置文件 名称$'

# The converter's report (libroadvpn-client/import, libc gettext): the
# format, the column words and each note in the language; a file it cannot
# read says why, translated too.
cat >"$OUT/l2tp.nmconnection" <<-EOF
	[connection]
	id=office
	type=vpn
	[vpn]
	service-type=org.freedesktop.NetworkManager.l2tp
	gateway=vpn.example.com
	user=carol
	ipsec-enabled=yes
	require-mppe=yes
EOF
printf 'not a vpn\n' >"$OUT/junk.txt"
run fr "$OUT/fr-import" import --dry-run "$OUT/l2tp.nmconnection"
expect "$OUT/fr-import" "format${NB}: connexion NetworkManager-l2tp \(fichier de clés NetworkManager\)"
expect "$OUT/fr-import" "^  repris   gateway${NB}: \[connection\] gateway=vpn.example.com$"
expect "$OUT/fr-import" "^  ignoré   require-mppe${NB}: MPPE${NB}: non pris en charge par roadvpn${NB}; le tunnel est protégé par IPsec$"
reject "$OUT/fr-import" 'took|left out|not supported'
run fr "$OUT/fr-junk" import --dry-run "$OUT/junk.txt"
expect "$OUT/fr-junk" "format que roadvpn n'importe pas"
run zh_CN "$OUT/zh-import" import --dry-run "$OUT/l2tp.nmconnection"
expect "$OUT/zh-import" '格式：NetworkManager-l2tp 连接'
expect "$OUT/zh-import" '^  已略过   require-mppe：MPPE：roadvpn 不支持；隧道由 IPsec 保护$'
reject "$OUT/zh-import" 'took|left out|not supported'
env LC_ALL=C "$ROADVPN" import --dry-run "$OUT/l2tp.nmconnection" >"$OUT/c-import" 2>&1 || true
expect "$OUT/c-import" '^  left out require-mppe: MPPE: not supported by roadvpn; the tunnel is protected by IPsec$'

# The C locale, and a language without a catalogue: English.
env LC_ALL=C "$ROADVPN" --help >"$OUT/c" 2>&1
expect "$OUT/c" '^Usage: roadvpn VERB'
reject "$OUT/c" 'Utilisation|用法'
run de "$OUT/de" --help
expect "$OUT/de" '^Usage: roadvpn VERB'
echo "ok: help, usage errors and the import report in fr and zh_CN, English in C"
