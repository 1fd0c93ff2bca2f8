/*
 * session.c -- what a session's measured runs say: the statistics of each
 * metric and the warnings a careful person would raise about them.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "benchd.h"
#include "conf.h"
#include "stats.h"
#include "store.h"
#include "xmalloc.h"

static void
add_num(cJSON *o, const char *name, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

static cJSON *
stats_json(const double *x, size_t n)
{
	struct stats_summary	 s;
	cJSON			*o = cJSON_CreateObject();

	stats_summarize(x, n, &s);
	cJSON_AddNumberToObject(o, "n", (double)s.n);
	add_num(o, "mean", s.mean);
	add_num(o, "stddev", s.stddev);
	add_num(o, "cv", s.cv);
	add_num(o, "median", s.median);
	add_num(o, "mad", s.mad);
	add_num(o, "min", s.min);
	add_num(o, "max", s.max);
	add_num(o, "ci_low", s.ci_low);
	add_num(o, "ci_high", s.ci_high);
	add_num(o, "ci_half", s.ci_half);
	return (o);
}

/* A slow first measured run means the warmups did not warm enough. */
static void
warn_first_run(const double *wall, size_t n, cJSON *warnings)
{
	struct stats_summary	 s;
	int			*flags;
	char			*w;

	if (n < 4)
		return;
	flags = xcalloc(n, sizeof *flags);
	stats_outliers(wall, n, flags);
	if (flags[0] > 0) {
		stats_summarize(wall, n, &s);
		xasprintf(&w, "first measured run is a slow outlier (%.3f s, "
		    "median %.3f s): consider more warmups", wall[0],
		    s.median);
		cJSON_AddItemToArray(warnings, cJSON_CreateString(w));
		free(w);
	}
	free(flags);
}

cJSON *
session_summary(int64_t id, cJSON **warnings)
{
	double	*wall, *user, *sys, *maxrss;
	size_t	 n;
	cJSON	*o = NULL;

	*warnings = cJSON_CreateArray();
	store_measured(db, id, &wall, &user, &sys, &maxrss, &n);
	if (n > 0) {
		o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "wall", stats_json(wall, n));
		cJSON_AddItemToObject(o, "user", stats_json(user, n));
		cJSON_AddItemToObject(o, "sys", stats_json(sys, n));
		cJSON_AddItemToObject(o, "maxrss_kb", stats_json(maxrss, n));
		warn_first_run(wall, n, *warnings);
	}
	free(wall);
	free(user);
	free(sys);
	free(maxrss);
	return (o);
}

/* {"mean", "stddev", "cv"} of one metric, or null without runs. */
static cJSON *
brief_json(const double *x, size_t n)
{
	struct stats_summary	 s;
	cJSON			*o;

	if (n == 0)
		return (cJSON_CreateNull());
	stats_summarize(x, n, &s);
	o = cJSON_CreateObject();
	add_num(o, "mean", s.mean);
	add_num(o, "stddev", s.stddev);
	add_num(o, "cv", s.cv);
	return (o);
}

/*
 * Add the measured runs' brief statistics to a Session object: "n" and
 * "wall", and with cpu also "user" and "sys".  *mean gets the wall mean
 * (NAN without runs) when not NULL.
 */
void
session_add_brief(cJSON *session, int cpu, double *mean)
{
	double	*wall, *user, *sys, *maxrss;
	size_t	 n, i;
	int64_t	 id = (int64_t)cJSON_GetObjectItem(session, "id")->valuedouble;

	store_measured(db, id, &wall, &user, &sys, &maxrss, &n);
	if (mean != NULL) {
		*mean = 0;
		for (i = 0; i < n; i++)
			*mean += wall[i] / n;
		if (n == 0)
			*mean = NAN;
	}
	if (cpu)
		cJSON_AddNumberToObject(session, "n", (double)n);
	cJSON_AddItemToObject(session, "wall", brief_json(wall, n));
	if (cpu) {
		cJSON_AddItemToObject(session, "user", brief_json(user, n));
		cJSON_AddItemToObject(session, "sys", brief_json(sys, n));
	}
	free(wall);
	free(user);
	free(sys);
	free(maxrss);
}

struct series_acc {
	struct phase_series	*v;
	size_t			 n;
	size_t			 runs;
};

static void
series_row(void *arg, int seq, const char *prefix, const char *phase,
    uint64_t count, uint64_t total_ns, uint64_t max_ns)
{
	struct series_acc	*acc = arg;
	struct phase_series	*p = NULL;
	size_t			 i;

	for (i = 0; i < acc->n; i++) {
		if (strcmp(acc->v[i].phase, phase) == 0 &&
		    strcmp(acc->v[i].prefix, prefix) == 0) {
			p = &acc->v[i];
			break;
		}
	}
	if (p == NULL) {
		acc->v = xreallocarray(acc->v, acc->n + 1, sizeof *acc->v);
		p = &acc->v[acc->n++];
		memset(p, 0, sizeof *p);
		p->prefix = xstrdup(prefix);
		p->phase = xstrdup(phase);
		p->x = xcalloc(acc->runs + 1, sizeof *p->x);
	}
	if (p->nseen < acc->runs)
		p->x[p->nseen++] = total_ns / 1e9;
	p->count += (double)count;
	if (max_ns / 1e9 > p->max)
		p->max = max_ns / 1e9;
}

/*
 * Each phase of the session's n measured runs as n per-run totals in
 * seconds, in the order phases were first seen.  A run that did not print
 * a phase counts as 0 s for it.
 */
size_t
session_phase_series(int64_t id, size_t runs, struct phase_series **out)
{
	struct series_acc	acc = { NULL, 0, runs };

	store_session_phases(db, id, series_row, &acc);
	*out = acc.v;
	return (acc.n);
}

void
session_phase_series_free(struct phase_series *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].prefix);
		free(v[i].phase);
		free(v[i].x);
	}
	free(v);
}

/*
 * The set of parameter values a reading method looks at, as stored text:
 * the "params" given, else the suite's newest session's.  Every key given
 * must be one of the suite's parameters, since a misspelt key would select
 * no sessions and look like an empty history.  NULL with e set when not.
 */
char *
session_params_pick(const struct suite *su, const cJSON *params,
    struct rpc_error *e)
{
	const cJSON	*given, *v;
	cJSON		*list;
	char		*text;

	given = cJSON_GetObjectItemCaseSensitive(params, "params");
	if (cJSON_IsNull(given))
		given = NULL;
	if (given != NULL && !cJSON_IsObject(given)) {
		rpc_fail(e, RPC_INVALID_PARAMS, NULL,
		    "params must be an object");
		return (NULL);
	}
	cJSON_ArrayForEach(v, given) {
		if (suite_param(su, v->string) == NULL) {
			rpc_fail(e, RPC_APP_ERROR, "bad-param",
			    "suite %s has no parameter \"%.200s\"", su->name,
			    v->string);
			return (NULL);
		}
		if (!cJSON_IsString(v)) {
			rpc_fail(e, RPC_INVALID_PARAMS, NULL,
			    "params.%.200s must be a string", v->string);
			return (NULL);
		}
	}
	if (given != NULL)
		return (session_params_text(su, given));
	list = store_session_list(db, su->name, 1);
	text = session_params_text(su, cJSON_GetObjectItem(
	    cJSON_GetArrayItem(list, 0), "params"));
	cJSON_Delete(list);
	return (text);
}

/*
 * A session's parameter values as stored: JSON text with the suite's
 * parameters in the suite's order, whatever order they were given in, so
 * one set of values always has one text (and one history).
 */
char *
session_params_text(const struct suite *su, const cJSON *given)
{
	const cJSON	*v;
	cJSON		*p = cJSON_CreateObject();
	char		*s;
	size_t		 i;

	for (i = 0; su != NULL && i < su->nparams; i++) {
		v = cJSON_GetObjectItemCaseSensitive(given, su->params[i].name);
		if (cJSON_IsString(v))
			cJSON_AddStringToObject(p, v->string, v->valuestring);
	}
	s = cJSON_PrintUnformatted(p);
	cJSON_Delete(p);
	return (s);
}
