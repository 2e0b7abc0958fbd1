#!/usr/bin/env bash
# The manual pages (data/man) against the programs: check.sh SRCDIR ROADVPN ROADVPND
#  - groff finds nothing to warn about in any page (man --warnings);
#  - every long option that `roadvpn VERB --help` and `roadvpnd --help`
#    print is in roadvpn.1 / roadvpnd.8, and every verb of `roadvpn --help`
#    has its entry: a new option or verb without its line in the page fails.
set -euo pipefail
src=$1
roadvpn=$2
roadvpnd=$3
man=$src/data/man
status=0

if command -v man >/dev/null; then
	for page in "$man"/*.[18]; do
		warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null || true)
		[ -z "$warn" ] || { echo "$(basename "$page"): $warn"; status=1; }
	done
fi

# Long options as the page writes them (\-\-name), from a --help text.
options() {
	grep -oE '^ +(-[a-z], )?--[a-z0-9-]+' | sed -E 's/.*--//' | grep -vxE 'help|help-all|help-gapplication|help-gtk|help-nm' || true
}

in_page() {
	local page=$1 opt=$2 what=$3
	grep -qF -- "\\-\\-${opt//-/\\-}" "$man/$page" ||
		{ echo "$page lacks --$opt ($what)"; status=1; }
}

verbs=$(LC_ALL=C "$roadvpn" --help | sed -n '/^Verbs:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
[ -n "$verbs" ] || { echo "no verbs in roadvpn --help"; exit 1; }
for verb in $verbs; do
	grep -qE "^\.(B|BI|BR) \"?$verb( |\"|$)" "$man/roadvpn.1" ||
		{ echo "roadvpn.1 has no entry for the verb $verb"; status=1; }
	for opt in $(LC_ALL=C "$roadvpn" "$verb" --help | options); do
		in_page roadvpn.1 "$opt" "roadvpn $verb"
	done
done
for opt in $(LC_ALL=C "$roadvpnd" --help | options); do
	in_page roadvpnd.8 "$opt" roadvpnd
done
[ "$status" -eq 0 ] && echo "manual pages: every verb and option documented"
exit "$status"
