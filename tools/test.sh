#!/usr/bin/env bash
# The whole test suite, as CI runs it: install what is needed, build with
# ASan/UBSan and warnings as errors, run unit tests, fuzz-corpus replays and
# the interop tests against real peers in network namespaces (as root), then
# build the libFuzzer targets with clang and run them for FUZZ_STAGE_SECONDS
# in all (FUZZ_SECONDS: that long each instead; FUZZ_STAGE_SECONDS=0: none).
#
# As root, a skipped interop test is a failure: they are the point.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build-test}
FUZZ_DIR=${FUZZ_DIR:-build-fuzz}
FUZZ_STAGE_SECONDS=${FUZZ_STAGE_SECONDS:-420}

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

# libFuzzer: each target runs for a bounded time on its seed corpus. The
# stage has a budget (FUZZ_STAGE_SECONDS, default 420 s: CI's fuzz stage
# stays within about 8 minutes with the build) shared evenly by the targets,
# at least 10 s each; FUZZ_SECONDS sets the time per target instead. What a
# run finds is not kept (a CI clone is thrown away): tools/fuzz-long.sh
# runs longer and merges the new finds into tests/fuzz/corpus.
if command -v clang >/dev/null && [ "$FUZZ_STAGE_SECONDS" -gt 0 ] && [ "${FUZZ_SECONDS:-1}" -gt 0 ]; then
	. tools/fuzz-lib.sh
	fuzz_build "$FUZZ_DIR"
	n_targets=$(fuzz_targets | wc -l)
	per_target=$((FUZZ_STAGE_SECONDS / n_targets))
	[ "$per_target" -ge 10 ] || per_target=10
	per_target=${FUZZ_SECONDS:-$per_target}
	echo "fuzz: $n_targets targets, ${per_target}s each"
	fuzz_work=$(mktemp -d)
	for name in $(fuzz_targets); do
		echo "fuzz: $name for ${per_target}s"
		fuzz_run "$FUZZ_DIR" "$name" "$fuzz_work/$name" -max_total_time="$per_target" ||
			status=1
	done
	[ "$status" -ne 0 ] || rm -rf "$fuzz_work"
fi

exit "$status"
