#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# IKEv1 Main Mode PSK + Quick Mode against Debian's strongSwan charon, a
# third-party responder (tools/gateways/strongswan.sh). This kernel has no
# ESP, so charon cannot install the transport-mode SA it just negotiated and
# DELETEs it after Quick Mode message 3; there is no L2TP server behind it.
#
# Run three times, against both of charon's kernel back-ends:
#   netlink       plain UDP 500, no NAT-T (there is no NAT)
#   libipsec      charon fakes NAT-D, so we must float to UDP 4500 (NAT-T forced)
#   netlink+nat   behind a real masquerading NAT: NAT-D, float, NAT-OA
# Each time, roadvpnd must bring up phase 1 and phase 2, then end on the
# gateway's DELETE with exit status 5 ("the gateway closed the tunnel") and a
# one-line reason, leave nothing behind and never log the PSK. charon's own
# log must show the IKE SA ESTABLISHED, Quick Mode answered and our QM3 taken,
# so the test proves interop rather than our side alone.
# Then a wrong PSK against the same charon: exit status 4, "pre-shared key".
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

t_require
rvt_need_cmd /usr/lib/ipsec/charon swanctl tshark

# sw_profile FILE PSK: L2TP/IPsec PSK; no L2TP server exists behind charon.
sw_profile() {
	t_profile "$1" "connection.name=strongswan" "connection.gateway=$GATEWAY" \
		"ipsec.enabled=true" "ipsec.psk=$2" \
		"ppp.user=$USER" "ppp.password=$PASSWORD" "ppp.auth=pap" \
		"ip.default-route=false" "ip.dns=false" "ip.ipv6=off"
}

# The capture (gateway side) shows where IKE ran: NAT-T or not.
check_ike_ports() {
	local mm
	mm=$(t_pcap_count "ip.src == $WIRE && udp.dstport == 500 && isakmp")
	[ "$mm" -ge 2 ] || t_fail "only $mm IKE packets from us to udp/500"
	if [ "$EXPECT_ENCAP" = raw ]; then
		[ "$(t_pcap_count 'udp.port == 4500')" -eq 0 ] ||
			t_fail "UDP 4500 used although there is no NAT and nothing forced NAT-T"
		t_info "gateway capture: all IKE on udp/500, no NAT-T"
	else
		[ "$(t_pcap_count "ip.src == $WIRE && udp.dstport == 4500 && isakmp")" -ge 2 ] ||
			t_fail "we did not float to udp/4500 (kernel-$KERNEL, NAT $NAT)"
		t_info "gateway capture: floated to udp/4500 (kernel-$KERNEL, NAT $NAT)"
	fi
	[ "$(t_pcap_count 'l2tp or udp.port == 1701')" -eq 0 ] ||
		t_fail "L2TP crossed the wire unencrypted"
}

# Main Mode + Quick Mode complete on both sides, then charon's DELETE ends it.
psk_session() {
	local from
	sw_profile "$STATE/psk.profile" "$PSK"
	from=$(($(wc -l <"$CHARON_LOG") + 1))
	t_snapshot "$STATE/before"
	t_ipsec_capture_start
	t_roadvpnd "$STATE/psk.profile"
	t_wait_exit 40
	t_capture_stop
	t_info "roadvpnd exited $T_RC after $(t_elapsed) s: $(tail -n 1 "$T_LOG")"
	grep -q 'IKE phase 1 up: ' "$T_LOG" || t_fail "no 'IKE phase 1 up' in the roadvpnd log"
	grep -q 'IPsec SA up: ' "$T_LOG" || t_fail "no 'IPsec SA up' in the roadvpnd log"
	t_info "$(grep -m1 -o 'IKE phase 1 up: .*' "$T_LOG"); $(grep -m1 -o 'IPsec SA up: .*' "$T_LOG")"
	# 5: "L2TP failure (the gateway refused or closed the tunnel or call)"
	[ "$T_RC" -eq 5 ] || t_fail "exit status $T_RC, expected 5 (the gateway closed the tunnel)"
	t_last_line_matches '^roadvpnd: (IKE phase 2|L2TP): ' 'the gateway deleted the IPsec SA'
	t_check_clean
	t_check_no_password "$PSK"

	t_charon_expect "$from" "IKE_SA rvt-psk\[[0-9]+\] established between $GATEWAY\[$GATEWAY\]\.\.\.$WIRE\[$(t_client_addr)\]" \
		"established IKE SA"
	t_charon_expect "$from" 'IKE_SA rvt-psk\[[0-9]+\] state change: CONNECTING => ESTABLISHED' \
		"ESTABLISHED state"
	t_charon_expect "$from" 'generating QUICK_MODE response [0-9]+ \[ HASH SA No ID ID' "Quick Mode response"
	t_charon_expect "$from" 'parsed QUICK_MODE request [0-9]+ \[ HASH \]' "Quick Mode message 3 from us"
	case $KERNEL in
	netlink) t_charon_expect "$from" 'received netlink error: Protocol not supported' "failed SA install" ;;
	libipsec) t_charon_expect "$from" 'IPsec SA: unsupported mode' "failed SA install" ;;
	esac
	t_charon_expect "$from" 'sending DELETE for ESP CHILD_SA' "ESP DELETE"
	t_charon_expect "$from" 'received DELETE for IKE_SA rvt-psk' "our DELETE of the IKE SA"
	check_ike_ports
}

# A wrong PSK: charon cannot decrypt our MM5, we cannot decrypt its answer.
wrong_psk_session() {
	local from wrong=not-the-psk-0123
	sw_profile "$STATE/wrong.profile" "$wrong"
	from=$(($(wc -l <"$CHARON_LOG") + 1))
	t_ipsec_expect_wrong_psk "$STATE/wrong.profile" "$wrong" "$PSK"
	grep -q 'IPsec SA up' "$T_LOG" && t_fail "an IPsec SA came up with a wrong PSK"
	t_charon_expect "$from" 'decryption failed|could not decrypt' "failed MM5 decryption"
	! t_charon_log_has "$from" 'state change: CONNECTING => ESTABLISHED' ||
		t_fail "charon established an IKE SA with a wrong PSK"
	[ "$(t_pcap_count 'l2tp or udp.port == 1701')" -eq 0 ] || t_fail "L2TP was sent although IKE failed"
}

# WIRE: our address as the gateway sees it (the NAT's outside address is the same).
WIRE=$RVT_CL_ADDR
for step in netlink libipsec netlink+nat; do
	t_info "--- strongSwan, kernel-$step"
	args=(--auth psk --kernel "${step%+nat}")
	[ "$step" = netlink+nat ] && args+=(--nat)
	T_SESSION=0
	t_start_peer strongswan "sw${step:0:2}${step:8:1}" "${args[@]}"
	psk_session
	wrong_psk_session
	"$T_GW_DIR/strongswan.sh" stop --name "$RVT_NAME"
	T_PEER=
	t_info "kernel-$step: ok (logs in $STATE)"
done
t_info PASS
