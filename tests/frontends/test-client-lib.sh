#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# libroadvpn-client against the real roadvpnd and polkitd on the harness's
# private bus (client-probe.c, a front end on the library's header alone):
# summaries, MissingSecrets and the secrets callback, an unknown option,
# AlreadyActive and attaching, following a connection to its failure
# (plain L2TP to 192.0.2.1, which answers ICMP port unreachable), the log;
# a user polkit refuses; and roadvpnd gone. Cases a real roadvpnd cannot
# produce on cue are in tests/unit/client/test-standin.c.
set -euo pipefail
. "$(dirname "$0")/harness.sh"

ft_require
[ -n "${CLIENT_PROBE:-}" ] && [ -x "$CLIENT_PROBE" ] || ft_skip "CLIENT_PROBE is not set"
ft_enter "$@"

trap ft_netns_cleanup EXIT
ft_netns rvft-lib

ft_start_bus
ft_start_polkit
ft_start_roadvpnd "$FT_NS"
O=$FT_STATE/out

ft_expect 0 "$O" "$ROADVPN" add office --gateway 192.0.2.1 --user alice --ipsec false \
	--password-flags ask --auth chap --routes 10.0.0.0/8 --default-route false

ft_info "an allowed user: secrets, AlreadyActive, following to the failure"
ft_expect 0 "$O" ft_as rvtest-allowed "$CLIENT_PROBE" owner
cat "$O" >&2
ft_info "a user polkit refuses"
ft_expect 0 "$O" ft_as rvtest-denied "$CLIENT_PROBE" stranger

ft_stop_roadvpnd
ft_info "roadvpnd gone"
ft_expect 0 "$O" ft_as rvtest-allowed "$CLIENT_PROBE" gone
ft_check_sanitizer "$FT_STATE/roadvpnd.log"
if grep -q hunter2 "$FT_STATE/roadvpnd.log"; then ft_fail "a secret in the daemon log"; fi
