#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# L2TP/IPsec (IKEv1 Main Mode PSK + ESP transport mode + L2TP + MS-CHAPv2)
# against SoftEther VPN Server with ListenIP = its own address. SoftEther
# randomises its NAT-D hash of our address whenever NAT-T is announced, so the
# profile turns NAT traversal off: ESP then travels as IP protocol 50.
# A capture on the gateway side proves no L2TP datagram crossed unencrypted.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

t_require
rvt_need_cmd /usr/libexec/softether/vpnserver/vpnserver tshark
t_start_peer softether ipsecraw --mode ipsec-raw
EXPECT_ENCAP=raw
T_PSK=$PSK
t_default_profile "$STATE/ipsec.profile" mschapv2 ${T_EXTRA:-ipsec.nat-traversal=false}
t_ipsec_session "$STATE/ipsec.profile"
t_info PASS
