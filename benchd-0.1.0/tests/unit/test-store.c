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
	struct store	*st;
	char		*cause = NULL, *sql;
	cJSON		*s;

	/* A database as the first release left it, holding one session. */
	assert_true(asprintf(&sql, "%s PRAGMA user_version = 1; INSERT INTO "
	    "sessions (suite, warmup, runs, max_runs, cv_target, queued_at) "
	    "VALUES ('old', 1, 5, 30, 0.05, 1000);", schema_steps[0].sql) > 0);
	exec_sql(path, sql);
	free(sql);
	st = store_open(path, &cause);
	assert_non_null(st);
	assert_int_equal(user_version(path), (int)schema_nsteps);
	s = store_session_json(st, 1);
	assert_non_null(s);
	assert_string_equal(cJSON_GetObjectItem(s, "suite")->valuestring,
	    "old");
	assert_string_equal(cJSON_GetObjectItem(s, "state")->valuestring,
	    "queued");
	cJSON_Delete(s);
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
	char		*cause = NULL, buf[32];
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
	assert_int_equal(store_session_state(st, a, buf, sizeof buf), 0);
	assert_string_equal(buf, "interrupted");
	assert_int_equal(store_session_state(st, b, buf, sizeof buf), 0);
	assert_string_equal(buf, "queued");
	assert_int_equal(store_session_state(st, 99, buf, sizeof buf), 1);
	assert_int_equal(store_next_queued(st), b);
	store_close(st);
}

static void
test_runs_round_trip_exactly(void **state)
{
	struct store	*st;
	struct run_row	 r;
	char		*cause = NULL, tail[] = "ok\xff\n";
	double		*w, *u, *s, *m;
	size_t		 n;
	int64_t		 id;
	cJSON		*runs, *run;

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
	assert_int_equal(store_measured(st, id, &w, &u, &s, &m, &n), 0);
	assert_int_equal(n, 1);
	assert_true(w[0] == 1.5 && u[0] == 1.25 && s[0] == 0.125 &&
	    m[0] == 4096);
	free(w);
	free(u);
	free(s);
	free(m);
	runs = store_runs_json(st, id);
	assert_int_equal(cJSON_GetArraySize(runs), 2);
	run = cJSON_GetArrayItem(runs, 1);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(run, "exit_code")));
	assert_int_equal(cJSON_GetObjectItem(run, "signal")->valueint, 9);
	/* Invalid UTF-8 in a tail becomes U+FFFD. */
	assert_string_equal(cJSON_GetObjectItem(run, "stderr_tail")->valuestring,
	    "ok\xef\xbf\xbd\n");
	cJSON_Delete(runs);
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
	};

	alarm(30);
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
