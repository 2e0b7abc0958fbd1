#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# Who sees what on the bus (data/dbus/org.roadvpn.Helper1.xml, "Who sees
# what"): a local user polkit refuses (rvtest-denied) watches the bus with
# `gdbus monitor --system` and `dbus-monitor --system` while an allowed user
# connects, follows the log and disconnects, and tries export, list, log,
# GetProfile, FollowLog and the objects' properties. It must read no
# gateway, no user name, no allowed-users and no log line. The allowed
# user's `roadvpn log --follow` must get the lines (FollowLog + Log
# signals addressed to it). roadvpnd runs in a network namespace where one
# gateway black-holes packets (the connection stays in progress) and the
# other's name does not resolve (it fails at once).
set -euo pipefail
. "$(dirname "$0")/harness.sh"

ft_require
ft_enter "$@"

GW_SLOW=gw-marker-7f3a.example
GW_FAIL=fail-marker-7f3a.invalid
USER_MARK=user-marker-7f3a
MON_PIDS=()
cleanup() {
	local p
	for p in "${MON_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	ft_netns_cleanup
}
trap cleanup EXIT

ft_netns rvft-host
NS=$FT_NS
ip -n "$NS" link add rvbh type veth peer name rvbh1
ip -n "$NS" link set rvbh1 up
ip -n "$NS" link set rvbh up
# An address, or getaddrinfo's AI_ADDRCONFIG hides every IPv4 answer.
ip -n "$NS" addr add 198.51.100.1/24 dev rvbh
# Gateway names only this mount namespace knows (roadvpnd resolves through /etc/hosts).
cp /etc/hosts "$FT_STATE/hosts" 2>/dev/null || : >"$FT_STATE/hosts"
printf '198.51.100.7 %s\n' "$GW_SLOW" >>"$FT_STATE/hosts"
chmod 644 "$FT_STATE/hosts"

ft_start_bus
mount --bind "$FT_STATE/hosts" /etc/hosts
ft_start_polkit
ft_start_roadvpnd "$NS"
O=$FT_STATE/out
PW=$FT_STATE/password
printf 'pw-marker-7f3a\n' >"$PW"
chown rvtest-allowed "$PW"
chmod 600 "$PW"

# no_marks FILE WHAT: FILE holds nothing a stranger must not read.
no_marks() {
	local m
	for m in "$GW_SLOW" "$GW_FAIL" 198.51.100.7 "$USER_MARK" pw-marker-7f3a allowed-users \
		'phase: ' 'disconnect requested' 'cannot resolve' 10.0.0.0/8; do
		if grep -qF -- "$m" "$1"; then
			grep -nF -- "$m" "$1" | head -5 >&2
			ft_fail "$2 shows '$m' to a user polkit refuses"
		fi
	done
}

ft_info "a stranger watches the whole bus"
ft_as rvtest-denied gdbus monitor --system --dest org.roadvpn.Helper1 >"$FT_STATE/gdbus-monitor" 2>&1 &
MON_PIDS+=($!)
if command -v dbus-monitor >/dev/null; then
	ft_as rvtest-denied dbus-monitor --system >"$FT_STATE/dbus-monitor" 2>&1 &
	MON_PIDS+=($!)
fi
sleep 0.5

ft_expect 0 "$O" ft_as rvtest-admin "$ROADVPN" add office --gateway "$GW_SLOW" --user "$USER_MARK" \
	--ipsec false --auth chap --password-flags ask --routes 10.0.0.0/8 --default-route false \
	--allowed-users rvtest-allowed,rvtest-admin
ft_expect 0 "$O" ft_as rvtest-admin "$ROADVPN" add branch --gateway "$GW_FAIL" \
	--user "$USER_MARK" --ipsec false --auth chap --password-flags ask \
	--allowed-users rvtest-allowed

ft_info "the allowed user connects, follows the log, disconnects"
ft_expect 0 "$O" ft_as rvtest-allowed "$ROADVPN" connect office --password-file "$PW"
ft_as rvtest-allowed "$ROADVPN" log office --follow >"$FT_STATE/follow" 2>&1 </dev/null &
follow_pid=$!
for ((i = 0; i < 50; i++)); do
	grep -q 'phase: ' "$FT_STATE/follow" && break
	sleep 0.1
done
ft_grep 'phase: ' "$FT_STATE/follow"
ft_expect 0 "$O" ft_as rvtest-allowed "$ROADVPN" disconnect office
rc=0
timeout 20 tail --pid="$follow_pid" -f /dev/null || rc=$?
[ "$rc" -eq 0 ] || ft_fail "roadvpn log --follow did not end with the connection"
wait "$follow_pid" || ft_fail "roadvpn log --follow failed"
# Only a signal can bring this line: it came after FollowLog returned the backlog.
ft_grep 'disconnect requested' "$FT_STATE/follow"

ft_info "a connection that fails: the detail is in the log, not in LastError"
ft_expect 3 "$O" ft_as rvtest-allowed "$ROADVPN" connect branch --wait --timeout 30 \
	--password-file "$PW"
ft_expect 0 "$O" ft_as rvtest-allowed "$ROADVPN" log branch
ft_grep "$GW_FAIL" "$O"

ft_info "the stranger: export, list, log, GetProfile, FollowLog, properties"
ft_expect 10 "$O" ft_as rvtest-denied "$ROADVPN" export office
no_marks "$O" "roadvpn export"
ft_expect 0 "$O" ft_as rvtest-denied "$ROADVPN" list
ft_grep '^office ' "$O"
no_marks "$O" "roadvpn list"
ft_expect 10 "$O" ft_as rvtest-denied "$ROADVPN" log office
ft_expect 10 "$O" ft_as rvtest-denied "$ROADVPN" log branch
no_marks "$O" "roadvpn log"
bus() {
	ft_as rvtest-denied gdbus call --system --dest org.roadvpn.Helper1 "$@" >"$O" 2>&1 || true
}
bus --object-path /org/roadvpn/Helper1 --method org.roadvpn.Helper1.Manager.ListProfiles
ft_grep "'restricted': <true>" "$O"
no_marks "$O" "ListProfiles"
bus --object-path /org/roadvpn/Helper1 --method org.roadvpn.Helper1.Manager.GetProfile office
ft_grep 'NotAuthorized' "$O"
no_marks "$O" "GetProfile"
bus --object-path /org/roadvpn/Helper1 --method org.freedesktop.DBus.ObjectManager.GetManagedObjects
ft_grep 'Connection/' "$O"
ft_grep "'LastError': <\('resolving', 'resolve-failed', 'gateway: resolve failed'\)>" "$O"
no_marks "$O" "GetManagedObjects"
conn=$(grep -o '/org/roadvpn/Helper1/Connection/[0-9]*' "$O" | tail -n 1)
bus --object-path "$conn" --method org.freedesktop.DBus.Properties.GetAll \
	org.roadvpn.Helper1.Connection
no_marks "$O" "Properties.GetAll"
bus --object-path "$conn" --method org.roadvpn.Helper1.Connection.FollowLog
ft_grep 'NotAuthorized' "$O"
bus --object-path "$conn" --method org.roadvpn.Helper1.Connection.GetLog
ft_grep 'NotAuthorized' "$O"

ft_info "FollowLog from 9 clients one after another: one that leaves the bus stops counting"
for ((i = 0; i < 9; i++)); do
	ft_expect 0 "$O" ft_as rvtest-allowed gdbus call --system --dest org.roadvpn.Helper1 \
		--object-path "$conn" --method org.roadvpn.Helper1.Connection.FollowLog
done

ft_info "the allowed user sees the details"
ft_expect 0 "$O" ft_as rvtest-allowed "$ROADVPN" list
ft_grep "^office +$GW_SLOW +$USER_MARK" "$O"
ft_expect 0 "$O" ft_as rvtest-allowed "$ROADVPN" export office
ft_grep "^user=$USER_MARK" "$O"

sleep 0.5
for p in "${MON_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
MON_PIDS=()
ft_grep 'org.roadvpn.Helper1' "$FT_STATE/gdbus-monitor"
no_marks "$FT_STATE/gdbus-monitor" "gdbus monitor --system"
[ ! -e "$FT_STATE/dbus-monitor" ] || no_marks "$FT_STATE/dbus-monitor" "dbus-monitor --system"

ft_stop_roadvpnd
[ "$FT_ROADVPND_RC" -eq 0 ] || ft_fail "roadvpnd exited $FT_ROADVPND_RC after SIGTERM"
ft_check_sanitizer "$FT_STATE/roadvpnd.log"
