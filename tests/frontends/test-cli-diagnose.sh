#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# `roadvpn diagnose` end to end: an allowed unprivileged user diagnoses
# system profiles through roadvpnd (private bus, real polkitd) against one
# real SoftEther gateway (L2TP/IPsec, raw ESP), broken in turn the ways the
# interop tests break it; each report must name the right step and cause:
#   a good profile                 every step ok (suite, method, MTU shown)
#   a wrong pre-shared key         ike-auth, wrong-psk
#   a wrong password               ppp-auth, wrong-password
#   ESP dropped at the gateway     esp, esp-blocked (force-encap tried: connects)
#   UDP 500 rejected (ICMP)        ike-reach, port-unreachable, in under 6 s;
#                                  connect says so in French (gateway-refused)
#   UDP 500 dropped (silence)      ike-reach, no-answer
#   a name that does not resolve   resolve, resolve-failed
#   plain L2TP, UDP 1701 dropped   l2tp, l2tp-no-answer (no L2TP server; the
#                                  IPsec steps skipped)
# plus: a connected profile is refused (AlreadyActive, exit 13); the text
# report is the translated one (French); no secret (right or wrong) appears
# in any report or in roadvpnd's log; the client namespace's routes, links
# and resolv.conf are as before.
set -euo pipefail
. "$(dirname "$0")/harness.sh"
GW=$FT_SRC/tools/gateways

ft_require
if [ -z "${FT_INNER:-}" ]; then
	command -v nft >/dev/null || ft_skip "nft missing"
	[ -x /usr/libexec/softether/vpnserver/vpnserver ] || ft_skip "SoftEther missing"
	FT_GW_NAME=diag$$
	trap '"$GW/softether.sh" stop --name "$FT_GW_NAME" >/dev/null 2>&1 || true' EXIT
	"$GW/softether.sh" start --name "$FT_GW_NAME" --mode ipsec-raw >/dev/null ||
		ft_fail "could not start SoftEther"
	export FT_CLIENT_ENV=/tmp/roadvpn-test/$FT_GW_NAME/client.env
	ft_run_inner "$@"
	exit "$FT_RC"
fi

# shellcheck source=/dev/null
. "$FT_CLIENT_ENV"
O=$FT_STATE/out
WRONG_PSK=not-the-psk-0123
WRONG_PASSWORD=not-the-password-4567
PW=$FT_STATE/password

cleanup() {
	ip netns exec "$GW_NS" nft delete table inet rvt_diag 2>/dev/null || true
	ft_stop_roadvpnd
}
trap cleanup EXIT

# profile NAME GATEWAY PSK PASSWORD [IPSEC]: a system profile (root's, 0600), raw ESP.
profile() {
	cat >"$FT_STATE/connections/$1.conf" <<-EOF2
		[connection]
		name=$1
		gateway=$2
		allowed-users=rvtest-allowed
		[ipsec]
		enabled=${5:-true}
		psk=$3
		nat-traversal=false
		[ppp]
		user=$USER
		password=$4
		auth=mschapv2
		[ip]
		default-route=false
		dns=false
		ipv6=off
	EOF2
	chmod 600 "$FT_STATE/connections/$1.conf"
}

# gateway_rule NFT-RULE...: the gateway namespace's input filter, replaced; none without args.
gateway_rule() {
	ip netns exec "$GW_NS" nft delete table inet rvt_diag 2>/dev/null || true
	[ $# -gt 0 ] || return 0
	ip netns exec "$GW_NS" nft -f - <<-EOF2
		table inet rvt_diag {
			chain input {
				type filter hook input priority filter; policy accept;
				$*
			}
		}
	EOF2
}

# diagnose NAME RC STEP CAUSE: `roadvpn diagnose NAME --json` exits RC and names STEP and CAUSE
# (DIAG_SECS: how long it took).
diagnose() {
	local start=$SECONDS
	ft_expect "$2" "$O.$1.json" ft_as rvtest-allowed "$ROADVPN" diagnose "$1" --json
	DIAG_SECS=$((SECONDS - start))
	ft_info "$1: $(grep -o '"failed-step": [^,]*, "cause": [^,]*' "$O.$1.json") after $DIAG_SECS s"
	ft_grep "\"failed-step\": ${3:-null}, \"cause\": ${4:-null}" "$O.$1.json"
	sleep "${SESSION_GAP:-3}"
}

ft_start_bus
ft_start_polkit
ft_start_roadvpnd "$CL_NS"
ft_net_snapshot "$FT_STATE/before"
profile good "$GATEWAY" "$PSK" "$PASSWORD"
profile wrongpsk "$GATEWAY" "$WRONG_PSK" "$PASSWORD"
profile wrongpw "$GATEWAY" "$PSK" "$WRONG_PASSWORD"
profile noname no-such-gateway.invalid "$PSK" "$PASSWORD"
profile plain "$GATEWAY" "$PSK" "$PASSWORD" false

ft_info "a good profile: every step passes"
diagnose good 0
for step in resolve ike-reach ike-proposals nat ike-auth ipsec-sa esp l2tp ppp-auth network mtu; do
	ft_grep "\"step\": \"$step\", \"status\": \"ok\"" "$O.good.json"
done
ft_grep "\"address\": \"$GATEWAY\"" "$O.good.json"
ft_grep '"ike": "[a-z0-9]+-[a-z0-9]+-(modp|ecp)[0-9]+"' "$O.good.json"
ft_grep '"nat": "none"' "$O.good.json"
ft_grep '"encapsulation": "esp"' "$O.good.json"
ft_grep '"method": "MS-CHAPv2"' "$O.good.json"
ft_grep '"mtu": "1[0-9]{3}"' "$O.good.json"
# The black-hole search ran once up and its first, full-size probe was answered.
ft_grep '"path-probe": "full-size packets pass \(MTU 1[0-9]{3}\)"' "$O.good.json"

ft_info "the same, as text in French"
ft_expect 0 "$O.good.txt" ft_as rvtest-allowed env LC_ALL=C.UTF-8 LANGUAGE=fr \
	ROADVPN_LOCALEDIR="$ROADVPN_LOCALEDIR" "$ROADVPN" diagnose good
cat "$O.good.txt" >&2
ft_grep 'MS-CHAPv2' "$O.good.txt"
ft_grep '^Résultat' "$O.good.txt"
sleep "${SESSION_GAP:-3}"

ft_info "a connected profile is not diagnosed"
printf '%s\n' "$PASSWORD" >"$PW"
chown rvtest-allowed "$PW"
ft_expect 0 "$O.conn" ft_as rvtest-allowed "$ROADVPN" connect good --wait --no-network
ft_expect 13 "$O.busy" ft_as rvtest-allowed "$ROADVPN" diagnose good
ft_grep 'disconnect it first' "$O.busy"
ft_expect 0 "$O.disc" ft_as rvtest-allowed "$ROADVPN" disconnect good
sleep "${SESSION_GAP:-3}"

ft_info "failures, each at its step"
diagnose wrongpsk 1 '"ike-auth"' '"wrong-psk"'
diagnose wrongpw 1 '"ppp-auth"' '"wrong-password"'
ft_grep '"step": "ike-auth", "status": "ok"' "$O.wrongpw.json"
gateway_rule 'ip protocol esp drop'
diagnose good 1 '"esp"' '"esp-blocked"'
# The advice is tried: ESP in UDP 4500 passes this firewall.
ft_grep '"force-encap": "connects"' "$O.good.json"
gateway_rule 'udp dport 500 reject'
diagnose good 1 '"ike-reach"' '"port-unreachable"'
# A refusal is told from silence at once (session/refusal.c), not after IKE's 20 s.
[ "$DIAG_SECS" -lt 6 ] || ft_fail "UDP 500 rejected: diagnosed after $DIAG_SECS s (want < 6)"
ft_grep 'the gateway refused IKE: UDP port 500 unreachable \(ICMP\)' "$O.good.json"
ft_info "the refusal as connect says it, in French, within seconds"
start=$SECONDS
ft_expect 3 "$O.refused.fr" ft_as rvtest-allowed env LC_ALL=C.UTF-8 LANGUAGE=fr \
	ROADVPN_LOCALEDIR="$ROADVPN_LOCALEDIR" "$ROADVPN" connect good --wait --no-network
cat "$O.refused.fr" >&2
[ $((SECONDS - start)) -lt 6 ] || ft_fail "UDP 500 rejected: connect failed after $((SECONDS - start)) s"
ft_grep 'La passerelle a refusé la connexion' "$O.refused.fr"
sleep "${SESSION_GAP:-3}"
gateway_rule 'udp dport 500 drop'
diagnose good 1 '"ike-reach"' '"no-answer"'
gateway_rule 'udp dport 1701 drop'
diagnose plain 1 '"l2tp"' '"l2tp-no-answer"'
for step in ike-reach ike-proposals nat ike-auth ipsec-sa esp; do
	ft_grep "\"step\": \"$step\", \"status\": \"skipped\"" "$O.plain.json"
done
gateway_rule
diagnose noname 1 '"resolve"' '"resolve-failed"'

ft_info "no secret anywhere; the client namespace as before"
for f in "$O".*.json "$O".good.txt "$FT_STATE/roadvpnd.log"; do
	for s in "$PSK" "$PASSWORD" "$WRONG_PSK" "$WRONG_PASSWORD"; do
		if grep -qF -- "$s" "$f"; then ft_fail "a secret appears in $(basename "$f")"; fi
	done
done
ft_net_check_clean "after the diagnoses"
ft_check_sanitizer "$FT_STATE/roadvpnd.log"
ft_info PASS
