#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# A firewall in front of a running SoftEther gateway rejects IKE: nftables
# `reject` on udp/500 in the gateway namespace (ICMP port unreachable), then
# `reject with icmp type admin-prohibited`. SoftEther itself listens on
# udp/500 all along. Each time roadvpnd must tell the refusal from silence
# (session/refusal.c: the first Main Mode message and its retransmission
# refused) and fail within 6 s, not after IKE's 20 s, with exit status 3 and
# a last line naming IKE phase 1, the refusal and which ICMP it was; leave
# nothing behind and never log a secret. Then a gateway that reboots behind
# that firewall while a connection is up: the refusals are retried with
# back-off (session/reconnect.c), and once the firewall lets IKE through
# again the same roadvpnd reconnects.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

# refuse NFT-REJECT: the gateway's input filter rejects udp/500 so.
refuse() {
	ip netns exec "$GW_NS" nft delete table inet rvt_ike_refused 2>/dev/null || true
	ip netns exec "$GW_NS" nft -f - <<-NFT
		table inet rvt_ike_refused {
			chain input {
				type filter hook input priority filter; policy accept;
				udp dport 500 counter $1
			}
		}
	NFT
}

# refused_run PATTERN: roadvpnd fails fast, its last line matching PATTERN.
refused_run() {
	t_roadvpnd "$STATE/ipsec.profile"
	t_wait_exit 6
	t_info "roadvpnd exited $T_RC after $(t_elapsed) s: $(tail -n 1 "$T_LOG")"
	[ "$T_RC" -eq 3 ] || t_fail "exit status $T_RC, expected 3 (gateway unreachable)"
	t_last_line_matches '^roadvpnd: IKE phase 1: the gateway refused IKE: ' "$1"
	t_check_clean
	t_check_no_password "$PASSWORD" "$PSK"
}

t_require
rvt_need_cmd /usr/libexec/softether/vpnserver/vpnserver nft
t_start_peer softether ikerefused --mode ipsec-raw
ip netns exec "$GW_NS" ss -Hunl 'sport = :500' | grep -q . ||
	t_fail "SoftEther does not listen on udp/500"
T_PSK=$PSK
t_default_profile "$STATE/ipsec.profile" mschapv2 ipsec.nat-traversal=false debug.log=ike
t_snapshot "$STATE/before"

t_info "udp/500 rejected: ICMP port unreachable"
refuse reject
refused_run 'UDP port 500 unreachable \(ICMP\)'
t_info "udp/500 rejected: ICMP administratively prohibited"
refuse 'reject with icmp type admin-prohibited'
refused_run 'UDP port 500 administratively prohibited \(ICMP; a firewall rejects it\)'
n=$(ip netns exec "$GW_NS" nft list chain inet rvt_ike_refused input |
	sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
[ "${n:-0}" -ge 2 ] || t_fail "the gateway's firewall rejected only ${n:-0} IKE packets"

# count PATTERN: lines of this run's log that match.
count() { grep -c -- "$1" "$T_LOG" || true; }

# wait_for N PATTERN TIMEOUT_S: N lines match, roadvpnd still running.
wait_for() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		[ "$(count "$2")" -ge "$1" ] && return 0
		kill -0 "$T_PID" 2>/dev/null || t_fail "roadvpnd exited while waiting for /$2/"
		sleep 0.1
	done
	t_fail "not $1 x /$2/ in the log within $3 s"
}

t_info "up, then the gateway restarts while its firewall rejects IKE"
ip netns exec "$GW_NS" nft delete table inet rvt_ike_refused
t_roadvpnd "$STATE/ipsec.profile"
wait_for 1 'connected:' "$T_CONNECT_TIMEOUT"
refuse reject
"$T_GW_DIR/softether.sh" stop-server --name "$RVT_NAME" --mode ipsec-raw
"$T_GW_DIR/softether.sh" start-server --name "$RVT_NAME" --mode ipsec-raw >/dev/null ||
	t_fail "could not start SoftEther again"
LOST='connection lost: IKE phase 1: the gateway refused IKE: UDP port 500 unreachable'
wait_for 2 "$LOST" 30
t_info "$(grep -- "$LOST" "$T_LOG" | sed -n 2p | sed 's/.*connection lost: //')"
grep -q -- "$LOST.*; reconnecting in [2-9] s" "$T_LOG" || t_fail "no back-off after a refusal"
ip netns exec "$GW_NS" nft delete table inet rvt_ike_refused
t_info "firewall open again after $(t_elapsed) s"
wait_for 2 'connected:' 40
t_info "reconnected after $(t_elapsed) s"
kill -INT "$T_PID"
t_wait_exit 20
[ "$T_RC" -eq 0 ] || t_fail "roadvpnd exited $T_RC after SIGINT (expected 0)"
t_check_clean
t_check_no_password "$PASSWORD" "$PSK"
t_info PASS
