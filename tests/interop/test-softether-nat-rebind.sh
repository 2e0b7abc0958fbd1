#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# NAT rebinding against SoftEther (L2TP/IPsec, NAT-T) behind a real NAT
# namespace (nftables masquerade): while the tunnel is up, the NAT gives the
# client a new outer mapping — its rule changed and the old conntrack entries
# deleted, as when a home router or a carrier NAT restarts — three times:
#   1. a new outer port while a ping and a TCP download run through the tunnel,
#   2. a new outer address (snat to another one) likewise,
#   3. a new port while the tunnel is idle: nothing the test sends repairs
#      it; roadvpnd's own authenticated traffic (LCP echo, DPD) must reach
#      the gateway from the new mapping within seconds, and the gateway's
#      ESP must follow it there (RFC 3947/3948: the responder takes the
#      address of authenticated packets).
# Each time: traffic continues (a short loss at most), the download arrives
# intact, and no full reconnect happened (one Main Mode, one "connected:",
# the same TUN device).
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

t_require
rvt_need_cmd /usr/libexec/softether/vpnserver/vpnserver tshark nft conntrack curl python3
t_start_peer softether nrb --mode ipsec-natt --nat --securenat-nat
T_PSK=$PSK
EXPECT_ENCAP=udp
T_DEBUG=session
# A web server only the tunnel reaches (SecureNAT connects to it in the gateway namespace).
WEB=198.18.0.80
ip -n "$GW_NS" addr add "$WEB/32" dev lo
head -c 12582912 /dev/urandom >"$STATE/big.bin"
rvt_spawn http "$GW_NS" "$STATE/http.log" python3 -m http.server --bind "$WEB" --directory "$STATE" 8080

t_default_profile "$STATE/nrb.profile" mschapv2 "ip.routes=203.0.113.0/24,$WEB/32"
t_snapshot "$STATE/before"
t_ipsec_capture_start
t_roadvpnd "$STATE/nrb.profile"
rvt_wait_log "$T_LOG" 'connected:' "$T_CONNECT_TIMEOUT" "$T_PID" ||
	t_fail "no 'connected:' within ${T_CONNECT_TIMEOUT} s"
tun=$(t_tun)
ifindex=$(ip -n "$CL_NS" -o link show dev "$tun" | cut -d: -f1)
ip netns exec "$CL_NS" ping -n -c 2 -W 2 -I "$tun" "$PING" >/dev/null ||
	t_fail "ping $PING through $tun failed before any rebinding"
t_info "connected after $(t_elapsed) s through the NAT ($tun, ifindex $ifindex)"

# esp_count FILTER: ESP-in-UDP packets in the live capture matching FILTER
# (the capture is still being written: tshark's complaint about its last
# packet is not an error here).
esp_count() {
	tshark -r "$T_PCAP" -Y "udp.port == 4500 && esp && ($1)" 2>/dev/null | grep -c . || true
}

# await_follow SRC_FILTER DST_FILTER TIMEOUT_S WHAT: after the rebinding,
# ESP from the client arrives from the new mapping and ESP from the gateway
# goes to it.
await_follow() {
	local i up=0 down=0
	for ((i = 0; i < $3 * 5; i++)); do
		up=$(esp_count "frame.time_epoch >= $REBIND_AT && $1")
		down=$(esp_count "frame.time_epoch >= $REBIND_AT && $2")
		[ "$up" -ge 1 ] && [ "$down" -ge 1 ] && break
		kill -0 "$T_PID" 2>/dev/null || t_fail "roadvpnd exited after the rebinding ($4)"
		sleep 0.2
	done
	[ "$up" -ge 1 ] || t_fail "no ESP from the client's new mapping within $3 s ($4)"
	[ "$down" -ge 1 ] || t_fail "the gateway's ESP did not follow the new mapping within $3 s ($4)"
	local first
	first=$(tshark -r "$T_PCAP" -Y "udp.port == 4500 && esp && frame.time_epoch >= $REBIND_AT && $1" \
		-T fields -e frame.time_epoch 2>/dev/null | head -n 1)
	t_info "$4: the gateway follows ($up ESP packets from the new mapping, the first" \
		"$(awk -v a="$first" -v b="$REBIND_AT" 'BEGIN { printf "%.1f", a - b }') s after it; $down to it)"
}

# busy_rebind WHAT NFT SRC DST: rebind while a ping and a download run.
busy_rebind() {
	local sent got
	rm -f "$STATE/got.bin"
	rvt_spawn curl "$CL_NS" "$STATE/curl.log" curl -sS --max-time 40 --limit-rate 2M \
		-o "$STATE/got.bin" "http://$WEB:8080/big.bin"
	local curl_pid=$RVT_LAST_PID
	ip netns exec "$CL_NS" ping -n -i 0.2 -w 8 -W 1 -I "$tun" "$PING" >"$STATE/ping-$1.log" 2>&1 &
	local ping_pid=$!
	sleep 2
	t_nat_rebind "$1" "$2"
	await_follow "$3" "$4" 10 "$1"
	wait "$ping_pid" || true
	sent=$(grep -oE '[0-9]+ packets transmitted' "$STATE/ping-$1.log" | cut -d' ' -f1)
	got=$(grep -oE '[0-9]+ received' "$STATE/ping-$1.log" | cut -d' ' -f1)
	if [ "${got:-0}" -lt $((${sent:-0} - 5)) ] || [ "${sent:-0}" -lt 30 ]; then
		cat "$STATE/ping-$1.log" >&2
		t_fail "$1: ping through the tunnel: $got of $sent answered (more than 1 s lost)"
	fi
	t_info "$1: ping every 0.2 s across it: $got of $sent answered"
	wait "$curl_pid" || { cat "$STATE/curl.log" >&2; t_fail "$1: the download through the tunnel failed"; }
	rm -f "$RVT_PIDS/curl"
	cmp -s "$STATE/big.bin" "$STATE/got.bin" || t_fail "$1: the 12 MB download arrived damaged"
	t_info "$1: 12 MB over HTTP across the rebinding: complete and intact"
}

gw_port_range() { echo "udp.srcport >= $1 && udp.srcport <= $2 && ip.src == 198.51.100.2"; }
to_port_range() { echo "udp.dstport >= $1 && udp.dstport <= $2 && ip.dst == 198.51.100.2"; }

busy_rebind "port" "meta l4proto udp masquerade to :40000-40999" \
	"$(gw_port_range 40000 40999)" "$(to_port_range 40000 40999)"

ip -n "$RVT_NAT_NS" addr add 198.51.100.3/24 dev rv-out
busy_rebind "address" "snat to 198.51.100.3" \
	"ip.src == 198.51.100.3" "ip.dst == 198.51.100.3"

# Idle: nothing from the test; roadvpnd's own traffic must repair the mapping.
sleep 1
t_nat_rebind "idle" "meta l4proto udp masquerade to :41000-41999"
await_follow "$(gw_port_range 41000 41999)" "$(to_port_range 41000 41999)" 15 "idle"
ip netns exec "$CL_NS" ping -n -c 3 -W 2 -I "$tun" "$PING" >"$STATE/ping-idle.log" 2>&1 ||
	{ cat "$STATE/ping-idle.log" >&2; t_fail "ping through the tunnel failed after the idle rebinding"; }

# No full reconnect: one Main Mode, one "connected:", the same TUN device.
n=$(grep -c 'IKE phase 1 up' "$T_LOG" || true)
[ "$n" -eq 1 ] || t_fail "$n IKE phase 1 exchanges: the rebinding caused a reconnect"
n=$(grep -c 'connected:' "$T_LOG" || true)
[ "$n" -eq 1 ] || t_fail "$n 'connected:' lines: the rebinding caused a reconnect"
! grep -q -- '-> reconnect-wait' "$T_LOG" || t_fail "roadvpnd went through reconnect-wait"
now_ifindex=$(ip -n "$CL_NS" -o link show dev "$tun" 2>/dev/null | cut -d: -f1)
[ "$(t_tun)" = "$tun" ] || t_fail "the TUN device changed: $tun -> $(t_tun)"
[ "$now_ifindex" = "$ifindex" ] ||
	t_fail "the TUN device was replaced: ifindex $ifindex -> ${now_ifindex:-none}"
t_info "three rebindings, no reconnect: one Main Mode, one 'connected:', still $tun"

t_stop
t_capture_stop
t_check_no_clear_l2tp
t_check_clean
t_check_no_password "$PASSWORD" "$PSK"
t_info PASS
