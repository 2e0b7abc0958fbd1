#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# Secrets in roadvpnd's memory: roadvpnd is not dumpable (PR_GET_DUMPABLE
# 0, RLIMIT_CORE 0), and once a profile got a password through AddProfile
# and UpdateProfile and connections got a password, a PSK and a tunnel
# secret through Connect and ended, a core of the running roadvpnd (gcore:
# root may ptrace it even so) holds none of those strings: the D-Bus
# messages that carried them, the key files and every other copy were
# wiped. With l2tpns installed, one connection comes up against it first
# (CHAP with the password, the tunnel secret offered) and is disconnected;
# without it, roadvpnd runs in a network namespace of its own.
set -euo pipefail
. "$(dirname "$0")/harness.sh"

ft_require
command -v gcore >/dev/null && command -v gdb >/dev/null || ft_skip "no gdb/gcore"
[ -x /usr/bin/python3 ] || ft_skip "no /usr/bin/python3"
# Reading a non-dumpable process needs CAP_SYS_PTRACE, and Yama's scope 3 forbids it to all.
cap_eff=$(awk '/^CapEff:/ {print $2}' /proc/self/status)
(((0x$cap_eff >> 19) & 1)) || ft_skip "no CAP_SYS_PTRACE here (a container without it?)"
[ "$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo 0)" != 3 ] ||
	ft_skip "kernel.yama.ptrace_scope is 3: nobody may ptrace"
if [ -z "${FT_INNER:-}" ] && command -v /usr/sbin/l2tpns >/dev/null &&
	command -v freeradius >/dev/null; then
	ft_gateway_run l2tpns.sh ftm$$ -- "$@"
fi
ft_enter "$@"

trap ft_netns_cleanup EXIT
if [ -n "${FT_CLIENT_ENV:-}" ]; then
	# shellcheck source=/dev/null
	. "$FT_CLIENT_ENV"
	NS=$CL_NS
else
	ft_netns rvft-mem
	NS=$FT_NS
fi

ft_start_bus
ft_start_polkit
ft_start_roadvpnd "$NS"
O=$FT_STATE/out
ADD_PW=add-pw-4be1c9d07a
UPD_PW=upd-pw-93f0a61e2c
CONN_PW=conn-pw-5d2c7b8e41
CONN_PSK=conn-psk-e6a4f19b03

ft_info "roadvpnd cannot dump core"
pid=$FT_ROADVPND_PID
grep -E '^Max core file size +0 +0 ' "/proc/$pid/limits" >/dev/null ||
	{ grep 'core' "/proc/$pid/limits" >&2; ft_fail "RLIMIT_CORE is not 0"; }
gdb -p "$pid" -batch -nx -ex 'print ((int (*)(int, long, long, long, long))prctl)(3, 0, 0, 0, 0)' \
	>"$O" 2>&1 || true
ft_grep '^\$1 = 0$' "$O"

ft_info "secrets through AddProfile, UpdateProfile and Connect"
# wait_state PATH REGEX: the connection's State matches within 20 s.
wait_state() {
	local i
	for ((i = 0; i < 200; i++)); do
		gdbus call --system --dest org.roadvpn.Helper1 --object-path "$1" \
			--method org.freedesktop.DBus.Properties.Get org.roadvpn.Helper1.Connection \
			State >"$O" 2>&1 || true
		grep -Eq "'($2)'" "$O" && return 0
		sleep 0.1
	done
	cat "$O" >&2
	ft_fail "$1 did not reach $2"
}

bus() {
	gdbus call --system --dest org.roadvpn.Helper1 --object-path /org/roadvpn/Helper1 \
		--method "org.roadvpn.Helper1.Manager.$1" "${@:2}" >"$O" 2>&1 ||
		{ cat "$O" >&2; ft_fail "$1 failed"; }
}
bus AddProfile stored "$(printf '[connection]\ngateway=192.0.2.1\n[ipsec]\nenabled=false\n[ppp]\nuser=u\nauth=chap\npassword=%s\n' "$ADD_PW")"
bus AddProfile office "$(printf '[connection]\ngateway=192.0.2.1\n[ipsec]\nenabled=false\n[ppp]\nuser=u\nauth=chap\npassword-flags=ask\n')"
bus UpdateProfile stored "{'ppp.password': '$UPD_PW'}"
grep -q "$UPD_PW" "$FT_STATE/connections/stored.conf" || ft_fail "UpdateProfile did not store the password"
bus Connect office "{'password': <'$CONN_PW'>, 'psk': <'$CONN_PSK'>}"
conn=$(grep -o "/org/roadvpn/Helper1/Connection/[0-9]*" "$O")
bus ListProfiles
bus GetProfile stored
# Ends it if it still runs (it may have failed already: no gateway at 192.0.2.1).
gdbus call --system --dest org.roadvpn.Helper1 --object-path /org/roadvpn/Helper1 \
	--method org.roadvpn.Helper1.Manager.Disconnect office >/dev/null 2>&1 || true
wait_state "$conn" 'disconnected|failed'

SECRETS=("$ADD_PW" "$UPD_PW" "$CONN_PW" "$CONN_PSK")
if [ -n "${FT_CLIENT_ENV:-}" ]; then
	ft_info "a connection up against l2tpns, then disconnected"
	SECRETS+=("$PASSWORD" "$TUNNEL_SECRET")
	bus AddProfile gw "$(printf '[connection]\ngateway=%s\n[ipsec]\nenabled=false\n[ppp]\nuser=%s\nauth=chap\npassword-flags=ask\n[ip]\ndefault-route=false\ndns=false\nipv6=off\n' "$GATEWAY" "$USER")"
	bus Connect gw "{'password': <'$PASSWORD'>, 'l2tp-secret': <'$TUNNEL_SECRET'>}"
	conn=$(grep -o "/org/roadvpn/Helper1/Connection/[0-9]*" "$O")
	wait_state "$conn" up
	/usr/bin/python3 "$FT_DIR/memscan.py" "$FT_ROADVPND_PID" "$PASSWORD" >"$FT_STATE/copies-up"
	ft_info "while up (the connection needs it): $(cat "$FT_STATE/copies-up")"
	bus Disconnect gw
	wait_state "$conn" disconnected
fi

ft_info "a core of the running roadvpnd holds none of them"
# An ASan build maps terabytes of shadow: gcore would write all of it, so
# memscan.py reads the same memory through /proc/PID/mem without it.
if ldd "$ROADVPND" | grep -q libasan; then
	/usr/bin/python3 "$FT_DIR/memscan.py" "$pid" "${SECRETS[@]}" >"$FT_STATE/copies" ||
		ft_fail "memscan.py failed"
else
	(ulimit -f 4194304 && gcore -o "$FT_STATE/core" "$pid") >"$FT_STATE/gcore.log" 2>&1 ||
		{ cat "$FT_STATE/gcore.log" >&2; rm -f "$FT_STATE/core.$pid"; ft_fail "gcore failed"; }
	for s in "${SECRETS[@]}"; do
		printf '%s %s\n' "$(grep -a -o -F -- "$s" "$FT_STATE/core.$pid" | wc -l)" "$s"
	done >"$FT_STATE/copies"
	rm -f "$FT_STATE/core.$pid"
fi
cat "$FT_STATE/copies" >&2
if grep -qv '^0 ' "$FT_STATE/copies"; then ft_fail "secrets survive in roadvpnd's memory"; fi

ft_stop_roadvpnd
[ "$FT_ROADVPND_RC" -eq 0 ] || ft_fail "roadvpnd exited $FT_ROADVPND_RC after SIGTERM"
ft_check_sanitizer "$FT_STATE/roadvpnd.log"
