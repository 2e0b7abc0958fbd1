#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# End to end: an allowed unprivileged user runs `roadvpn connect` against a
# real gateway (l2tpns + FreeRADIUS, plain L2TP, CHAP-MD5) through roadvpnd
# on a private bus with the real polkitd; roadvpnd runs in the client
# network namespace. Checks: progress lines, ping through the tunnel,
# status --json (addresses, DNS, counters), two clients connecting at once,
# a client killed mid-connect, log without secrets, disconnect restoring
# routes/links/resolv.conf, SIGTERM, and roadvpnd killed (SIGKILL) while up
# then restarted: no stale device, route or DNS entry.
set -euo pipefail
. "$(dirname "$0")/harness.sh"

ft_require
if [ -z "${FT_INNER:-}" ]; then
	command -v /usr/sbin/l2tpns >/dev/null && command -v freeradius >/dev/null ||
		ft_skip "l2tpns or freeradius missing"
	ft_gateway_run l2tpns.sh ft$$ -- "$@"
fi

# shellcheck source=/dev/null
. "$FT_CLIENT_ENV"
RESOLV=/etc/netns/$CL_NS/resolv.conf
O=$FT_STATE/out
PW=$FT_STATE/password

cleanup() {
	ft_stop_roadvpnd
}
trap cleanup EXIT


# wait_state NAME STATE TIMEOUT_S
wait_state() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		"$ROADVPN" status "$1" --json >"$O.state" 2>&1 || true
		grep -q "\"state\": \"$2\"" "$O.state" && return 0
		sleep 0.1
	done
	cat "$O.state" >&2
	ft_fail "$1 did not reach $2 within $3 s"
}

no_secret_in() {
	local f
	for f in "$@"; do
		if grep -qF -- "$PASSWORD" "$f"; then ft_fail "the password appears in $(basename "$f")"; fi
	done
}

ft_start_bus
printf '%s\n' "$PASSWORD" >"$PW"
chown rvtest-allowed "$PW"
chmod 600 "$PW"
ft_start_polkit
ft_start_roadvpnd "$CL_NS"
ft_net_snapshot "$FT_STATE/before"

ft_expect 0 "$O" ft_as rvtest-admin "$ROADVPN" add gw --gateway "$GATEWAY" --user "$USER" \
	--ipsec false --auth chap --password-flags ask --default-route false \
	--routes 203.0.113.0/24 --dns true --ipv6 off --allowed-users rvtest-allowed,rvtest-admin
ft_expect 0 "$O" ft_as rvtest-admin "$ROADVPN" add full --gateway "$GATEWAY" --user "$USER" \
	--ipsec false --auth chap --password-flags ask --default-route true --ipv6 off \
	--allowed-users rvtest-allowed

ft_info "two clients connect the same profile at once"
ft_as rvtest-allowed "$ROADVPN" connect gw --wait --password-file "$PW" >"$O.1" 2>&1 </dev/null &
p1=$!
ft_as rvtest-allowed "$ROADVPN" connect gw --wait --password-file "$PW" >"$O.2" 2>&1 </dev/null &
p2=$!
rc1=0 rc2=0
wait "$p1" || rc1=$?
wait "$p2" || rc2=$?
if [ "$rc1" -eq 0 ] && [ "$rc2" -eq 13 ]; then
	WIN=$O.1 LOSE=$O.2
elif [ "$rc1" -eq 13 ] && [ "$rc2" -eq 0 ]; then
	WIN=$O.2 LOSE=$O.1
else
	cat "$O.1" "$O.2" >&2
	ft_fail "two connects: exit statuses $rc1 and $rc2, expected 0 and 13"
fi
ft_grep 'already active' "$LOSE"
ft_grep '^L2TP tunnel \.\.\. ok$' "$WIN"
ft_grep '^PPP auth \(CHAP-MD5\) \.\.\. ok$' "$WIN"
ft_grep "^IP ${POOL_PREFIX//./\\.}[0-9]+, DNS $DNS1, $DNS2 on rvpn[0-9]+$" "$WIN"
cat "$WIN" >&2

ft_info "traffic through the tunnel, status --json"
ip netns exec "$CL_NS" ping -n -c 3 -W 2 "$PING" >"$O" 2>&1 || { cat "$O" >&2; ft_fail "ping $PING"; }
sleep 1.5
ft_expect 0 "$O" ft_as rvtest-allowed "$ROADVPN" status gw --json
ft_grep '"state": "up"' "$O"
ft_grep "\"address\": \"${POOL_PREFIX//./\\.}[0-9]+\"" "$O"
ft_grep "\"dns\": \\[\"$DNS1\", \"$DNS2\"\\]" "$O"
ft_grep '"routes": \["203.0.113.0/24"\]' "$O"
ft_grep '"auth-method": "CHAP-MD5"' "$O"
ft_grep '"bytes-in": [1-9][0-9]*' "$O"
ft_grep '"packets-out": [1-9][0-9]*' "$O"
ft_grep "\"owner\": $FT_UID_ALLOWED" "$O"
ft_expect 0 "$O" "$ROADVPN" status
ft_grep '^gw: up' "$O"
grep -q "^nameserver $DNS1\$" "$RESOLV" || ft_fail "DNS $DNS1 not in the namespace's resolv.conf"

ft_info "log: phases, no secrets; a denied user cannot read it"
ft_expect 0 "$O.log" ft_as rvtest-allowed "$ROADVPN" log gw
ft_grep 'phase: ppp-auth -> ppp-network' "$O.log"
ft_grep 'connected: rvpn' "$O.log"
ft_expect 10 "$O" ft_as rvtest-denied "$ROADVPN" log gw
ft_expect 10 "$O" ft_as rvtest-denied "$ROADVPN" disconnect gw

ft_info "disconnect restores the namespace"
ft_expect 0 "$O" ft_as rvtest-allowed "$ROADVPN" disconnect gw
wait_state gw disconnected 20
ft_net_check_clean "after disconnect"

ft_info "NetworkManager mode: the tunnel comes up, the host network is left to the caller"
ft_expect 0 "$O" ft_as rvtest-allowed gdbus call --system --dest org.roadvpn.Helper1 \
	--object-path /org/roadvpn/Helper1 --method org.roadvpn.Helper1.Manager.Connect gw \
	"{'password': <'$(cat "$PW")'>, 'configure-network': <false>}"
wait_state gw up 30
ft_grep "\"address\": \"${POOL_PREFIX//./\\.}[0-9]+\"" "$O.state"
ft_grep "\"dns\": \\[\"$DNS1\", \"$DNS2\"\\]" "$O.state"
nm_tun=$(ip -n "$CL_NS" -br link | awk '$1 ~ /^rvpn[0-9]+/ {sub(/@.*/, "", $1); print $1; exit}')
[ -n "$nm_tun" ] || ft_fail "NM mode: no tunnel device"
[ -z "$(ip -n "$CL_NS" -4 -o addr show dev "$nm_tun")" ] ||
	ft_fail "NM mode: roadvpnd configured an address on $nm_tun"
[ -z "$(ip -n "$CL_NS" route show 203.0.113.0/24)" ] || ft_fail "NM mode: roadvpnd added a route"
cmp -s "$FT_STATE/before.resolv" "$RESOLV" || ft_fail "NM mode: roadvpnd changed resolv.conf"
ft_expect 0 "$O" ft_as rvtest-allowed "$ROADVPN" disconnect gw
wait_state gw disconnected 20
ft_net_check_clean "after the NetworkManager-mode connection"

ft_info "a client killed mid-connect does not wedge the helper"
ft_as rvtest-allowed "$ROADVPN" connect gw --wait --password-file "$PW" >"$O.k" 2>&1 </dev/null &
pk=$!
sleep 0.3
kill -KILL "$pk" 2>/dev/null || true
wait "$pk" 2>/dev/null || true
ft_expect 0 "$O" "$ROADVPN" list
wait_state gw up 30
ft_expect 0 "$O" "$ROADVPN" disconnect --all
wait_state gw disconnected 20
ft_net_check_clean "after disconnect --all"

ft_info "SIGTERM disconnects cleanly"
ft_expect 0 "$O" ft_as rvtest-allowed "$ROADVPN" connect gw --wait --password-file "$PW"
ft_stop_roadvpnd
[ "$FT_ROADVPND_RC" -eq 0 ] || ft_fail "roadvpnd exited $FT_ROADVPND_RC after SIGTERM"
ft_net_check_clean "after SIGTERM"

ft_info "roadvpnd killed while up (full tunnel), then restarted: no stale state"
ft_start_roadvpnd "$CL_NS" "$FT_STATE/roadvpnd-2.log"
ft_expect 0 "$O" ft_as rvtest-allowed "$ROADVPN" connect full --wait --password-file "$PW"
ip -n "$CL_NS" route show "$GATEWAY/32" | grep -q . || ft_fail "no gateway host route for the full tunnel"
kill -KILL "$FT_ROADVPND_PID"
wait "$FT_ROADVPND_PID" 2>/dev/null || true
FT_ROADVPND_PID=
ls "$FT_STATE/run"/conn-*.state >/dev/null 2>&1 || ft_fail "no crash record in $FT_STATE/run"
ft_start_roadvpnd "$CL_NS" "$FT_STATE/roadvpnd-3.log"
ft_grep 'cleaned up [0-9]+ stale' "$FT_STATE/roadvpnd-3.log"
ft_net_check_clean "after a crash and a restart"
ls "$FT_STATE/run"/conn-*.state >/dev/null 2>&1 && ft_fail "a crash record survived the restart"
ft_stop_roadvpnd

no_secret_in "$FT_STATE"/roadvpnd*.log "$O.log" "$O.1" "$O.2"
ft_check_sanitizer "$FT_STATE/roadvpnd.log" "$FT_STATE/roadvpnd-3.log"
