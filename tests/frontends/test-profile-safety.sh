#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# Profiles and secrets as a hostile local user and a careless admin meet
# them (issue 13), on the private bus with the real polkitd:
# - another user's (rvtest-allowed) GetProfile (what `roadvpn export` shows) never holds a
#   secret: not key-password, not a psk given twice in a hand-edited file;
# - ListProfiles names a broken file's line without echoing it;
# - a 20 MB file is refused by its size;
# - AddProfile and `roadvpnd --foreground --profile` refuse the same bad
#   settings with the field named, UpdateProfile refuses malformed keys
#   without a GLib-CRITICAL;
# - key-password is a secret like the others: NeedsSecrets names it,
#   Connect takes it as an option, --key-password-file gives it.
set -euo pipefail
. "$(dirname "$0")/harness.sh"

ft_require
command -v openssl >/dev/null || ft_skip "missing openssl"
ft_enter "$@"

ft_gateway_ns rvft-prof
NS=$FT_NS
ft_start_bus
ft_start_polkit
ft_start_roadvpnd "$NS"
O=$FT_STATE/out
DIR=$FT_STATE/connections

# gdbus as USER (root when USER is "root") on the Manager.
mgr() {
	local user=$1
	shift
	local -a cmd=(gdbus call --system --dest org.roadvpn.Helper1
		--object-path /org/roadvpn/Helper1 --method "org.roadvpn.Helper1.Manager.$1")
	shift
	if [ "$user" = root ]; then
		"${cmd[@]}" "$@"
	else
		ft_as "$user" "${cmd[@]}" "$@"
	fi
}

# no_secret FILE: none of the test's secret strings is in FILE.
no_secret() {
	if grep -Eq 'PskOne1|PskTwo2|KeyPw3|PwFour4|Hunter5|Tunnel6' "$1"; then
		cat "$1" >&2
		ft_fail "a secret in $(basename "$1")"
	fi
}

ft_info "key-password is stored like the psk and never read back"
ft_expect 0 "$O" mgr root AddProfile stored \
	"$(printf '[connection]\ngateway=192.0.2.1\n[ipsec]\npsk=PskOne1\nkey-password=KeyPw3\n[l2tp]\nsecret=Tunnel6\n[ppp]\nuser=alice\npassword=PwFour4\n')"
grep -q 'key-password=KeyPw3' "$DIR/stored.conf" || ft_fail "key-password not stored"
ft_expect 0 "$O" mgr rvtest-allowed GetProfile stored
ft_grep "user=alice" "$O"
ft_grep "'key-password'" "$O"
no_secret "$O"

ft_info "a key given twice by hand: refused, and nothing leaks to another user"
printf '[connection]\ngateway=192.0.2.1\n[ipsec]\npsk=PskOne1\npsk=PskTwo2\n[ppp]\nuser=bob\npassword=PwFour4\n[ppp]\npassword=Hunter5\n' \
	>"$DIR/twice.conf"
chmod 600 "$DIR/twice.conf"
ft_expect 1 "$O" mgr rvtest-allowed GetProfile twice
no_secret "$O"
ft_expect 1 "$O" mgr root GetProfile twice
ft_grep 'InvalidProfile: \{problem=duplicate-key setting=ipsec.psk\} not a valid profile: line 5: \[ipsec\] psk again \(first on line 4\)' "$O"
no_secret "$O"
ft_expect 0 "$O" mgr rvtest-allowed ListProfiles
no_secret "$O"

ft_info "ListProfiles: a bad line is named, not shown"
printf '[connection]\ngateway=192.0.2.1\n[ppp]\nuser=carol\npassword: Hunter5\n' >"$DIR/colon.conf"
chmod 600 "$DIR/colon.conf"
ft_expect 0 "$O" mgr rvtest-allowed ListProfiles
ft_grep "'colon', \{'invalid': <'\{problem=syntax line=5\} not a valid profile: line 5: neither" "$O"
no_secret "$O"

ft_info "a 20 MB profile is refused by its size"
head -c $((20 << 20)) /dev/zero | tr '\0' '#' >"$DIR/huge.conf"
ft_expect 0 "$O" mgr rvtest-allowed ListProfiles
ft_grep "'huge', \{'invalid': <'[^']*bigger than the limit of 65536 bytes" "$O"
[ "$(wc -c <"$O")" -lt 100000 ] || ft_fail "ListProfiles returned $(wc -c <"$O") bytes"
rm -f "$DIR/huge.conf"
big=$(head -c 100000 /dev/zero | tr '\0' '#')
ft_expect 1 "$O" mgr root AddProfile big "$big"
ft_grep 'InvalidProfile: \{problem=too-large limit=65536\} the profile is 100000 bytes, more than the limit of 65536' "$O"
[ ! -e "$DIR/big.conf" ] || ft_fail "a profile past the size limit reached the disk"

# A throwaway PKI for the certificate rows and key-password.
PKI=$FT_STATE/pki
mkdir -p "$PKI"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$PKI/ca.key" -out "$PKI/ca.pem" \
	-subj "/CN=test CA" -days 2 >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -keyout "$PKI/me.key" -out "$PKI/me.csr" \
	-subj "/CN=me" >/dev/null 2>&1
openssl x509 -req -in "$PKI/me.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" -CAcreateserial \
	-out "$PKI/me.pem" -days 2 >/dev/null 2>&1
openssl pkcs12 -export -in "$PKI/me.pem" -inkey "$PKI/me.key" -passout pass:KeyPw3 \
	-out "$PKI/me.p12" >/dev/null 2>&1
chmod -R a+rX "$PKI"

# The save-time table: "section.key=value" rows, the error that names the field,
# and the tag before it that front ends translate (problem id and setting).
TABLE=(
	"ipsec.ike=garbage|\[ipsec\] ike: |bad-proposal setting=ipsec.ike"
	"ipsec.esp=aes999-sha1|\[ipsec\] esp: |bad-proposal setting=ipsec.esp"
	"ipsec.pfs=modp1|\[ipsec\] pfs: |bad-proposal setting=ipsec.pfs"
	"connection.interface=eth0:1|\[connection\] interface: |bad-interface setting=connection.interface"
	"connection.gateway=vpn..example.com|\[connection\] gateway: |bad-host setting=connection.gateway"
	"ipsec.auth=cert,ipsec.ca=/nonexistent/ca.pem,ipsec.cert=$PKI/me.pem,ipsec.key=$PKI/me.key|\[ipsec\] ca: |file-unreadable setting=ipsec.ca"
	"ipsec.auth=cert,ipsec.ca=$PKI/ca.pem,ipsec.cert=/nonexistent/me.pem,ipsec.key=$PKI/me.key|\[ipsec\] cert: |file-unreadable setting=ipsec.cert"
	"ipsec.auth=cert,ipsec.ca=$PKI/ca.pem,ipsec.cert=$PKI/me.pem,ipsec.key=$PKI/ca.key|\[ipsec\] key: |bad-certificate setting=ipsec.key"
)

# profile_text "a.b=c,d.e=f": a profile with a PSK and password, then the row's keys.
profile_text() {
	local -A sec=([connection]="gateway=192.0.2.1" [ipsec]="psk=PskOne1" [ppp]="user=u
password=PwFour4")
	local kv s
	local IFS=,
	for kv in $1; do
		s=${kv%%.*}
		kv=${kv#*.}
		if [ "${kv%%=*}" = gateway ]; then
			sec[$s]=$kv
		else
			sec[$s]+=$'\n'$kv
		fi
	done
	for s in connection ipsec ppp; do
		printf '[%s]\n%s\n' "$s" "${sec[$s]}"
	done
}

ft_info "AddProfile and roadvpnd --foreground refuse the same bad settings, naming the field"
n=0
for row in "${TABLE[@]}"; do
	n=$((n + 1))
	IFS='|' read -r settings sentence tag <<<"$row"
	profile_text "$settings" >"$FT_STATE/row$n.conf"
	ft_expect 1 "$O" mgr root AddProfile "row$n" "$(cat "$FT_STATE/row$n.conf")"
	ft_grep "InvalidProfile: \{problem=$tag\} $sentence" "$O"
	[ ! -e "$DIR/row$n.conf" ] || ft_fail "row $n reached the disk"
	ft_expect 2 "$O" ip netns exec "$NS" "$ROADVPND" --foreground --profile "$FT_STATE/row$n.conf"
	ft_grep "^roadvpnd: profile: [^{]*$sentence" "$O"
done
printf '[connection]\ngateway=vpn\xff.example.com\n[ppp]\nuser=u\n' >"$FT_STATE/utf8.conf"
ft_expect 2 "$O" "$ROADVPND" --foreground --profile "$FT_STATE/utf8.conf"
ft_grep '\[connection\] gateway: not valid UTF-8' "$O"

ft_info "UpdateProfile refuses malformed keys by name, without a GLib-CRITICAL"
for key in 'ppp.user ' 'ppp.us=er' 'pp]p.user' 'ppp.us
er' 'ppp.nosuch'; do
	ft_expect 1 "$O" mgr root UpdateProfile stored "{\"$key\": \"x\"}"
	ft_grep 'InvalidProfile: \{problem=[a-z-]+[ }]' "$O"
done
ft_expect 1 "$O" mgr root UpdateProfile stored '{"ppp.password": "a\\sb"}'
ft_grep 'InvalidProfile: .*a stored secret cannot' "$O"
if grep -q CRITICAL "$FT_STATE/roadvpnd.log"; then ft_fail "GLib-CRITICAL in roadvpnd.log"; fi

ft_info "key-password: needed, given at Connect, or by --key-password-file"
ft_expect 0 "$O" mgr root AddProfile cert "$(printf '[connection]\ngateway=192.0.2.1\n[ipsec]\nauth=cert\nca=%s\ncert=%s\n[ppp]\nuser=u\npassword=PwFour4\n' "$PKI/ca.pem" "$PKI/me.p12")"
ft_expect 1 "$O" mgr root Connect cert '{}'
ft_grep 'NeedsSecrets: needs secrets: key-password' "$O"
ft_expect 0 "$O" mgr root Connect cert '{"key-password": <"KeyPw3">}'
ft_grep "objectpath '/org/roadvpn/Helper1/Connection/" "$O"
mgr root Disconnect cert >/dev/null 2>&1 || true
profile_text "ipsec.auth=cert,ipsec.ca=$PKI/ca.pem,ipsec.cert=$PKI/me.p12" >"$FT_STATE/p12.conf"
ft_expect 2 "$O" "$ROADVPND" --foreground --profile "$FT_STATE/p12.conf"
ft_grep 'needs secrets: key-password \(in the profile, or --key-password-file\)' "$O"
printf 'wrong\n' >"$FT_STATE/keypw"
ft_expect 2 "$O" "$ROADVPND" --foreground --profile "$FT_STATE/p12.conf" \
	--key-password-file "$FT_STATE/keypw"
ft_grep '\[ipsec\] cert: .*wrong password' "$O"
no_secret "$FT_STATE/roadvpnd.log"

kill -0 "$FT_ROADVPND_PID" || ft_fail "roadvpnd died"
ft_check_sanitizer "$FT_STATE/roadvpnd.log"
