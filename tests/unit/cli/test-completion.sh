#!/bin/bash
# bash completion for roadvpn (cli/completion/roadvpn): verbs, options and
# the values of choice options come from the CLI's own --help, so an option
# added to the CLI is completed without touching the script. Uses the built
# roadvpn (ROADVPN); bash-completion's helpers are stubbed.
set -euo pipefail
[ -n "${ROADVPN:-}" ] && [ -x "$ROADVPN" ] || { echo "SKIP: ROADVPN not set"; exit 77; }
PATH=$(dirname "$ROADVPN"):$PATH
SRC=$(cd "$(dirname "$0")/../../.." && pwd)

_init_completion() {
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	words=("${COMP_WORDS[@]}")
	cword=$COMP_CWORD
}
_filedir() { COMPREPLY=(FILES); }
# shellcheck source=/dev/null
. "$SRC/cli/completion/roadvpn"

fail=0
# expect "WORDS..." "EXPECTED REPLY WORDS (sorted, space-joined)"
expect() {
	local got
	read -r -a COMP_WORDS <<<"$1"
	[[ $1 == *' ' ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_roadvpn
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | xargs)
	if [ "$got" != "$2" ]; then
		echo "FAIL: '$1' completes to '$got', expected '$2'"
		fail=1
	fi
}

expect "roadvpn add --nat-traversal " "false true"
expect "roadvpn add --ipsec-auth " "cert psk"
expect "roadvpn add --ipsec-mode " "aggressive main"
expect "roadvpn add --ipv6 " "auto off"
expect "roadvpn add --key-password-flags " "ask stored"
expect "roadvpn add --nat" "--nat-traversal"
expect "roadvpn add --cert " "FILES"
expect "roadvpn add --gateway " ""
expect "roadvpn connect --key" "--key-password-file"
expect "roadvpn export --format " "mobileconfig nm-l2tp pbk"
expect "roadvpn list --j" "--json"
expect "roadvpn st" "status"
expect "roadvpn dis" "disconnect"
exit $fail
