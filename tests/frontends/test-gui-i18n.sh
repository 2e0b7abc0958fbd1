#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# roadvpn-gtk in the user's language (issue 20): under LANG=fr_FR.UTF-8 and
# LANG=zh_CN.UTF-8 (real locales made by tests/locales.sh, this build's
# catalogues), against roadvpnd on the private system bus with the real
# polkitd and one profile, under Xvfb: the app starts without a GTK or GLib
# warning or critical, the main window's labels and the editor are
# translated and no English label is left among those checked (gui-i18n.py,
# AT-SPI), and a screenshot of each stays in $FT_STATE/screenshots. No
# gateway is needed: nothing connects.
set -euo pipefail
. "$(dirname "$0")/harness.sh"
PY=/usr/bin/python3

ft_require
[ -n "${ROADVPN_GTK:-}" ] && [ -x "$ROADVPN_GTK" ] || ft_skip "ROADVPN_GTK is not set"
: "${ROADVPN_LOCALEDIR:?set by meson}"
: "${RG_LOCALES:?set by meson}"
for c in Xvfb xdotool import dbus-run-session; do
	command -v "$c" >/dev/null 2>&1 || ft_skip "missing $c"
done
"$PY" -c 'import dogtail' 2>/dev/null || ft_skip "no python3-dogtail for $PY"
fc-list :lang=zh | grep -q . || ft_skip "no CJK font (fonts-wqy-microhei)"
"$FT_DIR/../locales.sh" "$RG_LOCALES" fr_FR.UTF-8 zh_CN.UTF-8
ft_enter "$@"

GUI_USER=rvtest-admin
XVFB_PID=
cleanup() {
	[ -z "$XVFB_PID" ] || kill -TERM "$XVFB_PID" 2>/dev/null || true
	ft_stop_roadvpnd
	ft_netns_cleanup
}
trap cleanup EXIT
ft_netns rvft-gi18n

ft_start_bus
ft_start_polkit
ft_start_roadvpnd "$FT_NS"
O=$FT_STATE/out
ft_expect 0 "$O" ft_as "$GUI_USER" "$ROADVPN" add office --gateway vpn.example.invalid \
	--user alice --psk-flags ask --password-flags ask

SHOTS=$FT_STATE/screenshots
mkdir -p "$SHOTS"
chmod 1777 "$SHOTS"
fifo=$FT_STATE/displayfd
mkfifo "$fifo"
Xvfb -displayfd 3 -screen 0 1280x900x24 -nolisten tcp -ac 3>"$fifo" >"$FT_STATE/xvfb.log" 2>&1 &
XVFB_PID=$!
read -r -t 15 display <"$fifo" || ft_fail "Xvfb did not start"
rm -f "$fifo"

uid=$(id -u "$GUI_USER")
for loc in fr_FR.UTF-8 zh_CN.UTF-8; do
	lang=${loc%%.*}
	[ "$lang" = fr_FR ] && lang=fr
	home=$FT_STATE/home-$lang
	mkdir -p "$home/run"
	chmod 700 "$home/run"
	chown -R "$GUI_USER:" "$home"
	log=$FT_STATE/gui-$lang.log
	ft_info "the app under LANG=$loc on display :$display"
	rc=0
	setpriv --reuid "$uid" --regid "$uid" --clear-groups --inh-caps=-all \
		env -i PATH=/usr/bin:/bin HOME="$home" XDG_RUNTIME_DIR="$home/run" \
		XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/share" XDG_CACHE_HOME="$home/cache" \
		DISPLAY=":$display" DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SYSTEM_BUS_ADDRESS" \
		LANG="$loc" LOCPATH="$RG_LOCALES" ROADVPN_LOCALEDIR="$ROADVPN_LOCALEDIR" \
		GTK_THEME=Adwaita NO_AT_BRIDGE=0 GSETTINGS_BACKEND=memory \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
		ROADVPN_GTK="$ROADVPN_GTK" RG_SHOTS="$SHOTS" \
		dbus-run-session -- "$PY" "$FT_DIR/gui-i18n.py" "$lang" >"$log" 2>&1 </dev/null || rc=$?
	cat "$log" >&2
	[ "$rc" -eq 0 ] || ft_fail "gui-i18n.py $lang exited $rc"
	# The app's own stderr is in the log: GTK must have found nothing to complain about.
	if grep -E '(Gtk|Gdk|GLib|GLib-GObject|GLib-GIO|Pango)-(WARNING|CRITICAL)' "$log"; then
		ft_fail "GTK warnings from the app under $loc"
	fi
	ft_check_sanitizer "$log"
done
for f in "$SHOTS"/*.png; do ft_info "screenshot: $f"; done
exit 0
