# shellcheck shell=bash disable=SC2034
# Shared helpers for the real-peer gateways and the interop tests.
#
# Everything network-touching happens inside network namespaces we create
# (prefix "rvt-"); nothing is added to the default namespace. Each topology
# has a state directory $RVT_STATE_ROOT/<name> holding logs, configs, PID
# files and client.env. Processes are stopped only by the PIDs we recorded,
# after checking that they still live in our namespace.
#
# Source it; it does not change shell options of the caller except that the
# caller is expected to run under `set -euo pipefail`.

RVT_STATE_ROOT=${RVT_STATE_ROOT:-/tmp/roadvpn-test}
RVT_GW_ADDR=198.51.100.1
RVT_CL_ADDR=198.51.100.2
RVT_NAT_INSIDE=192.0.2.1
RVT_NAT_CLIENT=192.0.2.2

rvt_log() { printf '%s: %s\n' "${RVT_PROG:-rvt}" "$*" >&2; }
rvt_die() { rvt_log "error: $*"; exit 1; }

# Exit 77 (meson "skip") with a reason.
rvt_skip() { printf 'SKIP: %s\n' "$*" >&2; exit 77; }

rvt_need_root() {
	[ "$(id -u)" -eq 0 ] || rvt_skip "needs root (network namespaces)"
}

# rvt_need_cmd CMD...: skip when a tool is missing.
rvt_need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || [ -x "$c" ] || rvt_skip "missing $c"
	done
}

# rvt_init NAME: set the namespace names and the state directory for NAME.
# Names stay short: a namespace name is also used in /etc/netns/<name>.
rvt_init() {
	RVT_NAME=$1
	RVT_GW_NS=rvt-$1-gw
	RVT_CL_NS=rvt-$1-cl
	RVT_NAT_NS=rvt-$1-nat
	RVT_STATE=$RVT_STATE_ROOT/$1
	RVT_PIDS=$RVT_STATE/pids
}

rvt_ns_exists() { [ -e "/run/netns/$1" ]; }

rvt_ns_add() {
	rvt_ns_exists "$1" && rvt_die "namespace $1 already exists (stale run? try: stop)"
	ip netns add "$1"
	ip -n "$1" link set lo up
}

rvt_ns_del() {
	if rvt_ns_exists "$1"; then
		ip netns del "$1" || rvt_log "could not delete namespace $1"
	fi
	if [ -d "/etc/netns/$1" ]; then
		rm -f "/etc/netns/$1/resolv.conf"
		rmdir "/etc/netns/$1" 2>/dev/null || true
		rmdir /etc/netns 2>/dev/null || true
	fi
}

# A private resolv.conf for a namespace: `ip netns exec` bind-mounts it over
# /etc/resolv.conf, so DNS changes made inside never reach the host's file.
rvt_ns_resolv() {
	mkdir -p "/etc/netns/$1"
	printf '# roadvpn test namespace %s\nnameserver 127.0.0.53\n' "$1" \
		>"/etc/netns/$1/resolv.conf"
}

# rvt_topology_pair: gateway ns <-veth-> client ns, 198.51.100.0/24.
# The veth is created inside the gateway ns with its peer put straight into
# the client ns, so no device ever appears in the default namespace.
rvt_topology_pair() {
	mkdir -p "$RVT_PIDS"
	rvt_ns_add "$RVT_GW_NS"
	rvt_ns_add "$RVT_CL_NS"
	rvt_ns_resolv "$RVT_CL_NS"
	ip -n "$RVT_GW_NS" link add rv-gw type veth peer name rv-cl netns "$RVT_CL_NS"
	ip -n "$RVT_GW_NS" addr add "$RVT_GW_ADDR/24" dev rv-gw
	ip -n "$RVT_CL_NS" addr add "$RVT_CL_ADDR/24" dev rv-cl
	ip -n "$RVT_GW_NS" link set rv-gw up
	ip -n "$RVT_CL_NS" link set rv-cl up
	rvt_wait_ll "$RVT_CL_NS" rv-cl
	RVT_CL_UNDERLAY=$RVT_CL_ADDR
}

# rvt_wait_ll NS DEV: let the link-local IPv6 address settle (DAD), so that
# route snapshots taken later are stable.
rvt_wait_ll() {
	local i
	for ((i = 0; i < 50; i++)); do
		if ip -n "$1" -6 addr show dev "$2" scope link | grep -q inet6 &&
			! ip -n "$1" -6 addr show dev "$2" | grep -q tentative; then
			return 0
		fi
		sleep 0.1
	done
}

# rvt_topology_nat: client ns (192.0.2.2/24) -> nat ns (192.0.2.1 inside,
# 198.51.100.2 outside, nft masquerade) -> gateway ns (198.51.100.1).
# The client sees the gateway only through the NAT, like a laptop at home.
rvt_topology_nat() {
	mkdir -p "$RVT_PIDS"
	rvt_ns_add "$RVT_GW_NS"
	rvt_ns_add "$RVT_NAT_NS"
	rvt_ns_add "$RVT_CL_NS"
	rvt_ns_resolv "$RVT_CL_NS"
	ip -n "$RVT_GW_NS" link add rv-gw type veth peer name rv-out netns "$RVT_NAT_NS"
	ip -n "$RVT_NAT_NS" link add rv-in type veth peer name rv-cl netns "$RVT_CL_NS"
	ip -n "$RVT_GW_NS" addr add "$RVT_GW_ADDR/24" dev rv-gw
	ip -n "$RVT_NAT_NS" addr add "$RVT_CL_ADDR/24" dev rv-out
	ip -n "$RVT_NAT_NS" addr add "$RVT_NAT_INSIDE/24" dev rv-in
	ip -n "$RVT_CL_NS" addr add "$RVT_NAT_CLIENT/24" dev rv-cl
	local ns dev
	for ns in "$RVT_GW_NS:rv-gw" "$RVT_NAT_NS:rv-out" "$RVT_NAT_NS:rv-in" "$RVT_CL_NS:rv-cl"; do
		dev=${ns#*:}
		ip -n "${ns%%:*}" link set "$dev" up
	done
	ip -n "$RVT_CL_NS" route add default via "$RVT_NAT_INSIDE"
	rvt_wait_ll "$RVT_CL_NS" rv-cl
	ip netns exec "$RVT_NAT_NS" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$RVT_NAT_NS" nft -f - <<-EOF
		table ip rvt_nat {
			chain post {
				type nat hook postrouting priority srcnat; policy accept;
				oifname "rv-out" masquerade
			}
		}
	EOF
	RVT_CL_UNDERLAY=$RVT_NAT_CLIENT
}

# rvt_topology_down: delete every namespace of this topology.
rvt_topology_down() {
	rvt_ns_del "$RVT_CL_NS"
	rvt_ns_del "$RVT_NAT_NS"
	rvt_ns_del "$RVT_GW_NS"
}

# rvt_ns_inode NS: the inode of the namespace's nsfs handle.
rvt_ns_inode() { stat -L -c %i "/run/netns/$1" 2>/dev/null; }

# rvt_pid_in_ns PID NS: true when PID is alive and lives in namespace NS.
rvt_pid_in_ns() {
	local link want stat
	[ -d "/proc/$1" ] || return 1
	# a zombie is gone for our purposes (init here may reap it late)
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ] || return 1
	link=$(readlink "/proc/$1/ns/net" 2>/dev/null) || return 1
	want=$(rvt_ns_inode "$2") || return 1
	[ "$link" = "net:[$want]" ]
}

# rvt_record LABEL NS PID: remember a process we started.
rvt_record() {
	mkdir -p "$RVT_PIDS"
	printf '%s %s\n' "$3" "$2" >"$RVT_PIDS/$1"
}

# rvt_spawn LABEL NS LOG CMD...: start CMD in NS in the background, stdout
# and stderr to LOG, and record its PID (ip netns exec execs CMD itself).
rvt_spawn() {
	local label=$1 ns=$2 log=$3
	shift 3
	ip netns exec "$ns" "$@" >"$log" 2>&1 </dev/null &
	rvt_record "$label" "$ns" "$!"
	RVT_LAST_PID=$!
}

# rvt_stop LABEL [TIMEOUT_S]: SIGTERM the recorded PID (only if it still lives
# in our namespace), wait, then SIGKILL. Returns the PID file's removal.
rvt_stop() {
	local f=$RVT_PIDS/$1 pid ns i
	[ -f "$f" ] || return 0
	read -r pid ns <"$f"
	if rvt_pid_in_ns "$pid" "$ns"; then
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < ${2:-50}; i++)); do
			rvt_pid_in_ns "$pid" "$ns" || break
			sleep 0.1
		done
		if rvt_pid_in_ns "$pid" "$ns"; then
			rvt_log "$1 (pid $pid) still running ${2:-50}00 ms after SIGTERM; SIGKILL"
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	# reap it if it is our child
	wait "$pid" 2>/dev/null || true
	rm -f "$f"
}

# rvt_stop_all: stop every recorded process of this topology, one by one.
rvt_stop_all() {
	local f
	[ -d "$RVT_PIDS" ] || return 0
	for f in "$RVT_PIDS"/*; do
		[ -e "$f" ] || continue
		rvt_stop "$(basename "$f")"
	done
}

# rvt_wait_udp NS PORT [ADDR] [TIMEOUT_S]: wait until something listens.
rvt_wait_udp() {
	local ns=$1 port=$2 addr=${3:-} t=${4:-20} i
	for ((i = 0; i < t * 10; i++)); do
		if ip netns exec "$ns" ss -Hunl "sport = :$port" | grep -q "${addr:-.}"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# rvt_wait_tcp NS PORT [TIMEOUT_S]
rvt_wait_tcp() {
	local ns=$1 port=$2 t=${3:-20} i
	for ((i = 0; i < t * 10; i++)); do
		ip netns exec "$ns" ss -Htnl "sport = :$port" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

# rvt_wait_log FILE PATTERN TIMEOUT_S [PID]: wait for an extended regex in a
# log; gives up early when PID (if given) has exited.
rvt_wait_log() {
	local file=$1 pat=$2 t=$3 pid=${4:-} i
	for ((i = 0; i < t * 10; i++)); do
		grep -Eq -- "$pat" "$file" 2>/dev/null && return 0
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
			grep -Eq -- "$pat" "$file" 2>/dev/null
			return
		fi
		sleep 0.1
	done
	return 1
}

# rvt_write_env FILE KEY=VALUE...: a shell-sourceable client.env.
rvt_write_env() {
	local f=$1 kv
	shift
	: >"$f"
	for kv in "$@"; do
		printf '%s=%q\n' "${kv%%=*}" "${kv#*=}" >>"$f"
	done
}
