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
FT_XVFB_PID=
cleanup() {
	[ -z "$FT_XVFB_PID" ] || kill -TERM "$FT_XVFB_PID" 2>/dev/null || true
	ft_stop_roadvpnd
	ft_netns_cleanup
}
trap cleanup EXIT
ft_netns rvft-gi18n

ft_start_bus
ft_start_polkit
ft_start_roadvpnd "$FT_NS"
O=$FT_STATE/out

SHOTS=$FT_STATE/screenshots
mkdir -p "$SHOTS"
chmod 1777 "$SHOTS"
ft_xvfb

for loc in fr_FR.UTF-8 zh_CN.UTF-8; do
	lang=${loc%%.*}
	[ "$lang" = fr_FR ] && lang=fr
	log=$FT_STATE/gui-$lang.log
	# A profile of its own per language: the last run's failure lingers in
	# roadvpnd, and this run starts from "not connected".
	ft_expect 0 "$O" ft_as "$GUI_USER" "$ROADVPN" add "office-$lang" \
		--gateway vpn.example.invalid --user alice --psk-flags ask --password-flags ask
	ft_info "the app under LANG=$loc on display :$FT_DISPLAY"
	rc=0
	ft_desktop_as "$GUI_USER" "$FT_STATE/home-$lang" \
		LANG="$loc" LOCPATH="$RG_LOCALES" ROADVPN_LOCALEDIR="$ROADVPN_LOCALEDIR" \
		ROADVPN_GTK="$ROADVPN_GTK" RG_SHOTS="$SHOTS" \
		-- "$PY" "$FT_DIR/gui-i18n.py" "$lang" "office-$lang" >"$log" 2>&1 </dev/null || rc=$?
	cat "$log" >&2
	[ "$rc" -eq 0 ] || ft_fail "gui-i18n.py $lang exited $rc"
	# The app's own stderr is in the log: GTK must have found nothing to complain about.
	if grep -E '(Gtk|Gdk|GLib|GLib-GObject|GLib-GIO|Pango)-(WARNING|CRITICAL)' "$log"; then
		ft_fail "GTK warnings from the app under $loc"
	fi
	ft_check_sanitizer "$log"
	ft_expect 0 "$O" ft_as "$GUI_USER" "$ROADVPN" delete "office-$lang"
done
for f in "$SHOTS"/*.png; do ft_info "screenshot: $f"; done
exit 0
