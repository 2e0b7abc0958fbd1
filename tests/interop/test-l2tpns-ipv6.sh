#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# roadvpnd against l2tpns with IPv6CP: l2tpns forces the interface id to
# <IPv4>:0 after IPCP, then sends a Router Advertisement for
# 2001:db8:100::/64. The tunnel must carry the negotiated link-local address
# (l2tpns drops other sources), and an IPv6 ping must cross it.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

t_require
rvt_need_cmd /usr/sbin/l2tpns freeradius
t_start_peer l2tpns ipv6
t_default_profile "$STATE/v6.profile" chap ip.ipv6=auto
t_snapshot "$STATE/before"
t_capture_start
t_roadvpnd "$STATE/v6.profile"
rvt_wait_log "$T_LOG" 'connected:' "$T_CONNECT_TIMEOUT" "$T_PID" || t_fail "no 'connected:'"
tun=$(t_tun)
addr4=$(ip -n "$CL_NS" -4 -o addr show dev "$tun" | awk '{print $4; exit}')
# IPv6CP may open just before or just after the address is configured.
for _ in $(seq 50); do
	ll=$(ip -n "$CL_NS" -6 -o addr show dev "$tun" scope link | awk '{print $4; exit}')
	[ -n "$ll" ] && break
	sleep 0.2
done
# 203.0.113.1 -> fe80::cb00:7101:0:0
IFS=. read -r a b c d <<<"${addr4%/*}"
want=$(printf 'fe80::%x%02x:%x%02x:0:0/64' "$a" "$b" "$c" "$d")
[ "$ll" = "$want" ] || t_fail "link-local $ll, expected $want (the IPv6CP interface id)"
t_info "$tun has $ll"
# The RA from l2tpns gives a SLAAC address built from the same interface id.
for _ in $(seq 50); do
	global=$(ip -n "$CL_NS" -6 -o addr show dev "$tun" scope global | awk '{print $4; exit}')
	[ -n "$global" ] && break
	sleep 0.2
done
[ -n "${global:-}" ] || t_fail "no global IPv6 address from the gateway's RA"
t_info "$tun has $global"
# Split tunnel: the gateway's RA must not have taken the IPv6 default route.
[ -z "$(ip -n "$CL_NS" -6 route show default dev "$tun")" ] ||
	t_fail "split tunnel, yet an IPv6 default route points at $tun"
ip netns exec "$CL_NS" ping -6 -n -c 3 -W 2 -I "$tun" 2001:db8:100::1 >"$STATE/ping6.log" 2>&1 ||
	{ cat "$STATE/ping6.log" >&2; t_fail "ping6 2001:db8:100::1 through $tun failed"; }
t_info "ping6 via $tun: $(grep -o '[0-9]* received' "$STATE/ping6.log")"
t_stop 20
t_capture_stop
t_check_stopccn
t_check_clean
t_info PASS
