#!/bin/bash
# shellcheck disable=SC2034  # RVT_PROG is read by lib.sh
# shellcheck source-path=SCRIPTDIR
# l2tpns + FreeRADIUS as a real LNS in a network namespace pair.
#
#   l2tpns.sh start [--name NAME] [--debug N] [--users N]
#                                               -> prints the client parameters,
#                                                  writes $STATE/client.env
#   l2tpns.sh stop  [--name NAME]
#   l2tpns.sh probe [--name NAME]               -> one SCCRQ, expects an SCCRP
#
# Gateway ns rvt-NAME-gw (198.51.100.1, udp/1701), client ns rvt-NAME-cl
# (198.51.100.2). User alice / alice-secret via RADIUS (PAP and CHAP-MD5;
# l2tpns has no MS-CHAP). Tunnel secret rvt-tunnel-secret: used only when the
# LAC sends a Challenge AVP. Pool 203.0.113.0/25, LNS 203.0.113.254, DNS
# 203.0.113.253/.252, IPv6 prefix 2001:db8:100::/64. --users N adds user1 ...
# userN with alice's password: l2tpns drops a user's older session when the
# same user logs in again, so N sessions at once need N users.
#
# Quirks absorbed here (research/peer-l2tpns-softether-raw-l2tp.md):
#  - l2tpns answers L2TP only once it is cluster master; the default election
#    takes 15 s. A 1.5 s heartbeat timeout on "lo" makes it master fast.
#  - it calls kill(0, SIGTERM) on exit, so it must run with -d (setsid).
#  - ip_pool and plugin configs are compiled-in under /etc/l2tpns: a private
#    bind mount in a private mount namespace keeps the host's file untouched.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RVT_PROG=l2tpns.sh
# shellcheck source=lib.sh
. "$HERE/lib.sh"

L2TPNS_SECRET=rvt-tunnel-secret
RADIUS_SECRET=rvt-radius-secret

write_radius_conf() {
	local d=$1
	mkdir -p "$d/raddb" "$d/log" "$d/run"
	cat >"$d/raddb/radiusd.conf" <<-EOF
		prefix = /usr
		exec_prefix = /usr
		sysconfdir = /etc
		localstatedir = /var
		sbindir = /usr/sbin
		datarootdir = /usr/share
		dictdir = /usr/share/freeradius
		logdir = $d/log
		raddbdir = $d/raddb
		confdir = $d/raddb
		modconfdir = $d/raddb
		run_dir = $d/run
		db_dir = $d/raddb
		libdir = /usr/lib/freeradius
		pidfile = $d/run/radiusd.pid
		name = freeradius
		max_request_time = 30
		cleanup_delay = 2
		max_requests = 1024
		hostname_lookups = no
		log {
			destination = files
			file = $d/log/radius.log
			auth = yes
		}
		security {
			allow_core_dumps = no
			max_attributes = 200
			reject_delay = 0
			status_server = no
		}
		thread pool {
			start_servers = 2
			max_servers = 4
			min_spare_servers = 1
			max_spare_servers = 3
			max_requests_per_server = 0
		}
		client localhost {
			ipaddr = 127.0.0.1
			secret = $RADIUS_SECRET
		}
		modules {
			pap {
			}
			chap {
			}
			mschap {
			}
			always ok {
				rcode = ok
			}
			files {
				filename = $d/raddb/users
			}
		}
		server default {
			listen {
				type = auth
				ipaddr = 127.0.0.1
				port = 1812
			}
			listen {
				type = acct
				ipaddr = 127.0.0.1
				port = 1813
			}
			authorize {
				chap
				mschap
				files
				pap
			}
			authenticate {
				Auth-Type PAP {
					pap
				}
				Auth-Type CHAP {
					chap
				}
				Auth-Type MS-CHAP {
					mschap
				}
			}
			accounting {
				ok
			}
			post-auth {
				ok
			}
		}
	EOF
	printf 'alice\tCleartext-Password := "alice-secret"\n' >"$d/raddb/users"
	local i
	for ((i = 1; i <= ${L2TPNS_USERS:-0}; i++)); do
		printf 'user%d\tCleartext-Password := "alice-secret"\n' "$i" >>"$d/raddb/users"
	done
}

write_l2tpns_conf() {
	local d=$1/etc-l2tpns
	mkdir -p "$d"
	cat >"$d/startup-config" <<-EOF
		set debug ${L2TPNS_DEBUG:-3}
		set log_file "$RVT_STATE/l2tpns.log"
		set pid_file "$RVT_STATE/l2tpns.pid"
		set hostname "rvt-l2tpns"
		set bind_address $RVT_GW_ADDR
		set cli_bind_address 127.0.0.1
		set l2tp_secret "$L2TPNS_SECRET"
		set tundevicename "rvt-tun0"
		set iftun_address 203.0.113.254
		set peer_address 203.0.113.254
		set send_garp no
		set primary_dns 203.0.113.253
		set secondary_dns 203.0.113.252
		set primary_radius 127.0.0.1
		set radius_secret "$RADIUS_SECRET"
		set radius_authtypes "chap,pap"
		set radius_accounting yes
		set ipv6_prefix 2001:db8:100::
		set echo_timeout 10
		set cluster_interface "lo"
		set cluster_hb_interval 1
		set cluster_hb_timeout 15
		load plugin "sessionctl"
	EOF
	printf '203.0.113.0/25\n' >"$d/ip_pool"
	: >"$d/users"
}

start_radius() {
	write_radius_conf "$RVT_STATE/radius"
	rvt_spawn freeradius "$RVT_GW_NS" "$RVT_STATE/radius/stdout.log" \
		freeradius -f -d "$RVT_STATE/radius/raddb"
	rvt_wait_udp "$RVT_GW_NS" 1812 127.0.0.1 15 ||
		rvt_die "freeradius did not listen on 1812 (see $RVT_STATE/radius/)"
}

start_l2tpns() {
	write_l2tpns_conf "$RVT_STATE"
	: >"$RVT_STATE/l2tpns.log"
	# -d forks and calls setsid(); the private mount dies with l2tpns.
	# shellcheck disable=SC2016 # expanded by the inner sh
	ip netns exec "$RVT_GW_NS" unshare -m --propagation private sh -c \
		'mount --bind "$1/etc-l2tpns" /etc/l2tpns && exec /usr/sbin/l2tpns -d -c /etc/l2tpns/startup-config' \
		sh "$RVT_STATE" >"$RVT_STATE/l2tpns.stdout" 2>&1 </dev/null
	local i pid=
	for ((i = 0; i < 50; i++)); do
		pid=$(cat "$RVT_STATE/l2tpns.pid" 2>/dev/null || true)
		[ -n "$pid" ] && break
		sleep 0.1
	done
	[ -n "$pid" ] || rvt_die "l2tpns wrote no pid file (see $RVT_STATE/l2tpns.log)"
	rvt_record l2tpns "$RVT_GW_NS" "$pid"
	rvt_wait_log "$RVT_STATE/l2tpns.log" 'declaring myself the master' 20 ||
		rvt_die "l2tpns did not become cluster master (see $RVT_STATE/l2tpns.log)"
	rvt_wait_udp "$RVT_GW_NS" 1701 "$RVT_GW_ADDR" 10 ||
		rvt_die "l2tpns does not listen on udp/1701"
}

cmd_start() {
	rvt_need_root
	rvt_need_cmd /usr/sbin/l2tpns freeradius
	if rvt_ns_exists "$RVT_GW_NS" || rvt_ns_exists "$RVT_CL_NS"; then
		rvt_log "stale topology $RVT_NAME found; stopping it first"
		cmd_stop
	fi
	rm -rf "$RVT_STATE"
	mkdir -p "$RVT_STATE"
	rvt_topology_pair
	trap 'rvt_log "start failed; cleaning up"; cmd_stop' EXIT
	start_radius
	start_l2tpns
	trap - EXIT
	rvt_write_env "$RVT_STATE/client.env" \
		PEER=l2tpns GW_NS="$RVT_GW_NS" CL_NS="$RVT_CL_NS" STATE="$RVT_STATE" \
		GATEWAY="$RVT_GW_ADDR" CLIENT_UNDERLAY="$RVT_CL_ADDR" USER=alice PASSWORD=alice-secret \
		TUNNEL_SECRET="$L2TPNS_SECRET" POOL_PREFIX=203.0.113. POOL_CIDR=203.0.113.0/25 \
		PING=203.0.113.254 DNS1=203.0.113.253 DNS2=203.0.113.252 \
		AUTH_METHODS=chap,pap IPV6_PREFIX=2001:db8:100:: IPV6_PING=2001:db8:100::1
	cat "$RVT_STATE/client.env"
}

cmd_stop() {
	rvt_stop_all
	rvt_topology_down
}

cmd_probe() {
	local probe=$HERE/../../tests/interop/l2tp-sccrq-probe.py
	ip netns exec "$RVT_CL_NS" python3 "$probe" "$RVT_GW_ADDR"
}

main() {
	local cmd=${1:-}
	local name=l2tpns
	[ $# -gt 0 ] && shift
	while [ $# -gt 0 ]; do
		case $1 in
		--name) name=$2; shift 2 ;;
		--debug) L2TPNS_DEBUG=$2; shift 2 ;;
		--users) L2TPNS_USERS=$2; shift 2 ;;
		*) rvt_die "unknown argument $1" ;;
		esac
	done
	rvt_init "$name"
	case $cmd in
	start) cmd_start ;;
	stop) cmd_stop ;;
	probe) cmd_probe ;;
	*) echo "usage: $0 start|stop|probe [--name NAME] [--debug 0-5] [--users N]" >&2; exit 2 ;;
	esac
}

main "$@"
