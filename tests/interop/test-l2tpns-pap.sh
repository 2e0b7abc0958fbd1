#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# roadvpnd against l2tpns + FreeRADIUS with PAP (l2tpns asks for CHAP first;
# the client must NAK it towards PAP), no tunnel secret.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

t_require
rvt_need_cmd /usr/sbin/l2tpns freeradius
t_start_peer l2tpns pap
t_default_profile "$STATE/pap.profile" pap
t_session "$STATE/pap.profile"
