#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# Phase 1 (ISAKMP SA) rekey against Debian's strongSwan charon
# (tools/gateways/strongswan.sh) with a 60 s IKE lifetime: at 80-90 % of it a
# second Main Mode (no INITIAL-CONTACT; on UDP 4500 when NAT-T is in use),
# the switch to it, our Delete of the old SA, and the session still up past
# the old SA's lifetime.
#
# Not roadvpnd: this kernel has no ESP, so charon deletes the ESP SA right
# after Quick Mode and roadvpnd's session ends within a second, long before
# a phase 1 rekey. ike-p1rekey-driver runs the same ike/ library on real
# sockets and ignores that Delete (IKE_P1REKEY_DRIVER is its path). charon's
# log must show the second IKE SA ESTABLISHED and the first one deleted.
#
# Twice: kernel-netlink (UDP 500, no NAT-T) and kernel-libipsec (charon fakes
# NAT-D: NAT-T forced, the rekey's Main Mode goes on UDP 4500 from MM1).
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

rvt_need_root
rvt_need_cmd ip /usr/lib/ipsec/charon swanctl tshark tcpdump timeout
[ -n "${IKE_P1REKEY_DRIVER:-}" ] || rvt_skip "IKE_P1REKEY_DRIVER is not set"
[ -x "$IKE_P1REKEY_DRIVER" ] || rvt_skip "ike-p1rekey-driver not found at $IKE_P1REKEY_DRIVER"

LIFETIME=60
RUN=80

# sw_expect_n ERE N WHAT: charon logged ERE at least N times.
sw_expect_n() {
	local n
	n=$(grep -cE "$1" "$CHARON_LOG" || true)
	[ "$n" -ge "$2" ] || t_fail "charon's log ($CHARON_LOG) has $n of $3 (/$1/), want $2"
	t_info "charon: $3: $n"
}

driver_log_has() {
	grep -qE "$1" "$STATE/driver.log" || t_fail "the driver's log ($STATE/driver.log) has no $2"
	t_info "driver: $(grep -m1 -oE "$1.*" "$STATE/driver.log")"
}

p1rekey_session() {
	local rc=0
	t_info "running the driver for $RUN s (IKE lifetime $LIFETIME s)"
	t_ipsec_capture_start
	ip netns exec "$CL_NS" timeout $((RUN + 30)) "$IKE_P1REKEY_DRIVER" "$(t_client_addr)" \
		"$GATEWAY" "$PSK" "$LIFETIME" "$RUN" 2>"$STATE/driver.log" || rc=$?
	t_capture_stop
	T_SESSION=$((T_SESSION + 1))
	[ "$rc" -eq 0 ] || t_fail "the driver's IKE SA did not survive $RUN s (exit $rc): " \
		"$(grep -m1 'event FAILED' "$STATE/driver.log" || tail -n 3 "$STATE/driver.log")"
	driver_log_has 'IKE SA [^ ]+: rekeying \(new Main Mode' "rekey start"
	driver_log_has 'IKE SA rekeyed: ' "switch to the new SA"
	driver_log_has 'driver: still up after' "session alive at the end"
	! grep -q 'IKE SA rekey failed' "$STATE/driver.log" || t_fail "a rekey attempt failed"

	sw_expect_n 'IKE_SA rvt-psk\[[0-9]+\] state change: CONNECTING => ESTABLISHED' 2 \
		"IKE SAs ESTABLISHED"
	local ids first second
	ids=$(grep -oE 'IKE_SA rvt-psk\[[0-9]+\] state change: CONNECTING => ESTABLISHED' \
		"$CHARON_LOG" | grep -oE '[0-9]+' | head -n 2)
	first=$(sed -n 1p <<<"$ids")
	second=$(sed -n 2p <<<"$ids")
	sw_expect_n "<$second> parsed ID_PROT request 0 \\[ ID HASH \\]\$" 1 \
		"the rekey's MM5 without INITIAL-CONTACT"
	sw_expect_n "<rvt-psk\\|$first> received DELETE for IKE_SA rvt-psk\\[$first\\]" 1 \
		"our Delete of the old IKE SA $first"
	# the new SA stays until the driver closes at the end: the Delete for it is the last
	local del_first del_second
	del_first=$(grep -nE "received DELETE for IKE_SA rvt-psk\\[$first\\]" "$CHARON_LOG" |
		head -n 1 | cut -d: -f1)
	del_second=$(grep -nE "received DELETE for IKE_SA rvt-psk\\[$second\\]" "$CHARON_LOG" |
		head -n 1 | cut -d: -f1)
	if [ -z "$del_second" ] || [ "$del_second" -le "$del_first" ]; then
		t_fail "charon did not keep IKE SA $second until our close"
	fi
	! grep -qE "rvt-psk\\[$second\\] state change: ESTABLISHED => DELETING" <(head -n \
		$((del_second - 1)) "$CHARON_LOG") || t_fail "charon dropped IKE SA $second early"
	if [ "$EXPECT_ENCAP" = udp ]; then
		local mm1_4500
		mm1_4500=$(tshark -r "$T_PCAP" -Y \
			'udp.dstport == 4500 && isakmp.exchangetype == 2 && isakmp.rspi == 00:00:00:00:00:00:00:00' \
			2>/dev/null | wc -l)
		[ "$mm1_4500" -ge 1 ] || t_fail "the rekey's MM1 did not go on UDP 4500"
		t_info "capture: the rekey's Main Mode started on UDP 4500 ($mm1_4500 MM1)"
	fi
}

for kernel in netlink libipsec; do
	t_info "--- strongSwan, kernel-$kernel"
	t_start_peer strongswan "swp1${kernel:0:1}" --auth psk --kernel "$kernel"
	p1rekey_session
	"$T_GW_DIR/strongswan.sh" stop --name "$RVT_NAME"
	T_PEER=
	t_info "kernel-$kernel: ok (logs in $STATE)"
done
t_info PASS
