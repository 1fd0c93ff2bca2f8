#!/bin/sh
# run-fuzz.sh [BUILDDIR] -- build the libFuzzer targets with clang, replay
# tests/fuzz/regressions/, then fuzz each target for $FUZZ_SECONDS seconds
# (default 60) on a copy of its seed corpus.  Exits non-zero, naming the
# input, when a target crashes, leaks or breaks an invariant; the input
# stays in BUILDDIR/out/TARGET/ until the next run.  To keep a crash as a
# regression, copy it to tests/fuzz/regressions/TARGET-WHAT.
#
# Environment: CC (default clang), FUZZ_SECONDS, FUZZ_TARGETS (default
# "timing conf rpc fold"), FUZZ_JOBS (fuzzing processes per target,
# default 1), FUZZ_ARGS (more libFuzzer flags).  Needs clang with libFuzzer
# (Debian: clang and libclang-rt-dev) and the pkg-config modules the
# daemon uses; runs from any directory.

# Flag lists ($cflags, $objs, ...) are split into words on purpose.
# shellcheck disable=SC2086,SC2046,SC2012
set -eu

srcdir=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-/tmp/benchd-fuzz}
CC=${CC:-clang}
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-timing conf rpc fold}
jobs=
[ "${FUZZ_JOBS:-1}" -gt 1 ] && jobs="-fork=$FUZZ_JOBS"

mkdir -p "$build/include" "$build/obj" "$build/out"
build=$(cd "$build" && pwd)

# The autoconf header, reduced to what the sources use.
cat >"$build/include/config.h" <<EOF
#define _GNU_SOURCE 1
#define PACKAGE_VERSION "0.1.0"
#define SYSCONFDIR "/etc"
EOF

# The embedded schema, from the migrations schema/local.mk lists.
schema=$(sed -n 's/.*%reldir%\/\([0-9][0-9]*-[^ ]*\.sql\).*/schema\/\1/p' \
    "$srcdir/schema/local.mk")
if [ -z "$schema" ]; then
	echo "run-fuzz: no schema files in schema/local.mk" >&2
	exit 1
fi
sh "$srcdir/build-aux/sql2c.sh" "$build/obj/schema.c" "$srcdir" $schema

pkgs="libevent sqlite3 libcjson inih gsl zlib"
pkg_cflags=$(pkg-config --cflags $pkgs)
pkg_libs=$(pkg-config --libs $pkgs)
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-std=gnu11 -g -O1 -fno-omit-frame-pointer $san
    -I$build/include -I$srcdir/common -I$srcdir/daemon $pkg_cflags"
warn="-Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes
    -Wmissing-prototypes -Wno-unused-parameter"

# Every module but main() and the socket server (fuzz-rpc.c stands in for
# it), instrumented for coverage.
objs=
for f in "$srcdir"/common/*.c "$srcdir"/daemon/*.c "$build/obj/schema.c"; do
	case $f in
	"$srcdir"/daemon/benchd.c|"$srcdir"/daemon/server.c|\
	"$srcdir"/daemon/server-limits.c|"$srcdir"/daemon/schema.c)
		continue ;;
	esac
	o=$build/obj/$(basename "$(dirname "$f")")-$(basename "$f" .c).o
	$CC $cflags $warn -fsanitize=fuzzer-no-link -c "$f" -o "$o"
	objs="$objs $o"
done

# What each target links beyond its own file.
deps() {
	case $1 in
	timing)	echo "$build/obj/daemon-timing.o $build/obj/common-log.o" \
		    "$build/obj/common-xmalloc.o" ;;
	conf)	for m in conf conf-check conf-cpus conf-keys argv timing; do
			printf '%s ' "$build/obj/daemon-$m.o"
		done
		echo "$build/obj/common-log.o $build/obj/common-xmalloc.o" ;;
	rpc)	echo "$objs" ;;
	fold)	for m in profile profile-fold profile-perf profile-hot; do
			printf '%s ' "$build/obj/daemon-$m.o"
		done
		echo "$build/obj/common-log.o $build/obj/common-xmalloc.o" ;;
	esac
}

for t in $targets; do
	$CC $cflags $warn -Werror -fsanitize=fuzzer \
	    "$srcdir/tests/fuzz/fuzz-$t.c" $(deps "$t") $pkg_libs -lm \
	    -o "$build/fuzz-$t"
done
echo "run-fuzz: built $targets in $build"

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
		if "$build/fuzz-$t" $common "$f" >"$build/out/replay.log" 2>&1
		then
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
	if (cd "$build/out/$t" && "$build/fuzz-$t" $common \
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
