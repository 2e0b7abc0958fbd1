#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# roadvpnd against SoftEther VPN Server in raw L2TP mode with MS-CHAPv2
# (SoftEther offers EAP first and Configure-Rejects our Magic-Number).
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

t_require
rvt_need_cmd /usr/libexec/softether/vpnserver/vpnserver
t_start_peer softether mschap --mode raw-l2tp
t_default_profile "$STATE/mschapv2.profile" mschapv2
t_session "$STATE/mschapv2.profile"
