#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# Denial of service through polkit (daemon/auth.c): a user polkit refuses
# sends 1500 Connect calls at once, over 15 bus connections, while an
# allowed user connects; the allowed user must get its connection at once,
# every flood call must be answered (NotAuthorized or LimitsExceeded, never
# a success), the log must not grow with the flood, and roadvpnd must live
# on. Then polkitd is stopped: a Connect gets AuthorizationUnavailable (a
# fault to retry), not NotAuthorized; polkitd back, it connects again.
set -euo pipefail
. "$(dirname "$0")/harness.sh"

ft_require
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'from gi.repository import Gio' 2>/dev/null ||
	ft_skip "no /usr/bin/python3 with gi (python3-gi)"
ft_enter "$@"

FLOOD_PID=
cleanup() {
	[ -z "$FLOOD_PID" ] || kill "$FLOOD_PID" 2>/dev/null || true
	ft_netns_cleanup
}
trap cleanup EXIT
ft_netns rvft-flood
NS=$FT_NS

ft_start_bus
# A polkitd under load (or with rules that call out): 5 ms for each of the
# stranger's checks. Without bounds in roadvpnd, the flood's checks then pile
# up past the bus's 128 pending replies and the bus fails roadvpnd's own calls.
cat >"$FT_STATE/rules.d/05-roadvpn-slow.rules" <<-'RULES'
	polkit.addRule(function(action, subject) {
		if (action.id == "org.roadvpn.connect" && subject.user == "rvtest-denied") {
			var t = Date.now();
			while (Date.now() - t < 5) {}
		}
		return polkit.Result.NOT_HANDLED;
	});
RULES
chmod 644 "$FT_STATE/rules.d/05-roadvpn-slow.rules"
ft_start_polkit
ft_start_roadvpnd "$NS"
O=$FT_STATE/out
S=$FT_STATE/secret
printf 'flood-pw\n' >"$S"
chmod 644 "$S"
ft_expect 0 "$O" "$ROADVPN" add office --gateway 192.0.2.1 --user alice --ipsec false \
	--auth chap --password-file "$S" --default-route false --routes 10.0.0.0/8

# connect_as USER: Connect over gdbus; the reply (or error) in $O.
connect_as() {
	local rc=0
	ft_as "$1" gdbus call --system --dest org.roadvpn.Helper1 --object-path /org/roadvpn/Helper1 \
		--method org.roadvpn.Helper1.Manager.Connect office '{}' >"$O" 2>&1 || rc=$?
	return "$rc"
}

ft_info "1500 refused Connect calls at once"
mkdir -p "$FT_STATE/flood"
chown rvtest-denied "$FT_STATE/flood"
ft_as rvtest-denied /usr/bin/python3 "$FT_DIR/flood.py" 15 100 office "$FT_STATE/flood/sent" \
	>"$FT_STATE/flood.out" 2>&1 &
FLOOD_PID=$!
for ((i = 0; i < 300; i++)); do
	[ -e "$FT_STATE/flood/sent" ] && break
	sleep 0.1
done
[ -e "$FT_STATE/flood/sent" ] || { cat "$FT_STATE/flood.out" >&2; ft_fail "the flood did not start"; }

ft_info "meanwhile the allowed user connects"
start=$(date +%s%N)
connect_as rvtest-allowed || { cat "$O" >&2; ft_fail "the allowed user was refused during the flood"; }
ft_grep "^\(objectpath '/org/roadvpn/Helper1/Connection/[0-9]+',\)" "$O"
took=$((($(date +%s%N) - start) / 1000000))
ft_info "the allowed user's Connect took $took ms"
[ "$took" -le 5000 ] || ft_fail "the allowed user waited $took ms"

wait "$FLOOD_PID" || { cat "$FT_STATE/flood.out" >&2; ft_fail "the flood script failed"; }
FLOOD_PID=
cat "$FT_STATE/flood.out" >&2
if grep -Ev ' (org.roadvpn.Error.NotAuthorized|org.freedesktop.DBus.Error.LimitsExceeded)$' \
	"$FT_STATE/flood.out" | grep -q .; then
	ft_fail "a flood call ended otherwise than NotAuthorized or LimitsExceeded"
fi
ft_grep ' org.freedesktop.DBus.Error.LimitsExceeded$' "$FT_STATE/flood.out"
total=$(awk '{n += $1} END {print n}' "$FT_STATE/flood.out")
[ "$total" -eq 1500 ] || ft_fail "$total flood calls answered, expected 1500"
kill -0 "$FT_ROADVPND_PID" || ft_fail "roadvpnd died"
lines=$(grep -c 'uid 4502' "$FT_STATE/roadvpnd.log" || true)
[ "$lines" -le 20 ] || ft_fail "the flood wrote $lines lines to the log"

ft_info "polkitd stopped: AuthorizationUnavailable, not NotAuthorized"
ft_expect 0 "$O" "$ROADVPN" disconnect office
for ((i = 0; i < 100; i++)); do
	"$ROADVPN" status office --json 2>/dev/null | grep -q '"state": "\(failed\|disconnected\)"' &&
		break
	sleep 0.1
done
kill "$FT_POLKIT_PID"
wait "$FT_POLKIT_PID" 2>/dev/null || true
if connect_as rvtest-allowed; then ft_fail "Connect succeeded without polkitd"; fi
ft_grep 'org.roadvpn.Error.AuthorizationUnavailable' "$O"
ft_start_polkit
connect_as rvtest-allowed || { cat "$O" >&2; ft_fail "no connection once polkitd is back"; }

ft_stop_roadvpnd
[ "$FT_ROADVPND_RC" -eq 0 ] || ft_fail "roadvpnd exited $FT_ROADVPND_RC after SIGTERM"
ft_check_sanitizer "$FT_STATE/roadvpnd.log"
