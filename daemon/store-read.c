/*
 * store-read.c -- reading the database back as the protocol's objects.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "store.h"
#include "store-int.h"
#include "xmalloc.h"

/* Milliseconds since the epoch as ISO 8601 UTC, or JSON null. */
cJSON *
json_time(sqlite3_stmt *s, int col)
{
	char		buf[32];
	time_t		t;
	struct tm	tm;

	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return (cJSON_CreateNull());
	t = sqlite3_column_int64(s, col) / 1000;
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return (cJSON_CreateString(buf));
}

static cJSON *
json_text(sqlite3_stmt *s, int col)
{
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return (cJSON_CreateNull());
	return (cJSON_CreateString((const char *)sqlite3_column_text(s, col)));
}

static cJSON *
json_real(sqlite3_stmt *s, int col)
{
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return (cJSON_CreateNull());
	return (cJSON_CreateNumber(sqlite3_column_double(s, col)));
}

static cJSON *
json_int_or_null(sqlite3_stmt *s, int col)
{
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return (cJSON_CreateNull());
	return (cJSON_CreateNumber((double)sqlite3_column_int64(s, col)));
}

/* Text that may hold any bytes, as valid UTF-8 (bad bytes become U+FFFD). */
static cJSON *
json_bytes(const unsigned char *p, size_t len)
{
	char		*out = xmalloc(len * 3 + 1), *o = out;
	size_t		 i = 0, k, need;
	unsigned char	 c;
	cJSON		*j;

	while (i < len) {
		c = p[i];
		if (c < 0x80)
			need = 0;
		else if (c >= 0xc2 && c <= 0xdf)
			need = 1;
		else if ((c >> 4) == 0xe)
			need = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3;
		else
			need = SIZE_MAX;
		for (k = 1; need != SIZE_MAX && k <= need; k++)
			if (i + k >= len || (p[i + k] & 0xc0) != 0x80)
				need = SIZE_MAX;
		if (need == SIZE_MAX || c == 0) {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(o, p + i, need + 1);
		o += need + 1;
		i += need + 1;
	}
	*o = '\0';
	j = cJSON_CreateString(out);
	free(out);
	return (j);
}

/* A session row (SESSION_COLS) as the protocol's Session object. */
static cJSON *
session_row_json(sqlite3_stmt *s)
{
	cJSON		*o = cJSON_CreateObject(), *params, *j;
	const char	*ptext = (const char *)sqlite3_column_text(s, 2), *fp;

	cJSON_AddNumberToObject(o, "id", (double)sqlite3_column_int64(s, 0));
	cJSON_AddItemToObject(o, "suite", json_text(s, 1));
	params = cJSON_Parse(ptext != NULL ? ptext : "{}");
	cJSON_AddItemToObject(o, "params", params != NULL ? params :
	    cJSON_CreateObject());
	cJSON_AddItemToObject(o, "label", json_text(s, 3));
	cJSON_AddItemToObject(o, "rev", json_text(s, 4));
	if (sqlite3_column_type(s, 5) == SQLITE_NULL)
		cJSON_AddNullToObject(o, "dirty");
	else
		cJSON_AddBoolToObject(o, "dirty", sqlite3_column_int(s, 5));
	cJSON_AddItemToObject(o, "state", json_text(s, 6));
	cJSON_AddItemToObject(o, "reason", json_text(s, 7));
	cJSON_AddNumberToObject(o, "warmup", sqlite3_column_int(s, 8));
	cJSON_AddNumberToObject(o, "runs", sqlite3_column_int(s, 9));
	cJSON_AddNumberToObject(o, "max_runs", sqlite3_column_int(s, 10));
	cJSON_AddNumberToObject(o, "cv_target", sqlite3_column_double(s, 11));
	cJSON_AddNumberToObject(o, "measured", sqlite3_column_int(s, 16));
	cJSON_AddNumberToObject(o, "warmups_done", sqlite3_column_int(s, 17));
	cJSON_AddItemToObject(o, "queued_at", json_time(s, 12));
	cJSON_AddItemToObject(o, "started_at", json_time(s, 13));
	cJSON_AddItemToObject(o, "finished_at", json_time(s, 14));
	cJSON_AddItemToObject(o, "queued_by", json_int_or_null(s, 15));
	cJSON_AddItemToObject(o, "command", json_text(s, 23));
	fp = (const char *)sqlite3_column_text(s, 24);
	j = fp != NULL ? cJSON_Parse(fp) : NULL;
	cJSON_AddItemToObject(o, "fingerprint", j != NULL ? j :
	    cJSON_CreateNull());
	cJSON_AddItemToObject(o, "cpus", json_text(s, 25));
	cJSON_AddItemToObject(o, "nice", json_int_or_null(s, 26));
	if (sqlite3_column_type(s, 18) == SQLITE_NULL)
		cJSON_AddNullToObject(o, "verdict");
	else {
		j = cJSON_AddObjectToObject(o, "verdict");
		cJSON_AddItemToObject(j, "verdict", json_text(s, 18));
		cJSON_AddItemToObject(j, "baseline", json_int_or_null(s, 19));
		cJSON_AddItemToObject(j, "change", json_real(s, 20));
		cJSON_AddItemToObject(j, "ci_low", json_real(s, 21));
		cJSON_AddItemToObject(j, "ci_high", json_real(s, 22));
	}
	return (o);
}

cJSON *
store_session_json(struct store *st, int64_t id)
{
	sqlite3_stmt	*s = store_stmt(st, S_SESSION_GET);
	cJSON		*o = NULL;

	bind_int(s, ":id", id);
	if (sqlite3_step(s) == SQLITE_ROW)
		o = session_row_json(s);
	sqlite3_reset(s);
	return (o);
}

cJSON *
session_rows(sqlite3_stmt *s)
{
	cJSON	*a = cJSON_CreateArray();

	while (sqlite3_step(s) == SQLITE_ROW)
		cJSON_AddItemToArray(a, session_row_json(s));
	sqlite3_reset(s);
	return (a);
}

cJSON *
store_session_list(struct store *st, const char *suite, int last)
{
	sqlite3_stmt	*s;

	s = store_stmt(st, suite != NULL ? S_SESSION_LIST_SUITE :
	    S_SESSION_LIST);
	if (suite != NULL)
		bind_text(s, ":suite", suite);
	bind_int(s, ":last", last);
	return (session_rows(s));
}

cJSON *
store_queue_list(struct store *st)
{
	return (session_rows(store_stmt(st, S_QUEUE_LIST)));
}

/* The run's phases, from the S_RUN_PHASES cursor positioned at seq. */
static cJSON *
run_phases_json(sqlite3_stmt *p, int seq, int *have)
{
	cJSON	*a = cJSON_CreateArray(), *o;

	while (*have && sqlite3_column_int(p, 0) < seq)
		*have = sqlite3_step(p) == SQLITE_ROW;
	while (*have && sqlite3_column_int(p, 0) == seq) {
		o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "prefix", json_text(p, 1));
		cJSON_AddItemToObject(o, "phase", json_text(p, 2));
		cJSON_AddNumberToObject(o, "count",
		    (double)sqlite3_column_int64(p, 3));
		cJSON_AddNumberToObject(o, "total",
		    sqlite3_column_int64(p, 4) / 1e9);
		cJSON_AddNumberToObject(o, "max",
		    sqlite3_column_int64(p, 5) / 1e9);
		cJSON_AddItemToArray(a, o);
		*have = sqlite3_step(p) == SQLITE_ROW;
	}
	return (a);
}

cJSON *
store_runs_json(struct store *st, int64_t id)
{
	static const char *ru[] = { "maxrss_kb", "minflt", "majflt", "nvcsw",
	    "nivcsw", "inblock", "oublock" };
	sqlite3_stmt	*s = store_stmt(st, S_RUNS);
	sqlite3_stmt	*p = store_stmt(st, S_RUN_PHASES);
	cJSON		*a = cJSON_CreateArray(), *o, *cond;
	const char	*ctext;
	size_t		 i;
	int		 have;

	bind_int(s, ":id", id);
	bind_int(p, ":id", id);
	have = sqlite3_step(p) == SQLITE_ROW;
	while (sqlite3_step(s) == SQLITE_ROW) {
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "seq", sqlite3_column_int(s, 0));
		cJSON_AddItemToObject(o, "kind", json_text(s, 1));
		cJSON_AddNumberToObject(o, "iteration", sqlite3_column_int(s, 2));
		cJSON_AddItemToObject(o, "started_at", json_time(s, 3));
		cJSON_AddNumberToObject(o, "wall",
		    sqlite3_column_int64(s, 4) / 1e9);
		cJSON_AddNumberToObject(o, "user",
		    sqlite3_column_int64(s, 5) / 1e6);
		cJSON_AddNumberToObject(o, "sys",
		    sqlite3_column_int64(s, 6) / 1e6);
		for (i = 0; i < sizeof ru / sizeof ru[0]; i++)
			cJSON_AddNumberToObject(o, ru[i],
			    (double)sqlite3_column_int64(s, 7 + i));
		cJSON_AddItemToObject(o, "exit_code", json_int_or_null(s, 14));
		cJSON_AddItemToObject(o, "signal", json_int_or_null(s, 15));
		cJSON_AddBoolToObject(o, "timed_out", sqlite3_column_int(s, 16));
		for (i = 0; i < 2; i++) {
			if (sqlite3_column_type(s, 17 + i) == SQLITE_NULL)
				continue;
			cJSON_AddItemToObject(o, i == 0 ? "stdout_tail" :
			    "stderr_tail", json_bytes(sqlite3_column_blob(s,
			    17 + i), sqlite3_column_bytes(s, 17 + i)));
		}
		cJSON_AddBoolToObject(o, "canonical", sqlite3_column_int(s, 19));
		ctext = (const char *)sqlite3_column_text(s, 20);
		cond = ctext != NULL ? cJSON_Parse(ctext) : NULL;
		cJSON_AddItemToObject(o, "conditions", cond != NULL ? cond :
		    cJSON_CreateNull());
		cJSON_AddItemToObject(o, "throttle_delta",
		    json_int_or_null(s, 21));
		cJSON_AddItemToObject(o, "phases", run_phases_json(p,
		    sqlite3_column_int(s, 0), &have));
		cJSON_AddNumberToObject(o, "timing_malformed",
		    (double)sqlite3_column_int64(s, 22));
		cJSON_AddItemToObject(o, "timing_example", json_text(s, 23));
		cJSON_AddItemToArray(a, o);
	}
	sqlite3_reset(s);
	sqlite3_reset(p);
	return (a);
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
store_measured(struct store *st, int64_t id, double **wall, double **user,
    double **sys, double **maxrss, size_t *n)
{
	sqlite3_stmt	*s = store_stmt(st, S_MEASURED);
	size_t		 cap = 0;

	*wall = *user = *sys = *maxrss = NULL;
	*n = 0;
	bind_int(s, ":id", id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			*wall = xreallocarray(*wall, cap, sizeof **wall);
			*user = xreallocarray(*user, cap, sizeof **user);
			*sys = xreallocarray(*sys, cap, sizeof **sys);
			*maxrss = xreallocarray(*maxrss, cap, sizeof **maxrss);
		}
		(*wall)[*n] = sqlite3_column_int64(s, 0) / 1e9;
		(*user)[*n] = sqlite3_column_int64(s, 1) / 1e6;
		(*sys)[*n] = sqlite3_column_int64(s, 2) / 1e6;
		(*maxrss)[*n] = (double)sqlite3_column_int64(s, 3);
		(*n)++;
	}
	sqlite3_reset(s);
	return (0);
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
	const char	*ex;

	*n = 0;
	*example = NULL;
	bind_int(s, ":id", id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*n = (double)sqlite3_column_int64(s, 0);
		if ((ex = (const char *)sqlite3_column_text(s, 1)) != NULL)
			*example = xstrdup(ex);
	}
	sqlite3_reset(s);
}

/* The conditions snapshot of the first measured run, or JSON null. */
cJSON *
store_first_conditions(struct store *st, int64_t id)
{
	sqlite3_stmt	*s = store_stmt(st, S_FIRST_CONDITIONS);
	const char	*text;
	cJSON		*j = NULL;

	bind_int(s, ":id", id);
	if (sqlite3_step(s) == SQLITE_ROW &&
	    (text = (const char *)sqlite3_column_text(s, 0)) != NULL)
		j = cJSON_Parse(text);
	sqlite3_reset(s);
	return (j != NULL ? j : cJSON_CreateNull());
}
