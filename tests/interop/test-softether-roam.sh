#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# The network under the tunnel changes, against SoftEther (L2TP/IPsec,
# NAT-T, full tunnel): connected over the first link (rv-cl,
# 198.51.100.2), the client gets a second link to the gateway's namespace
# (rv-cl2, 198.18.7.2, the gateway's address routed through it) and loses
# its address on the first, as a laptop moving from Wi-Fi to Ethernet.
# roadvpnd must notice from rtnetlink, move its pinned route to the gateway
# to the new path and reconnect at once (DPD is 30 s here: it must not be
# what notices), keeping the same TUN device (ifindex), and the tunnel
# carries ping and TCP again. A change that does not touch the route to
# the gateway (an unrelated address) must not reconnect, nor must the same
# address going and coming back (but the pinned route it took with it is
# put back).
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

t_require
rvt_need_cmd /usr/libexec/softether/vpnserver/vpnserver python3
t_start_peer softether roam --mode ipsec-natt --securenat-nat
T_PSK=$PSK
T_DEBUG=session
NEW_GW=198.18.7.1
NEW_CL=198.18.7.2
# Something only the tunnel reaches (SecureNAT connects to it): a TCP echo of sorts.
WEB=192.0.2.80
ip -n "$GW_NS" link set lo up
ip -n "$GW_NS" addr add "$WEB/32" dev lo
echo roam-ok >"$STATE/roam.txt"
rvt_spawn http "$GW_NS" "$STATE/http.log" python3 -m http.server --bind "$WEB" --directory "$STATE" 8080

count() { grep -c "$1" "$T_LOG" || true; }
# The route to the gateway as the client's namespace holds it (no 'ip | grep -q' under pipefail).
gw_routes() { ip -n "$CL_NS" -4 route show "$GATEWAY/32"; }

await_connected() {
	local n=$1 limit=$2 i
	for ((i = 0; i < limit * 10; i++)); do
		[ "$(count 'connected:')" -ge "$n" ] && return 0
		kill -0 "$T_PID" 2>/dev/null || t_fail "roadvpnd exited"
		sleep 0.1
	done
	t_fail "not connected (#$n) within $limit s"
}

through_tunnel() {
	ip netns exec "$CL_NS" ping -n -c 2 -W 2 -I "$tun" "$PING" >/dev/null ||
		t_fail "ping $PING through $tun failed ($1)"
	ip netns exec "$CL_NS" python3 -c "
import sys, urllib.request
sys.exit(urllib.request.urlopen('http://$WEB:8080/roam.txt', timeout=5).read() != b'roam-ok\n')" ||
		t_fail "TCP to $WEB through $tun failed ($1)"
}

t_default_profile "$STATE/roam.profile" mschapv2 "ip.default-route=true" "ip.routes=" \
	"ipsec.dpd-delay=30"
t_roadvpnd "$STATE/roam.profile"
await_connected 1 "$T_CONNECT_TIMEOUT"
tun=$(t_tun)
ifindex=$(ip netns exec "$CL_NS" cat "/sys/class/net/$tun/ifindex")
through_tunnel "before the change"
routes=$(gw_routes)
grep -q 'dev rv-cl proto static' <<<"$routes" || t_fail "no pinned route to the gateway over rv-cl: $routes"
t_info "connected over rv-cl, $tun ifindex $ifindex"

# An address that changes nothing for the gateway's route: no reconnect.
ip -n "$CL_NS" link add rv-x1 type veth peer name rv-x2
ip -n "$CL_NS" addr add 100.64.9.9/24 dev rv-x1
ip -n "$CL_NS" link set rv-x1 up
sleep 1.5
grep -q 'reconnecting now' "$T_LOG" && t_fail "an unrelated address made roadvpnd reconnect"
t_info "an unrelated address: no reconnect"

# The address goes and comes back (Wi-Fi reconnecting to the same network):
# the path is the same, so no reconnect, but the kernel flushed our pinned
# route with the address: it must be put back.
ip -n "$CL_NS" addr del "$(t_client_addr)/24" dev rv-cl
sleep 0.1
ip -n "$CL_NS" addr add "$(t_client_addr)/24" dev rv-cl
rvt_wait_log "$T_LOG" "the gateway's route was gone with the network: put back" 3 "$T_PID" ||
	t_fail "the pinned route was not put back after the address came back"
routes=$(gw_routes)
grep -q 'dev rv-cl proto static' <<<"$routes" || t_fail "no pinned route after the address came back: $routes"
through_tunnel "after the address came back"
grep -q 'reconnecting now' "$T_LOG" && t_fail "the same network coming back made roadvpnd reconnect"
t_info "the address went and came back: no reconnect, pinned route put back"

# The move: a second path to the gateway, then the first address goes.
ip -n "$GW_NS" link add rv-gw2 type veth peer name rv-cl2 netns "$CL_NS"
ip -n "$GW_NS" addr add "$NEW_GW/24" dev rv-gw2
ip -n "$CL_NS" addr add "$NEW_CL/24" dev rv-cl2
ip -n "$GW_NS" link set rv-gw2 up
ip -n "$CL_NS" link set rv-cl2 up
# The gateway has one address, whichever way it is reached (as behind a router):
# SoftEther's unbound sockets then answer from it.
ip -n "$GW_NS" route replace 198.18.7.0/24 dev rv-gw2 src "$GATEWAY"
T_T0=$(date +%s%N)
ip -n "$CL_NS" addr del "$(t_client_addr)/24" dev rv-cl
ip -n "$CL_NS" route add "$GATEWAY/32" via "$NEW_GW" dev rv-cl2 metric 100
await_connected 2 15
t_info "reconnected $(t_elapsed) s after the move"
grep -q 'reconnecting now: network change' "$T_LOG" || t_fail "no 'reconnecting now: network change' in the log"
grep -q 'gateway stopped answering' "$T_LOG" && t_fail "DPD noticed, not the network watch"
grep -q "the gateway's route follows the network: $GATEWAY/32 via $NEW_GW dev rv-cl2" "$T_LOG" ||
	t_fail "the pinned route did not follow the network"
routes=$(gw_routes)
grep -q "via $NEW_GW dev rv-cl2 proto static" <<<"$routes" || t_fail "pinned route now: $routes"
[ "$(t_tun)" = "$tun" ] || t_fail "another device after the move: '$(t_tun)'"
[ "$(ip netns exec "$CL_NS" cat "/sys/class/net/$tun/ifindex")" = "$ifindex" ] ||
	t_fail "$tun has another ifindex after the move"
through_tunnel "after the move"
t_info "same $tun (ifindex $ifindex), ping and TCP through it after the move"

t_stop
[ -z "$(t_tun)" ] || t_fail "the rvpn device is left after the disconnect"
routes=$(gw_routes)
grep -q 'proto static' <<<"$routes" && t_fail "our pinned route is left after the disconnect: $routes"
t_check_no_password "$PASSWORD" "$PSK"
ip -n "$CL_NS" link del rv-cl2
ip -n "$CL_NS" link del rv-x1
t_info PASS
