#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# NAT rebinding against Debian's strongSwan charon behind a real NAT
# namespace: the IKE SA (NAT-T on UDP 4500) is up, then the NAT gives the
# client a new outer port (its rule changed, the mappings deleted). Our DPD
# R-U-THERE, an authenticated IKE message, reaches charon from the new
# mapping; charon follows it (RFC 3947: "remote endpoint changed", its
# IKEv1 update_hosts) and answers there, so the IKE SA lives on: no new
# Main Mode, DPD acknowledged after the rebinding, charon's SA on the new
# port.
#
# Not roadvpnd: this kernel has no ESP, so charon deletes the ESP SA right
# after Quick Mode and roadvpnd's session ends. ike-p1rekey-driver runs the
# same ike/ library on real sockets, ignores that Delete and keeps the
# ISAKMP SA with DPD (every 2 s of silence here: DRIVER_DPD_DELAY). The ESP
# side of the same behaviour, against SoftEther: test-softether-nat-rebind.sh.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

rvt_need_root
rvt_need_cmd ip /usr/lib/ipsec/charon swanctl nft conntrack timeout
[ -n "${IKE_P1REKEY_DRIVER:-}" ] || rvt_skip "IKE_P1REKEY_DRIVER is not set"
[ -x "$IKE_P1REKEY_DRIVER" ] || rvt_skip "ike-p1rekey-driver not found at $IKE_P1REKEY_DRIVER"

RUN=24
t_start_peer strongswan swnrb --auth psk --kernel libipsec --nat
T_LOG=$STATE/driver.log
rvt_spawn driver "$CL_NS" "$T_LOG" env DRIVER_DPD_DELAY=2 timeout $((RUN + 20)) \
	"$IKE_P1REKEY_DRIVER" "$(t_client_addr)" "$GATEWAY" "$PSK" 3600 "$RUN"
driver=$RVT_LAST_PID
rvt_wait_log "$T_LOG" 'event PHASE1_UP' 15 "$driver" || t_fail "no IKE SA within 15 s"
rvt_wait_log "$T_LOG" 'DPD: R-U-THERE-ACK' 10 "$driver" || t_fail "no DPD acknowledged before the rebinding"
t_info "IKE SA up through the NAT, DPD answered: $(grep -m1 'event PHASE1_UP' "$T_LOG")"

acks_before=$(grep -c 'DPD: R-U-THERE-ACK' "$T_LOG" || true)
t_nat_rebind "port" "meta l4proto udp masquerade to :40000-40999"
rc=0
wait "$driver" || rc=$?
rm -f "$RVT_PIDS/driver"
[ "$rc" -eq 0 ] || t_fail "the driver's IKE SA did not survive the rebinding (exit $rc): " \
	"$(grep -m1 'event FAILED' "$T_LOG" || tail -n 3 "$T_LOG")"

# charon followed our authenticated DPD to the new mapping
line=$(grep -m1 -E 'remote endpoint changed from 198\.51\.100\.2\[4500\] to 198\.51\.100\.2\[40[0-9]{3}\]' \
	"$CHARON_LOG") || t_fail "charon's log ($CHARON_LOG) has no remote endpoint change to the new port"
t_info "charon: ${line#*> }"
n=$(grep -cE 'IKE_SA rvt-psk\[[0-9]+\] state change: CONNECTING => ESTABLISHED' "$CHARON_LOG" || true)
[ "$n" -eq 1 ] || t_fail "$n IKE SAs established at charon: the rebinding cost a new Main Mode"
acks=$(($(grep -c 'DPD: R-U-THERE-ACK' "$T_LOG" || true) - acks_before))
[ "$acks" -ge 3 ] || t_fail "only $acks DPD acknowledgements after the rebinding"
grep -q 'driver: still up after' "$T_LOG" || t_fail "the driver did not finish its run"
t_info "driver: still up after $RUN s, $acks DPD acknowledgements after the rebinding, one Main Mode"
t_info PASS
