#!/bin/bash
# run.sh: the whole benchmark of issue 7 from one command (as root).
#
#   sudo tools/bench/run.sh [--quick] [--build-dir DIR] [PART...]
#
# Configures (if needed) and builds a release build without sanitizers in
# DIR (default build-bench), then runs the PARTs in this order (default:
# all four):
#   encap    per-packet cost of encap/decap beside crypto only (bench-encap),
#            and the crypto worker pool's scaling over 1..CPUs lanes (bench-pool)
#   tunnel   iperf3 TCP 1/4 flows and UDP through two data planes back to
#            back, with and without offloads, beside a plain veth
#            (bench-tunnel.sh)
#   connect  connect time to a local SoftEther, L2TP/IPsec: median of 10,
#            roadvpnd's CPU vs waiting (bench-connect.sh)
#   memory   roadvpnd's RSS idle with 1 and with 20 connections, plain
#            L2TP to l2tpns and L2TP/IPsec to SoftEther (bench-memory.sh)
# and, only when named, `session` (iperf3 through a real roadvpnd session
# to l2tpns, bench-session.sh).
#
# --quick: short runs to check that everything works (encap 0.05 s per run,
# tunnel 1 s per test, connect 3 times, memory with 5 connections); the
# figures are then rough.
#
# Prints one summary and writes it to DIR/bench-results.txt; each part's
# full output goes to DIR/bench-PART.log. A part that fails or skips is
# named in the summary and the others still run; the exit status is 1 if
# any part failed. The parts that need root create network namespaces of
# their own and remove them; nothing in the default namespace changes.
set -euo pipefail
cd "$(dirname "$0")/../.."

BUILD=build-bench
QUICK=0
PARTS=()
ALL_PARTS=(encap tunnel connect memory)

usage() {
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--quick) QUICK=1 ;;
	--build-dir) BUILD=${2:?}; shift ;;
	encap | tunnel | connect | memory | session) PARTS+=("$1") ;;
	-h | --help) usage ;;
	*) echo "run.sh: unknown argument '$1'" >&2; usage ;;
	esac
	shift
done
[ ${#PARTS[@]} -gt 0 ] || PARTS=("${ALL_PARTS[@]}")

die() { echo "run.sh: $*" >&2; exit 1; }

for part in "${PARTS[@]}"; do
	[ "$part" = encap ] || [ "$(id -u)" -eq 0 ] ||
		die "the $part part needs root (network namespaces, TUN devices)"
done

# A release build without sanitizers: figures from any other build mislead.
build() {
	if [ ! -f "$BUILD/build.ninja" ]; then
		meson setup "$BUILD" --buildtype=release -Dtests=false >&2
	fi
	meson introspect "$BUILD" --buildoptions | python3 -c '
import json, sys
opts = {o["name"]: o["value"] for o in json.load(sys.stdin)}
bad = []
if opts["buildtype"] != "release":
    bad.append("buildtype=%s" % opts["buildtype"])
if opts["b_sanitize"] != "none":
    bad.append("b_sanitize=%s" % opts["b_sanitize"])
sys.exit("%s is not a plain release build (%s)" % (sys.argv[1], ", ".join(bad)) if bad else 0)
' "$BUILD" || die "use another --build-dir, or meson setup --wipe it"
	ninja -C "$BUILD" >&2
}

# The commands of each part; they print their results on stdout.
run_part() {
	local roadvpnd=$PWD/$BUILD/client-core/src/daemon/roadvpnd
	case $1 in
	encap)
		"$BUILD/tools/bench/bench-encap" "$(pick 0.3 0.05)" &&
			"$BUILD/tools/bench/bench-pool" "$(pick 0.3 0.05)"
		;;
	tunnel) tools/bench/bench-tunnel.sh "$BUILD" "$(pick 5 1)" ;;
	connect) ROADVPND=$roadvpnd tools/bench/bench-connect.sh "$(pick 10 3)" ;;
	memory)
		local gw
		for gw in l2tpns softether; do
			MEMORY_GATEWAY=$gw MEMORY_OUT=$PWD/$BUILD/bench-memory-$gw \
				tools/bench/bench-memory.sh "$BUILD" "$(pick 20 5)" "$(pick 5 2)" || return
		done
		;;
	session) ROADVPND=$roadvpnd tools/bench/bench-session.sh "$(pick 3 1)" ;;
	esac
}

# pick FULL QUICK: the value for this mode.
pick() { if [ "$QUICK" -eq 1 ]; then echo "$2"; else echo "$1"; fi; }

machine() {
	local cpu
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	echo "roadvpn benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), commit" \
		"$(git describe --always --dirty 2>/dev/null || echo unknown)$( [ "$QUICK" -eq 0 ] || echo ', QUICK mode (rough figures)')"
	echo "machine: ${cpu:-unknown CPU}, $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)," \
		"Linux $(uname -r), $(openssl version 2>/dev/null | cut -d' ' -f1-2)"
	echo "build: $BUILD (release, no sanitizers)"
}

build
RESULTS=$BUILD/bench-results.txt
machine >"$RESULTS"
status=0
for part in "${PARTS[@]}"; do
	log=$BUILD/bench-$part.log
	echo "run.sh: $part ... (log: $log)" >&2
	rc=0
	: >"$log"
	run_part "$part" 2>>"$log" | tee -a "$log" >"$log.out" || rc=$?
	{
		echo
		case $rc in
		0) echo "== $part" ;;
		77) echo "== $part: SKIPPED ($(grep -m1 '^SKIP' "$log" || echo "see $log"))" ;;
		*) echo "== $part: FAILED (exit status $rc, see $log)"; status=1 ;;
		esac
		cat "$log.out"
	} >>"$RESULTS"
	rm -f "$log.out"
done

cat "$RESULTS"
echo "run.sh: summary in $RESULTS" >&2
exit "$status"
