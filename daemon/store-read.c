/*
 * store-read.c -- sessions and runs read back as structs.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store-int.h"
#include "xmalloc.h"

/* A session row (SESSION_COLS in store-sql.c) into r. */
static void
session_row_read(sqlite3_stmt *s, struct session_row *r)
{
	int	st;

	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(s, 0);
	r->suite = column_dup(s, 1);
	r->params = column_dup(s, 2);
	if (r->params == NULL)
		r->params = xstrdup("{}");
	r->label = column_dup(s, 3);
	r->rev = column_dup(s, 4);
	r->dirty = (int)column_int_or(s, 5, -1);
	st = session_state_parse((const char *)sqlite3_column_text(s, 6));
	r->state = st >= 0 ? (enum session_state)st : SESSION_FAILED;
	r->reason = column_dup(s, 7);
	r->warmup = sqlite3_column_int(s, 8);
	r->runs = sqlite3_column_int(s, 9);
	r->max_runs = sqlite3_column_int(s, 10);
	r->cv_target = sqlite3_column_double(s, 11);
	r->queued_at = column_int_or(s, 12, 0);
	r->started_at = column_int_or(s, 13, 0);
	r->finished_at = column_int_or(s, 14, 0);
	r->queued_by = column_int_or(s, 15, STORE_NONE);
	r->measured = sqlite3_column_int(s, 16);
	r->warmups_done = sqlite3_column_int(s, 17);
	r->verdict = verdict_parse((const char *)sqlite3_column_text(s, 18));
	r->baseline_id = column_int_or(s, 19, STORE_NONE);
	r->change = column_real(s, 20);
	r->ci_low = column_real(s, 21);
	r->ci_high = column_real(s, 22);
	r->command = column_dup(s, 23);
	r->fingerprint = column_dup(s, 24);
	r->cpus = column_dup(s, 25);
	r->nice = column_int_or(s, 26, STORE_NONE);
	r->suite_hash = column_dup(s, 27);
	r->cgroup = column_dup(s, 28);
	r->max_stall = column_real(s, 29);
	r->noise = column_real(s, 30);
	r->threshold = column_real(s, 31);
	r->rule = verdict_rule_parse((const char *)sqlite3_column_text(s, 32));
	r->commit_time = column_int_or(s, 33, STORE_NONE);
	r->commit_subject = column_dup(s, 34);
	r->ab_id = column_int_or(s, 35, 0);
	r->ab_arm = column_dup(s, 36);
	r->confirmation = column_dup(s, 37);
	r->follow = column_dup(s, 38);
}

void
session_row_free(struct session_row *r)
{
	free(r->suite);
	free(r->params);
	free(r->label);
	free(r->rev);
	free(r->reason);
	free(r->command);
	free(r->fingerprint);
	free(r->cpus);
	free(r->suite_hash);
	free(r->cgroup);
	free(r->commit_subject);
	free(r->ab_arm);
	free(r->confirmation);
	free(r->follow);
	memset(r, 0, sizeof *r);
}

void
session_list_free(struct session_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		session_row_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int
store_session_get(struct store *st, int64_t id, struct session_row *r)
{
	sqlite3_stmt	*s = store_stmt(st, S_SESSION_GET);
	int		 rc;

	memset(r, 0, sizeof *r);
	bind_int(s, ":id", id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		session_row_read(s, r);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return (0);
	return (rc == SQLITE_DONE ? 1 : -1);
}

/* Every row of a statement selecting SESSION_COLS. */
int
session_rows(sqlite3_stmt *s, struct session_list *l)
{
	size_t	cap = 0;
	int	rc;

	l->v = NULL;
	l->n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (l->n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			l->v = xreallocarray(l->v, cap, sizeof *l->v);
		}
		session_row_read(s, &l->v[l->n++]);
	}
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? 0 : -1);
}

int
store_session_list(struct store *st, const char *suite, int last,
    struct session_list *l)
{
	sqlite3_stmt	*s;

	s = store_stmt(st, suite != NULL ? S_SESSION_LIST_SUITE :
	    S_SESSION_LIST);
	if (suite != NULL)
		bind_text(s, ":suite", suite);
	bind_int(s, ":last", last);
	return (session_rows(s, l));
}

int
store_queue_list(struct store *st, struct session_list *l)
{
	return (session_rows(store_stmt(st, S_QUEUE_LIST), l));
}

static void
timeval_us(struct timeval *tv, int64_t us)
{
	tv->tv_sec = us / 1000000;
	tv->tv_usec = us % 1000000;
}

/* A blob column as a fresh NUL-terminated copy; NULL for NULL. */
static char *
column_blob(sqlite3_stmt *s, int col, size_t *len)
{
	const void	*p;
	char		*out;

	*len = 0;
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return (NULL);
	p = sqlite3_column_blob(s, col);
	*len = (size_t)sqlite3_column_bytes(s, col);
	out = xmalloc(*len + 1);
	if (*len > 0)
		memcpy(out, p, *len);
	out[*len] = '\0';
	return (out);
}

/* The run's phases, from the S_RUN_PHASES cursor positioned at seq. */
static void
run_phases_read(sqlite3_stmt *p, struct run_row *r, int *have)
{
	struct run_phase	*v = NULL;
	size_t			 n = 0;

	while (*have && sqlite3_column_int(p, 0) < r->seq)
		*have = sqlite3_step(p) == SQLITE_ROW;
	while (*have && sqlite3_column_int(p, 0) == r->seq) {
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n].prefix = column_dup(p, 1);
		v[n].phase = column_dup(p, 2);
		v[n].count = (uint64_t)sqlite3_column_int64(p, 3);
		v[n].total_ns = (uint64_t)sqlite3_column_int64(p, 4);
		v[n].max_ns = (uint64_t)sqlite3_column_int64(p, 5);
		n++;
		*have = sqlite3_step(p) == SQLITE_ROW;
	}
	r->phases = v;
	r->nphases = n;
}

static void
run_row_read(sqlite3_stmt *s, struct run_row *r)
{
	memset(r, 0, sizeof *r);
	r->seq = sqlite3_column_int(s, 0);
	r->warmup = strcmp((const char *)sqlite3_column_text(s, 1),
	    "warmup") == 0;
	r->iteration = sqlite3_column_int(s, 2);
	r->started_at = sqlite3_column_int64(s, 3);
	r->wall_ns = (uint64_t)sqlite3_column_int64(s, 4);
	timeval_us(&r->ru.ru_utime, sqlite3_column_int64(s, 5));
	timeval_us(&r->ru.ru_stime, sqlite3_column_int64(s, 6));
	r->ru.ru_maxrss = sqlite3_column_int64(s, 7);
	r->ru.ru_minflt = sqlite3_column_int64(s, 8);
	r->ru.ru_majflt = sqlite3_column_int64(s, 9);
	r->ru.ru_nvcsw = sqlite3_column_int64(s, 10);
	r->ru.ru_nivcsw = sqlite3_column_int64(s, 11);
	r->ru.ru_inblock = sqlite3_column_int64(s, 12);
	r->ru.ru_oublock = sqlite3_column_int64(s, 13);
	r->exit_code = (int)column_int_or(s, 14, -1);
	r->signal = (int)column_int_or(s, 15, 0);
	r->timed_out = sqlite3_column_int(s, 16);
	r->stdout_tail = column_blob(s, 17, &r->stdout_len);
	r->stderr_tail = column_blob(s, 18, &r->stderr_len);
	r->canonical = sqlite3_column_int(s, 19);
	r->conditions = column_dup(s, 20);
	r->throttle_delta = column_int_or(s, 21, -1);
	r->timing_malformed = (uint64_t)sqlite3_column_int64(s, 22);
	r->timing_example = column_dup(s, 23);
	r->cg_user_us = column_int_or(s, 24, -1);
	r->cg_system_us = column_int_or(s, 25, -1);
	r->cpu_stall_us = column_int_or(s, 26, -1);
	r->io_stall_us = column_int_or(s, 27, -1);
	r->mem_peak_kb = column_int_or(s, 28, -1);
	r->disturbed = sqlite3_column_int(s, 29);
	r->others_cpu_us = column_int_or(s, 30, -1);
	r->busy_cpus = (int)column_int_or(s, 31, 0);
}

/* Every run of a session, in order, with its phases. */
int
store_runs(struct store *st, int64_t id, struct run_list *l)
{
	sqlite3_stmt	*s = store_stmt(st, S_RUNS);
	sqlite3_stmt	*p = store_stmt(st, S_RUN_PHASES);
	size_t		 cap = 0;
	int		 have, rc;

	l->v = NULL;
	l->n = 0;
	bind_int(s, ":id", id);
	bind_int(p, ":id", id);
	have = sqlite3_step(p) == SQLITE_ROW;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (l->n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			l->v = xreallocarray(l->v, cap, sizeof *l->v);
		}
		run_row_read(s, &l->v[l->n]);
		run_phases_read(p, &l->v[l->n], &have);
		l->n++;
	}
	sqlite3_reset(s);
	sqlite3_reset(p);
	return (rc == SQLITE_DONE ? 0 : -1);
}

void
run_list_free(struct run_list *l)
{
	struct run_row	*r;
	size_t		 i, k;

	for (i = 0; i < l->n; i++) {
		r = &l->v[i];
		free((char *)r->stdout_tail);
		free((char *)r->stderr_tail);
		free((char *)r->conditions);
		free((char *)r->timing_example);
		for (k = 0; k < r->nphases; k++) {
			free((char *)r->phases[k].prefix);
			free((char *)r->phases[k].phase);
		}
		free((struct run_phase *)r->phases);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int
run_counted(const struct run_row *r)
{
	return (!r->warmup && r->exit_code == 0 && !r->timed_out &&
	    !r->disturbed);
}

/* Every phase row of the session's measured runs, in run order. */
int
store_session_phases(struct store *st, int64_t id, store_phase_cb cb,
    void *arg)
{
	sqlite3_stmt	*s = store_stmt(st, S_SESSION_PHASES);

	bind_int(s, ":id", id);
	while (sqlite3_step(s) == SQLITE_ROW)
		cb(arg, sqlite3_column_int(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    (const char *)sqlite3_column_text(s, 2),
		    (uint64_t)sqlite3_column_int64(s, 3),
		    (uint64_t)sqlite3_column_int64(s, 4),
		    (uint64_t)sqlite3_column_int64(s, 5));
	sqlite3_reset(s);
	return (0);
}

/* The measured runs' wall, user, sys (seconds) and maxrss (KiB). */
int
store_measured(struct store *st, int64_t id, struct measured *m)
{
	sqlite3_stmt	*s = store_stmt(st, S_MEASURED);
	size_t		 cap = 0;

	memset(m, 0, sizeof *m);
	bind_int(s, ":id", id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (m->n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			m->wall = xreallocarray(m->wall, cap, sizeof *m->wall);
			m->user = xreallocarray(m->user, cap, sizeof *m->user);
			m->sys = xreallocarray(m->sys, cap, sizeof *m->sys);
			m->maxrss = xreallocarray(m->maxrss, cap,
			    sizeof *m->maxrss);
		}
		m->wall[m->n] = sqlite3_column_int64(s, 0) / 1e9;
		m->user[m->n] = sqlite3_column_int64(s, 1) / 1e6;
		m->sys[m->n] = sqlite3_column_int64(s, 2) / 1e6;
		m->maxrss[m->n] = (double)sqlite3_column_int64(s, 3);
		m->n++;
	}
	sqlite3_reset(s);
	return (0);
}

/*
 * The CPU time of each counted run's whole tree, from its cgroup, in
 * seconds (in the order of store_measured; NAN where the run had no
 * cgroup).  Caller frees *cpu; returns how many runs.
 */
size_t
store_tree_cpu(struct store *st, int64_t id, double **cpu)
{
	sqlite3_stmt	*s = store_stmt(st, S_TREE_CPU);
	size_t		 n = 0, cap = 0;

	*cpu = NULL;
	bind_int(s, ":id", id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			*cpu = xreallocarray(*cpu, cap, sizeof **cpu);
		}
		(*cpu)[n++] = column_real(s, 0) / 1e6;
	}
	sqlite3_reset(s);
	return (n);
}

/* How many measured runs of the session were disturbed. */
size_t
store_disturbed(struct store *st, int64_t id)
{
	sqlite3_stmt	*s = store_stmt(st, S_DISTURBED);
	size_t		 n = 0;

	bind_int(s, ":id", id);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = (size_t)sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return (n);
}

void
measured_free(struct measured *m)
{
	free(m->wall);
	free(m->user);
	free(m->sys);
	free(m->maxrss);
	memset(m, 0, sizeof *m);
}

/*
 * Malformed timing lines over the session's measured runs, and the first
 * such run's example (caller frees; NULL when none), from the index and at
 * most one row rather than every run with its conditions snapshot.
 */
void
store_session_malformed(struct store *st, int64_t id, double *n,
    char **example)
{
	sqlite3_stmt	*s = store_stmt(st, S_SESSION_MALFORMED);

	*n = 0;
	*example = NULL;
	bind_int(s, ":id", id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*n = (double)sqlite3_column_int64(s, 0);
		*example = column_dup(s, 1);
	}
	sqlite3_reset(s);
}

/* The conditions snapshot (JSON text) of the first measured run, or NULL. */
char *
store_first_conditions(struct store *st, int64_t id)
{
	sqlite3_stmt	*s = store_stmt(st, S_FIRST_CONDITIONS);
	char		*text = NULL;

	bind_int(s, ":id", id);
	if (sqlite3_step(s) == SQLITE_ROW)
		text = column_dup(s, 0);
	sqlite3_reset(s);
	return (text);
}
