#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# Self-test of the harness, no roadvpnd needed: each real gateway starts in
# its namespaces, listens, and answers a probe (an SCCRQ gets an SCCRP; an
# IKE Main Mode message 1 gets message 2), then stops without leftovers.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

rvt_need_root
rvt_need_cmd python3 /usr/sbin/l2tpns freeradius /usr/libexec/softether/vpnserver/vpnserver

check_gone() {
	rvt_ns_exists "$RVT_GW_NS" && t_fail "namespace $RVT_GW_NS left behind"
	rvt_ns_exists "$RVT_CL_NS" && t_fail "namespace $RVT_CL_NS left behind"
	rvt_ns_exists "$RVT_NAT_NS" && t_fail "namespace $RVT_NAT_NS left behind"
	[ ! -e "/etc/netns/$RVT_CL_NS" ] || t_fail "/etc/netns/$RVT_CL_NS left behind"
	return 0
}

probe() {
	local gw=$1 name=$2$$
	shift 2
	rvt_init "$name"
	"$T_GW_DIR/$gw.sh" start --name "$name" "$@" >/dev/null || t_fail "$gw $* did not start"
	if ! "$T_GW_DIR/$gw.sh" probe --name "$name"; then
		"$T_GW_DIR/$gw.sh" stop --name "$name"
		t_fail "$gw $* did not answer the probe"
	fi
	"$T_GW_DIR/$gw.sh" stop --name "$name"
	check_gone
	t_info "$gw $* ok"
}

probe l2tpns gwl
probe softether gwr --mode raw-l2tp
probe softether gwn --mode ipsec-natt
probe softether gwe --mode ipsec-raw
probe softether gwt --mode raw-l2tp --nat
