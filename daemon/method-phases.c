/*
 * method-phases.c -- "session.phases": the per-phase breakdown of a
 * session's measured runs, in the shape of the users' "AOT Test Pipeline
 * Timing" table, checked against wall and CPU time.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "benchd.h"
#include "stats.h"
#include "store.h"
#include "xmalloc.h"

#define COVERAGE_TOLERANCE	0.05	/* phases within 5% of wall time */

struct phase_acc {
	char		*prefix;
	char		*phase;
	double		*totals;	/* seconds, one per run that had it */
	size_t		 n;
	double		 count;
	double		 max;
};

struct phases {
	struct phase_acc *v;
	size_t		  n;
};

static void
phase_row(void *arg, int seq, const char *prefix, const char *phase,
    uint64_t count, uint64_t total_ns, uint64_t max_ns)
{
	struct phases		*ps = arg;
	struct phase_acc	*p = NULL;
	size_t			 i;

	for (i = 0; i < ps->n; i++) {
		if (strcmp(ps->v[i].phase, phase) == 0 &&
		    strcmp(ps->v[i].prefix, prefix) == 0) {
			p = &ps->v[i];
			break;
		}
	}
	if (p == NULL) {
		ps->v = xreallocarray(ps->v, ps->n + 1, sizeof *ps->v);
		p = &ps->v[ps->n++];
		memset(p, 0, sizeof *p);
		p->prefix = xstrdup(prefix);
		p->phase = xstrdup(phase);
	}
	p->totals = xreallocarray(p->totals, p->n + 1, sizeof *p->totals);
	p->totals[p->n++] = total_ns / 1e9;
	p->count += (double)count;
	if (max_ns / 1e9 > p->max)
		p->max = max_ns / 1e9;
}

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
phase_json(struct phase_acc *p, size_t n, double total)
{
	struct stats_summary	 s;
	cJSON			*o = cJSON_CreateObject();
	double			*x = xcalloc(n + 1, sizeof *x);

	memcpy(x, p->totals, p->n * sizeof *x);
	stats_summarize(x, n, &s);
	free(x);
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
malformed_json(cJSON *out, cJSON *runs)
{
	cJSON		*r, *ex = NULL;
	double		 n = 0;

	cJSON_ArrayForEach(r, runs) {
		if (strcmp(cJSON_GetObjectItem(r, "kind")->valuestring,
		    "measured") != 0)
			continue;
		n += cJSON_GetObjectItem(r, "timing_malformed")->valuedouble;
		if (ex == NULL && cJSON_IsString(cJSON_GetObjectItem(r,
		    "timing_example")))
			ex = cJSON_GetObjectItem(r, "timing_example");
	}
	cJSON_AddNumberToObject(out, "malformed", n);
	cJSON_AddItemToObject(out, "malformed_example", ex != NULL ?
	    cJSON_Duplicate(ex, 0) : cJSON_CreateNull());
}

static int
phases_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	struct phases	 ps = { NULL, 0 };
	double		*wall, *user, *sys, *maxrss, total = 0, w = 0, cpu = 0;
	size_t		 n, i;
	int64_t		 id = 0;
	cJSON		*a, *s, *runs;

	if (rpc_param_int(params, "id", 1, INT64_MAX / 2, &id, e) < 0)
		return (-1);
	if (id == 0)
		return (rpc_fail(e, RPC_INVALID_PARAMS, NULL, "id is required"));
	if ((s = store_session_json(db, id)) == NULL)
		return (rpc_fail(e, RPC_APP_ERROR, "no-such-session",
		    "no session %lld", (long long)id));
	cJSON_Delete(s);
	store_measured(db, id, &wall, &user, &sys, &maxrss, &n);
	store_session_phases(db, id, phase_row, &ps);
	for (i = 0; i < n; i++) {
		w += wall[i] / n;
		cpu += (user[i] + sys[i]) / n;
	}
	for (i = 0; i < ps.n && n > 0; i++) {
		size_t k;
		for (k = 0; k < ps.v[i].n; k++)
			total += ps.v[i].totals[k] / n;
	}
	*result = cJSON_CreateObject();
	cJSON_AddNumberToObject(*result, "id", (double)id);
	cJSON_AddNumberToObject(*result, "runs", (double)n);
	a = cJSON_AddArrayToObject(*result, "phases");
	for (i = 0; i < ps.n; i++) {
		if (n > 0)
			cJSON_AddItemToArray(a, phase_json(&ps.v[i], n, total));
		free(ps.v[i].prefix);
		free(ps.v[i].phase);
		free(ps.v[i].totals);
	}
	free(ps.v);
	cJSON_AddNumberToObject(*result, "total", total);
	add_num(*result, "wall", n > 0 ? w : NAN);
	add_num(*result, "cpu", n > 0 ? cpu : NAN);
	add_num(*result, "coverage", w > 0 && ps.n > 0 ? total / w : NAN);
	if (w > 0 && ps.n > 0)
		cJSON_AddBoolToObject(*result, "agrees",
		    fabs(total / w - 1) <= COVERAGE_TOLERANCE);
	else
		cJSON_AddNullToObject(*result, "agrees");
	add_num(*result, "cpu_coverage", cpu > 0 && ps.n > 0 ? total / cpu :
	    NAN);
	runs = store_runs_json(db, id);
	malformed_json(*result, runs);
	cJSON_Delete(runs);
	free(wall);
	free(user);
	free(sys);
	free(maxrss);
	return (0);
}

const struct rpc_method method_session_phases = { "session.phases", 0,
    phases_exec };
