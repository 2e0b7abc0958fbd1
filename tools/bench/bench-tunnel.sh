#!/bin/bash
# bench-tunnel.sh: iperf3 through two roadvpn data planes back to back (issue 7, item 2).
#
#   sudo tools/bench/bench-tunnel.sh [BUILD_DIR [SECONDS]]
#
# Builds nothing: BUILD_DIR (default build-bench, a --buildtype=release build
# without sanitizers) must hold tools/bench/roadvpn-bench-peer. Creates two
# network namespaces joined by a veth (underlay 198.51.100.0/24), starts
# roadvpn-bench-peer (one TUN per namespace, overlay 203.0.113.1 <-> .2,
# L2TP-over-ESP-in-UDP on fixed test keys, SUITE=gcm|cbc|3des, default gcm;
# CRYPTO_WORKERS=N gives each end N crypto threads, default 0)
# in each of MODES (default "plain --tun-offload --offload": no offloads,
# TUN vnet header only, TUN + UDP GSO/GRO), runs iperf3 TCP with 1 and 4
# flows and a UDP flood through the tunnel, then the same on the bare veth.
# Prints Gbit/s and the data planes' CPU seconds per GB carried (the peers'
# packet and system-call counters go to stderr). Everything it creates is
# removed on exit; the default namespace is not touched.
set -euo pipefail

BUILD=${1:-build-bench}
SECS=${2:-5}
SUITE=${SUITE:-gcm}
CRYPTO_WORKERS=${CRYPTO_WORKERS:-0}
PEER=$BUILD/tools/bench/roadvpn-bench-peer
NSA=rvbench-a
NSB=rvbench-b
TUN_MTU=${TUN_MTU:-1400}
VETH_MTU=${VETH_MTU:-1500}
OUT=$(mktemp -d /tmp/rvbench.XXXXXX)
PEER_PID=
SERVER_PID=

die() { echo "bench-tunnel: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (namespaces, TUN)"
[ -x "$PEER" ] || die "$PEER not built (ninja -C $BUILD tools/bench/roadvpn-bench-peer)"
command -v iperf3 >/dev/null || die "iperf3 not installed"

stop_pid() {
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

cleanup() {
	stop_pid "$SERVER_PID"
	stop_pid "$PEER_PID"
	ip netns del $NSA 2>/dev/null || true
	ip netns del $NSB 2>/dev/null || true
	rm -rf "$OUT"
}
trap cleanup EXIT

setup_ns() {
	ip netns add $NSA
	ip netns add $NSB
	ip link add rvbench-va netns $NSA type veth peer name rvbench-vb netns $NSB
	ip -n $NSA addr add 198.51.100.1/24 dev rvbench-va
	ip -n $NSB addr add 198.51.100.2/24 dev rvbench-vb
	for ns in $NSA $NSB; do
		ip -n $ns link set lo up
	done
	ip -n $NSA link set rvbench-va mtu "$VETH_MTU" up
	ip -n $NSB link set rvbench-vb mtu "$VETH_MTU" up
}

# CPU ticks (user + system) of a process so far.
cpu_ticks() {
	awk '{ print $14 + $15 }' /proc/"$1"/stat
}

start_peer() {
	"$PEER" $1 --suite "$SUITE" --crypto-workers "$CRYPTO_WORKERS" $NSA $NSB >"$OUT/peer.out" 2>"$OUT/peer.err" &
	PEER_PID=$!
	for _ in $(seq 50); do
		grep -q ready "$OUT/peer.out" 2>/dev/null && break
		kill -0 $PEER_PID 2>/dev/null || { cat "$OUT/peer.err" >&2; die "peer exited"; }
		sleep 0.1
	done
	grep -q ready "$OUT/peer.out" || die "peer not ready"
	ip -n $NSA link set rvb0 mtu $TUN_MTU up
	ip -n $NSB link set rvb0 mtu $TUN_MTU up
	ip -n $NSA addr add 203.0.113.1 peer 203.0.113.2 dev rvb0
	ip -n $NSB addr add 203.0.113.2 peer 203.0.113.1 dev rvb0
	ip netns exec $NSA ping -c 1 -W 2 203.0.113.2 >/dev/null || die "no ping through the tunnel"
}

# The peers' counters (packets per system call) go with the diagnostics, to stderr.
stop_peer() {
	stop_pid "$PEER_PID"
	PEER_PID=
	sed "s/^/    ${1:-}: /" "$OUT/peer.err" >&2
}

# iperf3 JSON -> "Gbit/s bytes host-cpu%" (what the receiver got).
parse_iperf() {
	python3 - "$1" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
e = j["end"]
s = e.get("sum_received") or e.get("sum")
if "sum_received" not in e and "lost_percent" in s:
    s = dict(s, bits_per_second=s["bits_per_second"] * (1 - s["lost_percent"] / 100.0),
             bytes=s["bytes"] * (1 - s["lost_percent"] / 100.0))
print("%.2f %d %.0f %s" % (s["bits_per_second"] / 1e9, s["bytes"],
                           e["cpu_utilization_percent"]["host_total"],
                           e.get("sum_sent", {}).get("retransmits", "-")))
EOF
}

# run_iperf LABEL DST PID-to-charge-or-empty iperf3-args...
run_iperf() {
	local label=$1 dst=$2 pid=$3 t0 t1 res gbps bytes hcpu retr cpu_s
	shift 3
	t0=0
	[ -n "$pid" ] && t0=$(cpu_ticks "$pid")
	ip netns exec $NSA iperf3 -c "$dst" -t "$SECS" -J "$@" >"$OUT/iperf.json" 2>"$OUT/iperf.err" ||
		die "iperf3 $label failed"
	[ -n "$pid" ] && t1=$(cpu_ticks "$pid")
	res=$(parse_iperf "$OUT/iperf.json")
	read -r gbps bytes hcpu retr <<<"$res"
	if [ -n "$pid" ]; then
		cpu_s=$(awk -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }')
		printf "  %-32s %6s Gbit/s  data planes %5s CPU s %5s CPU s/GB  client CPU %3s%%  retr %s\n" \
			"$label" "$gbps" "$cpu_s" \
			"$(awk -v c="$cpu_s" -v b="$bytes" 'BEGIN { printf "%.2f", b ? c / (b / 1e9) : 0 }')" \
			"$hcpu" "$retr"
	else
		printf "  %-32s %6s Gbit/s  %-38s client CPU %3s%%  retr %s\n" "$label" "$gbps" "" \
			"$hcpu" "$retr"
	fi
}

run_set() {
	local name=$1 dst=$2 pid=$3 udp_len=$4
	run_iperf "$name TCP 1 flow" "$dst" "$pid"
	run_iperf "$name TCP 4 flows" "$dst" "$pid" -P 4
	run_iperf "$name UDP (-b 0)" "$dst" "$pid" -u -b 0 -l "$udp_len"
}

setup_ns
ip netns exec $NSB iperf3 -s >/dev/null 2>&1 &
SERVER_PID=$!
sleep 0.5

echo "bench-tunnel: suite $SUITE, $CRYPTO_WORKERS crypto workers per end, ${SECS} s per test, TUN MTU $TUN_MTU, $(nproc) CPUs, $(uname -r)"
for mode in ${MODES:-plain --tun-offload --offload}; do
	[ "$mode" = plain ] && mode=
	start_peer "$mode"
	run_set "tunnel ${mode:-plain}" 203.0.113.2 "$PEER_PID" $((TUN_MTU - 28))
	stop_peer "${mode:-plain}"
done
run_set "veth (no tunnel)" 198.51.100.2 "" 1472
