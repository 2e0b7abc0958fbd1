#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# A simulated suspend and resume, against SoftEther (L2TP/IPsec, NAT-T):
# roadvpnd sees a private system bus on which the test stands in for logind
# (it owns org.freedesktop.login1 and sends PrepareForSleep(true), then
# (false)). With the gateway alive, a resume costs nothing: roadvpnd checks
# it (LCP echoes), it answers, the tunnel stays. Then the gateway is frozen
# (SIGSTOP of its processes: nothing comes back) and the machine "resumes":
# roadvpnd must find the gateway dead within a couple of seconds — not
# after DPD's 30 s or the LCP keepalive's 40 s — and reconnect once the
# gateway runs again, on the same TUN device, with ping through.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

t_require
rvt_need_cmd /usr/libexec/softether/vpnserver/vpnserver dbus-daemon /usr/bin/python3
/usr/bin/python3 -c 'from gi.repository import Gio' 2>/dev/null || rvt_skip "python3-gi is missing"
t_start_peer softether resume --mode ipsec-natt
T_PSK=$PSK
T_DEBUG=session,ppp
BUS=$STATE/system_bus_socket
cat >"$STATE/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <auth>EXTERNAL</auth>
  <listen>unix:path=$BUS</listen>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="method_return"/>
    <allow send_type="error"/>
    <allow send_type="signal"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
  </policy>
</busconfig>
CONF
rvt_spawn dbus "$CL_NS" "$STATE/dbus.log" dbus-daemon --config-file="$STATE/bus.conf" \
	--nofork --nopidfile --nosyslog
for ((i = 0; i < 50; i++)); do
	[ -S "$BUS" ] && break
	sleep 0.1
done
[ -S "$BUS" ] || t_fail "the private system bus did not start"
T_SYSTEM_BUS=unix:path=$BUS

# The gateway's processes, found by name in its namespace (it runs more than one).
gateway_signal() {
	local pid
	for pid in $(ip netns pids "$GW_NS"); do
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = vpnserver ] && kill "-$1" "$pid"
	done
	return 0
}
# Never leave the gateway frozen; t_cleanup still sees the test's exit status.
trap 'rc=$?; gateway_signal CONT; if [ "$rc" = 0 ]; then t_cleanup; else (exit "$rc") || t_cleanup; fi' EXIT

resume() { DBUS_SYSTEM_BUS_ADDRESS=$T_SYSTEM_BUS /usr/bin/python3 "$T_DIR/logind-sleep.py"; }

t_default_profile "$STATE/resume.profile" mschapv2 "ipsec.dpd-delay=30"
t_roadvpnd "$STATE/resume.profile"
rvt_wait_log "$T_LOG" 'connected:' "$T_CONNECT_TIMEOUT" "$T_PID" ||
	t_fail "no 'connected:' within ${T_CONNECT_TIMEOUT} s"
rvt_wait_log "$T_LOG" "listening for logind's PrepareForSleep" 5 "$T_PID" ||
	t_fail "roadvpnd does not listen to the (private) system bus"
tun=$(t_tun)
ifindex=$(ip netns exec "$CL_NS" cat "/sys/class/net/$tun/ifindex")
ip netns exec "$CL_NS" ping -n -c 2 -W 2 -I "$tun" "$PING" >/dev/null ||
	t_fail "ping $PING through $tun failed before the resume"

# A resume with the gateway alive: checked, answered, nothing lost.
resume
rvt_wait_log "$T_LOG" 'resumed \(logind: resumed from sleep\): checking the gateway at once' 3 "$T_PID" ||
	t_fail "roadvpnd did not check the gateway after the first resume"
sleep 3
grep -q 'connection lost' "$T_LOG" && t_fail "a resume with the gateway alive dropped the tunnel"
t_info "resume with the gateway alive: checked, tunnel kept"

# The gateway frozen, then a resume: found dead at once.
gateway_signal STOP
sleep 2.5
T_T0=$(date +%s%N)
resume
rvt_wait_log "$T_LOG" 'connection lost: .*LCP echo requests unanswered' 4 "$T_PID" ||
	t_fail "the frozen gateway was not found dead within 4 s of the resume"
t_info "the frozen gateway found dead $(t_elapsed) s after the resume"
[ "$(grep -c 'resumed (logind' "$T_LOG")" = 2 ] || t_fail "expected two resumes in the log"
grep -q 'gateway stopped answering (DPD)' "$T_LOG" && t_fail "DPD found it, not the resume check"
# SoftEther thawed keeps the old L2TP session on the same ports and never
# answers the new call's LCP (as after a SIGKILL, test-softether-kill-switch):
# a fresh server, as a real gateway would have timed the old session out.
gateway_signal CONT
"$T_GW_DIR/softether.sh" stop-server --name "$RVT_NAME" --mode ipsec-natt
"$T_GW_DIR/softether.sh" start-server --name "$RVT_NAME" --mode ipsec-natt >/dev/null ||
	t_fail "could not start SoftEther again"
for ((i = 0; i < 300; i++)); do
	[ "$(grep -c 'connected:' "$T_LOG")" -ge 2 ] && break
	kill -0 "$T_PID" 2>/dev/null || t_fail "roadvpnd exited instead of reconnecting"
	sleep 0.1
done
[ "$(grep -c 'connected:' "$T_LOG")" -ge 2 ] || t_fail "no reconnect within 30 s of the gateway's return"
[ "$(t_tun)" = "$tun" ] || t_fail "another device after the reconnect: '$(t_tun)'"
[ "$(ip netns exec "$CL_NS" cat "/sys/class/net/$tun/ifindex")" = "$ifindex" ] ||
	t_fail "$tun has another ifindex after the reconnect"
ip netns exec "$CL_NS" ping -n -c 3 -W 2 -I "$tun" "$PING" >/dev/null ||
	t_fail "ping through $tun failed after the reconnect"
t_info "reconnected on the same $tun after the gateway's return; ping through"

t_stop
t_check_no_password "$PASSWORD" "$PSK"
t_info PASS
