#!/bin/bash
# The GTK 4 editor (GNOME Settings) under Xvfb: nm-editor-gtk4.py loads the
# build's editor plugin through a .name file as GNOME Settings does, checks
# the page, update_connection and the refusal of a bad gateway, and leaves
# screenshots in $STATE. No bus, no root, no network: nothing connects.
#   test-nm-editor-gtk4.sh PLUGIN_DIR
set -euo pipefail
PY=/usr/bin/python3
PLUGIN_DIR=${1:?plugin dir}
STATE=${NM_GTK4_STATE:-/tmp/roadvpn-unit/nm-editor-gtk4.$$}

skip() { echo "SKIP: $*" >&2; exit 77; }
for c in Xvfb import; do
	command -v "$c" >/dev/null 2>&1 || skip "missing $c"
done
"$PY" -c 'import gi; gi.require_version("Gtk", "4.0"); gi.require_version("NM", "1.0")' \
	2>/dev/null || skip "no GTK 4 or NM typelib for $PY (gir1.2-gtk-4.0, gir1.2-nm-1.0)"

rm -rf "$STATE"
mkdir -p "$STATE"
XVFB_PID=
trap '[ -z "$XVFB_PID" ] || kill "$XVFB_PID" 2>/dev/null || true' EXIT
mkfifo "$STATE/displayfd"
Xvfb -displayfd 3 -screen 0 800x600x24 -nolisten tcp 3>"$STATE/displayfd" \
	>"$STATE/xvfb.log" 2>&1 &
XVFB_PID=$!
read -r -t 15 display <"$STATE/displayfd" || { echo "Xvfb did not start" >&2; exit 1; }

# The .name file as installed, but naming this build's plugin.
cat >"$STATE/nm-roadvpn-service.name" <<EOF
[VPN Connection]
name=roadvpn
service=org.freedesktop.NetworkManager.roadvpn
program=/usr/libexec/nm-roadvpn-service

[libnm]
plugin=$PLUGIN_DIR/libnm-vpn-plugin-roadvpn.so
EOF

# The sanitizer runtime first, when the plugin is sanitized (python is not).
preload=
case "$(ldd "$PLUGIN_DIR/libnm-vpn-plugin-roadvpn.so")" in
*libasan*) preload="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)" ;;
esac

rc=0
env -u GTK_MODULES DISPLAY=":$display" GDK_BACKEND=x11 GTK_THEME=Adwaita LANG=C.UTF-8 \
	LANGUAGE= NO_AT_BRIDGE=1 GTK_A11Y=none GSETTINGS_BACKEND=memory XDG_RUNTIME_DIR="$STATE" \
	LD_PRELOAD="$preload" ASAN_OPTIONS=detect_leaks=0 \
	"$PY" "$(dirname "$0")/nm-editor-gtk4.py" "$STATE/nm-roadvpn-service.name" \
	"$STATE/editor-gtk4.png" 2>"$STATE/stderr" || rc=$?
cat "$STATE/stderr" >&2
if grep -E 'Gtk-(CRITICAL|WARNING)|GLib-(GObject-)?(CRITICAL|WARNING)' "$STATE/stderr" >/dev/null; then
	echo "FAIL: GTK or GLib warnings from the GTK 4 editor" >&2
	exit 1
fi
echo "screenshots: $STATE/editor-gtk4*.png"
exit "$rc"
