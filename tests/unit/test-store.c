/* test-store.c -- the database: migrations, recovery, runs round trip. */
#include "config.h"

#include <sys/resource.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "schema.h"
#include "store.h"

static char	dir[64];
static char	path[128];

static int
setup(void **state)
{
	strcpy(dir, "/tmp/benchd-store-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/benchd.db", dir);
	return (0);
}

static int
teardown(void **state)
{
	char	cmd[160];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return (0);
}

static int
user_version(const char *p)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	int		 v;

	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return (v);
}

static void
exec_sql(const char *p, const char *sql)
{
	sqlite3	*db;

	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static int64_t
queue_one(struct store *st, const char *suite)
{
	struct session_new	sn;

	memset(&sn, 0, sizeof sn);
	sn.suite = suite;
	sn.params = "{}";
	sn.warmup = 1;
	sn.runs = 2;
	sn.max_runs = 3;
	sn.cv_target = 0.05;
	return (store_session_insert(st, &sn));
}

/* One run of the session: measured unless warmup, wall in ms. */
static void
add_run(struct store *st, int64_t id, int seq, int warmup, int wall_ms,
    uint64_t malformed, const char *example, const char *conditions)
{
	struct run_row	r;

	memset(&r, 0, sizeof r);
	r.seq = seq;
	r.warmup = warmup;
	r.iteration = seq;
	r.wall_ns = (uint64_t)wall_ms * 1000000;
	r.timing_malformed = malformed;
	r.timing_example = example;
	r.conditions = conditions;
	assert_int_equal(store_run_insert(st, id, &r), 0);
}

/* The first column of the first row of sql, or -1 when it is NULL. */
static double
query_double(const char *p, const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	double		 v;

	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_type(s, 0) == SQLITE_NULL ? -1 :
	    sqlite3_column_double(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return (v);
}

/* Does EXPLAIN QUERY PLAN of sql name the index? */
static int
plan_uses(const char *p, const char *sql, const char *index)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	char		*q;
	int		 found = 0;

	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_true(asprintf(&q, "EXPLAIN QUERY PLAN %s", sql) > 0);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &s, NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW)
		if (strstr((const char *)sqlite3_column_text(s, 3), index) !=
		    NULL)
			found = 1;
	sqlite3_finalize(s);
	sqlite3_close(db);
	free(q);
	return (found);
}

static void
test_empty_database_gets_every_step(void **state)
{
	struct store	*st;
	char		*cause = NULL;

	st = store_open(path, &cause);
	assert_non_null(st);
	store_close(st);
	assert_int_equal(user_version(path), (int)schema_nsteps);
	/* Opening again applies nothing and keeps the version. */
	st = store_open(path, &cause);
	assert_non_null(st);
	store_close(st);
	assert_int_equal(user_version(path), (int)schema_nsteps);
}

static void
test_old_database_is_migrated_with_its_data(void **state)
{
	struct store		*st;
	struct session_row	 s;
	char			*cause = NULL, *sql;

	/* A database as the first release left it, holding one session. */
	assert_true(asprintf(&sql, "%s PRAGMA user_version = 1; INSERT INTO "
	    "sessions (suite, warmup, runs, max_runs, cv_target, queued_at) "
	    "VALUES ('old', 1, 5, 30, 0.05, 1000);", schema_steps[0].sql) > 0);
	exec_sql(path, sql);
	free(sql);
	st = store_open(path, &cause);
	assert_non_null(st);
	assert_int_equal(user_version(path), (int)schema_nsteps);
	assert_int_equal(store_session_get(st, 1, &s), 0);
	assert_string_equal(s.suite, "old");
	assert_int_equal(s.state, SESSION_QUEUED);
	assert_string_equal(s.params, "{}");
	session_row_free(&s);
	store_close(st);
}

static void
test_newer_database_is_refused(void **state)
{
	struct store	*st;
	char		*cause = NULL, sql[64];

	snprintf(sql, sizeof sql, "PRAGMA user_version = %zu;",
	    schema_nsteps + 1);
	exec_sql(path, sql);
	st = store_open(path, &cause);
	assert_null(st);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "newer than this benchd knows"));
	free(cause);
}

static void
test_recover_marks_running_sessions_interrupted(void **state)
{
	struct store	*st;
	struct run_row	 r;
	struct session_start ss;
	struct session_row s;
	char		*cause = NULL;
	int64_t		 a, b, *ids;
	size_t		 n;

	st = store_open(path, &cause);
	assert_non_null(st);
	a = queue_one(st, "a");
	b = queue_one(st, "b");
	assert_int_equal(store_next_queued(st), a);
	memset(&ss, 0, sizeof ss);
	ss.text = "text";
	ss.dirty = -1;
	assert_int_equal(store_session_start(st, a, &ss), 0);
	memset(&r, 0, sizeof r);
	r.seq = 1;
	r.warmup = 1;
	r.iteration = 1;
	r.wall_ns = 123456789;
	r.ru.ru_utime.tv_usec = 5000;
	r.exit_code = 0;
	assert_int_equal(store_run_insert(st, a, &r), 0);
	/* The same run twice is refused: a run is stored exactly once. */
	assert_int_not_equal(store_run_insert(st, a, &r), 0);
	store_close(st);

	st = store_open(path, &cause);
	assert_int_equal(store_recover(st, &ids, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], a);
	free(ids);
	assert_int_equal(store_session_get(st, a, &s), 0);
	assert_int_equal(s.state, SESSION_INTERRUPTED);
	assert_string_equal(s.reason, "benchd stopped while the session ran");
	session_row_free(&s);
	assert_int_equal(store_session_get(st, b, &s), 0);
	assert_int_equal(s.state, SESSION_QUEUED);
	session_row_free(&s);
	assert_int_equal(store_session_get(st, 99, &s), 1);
	assert_int_equal(store_next_queued(st), b);
	store_close(st);
}

static void
test_runs_round_trip_exactly(void **state)
{
	struct store	*st;
	struct run_row	 r;
	struct measured	 m;
	struct run_list	 l;
	char		*cause = NULL, tail[] = "ok\xff\n";
	int64_t		 id;

	st = store_open(path, &cause);
	id = queue_one(st, "x");
	memset(&r, 0, sizeof r);
	r.seq = 1;
	r.iteration = 1;
	r.wall_ns = 1500000000ULL;
	r.ru.ru_utime.tv_sec = 1;
	r.ru.ru_utime.tv_usec = 250000;
	r.ru.ru_stime.tv_usec = 125000;
	r.ru.ru_maxrss = 4096;
	r.exit_code = 0;
	assert_int_equal(store_run_insert(st, id, &r), 0);
	/* A failed run is stored, with its tail, but not in the statistics. */
	r.seq = 2;
	r.iteration = 2;
	r.wall_ns = 9000000000ULL;
	r.exit_code = -1;
	r.signal = 9;
	r.stderr_tail = tail;
	r.stderr_len = 4;
	assert_int_equal(store_run_insert(st, id, &r), 0);
	assert_int_equal(store_measured(st, id, &m), 0);
	assert_int_equal(m.n, 1);
	assert_true(m.wall[0] == 1.5 && m.user[0] == 1.25 &&
	    m.sys[0] == 0.125 && m.maxrss[0] == 4096);
	measured_free(&m);
	assert_int_equal(store_runs(st, id, &l), 0);
	assert_int_equal(l.n, 2);
	assert_true(run_counted(&l.v[0]) && !run_counted(&l.v[1]));
	assert_true(l.v[0].wall_ns == 1500000000ULL &&
	    l.v[0].ru.ru_utime.tv_sec == 1 &&
	    l.v[0].ru.ru_utime.tv_usec == 250000 &&
	    l.v[0].ru.ru_maxrss == 4096);
	assert_int_equal(l.v[1].exit_code, -1);
	assert_int_equal(l.v[1].signal, 9);
	/* The tail comes back byte for byte (the wire makes it UTF-8). */
	assert_int_equal(l.v[1].stderr_len, 4);
	assert_memory_equal(l.v[1].stderr_tail, tail, 4);
	assert_null(l.v[0].stderr_tail);
	run_list_free(&l);
	store_close(st);
}

static void
test_version_3_database_gets_means_and_indexes(void **state)
{
	struct store	*st;
	char		*cause = NULL, *sql;
	int64_t		*ids;
	double		*means;

	/* Two sessions as schema 3 left them: one ended, one queued. */
	assert_true(asprintf(&sql, "%s %s %s PRAGMA user_version = 3; "
	    "INSERT INTO sessions (id, suite, state, warmup, runs, max_runs, "
	    "cv_target, queued_at, finished_at) VALUES "
	    "(1, 's', 'completed', 1, 2, 2, 0.05, 1000, 2000), "
	    "(2, 's', 'queued', 1, 2, 2, 0.05, 3000, NULL); "
	    "INSERT INTO runs (session_id, seq, kind, iteration, started_at, "
	    "wall_ns, utime_us, stime_us, maxrss_kb, minflt, majflt, nvcsw, "
	    "nivcsw, inblock, oublock, exit_code) VALUES "
	    "(1, 1, 'warmup', 1, 0, 9000000000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), "
	    "(1, 2, 'measured', 1, 0, 1000000000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), "
	    "(1, 3, 'measured', 2, 0, 2000000000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);",
	    schema_steps[0].sql, schema_steps[1].sql, schema_steps[2].sql) > 0);
	exec_sql(path, sql);
	free(sql);
	st = store_open(path, &cause);
	assert_non_null(st);
	assert_int_equal(user_version(path), (int)schema_nsteps);
	/* The migration keeps each ended session's mean of measured runs. */
	assert_true(query_double(path, "SELECT wall_mean FROM sessions "
	    "WHERE id = 1") == 1.5);
	assert_true(query_double(path, "SELECT wall_mean FROM sessions "
	    "WHERE id = 2") == -1);
	assert_int_equal(store_suite_means(st, "s", "{}", &ids, &means), 1);
	assert_true(ids[0] == 1 && means[0] == 1.5);
	free(ids);
	free(means);
	assert_int_equal(store_next_queued(st), 2);
	store_close(st);
	/* The queries at scale read indexes, never every row. */
	assert_true(plan_uses(path, "SELECT id FROM sessions WHERE state = "
	    "'queued' ORDER BY id LIMIT 1", "sessions_queued"));
	assert_true(plan_uses(path, "SELECT id FROM sessions WHERE state = "
	    "'running'", "sessions_running"));
	assert_true(plan_uses(path, "SELECT id FROM sessions WHERE verdict = "
	    "'regressed' ORDER BY id", "sessions_regressed"));
	assert_true(plan_uses(path, "SELECT id, wall_mean FROM sessions WHERE "
	    "suite = 's' AND params = '{}' AND state IN ('completed', "
	    "'unstable') AND wall_mean IS NOT NULL ORDER BY id",
	    "COVERING INDEX sessions_done"));
	assert_true(plan_uses(path, "SELECT wall_ns, utime_us, stime_us, "
	    "maxrss_kb FROM runs WHERE session_id = 1 AND kind = 'measured' "
	    "AND exit_code = 0 AND timed_out = 0 ORDER BY seq",
	    "COVERING INDEX runs_kind"));
}

static void
test_version_5_database_settles_stale_profiles(void **state)
{
	struct store	*st;
	char		*cause = NULL, *sql;

	/* As schema 5 left them: a cancelled session whose profile stayed
	 * requested, a queued one still waiting, a completed one recorded. */
	assert_true(asprintf(&sql, "%s %s %s %s %s PRAGMA user_version = 5; "
	    "INSERT INTO sessions (id, suite, state, warmup, runs, max_runs, "
	    "cv_target, queued_at, finished_at) VALUES "
	    "(1, 's', 'cancelled', 1, 2, 2, 0.05, 1000, 2000), "
	    "(2, 's', 'queued', 1, 2, 2, 0.05, 3000, NULL), "
	    "(3, 's', 'completed', 1, 2, 2, 0.05, 4000, 5000); "
	    "INSERT INTO profiles (session_id, state) VALUES (1, 'requested'), "
	    "(2, 'requested'), (3, 'recorded');",
	    schema_steps[0].sql, schema_steps[1].sql, schema_steps[2].sql,
	    schema_steps[3].sql, schema_steps[4].sql) > 0);
	exec_sql(path, sql);
	free(sql);
	st = store_open(path, &cause);
	assert_non_null(st);
	assert_true(query_double(path, "SELECT count(*) FROM profiles WHERE "
	    "session_id = 1 AND state = 'unavailable' AND reason = 'the "
	    "session ended (cancelled) before its profile run'") == 1);
	assert_true(query_double(path, "SELECT count(*) FROM profiles WHERE "
	    "(session_id = 2 AND state = 'requested') OR (session_id = 3 AND "
	    "state = 'recorded' AND reason IS NULL)") == 2);
	/* From now on the end of the session settles it at once. */
	assert_int_equal(store_session_finish(st, 2, SESSION_FAILED, "x"), 0);
	assert_true(query_double(path, "SELECT count(*) FROM profiles WHERE "
	    "session_id = 2 AND state = 'unavailable' AND reason = 'the "
	    "session ended (failed) before its profile run'") == 1);
	store_close(st);
}

static void
test_ended_sessions_keep_their_wall_mean(void **state)
{
	struct store	*st;
	struct session_start ss;
	char		*cause = NULL;
	int64_t		 a, b, *ids, *rids;
	double		*means;
	size_t		 n;

	st = store_open(path, &cause);
	assert_non_null(st);
	a = queue_one(st, "x");
	b = queue_one(st, "x");
	memset(&ss, 0, sizeof ss);
	ss.dirty = -1;
	assert_int_equal(store_session_start(st, a, &ss), 0);
	add_run(st, a, 1, 1, 5000, 0, NULL, NULL);
	add_run(st, a, 2, 0, 1000, 0, NULL, NULL);
	add_run(st, a, 3, 0, 2500, 0, NULL, NULL);
	assert_int_equal(store_suite_means(st, "x", "{}", &ids, &means), 0);
	assert_int_equal(store_session_finish(st, a, SESSION_COMPLETED, NULL), 0);
	assert_int_equal(store_session_start(st, b, &ss), 0);
	add_run(st, b, 1, 0, 3000, 0, NULL, NULL);
	store_close(st);
	/* b was running when benchd stopped: interrupted, with its mean. */
	st = store_open(path, &cause);
	assert_int_equal(store_recover(st, &rids, &n), 0);
	assert_int_equal(n, 1);
	free(rids);
	assert_true(query_double(path, "SELECT wall_mean FROM sessions "
	    "WHERE id = 2") == 3.0);
	/* Only completed and unstable sessions enter a suite's means. */
	assert_int_equal(store_suite_means(st, "x", "{}", &ids, &means), 1);
	assert_true(ids[0] == a && means[0] == 1.75);
	free(ids);
	free(means);
	store_close(st);
}

static void
test_malformed_lines_and_first_conditions(void **state)
{
	struct store	*st;
	char		*cause = NULL, *ex, *c;
	double		 n;
	int64_t		 id;

	st = store_open(path, &cause);
	assert_non_null(st);
	id = queue_one(st, "x");
	store_session_malformed(st, id, &n, &ex);
	assert_true(n == 0 && ex == NULL);
	assert_null(store_first_conditions(st, id));
	/* Warmups count for neither; the first measured example wins. */
	add_run(st, id, 1, 1, 10, 7, "warm", "{\"canonical\":false}");
	add_run(st, id, 2, 0, 10, 1, NULL, "{\"canonical\":true}");
	add_run(st, id, 3, 0, 10, 3, "second", "{\"canonical\":false}");
	add_run(st, id, 4, 0, 10, 2, "third", NULL);
	store_session_malformed(st, id, &n, &ex);
	assert_true(n == 6);
	assert_string_equal(ex, "second");
	free(ex);
	c = store_first_conditions(st, id);
	assert_string_equal(c, "{\"canonical\":true}");
	free(c);
	store_close(st);
}

/* Disturbed runs are kept, and left out of every figure; -1 is NULL. */
static void
test_disturbed_runs_are_left_out(void **state)
{
	struct store		*st;
	struct session_start	 ss;
	struct run_row		 r;
	struct run_list		 l;
	struct measured		 m;
	struct session_row	 s;
	char			*cause = NULL;
	int64_t			 id;
	int			 i;

	st = store_open(path, &cause);
	assert_non_null(st);
	id = queue_one(st, "x");
	memset(&ss, 0, sizeof ss);
	ss.dirty = -1;
	ss.cgroup = "unavailable: no cgroup2 mount";
	ss.max_stall = 0.02;
	assert_int_equal(store_session_start(st, id, &ss), 0);
	for (i = 1; i <= 3; i++) {
		memset(&r, 0, sizeof r);
		r.seq = r.iteration = i;
		r.wall_ns = (uint64_t)i * 1000000000;
		r.cg_user_us = i == 1 ? -1 : 500000;
		r.cg_system_us = r.io_stall_us = r.mem_peak_kb = -1;
		r.cpu_stall_us = i == 2 ? 900000 : 0;
		r.disturbed = i == 2;
		assert_int_equal(store_run_insert(st, id, &r), 0);
	}
	assert_int_equal(store_measured(st, id, &m), 0);
	assert_int_equal(m.n, 2);
	assert_true(m.wall[0] == 1 && m.wall[1] == 3);
	measured_free(&m);
	assert_int_equal(store_runs(st, id, &l), 0);
	assert_int_equal(l.n, 3);
	assert_true(l.v[1].disturbed && !run_counted(&l.v[1]));
	assert_true(l.v[0].cg_user_us == -1 && l.v[1].cg_user_us == 500000);
	assert_true(l.v[1].cpu_stall_us == 900000 && l.v[0].mem_peak_kb == -1);
	run_list_free(&l);
	assert_int_equal(store_session_finish(st, id, SESSION_COMPLETED, NULL),
	    0);
	assert_true(query_double(path, "SELECT wall_mean FROM sessions "
	    "WHERE id = 1") == 2.0);
	assert_true(query_double(path, "SELECT count(*) FROM runs WHERE "
	    "cg_user_us IS NULL") == 1);
	assert_int_equal(store_session_get(st, id, &s), 0);
	assert_string_equal(s.cgroup, "unavailable: no cgroup2 mount");
	assert_true(s.max_stall == 0.02);
	session_row_free(&s);
	assert_true(plan_uses(path, "SELECT wall_ns FROM runs WHERE "
	    "session_id = 1 AND kind = 'measured' AND exit_code = 0 AND "
	    "timed_out = 0 AND disturbed = 0 ORDER BY seq", "runs_kind"));
	store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_empty_database_gets_every_step, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_old_database_is_migrated_with_its_data, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_newer_database_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_recover_marks_running_sessions_interrupted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_runs_round_trip_exactly, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_version_3_database_gets_means_and_indexes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_version_5_database_settles_stale_profiles, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_ended_sessions_keep_their_wall_mean, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_malformed_lines_and_first_conditions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_disturbed_runs_are_left_out, setup, teardown),
	};

	alarm(30);
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
