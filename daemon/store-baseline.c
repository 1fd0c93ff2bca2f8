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

int
store_session_verdict(struct store *st, int64_t id,
    const struct session_verdict *v)
{
	sqlite3_stmt	*s = store_stmt(st, S_SESSION_VERDICT);

	bind_int(s, ":id", id);
	bind_int(s, ":base", v->baseline);
	bind_text(s, ":verdict", verdict_name(v->verdict));
	if (v->change == v->change) {
		bind_real(s, ":change", v->change);
		bind_real(s, ":lo", v->ci_low);
		bind_real(s, ":hi", v->ci_high);
	}
	bind_real(s, ":threshold", v->threshold);
	bind_text(s, ":rule", verdict_rule_name(v->rule));
	return (store_step_done(st, s));
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
	return (store_step_done(st, s));
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

/* Every change of a baseline, newest first (caller frees *v). */
int
store_baseline_history(struct store *st, const char *suite,
    const char *params, struct baseline_change **v, size_t *n)
{
	sqlite3_stmt	*s = store_stmt(st, S_BASELINE_HISTORY);
	int		 rc;

	*v = NULL;
	*n = 0;
	bind_text(s, ":suite", suite);
	bind_text(s, ":params", params);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*v = xreallocarray(*v, *n + 1, sizeof **v);
		(*v)[*n].session = sqlite3_column_int64(s, 0);
		(*v)[*n].set_by = column_int_or(s, 1, STORE_NONE);
		(*v)[*n].set_at = sqlite3_column_int64(s, 2);
		(*n)++;
	}
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* The (suite, params) that have a baseline, of one suite or all. */
int
store_baseline_suites(struct store *st, const char *suite,
    struct suite_params **v, size_t *n)
{
	sqlite3_stmt	*s = store_stmt(st, S_BASELINE_SUITES);
	int		 rc;

	*v = NULL;
	*n = 0;
	bind_text(s, ":suite", suite);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*v = xreallocarray(*v, *n + 1, sizeof **v);
		(*v)[*n].suite = column_dup(s, 0);
		(*v)[*n].params = column_dup(s, 1);
		(*n)++;
	}
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? 0 : -1);
}

void
suite_params_free(struct suite_params *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].suite);
		free(v[i].params);
	}
	free(v);
}

/* Regressed sessions that finished since their suite's baseline was set. */
int
store_regressions(struct store *st, const char *suite, struct session_list *l)
{
	sqlite3_stmt	*s = store_stmt(st, S_REGRESSIONS);

	bind_text(s, ":suite", suite);
	return (session_rows(s, l));
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

size_t
store_suite_history(struct store *st, const char *suite, const char *params,
    struct history_point **out)
{
	sqlite3_stmt		*s = store_stmt(st, S_SUITE_HISTORY);
	struct history_point	*h = NULL;
	size_t			 n = 0, cap = 0;

	bind_text(s, ":suite", suite);
	bind_text(s, ":params", params);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			h = xreallocarray(h, cap, sizeof *h);
		}
		h[n].id = sqlite3_column_int64(s, 0);
		h[n].mean = sqlite3_column_double(s, 1);
		h[n].rev = column_dup(s, 2);
		h[n].dirty = (int)column_int_or(s, 3, -1);
		n++;
	}
	sqlite3_reset(s);
	*out = h;
	return (n);
}

void
history_points_free(struct history_point *h, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(h[i].rev);
	free(h);
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
