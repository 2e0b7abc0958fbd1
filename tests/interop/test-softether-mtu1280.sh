#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# The exact MTU against SoftEther (L2TP/IPsec, NAT-T forced): the link to
# the gateway has MTU 1280, ICMP is dropped both ways and so are IP
# fragments (as on many real paths). A guessed MTU (1400) black-holes
# full-size packets here: their ESP no longer fits in one outer packet, and
# neither fragments nor "fragmentation needed" get through. roadvpnd must
# size the TUN from the path MTU the kernel knows and the negotiated
# stack, so that:
#   - the TUN MTU is the computed one ("MTU N: path MTU 1280 ..."),
#   - a ping with DF of exactly TUN MTU - 28 bytes gets its answer,
#   - the largest ESP packet it sends fills the path (1280 - the cipher's block < size <= 1280),
#     and the gateway (which adds L2TP's length field) never has to fragment its answers,
#   - a 4 MB HTTP download over TCP through the tunnel completes.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

t_require
rvt_need_cmd /usr/libexec/softether/vpnserver/vpnserver tshark nft curl python3
t_start_peer softether mtu --mode ipsec-natt --securenat-nat
T_PSK=$PSK
# ICMP and fragments are dropped on the underlay only: ICMP inside the
# tunnel (the pings) must pass.
# An address of the gateway's namespace that only the tunnel reaches (SecureNAT connects to it).
WEB=192.0.2.80
ip -n "$GW_NS" link set lo up
ip -n "$GW_NS" addr add "$WEB/32" dev lo
head -c 4194304 /dev/urandom >"$STATE/big.bin"
rvt_spawn http "$GW_NS" "$STATE/http.log" python3 -m http.server --bind "$WEB" --directory "$STATE" 8080

ip -n "$CL_NS" link set rv-cl mtu 1280
ip -n "$GW_NS" link set rv-gw mtu 1280
for ns in "$CL_NS" "$GW_NS"; do
	ip netns exec "$ns" nft -f - <<'NFT'
table inet rvt_mtu {
	chain in {
		type filter hook prerouting priority -500;
		iifname { "rv-cl", "rv-gw" } meta l4proto { icmp, ipv6-icmp } drop
		iifname { "rv-cl", "rv-gw" } ip frag-off & 0x3fff != 0 drop
	}
	chain out {
		type filter hook output priority 0;
		oifname { "rv-cl", "rv-gw" } meta l4proto { icmp, ipv6-icmp } drop
	}
}
NFT
done

t_default_profile "$STATE/ipsec.profile" mschapv2 "ip.routes=203.0.113.0/24,$WEB/32"
t_snapshot "$STATE/before"
t_ipsec_capture_start
t_roadvpnd "$STATE/ipsec.profile"
rvt_wait_log "$T_LOG" 'connected:' "$T_CONNECT_TIMEOUT" "$T_PID" ||
	t_fail "no 'connected:' within ${T_CONNECT_TIMEOUT} s"
t_info "$(grep -m1 'IPsec SA up' "$T_LOG" || true)"
line=$(grep -m1 'session: MTU [0-9]*: path MTU' "$T_LOG") || t_fail "no computed MTU in the log"
t_info "${line#*session: }"
grep -q 'path MTU 1280 ' <<<"$line" || t_fail "the path MTU is not the link's 1280: $line"
computed=$(sed -E 's/.*MTU ([0-9]+): .*/\1/' <<<"$line")
tun=$(t_tun)
mtu=$(ip -n "$CL_NS" -o link show dev "$tun" | sed -E 's/.* mtu ([0-9]+) .*/\1/')
[ "$mtu" -le "$computed" ] || t_fail "$tun MTU $mtu is above the computed $computed"
[ "$mtu" -lt 1280 ] || t_fail "$tun MTU $mtu does not fit a 1280 path"
t_info "$tun MTU $mtu (computed $computed)"

ip netns exec "$CL_NS" ping -n -c 3 -W 3 -M "do" -s $((mtu - 28)) -I "$tun" "$PING" \
	>"$STATE/ping-df.log" 2>&1 || { cat "$STATE/ping-df.log" >&2; t_fail "full-size ping with DF ($((mtu - 28)) bytes) through $tun got no answer"; }
t_info "ping -M do -s $((mtu - 28)) via $tun: $(grep -o '[0-9]* received' "$STATE/ping-df.log")"
! ip netns exec "$CL_NS" ping -n -c 1 -W 2 -M "do" -s $((mtu - 27)) -I "$tun" "$PING" >/dev/null 2>&1 ||
	t_fail "a ping one byte above the TUN MTU went out with DF"

ip netns exec "$CL_NS" curl -sS --max-time 60 -o "$STATE/got.bin" "http://$WEB:8080/big.bin" ||
	t_fail "HTTP download of 4 MB through the tunnel failed (black hole?)"
cmp -s "$STATE/big.bin" "$STATE/got.bin" || t_fail "the 4 MB download arrived damaged"
t_info "4 MB over HTTP through $tun: complete and intact"

# The path shrinks while up (as after an ICMP fragmentation-needed the kernel
# learnt): within a few seconds the TUN follows it down, and full size works again.
ip -n "$CL_NS" link set rv-cl mtu 1200
rvt_wait_log "$T_LOG" 'path MTU to the gateway is now 1200' 15 "$T_PID" ||
	t_fail "the TUN did not follow the path MTU down to 1200"
mtu2=$(ip -n "$CL_NS" -o link show dev "$tun" | sed -E 's/.* mtu ([0-9]+) .*/\1/')
# 1200 - 64 = 1136 = 71 AES blocks; - 22 = 1114 (see tests/unit/session/test-mtu.c)
[ "$mtu2" = 1114 ] || t_fail "$tun MTU $mtu2 after the path fell to 1200, expected 1114"
ip netns exec "$CL_NS" ping -n -c 3 -W 3 -M "do" -s $((mtu2 - 28)) -I "$tun" "$PING" \
	>"$STATE/ping-df2.log" 2>&1 || { cat "$STATE/ping-df2.log" >&2; t_fail "full-size ping with DF after the path fell got no answer"; }
t_info "path MTU 1200 while up: $tun MTU $mtu -> $mtu2, ping -M do -s $((mtu2 - 28)) answered"
ip -n "$CL_NS" link set rv-cl mtu 1280

t_stop
t_capture_stop
biggest=$(tshark -r "$T_PCAP" -Y "ip.src == $(t_client_addr) && esp" -T fields -e ip.len 2>/dev/null |
	sort -n | tail -n 1)
[ "${biggest:-0}" -le 1280 ] || t_fail "an ESP packet of $biggest bytes from the client exceeds the path"
[ "${biggest:-0}" -gt $((1280 - 16)) ] || t_fail "the largest ESP packet from the client is $biggest bytes: the path is not filled"
t_info "largest ESP packet from the client: $biggest bytes on a 1280 path"
frags=$(t_pcap_count "ip.src == $GATEWAY && ip.flags.mf == 1")
[ "$frags" -eq 0 ] || t_fail "the gateway fragmented $frags answers: the MTU leaves it no room"
t_check_clean
t_check_no_password "$PASSWORD" "$PSK"
t_info PASS
