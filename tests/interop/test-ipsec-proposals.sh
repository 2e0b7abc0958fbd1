#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# Automatic proposals (no ike=/esp= in the profile) against strongSwan's
# charon restricted to one phase 1 suite (tools/gateways/strongswan.sh --ike):
#   aes256-sha1-modp1536   not in our first offer: charon answers
#                          NO-PROPOSAL-CHOSEN, our first probe is it; the next
#                          connect offers it first and needs one Main Mode
#   3des-sha1-modp1024     legacy: without allow-legacy roadvpnd fails (exit 8)
#                          with "the gateway only accepts 3des-sha1-modp1024;
#                          set allow-legacy=true to use it" and never keys it;
#                          with allow-legacy=true it connects after a few
#                          probes, and the next connect goes straight there
#   aes128-sha1-modp2048 with ESP 3des-sha1 only: phase 2 fails without
#                          allow-legacy with "the gateway only accepts
#                          3des-sha1 for ESP; set allow-legacy=true to use it"
#                          and comes up as 3des-sha1 with it
# Main Modes are counted on the wire (distinct initiator cookies of MM1s in
# the gateway's capture: retransmissions are not new offers). Each connect
# ends on charon's DELETE of the ESP SA it cannot install (exit 5), as in
# test-strongswan-psk.sh. roadvpnd --foreground keeps the suites under
# $ROADVPN_STATE_DIR/suites/PROFILE.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

t_require
rvt_need_cmd /usr/lib/ipsec/charon swanctl tshark

PSK=rvt-strongswan-psk-0123

# prop_profile FILE [KEY=VALUE...]: PSK, no proposals; no L2TP server exists behind charon.
prop_profile() {
	local f=$1
	shift
	t_profile "$f" "connection.name=proposals" "connection.gateway=$GATEWAY" \
		"ipsec.enabled=true" "ipsec.psk=$PSK" \
		"ppp.user=$USER" "ppp.password=$PASSWORD" "ppp.auth=pap" \
		"ip.default-route=false" "ip.dns=false" "ip.ipv6=off" "$@"
}

# Main Modes we started: one initiator cookie each (MM1 has a zero responder cookie).
main_modes() {
	tshark -r "$T_PCAP" -Y "ip.src == $RVT_CL_ADDR && isakmp.exchangetype == 2 &&
		isakmp.rspi == 00:00:00:00:00:00:00:00" -T fields -e isakmp.ispi \
		2>"$STATE/tshark.err" | sort -u | grep -c . || true
}

# connect PROFILE EXPECTED_RC: one foreground run to its end; sets MM (Main Modes).
connect() {
	t_ipsec_capture_start
	t_roadvpnd "$1"
	t_wait_exit 40
	t_capture_stop
	MM=$(main_modes)
	t_info "roadvpnd exited $T_RC after $(t_elapsed) s, $MM Main Mode(s): $(tail -n 1 "$T_LOG")"
	[ "$T_RC" -eq "$2" ] || t_fail "exit status $T_RC, expected $2"
	t_check_no_password "$PSK"
	[ "$(t_pcap_count 'l2tp or udp.port == 1701')" -eq 0 ] || t_fail "L2TP crossed the wire unencrypted"
}

# up_as SUITE: phase 1 and the IPsec SA came up with SUITE, charon agrees.
up_as() {
	grep -q "IKE phase 1 up: $1\$" "$T_LOG" || t_fail "phase 1 not up with $1"
	grep -q 'IPsec SA up: ' "$T_LOG" || t_fail "no IPsec SA"
	t_last_line_matches '^roadvpnd: (IKE phase 2|L2TP): ' 'the gateway deleted the IPsec SA'
	t_charon_expect "$FROM" 'IKE_SA rvt-psk\[[0-9]+\] state change: CONNECTING => ESTABLISHED' \
		"ESTABLISHED state"
}

# start_gateway NAME IKE [ESP]
start_gateway() {
	local esp=()
	[ $# -gt 2 ] && esp=(--esp "$3")
	t_start_peer strongswan "$1" --auth psk --kernel netlink --ike "$2" "${esp[@]}"
	T_SESSION=0
	export ROADVPN_STATE_DIR=$STATE/run
}

stop_gateway() {
	"$T_GW_DIR/strongswan.sh" stop --name "$RVT_NAME"
	T_PEER=
}

t_info "--- charon accepting aes256-sha1-modp1536 only"
start_gateway swp1 aes256-sha1-modp1536
prop_profile "$STATE/auto.profile"
t_snapshot "$STATE/before"
FROM=$(($(wc -l <"$CHARON_LOG") + 1))
connect "$STATE/auto.profile" 5
up_as aes256-sha1-modp1536
[ "$MM" -eq 2 ] || t_fail "$MM Main Modes, expected 2 (the first offer, then the probe)"
grep -q 'probing with aes256-sha1-modp1536' "$T_LOG" || t_fail "no probe logged"
t_charon_expect "$FROM" 'no (IKE )?proposal found|NO_PROP' "NO_PROPOSAL_CHOSEN to the first offer"
grep -qx 'ike=aes256-sha1-modp1536' "$ROADVPN_STATE_DIR/suites/auto" ||
	t_fail "the suite was not remembered in $ROADVPN_STATE_DIR/suites/auto"
t_check_clean
FROM=$(($(wc -l <"$CHARON_LOG") + 1))
connect "$STATE/auto.profile" 5
up_as aes256-sha1-modp1536
[ "$MM" -eq 1 ] || t_fail "$MM Main Modes on the second connect, expected 1 (the remembered suite)"
t_check_clean
stop_gateway

t_info "--- charon accepting 3des-sha1-modp1024 only"
start_gateway swp2 3des-sha1-modp1024
prop_profile "$STATE/strict.profile"
prop_profile "$STATE/legacy.profile" "ipsec.allow-legacy=true"
t_snapshot "$STATE/before"
FROM=$(($(wc -l <"$CHARON_LOG") + 1))
connect "$STATE/strict.profile" 8
t_last_line_matches '^roadvpnd: IKE phase 1: ' \
	'the gateway only accepts 3des-sha1-modp1024; set allow-legacy=true to use it'
grep -q 'IKE phase 1 up' "$T_LOG" && t_fail "phase 1 came up with a legacy suite not allowed"
[ "$(t_pcap_count "ip.src == $RVT_CL_ADDR && isakmp.exchangetype == 2 &&
	!(isakmp.rspi == 00:00:00:00:00:00:00:00)")" -eq 0 ] ||
	t_fail "we went on with the key exchange after the legacy pick"
[ ! -e "$ROADVPN_STATE_DIR/suites/strict" ] || t_fail "a refused suite was remembered"
t_check_clean
FROM=$(($(wc -l <"$CHARON_LOG") + 1))
connect "$STATE/legacy.profile" 5
up_as 3des-sha1-modp1024
if [ "$MM" -lt 2 ] || [ "$MM" -gt 4 ]; then t_fail "$MM Main Modes, expected a few (2-4)"; fi
first=$MM
t_check_clean
FROM=$(($(wc -l <"$CHARON_LOG") + 1))
connect "$STATE/legacy.profile" 5
up_as 3des-sha1-modp1024
[ "$MM" -eq 1 ] || t_fail "$MM Main Modes on the second connect, expected 1 (the remembered suite)"
t_check_clean
t_info "legacy: $first Main Modes the first time, 1 the second"
stop_gateway

t_info "--- charon accepting aes128-sha1-modp2048 and, for ESP, 3des-sha1 only"
start_gateway swp3 aes128-sha1-modp2048 3des-sha1
prop_profile "$STATE/strict.profile"
prop_profile "$STATE/legacy.profile" "ipsec.allow-legacy=true"
t_snapshot "$STATE/before"
FROM=$(($(wc -l <"$CHARON_LOG") + 1))
connect "$STATE/strict.profile" 8
t_last_line_matches '^roadvpnd: IKE phase 2: ' \
	'the gateway only accepts 3des-sha1 for ESP; set allow-legacy=true to use it'
[ "$MM" -eq 1 ] || t_fail "$MM Main Modes, expected 1 (aes128-sha1-modp2048 is in the first offer)"
grep -q 'IPsec SA up' "$T_LOG" && t_fail "an IPsec SA came up with a legacy suite not allowed"
t_check_clean
FROM=$(($(wc -l <"$CHARON_LOG") + 1))
connect "$STATE/legacy.profile" 5
up_as aes128-sha1-modp2048
grep -q 'IPsec SA up: 3des-sha1' "$T_LOG" || t_fail "the IPsec SA is not 3des-sha1"
grep -qx 'esp=3des-sha1' "$ROADVPN_STATE_DIR/suites/legacy" || t_fail "ESP suite not remembered"
t_check_clean
stop_gateway
t_info PASS
