#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# A wrong password must end with exit status 4 (authentication failed):
#  - SoftEther sends CHAP Failure E=691: the last line names MS-CHAPv2 and 691;
#  - l2tpns sends no CHAP Failure, only a CDN during authentication.
# Either way the client closes the tunnel (StopCCN), nothing is left behind
# and the password never reaches the log.
# T_ONLY=softether or T_ONLY=l2tpns runs one half.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

BAD=not-the-alice-secret
t_require
rvt_need_cmd /usr/libexec/softether/vpnserver/vpnserver /usr/sbin/l2tpns freeradius

[ "${T_ONLY:-softether}" != softether ] || (
	t_start_peer softether badse --mode raw-l2tp
	T_PASSWORD=$BAD t_default_profile "$STATE/bad.profile" mschapv2
	t_expect_failure "$STATE/bad.profile" 4 40
	t_last_line_matches 'ms-?chap ?v2' '691|wrong|password'
	t_check_no_password "$BAD" "$PASSWORD"
	t_check_stopccn
)
[ "${T_ONLY:-l2tpns}" != l2tpns ] || (
	t_start_peer l2tpns badl2
	T_PASSWORD=$BAD t_default_profile "$STATE/bad.profile" chap
	t_expect_failure "$STATE/bad.profile" 4 40
	t_last_line_matches 'auth'
	t_check_no_password "$BAD" "$PASSWORD"
	t_check_stopccn
)
