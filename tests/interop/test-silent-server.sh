#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# Nothing answers on 198.51.100.1:1701 (udp/1701 is silently dropped, so not
# even an ICMP port unreachable comes back): roadvpnd must give up within
# 40 s with exit status 3 and say that the gateway did not answer.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

t_require
rvt_need_cmd nft
t_start_peer none silent
ip netns exec "$GW_NS" nft -f - <<'NFT'
table inet rvt_silent {
	chain input {
		type filter hook input priority filter; policy accept;
		udp dport 1701 drop
	}
}
NFT
USER=alice PASSWORD=alice-secret
t_default_profile "$STATE/silent.profile" mschapv2
t_expect_failure "$STATE/silent.profile" 3 40
grep -qi 'no answer' "$T_LOG" || t_fail "no line mentions 'no answer'"
t_check_no_password "$PASSWORD"
