#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# A wrong pre-shared key against SoftEther: IKE phase 1 must fail with the
# authentication reason and exit status 4, nothing may reach L2TP, and the
# wrong key must not appear in the log.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

t_require
rvt_need_cmd /usr/libexec/softether/vpnserver/vpnserver tshark
t_start_peer softether wrongpsk --mode ipsec-natt
T_PSK=not-the-psk-0123
t_default_profile "$STATE/wrong.profile" mschapv2
t_ipsec_expect_wrong_psk "$STATE/wrong.profile" "$T_PSK" "$PASSWORD"
[ "$(tshark -r "$T_PCAP" -Y 'l2tp or udp.port == 1701' 2>/dev/null | wc -l)" -eq 0 ] ||
	t_fail "L2TP was sent although IKE failed"
t_info PASS
