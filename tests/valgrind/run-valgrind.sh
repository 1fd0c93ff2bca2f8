#!/bin/sh
# run-valgrind.sh BUILDDIR [TEST...] -- run daemon integration tests with
# benchd under valgrind memcheck, without changing the tests.
#
# BENCHD points at a wrapper that execs valgrind on BUILDDIR/daemon/benchd,
# so the harness's pid is valgrind's and its SIGTERM reaches benchd; any
# memory error or definite leak makes benchd exit 99, which each test's
# `assert d.stop() == 0` catches.  valgrind reports on benchd's stderr, the
# daemon log the harness keeps in the test's own directory; the wrapper
# hard-links that log here first (the harness deletes the directory), so
# the reports can be shown and errors found even where a test does not
# check the exit status (kill -9, a second instance).
#
# TEST names files under tests/integration/ (default: every daemon test
# but these: test-conditions.py asserts how many runs a steady workload
# needs, which valgrind's slowdown on a loaded machine can change;
# test-hostile.py bounds benchd's RSS, which then counts valgrind's shadow
# memory; test-readers.py floods benchd with heavy queries against
# deadlines that a twentyfold slowdown cannot meet; test-crash.py kills
# benchd with SIGKILL, so valgrind never reports; and, for CI's time, the
# files whose time goes to browsers, perf, git builds and PostgreSQL
# (test-http, test-profile, test-workloads, test-revisions, test-bisect,
# test-fleet); ASan runs them all).  Prints TAP, one line per test
# file; exits non-zero on any failure.  Needs valgrind and python3.
#
# VALGRIND_SKIP lists FILE:FUNCTION tests reported as skipped, because
# they assert timings that valgrind's slowdown breaks, not memory:
#   test-phases.py:hundred_megabytes_of_output_keeps_rss_bounded -- it
#     bounds benchd's RSS growth, which then counts valgrind's own memory.
#   test-interference.py:a_busy_event_loop_does_not_stretch_a_run -- its
#     flood of queries must be answered within the test's deadlines.
set -u
skip_default="test-phases.py:hundred_megabytes_of_output_keeps_rss_bounded
test-interference.py:a_busy_event_loop_does_not_stretch_a_run"
skip=${VALGRIND_SKIP-$skip_default}

if [ $# -lt 1 ]; then
	echo "usage: run-valgrind.sh BUILDDIR [TEST...]" >&2
	exit 64
fi
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd) || exit 1
shift
[ $# -gt 0 ] || set -- test-protocol.py test-sessions.py test-restart.py \
    test-storage.py test-phases.py test-compare.py test-service.py \
    test-systemd.py test-tune.py test-hardening.py test-interference.py \
    test-calibrate.py test-notify.py
for p in daemon/benchd client/benchctl tests/demo/benchd-demo; do
	[ -x "$build/$p" ] || { echo "run-valgrind: no $build/$p" >&2; exit 1; }
done
if ! command -v valgrind >/dev/null; then
	echo "run-valgrind: no valgrind" >&2
	exit 1
fi
if grep -qa __asan_init "$build/daemon/benchd"; then
	echo "run-valgrind: $build/daemon/benchd is built with ASan;" \
	    "valgrind needs a plain build" >&2
	exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/benchd-valgrind.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
mkdir "$work/tmp" "$work/logs"
# test-service.py connects as another user: let it reach the sockets.
chmod 755 "$work" "$work/tmp"

# The harness puts each daemon's directory under TMPDIR: here, so the
# log's hard link stays on one file system.  One link per log file (a
# restarted daemon appends to the same log), named by its inode.
cat >"$work/benchd" <<EOF
#!/bin/sh
log=\$(readlink /proc/\$\$/fd/2)
if [ -f "\$log" ]; then
	ino=\$(stat -c %i "\$log")
	[ -e "$work/logs/\$ino.log" ] || ln "\$log" "$work/logs/\$ino.log"
fi
exec valgrind -q --error-exitcode=99 --leak-check=full \\
    --errors-for-leak-kinds=definite --show-leak-kinds=definite \\
    --track-fds=no "$build/daemon/benchd" "\$@"
EOF
chmod +x "$work/benchd"
# test-systemd.py verifies the units with benchd's directory as sbindir:
# benchd-tune must be found beside the wrapper.
ln -s "$build/daemon/benchd-tune" "$work/benchd-tune"

# Runs a test file with some of its tests turned into skips, through the
# harness's own Skip: the files and harness.py stay as they are.
cat >"$work/run-test.py" <<'EOF'
import os
import runpy
import sys

path, skip = sys.argv[1], set(sys.argv[2:])
sys.path.insert(0, os.path.join(os.environ["srcdir"], "tests/lib"))
import harness  # noqa: E402

register = harness.test


def test(fn):
    if fn.__name__ not in skip:
        return register(fn)

    def skipped():
        raise harness.Skip("timing-sensitive under valgrind")
    skipped.__name__ = fn.__name__
    return register(skipped)


harness.test = test
sys.argv = [path]
runpy.run_path(path, run_name="__main__")
EOF

echo "1..$#"
n=0 fail=0 start=$(date +%s)
for t in "$@"; do
	n=$((n + 1))
	rm -f "$work/logs"/*.log
	t0=$(date +%s)
	# One argument per test of this file to skip.
	# shellcheck disable=SC2046
	env TMPDIR="$work/tmp" BENCHD="$work/benchd" BENCHD_START_TIMEOUT=60 \
	    BENCHCTL="$build/client/benchctl" \
	    BENCHD_TUNE="$build/daemon/benchd-tune" \
	    BENCHD_DEMO="$build/tests/demo/benchd-demo" \
	    BENCHD_TEST_DATA="$srcdir/tests/data" srcdir="$srcdir" \
	    python3 "$work/run-test.py" "$srcdir/tests/integration/$t" \
	    $(for s in $skip; do
		case $s in "$t":*) echo "${s#*:}" ;; esac
	    done) >"$work/out" 2>&1
	rc=$?
	secs=$(($(date +%s) - t0))
	# valgrind's lines are "==PID== ..."; with -q it prints only errors.
	grep -h '^==[0-9]*==' "$work/logs"/*.log >"$work/vg" 2>/dev/null
	passed=$(grep -c '^ok ' "$work/out")
	total=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$work/out")
	if [ "$rc" -eq 0 ] && [ ! -s "$work/vg" ]; then
		echo "ok $n - $t under valgrind ($passed/${total:-?}," \
		    "${secs}s)"
		grep '# SKIP' "$work/out" | sed 's/^/# /'
		continue
	fi
	fail=1
	echo "not ok $n - $t under valgrind ($passed/${total:-?}," \
	    "${secs}s, exit $rc)"
	grep -v '^ok ' "$work/out" | sed 's/^/# /'
	if [ -s "$work/vg" ]; then
		echo "# valgrind:"
		head -n 200 "$work/vg" | sed 's/^/# /'
	fi
done
echo "# $n test files in $(($(date +%s) - start))s"
exit $fail
