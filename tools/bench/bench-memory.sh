#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# bench-memory.sh: memory of one roadvpnd, idle, with no connection, with one
# and with N at once (default 20) (issue 7, item 4).
#
#   sudo tools/bench/bench-memory.sh [BUILD_DIR [N [IDLE_SECONDS]]]
#
# roadvpnd (BUILD_DIR, default build-bench: a release build without
# sanitizers) serves a private system bus with the real polkitd, in the
# front-end test harness (tests/frontends/harness.sh: private pid and mount
# namespaces). It runs in the client namespace of a local l2tpns gateway
# (tools/gateways/l2tpns.sh, plain L2TP, CHAP-MD5; l2tpns takes many
# sessions from one client, one user each). An unprivileged user connects
# the profiles with the roadvpn CLI, so polkit is asked as in real use.
# Each connection must be "up" with its own rvpn* device; after IDLE_SECONDS
# (default 5) the script reads /proc/PID/status and smaps_rollup.
#
# Prints RSS (anonymous and file-backed), PSS, private dirty memory and
# threads for 0, 1 and N connections, the increment per connection
# ((N - 1 connection) / (N - 1)), and where the RSS of one connection goes,
# per mapping. MEMORY_OUT=DIR keeps the samples and the full mapping tables.
#
# MEMORY_GATEWAY=softether runs the same against the local SoftEther in
# L2TP/IPsec mode (NAT-T, MS-CHAPv2, user alice for every connection).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=${1:-build-bench}
N=${2:-20}
IDLE=${3:-5}
export ROADVPND=${ROADVPND:-$PWD/$BUILD/client-core/src/daemon/roadvpnd}
export ROADVPN=${ROADVPN:-$PWD/$BUILD/cli/roadvpn}
. "$HERE/../../tests/frontends/harness.sh"
GW=$FT_SRC/tools/gateways
REPORT=$HERE/memory-report.py
GATEWAY_KIND=${MEMORY_GATEWAY:-l2tpns}

ft_require
if [ -z "${FT_INNER:-}" ]; then
	[ "$N" -ge 2 ] || ft_fail "N must be at least 2 (the increment is (N - 1) / (N - 1))"
	FT_GW_NAME=bm$$
	gw_args=()
	case $GATEWAY_KIND in
	l2tpns)
		command -v /usr/sbin/l2tpns >/dev/null && command -v freeradius >/dev/null ||
			ft_skip "l2tpns or freeradius missing"
		gw_args=(--users "$N")
		;;
	softether)
		[ -x /usr/libexec/softether/vpnserver/vpnserver ] || ft_skip "SoftEther missing"
		gw_args=(--mode ipsec-natt)
		;;
	*) ft_fail "MEMORY_GATEWAY is l2tpns or softether, not '$GATEWAY_KIND'" ;;
	esac
	trap '"$GW/$GATEWAY_KIND.sh" stop --name "$FT_GW_NAME" >/dev/null 2>&1 || true' EXIT
	"$GW/$GATEWAY_KIND.sh" start --name "$FT_GW_NAME" "${gw_args[@]}" >/dev/null ||
		ft_fail "could not start $GATEWAY_KIND"
	export FT_CLIENT_ENV=/tmp/roadvpn-test/$FT_GW_NAME/client.env
	ft_run_inner "$@"
	[ "$FT_RC" -eq 0 ] || exit "$FT_RC"
	cat "$FT_STATE/memory.txt"
	if [ -n "${MEMORY_OUT:-}" ]; then
		mkdir -p "$MEMORY_OUT"
		cp "$FT_STATE"/memory-* "$MEMORY_OUT/"
	fi
	exit 0
fi

# shellcheck source=/dev/null
. "$FT_CLIENT_ENV"
trap ft_stop_roadvpnd EXIT

# profile NAME USER: to the gateway, no routes, no DNS (N connections would
# fight over the namespace's resolv.conf), secrets stored. l2tpns: plain
# L2TP, CHAP, one user each; SoftEther: L2TP/IPsec, MS-CHAPv2, alice.
profile() {
	local ipsec="enabled=false" user=$2 auth=chap
	if [ "$GATEWAY_KIND" = softether ]; then
		ipsec="enabled=true
psk=$PSK"
		user=$USER auth=mschapv2
	fi
	cat >"$FT_STATE/connections/$1.conf" <<-EOF
		[connection]
		gateway=$GATEWAY
		reconnect=false
		[ipsec]
		$ipsec
		[ppp]
		user=$user
		password=$PASSWORD
		auth=$auth
		[ip]
		default-route=false
		dns=false
		ipv6=off
	EOF
	chmod 600 "$FT_STATE/connections/$1.conf"
}

# connect FIRST LAST: connect mFIRST..mLAST at once, as an unprivileged user.
connect() {
	local i pids=() rc=0
	for ((i = $1; i <= $2; i++)); do
		ft_as rvtest-allowed "$ROADVPN" connect "m$i" --wait >"$FT_STATE/connect-$i.log" 2>&1 \
			</dev/null &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || rc=$?
	done
	[ "$rc" -eq 0 ] || { cat "$FT_STATE"/connect-*.log >&2; ft_fail "a connect failed ($rc)"; }
}

# check_up COUNT: COUNT connections up, each with an rvpn device of its own.
check_up() {
	local up devs
	up=$("$ROADVPN" status --json | grep -o '"state": "up"' | wc -l)
	devs=$(ip -n "$CL_NS" -br link | grep -c '^rvpn[0-9]*' || true)
	[ "$up" -eq "$1" ] || ft_fail "$up connections up, expected $1"
	[ "$devs" -eq "$1" ] || ft_fail "$devs rvpn devices, expected $1"
}

# measure LABEL: idle for IDLE seconds, then sample roadvpnd.
measure() {
	sleep "$IDLE"
	python3 "$REPORT" sample "$FT_ROADVPND_PID" >"$FT_STATE/memory-sample-$1.txt"
	python3 "$REPORT" mappings "$FT_ROADVPND_PID" 1000 >"$FT_STATE/memory-mappings-$1.txt"
	python3 "$REPORT" mappings "$FT_ROADVPND_PID" 12 >"$FT_STATE/memory-top-$1.txt"
}

ft_start_bus
ft_start_polkit
mkdir -p "$FT_STATE/connections"
for ((i = 1; i <= N; i++)); do
	profile "m$i" "user$i"
done
# A binary just linked has dirty page-cache pages, which smaps counts as
# private dirty memory until they are written back.
sync "$ROADVPND"
ft_start_roadvpnd "$CL_NS"
measure 0

connect 1 1
check_up 1
measure 1

connect 2 "$N"
check_up "$N"
measure "$N"

{
	echo "roadvpnd $("$ROADVPND" --version | cut -d' ' -f2), idle ${IDLE} s, $(
		[ "$GATEWAY_KIND" = softether ] && echo "L2TP/IPsec sessions to SoftEther" ||
			echo "plain L2TP sessions to l2tpns") (polkit, private bus):"
	python3 "$REPORT" table "0=$FT_STATE/memory-sample-0.txt" \
		"1=$FT_STATE/memory-sample-1.txt" "$N=$FT_STATE/memory-sample-$N.txt"
	echo "  where the RSS with 1 connection goes (every mapping:" \
		"${MEMORY_OUT:-$FT_STATE}/memory-mappings-1.txt):"
	sed 's/^/  /' "$FT_STATE/memory-top-1.txt"
} >"$FT_STATE/memory.txt"

"$ROADVPN" disconnect --all >/dev/null
ft_stop_roadvpnd
[ "$FT_ROADVPND_RC" -eq 0 ] || ft_fail "roadvpnd exited $FT_ROADVPND_RC after SIGTERM"
ft_check_sanitizer "$FT_STATE/roadvpnd.log"
