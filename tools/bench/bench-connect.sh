#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# bench-connect.sh: connect time to the local SoftEther gateway (L2TP/IPsec,
# IKEv1 Main Mode PSK, NAT-T, MS-CHAPv2), N connections (default 10):
# wall time from start to "connected:", roadvpnd's CPU time in that span
# (all its threads, from /proc/PID/task/*/schedstat, ns), and its RSS once
# connected. The log is polled every 5 ms, so wall times carry about 5 ms.
#
#   sudo ROADVPND=build-bench/client-core/src/daemon/roadvpnd tools/bench/bench-connect.sh [N]
set -euo pipefail
N=${1:-10}
. "$(dirname "$0")/../../tests/interop/common.sh"

t_require
rvt_need_cmd /usr/libexec/softether/vpnserver/vpnserver
t_start_peer softether bconn --mode ipsec-natt
T_PSK=$PSK
T_DEBUG=none
t_default_profile "$STATE/connect.profile" mschapv2

cpu_ns() {
	local pid=$1 sum=0 t v
	for t in /proc/"$pid"/task/*/schedstat; do
		read -r v _ <"$t" || continue
		sum=$((sum + v))
	done
	echo $sum
}

: >"$STATE/connect.txt"
for ((i = 1; i <= N; i++)); do
	t_roadvpnd "$STATE/connect.profile"
	until grep -q 'connected:' "$T_LOG" 2>/dev/null; do
		kill -0 "$T_PID" 2>/dev/null || t_fail "roadvpnd exited"
		[ $((($(date +%s%N) - T_T0) / 1000000)) -lt 30000 ] || t_fail "no connection in 30 s"
		sleep 0.005
	done
	wall_ms=$((($(date +%s%N) - T_T0) / 1000000))
	cpu=$(cpu_ns "$T_PID")
	rss=$(awk '/VmRSS|RssAnon/ { printf "%s ", $2 }' /proc/"$T_PID"/status)
	echo "$wall_ms $cpu $rss" >>"$STATE/connect.txt"
	kill -INT "$T_PID"
	t_wait_exit 25
	sleep 0.5
done

python3 - "$STATE/connect.txt" <<'EOF'
import statistics, sys
rows = [list(map(int, l.split())) for l in open(sys.argv[1]) if l.strip()]
wall = [r[0] for r in rows]
cpu = [r[1] / 1e6 for r in rows]
rss = [r[2] for r in rows]
anon = [r[3] for r in rows]
print("connect to SoftEther (IPsec NAT-T, MS-CHAPv2), %d runs:" % len(rows))
print("  wall  median %6.0f ms  [%d-%d]" % (statistics.median(wall), min(wall), max(wall)))
print("  CPU   median %6.1f ms  [%.1f-%.1f]  (waiting: %.0f ms)" %
      (statistics.median(cpu), min(cpu), max(cpu), statistics.median(wall) - statistics.median(cpu)))
print("  RSS connected: median %d KiB, of which anonymous %d KiB (the rest: shared libraries)" %
      (statistics.median(rss), statistics.median(anon)))
EOF
