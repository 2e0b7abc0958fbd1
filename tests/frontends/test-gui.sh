#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# roadvpn-gtk end to end: the app runs as an unprivileged test user under
# Xvfb with a session bus, a real gnome-keyring-daemon (temporary home) and
# AT-SPI, against roadvpnd on the private system bus with the real polkitd,
# and the real SoftEther L2TP/IPsec gateway in this test's namespaces.
# gui-test.py drives it through AT-SPI (dogtail): secrets dialog with
# "Remember", phases, connected view, ping through, disconnect; connect again
# from the keyring alone; secret-tool sees the item, and not after "forget";
# a wrong password shows the PPP phase and reason and leaves nothing behind;
# a profile created in the editor is in `roadvpn list`; switched to a
# certificate there, its key password is offered as asked or stored, kept as
# asked, asked at connect and remembered in the keyring, in no file of
# roadvpnd's; one edited
# there (split tunnel, MTU, kill switch with "Allow local network", greyed
# out until the kill switch is on) in `roadvpn export`; a PowerShell file handed to a second launch is
# imported; notifications reach the desktop's server; roadvpnd stopped
# shows the "not reachable" banner, and the app reattaches when it is back.
# Screenshots of the
# connected, progress and error views and of the editor's IPsec and IP pages stay in $FT_STATE/screenshots.
set -euo pipefail
. "$(dirname "$0")/harness.sh"
PY=/usr/bin/python3

ft_require
if [ -z "${FT_INNER:-}" ]; then
	[ -n "${ROADVPN_GTK:-}" ] && [ -x "$ROADVPN_GTK" ] || ft_skip "ROADVPN_GTK is not set"
	for c in Xvfb xdotool import gnome-keyring-daemon secret-tool dbus-run-session \
		/usr/libexec/softether/vpnserver/vpnserver; do
		command -v "$c" >/dev/null 2>&1 || [ -x "$c" ] || ft_skip "missing $c"
	done
	for m in dogtail dbusmock; do
		"$PY" -c "import importlib.util as u, sys; sys.exit(u.find_spec('$m') is None)" ||
			ft_skip "no python3-$m for $PY"
	done
	ft_gateway_run softether.sh gui$$ --mode ipsec-natt -- "$@"
fi

# shellcheck source=/dev/null
. "$FT_CLIENT_ENV"
O=$FT_STATE/out
RPC=$FT_STATE/rpc
GUI_USER=rvtest-admin
FT_XVFB_PID=
SERVE_PID=

cleanup() {
	[ -z "$SERVE_PID" ] || kill "$SERVE_PID" 2>/dev/null || true
	[ -z "$FT_XVFB_PID" ] || kill -TERM "$FT_XVFB_PID" 2>/dev/null || true
	ft_stop_roadvpnd
}
trap cleanup EXIT

# The GUI runs unprivileged; what needs root (ping inside the client
# namespace, its links) it asks for through files in $RPC: NAME.req -> NAME.out + NAME.rc.
serve_rpc() {
	local req name rc
	while sleep 0.2; do
		for req in "$RPC"/*.req; do
			[ -e "$req" ] || continue
			name=$(basename "$req" .req)
			rc=0
			case $name in
			ping-*) ip netns exec "$CL_NS" ping -n -c 3 -W 2 "$PING" >"$RPC/$name.out" 2>&1 || rc=$? ;;
			links-*) ip -n "$CL_NS" -br link >"$RPC/$name.out" 2>&1 || rc=$? ;;
			stop-helper-*) ft_stop_roadvpnd >"$RPC/$name.out" 2>&1 || rc=$? ;;
			start-helper-*)
				ft_start_roadvpnd "$CL_NS" "$FT_STATE/roadvpnd-2.log" \
					>"$RPC/$name.out" 2>&1 || rc=$? ;;
			*) echo "unknown request" >"$RPC/$name.out"; rc=2 ;;
			esac
			rm -f "$req"
			chmod 644 "$RPC/$name.out"
			echo "$rc" >"$RPC/$name.rc.tmp" && chmod 644 "$RPC/$name.rc.tmp" &&
				mv "$RPC/$name.rc.tmp" "$RPC/$name.rc"
		done
	done
}

ft_start_bus
ft_start_polkit
ft_start_roadvpnd "$CL_NS"

ft_expect 0 "$O" ft_as rvtest-admin "$ROADVPN" add office --gateway "$GATEWAY" --user "$USER" \
	--psk-flags ask --password-flags ask --auth mschapv2 --default-route false \
	--routes "$POOL_CIDR" --dns true --ipv6 off

mkdir -p "$RPC" "$FT_STATE/screenshots"
chmod 1777 "$RPC" "$FT_STATE/screenshots"
serve_rpc &
SERVE_PID=$!
ft_xvfb

ft_info "the app as $GUI_USER on display :$FT_DISPLAY"
# A certificate and its key, encrypted with KEY_PASSWORD, where roadvpnd (root
# without CAP_DAC_OVERRIDE) can read them: the editor's certificate profile.
KEY_PASSWORD=kp-$$-$RANDOM
mkdir -p "$FT_STATE/cert"
openssl req -x509 -newkey rsa:2048 -subj /CN=gui-made -days 2 -passout "pass:$KEY_PASSWORD" \
	-keyout "$FT_STATE/cert/gui-made.key" -out "$FT_STATE/cert/gui-made.crt" 2>/dev/null ||
	ft_fail "openssl could not make a certificate"
chmod 644 "$FT_STATE/cert/gui-made.key"
rc=0
ft_desktop_as "$GUI_USER" "$FT_STATE/home" \
	ROADVPN_GTK="$ROADVPN_GTK" ROADVPN="$ROADVPN" RG_RPC="$RPC" \
	RG_SHOTS="$FT_STATE/screenshots" RG_PASSWORD="$PASSWORD" RG_PSK="$PSK" \
	RG_KEY_PASSWORD="$KEY_PASSWORD" RG_CERT="$FT_STATE/cert/gui-made.crt" \
	RG_KEY="$FT_STATE/cert/gui-made.key" RG_GATEWAY="$GATEWAY" RG_POOL_PREFIX="$POOL_PREFIX" RG_GAP="${SESSION_GAP:-3}" \
	-- "$FT_DIR/gui-session.sh" "$PY" "$FT_DIR/gui-test.py" \
	>"$FT_STATE/gui-test.log" 2>&1 </dev/null || rc=$?
cat "$FT_STATE/gui-test.log" >&2
[ "$rc" -eq 0 ] || ft_fail "gui-test.py exited $rc"

ft_info "the profile made in the editor is a system profile"
ft_expect 0 "$O" "$ROADVPN" list
ft_grep '^gui-made' "$O"
ft_info "the key password chosen in the editor: asked (flag saved), in no file of roadvpnd's"
ft_grep '^key-password-flags=ask' "$FT_STATE/connections/gui-made.conf"
grep -q '^key-password *=' "$FT_STATE/connections/gui-made.conf" &&
	ft_fail "gui-made's file holds a key password"
grep -rqF -- "$KEY_PASSWORD" "$FT_STATE/connections" "$FT_STATE/run" &&
	ft_fail "the key password is in roadvpnd's files"
for f in "$FT_STATE"/screenshots/*.png; do ft_info "screenshot: $f"; done
grep -qF -e "$PASSWORD" -e "$KEY_PASSWORD" "$FT_STATE"/roadvpnd*.log "$FT_STATE/gui-test.log" \
	2>/dev/null && ft_fail "a password appears in a log"
ft_check_sanitizer "$FT_STATE/roadvpnd.log" "$FT_STATE/roadvpnd-2.log" "$FT_STATE/gui-test.log"
exit 0
