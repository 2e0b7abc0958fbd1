#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# The kill switch ([ip] kill-switch=true) against SoftEther (L2TP/IPsec,
# NAT-T). An "outside" address (192.0.2.99 in the gateway's namespace,
# reached over the underlay, not the tunnel) answers pings before
# roadvpnd starts. Then, while the profile is active:
#   - connected: the tunnel works, the outside address gets nothing;
#   - gateway stopped: roadvpnd reconnects, and for as long as the gateway
#     is down not one ping to the outside address gets through; the
#     gateway is given by name (the namespace's hosts file), and the name
#     no longer resolves for the reconnect (the table lets no DNS out): the
#     address the table allows is used;
#   - gateway back: the tunnel works again, the outside is still shut;
#   - SIGINT: roadvpnd's nftables table is gone, the outside answers;
#   - SIGKILL: the table stays (fail closed), and the next roadvpnd removes
#     the dead one's table; after its disconnect no roadvpn table is left.
# roadvpnd runs in the client namespace: its table is in that namespace.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

t_require
rvt_need_cmd /usr/libexec/softether/vpnserver/vpnserver nft
t_start_peer softether ks --mode ipsec-natt
T_PSK=$PSK
T_DEBUG=session
OUTSIDE=192.0.2.99
ip -n "$GW_NS" link set lo up
ip -n "$GW_NS" addr add "$OUTSIDE/32" dev lo
ip -n "$CL_NS" route add "$OUTSIDE/32" via "$GATEWAY"
LAN_HOST=192.168.123.1
ip -n "$GW_NS" addr add "$LAN_HOST/24" dev rv-gw
ip -n "$CL_NS" addr add 192.168.123.2/24 dev rv-cl
# Bind-mounted over /etc/hosts by `ip netns exec`: emptied in place later, roadvpnd sees that.
HOSTS=/etc/netns/$CL_NS/hosts
GW_NAME=gw-$$.roadvpn-test
printf '%s %s\n' "$GATEWAY" "$GW_NAME" >"$HOSTS"
trap 'rm -f "$HOSTS"; t_cleanup' EXIT

# outside_pings N: how many of N pings to the outside address were answered.
outside_pings() {
	ip netns exec "$CL_NS" ping -n -q -c "$1" -i 0.2 -W 1 "$OUTSIDE" 2>/dev/null |
		grep -o '[0-9]* received' | cut -d' ' -f1 || true
}

# lan_pings N: the same for the LAN host.
lan_pings() {
	ip netns exec "$CL_NS" ping -n -q -c "$1" -i 0.2 -W 1 "$LAN_HOST" 2>/dev/null |
		grep -o '[0-9]* received' | cut -d' ' -f1 || true
}

# gateway_down: stop SoftEther; roadvpnd (up) notices and waits to reconnect, its TUN gone.
gateway_down() {
	local i
	"$T_GW_DIR/softether.sh" stop-server --name "$RVT_NAME" --mode ipsec-natt
	for ((i = 0; i < 300; i++)); do
		[ "$(grep -c -- '-> reconnect-wait' "$T_LOG")" -ge "$1" ] && break
		sleep 0.1
	done
	[ "$(grep -c -- '-> reconnect-wait' "$T_LOG")" -ge "$1" ] ||
		t_fail "roadvpnd did not notice the gateway go"
	# The TUN and its routes stay while reconnecting: the table still lets nothing else out.
}

tables() { ip netns exec "$CL_NS" nft list tables inet | grep -o 'roadvpn_[0-9_]*' || true; }
# has_record TABLE: roadvpnd's crash record of TABLE (state directory /run/roadvpn) exists.
has_record() { compgen -G "/run/roadvpn/killswitch-*-$1" >/dev/null; }

await_connected() {
	local n=$1 i
	for ((i = 0; i < 400; i++)); do
		[ "$(grep -c 'connected:' "$T_LOG")" -ge "$n" ] && return 0
		kill -0 "$T_PID" 2>/dev/null || t_fail "roadvpnd exited"
		sleep 0.1
	done
	t_fail "not connected (#$n) within 40 s"
}

tunnel_ping() {
	local tun
	tun=$(t_tun)
	[ -n "$tun" ] || t_fail "no rvpn* device"
	ip netns exec "$CL_NS" ping -n -c 2 -W 2 -I "$tun" "$PING" >/dev/null ||
		t_fail "ping $PING through $tun failed ($1)"
}

[ "$(outside_pings 3)" -ge 2 ] || t_fail "the outside address does not answer even without roadvpnd"
[ "$(lan_pings 3)" -ge 2 ] || t_fail "the LAN host does not answer even without roadvpnd"
t_info "outside $OUTSIDE and LAN $LAN_HOST answer before roadvpnd"
t_default_profile "$STATE/ks.profile" mschapv2 "ip.kill-switch=true" "ipsec.dpd-delay=5" \
	"connection.gateway=$GW_NAME"
t_snapshot "$STATE/before"
t_roadvpnd "$STATE/ks.profile"
await_connected 1
grep -q 'kill switch holds' "$T_LOG" || t_fail "no 'kill switch holds' in the log"
table=$(tables)
[ -n "$table" ] || t_fail "no roadvpn nftables table while connected"
has_record "$table" || t_fail "no crash record of $table"
t_info "connected; table inet $table"
tunnel_ping "connected"
[ "$(outside_pings 3)" = 0 ] || t_fail "the outside address answered while connected"
t_info "outside: nothing through while connected"

: >"$HOSTS"
gateway_down 1
got=$(outside_pings 15)
[ "$got" = 0 ] || t_fail "$got pings to the outside got through while the gateway was down"
got=$(lan_pings 5)
[ "$got" = 0 ] || t_fail "$got pings to the LAN got through with allow-lan=false"
[ -n "$(tables)" ] || t_fail "the table went while reconnecting"
t_info "gateway down for 4 s of pings: nothing through to the outside or the LAN, table held"
"$T_GW_DIR/softether.sh" start-server --name "$RVT_NAME" --mode ipsec-natt >/dev/null ||
	t_fail "could not start SoftEther again"
await_connected 2
grep -Eq "cannot resolve '$GW_NAME' behind the kill switch|using $GATEWAY, the gateway's address before the loss" "$T_LOG" ||
	t_fail "the reconnect did not use the address the kill switch allows"
printf '%s %s\n' "$GATEWAY" "$GW_NAME" >"$HOSTS"
tunnel_ping "after the reconnect"
[ "$(outside_pings 3)" = 0 ] || t_fail "the outside address answered after the reconnect"
t_info "reconnected: tunnel works, outside still shut"

t_stop
[ -z "$(tables)" ] || t_fail "table(s) left after the disconnect: $(tables)"
! has_record "$table" || t_fail "the crash record of $table outlived it"
[ "$(outside_pings 3)" -ge 2 ] || t_fail "the outside address does not answer after the disconnect"
t_info "disconnected: table gone, outside answers"
t_check_clean

# The last two runs let the LAN through.
t_default_profile "$STATE/ks.profile" mschapv2 "ip.kill-switch=true" "ip.allow-lan=true" \
	"ipsec.dpd-delay=5" "connection.gateway=$GW_NAME"
t_roadvpnd "$STATE/ks.profile"
await_connected 1
dead=$(tables)
kill -KILL "$T_PID"
wait "$T_PID" 2>/dev/null || true
rm -f "$RVT_PIDS/roadvpnd"
[ "$(tables)" = "$dead" ] || t_fail "after SIGKILL the table should stay (fail closed): '$(tables)'"
has_record "$dead" || t_fail "no crash record of $dead after SIGKILL"
[ "$(outside_pings 3)" = 0 ] || t_fail "the outside address answered after roadvpnd was killed"
t_info "SIGKILL: table $dead stays, outside shut"
# The gateway still holds the dead client's L2TP session on the same ports: a fresh one.
"$T_GW_DIR/softether.sh" stop-server --name "$RVT_NAME" --mode ipsec-natt
"$T_GW_DIR/softether.sh" start-server --name "$RVT_NAME" --mode ipsec-natt >/dev/null ||
	t_fail "could not start SoftEther again"
t_roadvpnd "$STATE/ks.profile"
await_connected 1
grep -q "removed the stale kill switch table $dead" "$T_LOG" ||
	t_fail "the restarted roadvpnd did not remove $dead"
! has_record "$dead" || t_fail "the restarted roadvpnd kept the record of $dead"
[ "$(tables | grep -c .)" = 1 ] || t_fail "tables after the restart: $(tables)"
gateway_down 1
got=$(lan_pings 5)
[ "$got" -ge 3 ] || t_fail "only $got of 5 pings to the LAN answered with allow-lan=true"
got=$(outside_pings 5)
[ "$got" = 0 ] || t_fail "$got pings to the outside got through with allow-lan=true"
t_info "allow-lan, gateway down: the LAN answers, the outside does not"
kill -INT "$T_PID"
t_wait_exit 25
[ -z "$(tables)" ] || t_fail "table(s) left after SIGKILL, restart and disconnect: $(tables)"
t_info "restart removed the dead helper's table; none left after its disconnect"
t_check_no_password "$PASSWORD" "$PSK"
t_info PASS
