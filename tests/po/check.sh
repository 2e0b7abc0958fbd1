#!/usr/bin/env bash
# Translation checks (po/): check.sh SRCDIR MODE
#   msgfmt    every catalogue in LINGUAS compiles with msgfmt --check
#             (format strings, headers, the same number of mnemonics)
#   potfiles  every source file with marked strings is in POTFILES.in, and
#             every file POTFILES.in lists exists
#   pot       po/roadvpn.pot has exactly the messages the sources mark now
#   complete  every catalogue in LINGUAS translates every message of the
#             .pot, none fuzzy
# After marking strings: `ninja -C BUILD roadvpn-pot roadvpn-update-po`,
# then translate what msgcmp reports in po/*.po.
set -euo pipefail
src=$1
mode=$2
po=$src/po
pot=$po/roadvpn.pot

for tool in msgfmt msgcmp msgcat xgettext; do
	if ! command -v "$tool" >/dev/null; then
		echo "SKIP: $tool not installed (gettext)"
		exit 77
	fi
done

languages() {
	grep -v '^#' "$po/LINGUAS" | tr -s ' \n' '\n' | sed '/^$/d'
}

# Sources as listed in POTFILES.in (comments and blank lines dropped).
potfiles() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$po/POTFILES.in"
}

case $mode in
msgfmt)
	for lang in $(languages); do
		msgfmt --check --check-accelerators=_ -o /dev/null "$po/$lang.po"
		echo "$lang.po: ok"
	done
	;;
potfiles)
	status=0
	while read -r f; do
		[ -f "$src/$f" ] || { echo "POTFILES.in lists $f, which does not exist"; status=1; }
	done < <(potfiles)
	# Marked: _("..."), N_("..."), C_/NC_ with a context, ngettext families,
	# and translatable="yes" in GtkBuilder files. Tests are not translated.
	marked=$(cd "$src" && { git ls-files -- '*.c' '*.h' '*.ui' 2>/dev/null ||
		find . -name '*.c' -o -name '*.h' -o -name '*.ui' | sed 's|^\./||'; } |
		grep -v '^tests/' |
		xargs -r grep -lE '(^|[^A-Za-z0-9_])(N?C?_|g_dn?gettext|ngettext|g_dpgettext2)\(\s*"|translatable="yes"' || true)
	for f in $marked; do
		if ! potfiles | grep -qxF "$f"; then
			echo "$f marks strings for translation but is not in po/POTFILES.in"
			status=1
		fi
	done
	exit $status
	;;
pot)
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	potfiles > "$work/files"
	# The keywords of meson's i18n "glib" preset and the converter's own (po/meson.build).
	(cd "$src" && xgettext --from-code=UTF-8 --add-comments=TRANSLATORS: \
		--keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
		--keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
		--keyword=rvi_fail:3 --keyword=rvi_note:4 --keyword=rvi_left:3 --keyword=rvi_info:3 \
		--keyword=rvi_result_note:4 \
		--files-from="$work/files" -o "$work/new.pot")
	# Compare the messages only, not dates or line numbers.
	ids() {
		msgcat --no-location --no-wrap --sort-output "$1" |
			grep -E '^(msgctxt|msgid|msgid_plural) ' | sed '1d'
	}
	if ! diff -u <(ids "$pot") <(ids "$work/new.pot"); then
		echo "po/roadvpn.pot is out of date (- in it, + marked in the sources):"
		echo "run: ninja -C BUILD roadvpn-pot roadvpn-update-po, then translate po/*.po"
		exit 1
	fi
	echo "roadvpn.pot: up to date"
	;;
complete)
	for lang in $(languages); do
		msgcmp "$po/$lang.po" "$pot"
		echo "$lang.po: complete"
	done
	;;
*)
	echo "usage: $0 SRCDIR msgfmt|potfiles|pot|complete" >&2
	exit 2
	;;
esac
