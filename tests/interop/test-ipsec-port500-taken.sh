#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# UDP 500 and 4500 in the client's namespace already belong to another
# process, as they would to a system charon or pluto. roadvpnd must fall back
# to ephemeral ports for IKE and NAT-T and still bring up L2TP/IPsec against
# SoftEther (NAT-T forced), ping through and disconnect cleanly. The gateway
# side capture proves our IKE never came from port 500 (nor 4500), and the
# squatter must have received nothing meant for us.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

# The squatter: binds 0.0.0.0:500 and :4500 and reports any datagram it gets.
SQUATTER='import select, socket, sys
socks = []
for port in (500, 4500):
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	s.bind(("0.0.0.0", port))
	socks.append(s)
print("bound", flush=True)
while True:
	for s in select.select(socks, [], [])[0]:
		data, addr = s.recvfrom(65535)
		print("got %d bytes on port %d from %s" % (len(data), s.getsockname()[1], addr), flush=True)'

t_require
rvt_need_cmd /usr/libexec/softether/vpnserver/vpnserver python3
t_start_peer softether port500 --mode ipsec-natt
rvt_spawn squatter "$CL_NS" "$STATE/squatter.log" python3 -c "$SQUATTER"
rvt_wait_log "$STATE/squatter.log" '^bound$' 5 "$RVT_LAST_PID" ||
	t_fail "the squatter could not bind udp/500 and udp/4500: $(cat "$STATE/squatter.log")"
t_info "udp/500 and udp/4500 held in $CL_NS: $(ip netns exec "$CL_NS" ss -Hunlp |
	awk '{print $4}' | tr '\n' ' ')"

EXPECT_ENCAP=udp
T_PSK=$PSK
# No debug logs: the fallback is logged at info level, where a user sees it.
t_default_profile "$STATE/ipsec.profile" mschapv2
t_ipsec_session "$STATE/ipsec.profile"

for port in 500 4500; do
	grep -q "info: net: local UDP port $port is unavailable (Address already in use; .*), using an ephemeral port" "$T_LOG" ||
		t_fail "roadvpnd did not log its fallback from udp/$port"
done
FROM_US="!icmp && ip.src == $(t_client_addr)"
ike=$(t_pcap_count "$FROM_US && isakmp")
[ "$ike" -ge 6 ] || t_fail "only $ike IKE packets from the client in the capture"
from500=$(t_pcap_count "$FROM_US && (udp.srcport == 500 || udp.srcport == 4500)")
[ "$from500" -eq 0 ] ||
	t_fail "$from500 packets from our udp/500 or udp/4500, which the squatter holds"
ports=$(tshark -r "$T_PCAP" -Y "$FROM_US && isakmp" -T fields \
	-e udp.srcport -e udp.dstport 2>/dev/null | sort -u | tr '\t\n' '> ')
t_info "gateway capture: $ike IKE packets from the client, none from port 500/4500 ($ports)"
if grep -q got "$STATE/squatter.log"; then
	t_fail "the squatter received: $(grep got "$STATE/squatter.log")"
fi
rvt_stop squatter
t_info PASS
