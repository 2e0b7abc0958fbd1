#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# NetworkManager drives roadvpnd (nm-harness.sh: real NetworkManager, real
# SoftEther L2TP/IPsec gateway):
#  1. nmcli add + up with saved secrets: activated, the TUN device has
#     NetworkManager's address and routes, the VPN's DNS is in resolv.conf,
#     a ping crosses the tunnel; nmcli down leaves no TUN, route, DNS entry
#     or roadvpnd connection;
#  2. nmcli --ask with agent-owned secrets answered on standard input (the
#     auth dialog's external UI mode);
#  3. the gateway killed while up (reconnect=no): NetworkManager sees the
#     VPN go down, its log has roadvpn's phase and reason;
#  4. the gateway restarted while up with reconnect on: roadvpnd reconnects
#     on its own on the same TUN device; NetworkManager keeps the VPN
#     activated meanwhile and gets the configuration again: a ping crosses
#     again, roadvpnd has one live connection, the VPN's DNS is in
#     resolv.conf once, and nmcli down still leaves nothing (the plugin
#     would end the VPN if the device were replaced: end_lost());
#  5. the plugin service killed while up: roadvpnd ends the tunnel.
# No secret appears in NetworkManager's or roadvpnd's log.
set -euo pipefail
. "$(dirname "$0")/nm-harness.sh"

nmh_require
command -v script >/dev/null || ft_skip "missing script (util-linux)"
nmh_enter "$@"
nmh_start
O=$FT_STATE/out

# wait_vpn NAME STATE TIMEOUT_S: GENERAL.STATE of the connection ("" = not active)
wait_vpn() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		[ "$(nmh_vpn_state "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	ft_fail "$1 is '$(nmh_vpn_state "$1")', not '$2' after $3 s"
}

# wait_log REGEX TIMEOUT_S: NetworkManager's log (which has the plugin's lines) matches.
wait_log() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		grep -Eq -- "$1" "$FT_STATE/NetworkManager.log" && return 0
		sleep 0.1
	done
	ft_fail "no /$1/ in NetworkManager.log after $2 s"
}

# ping_through WHY: the gateway's side of the tunnel answers (NetworkManager
# applies addresses and routes just after it reports "activated").
ping_through() {
	local i
	for ((i = 0; i < 10; i++)); do
		ping -n -c 1 -W 1 "$PING" >"$O.ping" 2>&1 && return 0
	done
	cat "$O.ping" >&2
	ip addr >&2
	ip route >&2
	ft_fail "no ping through the tunnel $1"
}

ft_info "nmcli add + up with saved secrets"
ft_expect 0 "$O" nmcli connection add type vpn con-name office vpn-type roadvpn \
	vpn.data "gateway=$GATEWAY, user=$USER, ipsec-psk-flags=0, password-flags=0, reconnect=no, ipsec-dpd-delay=2" \
	vpn.secrets "password=$PASSWORD, ipsec-psk=$PSK" \
	ipv4.never-default yes ipv4.routes "$POOL_CIDR"
ft_expect 0 "$O" timeout 60 nmcli --wait 50 connection up office
wait_vpn office activated 5
TUN=$(nmh_tun)
[ -n "$TUN" ] || ft_fail "no TUN device while activated"
ip -4 -o addr show dev "$TUN" >"$O.addr"
ft_grep "inet ${POOL_PREFIX//./\\.}[0-9]+ peer" "$O.addr"
ip -4 route show "$POOL_CIDR" >"$O.route"
ft_grep "dev $TUN" "$O.route"
[[ "$(ip -br link show dev "$TUN")" == *UP* ]] || ft_fail "$TUN is not up"
ft_grep "^nameserver $DNS1" /etc/resolv.conf
nmcli -g IP4.ADDRESS,IP4.DNS connection show office >"$O.nm"
ft_grep "$DNS1" "$O.nm"
ping_through "with saved secrets"
[ "$(nmh_live_connections)" = 1 ] || ft_fail "roadvpnd does not show one live connection"
ft_grep 'nm-roadvpn\[[0-9]+\]: up: rvpn' "$FT_STATE/NetworkManager.log"

ft_info "nmcli down leaves nothing"
ft_expect 0 "$O" nmcli connection down office
nmh_check_clean "after nmcli down"
sleep "$SESSION_GAP"

ft_info "nmcli --ask with agent-owned secrets (external UI mode)"
ft_expect 0 "$O" nmcli connection modify office vpn.data \
	"gateway=$GATEWAY, user=$USER, ipsec-psk-flags=1, password-flags=1, reconnect=no, ipsec-dpd-delay=2"
ft_expect 0 "$O" nmcli connection modify office vpn.secrets ""
nmh_ask office "$O.ask"
nmh_answer 'Password (vpn.secrets.password)' "$PASSWORD"
nmh_answer 'Pre-shared key (vpn.secrets.ipsec-psk)' "$PSK"
wait_vpn office activated 45
nmh_ask_end
ft_grep 'successfully activated' "$O.ask"
ping_through "after --ask"
grep -q "external-ui-mode" "$FT_STATE/NetworkManager.log" ||
	ft_info "(NetworkManager's log does not name the auth dialog's mode)"

ft_info "the gateway killed while up"
nmh_gateway stop
wait_vpn office "" 60
ft_grep 'nm-roadvpn\[[0-9]+\]: failed in phase [a-z-]+ \([a-z-]+\): ' "$FT_STATE/NetworkManager.log"
grep -E 'nm-roadvpn\[[0-9]+\]: failed in phase' "$FT_STATE/NetworkManager.log" | tail -1 >&2
nmh_check_clean "after the gateway died"
nmh_gateway start
sleep "$SESSION_GAP"

ft_info "the gateway restarted while up, reconnect on: the VPN stays, roadvpnd reconnects"
ft_expect 0 "$O" nmcli connection modify office vpn.data \
	"gateway=$GATEWAY, user=$USER, ipsec-psk-flags=0, password-flags=0, ipsec-dpd-delay=2"
ft_expect 0 "$O" nmcli connection modify office vpn.secrets "password=$PASSWORD, ipsec-psk=$PSK"
ft_expect 0 "$O" timeout 60 nmcli --wait 50 connection up office
ping_through "before the gateway restarts"
nmh_gateway stop
KEPT='nm-roadvpn\[[0-9]+\]: the gateway was lost; roadvpnd reconnects'
REPLACED='nm-roadvpn\[[0-9]+\]: failed in phase up \(connection-lost\): the gateway was lost and the TUN device with it'
wait_log "$KEPT|$REPLACED" 60
if grep -Eq "$REPLACED" "$FT_STATE/NetworkManager.log"; then
	ft_fail "roadvpnd replaced its TUN device on reconnect (it keeps it since the keep-TUN change)"
fi
[ "$(nmh_vpn_state office)" = activated ] || ft_fail "the VPN is '$(nmh_vpn_state office)' while roadvpnd reconnects"
nmh_gateway start
wait_log 'nm-roadvpn\[[0-9]+\]: reconnected' 90
grep -E 'nm-roadvpn\[[0-9]+\]: up: ' "$FT_STATE/NetworkManager.log" | tail -2 >&2
wait_vpn office activated 10
ping_through "after roadvpnd reconnected"
TUN=$(nmh_tun)
ip -4 -o addr show dev "$TUN" >"$O.addr"
ft_grep "inet ${POOL_PREFIX//./\\.}[0-9]+ peer" "$O.addr"
[ "$(nmh_live_connections)" = 1 ] || ft_fail "roadvpnd has $(nmh_live_connections) live connections after the reconnect, not one"
[ "$(grep -c "^nameserver $DNS1" /etc/resolv.conf)" = 1 ] || { cat /etc/resolv.conf >&2; ft_fail "the VPN's DNS is not in resolv.conf once"; }
ft_expect 0 "$O" nmcli connection down office
nmh_check_clean "after nmcli down of a reconnected VPN"
sleep "$SESSION_GAP"
ft_expect 0 "$O" timeout 60 nmcli --wait 50 connection up office

ft_info "the plugin service killed while up: roadvpnd ends the tunnel"
SERVICE=$(pgrep -f nm-roadvpn-service | head -1)
[ -n "$SERVICE" ] || ft_fail "no nm-roadvpn-service process"
kill -KILL "$SERVICE"
wait_vpn office "" 30
nmh_check_clean "after the plugin was killed"
grep -q 'its caller left the bus' "$FT_STATE/roadvpnd.log" ||
	ft_fail "roadvpnd did not log that its caller left"

nmh_no_secret "$FT_STATE/NetworkManager.log" "$FT_STATE/roadvpnd.log" "$O.ask"
ft_check_sanitizer "$FT_STATE/roadvpnd.log" "$FT_STATE/NetworkManager.log"
