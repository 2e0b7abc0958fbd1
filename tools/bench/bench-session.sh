#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# bench-session.sh: TCP through a real roadvpnd session (not the bench
# peers), against the local l2tpns gateway from tools/gateways/: upload
# (the TUN hands roadvpnd TSO super-packets it must split) and download
# (roadvpnd coalesces segments into one TUN write). l2tpns is a userspace
# LNS on the same two vCPUs, so the figure is a check that TCP works
# through the offload path at all, not roadvpnd's ceiling.
#
#   sudo ROADVPND=build-bench/client-core/src/daemon/roadvpnd tools/bench/bench-session.sh [SECONDS]
#
# ROADVPN_TUN_OFFLOAD=0 in the environment runs the same with a plain TUN.
set -euo pipefail
SECS=${1:-3}
. "$(dirname "$0")/../../tests/interop/common.sh"

t_require
rvt_need_cmd /usr/sbin/l2tpns freeradius iperf3
t_start_peer l2tpns bench
t_default_profile "$STATE/bench.profile" pap
ip netns exec "$GW_NS" iperf3 -s -B "$PING" -D --pidfile "$STATE/iperf3.pid"
t_roadvpnd "$STATE/bench.profile"
rvt_wait_log "$T_LOG" 'connected:' "$T_CONNECT_TIMEOUT" "$T_PID" || t_fail "not connected"
t_info "connected after $(t_elapsed) s"
sleep 0.3

for dir in upload download; do
	reverse=
	[ "$dir" = download ] && reverse=-R
	ip netns exec "$CL_NS" iperf3 -c "$PING" -t "$SECS" -J $reverse \
		>"$STATE/iperf-$dir.json" || t_fail "iperf3 $dir failed"
	python3 - "$STATE/iperf-$dir.json" "$dir" <<'EOF'
import json, sys
e = json.load(open(sys.argv[1]))["end"]
r = e["sum_received"]
print("  TCP %-8s %6.2f Gbit/s  %d retransmits" %
      (sys.argv[2], r["bits_per_second"] / 1e9, e["sum_sent"].get("retransmits", 0)))
EOF
done

kill "$(cat "$STATE/iperf3.pid")" 2>/dev/null || true
kill -INT "$T_PID"
t_wait_exit 20
[ "$T_RC" -eq 0 ] || t_fail "roadvpnd exited $T_RC"
