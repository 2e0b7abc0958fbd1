#!/usr/bin/env bash
# Install what roadvpn needs on Debian 12 and build it into ./build.
# Run as root (apt-get). Package post-install scripts are kept from
# starting the test peers' daemons (SoftEther, l2tpns, FreeRADIUS) in the
# host's own network namespace: the tests start them in namespaces of their own.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build}

PACKAGES=(
	# build
	meson ninja-build pkg-config gcc clang libclang-rt-14-dev
	libglib2.0-dev libglib2.0-bin libssl-dev libplist-dev libnl-3-dev libnl-route-3-dev libcmocka-dev
	# run and test
	iproute2 iputils-ping tcpdump tshark nftables procps psmisc python3 util-linux curl
	# conntrack: the NAT rebinding test deletes the NAT's mappings
	conntrack
	# openssl: test certificates and keys (frontends-gui, cli-ux, strongSwan with certificates)
	openssl
	dbus-daemon polkitd gdb
	# benchmarks (tools/bench: bench-tunnel.sh, bench-session.sh)
	iperf3
	# real peers for the interop tests and the demo gateway
	softether-vpnserver softether-vpncmd l2tpns freeradius freeradius-utils
	strongswan-charon strongswan-swanctl strongswan-pki libcharon-extra-plugins
	libstrongswan-extra-plugins libstrongswan-standard-plugins ike-scan
	# NetworkManager plugin (-Dnm_plugin): build, and its tests against real
	# NetworkManager, nm-connection-editor under Xvfb driven through AT-SPI
	libnm-dev libnma-dev libgtk-3-dev libsecret-1-dev
	# its GTK 4 editor (GNOME Settings 43+) and that editor's test
	libgtk-4-dev libnma-gtk4-dev gir1.2-gtk-4.0
	network-manager network-manager-gnome xvfb xdotool python3-dogtail at-spi2-core
	imagemagick
	# the GTK app (-Dgui): GTK and libsecret above, and for its tests a real
	# keyring, icons and fonts for the screenshots, the data-file checkers
	libsecret-tools gnome-keyring adwaita-icon-theme fonts-dejavu-core librsvg2-common
	appstream desktop-file-utils python3-gi gir1.2-gtk-3.0 python3-dbusmock
	# translations (po/, i18n.merge_file) and the Debian packages (debian/,
	# tests/packages: dpkg-buildpackage, lintian)
	gettext debhelper dpkg-dev lintian git
	# a CJK font: the zh_CN screenshots (tests/packages, frontends-gui-i18n)
	# show Chinese, not boxes
	fonts-wqy-microhei gir1.2-nm-1.0
	# locale sources: tests/locales.sh makes fr_FR.UTF-8 and zh_CN.UTF-8 in the
	# build folder (LOCPATH) for the GUI's locale tests; man: the manual pages'
	# lint (tests/man) and the packages test renders them
	locales man-db
)

install_packages() {
	local guard=""

	if [ "$(id -u)" -ne 0 ]; then
		echo "bootstrap: run as root (it installs packages with apt-get)" >&2
		exit 1
	fi

	if ! dpkg-query -W -f='${Status}\n' "${PACKAGES[@]}" 2>/dev/null | grep -vq 'install ok installed' &&
		[ "$(dpkg-query -W -f='${Status}\n' "${PACKAGES[@]}" 2>/dev/null | wc -l)" -eq "${#PACKAGES[@]}" ]; then
		echo "bootstrap: all packages present"
		return
	fi

	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d
		guard=/usr/sbin/policy-rc.d
	fi

	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"

	if [ -n "$guard" ]; then
		rm -f "$guard"
	fi
}

build() {
	if [ ! -d "$BUILD_DIR" ]; then
		meson setup "$BUILD_DIR" --prefix=/usr --sysconfdir=/etc --localstatedir=/var \
			-Dnm_plugin=enabled -Dgui=enabled "$@"
	fi
	ninja -C "$BUILD_DIR"
}

install_packages
if [ "${1:-}" != "--deps-only" ]; then
	build
fi
