#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# Failures NetworkManager must report with roadvpn's phase and reason, not
# "Unknown reason" (nm-harness.sh, real NetworkManager and SoftEther):
# nmcli names NetworkManager's reason (one Failure reaches it, see
# nm-roadvpn-service.c stop()), its log has roadvpn's phase and reason in words.
#  - a wrong pre-shared key: IKE phase 1, authentication;
#  - a wrong password: PPP authentication (a login failure for NetworkManager);
#  - a vpn.data value roadvpn refuses: the field is named.
# Each time nmcli fails, nothing is left behind, and neither the wrong nor
# the right secrets appear in NetworkManager's or roadvpnd's log.
set -euo pipefail
. "$(dirname "$0")/nm-harness.sh"

nmh_require
nmh_enter "$@"
nmh_start
O=$FT_STATE/out
WRONG_PSK=not-the-psk-0123
WRONG_PASSWORD=not-the-password-4567
LOG=$FT_STATE/NetworkManager.log

# attempt NAME DATA SECRETS: nmcli up must fail; the failure line is printed.
attempt() {
	ft_expect 0 "$O" nmcli connection add type vpn con-name "$1" vpn-type roadvpn \
		vpn.data "$2" vpn.secrets "$3" ipv4.never-default yes
	local rc=0
	timeout 90 nmcli --wait 80 connection up "$1" >"$O.$1" 2>&1 || rc=$?
	[ "$rc" -ne 0 ] || { cat "$O.$1" >&2; ft_fail "$1: nmcli up succeeded"; }
	cat "$O.$1" >&2
	if grep -q 'Unknown reason' "$O.$1"; then ft_fail "$1: nmcli says 'Unknown reason'"; fi
	nmh_check_clean "after $1"
}

ft_info "a wrong pre-shared key"
attempt wrong-psk "gateway=$GATEWAY, user=$USER, ipsec-psk-flags=0, password-flags=0" \
	"password=$PASSWORD, ipsec-psk=$WRONG_PSK"
ft_grep 'Connection activation failed: Invalid secrets' "$O.wrong-psk"
ft_grep 'nm-roadvpn\[[0-9]+\]: failed in phase ike-main-mode \(auth-failed\): IKE phase 1: Authentication failed: wrong pre-shared key or certificate\?' "$LOG"
ft_grep 'dbus: failure: login-failed' "$LOG"
if grep -q 'dbus: failure: connect-failed' "$LOG"; then ft_fail "a second failure (connect-failed) reached NetworkManager"; fi
sleep "$SESSION_GAP"

ft_info "a wrong password"
attempt wrong-password "gateway=$GATEWAY, user=$USER, ipsec-psk-flags=0, password-flags=0" \
	"password=$WRONG_PASSWORD, ipsec-psk=$PSK"
ft_grep 'Connection activation failed: Invalid secrets' "$O.wrong-password"
ft_grep 'nm-roadvpn\[[0-9]+\]: failed in phase ppp-auth \(auth-failed\): PPP auth: Authentication failed: wrong user name or password\?' "$LOG"
ft_grep 'login-failed|login failed|LOGIN_FAILED|Login failed' "$LOG"

ft_info "a value roadvpn refuses names the field"
ft_expect 0 "$O" nmcli connection add type vpn con-name bad-mtu vpn-type roadvpn \
	vpn.data "gateway=$GATEWAY, user=$USER, mtu=9000, ipsec-psk-flags=0, password-flags=0" \
	vpn.secrets "password=$PASSWORD, ipsec-psk=$PSK" ipv4.never-default yes
rc=0
timeout 30 nmcli --wait 20 connection up bad-mtu >"$O.bad" 2>&1 || rc=$?
[ "$rc" -ne 0 ] || ft_fail "bad-mtu: nmcli up succeeded"
ft_grep "vpn.data mtu: '9000' is not a number from 576 to 1500" "$LOG"
nmh_check_clean "after bad-mtu"

nmh_final_checks "$WRONG_PSK" "$WRONG_PASSWORD"
