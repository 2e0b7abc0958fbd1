#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# [ipsec] enabled=true against a gateway where nothing listens on UDP 500
# (its kernel answers each Main Mode message 1 with ICMP port unreachable).
# roadvpnd must retransmit MM1 once, take the second ICMP as the refusal it
# is (session/refusal.c) and give up within 6 s, not after IKE's 20 s, with
# exit status 3 and a last line naming IKE phase 1, the refusal and UDP 500,
# never send L2TP (not even in ESP: there is no SA), and leave nothing behind.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

# Count filters say !icmp: an ICMP error quotes our IP and UDP headers, which match too.
t_require
t_start_peer none ikesilent
ip netns exec "$GW_NS" ss -Hunl 'sport = :500' | grep -q . && t_fail "something listens on udp/500"
USER=alice PASSWORD=alice-secret T_PSK=rvt-psk
t_default_profile "$STATE/silent.profile" mschapv2 debug.log=ike
t_snapshot "$STATE/before"
# everything the client sends, and the gateway's ICMP answers
T_PCAP=$STATE/gw-1.pcap
rvt_spawn tcpdump "$GW_NS" "$STATE/tcpdump-1.log" \
	tcpdump --immediate-mode -U -Z root -n -i rv-gw -w "$T_PCAP" 'udp or icmp or ip proto 50'
rvt_wait_log "$STATE/tcpdump-1.log" 'listening on' 5 || t_fail "tcpdump did not start"
t_roadvpnd "$STATE/silent.profile"
t_wait_exit 6
t_capture_stop
t_info "roadvpnd exited $T_RC after $(t_elapsed) s: $(tail -n 1 "$T_LOG")"
[ "$T_RC" -eq 3 ] || t_fail "exit status $T_RC, expected 3 (gateway unreachable)"
t_last_line_matches '^roadvpnd: IKE phase 1: ' \
	'the gateway refused IKE: UDP port 500 unreachable \(ICMP\)'
t_check_clean
t_check_no_password "$PASSWORD" "$T_PSK"

FROM_US="!icmp && ip.src == $(t_client_addr)"
mm1=$(t_pcap_count "$FROM_US && udp.dstport == 500 && isakmp.exchangetype == 2")
[ "$mm1" -ge 2 ] || t_fail "only $mm1 Main Mode messages 1 sent: no retransmission"
icmp=$(t_pcap_count 'icmp.type == 3 && icmp.code == 3')
[ "$icmp" -ge 2 ] || t_fail "the gateway sent no ICMP port unreachable (is udp/500 really closed?)"
t_info "gateway capture: $mm1 MM1 (with retransmissions), $icmp ICMP port unreachable"
other=$(t_pcap_count "$FROM_US && !(udp.dstport == 500)")
[ "$other" -eq 0 ] || t_fail "$other packets other than IKE to udp/500 (L2TP, ESP or NAT-T) sent"
t_info "gateway capture: no L2TP, ESP or UDP 4500 from the client"
