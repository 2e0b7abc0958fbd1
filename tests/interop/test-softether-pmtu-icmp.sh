#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# Path MTU from an ICMP "fragmentation needed", against SoftEther (L2TP/IPsec,
# NAT-T) behind a router (the NAT namespace): the router's link to the
# gateway has MTU 1300, the client's own link 1500. roadvpnd sizes the TUN
# for 1500 at connect (nothing tells it otherwise); the first full-size
# packet with DF cannot pass the router, which answers "fragmentation
# needed, next-hop MTU 1300". roadvpnd must act on that ICMP at once (its
# ESP socket queues ICMP errors), not at its 5 s path MTU poll:
#   - it logs the ICMP and lowers the TUN's MTU to the one computed for a
#     1300 path within 2 s,
#   - a ping with DF of exactly the new TUN MTU - 28 bytes is then answered,
#   - a 4 MB HTTP download through the tunnel (from a Linux TCP on the
#     gateway's tap) completes intact, and the server's SYN-ACK (MSS 1460
#     from its 1500 link) reaches the TUN clamped to the TUN's MTU - 40.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

t_require
rvt_need_cmd /usr/libexec/softether/vpnserver/vpnserver tshark curl python3
t_start_router_1300 pmtu

t_default_profile "$STATE/pmtu.profile" mschapv2
t_snapshot "$STATE/before"
t_roadvpnd "$STATE/pmtu.profile"
rvt_wait_log "$T_LOG" 'connected:' "$T_CONNECT_TIMEOUT" "$T_PID" ||
	t_fail "no 'connected:' within ${T_CONNECT_TIMEOUT} s"
line=$(grep -m1 'session: MTU [0-9]*: path MTU' "$T_LOG") || t_fail "no computed MTU in the log"
grep -q 'path MTU 1500 ' <<<"$line" || t_fail "the path MTU at connect is not the client link's 1500: $line"
tun=$(t_tun)
# As configured: the path MTU probe's first full-size echo may meet the router before our ping.
mtu=$(grep -m1 "net: $tun configured: " "$T_LOG" | sed -E 's/.*, MTU ([0-9]+),.*/\1/')
t_info "connected: ${line#*session: }; $tun MTU $mtu"

# The first full-size packet (ours, or the probe's echo): the router refuses it with an ICMP.
T_T0=$(date +%s%N)
ip netns exec "$CL_NS" ping -n -c 1 -W 1 -M "do" -s $((mtu - 28)) -I "$tun" "$PING" \
	>"$STATE/ping-big.log" 2>&1 &
rvt_wait_log "$T_LOG" 'ICMP fragmentation needed on the way to the gateway \(next-hop MTU 1300\)' 2 "$T_PID" ||
	t_fail "no ICMP fragmentation needed (next-hop MTU 1300) noticed within 2 s"
rvt_wait_log "$T_LOG" 'path MTU to the gateway is now 1300' 2 "$T_PID" ||
	t_fail "the TUN did not follow the path MTU down to 1300 within 2 s of the ICMP"
t_info "ICMP fragmentation needed acted on within $(t_elapsed) s of the full-size ping:" \
	"$(grep -m1 'path MTU to the gateway is now' "$T_LOG" | sed 's/.*session: //')"
wait $! || true
mtu2=$(ip -n "$CL_NS" -o link show dev "$tun" | sed -E 's/.* mtu ([0-9]+) .*/\1/')
[ "$mtu2" -lt "$mtu" ] || t_fail "$tun MTU $mtu2 did not fall from $mtu"
grep -q "MTU $mtu -> $mtu2\$" <(grep 'path MTU to the gateway is now' "$T_LOG") ||
	t_fail "$tun MTU $mtu2 is not the one logged"

ip netns exec "$CL_NS" ping -n -c 3 -W 3 -M "do" -s $((mtu2 - 28)) -I "$tun" "$PING" \
	>"$STATE/ping-df.log" 2>&1 || { cat "$STATE/ping-df.log" >&2; t_fail "full-size ping with DF ($((mtu2 - 28)) bytes) after the ICMP got no answer"; }
t_info "ping -M do -s $((mtu2 - 28)) via $tun: $(grep -o '[0-9]* received' "$STATE/ping-df.log")"

rvt_spawn tcpdump "$CL_NS" "$STATE/tcpdump-syn.log" tcpdump --immediate-mode -U -n -i "$tun" \
	-w "$STATE/syn.pcap" 'tcp[tcpflags] & tcp-syn != 0'
for ((i = 0; i < 50; i++)); do
	grep -q 'listening on' "$STATE/tcpdump-syn.log" && break
	sleep 0.1
done
ip netns exec "$CL_NS" curl -sS --max-time 60 -o "$STATE/got.bin" "http://$TAP:8080/big.bin" ||
	t_fail "HTTP download of 4 MB through the tunnel failed (black hole?)"
sleep 0.5
rvt_stop tcpdump
synack=$(tshark -r "$STATE/syn.pcap" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 1' \
	-T fields -e tcp.options.mss_val 2>/dev/null | head -n 1)
[ "$synack" = $((mtu2 - 40)) ] ||
	t_fail "the server's SYN-ACK reached $tun with MSS '${synack:-none}', not clamped to $((mtu2 - 40))"
t_info "the server's SYN-ACK (MSS 1460 from its link) reached $tun clamped to MSS $synack"
cmp -s "$STATE/big.bin" "$STATE/got.bin" || t_fail "the 4 MB download arrived damaged"
t_info "4 MB over HTTP through $tun: complete and intact"

t_stop
t_check_clean
t_check_no_password "$PASSWORD" "$PSK"
t_info PASS
