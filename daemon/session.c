/*
 * session.c -- what a session's measured runs say: the statistics of each
 * metric, the warnings a careful person would raise about them, and the
 * per-phase breakdown checked against wall and CPU time.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "session.h"
#include "stats.h"
#include "store.h"
#include "xmalloc.h"

/* A metric's summary; all zero (n = 0) without runs. */
static void
summarize(const double *x, size_t n, struct stats_summary *s)
{
	memset(s, 0, sizeof *s);
	if (n > 0)
		stats_summarize(x, n, s);
}

int
session_stats(struct store *st, int64_t id, int which,
    struct session_stats *out)
{
	struct measured	m;

	memset(out, 0, sizeof *out);
	if (store_measured(st, id, &m) != 0)
		return (-1);
	out->n = m.n;
	if (which & SESSION_WALL)
		summarize(m.wall, m.n, &out->wall);
	if (which & SESSION_CPU) {
		summarize(m.user, m.n, &out->user);
		summarize(m.sys, m.n, &out->sys);
	}
	if (which & SESSION_MAXRSS)
		summarize(m.maxrss, m.n, &out->maxrss);
	measured_free(&m);
	return (0);
}

/* A slow first measured run means the warmups did not warm enough. */
static char *
warn_first_run(const double *wall, size_t n)
{
	struct stats_summary	 s;
	int			*flags;
	char			*w = NULL;

	if (n < 4)
		return (NULL);
	flags = xcalloc(n, sizeof *flags);
	stats_outliers(wall, n, flags);
	if (flags[0] > 0) {
		stats_summarize(wall, n, &s);
		xasprintf(&w, "first measured run is a slow outlier (%.3f s, "
		    "median %.3f s): consider more warmups", wall[0],
		    s.median);
	}
	free(flags);
	return (w);
}

size_t
session_warnings(struct store *st, int64_t id, char ***out)
{
	struct measured	 m;
	char		*w;
	size_t		 n = 0;

	*out = xcalloc(2, sizeof **out);
	if (store_measured(st, id, &m) != 0)
		return (0);
	if ((w = warn_first_run(m.wall, m.n)) != NULL)
		(*out)[n++] = w;
	measured_free(&m);
	return (n);
}

void
session_warnings_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
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
session_phase_series(struct store *st, int64_t id, size_t runs,
    struct phase_series **out)
{
	struct series_acc	acc = { NULL, 0, runs };

	store_session_phases(st, id, series_row, &acc);
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

/* One phase over all n measured runs: a run without it counts as 0 s. */
static void
phase_row_fill(const struct phase_series *p, size_t n, double total,
    struct phase_row *r)
{
	struct stats_summary	s;

	stats_summarize(p->x, n, &s);
	r->prefix = p->prefix;
	r->phase = p->phase;
	r->count = p->count / n;
	r->mean = s.mean;
	r->stddev = s.stddev;
	r->max = p->max;
	r->share = total > 0 ? s.mean / total : NAN;
}

void
session_phases(struct store *st, int64_t id, struct phase_report *r)
{
	struct measured	 m;
	double		 w = 0, cpu = 0;
	size_t		 i, k, n;

	memset(r, 0, sizeof *r);
	store_measured(st, id, &m);
	n = r->runs = m.n;
	r->nseries = session_phase_series(st, id, n, &r->series);
	for (i = 0; i < n; i++) {
		w += m.wall[i] / n;
		cpu += (m.user[i] + m.sys[i]) / n;
	}
	for (i = 0; i < r->nseries; i++)
		for (k = 0; k < n; k++)
			r->total += r->series[i].x[k] / n;
	if (n > 0) {
		r->rows = xcalloc(r->nseries + 1, sizeof *r->rows);
		for (i = 0; i < r->nseries; i++)
			phase_row_fill(&r->series[i], n, r->total,
			    &r->rows[r->nrows++]);
	}
	r->wall = n > 0 ? w : NAN;
	r->cpu = n > 0 ? cpu : NAN;
	r->coverage = w > 0 && r->nseries > 0 ? r->total / w : NAN;
	r->agrees = w > 0 && r->nseries > 0 ? fabs(r->total / w - 1) <=
	    PHASE_COVERAGE_TOLERANCE : -1;
	r->cpu_coverage = cpu > 0 && r->nseries > 0 ? r->total / cpu : NAN;
	store_session_malformed(st, id, &r->malformed, &r->malformed_example);
	measured_free(&m);
}

void
session_phases_free(struct phase_report *r)
{
	free(r->rows);
	session_phase_series_free(r->series, r->nseries);
	free(r->malformed_example);
	memset(r, 0, sizeof *r);
}

int
session_params_parse(const char *text, char ***keys, char ***values,
    size_t *n)
{
	const cJSON	*p;
	cJSON		*o;
	size_t		 cap = 0;

	*n = 0;
	o = cJSON_Parse(text != NULL ? text : "{}");
	if (o != NULL && cJSON_IsObject(o))
		cJSON_ArrayForEach(p, o)
			cap++;
	*keys = xcalloc(cap + 1, sizeof **keys);
	*values = xcalloc(cap + 1, sizeof **values);
	if (o == NULL || !cJSON_IsObject(o)) {
		cJSON_Delete(o);
		return (-1);
	}
	cJSON_ArrayForEach(p, o) {
		if (!cJSON_IsString(p))
			continue;
		(*keys)[*n] = xstrdup(p->string);
		(*values)[(*n)++] = xstrdup(p->valuestring);
	}
	cJSON_Delete(o);
	return (0);
}

void
session_params_free(char **keys, char **values, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(keys[i]);
		free(values[i]);
	}
	free(keys);
	free(values);
}
