#!/bin/sh
# run-fuzz.sh [BUILDDIR] -- build the libFuzzer targets with clang and
# ./configure --enable-fuzzing in BUILDDIR (default /tmp/benchd-fuzz),
# replay tests/fuzz/regressions/, then fuzz each target for $FUZZ_SECONDS
# seconds (default 60) on a copy of its seed corpus.  Exits non-zero,
# naming the input, when a target crashes, leaks or breaks an invariant;
# the input stays in BUILDDIR/out/TARGET/ until the next run.  To keep a
# crash as a regression, copy it to tests/fuzz/regressions/TARGET-WHAT.
#
# Environment: CC (default clang), FUZZ_SECONDS, FUZZ_TARGETS (default
# "timing conf rpc fold"), FUZZ_JOBS (fuzzing processes per target,
# default 1), FUZZ_ARGS (more libFuzzer flags).  Needs what ./configure
# needs, plus clang with libFuzzer (Debian: clang and libclang-rt-dev);
# runs from any directory.

# Flag lists ($common, $jobs, ...) are split into words on purpose.
# shellcheck disable=SC2086,SC2012
set -eu

srcdir=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-/tmp/benchd-fuzz}
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-timing conf rpc fold}
jobs=
[ "${FUZZ_JOBS:-1}" -gt 1 ] && jobs="-fork=$FUZZ_JOBS"

mkdir -p "$build/out"
build=$(cd "$build" && pwd)

# configure refuses to build elsewhere from a tree configured in place:
# then build from a copy of its distributed files.
src=$srcdir
log=$build/out/build.log
if [ -f "$srcdir/config.status" ]; then
	src=$build/src
	(cd "$srcdir" && make distdir distdir="$src") >"$log" 2>&1 || {
		tail -n 40 "$log" >&2
		echo "run-fuzz: make distdir failed in $srcdir" >&2
		exit 1
	}
elif [ ! -x "$srcdir/configure" ]; then
	(cd "$srcdir" && ./autogen.sh) >"$log" 2>&1 || {
		tail -n 40 "$log" >&2
		echo "run-fuzz: autogen.sh failed in $srcdir" >&2
		exit 1
	}
fi

# The build, kept between runs from the same tree.
obj=$build/build
if [ "$(cat "$obj/.source" 2>/dev/null)" != "$src" ]; then
	rm -rf "$obj"
	mkdir -p "$obj"
	(cd "$obj" && CC=${CC:-clang} "$src/configure" --enable-fuzzing \
	    --enable-werror) >"$log" 2>&1 || {
		tail -n 40 "$log" >&2
		echo "run-fuzz: configure failed (log: $log)" >&2
		exit 1
	}
	echo "$src" >"$obj/.source"
fi
progs=
for t in $targets; do
	progs="$progs tests/fuzz/fuzz-$t"
done
(cd "$obj" && make -j"$(nproc 2>/dev/null || echo 1)" $progs) >"$log" 2>&1 || {
	grep -E 'error|warning' "$log" | head -n 40 >&2
	echo "run-fuzz: make failed (log: $log)" >&2
	exit 1
}
echo "run-fuzz: built $targets in $obj/tests/fuzz"

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
common="-rss_limit_mb=2048 -timeout=10 -print_final_stats=0"
fail=0

# Inputs that once crashed: named <target>-<anything>, replayed once each.
if [ -d "$srcdir/tests/fuzz/regressions" ]; then
	for f in "$srcdir"/tests/fuzz/regressions/*; do
		[ -f "$f" ] || continue
		t=$(basename "$f" | sed 's/-.*//')
		case " $targets " in
		*" $t "*) ;;
		*) continue ;;
		esac
		if "$obj/tests/fuzz/fuzz-$t" $common "$f" \
		    >"$build/out/replay.log" 2>&1; then
			echo "ok - replay $(basename "$f")"
		else
			echo "not ok - replay $(basename "$f")"
			sed 's/^/# /' "$build/out/replay.log" | tail -n 60
			fail=1
		fi
	done
fi

max_len() {
	case $1 in
	timing)	echo 16384 ;;	# lines past TIMING_LINE_MAX
	fold)	echo 16384 ;;	# samples with many frames
	*)	echo 4096 ;;
	esac
}

for t in $targets; do
	corpus=$build/corpus-$t
	rm -rf "$corpus" "$build/out/$t"
	mkdir -p "$corpus" "$build/out/$t"
	cp "$srcdir/tests/fuzz/corpus-$t"/* "$corpus/"
	log=$build/out/$t/fuzz.log
	if (cd "$build/out/$t" && "$obj/tests/fuzz/fuzz-$t" $common \
	    -max_total_time="$seconds" -max_len="$(max_len "$t")" \
	    -dict="$srcdir/tests/fuzz/$t.dict" \
	    -artifact_prefix="$build/out/$t/" $jobs ${FUZZ_ARGS:-} \
	    "$corpus" >"$log" 2>&1); then
		echo "ok - fuzz-$t for ${seconds}s ($(ls "$corpus" | wc -l)" \
		    "inputs in the corpus)"
	else
		echo "not ok - fuzz-$t"
		grep -a -h -A40 -E '^==[0-9]+==ERROR|invariant|runtime error' \
		    "$log" | head -n 80 | sed 's/^/# /'
		for a in "$build/out/$t"/crash-* "$build/out/$t"/leak-* \
		    "$build/out/$t"/timeout-* "$build/out/$t"/oom-*; do
			[ -f "$a" ] && echo "# input: $a"
		done
		fail=1
	fi
done
exit $fail
