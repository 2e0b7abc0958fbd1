#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# L2TP/IPsec (IKEv1 Main Mode PSK + ESP transport mode + L2TP + MS-CHAPv2)
# against SoftEther VPN Server in its stock mode (ListenIP 0.0.0.0): it fakes NAT-D, so NAT-T (UDP/4500, ESP in UDP) is forced even without a NAT.
# A capture on the gateway side proves no L2TP datagram crossed unencrypted.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

t_require
rvt_need_cmd /usr/libexec/softether/vpnserver/vpnserver tshark
t_start_peer softether ipsecnatt --mode ipsec-natt
EXPECT_ENCAP=udp
T_PSK=$PSK
t_default_profile "$STATE/ipsec.profile" mschapv2 ${T_EXTRA:-}
t_ipsec_session "$STATE/ipsec.profile"
t_info PASS
