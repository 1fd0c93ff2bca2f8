/*
 * fixture-db.c -- finished sessions written straight into a temporary
 * database through the store, as the scheduler would write them.
 */
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

#include "fixture-db.h"

#define FIXTURE_MAX_PHASES	8
#define FIXTURE_MAX_RUNS	64

struct store	*fixture_st;
static char	 dir[64];

int
fixture_db_setup(void **state)
{
	char	path[128], *cause = NULL;

	strcpy(dir, "/tmp/benchd-fixture-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/benchd.db", dir);
	fixture_st = store_open(path, &cause);
	assert_non_null(fixture_st);
	return (0);
}

int
fixture_db_teardown(void **state)
{
	char	cmd[160];

	store_close(fixture_st);
	fixture_st = NULL;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return (0);
}

/* "parse=0.3 link=0.2" as phases of prefix T, one line each. */
static size_t
fixture_phases(const char *text, struct run_phase *ph,
    char names[][32])
{
	const char	*p;
	double		 secs;
	size_t		 n = 0;
	int		 used;

	for (p = text; p != NULL && *p != '\0' && n < FIXTURE_MAX_PHASES;
	    p += used) {
		assert_int_equal(sscanf(p, " %31[^=]=%lf%n", names[n], &secs,
		    &used), 2);
		memset(&ph[n], 0, sizeof ph[n]);
		ph[n].prefix = "T";
		ph[n].phase = names[n];
		ph[n].count = 1;
		ph[n].total_ns = ph[n].max_ns = (uint64_t)(secs * 1e9);
		n++;
	}
	return (n);
}

int64_t
fixture_session(const struct fixture_session *f)
{
	struct session_new	 sn;
	struct session_start	 ss;
	struct run_row		 r;
	struct run_phase	 ph[FIXTURE_MAX_PHASES];
	char			 names[FIXTURE_MAX_PHASES][32];
	const struct fixture_run *fr;
	size_t			 i, np;
	int64_t			 id;

	np = fixture_phases(f->phases, ph, names);
	memset(&sn, 0, sizeof sn);
	sn.suite = f->suite != NULL ? f->suite : "s";
	sn.params = f->params != NULL ? f->params : "{}";
	sn.warmup = 1;
	sn.runs = sn.max_runs = (int)f->n;
	sn.cv_target = 0.05;
	sn.noise = f->noise;
	id = store_session_insert(fixture_st, &sn);
	assert_true(id > 0);
	if (f->end == SESSION_QUEUED)
		return (id);
	memset(&ss, 0, sizeof ss);
	ss.text = "definition";
	ss.hash = "0011223344556677";
	ss.dirty = -1;
	ss.fingerprint = f->fingerprint != NULL ? f->fingerprint : "m1";
	assert_int_equal(store_session_start(fixture_st, id, &ss), 0);
	for (i = 0; i <= f->n; i++) {
		fr = i > 0 ? &f->runs[i - 1] : NULL;
		memset(&r, 0, sizeof r);
		r.seq = (int)i + 1;
		r.warmup = i == 0;
		r.iteration = i == 0 ? 1 : (int)i;
		r.wall_ns = (uint64_t)((fr == NULL ? 9.0 : fr->wall) * 1e9);
		r.ru.ru_utime.tv_sec = fr == NULL ? 0 : (time_t)fr->user;
		r.ru.ru_utime.tv_usec = fr == NULL ? 0 :
		    (suseconds_t)((fr->user - (time_t)fr->user) * 1e6);
		r.ru.ru_maxrss = 1000;
		r.phases = ph;
		r.nphases = np;
		r.cg_user_us = fr != NULL && fr->tree >= 0 ?
		    (int64_t)(fr->tree * 1e6) : -1;
		r.cg_system_us = r.cg_user_us >= 0 ? 0 : -1;
		r.cpu_stall_us = r.io_stall_us = r.mem_peak_kb = -1;
		r.disturbed = fr != NULL && fr->disturbed;
		assert_int_equal(store_run_insert(fixture_st, id, &r), 0);
	}
	if (f->end != SESSION_RUNNING)
		assert_int_equal(store_session_finish(fixture_st, id, f->end,
		    NULL), 0);
	return (id);
}

int64_t
fixture_walls(const char *fp, const double *walls, size_t n,
    const char *phases)
{
	struct fixture_session	f;
	struct fixture_run	r[FIXTURE_MAX_RUNS];
	size_t			i;

	assert_true(n <= FIXTURE_MAX_RUNS);
	for (i = 0; i < n; i++) {
		r[i].wall = walls[i];
		r[i].user = walls[i] / 2;
		r[i].tree = -1;
		r[i].disturbed = 0;
	}
	memset(&f, 0, sizeof f);
	f.fingerprint = fp;
	f.noise = 0.01;
	f.phases = phases;
	f.runs = r;
	f.n = n;
	f.end = SESSION_COMPLETED;
	return (fixture_session(&f));
}
