#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# IKEv1 fragmentation against Debian's strongSwan charon: Main Mode with RSA
# signatures where both chains are too large for one datagram
# (tools/gateways/strongswan.sh --auth cert --chain 2: root CA, two
# intermediates with long names, then the gateway's and our certificate).
# Our MM5 (our certificate and both intermediates) and charon's MM6 (its
# certificate and both intermediates) each exceed 1280 bytes.
#
# Proved from three sides:
#   charon's log: it received our fragments and reassembled them
#     ("received fragment #3, reassembled fragmented IKE message (3324
#     bytes)") and it split its own MM6 ("splitting IKE message (3276 bytes)
#     into 3 fragments");
#   the capture: ISAKMP messages with first payload 132 both ways, and no
#     IP fragments at all;
#   our log: "sending ... as N fragments" and "... reassembled ...";
# and phase 1 and Quick Mode complete (then charon DELETEs the ESP SA this
# kernel cannot install: exit 5, as in test-strongswan-cert.sh). Twice: on
# a plain path (UDP 500) and behind a NAT (MM5 and MM6 on UDP 4500).
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

t_require
rvt_need_cmd /usr/lib/ipsec/charon swanctl tshark pki

# frag_session NAME EXTRA-GATEWAY-ARGS...: one session against a fresh charon.
frag_session() {
	local name=$1 from ours theirs ipfrags big
	shift
	t_info "--- $name"
	T_SESSION=0
	t_start_peer strongswan "$name" --auth cert --kernel netlink --chain 2 "$@"
	[ "$(grep -c 'BEGIN CERTIFICATE' "$CLIENT_CERT")" -eq 3 ] ||
		t_fail "$CLIENT_CERT does not hold our certificate and two intermediates"
	t_profile "$STATE/frag.profile" "connection.name=strongswan-frag" \
		"connection.gateway=$GATEWAY" "ipsec.enabled=true" "ipsec.auth=cert" \
		"ipsec.cert=$CLIENT_CERT" "ipsec.key=$CLIENT_KEY" "ipsec.ca=$CA" \
		"ipsec.remote-id=$GATEWAY_DNS" "ppp.user=$USER" "ppp.password=$PASSWORD" \
		"ppp.auth=pap" "ip.default-route=false" "ip.dns=false" "ip.ipv6=off" "debug.log=ike"

	from=$(($(wc -l <"$CHARON_LOG") + 1))
	t_snapshot "$STATE/before"
	t_ipsec_capture_start
	t_roadvpnd "$STATE/frag.profile"
	t_wait_exit 40
	t_capture_stop
	t_info "roadvpnd exited $T_RC after $(t_elapsed) s: $(tail -n 1 "$T_LOG")"
	t_check_clean

	grep -q 'IKE phase 1 up: ' "$T_LOG" || t_fail "no 'IKE phase 1 up' in the roadvpnd log"
	grep -q 'IPsec SA up: ' "$T_LOG" || t_fail "no 'IPsec SA up' in the roadvpnd log"
	[ "$T_RC" -eq 5 ] || t_fail "exit status $T_RC, expected 5 (the gateway closed the tunnel)"

	t_charon_expect "$from" 'received FRAGMENTATION vendor ID' "our FRAGMENTATION vendor ID"
	t_charon_expect "$from" 'received fragment #[0-9]+, reassembl(ed|ing) fragmented IKE message' \
		"reassembly of our fragments"
	t_charon_expect "$from" 'splitting IKE message .*[0-9]+ bytes.* into [0-9]+ fragments' \
		"fragmentation of its own MM6"
	t_charon_expect "$from" "authentication of 'C=XX, O=roadvpn test, CN=client.example.net' with RSA.* successful" \
		"successful check of our signature"
	t_charon_expect "$from" 'IKE_SA rvt-cert\[[0-9]+\] state change: CONNECTING => ESTABLISHED' \
		"ESTABLISHED state"
	t_charon_expect "$from" 'parsed QUICK_MODE request [0-9]+ \[ HASH \]' "Quick Mode message 3 from us"

	grep -Eq 'sending [0-9]+ bytes as [0-9]+ fragments' "$T_LOG" ||
		t_fail "our log does not say MM5 went in fragments"
	grep -Eq 'fragments reassembled into [0-9]+ bytes' "$T_LOG" ||
		t_fail "our log does not say the gateway's fragments were reassembled"
	t_info "us: $(grep -m1 -Eo 'sending [0-9]+ bytes as [0-9]+ fragments.*' "$T_LOG")"
	t_info "us: $(grep -m1 -Eo 'fragment ID [0-9]+: [0-9]+ fragments reassembled.*' "$T_LOG")"

	ours=$(t_pcap_count "ip.dst == $GATEWAY && isakmp.nextpayload == 132")
	theirs=$(t_pcap_count "ip.src == $GATEWAY && isakmp.nextpayload == 132")
	ipfrags=$(t_pcap_count 'ip.flags.mf == 1 || ip.frag_offset > 0')
	t_info "capture: $ours fragments to the gateway, $theirs from it, $ipfrags IP fragments"
	[ "$ours" -ge 2 ] || t_fail "the capture shows $ours ISAKMP fragments from us"
	[ "$theirs" -ge 2 ] || t_fail "the capture shows $theirs ISAKMP fragments from the gateway"
	[ "$ipfrags" -eq 0 ] || t_fail "$ipfrags IP fragments: some IKE message went whole"
	if [ "${1:-}" = --nat ]; then
		[ "$(t_pcap_count "ip.dst == $GATEWAY && udp.dstport == 4500 && isakmp.nextpayload == 132")" -eq "$ours" ] ||
			t_fail "behind the NAT, our fragments did not all go to UDP 4500"
	fi
	big=$(tshark -r "$T_PCAP" -Y 'isakmp' -T fields -e frame.len 2>/dev/null | sort -n | tail -n 1)
	[ "${big:-0}" -le $((1280 + 14)) ] || t_fail "an IKE frame of $big bytes (over 1280 + Ethernet)"
	"$T_GW_DIR/strongswan.sh" stop --name "$RVT_NAME"
	T_PEER=
}

frag_session swf
# behind a NAT: MM5 goes to UDP 4500, where the 4-byte non-ESP marker counts too
frag_session swfn --nat
t_info PASS
