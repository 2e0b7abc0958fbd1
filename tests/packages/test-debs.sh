#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# The Debian packages end to end, never on the machine itself: build the
# .debs from this tree with dpkg-buildpackage (or take them from DEBS_DIR),
# check them with lintian, then, in a private mount + pid namespace whose
# /usr, /etc and /var are overlays over the machine's (/run a tmpfs):
#  - dpkg -i the four packages; their files are where NetworkManager
#    (libnm's vpnservicedir and the paths the .name file names), D-Bus and
#    polkit look, translations included; the installed auth dialog and
#    NetworkManager editor (Xvfb, a screenshot each) speak fr and zh_CN;
#  - the real system bus (dbus-daemon --system, its setuid activation
#    helper, no systemd) starts roadvpnd by D-Bus activation, inside the
#    client namespace of a real gateway (l2tpns + FreeRADIUS, plain L2TP):
#    the Manager's Version, then `roadvpn connect` and a ping through the
#    tunnel, all from the installed files;
#  - dpkg -i again (an upgrade) keeps /etc/roadvpn and the running roadvpnd,
#    dpkg --remove keeps /etc/roadvpn, dpkg --purge leaves no file,
#    directory or state of roadvpn behind.
# Outside, the machine's dpkg database must be unchanged.
#
# Exit 0 pass, 1 fail, 77 skip. Logs in /tmp/roadvpn-ft/test-debs/.
set -euo pipefail
. "$(dirname "$0")/../frontends/harness.sh"
GW=$FT_SRC/tools/gateways
PACKAGES=(roadvpn roadvpn-gtk network-manager-roadvpn network-manager-roadvpn-gnome)

outer() {
	[ "$(id -u)" -eq 0 ] || ft_skip "needs root (namespaces, overlays, dpkg in them)"
	local c
	for c in dpkg-buildpackage dh dpkg-checkbuilddeps git unshare dbus-daemon ip \
		/usr/sbin/l2tpns freeradius; do
		command -v "$c" >/dev/null 2>&1 || ft_skip "missing $c"
	done
	[ -x /usr/lib/dbus-1.0/dbus-daemon-launch-helper ] || ft_skip "no dbus-daemon-launch-helper"
	(cd "$FT_SRC" && dpkg-checkbuilddeps) 2>&1 || ft_skip "Build-Depends not installed"
	for c in "${PACKAGES[@]}"; do
		if dpkg-query -W -f='${Status}' "$c" 2>/dev/null | grep -q 'ok installed'; then
			ft_skip "$c is installed on this machine: the test would not see a clean install"
		fi
	done

	# The namespaces' state (FT_STATE) is emptied when they start: the
	# packages and the machine's dpkg state go beside it.
	WORK=/tmp/roadvpn-ft/test-debs-work
	rm -rf "$WORK"
	mkdir -p "$WORK"
	export DEBS=$WORK/debs
	build_debs
	lint_debs

	dpkg -l >"$WORK/dpkg-l.before"
	md5sum /var/lib/dpkg/status >"$WORK/status.md5"
	FT_GW_NAME=pk$$
	trap '"$GW/l2tpns.sh" stop --name "$FT_GW_NAME" >/dev/null 2>&1 || true' EXIT
	"$GW/l2tpns.sh" start --name "$FT_GW_NAME" >/dev/null || ft_fail "could not start l2tpns"
	export FT_CLIENT_ENV=/tmp/roadvpn-test/$FT_GW_NAME/client.env
	ft_run_inner "$@"

	dpkg -l >"$WORK/dpkg-l.after"
	diff -u "$WORK/dpkg-l.before" "$WORK/dpkg-l.after" >&2 ||
		ft_fail "the machine's dpkg -l changed"
	md5sum --quiet -c "$WORK/status.md5" >&2 || ft_fail "the machine's dpkg status changed"
	exit "$FT_RC"
}

# The .debs of this tree (its files as they are now, tracked ones only: a
# clean checkout), or DEBS_DIR's.
build_debs() {
	mkdir -p "$DEBS"
	if [ -n "${DEBS_DIR:-}" ]; then
		cp "$DEBS_DIR"/*.deb "$DEBS/"
	else
		dpkg_buildpackage
	fi
	deb_files
}

# DEBFILES: the four packages' files in DEBS.
deb_files() {
	local p
	local -a f
	DEBFILES=()
	for p in "${PACKAGES[@]}"; do
		f=("$DEBS/${p}"_*.deb)
		[ -f "${f[0]}" ] || ft_fail "no $p .deb in $DEBS"
		DEBFILES+=("${f[0]}")
	done
}

dpkg_buildpackage() {
	local src=$WORK/build/roadvpn
	mkdir -p "$src"
	(cd "$FT_SRC" && git ls-files -z | tar --null -T - -cf -) | tar -C "$src" -xf -
	ft_info "dpkg-buildpackage -us -uc -b (log: $WORK/build.log)"
	if ! (cd "$src" && DEB_BUILD_OPTIONS="noddebs ${DEB_BUILD_OPTIONS:-}" \
		nice -n 10 dpkg-buildpackage -us -uc -b -j2) >"$WORK/build.log" 2>&1; then
		tail -n 40 "$WORK/build.log" >&2
		ft_fail "dpkg-buildpackage"
	fi
	mv "$WORK"/build/*.deb "$DEBS/"
	rm -rf "$WORK/build"
}

# lintian at its default level: no error and no warning (debian/*.lintian-
# overrides say why for the rest).
lint_debs() {
	command -v lintian >/dev/null || { ft_info "lintian not installed: not run"; return; }
	ft_info "lintian"
	if ! lintian --fail-on error,warning "${DEBFILES[@]}" >"$WORK/lintian.log" 2>&1; then
		cat "$WORK/lintian.log" >&2
		ft_fail "lintian"
	fi
}

# Inside: private /usr, /etc, /var and /run; the machine sees none of it.
overlays() {
	local d
	mount -t proc proc /proc
	for d in etc var usr; do
		mkdir -p "$FT_STATE/ovl/$d/upper" "$FT_STATE/ovl/$d/work"
		mount -t overlay overlay \
			-o "lowerdir=/$d,upperdir=$FT_STATE/ovl/$d/upper,workdir=$FT_STATE/ovl/$d/work" "/$d"
	done
	# A private /run, keeping the network namespaces (ip netns) visible.
	mkdir -p "$FT_STATE/netns"
	mount --rbind /run/netns "$FT_STATE/netns"
	mount -t tmpfs tmpfs /run
	mkdir -p /run/dbus /run/lock /run/netns
	mount --rbind "$FT_STATE/netns" /run/netns
}

# Where NetworkManager, D-Bus and polkit look, and the translations.
check_files() {
	local vpndir name path
	vpndir=$(pkg-config --variable=vpnservicedir libnm)
	name=$vpndir/nm-roadvpn-service.name
	[ -f "$name" ] || ft_fail "no $name (libnm's vpnservicedir)"
	dpkg -S "$name" | grep -q '^network-manager-roadvpn:' || ft_fail "$name not from network-manager-roadvpn"
	for path in $(sed -n 's/^\(plugin\|program\|auth-dialog\)=//p' "$name"); do
		[ -e "$path" ] || ft_fail "$name names $path, which is not installed"
	done
	dpkg -S /usr/libexec/nm-roadvpn-service | grep -q '^network-manager-roadvpn:' ||
		ft_fail "the VPN service is not in network-manager-roadvpn"
	dpkg -S /usr/libexec/nm-roadvpn-auth-dialog | grep -q '^network-manager-roadvpn-gnome:' ||
		ft_fail "the auth dialog is not in network-manager-roadvpn-gnome"
	dpkg -L network-manager-roadvpn | grep -q 'vpn-plugin-roadvpn-editor' &&
		ft_fail "a GTK editor is in network-manager-roadvpn (it belongs in -gnome)"
	# GNOME Settings (GTK 4) loads the GTK 4 editor next to the libnm plugin.
	for ed in libnm-vpn-plugin-roadvpn-editor.so libnm-gtk4-vpn-plugin-roadvpn-editor.so; do
		path=$(dirname "$(sed -n 's/^plugin=//p' "$name")")/$ed
		dpkg -S "$path" 2>/dev/null | grep -q '^network-manager-roadvpn-gnome:' ||
			ft_fail "$path is not installed from network-manager-roadvpn-gnome"
	done

	local svc=/usr/share/dbus-1/system-services/org.roadvpn.Helper1.service
	[ -f "$svc" ] || ft_fail "no $svc"
	path=$(sed -n 's/^Exec=//p' "$svc")
	[ -x "$path" ] || ft_fail "$svc execs $path, which is not installed"
	[ -f /usr/share/dbus-1/system.d/org.roadvpn.Helper1.conf ] || ft_fail "no bus policy"
	[ -f /usr/share/dbus-1/system.d/nm-roadvpn-service.conf ] || ft_fail "no NM service bus policy"
	[ -f /usr/lib/systemd/system/roadvpnd.service ] || ft_fail "no systemd unit"
	grep -q 'xml:lang="fr">Établir' /usr/share/polkit-1/actions/org.roadvpn.policy ||
		ft_fail "the polkit policy lacks its French messages"
	grep -q '^Name\[zh_CN\]=' /usr/share/applications/org.roadvpn.Gtk.desktop ||
		ft_fail "the .desktop file lacks its Chinese name"
	local lang
	for lang in fr zh_CN; do
		[ -f "/usr/share/locale/$lang/LC_MESSAGES/roadvpn.mo" ] || ft_fail "no $lang catalogue"
	done
	for path in /usr/bin/roadvpn /usr/sbin/roadvpnd /usr/bin/roadvpn-gtk; do
		[ -x "$path" ] || ft_fail "$path is not installed"
	done
	# The manual pages, where man finds them, and man renders them.
	for path in /usr/share/man/man1/roadvpn.1.gz /usr/share/man/man8/roadvpnd.8.gz \
		/usr/share/man/man1/roadvpn-gtk.1.gz; do
		[ -f "$path" ] || ft_fail "no manual page $path"
		if command -v man >/dev/null; then
			LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$path" 2>/dev/null | grep -q '^NAME' ||
				ft_fail "man cannot render $path"
		fi
	done
	check_translated
	# Installing started nothing: D-Bus activation does that.
	[ -z "$(pgrep -x roadvpnd || true)" ] || ft_fail "roadvpnd runs after dpkg -i"
}

# The installed programs find the installed catalogues: the auth dialog
# (as NetworkManager's agents run it, external UI mode) in fr and zh_CN.
check_translated() {
	local lang want out=$FT_STATE/auth-dialog
	for lang in fr:'Authentifier le VPN' zh_CN:'验证 VPN'; do
		want=${lang#*:}
		printf 'DATA_KEY=gateway\nDATA_VAL=vpn.example.com\nDATA_KEY=user\nDATA_VAL=alice\nDATA_KEY=password-flags\nDATA_VAL=2\nDONE\n\n' |
			LANG=C.UTF-8 LANGUAGE=${lang%%:*} /usr/libexec/nm-roadvpn-auth-dialog --external-ui-mode \
			--uuid 00000000-0000-0000-0000-000000000001 --name office \
			--service org.freedesktop.NetworkManager.roadvpn >"$out" 2>&1 ||
			{ cat "$out" >&2; ft_fail "the auth dialog (${lang%%:*})"; }
		grep -qxF "Title=$want" "$out" || { cat "$out" >&2; ft_fail "the auth dialog is not in ${lang%%:*}"; }
	done
}

# The installed NetworkManager editor under each locale, under Xvfb: its
# labels translated, no GTK or GLib warning, a screenshot each in FT_STATE.
check_editor_locales() {
	local fifo=$FT_STATE/displayfd display lang err
	mkfifo "$fifo"
	Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp 3>"$fifo" >"$FT_STATE/xvfb.log" 2>&1 &
	read -r -t 15 display <"$fifo" || ft_fail "Xvfb did not start"
	# The real locales (LANG=fr_FR.UTF-8, zh_CN.UTF-8) when they can be made
	# (tests/locales.sh, in FT_STATE), else C.UTF-8 with LANGUAGE.
	local -a env_fr=(LANG=C.UTF-8 LANGUAGE=fr) env_zh_CN=(LANG=C.UTF-8 LANGUAGE=zh_CN)
	if "$FT_DIR/../locales.sh" "$FT_STATE/locales" fr_FR.UTF-8 zh_CN.UTF-8; then
		env_fr=(LOCPATH="$FT_STATE/locales" LANG=fr_FR.UTF-8)
		env_zh_CN=(LOCPATH="$FT_STATE/locales" LANG=zh_CN.UTF-8)
	fi
	for lang in fr:Passerelle zh_CN:网关; do
		err=$FT_STATE/editor-${lang%%:*}.err
		local -a lang_env=("${env_fr[@]}")
		[ "${lang%%:*}" = fr ] || lang_env=("${env_zh_CN[@]}")
		env "${lang_env[@]}" DISPLAY=:$display NO_AT_BRIDGE=1 \
			/usr/bin/python3 "$FT_DIR/../packages/nm-editor-locale.py" \
			"$(pkg-config --variable=vpnservicedir libnm)/nm-roadvpn-service.name" \
			"${lang#*:}" "Gateway:" "$FT_STATE/editor-${lang%%:*}.png" >"$err" 2>&1 ||
			{ cat "$err" >&2; ft_fail "the NM editor in ${lang%%:*}"; }
		if grep -E '(Gtk|GLib|GLib-GObject|Gdk)-(WARNING|CRITICAL)' "$err"; then
			ft_fail "GTK warnings from the NM editor in ${lang%%:*}"
		fi
		ft_info "NM editor in ${lang%%:*}: $FT_STATE/editor-${lang%%:*}.png"
	done
}

# The machine's own system bus configuration, run here: activation through
# dbus-daemon-launch-helper (setuid) as the installed service file says.
# In the client namespace, so the activated roadvpnd is there too.
start_system_bus() {
	ip netns exec "$CL_NS" dbus-daemon --system --nofork --nopidfile --nosyslog \
		>"$FT_STATE/dbus.log" 2>&1 &
	local i
	for ((i = 0; i < 50; i++)); do
		[ -S /run/dbus/system_bus_socket ] && break
		sleep 0.1
	done
	[ -S /run/dbus/system_bus_socket ] || ft_fail "the system bus did not start"
	export DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/dbus/system_bus_socket
}

connect_through_activation() {
	local o=$FT_STATE/out version
	gdbus call --system --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
		--method org.freedesktop.DBus.NameHasOwner org.roadvpn.Helper1 | grep -q false ||
		ft_fail "org.roadvpn.Helper1 is owned before any call"
	version=$(gdbus call --system --dest org.roadvpn.Helper1 --object-path /org/roadvpn/Helper1 \
		--method org.freedesktop.DBus.Properties.Get org.roadvpn.Helper1.Manager Version 2>&1) ||
		{ cat "$FT_STATE/dbus.log" >&2; ft_fail "Version by activation: $version"; }
	ft_info "activated roadvpnd, Version $version"
	[[ "$version" =~ ^\(\<\'[0-9]+\.[0-9]+\'\>,\)$ ]] || ft_fail "Version $version is no MAJOR.MINOR"
	pgrep -x roadvpnd >/dev/null || ft_fail "no roadvpnd process after activation"

	printf '%s\n' "$PASSWORD" >"$FT_STATE/password"
	chmod 600 "$FT_STATE/password"
	roadvpn add gw --gateway "$GATEWAY" --user "$USER" --ipsec false --auth chap \
		--password-flags ask --default-route false --routes 203.0.113.0/24 --ipv6 off \
		>"$o" 2>&1 || { cat "$o" >&2; ft_fail "roadvpn add"; }
	[ -f /etc/roadvpn/connections/gw.conf ] || ft_fail "the profile is not in /etc/roadvpn"
	roadvpn connect gw --wait --password-file "$FT_STATE/password" >"$o" 2>&1 </dev/null ||
		{ cat "$o" >&2; ft_fail "roadvpn connect"; }
	ft_grep "^IP ${POOL_PREFIX//./\\.}[0-9]+" "$o"
	ft_info "connected: $(grep "^IP " "$o")"
	ip netns exec "$CL_NS" ping -n -c 2 -W 2 "$PING" >"$o" 2>&1 ||
		{ cat "$o" >&2; ft_fail "ping $PING through the tunnel"; }
	roadvpn disconnect gw >"$o" 2>&1 || { cat "$o" >&2; ft_fail "roadvpn disconnect"; }
}

# An upgrade (the same packages again: prerm/postrm upgrade, postinst
# configure) keeps the profiles and leaves the running roadvpnd alone;
# a removal takes the programs and keeps the profiles.
upgrade_and_remove() {
	local before after
	before=$(pgrep -x roadvpnd) || ft_fail "roadvpnd is not running before the upgrade"
	DEBIAN_FRONTEND=noninteractive dpkg -i "${DEBFILES[@]}" >"$FT_STATE/dpkg-upgrade.log" 2>&1 ||
		{ cat "$FT_STATE/dpkg-upgrade.log" >&2; ft_fail "dpkg -i over the installed packages"; }
	after=$(pgrep -x roadvpnd) || ft_fail "the upgrade stopped roadvpnd"
	[ "$before" = "$after" ] || ft_fail "the upgrade restarted roadvpnd ($before -> $after)"
	[ -f /etc/roadvpn/connections/gw.conf ] || ft_fail "the upgrade lost /etc/roadvpn"
	roadvpn list >"$FT_STATE/out" 2>&1 || { cat "$FT_STATE/out" >&2; ft_fail "roadvpn list after the upgrade"; }
	ft_grep '^gw' "$FT_STATE/out"
	DEBIAN_FRONTEND=noninteractive dpkg --remove "${PACKAGES[@]}" >"$FT_STATE/dpkg-remove.log" 2>&1 ||
		{ cat "$FT_STATE/dpkg-remove.log" >&2; ft_fail "dpkg --remove"; }
	[ ! -e /usr/sbin/roadvpnd ] || ft_fail "roadvpnd is left after --remove"
	[ -f /etc/roadvpn/connections/gw.conf ] || ft_fail "--remove took /etc/roadvpn (only --purge may)"
	ft_info "upgrade kept roadvpnd (pid $before) and the profile; --remove kept the profile"
}

# After the purge: no package, no file of theirs, nothing named roadvpn in
# the private /usr, /etc, /var (upper layers) or /run.
check_purged() {
	local p left
	for p in "${PACKAGES[@]}"; do
		if dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -qv 'not-installed'; then
			ft_fail "$p still known to dpkg after --purge"
		fi
	done
	while read -r p; do
		[ ! -e "$p" ] || [ -d "$p" ] || ft_fail "$p is left after --purge"
	done <"$FT_STATE/files"
	left=$(cd "$FT_STATE/ovl" && find . -iname '*roadvpn*' ! -type c | head -20)
	left+=$(find /run -iname '*roadvpn*' | head -5)
	[ -z "$left" ] || ft_fail "left after --purge: $left"
}

inner() {
	# shellcheck source=/dev/null
	. "$FT_CLIENT_ENV"
	deb_files
	overlays
	# The bus runs before the install: dbus's trigger reloads it (dpkg -i).
	start_system_bus
	ft_info "dpkg -i ${PACKAGES[*]}"
	DEBIAN_FRONTEND=noninteractive dpkg -i "${DEBFILES[@]}" >"$FT_STATE/dpkg-i.log" 2>&1 ||
		{ cat "$FT_STATE/dpkg-i.log" >&2; ft_fail "dpkg -i"; }
	dpkg -L "${PACKAGES[@]}" | sort -u >"$FT_STATE/files"
	check_files
	if command -v Xvfb >/dev/null && command -v import >/dev/null; then
		check_editor_locales
	else
		ft_info "no Xvfb or import: the editor's locales not checked"
	fi
	connect_through_activation
	upgrade_and_remove
	ft_info "dpkg --purge"
	# Stop the activated roadvpnd first, as an administrator would (this pid
	# namespace's /proc lists only what the test started).
	local pid
	for pid in $(pgrep -x roadvpnd || true); do
		kill -TERM "$pid"
	done
	for ((pid = 0; pid < 50; pid++)); do
		pgrep -x roadvpnd >/dev/null || break
		sleep 0.1
	done
	DEBIAN_FRONTEND=noninteractive dpkg --purge "${PACKAGES[@]}" >"$FT_STATE/dpkg-purge.log" 2>&1 ||
		{ cat "$FT_STATE/dpkg-purge.log" >&2; ft_fail "dpkg --purge"; }
	check_purged
}

if [ -z "${FT_INNER:-}" ]; then
	outer "$@"
fi
inner
