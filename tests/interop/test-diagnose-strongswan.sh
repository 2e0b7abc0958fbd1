#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# `roadvpnd --foreground --diagnose` (the report roadvpn diagnose shows)
# against strongSwan's charon restricted to one legacy suite,
# 3des-sha1-modp1024 (tools/gateways/strongswan.sh --ike), profile with no
# proposals:
#   without allow-legacy  the report fails at ike-proposals, cause legacy-only,
#                         the message naming the suite and allow-legacy
#   with allow-legacy     phase 1 passes with 3des-sha1-modp1024, the SA comes
#                         up, and charon (no kernel ESP, no L2TP server behind
#                         it) deletes it: l2tp, cause sa-deleted
# And against charon with certificates (strongswan.sh --auth cert), a profile
# trusting another CA: ike-auth, cause certificate, the message saying why.
# Each time: exit 1, the steps before passed, none after ran, no PSK or
# password in the report or the log, the client namespace as before.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

t_require
rvt_need_cmd /usr/lib/ipsec/charon swanctl pki openssl

PSK=rvt-strongswan-psk-0123
# client.env sets PSK too ('' for a certificate gateway): the secrets checked are these.
DIAG_PSK=$PSK
# charon has no L2TP side: any password, but one that cannot appear by chance
PW=rvt-diag-password-9876

# diag_profile FILE [KEY=VALUE...]: PSK, no proposals.
diag_profile() {
	local f=$1
	shift
	t_profile "$f" "connection.name=diag" "connection.gateway=$GATEWAY" \
		"ipsec.enabled=true" "ipsec.psk=$DIAG_PSK" \
		"ppp.user=$USER" "ppp.password=$PW" "ppp.auth=pap" \
		"ip.default-route=false" "ip.dns=false" "ip.ipv6=off" "$@"
}

# diagnose FILE STEP CAUSE: the report fails at STEP with CAUSE.
diagnose() {
	local out=$STATE/report-$2 log=$STATE/diagnose-$2.log rc=0
	T_LOG=$log
	timeout 120 ip netns exec "$CL_NS" env DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent/rvt \
		"$ROADVPND" --foreground --diagnose --profile "$1" >"$out" 2>"$log" || rc=$?
	t_info "diagnose: exit $rc: $(cat "$out")"
	[ "$rc" -eq 1 ] || t_fail "exit status $rc, expected 1 (a step failed)"
	grep -q "('$2', 'failed', '$3'" "$out" || t_fail "the report does not fail at $2 with $3"
	[ "$(grep -o "'failed'" "$out" | wc -l)" -eq 1 ] || t_fail "more than one step failed"
	grep -q "('resolve', 'ok', 'none', {'address': '$GATEWAY'})" "$out" ||
		t_fail "resolve did not pass with the gateway's address"
	t_check_sanitizer
	t_check_no_password "$PW" "$DIAG_PSK"
	if grep -qF -e "$DIAG_PSK" -e "$PW" "$out"; then t_fail "a secret is in the report"; fi
	t_check_clean
	REPORT=$out
}

t_start_peer strongswan diagsw --auth psk --kernel netlink --ike 3des-sha1-modp1024
t_snapshot "$STATE/before"

t_info "--- no allow-legacy: the proposals step names the legacy suite"
diag_profile "$STATE/strict.profile"
diagnose "$STATE/strict.profile" ike-proposals legacy-only
grep -q "'message': 'IKE phase 1: the gateway only accepts 3des-sha1-modp1024; set allow-legacy=true to use it'" \
	"$REPORT" || t_fail "the message does not name the suite"
grep -q "('ike-reach', 'ok', 'none', {'replies': '[1-9]" "$REPORT" || t_fail "ike-reach did not pass"
grep -q "('ike-auth', 'skipped'" "$REPORT" || t_fail "ike-auth ran after the refusal"

t_info "--- allow-legacy: up to the SA, which charon deletes (no L2TP side)"
diag_profile "$STATE/legacy.profile" "ipsec.allow-legacy=true"
diagnose "$STATE/legacy.profile" l2tp sa-deleted
grep -q "('ike-proposals', 'ok', 'none', {'ike': '3des-sha1-modp1024'})" "$REPORT" ||
	t_fail "phase 1 did not pass with 3des-sha1-modp1024"
grep -q "('ike-auth', 'ok', 'none', {'auth': 'psk'})" "$REPORT" || t_fail "ike-auth did not pass"
grep -q "('ipsec-sa', 'ok', 'none', {'esp': '" "$REPORT" || t_fail "no IPsec SA in the report"
grep -q "('ppp-auth', 'skipped'" "$REPORT" || t_fail "PPP ran after the SA was deleted"
grep -q "the gateway deleted the IPsec SA" "$REPORT" || t_fail "the message does not say why"

"$T_GW_DIR/strongswan.sh" stop --name "$RVT_NAME"

t_info "--- certificates: the gateway's does not chain to the CA the profile trusts"
T_SESSION=0
t_start_peer strongswan diagswc --auth cert --kernel netlink
t_snapshot "$STATE/before"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$STATE/other-ca.key" \
	-out "$STATE/other-ca.crt" -days 30 -subj '/C=XX/O=elsewhere/CN=other CA' \
	>/dev/null 2>&1 || t_fail "openssl could not make a CA"
diag_profile "$STATE/cert.profile" "ipsec.auth=cert" "ipsec.cert=$CLIENT_CERT" \
	"ipsec.key=$CLIENT_KEY" "ipsec.ca=$STATE/other-ca.crt" "ipsec.remote-id=$GATEWAY_DNS"
diagnose "$STATE/cert.profile" ike-auth certificate
grep -q "not by a CA the profile trusts" "$REPORT" || t_fail "the message does not say why"
grep -q "('ike-proposals', 'ok', 'none', {'ike': '" "$REPORT" ||
	t_fail "the suite charon chose is not in the report"
t_info PASS
