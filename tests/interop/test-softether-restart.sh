#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# A gateway restart mid-session, against SoftEther (stock mode, NAT-T):
# the server process is killed (by its PID) and started again with the
# same configuration. roadvpnd notices (DPD, quiet delay 5 s here), tears
# the layers down and reconnects on its own, keeping its TUN device (same
# name and ifindex) with its addresses, routes and DNS while it waits, so
# applications see a pause; ping works again and SIGINT still ends it with
# status 0 and a clean namespace. Twice: an orderly stop (SIGTERM: SoftEther
# hangs up the L2TP call) and a crash (SIGKILL: only DPD can tell).
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

t_require
rvt_need_cmd /usr/libexec/softether/vpnserver/vpnserver tshark
t_start_peer softether restart --mode ipsec-natt
T_PSK=$PSK
T_DEBUG=session
t_default_profile "$STATE/restart.profile" mschapv2 "ipsec.dpd-delay=5"
t_snapshot "$STATE/before"
t_roadvpnd "$STATE/restart.profile"
rvt_wait_log "$T_LOG" 'connected:' "$T_CONNECT_TIMEOUT" "$T_PID" ||
	t_fail "no 'connected:' within ${T_CONNECT_TIMEOUT} s"
tun=$(t_tun)
ifindex=$(ip netns exec "$CL_NS" cat "/sys/class/net/$tun/ifindex")
ip netns exec "$CL_NS" ping -n -c 2 -W 2 -I "$tun" "$PING" >/dev/null ||
	t_fail "ping $PING through $tun failed before the restart"
t_snapshot "$STATE/up"
t_info "connected and pinging after $(t_elapsed) s; restarting the gateway"

# restart_gateway term|kill: stop the server (SIGTERM: it hangs up L2TP
# first; SIGKILL of its processes, found by PID in the gateway namespace:
# it just vanishes), start it again with the same configuration.
restart_gateway() {
	local pid
	if [ "$1" = kill ]; then
		for pid in $(ip netns pids "$GW_NS"); do
			[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = vpnserver ] && kill -KILL "$pid"
		done
	fi
	"$T_GW_DIR/softether.sh" stop-server --name "$RVT_NAME" --mode ipsec-natt
	T_T0=$(date +%s%N)
	"$T_GW_DIR/softether.sh" start-server --name "$RVT_NAME" --mode ipsec-natt >/dev/null ||
		t_fail "could not start SoftEther again"
	t_info "gateway restarted ($1) in $(t_elapsed) s"
}

# await_reconnect N TIMEOUT_S: the Nth loss noticed, the TUN and its routes
# and DNS held while waiting, the N+1th "connected:" on the same device
# (same ifindex), ping and DNS back.
await_reconnect() {
	local n=$1 i
	for ((i = 0; i < $2 * 10; i++)); do
		[ "$(grep -c -- '-> reconnect-wait' "$T_LOG")" -ge "$n" ] && break
		kill -0 "$T_PID" 2>/dev/null || t_fail "roadvpnd exited instead of reconnecting"
		sleep 0.1
	done
	[ "$(grep -c -- '-> reconnect-wait' "$T_LOG")" -ge "$n" ] ||
		t_fail "roadvpnd did not notice the restart within $2 s"
	# while it waits (back-off 1 s), the device and its configuration stay
	t_snapshot "$STATE/down-$n"
	[ "$(t_tun)" = "$tun" ] || t_fail "the rvpn device did not stay while reconnecting: '$(t_tun)'"
	diff -u "$STATE/up.route4" "$STATE/down-$n.route4" >&2 || t_fail "routes changed while down"
	cmp -s "$STATE/up.resolv" "$STATE/down-$n.resolv" || t_fail "DNS changed while down"
	grep -q "keeping $tun and its addresses, routes and DNS while reconnecting" "$T_LOG" ||
		t_fail "no 'keeping $tun ...' in the log"
	t_info "lost after $(t_elapsed) s: $(grep 'connection lost' "$T_LOG" | sed -n "${n}s/.*connection lost: //p")"
	for ((i = 0; i < 400; i++)); do
		[ "$(grep -c 'connected:' "$T_LOG")" -gt "$n" ] && break
		kill -0 "$T_PID" 2>/dev/null || t_fail "roadvpnd exited instead of reconnecting"
		sleep 0.1
	done
	[ "$(grep -c 'connected:' "$T_LOG")" -gt "$n" ] || t_fail "no reconnect within 40 s"
	t_info "reconnected after $(t_elapsed) s"
	[ "$(t_tun)" = "$tun" ] || t_fail "another device after the reconnect: '$(t_tun)'"
	[ "$(ip netns exec "$CL_NS" cat "/sys/class/net/$tun/ifindex")" = "$ifindex" ] ||
		t_fail "$tun has another ifindex after the reconnect"
	ip netns exec "$CL_NS" ping -n -c 3 -W 2 -I "$tun" "$PING" >"$STATE/ping-after-$n.log" 2>&1 ||
		{ cat "$STATE/ping-after-$n.log" >&2; t_fail "ping through $tun failed after the reconnect"; }
	grep -q "^nameserver $DNS1\$" "$T_RESOLV" || t_fail "DNS $DNS1 not back after the reconnect"
}

# an orderly restart: SoftEther hangs up the call (CDN) as it goes
restart_gateway term
await_reconnect 1 20
# a crash: nothing says goodbye, DPD finds out (5 s quiet + 5 probes 5 s apart)
restart_gateway kill
await_reconnect 2 50
grep -q 'gateway stopped answering (DPD)' "$T_LOG" || t_fail "the crash was not found by DPD"

t_stop
t_check_clean
t_check_no_password "$PASSWORD" "$PSK"
