#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# IKEv1 Main Mode with RSA signatures against Debian's strongSwan charon
# (tools/gateways/strongswan.sh --auth cert: a throwaway PKI made by `pki`;
# the gateway's certificate has SAN DNS:vpn.example.net and IP:198.51.100.1,
# its IKE ID is its subject DN). As in the PSK test, this kernel has no ESP:
# charon DELETEs the SA it cannot install after Quick Mode message 3.
#
# Accepted, each through phase 1 and Quick Mode to charon's DELETE (exit 5):
#   remote-id=vpn.example.net (FQDN in SAN DNS), remote-id=198.51.100.1 (SAN
#   IP), remote-id=<the gateway's DN>, and no remote-id (the gateway address
#   of the profile in SAN IP).
# Refused in phase 1 with exit status 4 and a reason naming what the gateway
# presented, before Quick Mode and before any PPP secret could be sent:
#   a CA the gateway's certificate does not chain to, remote-id
#   other.example.org, and (charon restarted with --gw-cert expired) an
#   expired gateway certificate.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

t_require
rvt_need_cmd /usr/lib/ipsec/charon swanctl tshark pki openssl

# cert_profile FILE [section.key=value...]: L2TP/IPsec with our certificate.
cert_profile() {
	local f=$1
	shift
	t_profile "$f" "connection.name=strongswan-cert" "connection.gateway=$GATEWAY" \
		"ipsec.enabled=true" "ipsec.auth=cert" "ipsec.cert=$CLIENT_CERT" \
		"ipsec.key=$CLIENT_KEY" "$@" \
		"ppp.user=$USER" "ppp.password=$PASSWORD" "ppp.auth=pap" \
		"ip.default-route=false" "ip.dns=false" "ip.ipv6=off" "debug.log=ike"
}

# Our private key must not show up in our log (PASSWORD is "x": not checkable).
check_no_key_material() {
	local line
	grep -q 'PRIVATE KEY' "$T_LOG" && t_fail "a private key appears in the roadvpnd log"
	line=$(sed -n 5p "$CLIENT_KEY")
	grep -qF -- "$line" "$T_LOG" && t_fail "private key material appears in the roadvpnd log"
	return 0
}

run_session() {
	CHARON_FROM=$(($(wc -l <"$CHARON_LOG") + 1))
	t_snapshot "$STATE/before"
	t_ipsec_capture_start
	t_roadvpnd "$1"
	t_wait_exit 40
	t_capture_stop
	t_info "roadvpnd exited $T_RC after $(t_elapsed) s: $(tail -n 1 "$T_LOG")"
	t_check_clean
	check_no_key_material
	[ "$(t_pcap_count 'l2tp or udp.port == 1701')" -eq 0 ] || t_fail "L2TP crossed the wire unencrypted"
}

# accepted NAME [section.key=value...]: phase 1 and 2 up, then charon's DELETE.
accepted() {
	local name=$1
	shift
	t_info "--- accepted: $name"
	cert_profile "$STATE/$name.profile" "$@"
	run_session "$STATE/$name.profile"
	grep -q 'IKE phase 1 up: ' "$T_LOG" || t_fail "no 'IKE phase 1 up' in the roadvpnd log"
	grep -q 'IPsec SA up: ' "$T_LOG" || t_fail "no 'IPsec SA up' in the roadvpnd log"
	t_info "$(grep -m1 -o 'gateway certificate: .*' "$T_LOG" || true)"
	[ "$T_RC" -eq 5 ] || t_fail "exit status $T_RC, expected 5 (the gateway closed the tunnel)"
	t_last_line_matches '^roadvpnd: (IKE phase 2|L2TP): ' 'the gateway deleted the IPsec SA'
	t_charon_expect "$CHARON_FROM" "authentication of 'C=XX, O=roadvpn test, CN=client.example.net' with RSA.* successful" \
		"successful check of our signature"
	t_charon_expect "$CHARON_FROM" 'IKE_SA rvt-cert\[[0-9]+\] state change: CONNECTING => ESTABLISHED' \
		"ESTABLISHED state"
	t_charon_expect "$CHARON_FROM" 'parsed QUICK_MODE request [0-9]+ \[ HASH \]' "Quick Mode message 3 from us"
	t_charon_expect "$CHARON_FROM" 'sending DELETE for ESP CHILD_SA' "ESP DELETE"
}

# refused NAME ERE [section.key=value...]: exit 4 in phase 1 with a reason matching ERE.
refused() {
	local name=$1 re=$2
	shift 2
	t_info "--- refused: $name"
	cert_profile "$STATE/$name.profile" "$@"
	run_session "$STATE/$name.profile"
	[ "$T_RC" -eq 4 ] || t_fail "exit status $T_RC, expected 4 (authentication failed)"
	t_last_line_matches '^roadvpnd: IKE phase 1: ' "$re"
	grep -q 'IKE phase 1 up' "$T_LOG" && t_fail "phase 1 came up although we refused the gateway"
	! t_charon_log_has "$CHARON_FROM" 'QUICK_MODE' || t_fail "Quick Mode started after a refusal"
	[ "$(t_pcap_count "ip.src == $RVT_CL_ADDR && isakmp.exchangetype == 32")" -eq 0 ] ||
		t_fail "we sent Quick Mode after refusing the gateway"
}

# A CA of our own that never signed the gateway's certificate.
other_ca() {
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$STATE/other-ca.key" \
		-out "$STATE/other-ca.crt" -days 30 -subj '/C=XX/O=elsewhere/CN=other CA' \
		>/dev/null 2>&1 || t_fail "openssl could not make a CA"
}

T_SESSION=0
t_start_peer strongswan swc --auth cert --kernel netlink
accepted fqdn "ipsec.ca=$CA" "ipsec.remote-id=$GATEWAY_DNS"
accepted address "ipsec.ca=$CA" "ipsec.remote-id=$GATEWAY"
accepted dn "ipsec.ca=$CA" "ipsec.remote-id=$GATEWAY_DN"
accepted default "ipsec.ca=$CA"
other_ca
refused unknown-ca 'gateway certificate CN=vpn\.example\.net.* not by a CA the profile trusts' \
	"ipsec.ca=$STATE/other-ca.crt" "ipsec.remote-id=$GATEWAY_DNS"
refused wrong-id \
	'gateway certificate CN=vpn\.example\.net, SAN .*DNS:vpn\.example\.net.* does not match remote-id other\.example\.org' \
	"ipsec.ca=$CA" "ipsec.remote-id=other.example.org"
"$T_GW_DIR/strongswan.sh" stop --name "$RVT_NAME"

T_SESSION=0
t_start_peer strongswan swx --auth cert --kernel netlink --gw-cert expired
refused expired 'gateway certificate CN=vpn\.example\.net.* expired on ' \
	"ipsec.ca=$CA" "ipsec.remote-id=$GATEWAY_DNS"
"$T_GW_DIR/strongswan.sh" stop --name "$RVT_NAME"
T_PEER=
t_info PASS
