#!/bin/bash
# shellcheck disable=SC2034  # RVT_PROG is read by lib.sh
# shellcheck source-path=SCRIPTDIR
# SoftEther VPN Server as a real L2TP (and L2TP/IPsec) gateway in a network
# namespace pair.
#
#   softether.sh start [--name NAME] [--mode raw-l2tp|ipsec-natt|ipsec-raw] [--nat] [--securenat-nat]
#   softether.sh stop  [--name NAME]
#   softether.sh stop-server|start-server [--name NAME] [--mode ...]  (restart: config kept)
#   softether.sh probe [--name NAME]   (SCCRQ, or IKE Main Mode message 1)
#
# Modes:
#   raw-l2tp    plain L2TP on udp/1701, no IPsec.
#   ipsec-natt  L2TP/IPsec PSK, ListenIP 0.0.0.0: the server fakes NAT-D, so
#               NAT-T (udp/4500, UDP-encapsulated ESP) is mandatory.
#   ipsec-raw   L2TP/IPsec PSK, ListenIP = gateway address: plain ESP (IP
#               protocol 50) works too.
# --nat puts a masquerading NAT namespace between client and gateway.
# --securenat-nat lets SecureNAT's NAT reach the gateway namespace's own
# addresses (TCP through the tunnel to a server there); off by default.
# --bridge-tap bridges the hub to a tap device in the gateway namespace,
# tap_rvt with 203.0.113.1/24 (TAP=203.0.113.1 in client.env): TCP through
# the tunnel then ends in a Linux kernel, not in SecureNAT's own stack.
#
# User alice / alice-secret (hub VPN, the L2TP default hub), PSK rvt-psk.
# SecureNAT host 203.0.113.254, DHCP 203.0.113.10-100, DNS .253/.252.
#
# Quirks absorbed here (research/peer-l2tpns-softether-raw-l2tp.md,
# research/peer-softether-l2tp-ipsec.md):
#  - state paths are compiled in (/var/lib/softether, /var/log/softether,
#    /run/softether, /tmp): we run it in a private mount namespace with
#    tmpfs over /var/lib, /var/log and /run and our folders bound on top, so
#    the host's filesystem is never touched (not even empty mount points).
#  - a seeded vpn_server.config turns off everything that would phone home
#    (DDNS, keep-alive, NAT traversal, VPN Azure); vpncmd does the rest.
#  - issue 1854: a new tunnel within ~1 s of a torn-down one wedges its L2TP
#    server. Callers keep sessions >= 3 s apart (see client.env SESSION_GAP).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RVT_PROG=softether.sh
# shellcheck source=lib.sh
. "$HERE/lib.sh"

VPNSERVER=/usr/libexec/softether/vpnserver/vpnserver
VPNCMD=/usr/libexec/softether/vpncmd/vpncmd
PSK=rvt-psk

seed_config() {
	local listen_ip=$1
	cat >"$RVT_STATE/lib/vpn_server.config" <<-EOF
		# roadvpn test seed; the server completes it on first start
		declare root
		{
			declare DDnsClient
			{
				bool Disabled true
			}
			declare ListenerList
			{
				declare Listener0
				{
					bool DisableDos true
					bool Enabled true
					uint Port 5555
				}
			}
			declare ServerConfiguration
			{
				bool DisableCoreDumpOnUnix true
				bool DisableDosProtection true
				bool DisableNatTraversal true
				bool EnableVpnAzure false
				bool UseKeepConnect false
				bool UseWebUI false
				bool DisableJsonRpcWebApi true
				bool DisableIPv6Listener true
				bool DisableIPsecAggressiveMode true
				string ListenIP $listen_ip
				string PortsUDP $
				declare Proto
				{
					declare OpenVPN
					{
						bool Enabled false
					}
					declare SSTP
					{
						bool Enabled false
					}
				}
			}
		}
	EOF
}

# The server's private mount namespace; $1 = state dir.
# shellcheck disable=SC2016
MOUNT_SCRIPT='set -e
for d in lib log run; do
	case $d in lib) t=/var/lib ;; log) t=/var/log ;; run) t=/run ;; esac
	mount -t tmpfs -o mode=0755 rvt "$t"
	mkdir "$t/softether"
	mount --bind "$1/$d" "$t/softether"
done
mount --bind "$1/resolv.conf" /etc/resolv.conf
mount --bind "$1/tmp" /tmp
exec "$2" start --foreground'

start_server() {
	mkdir -p "$RVT_STATE"/{lib,log,run,tmp}
	printf 'nameserver 127.0.0.1\n' >"$RVT_STATE/resolv.conf"
	rvt_spawn vpnserver "$RVT_GW_NS" "$RVT_STATE/vpnserver.log" \
		unshare -m --propagation private sh -c "$MOUNT_SCRIPT" sh "$RVT_STATE" "$VPNSERVER"
	SERVER_PID=$RVT_LAST_PID
	rvt_wait_tcp "$RVT_GW_NS" 5555 30 ||
		rvt_die "vpnserver does not listen on tcp/5555 (see $RVT_STATE/vpnserver.log)"
}

vpncmd_script() {
	local ipsec_on=$1 raw_on=$2
	cat <<-EOF
		HubCreate VPN /PASSWORD:none
		Hub VPN
		UserCreate alice /GROUP:none /REALNAME:none /NOTE:none
		UserPasswordSet alice /PASSWORD:alice-secret
		SecureNatHostSet /MAC:none /IP:203.0.113.254 /MASK:255.255.255.0
		DhcpSet /START:203.0.113.10 /END:203.0.113.100 /MASK:255.255.255.0 /EXPIRE:7200 /GW:${SECURENAT_GW:-none} /DNS:203.0.113.253 /DNS2:203.0.113.252 /DOMAIN:none /LOG:yes
		Nat${SECURENAT_NAT:-Disable}
		SecureNatEnable
		IPsecEnable /L2TP:$ipsec_on /L2TPRAW:$raw_on /ETHERIP:no /PSK:$PSK /DEFAULTHUB:VPN
		IPsecGet
	EOF
	# a tap device in the gateway namespace on the hub's segment (--bridge-tap)
	[ -z "${BRIDGE_TAP:-}" ] || echo "BridgeCreate VPN /DEVICE:rvt /TAP:yes"
}

configure_server() {
	local ipsec_on=no raw_on=yes
	case $MODE in
	raw-l2tp) ;;
	ipsec-natt | ipsec-raw) ipsec_on=yes raw_on=no ;;
	esac
	# vpncmd joins the server's mounts (its private /tmp is $RVT_STATE/tmp).
	vpncmd_script "$ipsec_on" "$raw_on" >"$RVT_STATE/tmp/vpncmd.in"
	if ! nsenter -t "$SERVER_PID" -m -n "$VPNCMD" "$RVT_GW_ADDR:5555" /SERVER \
		/IN:/tmp/vpncmd.in /OUT:/tmp/vpncmd.out >/dev/null 2>&1; then
		rvt_die "vpncmd failed (see $RVT_STATE/tmp/vpncmd.out)"
	fi
	if grep -q 'Error occurred' "$RVT_STATE/tmp/vpncmd.out"; then
		rvt_die "vpncmd reported errors (see $RVT_STATE/tmp/vpncmd.out)"
	fi
}

wait_ready() {
	case $MODE in
	raw-l2tp)
		rvt_wait_udp "$RVT_GW_NS" 1701 "" 20 || rvt_die "no listener on udp/1701"
		;;
	ipsec-natt | ipsec-raw)
		rvt_wait_udp "$RVT_GW_NS" 500 "" 20 || rvt_die "no listener on udp/500"
		rvt_wait_udp "$RVT_GW_NS" 4500 "" 20 || rvt_die "no listener on udp/4500"
		;;
	esac
	if [ "$MODE" = ipsec-raw ]; then
		local i
		for ((i = 0; i < 100; i++)); do
			ip netns exec "$RVT_GW_NS" ss -Hwan | grep -Eq ':(50|esp)\b' && return 0
			sleep 0.1
		done
		rvt_die "no raw ESP (IP protocol 50) socket"
	fi
}

bridge_tap_up() {
	local i
	for ((i = 0; i < 100; i++)); do
		ip -n "$RVT_GW_NS" link show tap_rvt >/dev/null 2>&1 && break
		sleep 0.1
	done
	ip -n "$RVT_GW_NS" addr add 203.0.113.1/24 dev tap_rvt || rvt_die "no tap_rvt from BridgeCreate"
	ip -n "$RVT_GW_NS" link set tap_rvt up
}

cmd_start() {
	rvt_need_root
	rvt_need_cmd "$VPNSERVER" "$VPNCMD" nsenter unshare
	if rvt_ns_exists "$RVT_GW_NS" || rvt_ns_exists "$RVT_CL_NS"; then
		rvt_log "stale topology $RVT_NAME found; stopping it first"
		cmd_stop
	fi
	rm -rf "$RVT_STATE"
	mkdir -p "$RVT_STATE/lib"
	local listen_ip=0.0.0.0
	[ "$MODE" = ipsec-raw ] && listen_ip=$RVT_GW_ADDR
	seed_config "$listen_ip"
	if [ "$NAT" = yes ]; then rvt_topology_nat; else rvt_topology_pair; fi
	trap 'rvt_log "start failed; cleaning up"; cmd_stop' EXIT
	start_server
	configure_server
	wait_ready
	[ -z "${BRIDGE_TAP:-}" ] || bridge_tap_up
	trap - EXIT
	rvt_write_env "$RVT_STATE/client.env" \
		PEER=softether MODE="$MODE" GW_NS="$RVT_GW_NS" CL_NS="$RVT_CL_NS" \
		STATE="$RVT_STATE" GATEWAY="$RVT_GW_ADDR" CLIENT_UNDERLAY="$RVT_CL_UNDERLAY" \
		USER=alice PASSWORD=alice-secret PSK="$PSK" \
		POOL_PREFIX=203.0.113. POOL_CIDR=203.0.113.0/24 PING=203.0.113.254 \
		DNS1=203.0.113.253 DNS2=203.0.113.252 AUTH_METHODS=mschapv2,pap SESSION_GAP=3 \
		TAP="${BRIDGE_TAP:+203.0.113.1}"
	cat "$RVT_STATE/client.env"
}

cmd_stop() {
	local f=$RVT_PIDS/vpnserver
	[ -f "$f" ] && rvt_stop vpnserver 150
	rvt_stop_all
	rvt_topology_down
}

# stop-server / start-server: only the server process (by its PID); the
# namespaces and the configuration it saved stay. A gateway restart.
cmd_stop_server() {
	rvt_stop vpnserver 150
}

cmd_start_server() {
	start_server
	wait_ready
}

# probe: one SCCRQ (raw-l2tp) or one IKE Main Mode message 1 (IPsec modes).
# Mind issue 1854: leave >= 3 s before the next L2TP tunnel.
cmd_probe() {
	local dir=$HERE/../../tests/interop mode
	mode=$(sed -n 's/^MODE=//p' "$RVT_STATE/client.env")
	case $mode in
	raw-l2tp) ip netns exec "$RVT_CL_NS" python3 "$dir/l2tp-sccrq-probe.py" "$RVT_GW_ADDR" ;;
	*) ip netns exec "$RVT_CL_NS" python3 "$dir/ike-mm1-probe.py" "$RVT_GW_ADDR" ;;
	esac
}

main() {
	local cmd=${1:-} name=softether
	MODE=raw-l2tp
	NAT=no
	[ $# -gt 0 ] && shift
	while [ $# -gt 0 ]; do
		case $1 in
		--name) name=$2; shift 2 ;;
		--mode) MODE=$2; shift 2 ;;
		--nat) NAT=yes; shift ;;
		--securenat-nat) SECURENAT_NAT=Enable SECURENAT_GW=203.0.113.254; shift ;;
		--bridge-tap) BRIDGE_TAP=yes; shift ;;
		*) rvt_die "unknown argument $1" ;;
		esac
	done
	case $MODE in
	raw-l2tp | ipsec-natt | ipsec-raw) ;;
	*) rvt_die "unknown mode $MODE" ;;
	esac
	rvt_init "$name"
	case $cmd in
	start) cmd_start ;;
	stop) cmd_stop ;;
	stop-server) cmd_stop_server ;;
	start-server) cmd_start_server ;;
	probe) cmd_probe ;;
	*) echo "usage: $0 start|stop|stop-server|start-server|probe [--name NAME] [--mode raw-l2tp|ipsec-natt|ipsec-raw] [--nat]" >&2
	   exit 2 ;;
	esac
}

main "$@"
