# shellcheck shell=bash
# shellcheck source-path=SCRIPTDIR
# Shared steps of the interop tests: roadvpnd against a real gateway in
# network namespaces (tools/gateways/). Source it from a test script.
#
# A test exits 0 (pass), 1 (fail) or 77 (skip: not root, or a peer binary or
# roadvpnd missing). Logs stay in /tmp/roadvpn-test/<name>/ after the run.

T_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
T_GW_DIR=$(cd "$T_DIR/../../tools/gateways" && pwd)
RVT_PROG=$(basename "$0")
# shellcheck source=../../tools/gateways/lib.sh
. "$T_GW_DIR/lib.sh"

T_CONNECT_TIMEOUT=${T_CONNECT_TIMEOUT:-40}
T_PEER=
T_SESSION=0

t_fail() {
	printf 'FAIL: %s\n' "$*" >&2
	if [ -n "${T_LOG:-}" ] && [ -f "$T_LOG" ]; then
		printf -- '--- last lines of %s ---\n' "$T_LOG" >&2
		tail -n 25 "$T_LOG" >&2
	fi
	exit 1
}

t_info() { printf '%s: %s\n' "$RVT_PROG" "$*" >&2; }

# t_require: skip unless we can really run.
t_require() {
	rvt_need_root
	rvt_need_cmd ip tcpdump tshark ping
	[ -n "${ROADVPND:-}" ] || rvt_skip "ROADVPND is not set (path to roadvpnd)"
	[ -x "$ROADVPND" ] || rvt_skip "roadvpnd not found at $ROADVPND"
}

t_cleanup() {
	local rc=$?
	# roadvpnd first, so that its teardown still reaches the gateway
	[ -n "${RVT_PIDS:-}" ] && rvt_stop roadvpnd 100
	case $T_PEER in
	l2tpns) "$T_GW_DIR/l2tpns.sh" stop --name "$RVT_NAME" ;;
	softether) "$T_GW_DIR/softether.sh" stop --name "$RVT_NAME" ;;
	strongswan) "$T_GW_DIR/strongswan.sh" stop --name "$RVT_NAME" ;;
	none)
		rvt_stop_all
		rvt_topology_down
		;;
	esac
	if [ "$rc" -eq 0 ]; then
		t_info "PASS (logs in ${RVT_STATE:-?})"
	fi
	exit "$rc"
}

# t_start_peer l2tpns|softether|strongswan|none NAME [gateway args]: start the gateway and
# load its client.env (GW_NS, CL_NS, GATEWAY, USER, PASSWORD, PING, DNS1...).
t_start_peer() {
	T_PEER=$1
	local name=$2$$
	shift 2
	rvt_init "$name"
	trap t_cleanup EXIT
	trap 'exit 130' INT TERM
	case $T_PEER in
	l2tpns | softether | strongswan)
		"$T_GW_DIR/$T_PEER.sh" start --name "$name" "$@" >/dev/null ||
			t_fail "could not start $T_PEER"
		# shellcheck source=/dev/null
		. "$RVT_STATE/client.env"
		;;
	none)
		rm -rf "$RVT_STATE"
		rvt_topology_pair
		GW_NS=$RVT_GW_NS CL_NS=$RVT_CL_NS STATE=$RVT_STATE GATEWAY=$RVT_GW_ADDR
		;;
	esac
	T_RESOLV=/etc/netns/$CL_NS/resolv.conf
}

# t_start_router_1300 NAME: SoftEther (L2TP/IPsec, NAT-T) behind a router
# (the NAT namespace) whose link to the gateway has MTU 1300, the client's
# own 1500, and a 4 MB file (STATE/big.bin) served over HTTP on
# http://$TAP:8080/ from the gateway's tap. The path MTU tests.
t_start_router_1300() {
	t_start_peer softether "$1" --mode ipsec-natt --nat --bridge-tap
	# shellcheck disable=SC2034 # read by t_roadvpnd
	T_PSK=$PSK T_DEBUG=session
	[ -n "${TAP:-}" ] || t_fail "softether.sh --bridge-tap gave no TAP address"
	head -c 4194304 /dev/urandom >"$STATE/big.bin"
	rvt_spawn http "$GW_NS" "$STATE/http.log" python3 -m http.server --bind "$TAP" --directory "$STATE" 8080
	ip -n "$RVT_NAT_NS" link set rv-out mtu 1300
	ip -n "$GW_NS" link set rv-gw mtu 1300
}

# t_profile FILE KEY=VALUE...: write a profile; keys are section.key. Each
# section and key is written once (roadvpnd refuses repeats): a later
# section.key=value replaces an earlier one, in its section's place.
t_profile() {
	local f=$1 kv sec key
	local -a order=()
	local -A lines=()
	shift
	for kv in "$@"; do
		sec=${kv%%.*}
		key=${kv#*.}
		[ -n "${lines[$sec]+x}" ] || order+=("$sec")
		lines[$sec]=$(printf '%s\n' "${lines[$sec]:-}" | grep -v "^${key%%=*}=" || true)
		lines[$sec]+=$'\n'$key
	done
	: >"$f"
	chmod 600 "$f"
	for sec in "${order[@]}"; do
		printf '[%s]\n' "$sec" >>"$f"
		printf '%s\n' "${lines[$sec]}" | grep -v '^$' >>"$f" || true
	done
}

# t_default_profile FILE AUTH [more section.key=value...]; T_PSK set: L2TP/IPsec
t_default_profile() {
	local f=$1 auth=$2 ipsec=false
	shift 2
	[ -z "${T_PSK:-}" ] || ipsec=true
	t_profile "$f" "connection.name=interop" "connection.gateway=$GATEWAY" \
		"ipsec.enabled=$ipsec" ${T_PSK:+"ipsec.psk=$T_PSK"} \
		"l2tp.secret=${T_TUNNEL_SECRET:-}" \
		"ppp.user=${USER:-alice}" "ppp.password=${T_PASSWORD:-$PASSWORD}" "ppp.auth=$auth" \
		"ip.default-route=false" "ip.routes=203.0.113.0/24" "ip.dns=true" "ip.ipv6=off" \
		"debug.log=${T_DEBUG:-l2tp,ppp}" "$@"
}

t_snapshot() {
	ip -n "$CL_NS" -4 route show table all | grep -v 'table local' >"$1.route4" || true
	ip -n "$CL_NS" -6 route show table all | grep -v 'table local' >"$1.route6" || true
	ip -n "$CL_NS" -br link | awk '{print $1}' | sort >"$1.links"
	cp "$T_RESOLV" "$1.resolv"
}

t_capture_start() {
	local i n=$((T_SESSION + 1))
	T_PCAP=$STATE/gw-$n.pcap
	# --immediate-mode: no packets left in the kernel ring when we stop it
	rvt_spawn tcpdump "$GW_NS" "$STATE/tcpdump-$n.log" \
		tcpdump --immediate-mode -U -Z root -n -i rv-gw -w "$T_PCAP" udp port 1701
	for ((i = 0; i < 50; i++)); do
		grep -q 'listening on' "$STATE/tcpdump-$n.log" && return 0
		sleep 0.1
	done
	t_fail "tcpdump did not start"
}

t_capture_stop() {
	sleep 1
	rvt_stop tcpdump
}

# t_roadvpnd PROFILE: start roadvpnd in the client namespace. No system bus:
# DNS must go to the namespace's private resolv.conf, never to the host
# (T_SYSTEM_BUS: a private bus of the test's own, without systemd-resolved).
t_roadvpnd() {
	T_SESSION=$((T_SESSION + 1))
	T_LOG=$STATE/roadvpnd-$T_SESSION.log
	T_T0=$(date +%s%N)
	# full malloc stacks in leak reports of sanitizer builds
	rvt_spawn roadvpnd "$CL_NS" "$T_LOG" \
		env DBUS_SYSTEM_BUS_ADDRESS="${T_SYSTEM_BUS:-unix:path=/nonexistent/rvt}" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0" \
		"$ROADVPND" --foreground --profile "$1"
	T_PID=$RVT_LAST_PID
}

t_elapsed() {
	local ms=$((($(date +%s%N) - T_T0) / 1000000))
	printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}

# t_wait_exit TIMEOUT_S: wait for roadvpnd to exit; sets T_RC.
t_wait_exit() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		kill -0 "$T_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$T_PID" 2>/dev/null && t_fail "roadvpnd still running after $1 s"
	T_RC=0
	wait "$T_PID" || T_RC=$?
	rm -f "$RVT_PIDS/roadvpnd"
	t_check_sanitizer
}

# t_stop [SECONDS]: SIGINT to roadvpnd (T_PID), noted in T_STOP_EPOCH for the
# captures, and a clean exit (0) within SECONDS (25).
t_stop() {
	T_STOP_EPOCH=$(date +%s.%N)
	kill -INT "$T_PID"
	t_wait_exit "${1:-25}"
	[ "$T_RC" -eq 0 ] || t_fail "roadvpnd exited $T_RC after SIGINT (expected 0)"
}

# ASan/UBSan builds: any report is a failure of its own, named as such.
t_check_sanitizer() {
	if grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$T_LOG"; then
		grep -E -A12 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$T_LOG" >&2
		t_fail "sanitizer report in the roadvpnd log (exit status $T_RC)"
	fi
}

t_tun() { ip -n "$CL_NS" -br link | awk '$1 ~ /^rvpn[0-9]+/ {sub(/@.*/, "", $1); print $1; exit}'; }

t_check_no_password() {
	local pw
	for pw in "$@"; do
		[ -n "$pw" ] || continue
		if grep -qF -- "$pw" "$T_LOG"; then
			t_fail "a password appears in the roadvpnd log"
		fi
	done
}

# t_check_stopccn: the capture on the gateway side holds a StopCCN from us.
t_check_stopccn() {
	local n
	n=$(tshark -r "$T_PCAP" -Y "ip.src == $(t_client_addr) && l2tp.avp.message_type == 4" \
		2>/dev/null | wc -l)
	[ "$n" -ge 1 ] || t_fail "no StopCCN from the client in $T_PCAP"
	t_info "gateway capture: StopCCN from the client seen ($n)"
}

t_client_addr() { echo "${CLIENT_UNDERLAY:-$RVT_CL_ADDR}"; }

t_check_clean() {
	local tag=$STATE/after-$T_SESSION
	t_snapshot "$tag"
	[ -z "$(t_tun)" ] || t_fail "a rvpn device is left behind: $(t_tun)"
	diff -u "$STATE/before.route4" "$tag.route4" >&2 || t_fail "IPv4 routes differ after disconnect"
	diff -u "$STATE/before.route6" "$tag.route6" >&2 || t_fail "IPv6 routes differ after disconnect"
	diff -u "$STATE/before.links" "$tag.links" >&2 || t_fail "links differ after disconnect"
	cmp -s "$STATE/before.resolv" "$T_RESOLV" || t_fail "resolv.conf not restored byte for byte"
}

# t_check_data_path: while connected, the data path runs where the
# environment says: on roadvpnd's own "rv-dataplane" thread by default (the
# ping that just went through proves that thread moves the traffic, since
# the main loop no longer reads the TUN or the data socket), or on the main
# loop with ROADVPN_DATAPLANE_THREAD=0.
t_check_data_path() {
	local line threads
	line=$(grep -m1 'data path:' "$T_LOG") || t_fail "no 'data path:' line in the log"
	threads=$(cat /proc/"$T_PID"/task/*/comm 2>/dev/null)
	if [ "${ROADVPN_DATAPLANE_THREAD:-1}" = 0 ]; then
		grep -q 'main loop' <<<"$line" || t_fail "data path not on the main loop: $line"
		! grep -qx rv-dataplane <<<"$threads" || t_fail "an rv-dataplane thread runs anyway"
	else
		grep -q 'own thread' <<<"$line" || t_fail "data path not on its own thread: $line"
		grep -qx rv-dataplane <<<"$threads" || t_fail "no rv-dataplane thread in roadvpnd"
	fi
	t_info "${line#*session: }"
}

# t_pcap_count FILTER: packets in this session's capture ($T_PCAP) that match
# the tshark display filter; a bad filter fails the test loudly, rather than
# counting nothing.
t_pcap_count() {
	local out
	out=$(tshark -r "$T_PCAP" -Y "$1" 2>"$STATE/tshark.err") ||
		t_fail "tshark -Y '$1': $(cat "$STATE/tshark.err")"
	grep -c . <<<"$out" || true
}

# t_charon_log_has LINE ERE: charon (the strongSwan peer) logged ERE from line
# LINE of $CHARON_LOG on (this session's part). No `tail | grep -q`: under
# pipefail grep's early exit fails the tail.
t_charon_log_has() {
	awk -v from="$1" -v re="$2" 'NR >= from && $0 ~ re { f = 1 } END { exit !f }' "$CHARON_LOG"
}

# t_charon_expect LINE ERE WHAT: charon logged ERE since LINE; says the line.
t_charon_expect() {
	t_charon_log_has "$1" "$2" || t_fail "charon's log ($CHARON_LOG) has no $3 (/$2/)"
	t_info "charon: $(awk -v from="$1" -v re="$2" 'NR >= from && $0 ~ re { print; exit }' \
		"$CHARON_LOG" | sed 's/^[0-9:]* [0-9]*//')"
}

# t_check_parallel_crypto TUN: with a CBC suite roadvpnd spreads the ESP
# crypto of each batch over worker threads ("ESP crypto on N threads").
# A burst of 32 pings at once (-l) makes batches of many packets both ways;
# they must all come back, sealed and opened on several lanes, and the
# workers ("rv-crypto") must exist, being made by the first such batch.
t_check_parallel_crypto() {
	local line got
	line=$(grep -m1 'data path:' "$T_LOG") || t_fail "no 'data path:' line in the log"
	grep -q 'ESP crypto on [0-9]* threads' <<<"$line" || return 0
	ip netns exec "$CL_NS" ping -n -q -c 64 -l 32 -i 0.05 -s 1200 -W 3 -I "$1" "$PING" \
		>"$STATE/burst-$T_SESSION.log" 2>&1 || true
	got=$(grep -o '[0-9]* received' "$STATE/burst-$T_SESSION.log" | cut -d' ' -f1)
	[ "${got:-0}" -ge 60 ] || { cat "$STATE/burst-$T_SESSION.log" >&2; t_fail "burst of 64 pings: ${got:-0} came back"; }
	grep -qx rv-crypto <<<"$(cat /proc/"$T_PID"/task/*/comm 2>/dev/null)" ||
		t_fail "ESP crypto on several threads announced, but no rv-crypto thread after a burst"
	t_info "burst of 64 pings (32 at once): $got came back, with rv-crypto workers"
}

# t_await_up PINGS: the roadvpnd just started connects within
# T_CONNECT_TIMEOUT, its TUN device (printed) has an address from the pool,
# PINGS pings to PING cross it, and the data path checks pass.
t_await_up() {
	local tun addr
	rvt_wait_log "$T_LOG" 'connected:' "$T_CONNECT_TIMEOUT" "$T_PID" ||
		t_fail "no 'connected:' within ${T_CONNECT_TIMEOUT} s"
	t_info "connected after $(t_elapsed) s: $(grep -m1 'connected:' "$T_LOG")"
	tun=$(t_tun)
	[ -n "$tun" ] || t_fail "no rvpn* device in $CL_NS"
	addr=$(ip -n "$CL_NS" -4 -o addr show dev "$tun" | awk '{print $4; exit}')
	case $addr in
	"$POOL_PREFIX"*) t_info "$tun has $addr" ;;
	*) t_fail "$tun address '$addr' is not from the pool $POOL_CIDR" ;;
	esac
	ip netns exec "$CL_NS" ping -n -c "$1" -W 2 -I "$tun" "$PING" >"$STATE/ping-$T_SESSION.log" 2>&1 ||
		{ cat "$STATE/ping-$T_SESSION.log" >&2; t_fail "ping $PING through $tun failed"; }
	t_info "ping $PING via $tun: $(grep -o '[0-9]* received' "$STATE/ping-$T_SESSION.log")"
	t_check_data_path
	t_check_parallel_crypto "$tun"
}

# t_session PROFILE: one full, successful session with every check.
t_session() {
	local tun
	t_snapshot "$STATE/before"
	t_capture_start
	t_roadvpnd "$1"
	t_await_up 3
	tun=$(t_tun)
	ip -n "$CL_NS" route show 203.0.113.0/24 | grep -q "dev $tun" ||
		t_fail "no route 203.0.113.0/24 via $tun"
	grep -q "^nameserver $DNS1\$" "$T_RESOLV" || t_fail "DNS $DNS1 not in the namespace's resolv.conf"
	grep -q "^nameserver $DNS2\$" "$T_RESOLV" || t_fail "DNS $DNS2 not in the namespace's resolv.conf"
	t_stop 20
	t_capture_stop
	t_check_stopccn
	t_check_clean
	t_check_no_password "$PASSWORD" "${T_TUNNEL_SECRET:-}"
}

# t_expect_failure PROFILE RC TIMEOUT_S: roadvpnd must give up with RC.
t_expect_failure() {
	t_snapshot "$STATE/before"
	t_capture_start
	t_roadvpnd "$1"
	t_wait_exit "$3"
	t_capture_stop
	t_info "roadvpnd exited $T_RC after $(t_elapsed) s: $(tail -n 1 "$T_LOG")"
	[ "$T_RC" -eq "$2" ] || t_fail "exit status $T_RC, expected $2"
	t_check_clean
}

# t_ipsec_expect_wrong_psk PROFILE SECRET...: roadvpnd with PROFILE (a
# wrong PSK) fails IKE phase 1 with exit status 4, says the pre-shared key
# is the likely cause, leaves nothing behind, and logs none of SECRETs.
t_ipsec_expect_wrong_psk() {
	local profile=$1
	shift
	t_snapshot "$STATE/before"
	t_ipsec_capture_start
	t_roadvpnd "$profile"
	t_wait_exit 40
	t_capture_stop
	t_info "roadvpnd exited $T_RC after $(t_elapsed) s: $(tail -n 1 "$T_LOG")"
	[ "$T_RC" -eq 4 ] || t_fail "exit status $T_RC, expected 4 (authentication failed)"
	t_last_line_matches '^roadvpnd: IKE phase 1: ' 'pre-shared key'
	t_check_clean
	t_check_no_password "$@"
}

# t_last_line_matches ERE...: the last stderr line matches every pattern.
t_last_line_matches() {
	local last pat
	last=$(tail -n 1 "$T_LOG")
	case $last in
	roadvpnd:*) ;;
	*) t_fail "last line is not 'roadvpnd: <phase>: <reason>': $last" ;;
	esac
	for pat in "$@"; do
		grep -Eiq -- "$pat" <<<"$last" || t_fail "last line does not match /$pat/: $last"
	done
}

# t_ipsec_capture_start: everything IKE, ESP and L2TP on the gateway side.
t_ipsec_capture_start() {
	local i n=$((T_SESSION + 1))
	T_PCAP=$STATE/gw-$n.pcap
	rvt_spawn tcpdump "$GW_NS" "$STATE/tcpdump-$n.log" \
		tcpdump --immediate-mode -U -Z root -n -i rv-gw -w "$T_PCAP" \
		'udp port 500 or udp port 4500 or udp port 1701 or ip proto 50'
	for ((i = 0; i < 50; i++)); do
		grep -q 'listening on' "$STATE/tcpdump-$n.log" && return 0
		sleep 0.1
	done
	t_fail "tcpdump did not start"
}

# t_check_no_clear_l2tp: not one L2TP datagram crossed the wire unencrypted,
# and ESP (raw, or in UDP/4500 as EXPECT_ENCAP says) carried the tunnel.
t_check_no_clear_l2tp() {
	local clear esp
	clear=$(tshark -r "$T_PCAP" -Y 'l2tp or udp.port == 1701' 2>/dev/null | wc -l)
	[ "$clear" -eq 0 ] || t_fail "$clear L2TP packets crossed the wire unencrypted"
	case ${EXPECT_ENCAP:-any} in
	udp) esp=$(tshark -r "$T_PCAP" -Y 'udp.port == 4500 && esp' 2>/dev/null | wc -l) ;;
	raw) esp=$(tshark -r "$T_PCAP" -Y 'ip.proto == 50' 2>/dev/null | wc -l) ;;
	*) esp=$(tshark -r "$T_PCAP" -Y 'esp' 2>/dev/null | wc -l) ;;
	esac
	[ "$esp" -ge 10 ] || t_fail "only $esp ESP packets (${EXPECT_ENCAP:-any}) in the capture"
	t_info "gateway capture: $esp ESP packets (${EXPECT_ENCAP:-any}), no L2TP in clear"
}

# t_check_ike_delete: our Delete for the SAs: an informational exchange from
# us after the SIGINT at T_STOP_EPOCH. Its payloads are encrypted, so only
# the time tells it from the DPD answers sent while the session ran.
t_check_ike_delete() {
	local n
	n=$(tshark -r "$T_PCAP" -Y "ip.dst == $GATEWAY && isakmp.exchangetype == 5 && \
		frame.time_epoch >= ${T_STOP_EPOCH:?}" 2>/dev/null | wc -l)
	[ "$n" -ge 1 ] || t_fail "no IKE informational (Delete) from the client after the stop in $T_PCAP"
	t_info "gateway capture: IKE informational from the client after the stop ($n)"
}

# t_ipsec_session PROFILE: one full L2TP/IPsec session with every check.
t_ipsec_session() {
	t_snapshot "$STATE/before"
	t_ipsec_capture_start
	t_roadvpnd "$1"
	t_await_up 5
	t_info "$(grep -m1 'IPsec SA up' "$T_LOG" || true)"
	grep -q "^nameserver $DNS1\$" "$T_RESOLV" || t_fail "DNS $DNS1 not in the namespace's resolv.conf"
	t_stop
	t_capture_stop
	t_check_no_clear_l2tp
	t_check_ike_delete
	t_check_clean
	t_check_no_password "$PASSWORD" "$PSK"
}

# t_nat_rebind WHAT NFT_STATEMENT: NAT rebinding in the NAT namespace of a
# --nat topology: its rule becomes NFT_STATEMENT (one transaction: no packet
# passes between the old rule and the new) and the client's UDP mappings
# are deleted, so that its next packet gets a new one. Sets REBIND_AT.
t_nat_rebind() {
	ip netns exec "$RVT_NAT_NS" nft -f - <<-EOF
		flush chain ip rvt_nat post
		add rule ip rvt_nat post oifname rv-out $2
	EOF
	ip netns exec "$RVT_NAT_NS" conntrack -D -p udp --orig-src "$(t_client_addr)" >/dev/null 2>&1 ||
		t_fail "conntrack found no UDP mapping of the client to delete"
	# shellcheck disable=SC2034 # read by the caller
	REBIND_AT=$(date +%s.%N)
	t_info "rebinding $1: NAT rule now '$2', the client's mappings deleted"
}
