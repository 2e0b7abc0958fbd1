#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# NetworkManager-roadvpn's GUI as a person uses it, against real
# NetworkManager (nm-harness.sh), under Xvfb, driven through AT-SPI
# (nm-gui.py, dogtail): nm-connection-editor lists "L2TP/IPsec (roadvpn)",
# its page and the IPsec and PPP dialogs refuse bad values as they are
# typed (Save / OK off), a connection is created and saved, and the saved
# keyfile holds what was typed; then the auth dialog in GTK mode asks for
# the password and answers NetworkManager's protocol. Screenshots are kept
# in the test's log folder (see the PASS line). Import and export go through
# the plugin as libnm loads it for nmcli import/export, and a .pbk and a
# PowerShell script are imported into NetworkManager as `nmcli connection
# import type roadvpn` does (no user in either: imported without one).
set -euo pipefail
. "$(dirname "$0")/nm-harness.sh"

nmh_require
for c in Xvfb dbus-run-session import nm-connection-editor; do
	command -v "$c" >/dev/null || ft_skip "missing $c"
done
/usr/bin/python3 -c 'import dogtail' 2>/dev/null || ft_skip "no python3-dogtail"
nmh_enter "$@"
nmh_start

SHOTS=$FT_STATE/screenshots
mkdir -p "$SHOTS" "$FT_STATE/home" "$FT_STATE/xdg"
chmod 700 "$FT_STATE/xdg"
AUTH_DIALOG=$(sed -n 's|^auth-dialog=||p' /usr/lib/NetworkManager/VPN/nm-roadvpn-service.name)

# A sanitized build: the programs loading our modules need the runtime first
# (nm-gui.py preloads it into them only, not into the bus or AT-SPI).
GUI_ENV=(HOME="$FT_STATE/home" XDG_RUNTIME_DIR="$FT_STATE/xdg" GATEWAY="$GATEWAY"
	GTK_THEME=Adwaita NM_GUI_PRELOAD="$(nmh_plugin_preload)" ASAN_OPTIONS=detect_leaks=0)

exec 5>"$FT_STATE/xvfb.display"
Xvfb -displayfd 5 -screen 0 1024x768x24 -nolisten tcp >"$FT_STATE/xvfb.log" 2>&1 &
XVFB_PID=$!
exec 5>&-
for ((i = 0; i < 50; i++)); do
	[ -s "$FT_STATE/xvfb.display" ] && break
	sleep 0.1
done
[ -s "$FT_STATE/xvfb.display" ] || ft_fail "Xvfb did not start"
DISPLAY=:$(head -1 "$FT_STATE/xvfb.display")
trap 'kill "$XVFB_PID" 2>/dev/null || true' EXIT

gui() {
	env "${GUI_ENV[@]}" DISPLAY="$DISPLAY" dbus-run-session -- \
		/usr/bin/python3 "$FT_DIR/nm-gui.py" "$@" >>"$FT_STATE/gui.log" 2>&1 ||
		{ cat "$FT_STATE/gui.log" >&2; ft_fail "nm-gui.py $1"; }
}

ft_info "nm-connection-editor: create and save a roadvpn connection"
gui editor "$SHOTS"
KF=$(grep -l 'service-type=org.freedesktop.NetworkManager.roadvpn' "$FT_STATE"/nm/connections/*.nmconnection | head -1)
[ -n "$KF" ] || ft_fail "no roadvpn keyfile was saved"
cp "$KF" "$FT_STATE/saved.nmconnection"
for want in "gateway=$GATEWAY" "user=alice" "ipsec-ike=aes256-sha256-modp2048,aes128-sha1-modp2048" \
	"ipsec-remote-id=$GATEWAY" "refuse-pap=no" "mtu=1380" "password=gui-password" "ipsec-psk=gui-psk"; do
	grep -qxF "$want" "$KF" || { cat "$KF" >&2; ft_fail "saved keyfile lacks $want"; }
done
nmcli -g vpn.data connection show "$(sed -n 's/^id=//p' "$KF")" >"$FT_STATE/vpn.data"
ft_grep 'ipsec-ike = aes256-sha256-modp2048[^ ]*aes128-sha1-modp2048' "$FT_STATE/vpn.data"

ft_info "the auth dialog in GTK mode"
gui auth "$SHOTS" "$AUTH_DIALOG" -u 0c5e0e2c-5d1c-4b8e-9f0e-3c1c1c1c1c1c -n office \
	-s org.freedesktop.NetworkManager.roadvpn -i
ft_info "import and export through the plugin libnm loads (as nmcli import/export)"
cat >"$FT_STATE/import.conf" <<-EOF
	[connection]
	name=imported
	gateway=$GATEWAY
	[ipsec]
	ike=aes256-sha256-modp2048
	[ppp]
	user=alice
	auth=mschapv2,pap
	[ip]
	default-route=false
	routes=$POOL_CIDR
EOF
# NetworkManager-l2tp's keyfile with its secrets (saved: flags 0) and an
# Apple profile without them (agent-owned: flags 1), through the converter.
cat >"$FT_STATE/l2tp.nmconnection" <<-EOF
	[connection]
	id=from-l2tp
	type=vpn
	[vpn]
	service-type=org.freedesktop.NetworkManager.l2tp
	gateway=$GATEWAY
	user=carol
	ipsec-enabled=yes
	ipsec-psk-flags=0
	[vpn-secrets]
	ipsec-psk=l2tp-psk
	[ipv4]
	method=auto
EOF
cat >"$FT_STATE/apple.mobileconfig" <<-EOF
	<?xml version="1.0" encoding="UTF-8"?>
	<plist version="1.0"><dict><key>PayloadContent</key><array><dict>
	<key>PayloadType</key><string>com.apple.vpn.managed</string>
	<key>UserDefinedName</key><string>from-apple</string>
	<key>VPNType</key><string>L2TP</string>
	<key>PPP</key><dict><key>CommRemoteAddress</key><string>$GATEWAY</string>
	<key>AuthName</key><string>dave</string></dict>
	<key>IPSec</key><dict><key>AuthenticationMethod</key><string>SharedSecret</string></dict>
	</dict></array><key>PayloadType</key><string>Configuration</string></dict></plist>
EOF
env LD_PRELOAD="$(nmh_plugin_preload)" ASAN_OPTIONS=detect_leaks=0 GATEWAY="$GATEWAY" \
	/usr/bin/python3 "$FT_DIR/nm-gui.py" importexport "$SHOTS" "$FT_STATE/import.conf" \
	"$FT_STATE/export.conf" "$FT_STATE/l2tp.nmconnection" "$GATEWAY,carol,0" \
	"$FT_STATE/apple.mobileconfig" "$GATEWAY,dave,1" \
	>>"$FT_STATE/gui.log" 2>&1 || { cat "$FT_STATE/gui.log" >&2; ft_fail "import/export"; }
for want in "name=imported" "gateway=$GATEWAY" "ike=aes256-sha256-modp2048" "auth=mschapv2,pap" \
	"default-route=false" "routes=$POOL_CIDR"; do
	grep -qxF "$want" "$FT_STATE/export.conf" || { cat "$FT_STATE/export.conf" >&2; ft_fail "export lacks $want"; }
done
ls "$SHOTS"/*.png >&2

ft_info "connection import (as nmcli) of Windows files, which name no user"
printf '[Office PBK]\r\nType=2\r\nVpnStrategy=3\r\nIpSecFlags=1\r\n\r\nDEVICE=vpn\r\nPhoneNumber=%s\r\n' \
	"$GATEWAY" >"$FT_STATE/office.pbk"
printf "Add-VpnConnection -Name 'Office PS' -ServerAddress '%s' -TunnelType L2tp -L2tpPsk 'ps-psk' -AuthenticationMethod MSChapv2 -Force\r\n" \
	"$GATEWAY" >"$FT_STATE/office.ps1"
for f in office.pbk:"Office PBK":1 office.ps1:"Office PS":0; do
	IFS=: read -r file id psk_flags <<<"$f"
	# nmcli itself when the plugin is not sanitized; with the ASan runtime
	# preloaded, nmcli deadlocks on glibc's locale lock (even `nmcli
	# general` does), so the same two calls nmcli makes (the plugin's
	# import through libnm, then AddConnection) are made from Python.
	if [ -z "$(nmh_plugin_preload)" ]; then
		ft_expect 0 "$FT_STATE/import.out" nmcli connection import type roadvpn file "$FT_STATE/$file"
	else
		env LD_PRELOAD="$(nmh_plugin_preload)" ASAN_OPTIONS=detect_leaks=0 GATEWAY="$GATEWAY" \
			/usr/bin/python3 "$FT_DIR/nm-gui.py" nmimport "$SHOTS" "$FT_STATE/$file" \
			>>"$FT_STATE/gui.log" 2>&1 || { cat "$FT_STATE/gui.log" >&2; ft_fail "import of $file"; }
	fi
	nmcli -g vpn.data connection show "$id" >"$FT_STATE/vpn.data"
	ft_grep "gateway = $GATEWAY" "$FT_STATE/vpn.data"
	ft_grep "ipsec-psk-flags = $psk_flags" "$FT_STATE/vpn.data"
	ft_grep "password-flags = 1" "$FT_STATE/vpn.data"
	if grep -q 'user = ' "$FT_STATE/vpn.data"; then ft_fail "$file imported with a user"; fi
done
