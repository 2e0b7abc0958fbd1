#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# roadvpn demo: a real SoftEther VPN Server in a network namespace, roadvpnd
# connecting to it from a second namespace, a ping through the tunnel, and a
# clean disconnect. Nothing touches the host's interfaces, routes or DNS.
#
#   sudo tools/demo.sh [--keep] [--plain]
#
#   --keep    stay connected until Ctrl-C (try: sudo ip netns exec rvt-demo-cl bash)
#   --plain   plain L2TP (unencrypted) instead of L2TP/IPsec with a
#             pre-shared key (SoftEther in its stock NAT-T mode)
#
# roadvpnd is taken from $ROADVPND, else ./build/client-core/src/daemon/roadvpnd.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GW=$ROOT/tools/gateways
# shellcheck disable=SC2034 # read by lib.sh
RVT_PROG=demo.sh
# shellcheck source=gateways/lib.sh
. "$GW/lib.sh"

KEEP=no
MODE=ipsec-natt
while [ $# -gt 0 ]; do
	case $1 in
	--keep) KEEP=yes ;;
	--plain) MODE=raw-l2tp ;;
	--ipsec) MODE=ipsec-natt ;;
	-h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "usage: $0 [--keep] [--plain]" >&2; exit 2 ;;
	esac
	shift
done

ROADVPND=${ROADVPND:-$ROOT/build/client-core/src/daemon/roadvpnd}
[ "$(id -u)" -eq 0 ] || rvt_die "run me as root (network namespaces): sudo $0"
[ -x "$ROADVPND" ] || rvt_die "no roadvpnd at $ROADVPND (build it: meson setup build && ninja -C build), or set ROADVPND"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

NAME=demo
rvt_init "$NAME"
DAEMON_PID=

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
		step "disconnecting (SIGINT to roadvpnd $DAEMON_PID)"
		kill -INT "$DAEMON_PID" 2>/dev/null || true
		local st=0
		wait "$DAEMON_PID" || st=$?
		echo "roadvpnd exited with status $st"
		tail -n 5 "$RVT_STATE/roadvpnd.log" | sed 's/^/  | /'
	fi
	step "stopping the gateway and deleting the namespaces"
	"$GW/softether.sh" stop --name "$NAME"
	echo "logs kept in $RVT_STATE"
	exit "$rc"
}

step "starting SoftEther VPN Server ($MODE) in namespace $RVT_GW_NS (198.51.100.1)"
trap cleanup EXIT
trap 'exit 130' INT TERM
"$GW/softether.sh" start --name "$NAME" --mode "$MODE" >/dev/null
# shellcheck source=/dev/null
. "$RVT_STATE/client.env"
echo "gateway $GATEWAY, user $USER, client namespace $CL_NS ($CLIENT_UNDERLAY)"

PROFILE=$RVT_STATE/demo.profile
IPSEC="enabled=false"
if [ "$MODE" != raw-l2tp ]; then
	IPSEC="enabled=true
auth=psk
psk=$PSK"
fi
umask 077
cat >"$PROFILE" <<EOF
[connection]
name=demo
gateway=$GATEWAY
[ipsec]
$IPSEC
[ppp]
user=$USER
password=$PASSWORD
auth=mschapv2
[ip]
default-route=false
routes=203.0.113.0/24
dns=true
ipv6=off
EOF
step "profile $PROFILE"
grep -v -e '^password=' -e '^psk=' "$PROFILE" | sed 's/^/  /'

step "connecting: ip netns exec $CL_NS roadvpnd --foreground --profile $PROFILE"
ip netns exec "$CL_NS" env DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent/rvt \
	"$ROADVPND" --foreground --profile "$PROFILE" 2>"$RVT_STATE/roadvpnd.log" &
DAEMON_PID=$!
if ! rvt_wait_log "$RVT_STATE/roadvpnd.log" 'connected:' 40 "$DAEMON_PID"; then
	tail -n 20 "$RVT_STATE/roadvpnd.log" >&2
	rvt_die "roadvpnd did not connect"
fi
sed 's/^/  | /' "$RVT_STATE/roadvpnd.log"

TUN=$(ip -n "$CL_NS" -br link | awk '$1 ~ /^rvpn[0-9]+/ {sub(/@.*/, "", $1); print $1; exit}')
[ -n "$TUN" ] || rvt_die "no rvpn device"

step "the tunnel device ($TUN), its routes and DNS in $CL_NS"
ip -n "$CL_NS" addr show dev "$TUN"
ip -n "$CL_NS" route show dev "$TUN"
grep nameserver "/etc/netns/$CL_NS/resolv.conf" || true

step "ping $PING (SoftEther's SecureNAT host) through the tunnel"
ip netns exec "$CL_NS" ping -n -c 3 -W 2 -I "$TUN" "$PING"

if [ "$KEEP" = yes ]; then
	step "connected; Ctrl-C to disconnect (shell in the client: sudo ip netns exec $CL_NS bash)"
	wait "$DAEMON_PID" || true
fi
