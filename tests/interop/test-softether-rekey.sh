#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# An IPsec session that outlives its SAs, against SoftEther (stock mode,
# NAT-T): we propose an ESP lifetime of 20 s, SoftEther takes it, and
# roadvpnd rekeys at 80-90 % of it with a new Quick Mode on the same ISAKMP
# SA, twice within a 45 s ping: sending moves to the new SA, the old one is
# deleted after its grace period, the L2TP session and PPP never drop, and
# at most a few pings are lost.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

PINGS=${PINGS:-225}   # 45 s at 5 per second
MAX_LOST=${MAX_LOST:-3}

t_require
rvt_need_cmd /usr/libexec/softether/vpnserver/vpnserver tshark
t_start_peer softether rekey --mode ipsec-natt
T_PSK=$PSK
T_DEBUG=ike,session
t_default_profile "$STATE/rekey.profile" mschapv2 "ipsec.esp-lifetime=20"
t_snapshot "$STATE/before"
t_ipsec_capture_start
t_roadvpnd "$STATE/rekey.profile"
rvt_wait_log "$T_LOG" 'connected:' "$T_CONNECT_TIMEOUT" "$T_PID" ||
	t_fail "no 'connected:' within ${T_CONNECT_TIMEOUT} s"
t_info "connected after $(t_elapsed) s"
grep -q 'lifetime 20 s' "$T_LOG" || t_fail "the ESP SA was not negotiated with a 20 s lifetime"
tun=$(t_tun)
[ -n "$tun" ] || t_fail "no rvpn* device in $CL_NS"

ip netns exec "$CL_NS" ping -n -i 0.2 -c "$PINGS" -W 2 -I "$tun" "$PING" \
	>"$STATE/ping-rekey.log" 2>&1 || true
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$STATE/ping-rekey.log")
[ -n "$received" ] || t_fail "ping did not run: $(tail -n 2 "$STATE/ping-rekey.log")"
t_info "ping across the rekeys: $received of $PINGS received"
[ $((PINGS - received)) -le "$MAX_LOST" ] || t_fail "$((PINGS - received)) pings lost (at most $MAX_LOST allowed)"

rekeys=$(grep -c 'IPsec SA rekeyed' "$T_LOG" || true)
deleted=$(grep -c 'session: deleted the old IPsec SA' "$T_LOG" || true)
t_info "rekeys: $rekeys, old SAs deleted: $deleted"
grep 'session: .*\(IPsec SA rekeyed\|deleted the old IPsec SA\)' "$T_LOG" | sed 's/^/  /' >&2
[ "$rekeys" -ge 2 ] || t_fail "expected at least 2 rekeys in 45 s, saw $rekeys"
[ "$deleted" -ge 2 ] || t_fail "expected the old SA deleted after each rekey, saw $deleted"
[ "$(grep -c 'connected:' "$T_LOG")" -eq 1 ] || t_fail "the session reconnected"
! grep -Eq 'reconnect-wait|connection lost|phase: up ->' "$T_LOG" ||
	t_fail "the connection left the up phase during the rekeys"

t_stop
t_capture_stop
t_check_no_clear_l2tp
quick=$(tshark -r "$T_PCAP" -Y "ip.dst == $GATEWAY && isakmp.exchangetype == 32" 2>/dev/null | wc -l)
t_info "gateway capture: $quick Quick Mode messages from the client"
[ "$quick" -ge 6 ] || t_fail "expected 3 Quick Modes (6+ messages) from the client, saw $quick"
t_check_clean
t_check_no_password "$PASSWORD" "$PSK"
