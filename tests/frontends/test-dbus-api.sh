#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# The D-Bus API through the CLI and gdbus: profiles (add, list, export,
# edit, import, delete), validation errors naming the field, NeedsSecrets,
# polkit denials for users the test rule denies, [connection] allowed-users,
# a corrupt profile file that must not take the helper down, and a failing
# connection's LastError. roadvpnd runs in an empty network namespace.
set -euo pipefail
. "$(dirname "$0")/harness.sh"

ft_require
ft_enter "$@"

trap ft_netns_cleanup EXIT
# The gateway 192.0.2.1 answers with ICMP port unreachable: a fast, local failure.
ft_netns rvft-api
NS=$FT_NS

ft_start_bus
ft_start_polkit
ft_start_roadvpnd "$NS"
O=$FT_STATE/out
S=$FT_STATE/secret
printf 'correct horse battery\n' >"$S"
chmod 644 "$S"

ft_info "list: empty"
ft_expect 0 "$O" "$ROADVPN" list
ft_grep '^NAME' "$O"

ft_info "add: polkit decides (org.roadvpn.manage)"
ft_expect 10 "$O" ft_as rvtest-denied "$ROADVPN" add office --gateway 192.0.2.1 --user alice
ft_grep 'not authorized' "$O"
ft_expect 10 "$O" ft_as rvtest-allowed "$ROADVPN" add office --gateway 192.0.2.1 --user alice
ft_expect 0 "$O" ft_as rvtest-admin "$ROADVPN" add office --gateway 192.0.2.1 --user alice \
	--ipsec false --password-flags ask --auth chap --routes 10.0.0.0/8 --default-route false
ft_expect 2 "$O" "$ROADVPN" add office --gateway 192.0.2.1 --user alice
ft_grep 'exists already' "$O"

ft_info "add: validation names the field"
ft_expect 2 "$O" "$ROADVPN" add bad --gateway gw --user u --mtu 99
ft_grep '\[ppp\] mtu: expected a number from 576 to 1500' "$O"
ft_expect 2 "$O" "$ROADVPN" add bad2 --user u
ft_grep '\[connection\] gateway: missing' "$O"
printf '[connection]\ngateway=gw\n[ppp]\nuser=u\n[ip]\ndefault-rout=false\n' >"$FT_STATE/typo.conf"
ft_expect 2 "$O" "$ROADVPN" import "$FT_STATE/typo.conf"
ft_grep '\[ip\] default-rout: unknown key' "$O"
[ ! -e "$FT_STATE/connections/bad.conf" ] || ft_fail "an invalid profile reached the disk"

ft_info "stored secrets: on disk 0600, never read back"
ft_expect 0 "$O" "$ROADVPN" add stored --gateway 192.0.2.1 --user bob --ipsec false \
	--password-file "$S"
[ "$(stat -c %a "$FT_STATE/connections/stored.conf")" = 600 ] || ft_fail "profile not 0600"
grep -q 'correct horse' "$FT_STATE/connections/stored.conf" || ft_fail "password not stored"
ft_expect 0 "$O" ft_as rvtest-allowed "$ROADVPN" export stored
ft_grep 'user=bob' "$O"
ft_expect 10 "$O" ft_as rvtest-denied "$ROADVPN" export stored
if grep -q 'correct horse' "$O"; then ft_fail "export printed the password"; fi
gdbus call --system --dest org.roadvpn.Helper1 --object-path /org/roadvpn/Helper1 \
	--method org.roadvpn.Helper1.Manager.GetProfile stored >"$O"
ft_grep "\['password'\]" "$O"
if grep -q 'correct horse' "$O"; then ft_fail "GetProfile returned the password"; fi

ft_info "edit"
ft_expect 0 "$O" "$ROADVPN" edit office --set ppp.mtu=1400 --set ip.routes=10.0.0.0/8,172.16.0.0/12
ft_expect 0 "$O" "$ROADVPN" export office
ft_grep '^mtu=1400' "$O"
ft_grep '^routes=10.0.0.0/8,172.16.0.0/12' "$O"
ft_expect 2 "$O" "$ROADVPN" edit office --set ppp.mtu=5
ft_grep '\[ppp\] mtu' "$O"
ft_expect 0 "$O" "$ROADVPN" export office
ft_grep '^mtu=1400' "$O"
ft_expect 2 "$O" "$ROADVPN" edit office --set ppp.password=hunter2
ft_grep 'never go on the command line' "$O"
ft_expect 10 "$O" ft_as rvtest-allowed "$ROADVPN" edit office --set ppp.mtu=1300

ft_info "connect: NeedsSecrets, polkit denial, allowed-users"
ft_expect 12 "$O" ft_as rvtest-allowed "$ROADVPN" connect office
ft_grep 'needs secrets: password' "$O"
if gdbus call --system --dest org.roadvpn.Helper1 --object-path /org/roadvpn/Helper1 \
	--method org.roadvpn.Helper1.Manager.Connect office '{}' >"$O" 2>&1; then
	ft_fail "Connect without secrets succeeded"
fi
ft_grep 'org.roadvpn.Error.NeedsSecrets: needs secrets: password' "$O"
ft_expect 10 "$O" ft_as rvtest-denied "$ROADVPN" connect office --password-file "$S"
ft_expect 0 "$O" "$ROADVPN" add restricted --gateway 192.0.2.1 --user carol --ipsec false \
	--allowed-users rvtest-admin --password-file "$S"
ft_expect 10 "$O" ft_as rvtest-allowed "$ROADVPN" connect restricted
ft_grep 'allowed-users' "$O"
ft_expect 11 "$O" ft_as rvtest-allowed "$ROADVPN" connect nosuch --password-file "$S"
printf '[ipsec]\nenabled=true\n[connection]\ngateway=gw\n[ppp]\nuser=u\npassword=p\n' \
	>"$FT_STATE/ipsec.conf"
ft_expect 0 "$O" "$ROADVPN" import "$FT_STATE/ipsec.conf"

ft_info "a corrupt file on disk does not take the helper down"
printf 'garbage [[[ \x01\xff\n' >"$FT_STATE/connections/broken.conf"
ft_expect 0 "$O" ft_as rvtest-allowed "$ROADVPN" list
ft_grep '^broken +\(invalid: ' "$O"
ft_grep '^office +192.0.2.1 +alice +disconnected' "$O"
ft_expect 2 "$O" "$ROADVPN" connect broken
kill -0 "$FT_ROADVPND_PID" || ft_fail "roadvpnd died"

ft_info "a failing connection: LastError, exit status from the failure table"
ft_expect 3 "$O" ft_as rvtest-allowed "$ROADVPN" connect office --wait --timeout 60 \
	--password-file "$S"
# The failure line names the phase and the reason (translated by the library;
# English here).
ft_grep '^roadvpn: L2TP tunnel: The gateway did not answer' "$O"
ft_expect 0 "$O" ft_as rvtest-allowed "$ROADVPN" status office --json
ft_grep '"state": "failed"' "$O"
ft_grep '"reason": "no-answer"' "$O"
ft_expect 0 "$O" ft_as rvtest-allowed "$ROADVPN" log office
ft_grep 'phase: resolving -> l2tp-tunnel' "$O"
ft_expect 10 "$O" ft_as rvtest-denied "$ROADVPN" log office
ft_expect 1 "$O" ft_as rvtest-allowed "$ROADVPN" disconnect office
ft_grep 'not connected' "$O"

ft_info "delete"
ft_expect 10 "$O" ft_as rvtest-allowed "$ROADVPN" delete office
ft_expect 0 "$O" ft_as rvtest-admin "$ROADVPN" delete office
ft_expect 11 "$O" "$ROADVPN" delete office
ft_expect 0 "$O" "$ROADVPN" list
if grep -q '^office ' "$O"; then ft_fail "office still listed"; fi

ft_info "help on every verb"
for v in list status connect disconnect add import export edit delete log; do
	ft_expect 0 "$O" "$ROADVPN" "$v" --help
	ft_grep "roadvpn $v|Usage:" "$O"
done

ft_stop_roadvpnd
[ "$FT_ROADVPND_RC" -eq 0 ] || ft_fail "roadvpnd exited $FT_ROADVPND_RC after SIGTERM"
ft_check_sanitizer "$FT_STATE/roadvpnd.log"
if grep -q 'correct horse' "$FT_STATE/roadvpnd.log"; then ft_fail "a secret in the daemon log"; fi
