#!/usr/bin/env bash
# The whole test suite, as CI runs it: install what is needed, build with
# ASan/UBSan and warnings as errors, run unit tests, fuzz-corpus replays and
# the interop tests against real peers in network namespaces (as root), then
# build the libFuzzer targets with clang and run each for FUZZ_SECONDS.
#
# As root, a skipped interop test is a failure: they are the point.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build-test}
FUZZ_DIR=${FUZZ_DIR:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-45}

if [ "$(id -u)" -eq 0 ]; then
	tools/bootstrap.sh --deps-only
else
	echo "test: not root: skipping package installation; interop tests will skip" >&2
fi

if [ ! -d "$BUILD_DIR" ]; then
	meson setup "$BUILD_DIR" -Db_sanitize=address,undefined -Db_lundef=false -Dwerror=true \
		-Dnm_plugin=enabled -Dgui=enabled
fi
ninja -C "$BUILD_DIR"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

status=0
meson test -C "$BUILD_DIR" --print-errorlogs --num-processes 2 || status=$?

# Count what ran: the interop tests must not quietly skip as root.
python3 - "$BUILD_DIR/meson-logs/testlog.json" "$(id -u)" <<'PY' || status=1
import json, sys
results = [json.loads(line) for line in open(sys.argv[1])]
root = sys.argv[2] == "0"
passed = sum(r["result"] == "OK" for r in results)
failed = sum(r["result"] in ("FAIL", "TIMEOUT", "ERROR", "UNEXPECTEDPASS") for r in results)
skipped = [r["name"] for r in results if r["result"] == "SKIP"]
# Meson names each test "project:suite / name".
interop = [r for r in results if r["name"].split(" / ")[0].endswith(":interop")]
print(f"interop tests run: {sum(r['result'] == 'OK' for r in interop)} of {len(interop)}")
if root and any(r["result"] == "SKIP" for r in interop):
    print("interop tests skipped while running as root: " + ", ".join(skipped))
    failed += 1
print(f"{passed} passed, {failed} failed, {len(skipped)} skipped")
sys.exit(1 if failed else 0)
PY

# libFuzzer: each target runs for a bounded time on its seed corpus.
if command -v clang >/dev/null && [ "$FUZZ_SECONDS" -gt 0 ]; then
	if [ ! -d "$FUZZ_DIR" ]; then
		CC=clang meson setup "$FUZZ_DIR" -Dfuzz=true -Db_sanitize=address,undefined \
			-Db_lundef=false >/dev/null
	fi
	ninja -C "$FUZZ_DIR" $(cd tests/fuzz && ls */fuzz-*.c 2>/dev/null | sed 's#.*/##; s#\.c$##; s#^#tests/fuzz/#')
	for bin in "$FUZZ_DIR"/tests/fuzz/fuzz-*; do
		[ -f "$bin" ] && [ -x "$bin" ] || continue
		name=$(basename "$bin")
		work=$(mktemp -d)
		seeds=tests/fuzz/corpus/$name
		echo "fuzz: $name for ${FUZZ_SECONDS}s"
		if ! "$bin" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 \
			-artifact_prefix="$work/" "$work" ${seeds:+$( [ -d "$seeds" ] && echo "$seeds")} \
			>"$work/log" 2>&1; then
			tail -40 "$work/log"
			echo "fuzz: $name FAILED (artifacts in $work)"
			status=1
			continue
		fi
		grep -E 'stat::number_of_executed_units' "$work/log" || true
		rm -rf "$work"
	done
fi

exit "$status"
