## tests/: unit tests (cmocka, TAP), integration tests (python3, TAP) on
## the real daemon, the demo workload, and benchmarks (make bench).

# The demo workload is built by plain `make`: the README's demo runs it.
noinst_PROGRAMS += tests/demo/benchd-demo
tests_demo_benchd_demo_SOURCES = %reldir%/demo/benchd-demo.c \
	%reldir%/demo/demo-out.c %reldir%/demo/demo-work.c \
	%reldir%/demo/demo.h
tests_demo_benchd_demo_LDADD = -lm
# A workload, not code under test: its timing must not carry a sanitizer.
tests_demo_benchd_demo_CFLAGS = -std=gnu11 -O2 $(WARN_CFLAGS)
tests_demo_benchd_demo_LDFLAGS =

UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(LIBEVENT_CFLAGS) \
	$(SQLITE_CFLAGS) $(CJSON_CFLAGS) $(INIH_CFLAGS) $(GSL_CFLAGS) \
	$(ZLIB_CFLAGS)
UNIT_LDADD = $(BENCHD_LIBS) $(CMOCKA_LIBS)

UNIT_TESTS = \
	%reldir%/unit/test-abtest \
	%reldir%/unit/test-alert \
	%reldir%/unit/test-argv \
	%reldir%/unit/test-bisect \
	%reldir%/unit/test-calibrate \
	%reldir%/unit/test-chart \
	%reldir%/unit/test-compare \
	%reldir%/unit/test-cond-report \
	%reldir%/unit/test-conditions \
	%reldir%/unit/test-conf \
	%reldir%/unit/test-conf-errors \
	%reldir%/unit/test-flamegraph \
	%reldir%/unit/test-flamegraph-colour \
	%reldir%/unit/test-fsm \
	%reldir%/unit/test-fsm-rev \
	%reldir%/unit/test-html \
	%reldir%/unit/test-log \
	%reldir%/unit/test-profile \
	%reldir%/unit/test-rules \
	%reldir%/unit/test-stats \
	%reldir%/unit/test-store \
	%reldir%/unit/test-threshold \
	%reldir%/unit/test-timing \
	%reldir%/unit/test-tune
if HAVE_CMOCKA
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
else
# Says why, as a TAP skip: a build without cmocka must not look tested.
TESTS += %reldir%/unit/no-cmocka.sh
endif
EXTRA_DIST += %reldir%/unit/no-cmocka.sh

tests_unit_test_abtest_SOURCES = %reldir%/unit/test-abtest.c
tests_unit_test_abtest_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_abtest_LDADD = $(UNIT_LDADD)
tests_unit_test_bisect_SOURCES = %reldir%/unit/test-bisect.c
tests_unit_test_bisect_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_bisect_LDADD = $(UNIT_LDADD)
tests_unit_test_alert_SOURCES = %reldir%/unit/test-alert.c
tests_unit_test_alert_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_alert_LDADD = $(UNIT_LDADD)
tests_unit_test_argv_SOURCES = %reldir%/unit/test-argv.c
tests_unit_test_argv_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_argv_LDADD = $(UNIT_LDADD)
tests_unit_test_chart_SOURCES = %reldir%/unit/test-chart.c
tests_unit_test_chart_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_chart_LDADD = $(UNIT_LDADD)
tests_unit_test_fsm_SOURCES = %reldir%/unit/test-fsm.c \
	%reldir%/unit/fsm-drive.c %reldir%/unit/fsm-drive.h
tests_unit_test_fsm_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_fsm_LDADD = $(UNIT_LDADD)
tests_unit_test_fsm_rev_SOURCES = %reldir%/unit/test-fsm-rev.c \
	%reldir%/unit/fsm-drive.c %reldir%/unit/fsm-drive.h
tests_unit_test_fsm_rev_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_fsm_rev_LDADD = $(UNIT_LDADD)
tests_unit_test_html_SOURCES = %reldir%/unit/test-html.c
tests_unit_test_html_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_html_LDADD = $(UNIT_LDADD)
tests_unit_test_log_SOURCES = %reldir%/unit/test-log.c
tests_unit_test_log_CFLAGS = $(UNIT_CFLAGS) -pthread
tests_unit_test_log_LDADD = $(UNIT_LDADD)
tests_unit_test_log_LDFLAGS = -pthread
tests_unit_test_rules_SOURCES = %reldir%/unit/test-rules.c
tests_unit_test_rules_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_rules_LDADD = $(UNIT_LDADD)
# Fixtures shared by two tests or more: fake /proc and /sys trees,
# benchd.conf files, SVG checks, sessions written into a database.
UNIT_FAKE_TREE = %reldir%/unit/fake-tree.c %reldir%/unit/fake-tree.h
UNIT_LOADCONF = %reldir%/unit/loadconf.c %reldir%/unit/loadconf.h
UNIT_SVG = %reldir%/unit/svg.c %reldir%/unit/svg.h
UNIT_FIXTURE_DB = %reldir%/unit/fixture-db.c %reldir%/unit/fixture-db.h
tests_unit_test_compare_SOURCES = %reldir%/unit/test-compare.c \
	$(UNIT_FIXTURE_DB)
tests_unit_test_compare_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_compare_LDADD = $(UNIT_LDADD)
tests_unit_test_calibrate_SOURCES = %reldir%/unit/test-calibrate.c \
	$(UNIT_FIXTURE_DB)
tests_unit_test_calibrate_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_calibrate_LDADD = $(UNIT_LDADD)
tests_unit_test_threshold_SOURCES = %reldir%/unit/test-threshold.c \
	$(UNIT_FIXTURE_DB)
tests_unit_test_threshold_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_threshold_LDADD = $(UNIT_LDADD)
tests_unit_test_cond_report_SOURCES = %reldir%/unit/test-cond-report.c \
	$(UNIT_FAKE_TREE)
tests_unit_test_cond_report_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_cond_report_LDADD = $(UNIT_LDADD)
tests_unit_test_conditions_SOURCES = %reldir%/unit/test-conditions.c \
	$(UNIT_FAKE_TREE)
tests_unit_test_conditions_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_conditions_LDADD = $(UNIT_LDADD)
tests_unit_test_conf_SOURCES = %reldir%/unit/test-conf.c $(UNIT_LOADCONF)
tests_unit_test_conf_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_conf_LDADD = $(UNIT_LDADD)
tests_unit_test_conf_errors_SOURCES = %reldir%/unit/test-conf-errors.c \
	$(UNIT_LOADCONF)
tests_unit_test_conf_errors_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_conf_errors_LDADD = $(UNIT_LDADD)
tests_unit_test_flamegraph_SOURCES = %reldir%/unit/test-flamegraph.c \
	$(UNIT_SVG)
tests_unit_test_flamegraph_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_flamegraph_LDADD = $(UNIT_LDADD)
tests_unit_test_flamegraph_colour_SOURCES = \
	%reldir%/unit/test-flamegraph-colour.c $(UNIT_SVG)
tests_unit_test_flamegraph_colour_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_flamegraph_colour_LDADD = $(UNIT_LDADD)
tests_unit_test_profile_SOURCES = %reldir%/unit/test-profile.c
tests_unit_test_profile_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_profile_LDADD = $(UNIT_LDADD)
tests_unit_test_stats_SOURCES = %reldir%/unit/test-stats.c
tests_unit_test_stats_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_stats_LDADD = $(UNIT_LDADD)
tests_unit_test_store_SOURCES = %reldir%/unit/test-store.c
tests_unit_test_store_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_store_LDADD = $(UNIT_LDADD)
tests_unit_test_timing_SOURCES = %reldir%/unit/test-timing.c
tests_unit_test_timing_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_timing_LDADD = $(UNIT_LDADD)
tests_unit_test_tune_SOURCES = %reldir%/unit/test-tune.c \
	%reldir%/unit/tune-tree.c %reldir%/unit/tune-tree.h $(UNIT_FAKE_TREE)
tests_unit_test_tune_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_tune_LDADD = $(UNIT_LDADD)

INTEGRATION_TESTS = \
	%reldir%/integration/test-bisect.py \
	%reldir%/integration/test-calibrate.py \
	%reldir%/integration/test-compare.py \
	%reldir%/integration/test-completion.py \
	%reldir%/integration/test-conditions.py \
	%reldir%/integration/test-crash.py \
	%reldir%/integration/test-docs.py \
	%reldir%/integration/test-export.py \
	%reldir%/integration/test-fleet.py \
	%reldir%/integration/test-hardening.py \
	%reldir%/integration/test-hostile.py \
	%reldir%/integration/test-interference.py \
	%reldir%/integration/test-http.py \
	%reldir%/integration/test-notify.py \
	%reldir%/integration/test-phases.py \
	%reldir%/integration/test-profile.py \
	%reldir%/integration/test-protocol.py \
	%reldir%/integration/test-readers.py \
	%reldir%/integration/test-restart.py \
	%reldir%/integration/test-revisions.py \
	%reldir%/integration/test-service.py \
	%reldir%/integration/test-systemd.py \
	%reldir%/integration/test-workloads.py \
	%reldir%/integration/test-sessions.py \
	%reldir%/integration/test-storage.py \
	%reldir%/integration/test-tune.py

TESTS += $(INTEGRATION_TESTS)
EXTRA_DIST += $(INTEGRATION_TESTS) %reldir%/lib/harness.py \
	%reldir%/lib/browser.py %reldir%/lib/gitrepo.py %reldir%/lib/pg.py \
	%reldir%/data/gen-stats-ref.py %reldir%/data/stats/stats-ref.h \
	%reldir%/data/perf/sample.script %reldir%/data/perf/sample.folded \
	%reldir%/data/perf/nocallchain.script \
	%reldir%/data/perf/nocallchain.folded

TEST_EXTENSIONS = .py .sh
TAP_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
LOG_DRIVER = $(TAP_DRIVER)
PY_LOG_DRIVER = $(TAP_DRIVER)
PY_LOG_COMPILER = $(PYTHON3)
SH_LOG_DRIVER = $(TAP_DRIVER)
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	BENCHD='$(abs_top_builddir)/daemon/benchd'; \
	BENCHCTL='$(abs_top_builddir)/client/benchctl'; \
	BENCHD_TUNE='$(abs_top_builddir)/daemon/benchd-tune'; \
	BENCHD_DEMO='$(abs_top_builddir)/tests/demo/benchd-demo'; \
	BENCHD_TEST_DATA='$(abs_top_srcdir)/tests/data'; \
	srcdir='$(abs_top_srcdir)'; \
	ASAN_OPTIONS='abort_on_error=0:detect_leaks=1'; \
	UBSAN_OPTIONS='print_stacktrace=1:halt_on_error=1'; \
	export BENCHD BENCHCTL BENCHD_TUNE BENCHD_DEMO BENCHD_TEST_DATA srcdir \
	    ASAN_OPTIONS UBSAN_OPTIONS;

# make bench: benchmarks print figures; they never pass or fail a build.
# gen-db.py builds (or keeps) the database at scale under
# tests/bench/scale/ of the build tree for those after it.
BENCHMARKS = %reldir%/bench/bench-ingest.py %reldir%/bench/bench-overhead.py \
	%reldir%/bench/gen-db.py %reldir%/bench/bench-queries.py \
	%reldir%/bench/bench-clients.py %reldir%/bench/bench-http.py \
	%reldir%/bench/bench-verdicts.py %reldir%/bench/bench-fleet.py
noinst_PROGRAMS += tests/bench/bench-spawn tests/bench/bench-clients
tests_bench_bench_spawn_SOURCES = %reldir%/bench/bench-spawn.c
tests_bench_bench_clients_SOURCES = %reldir%/bench/bench-clients.c
EXTRA_DIST += $(BENCHMARKS) %reldir%/bench/benchlib.py

# Fuzzing (tests/fuzz/local.mk) and valgrind run from .ci/run, outside
# check.
EXTRA_DIST += %reldir%/valgrind/run-valgrind.sh
bench: all
	@for b in $(BENCHMARKS); do \
	    echo "== $$b"; \
	    $(AM_TESTS_ENVIRONMENT) BENCH_DIR='$(abs_top_builddir)/tests/bench' \
	    $(PYTHON3) $(srcdir)/$$b || exit 1; \
	done
bench-clean:
	rm -rf tests/bench/scale
clean-local: bench-clean
.PHONY: bench bench-clean
