/*
 * method-phases.c -- "session.phases": the per-phase breakdown of a
 * session's measured runs, in the shape of the users' "AOT Test Pipeline
 * Timing" table, checked against wall and CPU time.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "benchd.h"
#include "stats.h"
#include "store.h"
#include "xmalloc.h"

#define COVERAGE_TOLERANCE	0.05	/* phases within 5% of wall time */

static void
add_num(cJSON *o, const char *name, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

/* One phase over all n measured runs: a run without it counts as 0 s. */
static cJSON *
phase_json(const struct phase_series *p, size_t n, double total)
{
	struct stats_summary	 s;
	cJSON			*o = cJSON_CreateObject();

	stats_summarize(p->x, n, &s);
	cJSON_AddStringToObject(o, "prefix", p->prefix);
	cJSON_AddStringToObject(o, "phase", p->phase);
	cJSON_AddNumberToObject(o, "count", p->count / n);
	add_num(o, "mean", s.mean);
	add_num(o, "stddev", s.stddev);
	cJSON_AddNumberToObject(o, "max", p->max);
	add_num(o, "share", total > 0 ? s.mean / total : NAN);
	return (o);
}

/* Malformed timing lines over the measured runs, and the first example. */
static void
malformed_json(cJSON *out, int64_t id)
{
	double	 n;
	char	*ex;

	store_session_malformed(db, id, &n, &ex);
	cJSON_AddNumberToObject(out, "malformed", n);
	cJSON_AddItemToObject(out, "malformed_example", ex != NULL ?
	    cJSON_CreateString(ex) : cJSON_CreateNull());
	free(ex);
}

/* The session.phases result for a session that exists. */
cJSON *
session_phases_json(int64_t id)
{
	struct phase_series *ps;
	double		*wall, *user, *sys, *maxrss, total = 0, w = 0, cpu = 0;
	size_t		 n, i, k, nps;
	cJSON		*a, *out;
	cJSON		**result = &out;

	store_measured(db, id, &wall, &user, &sys, &maxrss, &n);
	nps = session_phase_series(id, n, &ps);
	for (i = 0; i < n; i++) {
		w += wall[i] / n;
		cpu += (user[i] + sys[i]) / n;
	}
	for (i = 0; i < nps; i++)
		for (k = 0; k < n; k++)
			total += ps[i].x[k] / n;
	*result = cJSON_CreateObject();
	cJSON_AddNumberToObject(*result, "id", (double)id);
	cJSON_AddNumberToObject(*result, "runs", (double)n);
	a = cJSON_AddArrayToObject(*result, "phases");
	for (i = 0; i < nps && n > 0; i++)
		cJSON_AddItemToArray(a, phase_json(&ps[i], n, total));
	session_phase_series_free(ps, nps);
	cJSON_AddNumberToObject(*result, "total", total);
	add_num(*result, "wall", n > 0 ? w : NAN);
	add_num(*result, "cpu", n > 0 ? cpu : NAN);
	add_num(*result, "coverage", w > 0 && nps > 0 ? total / w : NAN);
	if (w > 0 && nps > 0)
		cJSON_AddBoolToObject(*result, "agrees",
		    fabs(total / w - 1) <= COVERAGE_TOLERANCE);
	else
		cJSON_AddNullToObject(*result, "agrees");
	add_num(*result, "cpu_coverage", cpu > 0 && nps > 0 ? total / cpu :
	    NAN);
	malformed_json(*result, id);
	free(wall);
	free(user);
	free(sys);
	free(maxrss);
	return (out);
}

static int
phases_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	int64_t	 id = 0;
	cJSON	*s;

	if (rpc_param_int(params, "id", 1, INT64_MAX / 2, &id, e) < 0)
		return (-1);
	if (id == 0)
		return (rpc_fail(e, RPC_INVALID_PARAMS, NULL, "id is required"));
	if ((s = store_session_json(db, id)) == NULL)
		return (rpc_fail(e, RPC_APP_ERROR, "no-such-session",
		    "no session %lld", (long long)id));
	cJSON_Delete(s);
	*result = session_phases_json(id);
	return (0);
}

const struct rpc_method method_session_phases = { "session.phases", 0,
    phases_exec };
