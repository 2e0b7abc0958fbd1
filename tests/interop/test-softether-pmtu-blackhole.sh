#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# A path MTU black hole, against SoftEther (L2TP/IPsec, NAT-T) behind a
# router (the NAT namespace): as in softether-pmtu-icmp the router's link to
# the gateway has MTU 1300 and the client's 1500, but the router's ICMP
# "fragmentation needed" is dropped (nftables in the router's namespace), so
# nothing tells the client's kernel: full-size packets with DF just vanish.
# roadvpnd's path MTU probes (LCP Echo-Requests padded to the TUN MTU a path
# size stands for, RFC 4821-style search) must find it within seconds:
#   - it logs "path MTU black hole: 1500-byte packets are lost, N pass (M do
#     not)" with N <= 1300 < M, a 16-byte ESP block apart, and the TUN's MTU
#     falls to the one logged (as it would on the ICMP for a 1300 path),
#   - the router really sent no ICMP through (none noticed in the log),
#   - a ping with DF of exactly the new TUN MTU - 28 bytes is answered,
#   - a 4 MB HTTP download through the tunnel completes intact.
# Without the probes the TUN keeps the 1500 path's MTU and the download hangs.
# Then `roadvpnd --foreground --diagnose` (no address on the host) runs the
# same search once up and its mtu step fails with mtu-black-hole, naming the
# size that passes and the TUN MTU a connection sets, within its 10 s bound.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

t_require
rvt_need_cmd /usr/libexec/softether/vpnserver/vpnserver curl python3 nft
t_start_router_1300 pmtubh
# The black hole: the router's own "fragmentation needed" never leaves it.
ip netns exec "$RVT_NAT_NS" nft -f - <<-EOF
	table ip rvt_blackhole {
		chain out {
			type filter hook output priority 0;
			icmp type destination-unreachable icmp code frag-needed counter drop
		}
	}
EOF

t_default_profile "$STATE/pmtubh.profile" mschapv2
t_snapshot "$STATE/before"
t_roadvpnd "$STATE/pmtubh.profile"
rvt_wait_log "$T_LOG" 'connected:' "$T_CONNECT_TIMEOUT" "$T_PID" ||
	t_fail "no 'connected:' within ${T_CONNECT_TIMEOUT} s"
T_T0=$(date +%s%N)
line=$(grep -m1 'session: MTU [0-9]*: path MTU' "$T_LOG") || t_fail "no computed MTU in the log"
grep -q 'path MTU 1500 ' <<<"$line" || t_fail "the path MTU at connect is not the client link's 1500: $line"
tun=$(t_tun)
mtu=$(ip -n "$CL_NS" -o link show dev "$tun" | sed -E 's/.* mtu ([0-9]+) .*/\1/')
t_info "connected: ${line#*session: }; $tun MTU $mtu"

rvt_wait_log "$T_LOG" 'path MTU black hole: ' 20 "$T_PID" ||
	t_fail "no path MTU black hole found within 20 s of connecting"
found=$(grep -m1 'path MTU black hole: ' "$T_LOG" | sed 's/.*session: //')
t_info "found $(t_elapsed) s after connecting: $found"
re="^path MTU black hole: 1500-byte packets are lost, ([0-9]+) pass \(([0-9]+) do not\): $tun MTU ([0-9]+)\$"
[[ $found =~ $re ]] || t_fail "unexpected black-hole line: $found"
pass=${BASH_REMATCH[1]} lost=${BASH_REMATCH[2]} logged=${BASH_REMATCH[3]}
# ESP pads to 16-byte blocks: the probes' sizes step by 16, around the router's 1300.
((pass >= 1285 && pass <= 1300 && lost > 1300 && lost <= 1316)) ||
	t_fail "the probes found $pass bytes passing and $lost lost, not the router's 1300 to a block"
mtu2=$(ip -n "$CL_NS" -o link show dev "$tun" | sed -E 's/.* mtu ([0-9]+) .*/\1/')
[ "$mtu2" = "$logged" ] || t_fail "$tun MTU $mtu2 is not the logged $logged"
[ "$mtu2" -lt "$mtu" ] || t_fail "$tun MTU $mtu2 did not fall from $mtu"
! grep -q 'ICMP fragmentation needed' "$T_LOG" || t_fail "an ICMP got through: this is not a black hole"
ip netns exec "$RVT_NAT_NS" nft list table ip rvt_blackhole | grep -q 'packets [1-9]' ||
	t_fail "the router dropped no ICMP: the probes never met the 1300 link"

ip netns exec "$CL_NS" ping -n -c 3 -W 3 -M "do" -s $((mtu2 - 28)) -I "$tun" "$PING" \
	>"$STATE/ping-df.log" 2>&1 || {
	cat "$STATE/ping-df.log" >&2
	t_fail "full-size ping with DF ($((mtu2 - 28)) bytes) after the search got no answer"
}
t_info "ping -M do -s $((mtu2 - 28)) via $tun: $(grep -o '[0-9]* received' "$STATE/ping-df.log")"
ip netns exec "$CL_NS" curl -sS --max-time 30 -o "$STATE/got.bin" "http://$TAP:8080/big.bin" ||
	t_fail "HTTP download of 4 MB through the tunnel failed (black hole?)"
cmp -s "$STATE/big.bin" "$STATE/got.bin" || t_fail "the 4 MB download arrived damaged"
t_info "4 MB over HTTP through $tun: complete and intact"

t_stop
t_check_clean
t_check_no_password "$PASSWORD" "$PSK"

out=$STATE/diagnose.report rc=0
T_LOG=$STATE/diagnose.log
T_T0=$(date +%s%N)
timeout 120 ip netns exec "$CL_NS" env DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent/rvt \
	"$ROADVPND" --foreground --diagnose --profile "$STATE/pmtubh.profile" >"$out" 2>"$T_LOG" ||
	rc=$?
t_info "diagnose: exit $rc after $(t_elapsed) s: $(cat "$out")"
[ "$rc" -eq 1 ] || t_fail "diagnose exit status $rc, expected 1 (the mtu step failed)"
re="\('mtu', 'failed', 'mtu-black-hole', \{[^}]*'message': 'path MTU black hole: packets over ([0-9]+) bytes are lost; the TUN MTU will be ([0-9]+)'"
[[ $(cat "$out") =~ $re ]] || t_fail "the diagnose report's mtu step does not name the black hole"
dpass=${BASH_REMATCH[1]} dmtu=${BASH_REMATCH[2]}
((dpass <= 1300 && dpass >= 576)) || t_fail "diagnose: $dpass bytes pass, above the router's 1300"
((dmtu < mtu)) || t_fail "diagnose: the TUN MTU $dmtu is not below the computed $mtu"
grep -q "('network', 'ok'" "$out" || t_fail "diagnose: the steps before mtu did not pass"
if grep -q "not finished within" "$out"; then
	t_info "diagnose: the search ran out of its 10 s; the report has what it knew"
else
	[ "$dmtu" = "$logged" ] || t_fail "diagnose: TUN MTU $dmtu, the connection set $logged"
fi
t_check_sanitizer
t_check_clean
t_check_no_password "$PASSWORD" "$PSK"
if grep -qF -e "$PSK" -e "$PASSWORD" "$out"; then t_fail "a secret is in the report"; fi
t_info PASS
