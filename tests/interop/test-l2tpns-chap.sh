#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# roadvpnd against l2tpns + FreeRADIUS with CHAP-MD5: once without and once
# with L2TP tunnel authentication (Challenge/Challenge Response AVPs).
# The second session also meets l2tpns's stray CDN for the first one
# (allow_duplicate_users no), which the client must ignore. The first runs
# its data path on the main loop (ROADVPN_DATAPLANE_THREAD=0, the fallback),
# the second on its own thread (the default).
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

t_require
rvt_need_cmd /usr/sbin/l2tpns freeradius
t_start_peer l2tpns chap
t_default_profile "$STATE/chap.profile" chap
export ROADVPN_DATAPLANE_THREAD=0
t_session "$STATE/chap.profile"
unset ROADVPN_DATAPLANE_THREAD

t_info "again, with the tunnel secret"
T_TUNNEL_SECRET=${TUNNEL_SECRET:?}
t_default_profile "$STATE/chap-secret.profile" chap
t_session "$STATE/chap-secret.profile"
# tunnel authentication really happened: Challenge in our SCCRQ, Challenge
# Response in the SCCRP (roadvpnd checks it; a wrong one would fail the call)
n=$(tshark -r "$T_PCAP" -Y "ip.src == $(t_client_addr) && l2tp.avp.message_type == 1 && l2tp.avp.type == 11" 2>/dev/null | wc -l)
[ "$n" -ge 1 ] || t_fail "the SCCRQ carried no Challenge AVP although a secret was set"
n=$(tshark -r "$T_PCAP" -Y "ip.src == $GATEWAY && l2tp.avp.message_type == 2 && l2tp.avp.type == 13" 2>/dev/null | wc -l)
[ "$n" -ge 1 ] || t_fail "the SCCRP carried no Challenge Response"
t_info "tunnel authentication: Challenge and Challenge Response seen"
