#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# Real files in, real gateway out: the converter (libroadvpn-client/import)
# on files other software wrote, each connected to SoftEther on the first try.
#  1. NetworkManager-l2tp: the real NetworkManager with network-manager-l2tp
#     (private bus, polkitd, NetworkManager in its own network namespace,
#     all inside a private mount + pid namespace: tests/frontends/harness.sh)
#     stores a connection made with `nmcli connection add ... vpn-type l2tp`;
#     its keyfile and `nmcli connection export`'s file are imported. The other way too: our nm-l2tp export of the
#     profile is loaded by that NetworkManager (`nmcli connection load`).
#  2. A .mobileconfig and a rasphone.pbk written from the formats' public
#     documentation (Apple's com.apple.vpn.managed payload keys; [MS-RRASM]
#     2.2.2 phonebook keys) for the same gateway.
# Each imported profile then runs a full L2TP/IPsec session (t_ipsec_session).
#  3. The same three files through the CLI: `roadvpn import` into roadvpnd on
#     a private bus with polkitd, then `roadvpn connect --wait` and a ping.
set -euo pipefail

if [ "${1:-}" = --nm-part ]; then
	# Inside the namespaces: NetworkManager writes the keyfile into $2.
	# shellcheck source=../frontends/harness.sh
	. "$(dirname "$0")/../frontends/harness.sh"
	FT_STATE=$2/ft
	ft_enter "$@"
	out=$2 gw=$3 export_file=$4
	mount -t tmpfs tmpfs /run   # NetworkManager's runtime files stay here
	mkdir -p "$FT_STATE/lib" "$FT_STATE/conns" "$FT_STATE/conf.d"
	mount --bind "$FT_STATE/lib" /var/lib/NetworkManager
	ft_start_bus
	ft_start_polkit
	cat >"$FT_STATE/NetworkManager.conf" <<-EOF
		[main]
		plugins=keyfile
		dns=none
		rc-manager=unmanaged
		no-auto-default=*
		auth-polkit=true
		[keyfile]
		path=$FT_STATE/conns
		unmanaged-devices=*
		[logging]
		level=INFO
	EOF
	# its own network namespace: it sees no interface of this machine
	unshare --net NetworkManager --no-daemon --config="$FT_STATE/NetworkManager.conf" \
		--config-dir="$FT_STATE/conf.d" --system-config-dir="$FT_STATE/conf.d" \
		--state-file="$FT_STATE/lib/NetworkManager.state" >"$FT_STATE/nm.log" 2>&1 &
	ft_wait_name org.freedesktop.NetworkManager 20 || ft_fail "NetworkManager did not start"
	nmcli connection add type vpn con-name rvimport-nm vpn-type l2tp \
		vpn.data "gateway=$gw, ipsec-enabled=yes, user=alice, password-flags=0, ipsec-psk-flags=0, refuse-eap=yes, refuse-pap=yes, refuse-chap=yes, refuse-mschap=yes, require-mppe=yes, lcp-echo-interval=30, lcp-echo-failure=4" \
		vpn.secrets "password=alice-secret, ipsec-psk=rvt-psk" \
		ipv4.never-default yes ipv4.routes 203.0.113.0/24 >"$FT_STATE/nmcli-add.log" 2>&1 ||
		{ cat "$FT_STATE/nmcli-add.log" >&2; ft_fail "nmcli connection add failed"; }
	cp "$FT_STATE"/conns/rvimport-nm*.nmconnection "$out/nm-l2tp.nmconnection"
	# the other file NetworkManager-l2tp users hold: its plugin's export
	nmcli connection export rvimport-nm "$out/nmcli-export.conf" >"$FT_STATE/nmcli-export.log" 2>&1 ||
		{ cat "$FT_STATE/nmcli-export.log" >&2; ft_fail "nmcli connection export failed"; }
	# and back: our export is a connection NetworkManager accepts
	cp "$export_file" "$FT_STATE/conns/rvexport.nmconnection"
	chmod 600 "$FT_STATE/conns/rvexport.nmconnection"
	nmcli connection load "$FT_STATE/conns/rvexport.nmconnection" ||
		ft_fail "NetworkManager refused our nm-l2tp export"
	nmcli -g vpn.data connection show ExportedRoundTrip >"$out/export-vpn-data.txt" 2>&1 ||
		{ cat "$out/export-vpn-data.txt" >&2; ft_fail "NetworkManager has no ExportedRoundTrip"; }
	exit 0
fi

if [ "${1:-}" = --cli-part ]; then
	# The way a person does it: `roadvpn import` each file into roadvpnd
	# (private bus, real polkitd, roadvpnd in the client namespace), then
	# `roadvpn connect --wait`: each must come up on the first try.
	# shellcheck source=../frontends/harness.sh
	. "$(dirname "$0")/../frontends/harness.sh"
	FT_STATE=$2/ft-cli
	ft_require
	ft_enter "$@"
	files=$2
	# shellcheck source=/dev/null
	. "$3"
	O=$FT_STATE/out
	ft_start_bus
	ft_start_polkit
	ft_start_roadvpnd "$CL_NS"
	printf '%s\n' "$PSK" >"$FT_STATE/psk"
	printf '%s\n' "$PASSWORD" >"$FT_STATE/password"
	chmod 600 "$FT_STATE/psk" "$FT_STATE/password"
	for run in "nm $files/nm-l2tp.nmconnection" "apple $files/office.mobileconfig" \
		"windows $files/rasphone.pbk --user alice"; do
		# shellcheck disable=SC2086  # NAME FILE [import options]: words on purpose
		set -- $run
		name=$1 file=$2
		shift 2
		ft_expect 0 "$O" "$ROADVPN" import --name "$name" "$@" "$file"
		ft_grep "^added $name\$" "$O"
		# the .pbk brought no secret: they come as files at connect time
		ft_expect 0 "$O" "$ROADVPN" connect "$name" --wait --psk-file "$FT_STATE/psk" \
			--password-file "$FT_STATE/password"
		tun=$(ip -n "$CL_NS" -br link | awk '$1 ~ /^rvpn/ {sub(/@.*/, "", $1); print $1; exit}')
		[ -n "$tun" ] || ft_fail "$name: connected but no rvpn device"
		ip netns exec "$CL_NS" ping -n -c 3 -W 2 -I "$tun" "$PING" >"$O.ping" 2>&1 ||
			{ cat "$O.ping" >&2; ft_fail "$name: no ping through $tun"; }
		ft_info "$name: roadvpn import + connect: up on $tun, $(grep -o '[0-9]* received' "$O.ping")"
		ft_expect 0 "$O" "$ROADVPN" disconnect "$name"
		for ((i = 0; i < 100; i++)); do
			ip -n "$CL_NS" -br link | grep -q '^rvpn' || break
			sleep 0.1
		done
		sleep "${SESSION_GAP:-3}"
	done
	ft_stop_roadvpnd
	ft_check_sanitizer "$FT_STATE/roadvpnd.log"
	exit 0
fi

# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

t_require
rvt_need_cmd /usr/libexec/softether/vpnserver/vpnserver tshark NetworkManager nmcli dbus-daemon
[ -f /usr/lib/NetworkManager/VPN/nm-l2tp-service.name ] || rvt_skip "network-manager-l2tp missing"
if [ -z "${RV_IMPORT_TOOL:-}" ] || [ ! -x "$RV_IMPORT_TOOL" ]; then rvt_skip "RV_IMPORT_TOOL not set"; fi
t_start_peer softether import --mode ipsec-natt
EXPECT_ENCAP=udp
T_PSK=$PSK
mkdir -p "$STATE/files"

# our export, for the NetworkManager side to load
cat >"$STATE/files/roundtrip.profile" <<EOF
[connection]
name=ExportedRoundTrip
gateway=$GATEWAY
[ipsec]
remote-id=ipv4:$GATEWAY
ike=aes256-sha1-modp2048
[ppp]
user=alice
[ip]
default-route=false
routes=203.0.113.0/24
EOF
"$RV_IMPORT_TOOL" export nm-l2tp "$STATE/files/roundtrip.profile" "$STATE/files/export.nmconnection" \
	2>"$STATE/files/export.report" || t_fail "nm-l2tp export failed"

# 1. NetworkManager-l2tp, written by NetworkManager itself
"$0" --nm-part "$STATE/files" "$GATEWAY" "$STATE/files/export.nmconnection" ||
	t_fail "the NetworkManager part failed (logs in $STATE/files/ft)"
grep -q "gateway = $GATEWAY" "$STATE/files/export-vpn-data.txt" ||
	t_fail "NetworkManager's view of our export lacks the gateway: $(cat "$STATE/files/export-vpn-data.txt")"
grep -q 'service-type=org.freedesktop.NetworkManager.l2tp' "$STATE/files/nm-l2tp.nmconnection" ||
	t_fail "the keyfile NetworkManager wrote is not an l2tp connection"
t_info "NetworkManager wrote $(wc -l <"$STATE/files/nm-l2tp.nmconnection") lines; it took our export"
# nmcli's export (network-manager-l2tp's own format, no secrets): same mapping
"$RV_IMPORT_TOOL" import "$STATE/files/nmcli-export.conf" "$STATE/nmcli-export.profile" \
	2>"$STATE/nmcli-export.report" || { cat "$STATE/nmcli-export.report" >&2; t_fail "nmcli export import failed"; }
for want in "gateway=$GATEWAY" 'enabled=true' 'user=alice' 'auth=mschapv2' 'default-route=false' \
	'routes=203.0.113.0/24'; do
	grep -qx "$want" "$STATE/nmcli-export.profile" || t_fail "nmcli export: no $want"
done
t_info "nmcli export: $(head -n 1 "$STATE/nmcli-export.report")"

# t_import NAME FILE: convert, show the report, run a full session on it.
t_import() {
	local profile=$STATE/$1.profile
	"$RV_IMPORT_TOOL" import "$2" "$profile" alice 2>"$STATE/$1.report" ||
		{ cat "$STATE/$1.report" >&2; t_fail "import of $1 failed"; }
	grep -q 'format: ' "$STATE/$1.report" || t_fail "no report for $1"
	! grep -qF -e "$PSK" -e "$PASSWORD" "$STATE/$1.report" || t_fail "a secret in the $1 report"
	t_info "$1: $(head -n 1 "$STATE/$1.report")"
	# the gateway fakes NAT-D: let its log level and DPD follow roadvpn's defaults
	printf '[debug]\nlog=l2tp,ppp\n' >>"$profile"
	t_ipsec_session "$profile"
	sleep "${SESSION_GAP:-3}"
}

t_import nm-l2tp "$STATE/files/nm-l2tp.nmconnection"
grep -q 'MPPE: not supported by roadvpn; the tunnel is protected by IPsec' "$STATE/nm-l2tp.report" ||
	t_fail "the MPPE note is missing from the NM report"

# 2. Apple: com.apple.vpn.managed, VPNType L2TP, PPP + IPSec dictionaries
cat >"$STATE/files/office.mobileconfig" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>PayloadContent</key>
	<array>
		<dict>
			<key>PayloadType</key><string>com.apple.vpn.managed</string>
			<key>PayloadVersion</key><integer>1</integer>
			<key>PayloadIdentifier</key><string>com.example.vpn.l2tp</string>
			<key>PayloadUUID</key><string>6E0D7E0C-2C43-4A1E-9E44-4B8E0A5D2F11</string>
			<key>PayloadDisplayName</key><string>Office VPN</string>
			<key>UserDefinedName</key><string>Office VPN</string>
			<key>VPNType</key><string>L2TP</string>
			<key>PPP</key>
			<dict>
				<key>CommRemoteAddress</key><string>$GATEWAY</string>
				<key>AuthName</key><string>alice</string>
				<key>AuthPassword</key><string>$PASSWORD</string>
			</dict>
			<key>IPSec</key>
			<dict>
				<key>AuthenticationMethod</key><string>SharedSecret</string>
				<key>SharedSecret</key><data>$(printf '%s' "$PSK" | base64)</data>
			</dict>
			<key>IPv4</key>
			<dict><key>OverridePrimary</key><integer>0</integer></dict>
		</dict>
	</array>
	<key>PayloadDisplayName</key><string>Office VPN</string>
	<key>PayloadIdentifier</key><string>com.example.vpn</string>
	<key>PayloadType</key><string>Configuration</string>
	<key>PayloadUUID</key><string>1B8F2C7A-8E0B-4C55-A1D2-9F3E6B7C8D90</string>
	<key>PayloadVersion</key><integer>1</integer>
</dict>
</plist>
EOF
t_import mobileconfig "$STATE/files/office.mobileconfig"

# 3. Windows: a rasphone.pbk entry (VpnStrategy 3 = L2TP only, IpSecFlags 1 = PSK)
printf '%s\r\n' "[Office VPN]" "Encoding=1" "PBVersion=8" "Type=2" "AutoLogon=0" \
	"UseRasCredentials=1" "VpnStrategy=3" "DataEncryption=256" "AuthRestrictions=512" \
	"IpPrioritizeRemote=0" "IpSecFlags=1" "PreferredDevice=WAN Miniport (L2TP)" "" \
	"NETCOMPONENTS=" "ms_msclient=1" "ms_server=1" "" "MEDIA=rastapi" "Port=VPN2-0" \
	"Device=WAN Miniport (L2TP)" "" "DEVICE=vpn" "PhoneNumber=$GATEWAY" \
	>"$STATE/files/rasphone.pbk"
# a .pbk holds no secret: the PSK and password come as roadvpnd's files
t_import_pbk() {
	local profile=$STATE/pbk.profile
	"$RV_IMPORT_TOOL" import "$STATE/files/rasphone.pbk" "$profile" alice 2>"$STATE/pbk.report" ||
		{ cat "$STATE/pbk.report" >&2; t_fail "import of the .pbk failed"; }
	t_info "pbk: $(head -n 1 "$STATE/pbk.report")"
	grep -q '^psk-flags=ask' "$profile" || t_fail "the .pbk import does not ask for the PSK"
	sed -i '/^psk-flags=ask/d; /^password-flags=ask/d' "$profile"
	printf '[debug]\nlog=l2tp,ppp\n' >>"$profile"
	sed -i "s/^\[ipsec\]/[ipsec]\npsk=$PSK/; s/^\[ppp\]/[ppp]\npassword=$PASSWORD/" "$profile"
	routes_ok=$(grep -c '^routes=' "$profile" || true)
	[ "$routes_ok" -eq 0 ] && sed -i 's/^default-route=false/default-route=false\nroutes=203.0.113.0\/24/' "$profile"
	t_ipsec_session "$profile"
}
t_import_pbk
sleep "${SESSION_GAP:-3}"

# 3. the same three files through `roadvpn import` and `roadvpn connect`
if [ -z "${ROADVPN:-}" ] || [ ! -x "$ROADVPN" ]; then t_fail "ROADVPN is not set"; fi
"$0" --cli-part "$STATE/files" "$RVT_STATE/client.env" ||
	t_fail "roadvpn import + connect failed (logs in $STATE/files/ft-cli)"
t_info PASS
