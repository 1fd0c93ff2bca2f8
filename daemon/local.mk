## daemon/: benchd.
sbin_PROGRAMS += daemon/benchd daemon/benchd-tune

# The process that forks and reaps what benchd measures.  Its address
# space is the one a workload's peak memory starts from, so it stays
# small: libc only, statically linked where it can be, and never a
# sanitizer's shadow memory.
pkglibexec_PROGRAMS += daemon/benchd-spawn
daemon_benchd_spawn_SOURCES = %reldir%/benchd-spawn.c %reldir%/spawn-proto.h
daemon_benchd_spawn_CFLAGS = -std=gnu11 $(WARN_CFLAGS)
daemon_benchd_spawn_LDFLAGS = $(SPAWN_LDFLAGS)

# Everything but main(), so unit tests can link the modules they test.
noinst_LIBRARIES += daemon/libbenchd.a
daemon_libbenchd_a_SOURCES = \
	%reldir%/alert.c %reldir%/alert.h \
	%reldir%/argv.c %reldir%/argv.h \
	%reldir%/conditions.c %reldir%/conditions-layout.c \
	%reldir%/conditions-proc.c %reldir%/conditions-sys.c \
	%reldir%/conditions.h \
	%reldir%/conf.c %reldir%/conf.h %reldir%/conf-int.h \
	%reldir%/conf-check.c %reldir%/conf-cpus.c \
	%reldir%/conf-keys.c %reldir%/conf-keys.h %reldir%/conf-listen.c \
	%reldir%/conf-named.c \
	%reldir%/runner.c %reldir%/runner.h \
	%reldir%/cgroup.c %reldir%/cgroup.h \
	%reldir%/spawner.c %reldir%/spawner.h %reldir%/spawn-proto.h \
	%reldir%/changepoint.c \
	%reldir%/stats.c %reldir%/stats.h \
	%reldir%/store.c %reldir%/store.h \
	%reldir%/store-int.h %reldir%/store-read.c %reldir%/store-sql.c \
	%reldir%/store-baseline.c %reldir%/store-profile.c \
	%reldir%/store-fault.c %reldir%/store-calibrate.c %reldir%/store-rev.c \
	%reldir%/store-bisect.c \
	%reldir%/store-alert.c %reldir%/store-alert.h \
	%reldir%/store-fleet.c \
	%reldir%/rules.c %reldir%/rules.h \
	%reldir%/session.c %reldir%/session.h \
	%reldir%/compare.c %reldir%/compare.h \
	%reldir%/calibrate.c %reldir%/calibrate.h \
	%reldir%/fsm.c %reldir%/fsm.h \
	%reldir%/git.c %reldir%/git.h %reldir%/abtest.c %reldir%/abtest.h \
	%reldir%/bisect.c %reldir%/bisect.h \
	%reldir%/profile.c %reldir%/profile.h \
	%reldir%/profile-fold.c %reldir%/profile-hot.c \
	%reldir%/profile-int.h %reldir%/profile-perf.c \
	%reldir%/flamegraph.c %reldir%/flamegraph.h \
	%reldir%/flamegraph-int.h %reldir%/flamegraph-text.c \
	%reldir%/chart.c %reldir%/chart.h %reldir%/chart-int.h \
	%reldir%/chart-axis.c %reldir%/chart-draw.c \
	%reldir%/svgbuf.c %reldir%/svgbuf.h \
	%reldir%/html.c %reldir%/html.h \
	%reldir%/timing.c %reldir%/timing.h \
	%reldir%/tune.c %reldir%/tune.h %reldir%/tune-drift.c \
	%reldir%/tune-item.c %reldir%/tune-report.c %reldir%/tune-settings.c \
	%reldir%/tune-state.c \
	%reldir%/schema.h
nodist_daemon_libbenchd_a_SOURCES = %reldir%/schema.c %reldir%/pg-schema.c
daemon_libbenchd_a_CFLAGS = $(AM_CFLAGS) $(LIBEVENT_CFLAGS) \
	$(SQLITE_CFLAGS) $(CJSON_CFLAGS) $(INIH_CFLAGS) $(GSL_CFLAGS) \
	$(ZLIB_CFLAGS) $(PQ_CFLAGS) -pthread

# The daemon's edge and wiring: methods, the scheduler; all of it but
# main() and the socket server, which tests/fuzz/fuzz-rpc.c replaces with
# its own (tests/fuzz/local.mk).
BENCHD_CORE_SOURCES = \
	%reldir%/alert-deliver.c %reldir%/alert-event.c %reldir%/alert-send.c \
	%reldir%/alert-reap.c %reldir%/alert-watch.c \
	%reldir%/benchd.h \
	%reldir%/fingerprint.c \
	%reldir%/follow.c \
	%reldir%/fleet.c %reldir%/fleet.h %reldir%/fleet-int.h \
	%reldir%/fleet-pg.c %reldir%/fleet-push.c %reldir%/fleet-queue.c \
	%reldir%/http.c %reldir%/http.h %reldir%/http-api.c \
	%reldir%/leftover.c %reldir%/leftover.h \
	%reldir%/method-baseline.c \
	%reldir%/method-calibrate.c \
	%reldir%/method-chart.c \
	%reldir%/method-profile.c \
	%reldir%/method-compare.c \
	%reldir%/method-conditions.c \
	%reldir%/method-history.c \
	%reldir%/method-notifications.c \
	%reldir%/method-phases.c \
	%reldir%/method-queue.c \
	%reldir%/method-regressions.c \
	%reldir%/method-ab.c \
	%reldir%/method-bisect.c \
	%reldir%/method-session.c \
	%reldir%/method-status.c \
	%reldir%/method-suites.c \
	%reldir%/method-variance.c \
	%reldir%/notify.c %reldir%/notify.h \
	%reldir%/page.c %reldir%/page-compare.c %reldir%/page-feed.c \
	%reldir%/page-flame.c %reldir%/page-fmt.c %reldir%/page-overview.c \
	%reldir%/page-runs.c %reldir%/page-session.c %reldir%/page-suite.c \
	%reldir%/rev.c %reldir%/rev.h \
	%reldir%/rpc.c \
	%reldir%/sched.c %reldir%/sched-int.h \
	%reldir%/sched-cgroup.c \
	%reldir%/sched-gate.c \
	%reldir%/sched-hold.c \
	%reldir%/sched-progress.c \
	%reldir%/sched-profile.c \
	%reldir%/sched-recover.c \
	%reldir%/sched-rev.c \
	%reldir%/sched-verdict.c \
	%reldir%/sched-bisect.c \
	%reldir%/sched-stall.c \
	%reldir%/sched-run.c \
	%reldir%/wire.c %reldir%/wire-report.c
daemon_benchd_SOURCES = %reldir%/benchd.c %reldir%/server.c \
	%reldir%/server-int.h %reldir%/server-limits.c $(BENCHD_CORE_SOURCES)
nodist_daemon_benchd_SOURCES = %reldir%/www.c
daemon_benchd_CFLAGS = $(daemon_libbenchd_a_CFLAGS) $(SYSTEMD_CFLAGS) \
	$(CURL_CFLAGS) -pthread
BENCHD_LIBS = daemon/libbenchd.a common/libcommon.a $(LIBEVENT_LIBS) \
	$(SQLITE_LIBS) $(CJSON_LIBS) $(INIH_LIBS) $(GSL_LIBS) $(ZLIB_LIBS) \
	$(PQ_LIBS) -lm
daemon_benchd_LDADD = $(BENCHD_LIBS) $(SYSTEMD_LIBS) $(CURL_LIBS) -lpthread

# Run as root by benchd.service around benchd, or by hand.
daemon_benchd_tune_SOURCES = %reldir%/benchd-tune.c
daemon_benchd_tune_CFLAGS = $(daemon_libbenchd_a_CFLAGS)
daemon_benchd_tune_LDADD = $(BENCHD_LIBS)

BUILT_SOURCES += %reldir%/schema.c %reldir%/pg-schema.c
CLEANFILES += %reldir%/schema.c %reldir%/pg-schema.c
%reldir%/schema.c: $(SCHEMA_FILES) $(top_srcdir)/build-aux/sql2c.sh
	$(AM_V_GEN)$(SHELL) $(top_srcdir)/build-aux/sql2c.sh $@ \
	    $(top_srcdir) $(SCHEMA_FILES)
%reldir%/pg-schema.c: $(PG_SCHEMA_FILES) $(top_srcdir)/build-aux/sql2c.sh
	$(AM_V_GEN)$(SHELL) $(top_srcdir)/build-aux/sql2c.sh -n pg_schema $@ \
	    $(top_srcdir) $(PG_SCHEMA_FILES)

# The dashboard's static files, served as /static/NAME.
WWW_FILES = %reldir%/www/benchd.css %reldir%/www/benchd.js
EXTRA_DIST += $(WWW_FILES)
BUILT_SOURCES += %reldir%/www.c
CLEANFILES += %reldir%/www.c
%reldir%/www.c: $(WWW_FILES) $(top_srcdir)/build-aux/www2c.sh
	$(AM_V_GEN)$(SHELL) $(top_srcdir)/build-aux/www2c.sh $@ \
	    $(top_srcdir) $(WWW_FILES)
