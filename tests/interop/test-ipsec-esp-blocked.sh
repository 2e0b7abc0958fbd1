#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# IKE gets through but ESP does not: SoftEther with plain ESP (ipsec-raw,
# profile nat-traversal=false) behind a firewall in the gateway namespace that
# drops IP protocol 50 both ways while UDP 500 passes. IKE phase 1 and 2 must
# complete, then L2TP (inside ESP) gets no answer: roadvpnd must give up with
# exit status 3 and a last line saying no L2TP answer came through IPsec and
# that ESP may be blocked, delete its IKE SA on the way out, never send L2TP
# in clear, and leave nothing behind.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

# unprompted_info: informational exchanges from the client that answer
# nothing (no gateway informational in the 0.2 s before): our Deletes, not the
# DPD acks the gateway's R-U-THEREs draw while ESP is dead.
unprompted_info() {
	tshark -r "$T_PCAP" -Y '!icmp && isakmp.exchangetype == 5' -T fields \
		-e frame.time_relative -e ip.src 2>/dev/null |
		awk -v cl="$(t_client_addr)" '$2 != cl { last = $1; next }
			$1 - last > 0.2 || last == "" { n++ } END { print n + 0 }'
}

t_require
rvt_need_cmd /usr/libexec/softether/vpnserver/vpnserver nft
t_start_peer softether espblock --mode ipsec-raw
ip netns exec "$GW_NS" nft -f - <<'NFT'
table inet rvt_esp_block {
	chain input {
		type filter hook input priority filter; policy accept;
		ip protocol esp counter drop
	}
	chain output {
		type filter hook output priority filter; policy accept;
		ip protocol esp counter drop
	}
}
NFT
T_PSK=$PSK
t_default_profile "$STATE/ipsec.profile" mschapv2 ipsec.nat-traversal=false debug.log=ike,l2tp
t_snapshot "$STATE/before"
t_ipsec_capture_start
t_roadvpnd "$STATE/ipsec.profile"
t_wait_exit 40
t_capture_stop
t_info "roadvpnd exited $T_RC after $(t_elapsed) s: $(tail -n 1 "$T_LOG")"
grep -q 'IKE phase 1 up: ' "$T_LOG" || t_fail "IKE phase 1 did not complete"
grep -q 'IPsec SA up: .*ESP (IP protocol 50)' "$T_LOG" || t_fail "no raw-ESP IPsec SA came up"
t_info "$(grep -m1 -o 'IPsec SA up: .*' "$T_LOG")"
[ "$T_RC" -eq 3 ] || t_fail "exit status $T_RC, expected 3 (no answer)"
t_last_line_matches '^roadvpnd: L2TP[^:]*: ' 'no L2TP answer from .* through IPsec' \
	'not one ESP packet came back' 'ESP may be blocked'
t_check_clean
t_check_no_password "$PASSWORD" "$PSK"

esp_out=$(t_pcap_count "ip.src == $(t_client_addr) && ip.proto == 50")
[ "$esp_out" -ge 3 ] || t_fail "only $esp_out ESP packets from the client reached the gateway"
esp_in=$(t_pcap_count "ip.dst == $(t_client_addr) && ip.proto == 50")
[ "$esp_in" -eq 0 ] || t_fail "$esp_in ESP packets left the gateway: the firewall did not hold"
[ "$(t_pcap_count 'udp.port == 4500')" -eq 0 ] || t_fail "UDP 4500 used although NAT-T is off"
[ "$(t_pcap_count '!icmp && (l2tp || udp.port == 1701)')" -eq 0 ] ||
	t_fail "L2TP crossed the wire unencrypted"
dropped=$(ip netns exec "$GW_NS" nft list chain inet rvt_esp_block input |
	sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
[ "${dropped:-0}" -ge 1 ] || t_fail "the gateway's firewall dropped no ESP"
t_info "gateway: $esp_out ESP packets from the client, $dropped dropped by nft, none back"
deletes=$(unprompted_info)
[ "$deletes" -ge 1 ] || t_fail "no IKE Delete (unprompted informational) from the client"
t_info "gateway capture: $deletes unprompted IKE informational(s) from the client (Delete)"
t_info PASS
