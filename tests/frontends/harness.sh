# shellcheck shell=bash
# The front-end test harness: a private system bus and the real polkitd with
# the project's policy and a test rule, in a private mount + pid namespace,
# so that nothing touches the machine's bus, polkit or users.
#
#   . harness.sh
#   ft_require                      # skip (77) unless root and the tools exist
#   ft_enter "$@"                   # re-exec this script inside the namespaces
#   ft_start_bus; ft_start_polkit   # (inside) the bus and polkitd
#   ft_netns PREFIX                 # a network namespace for it (FT_NS)
#   ft_start_roadvpnd [NETNS]       # roadvpnd on the private bus
#   ft_as USER CMD...               # run CMD as a test user (setpriv)
#
# Inside the namespaces /etc/passwd and /etc/group are private copies that
# hold the test users (rvtest-allowed, rvtest-denied, rvtest-admin), the
# polkit actions directory holds the project's policy and /etc/polkit-1/
# rules.d a test rule. When the test exits, the pid namespace dies and the
# kernel ends everything started in it: dbus-daemon, polkitd, roadvpnd.
#
# Exit 0 pass, 1 fail, 77 skip. Logs stay in /tmp/roadvpn-ft/<name>/.

FT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FT_SRC=$(cd "$FT_DIR/../.." && pwd)
FT_PROG=$(basename "$0")
FT_POLKITD=${FT_POLKITD:-/usr/lib/polkit-1/polkitd}
FT_UID_ALLOWED=4501
FT_UID_DENIED=4502
FT_UID_ADMIN=4503

ft_info() { printf '%s: %s\n' "$FT_PROG" "$*" >&2; }
ft_skip() { printf 'SKIP: %s\n' "$*" >&2; exit 77; }
ft_fail() {
	printf 'FAIL: %s\n' "$*" >&2
	if [ -n "${FT_STATE:-}" ] && [ -f "$FT_STATE/roadvpnd.log" ]; then
		printf -- '--- last lines of roadvpnd.log ---\n' >&2
		tail -n 30 "$FT_STATE/roadvpnd.log" >&2
	fi
	exit 1
}

ft_require() {
	[ "$(id -u)" -eq 0 ] || ft_skip "needs root (namespaces, a private bus and polkitd)"
	local c
	for c in dbus-daemon gdbus unshare setpriv ip "$FT_POLKITD"; do
		command -v "$c" >/dev/null 2>&1 || [ -x "$c" ] || ft_skip "missing $c"
	done
	getent passwd polkitd >/dev/null || ft_skip "no polkitd user"
	[ -n "${ROADVPND:-}" ] && [ -x "$ROADVPND" ] || ft_skip "ROADVPND is not set or not executable"
	[ -n "${ROADVPN:-}" ] && [ -x "$ROADVPN" ] || ft_skip "ROADVPN is not set or not executable"
}

# ft_run_inner ARGS: run this script again as PID 1 of a new pid + mount
# namespace (with FT_INNER=1); its exit status is left in FT_RC.
ft_run_inner() {
	FT_STATE=${FT_STATE:-/tmp/roadvpn-ft/${FT_PROG%.sh}}
	# Another worktree may run the same test now: its state directory (and the
	# requests the test's outside helpers answer there) is ours only under a lock.
	mkdir -p "$(dirname "$FT_STATE")"
	exec {FT_LOCK_FD}>"$FT_STATE.lock"
	flock "$FT_LOCK_FD"
	rm -rf "$FT_STATE"
	mkdir -p "$FT_STATE"
	chmod 755 "$FT_STATE"
	FT_RC=0
	FT_INNER=1 FT_STATE=$FT_STATE unshare --mount --propagation private --pid --fork \
		--kill-child -- "$0" "$@" || FT_RC=$?
	[ "$FT_RC" -eq 0 ] && ft_info "PASS (logs in $FT_STATE)"
	return 0
}

# ft_gateway_run GATEWAY NAME [START_ARGS...] -- ARGS: the outside part of a
# test on a real gateway: tools/gateways/GATEWAY started as NAME (stopped
# when this shell exits), then the test inside (ft_run_inner ARGS) with the
# gateway's client.env in FT_CLIENT_ENV; exits with the test's status.
ft_gateway_run() {
	FT_GW_SCRIPT=$FT_SRC/tools/gateways/$1
	FT_GW_NAME=$2
	shift 2
	local start=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		start+=("$1")
		shift
	done
	[ $# -eq 0 ] || shift
	trap '"$FT_GW_SCRIPT" stop --name "$FT_GW_NAME" >/dev/null 2>&1 || true' EXIT
	"$FT_GW_SCRIPT" start --name "$FT_GW_NAME" "${start[@]}" >/dev/null ||
		ft_fail "could not start $(basename "$FT_GW_SCRIPT" .sh)"
	export FT_CLIENT_ENV=/tmp/roadvpn-test/$FT_GW_NAME/client.env
	ft_run_inner "$@"
	exit "$FT_RC"
}

# ft_net_snapshot PREFIX: the client namespace's IPv4 routes, links and
# resolv.conf in PREFIX.route4, .links, .resolv (CL_NS from client.env).
ft_net_snapshot() {
	ip -n "$CL_NS" -4 route show table all | grep -v 'table local' >"$1.route4" || true
	ip -n "$CL_NS" -br link | awk '{print $1}' | sort >"$1.links"
	cp "/etc/netns/$CL_NS/resolv.conf" "$1.resolv"
}

# ft_net_check_clean WHEN: routes, links and resolv.conf as in the snapshot
# $FT_STATE/before; WHEN says at which step in the failure.
ft_net_check_clean() {
	ft_net_snapshot "$FT_STATE/after"
	diff -u "$FT_STATE/before.route4" "$FT_STATE/after.route4" >&2 || ft_fail "routes differ ($1)"
	diff -u "$FT_STATE/before.links" "$FT_STATE/after.links" >&2 || ft_fail "links differ ($1)"
	cmp -s "$FT_STATE/before.resolv" "$FT_STATE/after.resolv" ||
		ft_fail "resolv.conf not restored ($1)"
}

# ft_enter ARGS: the whole test inside the namespaces (continues there).
ft_enter() {
	if [ -n "${FT_INNER:-}" ]; then
		return 0
	fi
	ft_run_inner "$@"
	exit "$FT_RC"
}

# Private copies of /etc/passwd and /etc/group with the test users.
ft_users() {
	cp /etc/passwd "$FT_STATE/passwd"
	cp /etc/group "$FT_STATE/group"
	local u id
	for u in allowed:$FT_UID_ALLOWED denied:$FT_UID_DENIED admin:$FT_UID_ADMIN; do
		id=${u#*:}
		printf 'rvtest-%s:x:%s:%s::/nonexistent:/usr/sbin/nologin\n' "${u%%:*}" "$id" "$id" \
			>>"$FT_STATE/passwd"
		printf 'rvtest-%s:x:%s:\n' "${u%%:*}" "$id" >>"$FT_STATE/group"
	done
	chmod 644 "$FT_STATE/passwd" "$FT_STATE/group"
	mount --bind "$FT_STATE/passwd" /etc/passwd
	mount --bind "$FT_STATE/group" /etc/group
}

# The project's polkit policy (plus the machine's) and the test rule.
ft_polkit_files() {
	mkdir -p "$FT_STATE/actions" "$FT_STATE/rules.d"
	cp /usr/share/polkit-1/actions/*.policy "$FT_STATE/actions/" 2>/dev/null || true
	cp "$FT_SRC/data/polkit/org.roadvpn.policy" "$FT_STATE/actions/"
	cat >"$FT_STATE/rules.d/10-roadvpn-test.rules" <<-'RULES'
		// roadvpn tests: who may do what (no agent exists here, so YES or NO only).
		polkit.addRule(function(action, subject) {
			if (action.id.indexOf("org.roadvpn.") != 0)
				return polkit.Result.NOT_HANDLED;
			if (subject.user == "rvtest-admin")
				return polkit.Result.YES;
			if (subject.user == "rvtest-allowed" && action.id == "org.roadvpn.connect")
				return polkit.Result.YES;
			return polkit.Result.NO;
		});
	RULES
	chmod -R a+rX "$FT_STATE/actions" "$FT_STATE/rules.d"
	mount --bind "$FT_STATE/actions" /usr/share/polkit-1/actions
	mount --bind "$FT_STATE/rules.d" /etc/polkit-1/rules.d
}

ft_bus_conf() {
	mkdir -p "$FT_STATE/system.d"
	cp "$FT_SRC/data/dbus/org.roadvpn.Helper1.conf" "$FT_STATE/system.d/"
	cat >"$FT_STATE/system-bus.conf" <<-EOF
		<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
		 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
		<busconfig>
		  <type>system</type>
		  <auth>EXTERNAL</auth>
		  <listen>unix:path=$FT_STATE/system_bus_socket</listen>
		  <policy context="default">
		    <allow user="*"/>
		    <deny own="*"/>
		    <deny send_type="method_call"/>
		    <allow send_type="signal"/>
		    <allow send_requested_reply="true" send_type="method_return"/>
		    <allow send_requested_reply="true" send_type="error"/>
		    <allow receive_type="method_call"/>
		    <allow receive_type="method_return"/>
		    <allow receive_type="error"/>
		    <allow receive_type="signal"/>
		    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
		    <allow send_destination="org.freedesktop.DBus"
		           send_interface="org.freedesktop.DBus.Introspectable"/>
		    <allow send_destination="org.freedesktop.DBus"
		           send_interface="org.freedesktop.DBus.Properties"/>
		    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"
		          send_member="UpdateActivationEnvironment"/>
		  </policy>
		  <includedir>/usr/share/dbus-1/system.d</includedir>
		  <includedir>$FT_STATE/system.d</includedir>
		</busconfig>
	EOF
}

# ft_wait_name NAME [TIMEOUT_S]: wait until NAME has an owner on the private bus.
ft_wait_name() {
	local i
	for ((i = 0; i < ${2:-10} * 10; i++)); do
		if gdbus call --system --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
			--method org.freedesktop.DBus.NameHasOwner "$1" 2>/dev/null | grep -q true; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

ft_start_bus() {
	mount -t proc proc /proc
	ft_users
	ft_polkit_files
	ft_bus_conf
	export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$FT_STATE/system_bus_socket
	dbus-daemon --config-file="$FT_STATE/system-bus.conf" --nofork --nopidfile --nosyslog \
		>"$FT_STATE/dbus.log" 2>&1 &
	FT_BUS_PID=$!
	local i
	for ((i = 0; i < 50; i++)); do
		[ -S "$FT_STATE/system_bus_socket" ] && break
		sleep 0.1
	done
	[ -S "$FT_STATE/system_bus_socket" ] || ft_fail "the private bus did not start"
}

ft_start_polkit() {
	"$FT_POLKITD" >"$FT_STATE/polkitd.log" 2>&1 &
	FT_POLKIT_PID=$!
	ft_wait_name org.freedesktop.PolicyKit1 10 || ft_fail "polkitd did not take its bus name"
}

# ft_start_roadvpnd [NETNS] [LOG]: roadvpnd on the private bus, profiles in $FT_STATE.
ft_start_roadvpnd() {
	local ns=${1:-} log=${2:-$FT_STATE/roadvpnd.log}
	mkdir -p "$FT_STATE/connections" "$FT_STATE/run"
	local -a cmd=(env DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SYSTEM_BUS_ADDRESS"
		ROADVPN_PROFILES_DIR="$FT_STATE/connections" ROADVPN_STATE_DIR="$FT_STATE/run"
		"$ROADVPND" ${FT_ROADVPND_ARGS:-})
	if [ -n "$ns" ]; then
		ip netns exec "$ns" "${cmd[@]}" >>"$log" 2>&1 &
	else
		"${cmd[@]}" >>"$log" 2>&1 &
	fi
	FT_ROADVPND_PID=$!
	ft_wait_name org.roadvpn.Helper1 10 || ft_fail "roadvpnd did not take org.roadvpn.Helper1"
}

# ft_netns PREFIX: a new network namespace for roadvpnd, its name in FT_NS
# (random: $$ is 1 inside the pid namespace, the same for every run), with
# lo up and 192.0.2.1 on it: a gateway that answers ICMP port unreachable,
# a fast, local failure. ft_netns_cleanup stops roadvpnd and deletes it.
ft_netns() {
	FT_NS=$1-$(od -An -N4 -tx4 /dev/urandom | tr -d " ")
	ip netns add "$FT_NS"
	ip -n "$FT_NS" link set lo up
	ip -n "$FT_NS" addr add 192.0.2.1/32 dev lo
}

ft_netns_cleanup() {
	ft_stop_roadvpnd
	[ -z "${FT_NS:-}" ] || ip netns del "$FT_NS" 2>/dev/null || true
}

ft_stop_roadvpnd() {
	local i
	[ -n "${FT_ROADVPND_PID:-}" ] || return 0
	kill -TERM "$FT_ROADVPND_PID" 2>/dev/null || true
	for ((i = 0; i < 200; i++)); do
		kill -0 "$FT_ROADVPND_PID" 2>/dev/null || break
		sleep 0.1
	done
	FT_ROADVPND_RC=0
	wait "$FT_ROADVPND_PID" || FT_ROADVPND_RC=$?
	FT_ROADVPND_PID=
}

# ft_gateway_ns PREFIX: an empty network namespace for roadvpnd, FT_NS, where
# the "gateway" 192.0.2.1 on lo answers ICMP port unreachable (a fast, local
# failure). Its name ends in random digits ($$ is 1 inside the pid namespace,
# so it would clash with a parallel run); it and roadvpnd go at exit.
ft_gateway_ns() {
	FT_NS=$1-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
	trap 'ft_stop_roadvpnd; ip netns del "$FT_NS" 2>/dev/null || true' EXIT
	ip netns add "$FT_NS"
	ip -n "$FT_NS" link set lo up
	ip -n "$FT_NS" addr add 192.0.2.1/32 dev lo
}

# ft_as USER CMD...: CMD as a test user with no capabilities, on the private bus.
ft_as() {
	local user=$1 uid
	shift
	uid=$(id -u "$user")
	setpriv --reuid "$uid" --regid "$uid" --clear-groups --inh-caps=-all \
		env DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SYSTEM_BUS_ADDRESS" HOME=/nonexistent "$@"
}

# ft_xvfb: an X server (1280x900) for the GUI tests; its display number in
# FT_DISPLAY, its pid in FT_XVFB_PID (the caller kills it at exit).
ft_xvfb() {
	local fifo=$FT_STATE/displayfd
	mkfifo "$fifo"
	Xvfb -displayfd 3 -screen 0 1280x900x24 -nolisten tcp -ac 3>"$fifo" \
		>"$FT_STATE/xvfb.log" 2>&1 &
	FT_XVFB_PID=$!
	read -r -t 15 FT_DISPLAY <"$fifo" || ft_fail "Xvfb did not start"
	rm -f "$fifo"
}

# ft_desktop_as USER HOME [VAR=VALUE...] -- CMD...: CMD as USER with no
# capabilities, as on a desktop: HOME (made, its XDG folders under it), the
# display FT_DISPLAY, the private system bus, a session bus of its own
# (dbus-run-session, so AT-SPI starts there), the Adwaita theme, and of the
# caller's environment only the VARs given (LANG is C.UTF-8 unless given).
ft_desktop_as() {
	local user=$1 home=$2 uid
	shift 2
	local -a vars=()
	while [ "$1" != -- ]; do
		vars+=("$1")
		shift
	done
	shift
	uid=$(id -u "$user")
	mkdir -p "$home/run"
	chmod 700 "$home/run"
	chown -R "$user:" "$home"
	setpriv --reuid "$uid" --regid "$uid" --clear-groups --inh-caps=-all \
		env -i PATH=/usr/bin:/bin HOME="$home" XDG_RUNTIME_DIR="$home/run" \
		XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/share" \
		XDG_CACHE_HOME="$home/cache" DISPLAY=":$FT_DISPLAY" \
		DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SYSTEM_BUS_ADDRESS" LANG=C.UTF-8 \
		GTK_THEME=Adwaita NO_AT_BRIDGE=0 GSETTINGS_BACKEND=memory \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
		"${vars[@]}" dbus-run-session -- "$@"
}

# ft_expect RC OUTFILE CMD...: run CMD, keep stdout+stderr in OUTFILE, check the status.
ft_expect() {
	local want=$1 out=$2 rc=0
	shift 2
	"$@" >"$out" 2>&1 </dev/null || rc=$?
	if [ "$rc" -ne "$want" ]; then
		cat "$out" >&2
		ft_fail "'$*' exited $rc, expected $want"
	fi
}

# ft_grep PATTERN FILE: FILE must match the extended regex.
ft_grep() {
	grep -Eq -- "$1" "$2" || { cat "$2" >&2; ft_fail "no /$1/ in $(basename "$2")"; }
}

# ASan/UBSan builds: a report from roadvpnd is a failure of its own.
ft_check_sanitizer() {
	local f
	for f in "$@"; do
		if grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$f" 2>/dev/null; then
			grep -E -A12 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$f" >&2
			ft_fail "sanitizer report in $(basename "$f")"
		fi
	done
}
