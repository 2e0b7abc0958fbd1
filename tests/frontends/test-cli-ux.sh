#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# The roadvpn CLI as a user meets it (issue 13's CLI items): the no-echo
# prompt on a pseudo-terminal (echo off before the prompt, an answer typed at
# once is taken, Ctrl-C and Ctrl-D restore the terminal, an over-long answer
# is refused), the documented --json shapes (status NAME of a disconnected
# profile, list --json, a failure still shown after the connection object
# lingered out, connected-since in seconds, exit-code), connect without
# --wait failing at once, help placeholders, control characters escaped in
# `list`, and `add` reading every input before it changes anything.
set -euo pipefail
. "$(dirname "$0")/harness.sh"

ft_require
command -v /usr/bin/python3 >/dev/null || ft_skip "no python3"
ft_enter "$@"

trap ft_netns_cleanup EXIT
# 192.0.2.1 answers ICMP port unreachable (a failure after L2TP's retries);
# a name in .invalid fails at once (nothing resolves in this namespace).
ft_netns rvft-ux

ft_start_bus
ft_start_polkit
ft_start_roadvpnd "$FT_NS"
O=$FT_STATE/out
J=$FT_DIR/json-check.py
S=$FT_STATE/secret
printf 'correct horse\n' >"$S"

ft_expect 0 "$O" "$ROADVPN" add office --gateway 192.0.2.1 --user alice --ipsec false \
	--password-flags ask --auth chap --routes 10.0.0.0/8 --default-route false

ft_info "the prompt on a pseudo-terminal"
for mode in answer ctrl-c too-long eof; do
	if ! /usr/bin/python3 "$FT_DIR/pty-prompt.py" "$mode" "$ROADVPN" office 2>"$O.$mode"; then
		cat "$O.$mode" >&2
		ft_fail "prompt: $mode"
	fi
	"$ROADVPN" disconnect office >/dev/null 2>&1 || true
done

ft_info "status NAME --json of a disconnected profile: one object, every key"
ft_expect 0 "$O" "$ROADVPN" status office --json
/usr/bin/python3 "$J" status "$O" office disconnected || ft_fail "status --json shape"
ft_expect 0 "$O" "$ROADVPN" status office
ft_grep '^office: disconnected$' "$O"

ft_info "list --json"
ft_expect 0 "$O" "$ROADVPN" list --json
/usr/bin/python3 "$J" list "$O" office disconnected || ft_fail "list --json shape"

ft_info "connect without --wait fails at once, and the failure stays after 30 s"
ft_expect 0 "$O" "$ROADVPN" add quick --gateway nowhere.invalid --user bob --ipsec false \
	--password-file "$S"
ft_expect 3 "$O" "$ROADVPN" connect quick
ft_grep '^roadvpn: ' "$O"
sleep 31
ft_expect 0 "$O" "$ROADVPN" status quick --json
/usr/bin/python3 "$J" status "$O" quick failed 3 || ft_fail "a failure lost after the linger"
ft_expect 0 "$O" "$ROADVPN" status
ft_grep '^quick: failed$' "$O"
ft_grep '^  error: ' "$O"

ft_info "help: placeholders, PKCS#12, the exit table in roadvpn --help only"
ft_expect 0 "$O" "$ROADVPN" add --help
ft_grep '--gateway=HOST ' "$O"
ft_grep '--ipsec-auth=psk\|cert ' "$O"
ft_grep '--cert=FILE .*PKCS#12' "$O"
ft_grep '--key-password-file=FILE' "$O"
if grep -q 'connection\.gateway\|14 roadvpnd' "$O"; then ft_fail "add --help: key names or the exit table"; fi
ft_expect 0 "$O" "$ROADVPN" connect --help
ft_grep '--key-password-file=FILE' "$O"
if grep -q '14 roadvpnd' "$O"; then ft_fail "connect --help repeats the exit table"; fi
ft_expect 0 "$O" "$ROADVPN" --help
ft_grep '14 roadvpnd not reachable' "$O"

ft_info "list escapes control and bidi characters"
# roadvpnd refuses control characters in values; a bidi override gets in.
ft_expect 2 "$O" "$ROADVPN" add ctl --gateway 192.0.2.1 --user "$(printf 'ev\033]0;pwned\007il')" \
	--ipsec false --password-file "$S"
ft_expect 0 "$O" "$ROADVPN" add bidi --gateway 192.0.2.1 --user "$(printf 'admin\342\200\256gpj.exe')" \
	--ipsec false --password-file "$S"
ft_expect 0 "$O" "$ROADVPN" list
if LC_ALL=C grep -q "$(printf '\342\200\256')" "$O"; then ft_fail "list printed a bidi override"; fi
ft_grep 'admin\\u202egpj\.exe' "$O"

ft_info "add reads every input before it changes anything"
ft_expect 2 "$O" "$ROADVPN" add half --gateway 192.0.2.1 --user carol --ipsec false \
	--psk-file /nonexistent
ft_grep '/nonexistent' "$O"
ft_expect 2 "$O" "$ROADVPN" add half --gateway 192.0.2.1 --user carol --ipsec false \
	--psk-file /nonexistent
if grep -q 'exists' "$O"; then ft_fail "a half-made profile was left behind"; fi
[ ! -e "$FT_STATE/connections/half.conf" ] || ft_fail "half.conf was written"

ft_info "the key's password: asked as roadvpnd names it, or --key-password-file"
P12=$FT_STATE/p12
mkdir -p "$P12"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=roadvpn-test -days 2 \
	-keyout "$P12/key.pem" -out "$P12/cert.pem" >/dev/null 2>&1
openssl pkcs12 -export -in "$P12/cert.pem" -inkey "$P12/key.pem" -out "$P12/me.p12" \
	-passout pass:p12-pass >/dev/null 2>&1
printf 'p12-pass\n' >"$P12/pass"
ft_expect 0 "$O" "$ROADVPN" add certy --gateway 192.0.2.1 --user dave --ipsec-auth cert \
	--ca "$P12/cert.pem" --cert "$P12/me.p12" --key-password-flags ask --password-file "$S"
ft_expect 12 "$O" "$ROADVPN" connect certy
ft_grep 'needs secrets: key-password' "$O"
ft_grep 'key-password-file' "$O"
# With it the key opens and IKE starts: 192.0.2.1 refuses UDP 500 at once (exit 8).
ft_expect 8 "$O" "$ROADVPN" connect certy --key-password-file "$P12/pass"
ft_grep '^roadvpn: IKE phase 1' "$O"
printf 'wrong\n' >"$P12/wrong"
# A wrong one: the key does not open, nothing is sent (exit 2).
ft_expect 2 "$O" "$ROADVPN" connect certy --key-password-file "$P12/wrong"

ft_info "secrets never on the command line, key-password included"
ft_expect 2 "$O" "$ROADVPN" edit office --set ipsec.key-password=x
ft_grep 'never go on the command line' "$O"

ft_stop_roadvpnd
ft_check_sanitizer "$FT_STATE/roadvpnd.log"
for f in "$FT_STATE"/roadvpnd.log "$O".*; do
	if grep -q 'pty-s3cret-typed\|correct horse\|p12-pass' "$f"; then
		ft_fail "a secret in $(basename "$f")"
	fi
done
