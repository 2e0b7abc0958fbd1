#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# The optional secrets through NetworkManager to roadvpnd (nm-harness.sh,
# real NetworkManager and SoftEther), asked by `nmcli --ask` (the auth
# dialog's external UI mode) when agent-owned (flags 1):
#  - the L2TP tunnel secret: SoftEther does no L2TP tunnel authentication,
#    so a secret that reached roadvpnd shows as its challenge left
#    unanswered in l2tp-tunnel (tunnel-auth-failed, nmcli "Invalid
#    secrets"); with flags 0 the saved secret goes the same way unasked;
#  - the password of an encrypted private key (certificate auth): the right
#    one opens the key and IKE phase 1 starts (SoftEther, PSK only, then
#    refuses the certificate); a wrong one fails on the key, before IKE.
# Neither secret appears in NetworkManager's or roadvpnd's log.
set -euo pipefail
. "$(dirname "$0")/nm-harness.sh"

nmh_require
command -v script >/dev/null || ft_skip "missing script (util-linux)"
command -v openssl >/dev/null || ft_skip "missing openssl"
nmh_enter "$@"
nmh_start
O=$FT_STATE/out
LOG=$FT_STATE/NetworkManager.log
TUNNEL_SECRET=tunnel-secret-8271
KEY_PASSWORD=key-password-5390
BASE="gateway=$GATEWAY, user=$USER, password-flags=0, reconnect=no"

# up_fails NAME OUT: nmcli up (no questions) fails; nothing is left.
up_fails() {
	local rc=0
	timeout 90 nmcli --wait 80 connection up "$1" >"$2" 2>&1 || rc=$?
	[ "$rc" -ne 0 ] || ft_fail "$1: nmcli up succeeded"
	nmh_check_clean "after $1"
}

ft_info "the L2TP tunnel secret, agent-owned: asked, then in roadvpnd's challenge"
ft_expect 0 "$O" nmcli connection add type vpn con-name tunnel vpn-type roadvpn \
	vpn.data "$BASE, ipsec-psk-flags=0, l2tp-secret-flags=1" \
	vpn.secrets "password=$PASSWORD, ipsec-psk=$PSK" ipv4.never-default yes
nmh_ask tunnel "$O.ask"
nmh_answer 'L2TP tunnel secret (vpn.secrets.l2tp-secret)' "$TUNNEL_SECRET"
nmh_ask_end
ft_grep 'Connection activation failed: Invalid secrets' "$O.ask"
ft_grep 'nm-roadvpn\[[0-9]+\]: failed in phase l2tp-tunnel \(tunnel-auth-failed\): L2TP tunnel: The L2TP tunnel secret was refused' "$LOG"
# (without a secret roadvpnd sends no challenge and SoftEther's tunnel comes up)
nmh_check_clean "after the tunnel secret"
# SoftEther answers no new SCCRQ from us for a while after such a tunnel
nmh_gateway stop
nmh_gateway start
sleep "$SESSION_GAP"

ft_info "the L2TP tunnel secret, saved: not asked, the same way"
ft_expect 0 "$O" nmcli connection modify tunnel vpn.data "$BASE, ipsec-psk-flags=0, l2tp-secret-flags=0" \
	vpn.secrets "password=$PASSWORD, ipsec-psk=$PSK, l2tp-secret=$TUNNEL_SECRET"
up_fails tunnel "$O.saved"
ft_grep 'Invalid secrets' "$O.saved"
[ "$(grep -c 'failed in phase l2tp-tunnel (tunnel-auth-failed)' "$LOG")" = 2 ] ||
	ft_fail "the saved tunnel secret did not reach roadvpnd"
sleep "$SESSION_GAP"

ft_info "the private key's password, agent-owned"
PKI=$FT_STATE/pki
mkdir -p "$PKI"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$PKI/ca.key" -out "$PKI/ca.pem" -days 2 \
	-subj "/CN=roadvpn test CA" >/dev/null 2>&1
openssl req -newkey rsa:2048 -passout "pass:$KEY_PASSWORD" -keyout "$PKI/client.key" \
	-out "$PKI/client.csr" -subj "/CN=client" >/dev/null 2>&1
openssl x509 -req -in "$PKI/client.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" -CAcreateserial \
	-out "$PKI/client.pem" -days 2 >/dev/null 2>&1
grep -q 'ENCRYPTED PRIVATE KEY' "$PKI/client.key" || ft_fail "the test key is not encrypted"
CERT="machine-auth-type=tls, machine-ca=$PKI/ca.pem, machine-cert=$PKI/client.pem, machine-key=$PKI/client.key"
ft_expect 0 "$O" nmcli connection add type vpn con-name certkey vpn-type roadvpn \
	vpn.data "$BASE, $CERT, machine-certpass-flags=1" vpn.secrets "password=$PASSWORD" \
	ipv4.never-default yes
nmh_ask certkey "$O.ask2"
nmh_answer 'Private key password (vpn.secrets.machine-certpass)' "$KEY_PASSWORD"
nmh_ask_end
if grep -q 'Pre-shared key' "$O.ask2"; then ft_fail "nmcli asked for a PSK with certificate auth"; fi
ft_grep 'nm-roadvpn\[[0-9]+\]: phase: IKE phase 1' "$LOG"
grep -E 'nm-roadvpn\[[0-9]+\]: failed in phase' "$LOG" | tail -1 >"$O.right"
cat "$O.right" >&2
ft_grep 'failed in phase ike-' "$O.right"
nmh_check_clean "after the right key password"
sleep "$SESSION_GAP"

ft_info "a wrong private key password fails on the key, before IKE"
nmh_ask certkey "$O.ask3"
nmh_answer 'Private key password (vpn.secrets.machine-certpass)' "not-$KEY_PASSWORD"
nmh_ask_end
grep -E 'nm-roadvpn\[[0-9]+\]: failed' "$LOG" | tail -1 >"$O.wrong"
cat "$O.wrong" >&2
ft_grep 'failed in phase' "$O.wrong"
if grep -q 'failed in phase ike-' "$O.wrong"; then ft_fail "a wrong key password reached IKE"; fi
nmh_check_clean "after a wrong key password"

nmh_final_checks "$TUNNEL_SECRET" "$KEY_PASSWORD"
