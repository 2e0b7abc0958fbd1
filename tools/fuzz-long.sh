#!/usr/bin/env bash
# The long fuzz run, for people with time (nightly-style; hours for every
# target): each libFuzzer target runs FUZZ_RUNS inputs (default 10^7) from
# its seed corpus, then what it found that adds coverage is merged,
# minimised (-merge=1), into tests/fuzz/corpus/<target>/ for you to review
# and commit. CI's short runs (tools/test.sh) then start from it.
#
#   tools/fuzz-long.sh [TARGET...]        default: every target
#
# FUZZ_RUNS      inputs per target (default 10000000)
# FUZZ_SECONDS   also stop a target after this long (default: no limit)
# FUZZ_DIR       the clang build (default build-fuzz, made if missing)
# A crash stops that target and keeps its input; the others still run, and
# the exit status is 1.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/fuzz-lib.sh

FUZZ_DIR=${FUZZ_DIR:-build-fuzz}
FUZZ_RUNS=${FUZZ_RUNS:-10000000}
command -v clang >/dev/null || { echo "fuzz-long: needs clang" >&2; exit 2; }

fuzz_build "$FUZZ_DIR"
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || mapfile -t targets < <(fuzz_targets)
work=$(mktemp -d /tmp/roadvpn-fuzz-long.XXXXXX)
status=0

for name in "${targets[@]}"; do
	echo "fuzz-long: $name, $FUZZ_RUNS inputs"
	if ! fuzz_run "$FUZZ_DIR" "$name" "$work/$name" -runs="$FUZZ_RUNS" \
		${FUZZ_SECONDS:+-max_total_time="$FUZZ_SECONDS"}; then
		status=1
		continue
	fi
	corpus=tests/fuzz/corpus/$name
	mkdir -p "$corpus"
	before=$(find "$corpus" -type f | wc -l)
	"$FUZZ_DIR/tests/fuzz/$name" -merge=1 "$corpus" "$work/$name" >"$work/$name.merge.log" 2>&1
	echo "fuzz-long: $name: $(($(find "$corpus" -type f | wc -l) - before)) new inputs in $corpus"
done

[ "$status" -ne 0 ] || rm -rf "$work"
[ "$status" -eq 0 ] || echo "fuzz-long: crashes; inputs and logs in $work"
exit "$status"
