#!/bin/bash
# run-in-locale.sh LOCALE CMD...: CMD under LANG=LOCALE (e.g. fr_FR.UTF-8),
# the locale made by tests/locales.sh in the build folder (LOCPATH), so the
# test sees the real decimal separator of that language.
set -euo pipefail
loc=$1
shift
: "${RG_LOCALES:?set by meson: where tests/locales.sh keeps the locales}"
"$(dirname "$0")/../../locales.sh" "$RG_LOCALES" "$loc"
exec env -u LANGUAGE -u LC_ALL LOCPATH="$RG_LOCALES" LANG="$loc" "$@"
