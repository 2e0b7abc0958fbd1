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
t_snapshot "$STATE/before"
t_ipsec_capture_start
t_roadvpnd "$STATE/wrong.profile"
t_wait_exit 40
t_capture_stop
t_info "roadvpnd exited $T_RC after $(t_elapsed) s: $(tail -n 1 "$T_LOG")"
[ "$T_RC" -eq 4 ] || t_fail "exit status $T_RC, expected 4 (authentication failed)"
t_last_line_matches '^roadvpnd: IKE phase 1: ' 'pre-shared key'
t_check_clean
t_check_no_password "$T_PSK" "$PASSWORD"
[ "$(tshark -r "$T_PCAP" -Y 'l2tp or udp.port == 1701' 2>/dev/null | wc -l)" -eq 0 ] ||
	t_fail "L2TP was sent although IKE failed"
t_info PASS
