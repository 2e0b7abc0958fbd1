#!/bin/bash
# locales.sh DIR LOCALE...: make the UTF-8 locales a test needs (fr_FR.UTF-8,
# zh_CN.UTF-8) in DIR with localedef, without touching the system's
# (/usr/lib/locale, /etc/locale.gen); the test then runs with LOCPATH=DIR.
# Made once per build folder; exits 77 (skip) when the locale sources are
# not installed (Debian's "locales" package).
set -euo pipefail
dir=$1
shift
command -v localedef >/dev/null || { echo "SKIP: no localedef (package locales)" >&2; exit 77; }
mkdir -p "$dir"
for loc in "$@"; do
	[ -d "$dir/$loc" ] && continue
	base=${loc%%.*}
	[ -f "/usr/share/i18n/locales/$base" ] ||
		{ echo "SKIP: no locale source for $base (package locales)" >&2; exit 77; }
	# Built aside and renamed: tests running at once never see half a locale.
	tmp=$(mktemp -d "$dir/.$loc.XXXXXX")
	localedef -i "$base" -f UTF-8 "$tmp/$loc" >/dev/null 2>&1 || {
		rm -rf "$tmp"
		echo "SKIP: localedef $loc failed" >&2
		exit 77
	}
	mv -T "$tmp/$loc" "$dir/$loc" 2>/dev/null || true
	rm -rf "$tmp"
done
