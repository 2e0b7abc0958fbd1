#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# NetworkManager gets the IPv6 side (nm-harness.sh against l2tpns, plain
# L2TP: l2tpns negotiates IPv6CP, and forces our interface id to
# <IPv4>:0 only after IPCP, so IPv6CP opens around or after "up"):
#  - roadvpnd publishes both link-local addresses (Connection.Ipv6Address,
#    Ipv6PeerAddress) once IPv6CP is up;
#  - the plugin sends HAS_IP6 and Ip6Config (at up, or again when IPv6CP
#    opens later): `nmcli -g IP6.ADDRESS` shows fe80::IID/64, the TUN has
#    it (roadvpnd, in NetworkManager's mode, does not put it there itself,
#    and keeps the kernel from adding its own), a split tunnel
#    (ipv4.never-default) gets no IPv6 default route through the tunnel,
#    not even from the gateway's Router Advertisement, and a ping6 to the
#    gateway's link-local address crosses;
#  - nmcli down leaves nothing; no secret in either log.
set -euo pipefail
NMH_PEER=l2tpns
. "$(dirname "$0")/nm-harness.sh"

nmh_require
nmh_enter "$@"
nmh_start
O=$FT_STATE/out

# until TIMEOUT_S CMD...: CMD succeeds within TIMEOUT_S seconds.
until_ok() {
	local i n=$(($1 * 10))
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# prop NAME: a string property of roadvpnd's (only) live connection.
prop() {
	gdbus call --system --dest org.roadvpn.Helper1 --object-path /org/roadvpn/Helper1 \
		--method org.freedesktop.DBus.ObjectManager.GetManagedObjects 2>/dev/null |
		grep -oE "'$1': <'[^']*'>" | head -1 | sed -E "s/.*<'([^']*)'>/\1/"
}

has_v6_prop() { [ -n "$(prop Ipv6PeerAddress)" ]; }
# NetworkManager's IPv6 addresses of the VPN, one a line (-g escapes colons).
nm_v6() { nmcli -g IP6.ADDRESS connection show v6 2>/dev/null | sed 's/\\:/:/g; s/ | /\n/g'; }
nm_has_v6() { nm_v6 | grep -qx "$LL/64"; }
tun_has_v6() { ip -6 -o addr show dev "$TUN" scope link | grep -Eq "inet6 $LL( peer $PEER_LL)?/64 "; }

ft_info "nmcli up against l2tpns with IPv6CP"
ft_expect 0 "$O" nmcli connection add type vpn con-name v6 vpn-type roadvpn \
	vpn.data "gateway=$GATEWAY, user=$USER, ipsec-enabled=no, password-flags=0, reconnect=no, ipv6=auto" \
	vpn.secrets "password=$PASSWORD" \
	ipv4.never-default yes ipv6.method auto
ft_expect 0 "$O" timeout 40 nmcli --wait 30 connection up v6
TUN=$(nmh_tun)
[ -n "$TUN" ] || ft_fail "no TUN device while activated"

# roadvpnd's D-Bus properties: l2tpns forces our id to the IPv4 address, :0.
until_ok 10 has_v6_prop || ft_fail "roadvpnd published no Ipv6PeerAddress"
LL=$(prop Ipv6Address)
PEER_LL=$(prop Ipv6PeerAddress)
ADDR4=$(prop Address)
IFS=. read -r a b c d <<<"$ADDR4"
WANT=$(printf 'fe80::%x%02x:%x%02x:0:0' "$a" "$b" "$c" "$d")
[ "$LL" = "$WANT" ] || ft_fail "Ipv6Address is '$LL', expected $WANT (the IPv6CP interface id)"
if [[ "$PEER_LL" != fe80::* ]] || [ "$PEER_LL" = "$LL" ]; then
	ft_fail "Ipv6PeerAddress is '$PEER_LL'"
fi
ft_info "roadvpnd: Ipv6Address $LL, Ipv6PeerAddress $PEER_LL"

# NetworkManager's IPv6 configuration, on the TUN.
until_ok 10 nm_has_v6 || {
	nmcli -g IP6 connection show v6 >&2 || true
	ft_fail "NetworkManager shows no IPv6 address for the VPN"
}
nm_v6 >"$O.ip6"
grep -q 'nm-roadvpn.*IPv6: ' "$FT_STATE/NetworkManager.log" ||
	ft_fail "the plugin logged no IPv6 configuration"
until_ok 5 tun_has_v6 || { ip -6 addr >&2; ft_fail "$TUN does not have $LL/64"; }
ft_info "$TUN: $(ip -6 -o addr show dev "$TUN" scope link | awk '{print $4, $5, $6}')"
# The kernel made no link-local address of its own (l2tpns drops its packets).
[ "$(ip -6 -o addr show dev "$TUN" scope link | wc -l)" = 1 ] ||
	{ ip -6 addr show dev "$TUN" >&2; ft_fail "$TUN has a link-local address besides $LL"; }
[ -z "$(ip -6 route show default dev "$TUN")" ] ||
	ft_fail "an IPv6 default route points at $TUN (never-default)"
ping -6 -n -c 3 -i 0.3 -W 2 "$PEER_LL%$TUN" >"$O.ping6" 2>&1 ||
	{ cat "$O.ping6" >&2; ft_fail "no ping6 to the gateway's link-local $PEER_LL"; }
ft_info "ping6 $PEER_LL%$TUN: $(grep -o '[0-9]* received' "$O.ping6")"

ft_expect 0 "$O" nmcli connection down v6
no_tun() { [ -z "$(nmh_tun)" ]; }
until_ok 15 no_tun || ft_fail "the TUN device $(nmh_tun) is left"
[ "$(nmh_live_connections)" = 0 ] || ft_fail "roadvpnd still has a live connection"
# shellcheck disable=SC2119 # the gateway's secrets are all there is to check
nmh_final_checks
