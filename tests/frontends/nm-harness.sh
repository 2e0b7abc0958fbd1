# shellcheck shell=bash
# The NetworkManager test harness (issue 16): real NetworkManager, polkitd
# and a private system bus with roadvpnd on it, in a mount + pid namespace
# that lives in the client network namespace of a real SoftEther
# L2TP/IPsec gateway (tools/gateways/softether.sh, namespaces rvt-nmPID-*),
# or with NMH_PEER=l2tpns before nmh_require, of l2tpns (plain L2TP, with
# IPv6CP; tools/gateways/l2tpns.sh: no PSK, no server restarts).
# NetworkManager-roadvpn is installed with `meson install --destdir` into
# an overlay of /usr that only this namespace sees; /etc and /var are
# overlays too, so NetworkManager's files never reach the machine.
#
#   . nm-harness.sh
#   nmh_require                    # skip (77) unless root and the tools exist
#   nmh_enter "$@"                 # gateway up, then this script inside
#   nmh_start                      # (inside) bus, polkitd, roadvpnd, NetworkManager
#   nmh_gateway stop|start         # (inside) stop or start the gateway's server
#   nmh_ask NAME OUT; nmh_answer PROMPT VALUE...; nmh_ask_end
#                                  # (inside) nmcli --ask up NAME, prompts answered
#
# How NetworkManager runs without systemd here follows
# ../shared/research/harness-networkmanager-polkit-gtk.md: sysfs read-only
# (no udev: NetworkManager treats it as a container), a keyfile base
# connection on the client's veth (a VPN needs an active base connection
# with a default route: NetworkManager picks it as the VPN's parent),
# dns=default with rc-manager=file on the private /etc/resolv.conf.
# Logs stay in /tmp/roadvpn-ft/<test>/ (NetworkManager.log has the
# plugin's lines).
# shellcheck source=harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/harness.sh"

NMH_PEER=${NMH_PEER:-softether}
NMH_GW=$FT_SRC/tools/gateways/$NMH_PEER.sh
NMH_NM=${NMH_NM:-/usr/sbin/NetworkManager}

nmh_require() {
	ft_require
	local c
	local -a peer=(/usr/libexec/softether/vpnserver/vpnserver)
	[ "$NMH_PEER" = l2tpns ] && peer=(/usr/sbin/l2tpns freeradius)
	for c in "$NMH_NM" nmcli meson nsenter "${peer[@]}"; do
		command -v "$c" >/dev/null 2>&1 || [ -x "$c" ] || ft_skip "missing $c"
	done
	[ -n "${NM_BUILD_ROOT:-}" ] && [ -d "$NM_BUILD_ROOT" ] || ft_skip "NM_BUILD_ROOT is not set"
	[ -f "$NM_BUILD_ROOT/data/nm-roadvpn-service.name" ] ||
		ft_skip "the NetworkManager plugin is not built (-Dnm_plugin=enabled)"
}

# Outside: the gateway pair, a watcher that stops/starts the gateway's server
# on request (its PID lives outside our pid namespace), then the test inside.
nmh_enter() {
	[ -n "${FT_INNER:-}" ] && return 0
	NMH_NAME=nm$$
	# per run: other worktrees may run the same test at the same time
	FT_STATE=/tmp/roadvpn-ft/${FT_PROG%.sh}-$NMH_NAME
	trap '"$NMH_GW" stop --name "$NMH_NAME" >/dev/null 2>&1 || true' EXIT
	local -a mode=(--mode "${NMH_MODE:-ipsec-natt}")
	[ "$NMH_PEER" = l2tpns ] && mode=()
	"$NMH_GW" start --name "$NMH_NAME" "${mode[@]}" >/dev/null ||
		ft_fail "could not start $NMH_PEER"
	export FT_CLIENT_ENV=/tmp/roadvpn-test/$NMH_NAME/client.env NMH_NAME
	# shellcheck source=/dev/null
	. "$FT_CLIENT_ENV"
	rm -rf "$FT_STATE"
	mkdir -p "$FT_STATE/gw-requests"
	nmh_gateway_watcher &
	local watcher=$!
	FT_RC=0
	FT_INNER=1 FT_STATE=$FT_STATE unshare --mount --propagation private --pid --fork \
		--kill-child -- nsenter --net="/run/netns/$CL_NS" -- "$0" "$@" || FT_RC=$?
	kill "$watcher" 2>/dev/null || true
	wait "$watcher" 2>/dev/null || true
	if [ "$FT_RC" -eq 0 ]; then
		# the install and the overlays' upper layers: only the logs are worth keeping
		rm -rf "$FT_STATE/destdir" "$FT_STATE/ovl"
		ft_info "PASS (logs in $FT_STATE)"
	fi
	exit "$FT_RC"
}

# A request file "stop" or "start" in gw-requests/ runs softether.sh; "done" answers.
nmh_gateway_watcher() {
	local r f
	while sleep 0.2; do
		for f in "$FT_STATE"/gw-requests/*.req; do
			[ -e "$f" ] || continue
			r=$(cat "$f")
			rm -f "$f"
			"$NMH_GW" "$r-server" --name "$NMH_NAME" >>"$FT_STATE/gateway.log" 2>&1 || true
			touch "$FT_STATE/gw-requests/$r.done"
		done
	done
}

nmh_gateway() {
	local i
	rm -f "$FT_STATE/gw-requests/$1.done"
	echo "$1" >"$FT_STATE/gw-requests/$1.req"
	for ((i = 0; i < 300; i++)); do
		[ -e "$FT_STATE/gw-requests/$1.done" ] && return 0
		sleep 0.1
	done
	ft_fail "the gateway did not $1"
}

# Private /etc, /var and /usr; our install under /usr, as a package would put it.
nmh_overlays() {
	local d
	meson install -C "$NM_BUILD_ROOT" --no-rebuild --quiet --destdir "$FT_STATE/destdir" \
		>"$FT_STATE/install.log" 2>&1 || { cat "$FT_STATE/install.log" >&2; ft_fail "meson install"; }
	# The bus reads policies from /usr/share/dbus-1/system.d only: with
	# another prefix (build-test's /usr/local) ours is put next to the helper's.
	mkdir -p "$FT_STATE/system.d"
	find "$FT_STATE/destdir" -name nm-roadvpn-service.conf -exec cp {} "$FT_STATE/system.d/" \;
	for d in etc var usr; do
		mkdir -p "$FT_STATE/ovl/$d/upper" "$FT_STATE/ovl/$d/work"
	done
	mount -t overlay overlay -o "lowerdir=$FT_STATE/destdir/usr:/usr,upperdir=$FT_STATE/ovl/usr/upper,workdir=$FT_STATE/ovl/usr/work" /usr
	mount -t overlay overlay -o "lowerdir=/etc,upperdir=$FT_STATE/ovl/etc/upper,workdir=$FT_STATE/ovl/etc/work" /etc
	mount -t overlay overlay -o "lowerdir=/var,upperdir=$FT_STATE/ovl/var/upper,workdir=$FT_STATE/ovl/var/work" /var
	mount -t tmpfs tmpfs /run
	mkdir -p /run/dbus /var/lib/NetworkManager
	rm -f /etc/resolv.conf
	printf '# roadvpn NetworkManager test\n' >/etc/resolv.conf
	mount -t sysfs -o ro sysfs /sys
}

nmh_nm_conf() {
	local s=$FT_STATE/nm
	mkdir -p "$s/conf.d" "$s/system-conf.d" "$s/connections"
	cat >"$s/NetworkManager.conf" <<-EOF
		[main]
		plugins=keyfile
		dhcp=internal
		dns=default
		rc-manager=file
		systemd-resolved=false
		no-auto-default=*
		hostname-mode=none
		auth-polkit=true
		[keyfile]
		path=$s/connections
		unmanaged-devices=*,except:interface-name:rv-cl
		[connectivity]
		enabled=false
		[logging]
		level=${NMH_LOG_LEVEL:-DEBUG}
		domains=DEFAULT,VPN:TRACE,VPN_PLUGIN:TRACE
	EOF
	cat >"$s/connections/nm-base.nmconnection" <<-EOF
		[connection]
		id=nm-base
		uuid=9d7c2f55-6c1e-4a0c-9a43-5a8e2b7f0b11
		type=ethernet
		interface-name=rv-cl
		autoconnect=true
		[ipv4]
		method=manual
		address1=$CLIENT_UNDERLAY/24,$GATEWAY
		[ipv6]
		method=disabled
	EOF
	chmod 600 "$s/connections/nm-base.nmconnection"
}

nmh_start_nm() {
	local s=$FT_STATE/nm i
	nmh_nm_conf
	# The address softether.sh set would make NetworkManager assume an
	# external connection without a default route; nm-base sets it again.
	ip addr flush dev rv-cl
	"$NMH_NM" --no-daemon --debug --config="$s/NetworkManager.conf" --config-dir="$s/conf.d" \
		--system-config-dir="$s/system-conf.d" --state-file="$s/NetworkManager.state" \
		>"$FT_STATE/NetworkManager.log" 2>&1 &
	NMH_NM_PID=$!
	ft_wait_name org.freedesktop.NetworkManager 20 || ft_fail "NetworkManager did not start"
	for ((i = 0; i < 200; i++)); do
		nmcli -t -f STATE general 2>/dev/null | grep -q '^connected' && return 0
		sleep 0.1
	done
	nmcli device >&2 || true
	ft_fail "NetworkManager did not activate nm-base"
}

nmh_start() {
	# shellcheck source=/dev/null
	. "$FT_CLIENT_ENV"
	nmh_overlays
	ft_start_bus
	ln -sf "$FT_STATE/system_bus_socket" /run/dbus/system_bus_socket
	ft_start_polkit
	ft_start_roadvpnd
	nmh_start_nm
}

# The sanitizer runtime for programs that load our (sanitized) libnm plugin
# modules, nmcli import/export and nm-connection-editor: empty otherwise.
nmh_plugin_preload() {
	local dir
	dir=$(sed -n 's|^plugin=\(.*\)/[^/]*$|\1|p' /usr/lib/NetworkManager/VPN/nm-roadvpn-service.name)
	# not `ldd | grep -q`: under pipefail, grep's early exit fails the pipe
	case "$(ldd "$dir/libnm-vpn-plugin-roadvpn.so")" in
	*libasan*) echo "$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)" ;;
	esac
}

# nmh_vpn_state NAME: NetworkManager's GENERAL.STATE of an active connection ("" if none).
nmh_vpn_state() {
	nmcli -g GENERAL.STATE connection show "$1" 2>/dev/null || true
}

# nmh_tun: the TUN device roadvpnd made ("" if none).
nmh_tun() {
	ip -br link | awk '$1 ~ /^rvpn[0-9]+/ {sub(/@.*/, "", $1); print $1; exit}'
}

# roadvpnd's connection objects that are not finished (disconnected/failed).
nmh_live_connections() {
	gdbus call --system --dest org.roadvpn.Helper1 --object-path /org/roadvpn/Helper1 \
		--method org.freedesktop.DBus.ObjectManager.GetManagedObjects 2>/dev/null |
		grep -oE "'State': <'[a-z-]+'>" | grep -cvE "'(disconnected|failed)'" || true
}

# nmh_no_secret FILE...: none of the gateway's secrets in any of them.
nmh_no_secret() {
	local f s
	for f in "$@"; do
		[ -f "$f" ] || continue
		for s in "$PASSWORD" "${PSK:-}"; do
			[ -n "$s" ] || continue
			if grep -qF -- "$s" "$f"; then ft_fail "a secret appears in $(basename "$f")"; fi
		done
	done
}

# nmh_final_checks [SECRET...]: neither these nor the gateway's secrets in
# NetworkManager's or roadvpnd's log, and no sanitizer report in either.
nmh_final_checks() {
	local s logs=("$FT_STATE/NetworkManager.log" "$FT_STATE/roadvpnd.log")
	for s in "$@"; do
		if grep -qF -- "$s" "${logs[@]}"; then ft_fail "a secret is logged"; fi
	done
	nmh_no_secret "${logs[@]}"
	ft_check_sanitizer "${logs[@]}"
}

# Nothing of a VPN left: no TUN, no route into the pool, no pool DNS, no live connection.
nmh_check_clean() {
	local i
	# NetworkManager removes its part (DNS, routes) once it saw the VPN end.
	for ((i = 0; i < 150; i++)); do
		[ -z "$(nmh_tun)" ] && [ "$(nmh_live_connections)" = 0 ] &&
			! grep -q "$DNS1" /etc/resolv.conf && break
		sleep 0.1
	done
	[ -z "$(nmh_tun)" ] || ft_fail "$1: the TUN device $(nmh_tun) is left"
	[ "$(nmh_live_connections)" = 0 ] || ft_fail "$1: roadvpnd still has a live connection"
	if [[ "$(ip -4 route show table all)" == *"$POOL_PREFIX"* ]]; then
		ip -4 route show table all >&2
		ft_fail "$1: a route into the pool is left"
	fi
	if grep -q "$DNS1" /etc/resolv.conf; then ft_fail "$1: the VPN's DNS is left in resolv.conf"; fi
}

# nmh_ask NAME OUT: `nmcli --ask connection up NAME` in the background, its
# output in OUT. nmcli asks on a terminal: script(1) gives it one; each
# answer (nmh_answer) is typed into a FIFO once its prompt shows.
nmh_ask() {
	NMH_ASK_OUT=$2
	rm -f "$FT_STATE/ask.in"
	mkfifo "$FT_STATE/ask.in"
	timeout 60 script -qfec "nmcli --ask --wait 50 connection up $1" /dev/null \
		<"$FT_STATE/ask.in" >"$NMH_ASK_OUT" 2>&1 &
	NMH_ASK=$!
	exec 7>"$FT_STATE/ask.in"
}

# nmh_answer PROMPT VALUE: type VALUE once nmcli's output shows PROMPT.
nmh_answer() {
	local i
	for ((i = 0; i < 300; i++)); do
		grep -q "$1" "$NMH_ASK_OUT" 2>/dev/null && { printf '%s\n' "$2" >&7; return 0; }
		sleep 0.1
	done
	cat "$NMH_ASK_OUT" >&2
	ft_fail "nmcli --ask did not ask for $1"
}

# nmh_ask_end: nmcli's end (the terminal stays open until then, or it
# would see its input end); its exit status is not ours to judge.
nmh_ask_end() {
	wait "$NMH_ASK" 2>/dev/null || true
	exec 7>&-
}
