# shellcheck shell=bash
# The libFuzzer build and runs shared by tools/test.sh (a bounded time per
# target, CI) and tools/fuzz-long.sh (a number of inputs per target, then
# the new finds merged into tests/fuzz/corpus). Source it from the
# repository's top directory.
#
#   fuzz_build DIR            configure (clang, ASan/UBSan) and build every target
#   fuzz_targets              the target names, one a line (tests/fuzz/*/fuzz-*.c)
#   fuzz_run DIR NAME WORK ARGS...
#                             run NAME on WORK (its new inputs) and its seed corpus;
#                             log in WORK.log, crashes as WORK-crash-*; 0 or 1

fuzz_targets() {
	find tests/fuzz -mindepth 2 -maxdepth 2 -name 'fuzz-*.c' | sed 's#.*/##; s#\.c$##' | sort
}

fuzz_build() {
	local dir=$1
	if [ ! -d "$dir" ]; then
		CC=clang meson setup "$dir" -Dfuzz=true -Db_sanitize=address,undefined \
			-Db_lundef=false >/dev/null
	fi
	# shellcheck disable=SC2046
	ninja -C "$dir" $(fuzz_targets | sed 's#^#tests/fuzz/#')
}

fuzz_run() {
	local dir=$1 name=$2 work=$3
	shift 3
	local -a dirs=("$work")
	[ ! -d "tests/fuzz/corpus/$name" ] || dirs+=("tests/fuzz/corpus/$name")
	mkdir -p "$work"
	if ! "$dir/tests/fuzz/$name" "$@" -print_final_stats=1 -artifact_prefix="$work-" \
		"${dirs[@]}" >"$work.log" 2>&1; then
		tail -40 "$work.log"
		echo "fuzz: $name FAILED (the input is $work-crash-*, the log $work.log)"
		return 1
	fi
	grep -E 'stat::number_of_executed_units' "$work.log" || true
	return 0
}
