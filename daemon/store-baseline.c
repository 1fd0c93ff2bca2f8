/*
 * store-baseline.c -- baselines, their history, and the verdicts of the
 * automatic comparisons.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store-int.h"
#include "xmalloc.h"

static int
step_done(struct store *st, sqlite3_stmt *s)
{
	int	rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_warnx("database: %s", store_errmsg(st));
		return (-1);
	}
	return (0);
}

int
store_session_identity(struct store *st, int64_t id, const char *fingerprint,
    const char *command)
{
	sqlite3_stmt	*s = store_stmt(st, S_SESSION_IDENTITY);

	bind_int(s, ":id", id);
	bind_text(s, ":fp", fingerprint);
	bind_text(s, ":cmd", command);
	return (step_done(st, s));
}

int
store_session_verdict(struct store *st, int64_t id, int64_t baseline,
    const char *verdict, double change, double lo, double hi)
{
	sqlite3_stmt	*s = store_stmt(st, S_SESSION_VERDICT);

	bind_int(s, ":id", id);
	bind_int(s, ":base", baseline);
	bind_text(s, ":verdict", verdict);
	if (change == change) {
		sqlite3_bind_double(s, sqlite3_bind_parameter_index(s,
		    ":change"), change);
		sqlite3_bind_double(s, sqlite3_bind_parameter_index(s, ":lo"),
		    lo);
		sqlite3_bind_double(s, sqlite3_bind_parameter_index(s, ":hi"),
		    hi);
	}
	return (step_done(st, s));
}

static char *
column_dup(sqlite3_stmt *s, int col)
{
	const char	*v = (const char *)sqlite3_column_text(s, col);

	return (v != NULL ? xstrdup(v) : NULL);
}

/* Suite, fingerprint, suite hash and state; 1 when there is no such id. */
int
store_session_meta(struct store *st, int64_t id, struct session_meta *m)
{
	sqlite3_stmt	*s = store_stmt(st, S_SESSION_META);

	memset(m, 0, sizeof *m);
	bind_int(s, ":id", id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_reset(s);
		return (1);
	}
	m->suite = column_dup(s, 0);
	m->fingerprint = column_dup(s, 1);
	m->suite_hash = column_dup(s, 2);
	m->state = column_dup(s, 3);
	m->params = column_dup(s, 4);
	sqlite3_reset(s);
	return (0);
}

void
store_session_meta_free(struct session_meta *m)
{
	free(m->suite);
	free(m->fingerprint);
	free(m->suite_hash);
	free(m->state);
	free(m->params);
}

int
store_baseline_set(struct store *st, const char *suite, const char *params,
    int64_t session, int64_t uid)
{
	sqlite3_stmt	*s = store_stmt(st, S_BASELINE_INSERT);

	bind_text(s, ":suite", suite);
	bind_text(s, ":params", params);
	bind_int(s, ":session", session);
	bind_int(s, ":by", uid);
	bind_int(s, ":now", store_now_ms());
	return (step_done(st, s));
}

static int64_t
first_id(sqlite3_stmt *s)
{
	int64_t	id = 0;

	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return (id);
}

int64_t
store_baseline_current(struct store *st, const char *suite,
    const char *params)
{
	sqlite3_stmt	*s = store_stmt(st, S_BASELINE_CURRENT);

	bind_text(s, ":suite", suite);
	bind_text(s, ":params", params);
	return (first_id(s));
}

int64_t
store_latest_completed(struct store *st, const char *suite,
    const char *params)
{
	sqlite3_stmt	*s = store_stmt(st, S_LATEST_COMPLETED);

	bind_text(s, ":suite", suite);
	bind_text(s, ":params", params);
	return (first_id(s));
}

/* [{"session", "set_by", "set_at"}, ...], newest first. */
cJSON *
store_baseline_history(struct store *st, const char *suite,
    const char *params)
{
	sqlite3_stmt	*s = store_stmt(st, S_BASELINE_HISTORY);
	cJSON		*a = cJSON_CreateArray(), *o;

	bind_text(s, ":suite", suite);
	bind_text(s, ":params", params);
	while (sqlite3_step(s) == SQLITE_ROW) {
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "session",
		    (double)sqlite3_column_int64(s, 0));
		cJSON_AddNumberToObject(o, "set_by",
		    (double)sqlite3_column_int64(s, 1));
		cJSON_AddItemToObject(o, "set_at", json_time(s, 2));
		cJSON_AddItemToArray(a, o);
	}
	sqlite3_reset(s);
	return (a);
}

/* [[suite, params], ...] that have a baseline (of one suite, or all). */
cJSON *
store_baseline_suites(struct store *st, const char *suite)
{
	sqlite3_stmt	*s = store_stmt(st, S_BASELINE_SUITES);
	cJSON		*a = cJSON_CreateArray(), *pair;

	bind_text(s, ":suite", suite);
	while (sqlite3_step(s) == SQLITE_ROW) {
		pair = cJSON_CreateArray();
		cJSON_AddItemToArray(pair, cJSON_CreateString(
		    (const char *)sqlite3_column_text(s, 0)));
		cJSON_AddItemToArray(pair, cJSON_CreateString(
		    (const char *)sqlite3_column_text(s, 1)));
		cJSON_AddItemToArray(a, pair);
	}
	sqlite3_reset(s);
	return (a);
}

/* Regressed sessions that finished since their suite's baseline was set. */
cJSON *
store_regressions(struct store *st, const char *suite)
{
	sqlite3_stmt	*s = store_stmt(st, S_REGRESSIONS);

	bind_text(s, ":suite", suite);
	return (session_rows(s));
}

/* Completed sessions of a suite and their wall means, oldest first. */
size_t
store_suite_means(struct store *st, const char *suite, const char *params,
    int64_t **ids, double **means)
{
	sqlite3_stmt	*s = store_stmt(st, S_SUITE_MEANS);
	size_t		 n = 0, cap = 0;

	*ids = NULL;
	*means = NULL;
	bind_text(s, ":suite", suite);
	bind_text(s, ":params", params);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			*ids = xreallocarray(*ids, cap, sizeof **ids);
			*means = xreallocarray(*means, cap, sizeof **means);
		}
		(*ids)[n] = sqlite3_column_int64(s, 0);
		(*means)[n++] = sqlite3_column_double(s, 1);
	}
	sqlite3_reset(s);
	return (n);
}

/* Pass one series to cb and start the next. */
static void
series_flush(char **params, int64_t *ids, double *means, size_t *n,
    store_series_cb cb, void *arg)
{
	if (*params != NULL && *n > 0)
		cb(arg, *params, ids, means, *n);
	free(*params);
	*params = NULL;
	*n = 0;
}

/*
 * The completed sessions of a suite and their wall means, oldest first, as
 * one series per set of parameter values (in the order of their texts):
 * one pass over the sessions_done index for the whole suite.
 */
void
store_suite_series(struct store *st, const char *suite, store_series_cb cb,
    void *arg)
{
	sqlite3_stmt	*s = store_stmt(st, S_SUITE_SERIES);
	const char	*p;
	char		*params = NULL;
	int64_t		*ids = NULL;
	double		*means = NULL;
	size_t		 n = 0, cap = 0;

	bind_text(s, ":suite", suite);
	while (sqlite3_step(s) == SQLITE_ROW) {
		p = (const char *)sqlite3_column_text(s, 0);
		if (params == NULL || strcmp(params, p) != 0) {
			series_flush(&params, ids, means, &n, cb, arg);
			params = xstrdup(p);
		}
		if (n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			ids = xreallocarray(ids, cap, sizeof *ids);
			means = xreallocarray(means, cap, sizeof *means);
		}
		ids[n] = sqlite3_column_int64(s, 1);
		means[n++] = sqlite3_column_double(s, 2);
	}
	sqlite3_reset(s);
	series_flush(&params, ids, means, &n, cb, arg);
	free(ids);
	free(means);
}
