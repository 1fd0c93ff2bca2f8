/*
 * compare.c -- two sessions side by side: for wall, user, sys, maxrss and
 * every phase, the relative change of the mean with its 95% CI (Welch),
 * Welch's t-test p, the Mann-Whitney U p, and a verdict against the
 * suite's noise threshold:
 *
 *   regressed	p < 0.05 and the whole CI of the change above +noise
 *   improved	p < 0.05 and the whole CI below -noise
 *   same	p >= 0.05 and the whole CI within [-noise, +noise]
 *   inconclusive	anything else: queue more runs
 *
 * Higher is worse for every metric.  Sessions from different machines
 * (fingerprint) or suite definitions (hash) are refused unless forced.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "benchd.h"
#include "compare.h"
#include "stats.h"
#include "store.h"
#include "xmalloc.h"

#define SIGNIFICANCE	0.05
#define EXPLAIN_SHARE	0.05	/* phases below 5% of a wall change unnamed */

struct sample {
	double	*wall, *user, *sys, *maxrss;
	size_t	 n;
	struct phase_series *ph;
	size_t	 nph;
};

static void
add_num(cJSON *o, const char *name, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

const char *
compare_verdict(double p, double lo, double hi, double noise)
{
	if (!isfinite(p) || !isfinite(lo) || !isfinite(hi))
		return ("inconclusive");
	if (p < SIGNIFICANCE && lo > noise)
		return ("regressed");
	if (p < SIGNIFICANCE && hi < -noise)
		return ("improved");
	if (p >= SIGNIFICANCE && lo >= -noise && hi <= noise)
		return ("same");
	return ("inconclusive");
}

static cJSON *
side_json(const double *x, size_t n)
{
	struct stats_summary	 s;
	cJSON			*o = cJSON_CreateObject();

	stats_summarize(x, n, &s);
	cJSON_AddNumberToObject(o, "n", (double)n);
	add_num(o, "mean", s.mean);
	add_num(o, "stddev", s.stddev);
	return (o);
}

/* One metric's row; *w gets Welch's result (NAN-filled when n < 2). */
static cJSON *
metric_json(const char *name, const char *unit, const double *a, size_t na,
    const double *b, size_t nb, double noise, struct stats_welch *w)
{
	cJSON	*o = cJSON_CreateObject();
	double	 mwu = NAN;

	if (stats_welch(a, na, b, nb, w) != 0) {
		memset(w, 0, sizeof *w);
		w->rel = w->rel_ci_low = w->rel_ci_high = w->p = NAN;
	} else
		mwu = stats_mann_whitney_p(a, na, b, nb);
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "unit", unit);
	cJSON_AddItemToObject(o, "a", side_json(a, na));
	cJSON_AddItemToObject(o, "b", side_json(b, nb));
	add_num(o, "change", w->rel);
	add_num(o, "ci_low", w->rel_ci_low);
	add_num(o, "ci_high", w->rel_ci_high);
	add_num(o, "p_welch", w->p);
	add_num(o, "p_mwu", mwu);
	cJSON_AddStringToObject(o, "verdict", compare_verdict(w->p,
	    w->rel_ci_low, w->rel_ci_high, noise));
	return (o);
}

static void
sample_load(int64_t id, struct sample *s)
{
	store_measured(db, id, &s->wall, &s->user, &s->sys, &s->maxrss, &s->n);
	s->nph = session_phase_series(id, s->n, &s->ph);
}

static void
sample_free(struct sample *s)
{
	free(s->wall);
	free(s->user);
	free(s->sys);
	free(s->maxrss);
	session_phase_series_free(s->ph, s->nph);
}

static const struct phase_series *
sample_phase(const struct sample *s, const char *prefix, const char *phase)
{
	size_t	i;

	for (i = 0; i < s->nph; i++)
		if (strcmp(s->ph[i].prefix, prefix) == 0 &&
		    strcmp(s->ph[i].phase, phase) == 0)
			return (&s->ph[i]);
	return (NULL);
}

static double
mean_of(const double *x, size_t n)
{
	double	m = 0;
	size_t	i;

	for (i = 0; i < n; i++)
		m += x[i] / n;
	return (m);
}

/*
 * Every phase in either session; and, when wall time regressed, the phases
 * whose growth accounts for it (seconds, and share of the wall change).
 */
static void
compare_phases(cJSON *out, const struct sample *a, const struct sample *b,
    double noise, const char *wall_verdict)
{
	const struct phase_series	*pa, *pb;
	struct stats_welch		 w;
	cJSON				*rows, *row, *explain, *e;
	double				 dwall, d, *za, *zb;
	size_t				 i;

	rows = cJSON_AddArrayToObject(out, "phases");
	explain = cJSON_AddArrayToObject(out, "explain");
	dwall = mean_of(b->wall, b->n) - mean_of(a->wall, a->n);
	za = xcalloc(a->n + 1, sizeof *za);
	zb = xcalloc(b->n + 1, sizeof *zb);
	for (i = 0; i < a->nph + b->nph; i++) {
		pa = i < a->nph ? &a->ph[i] : sample_phase(a,
		    b->ph[i - a->nph].prefix, b->ph[i - a->nph].phase);
		pb = i < a->nph ? sample_phase(b, a->ph[i].prefix,
		    a->ph[i].phase) : &b->ph[i - a->nph];
		if (i >= a->nph && pa != NULL)
			continue;	/* listed already */
		row = metric_json(pa != NULL ? pa->phase : pb->phase, "s",
		    pa != NULL ? pa->x : za, a->n, pb != NULL ? pb->x : zb,
		    b->n, noise, &w);
		cJSON_AddStringToObject(row, "prefix", pa != NULL ?
		    pa->prefix : pb->prefix);
		cJSON_AddItemToArray(rows, row);
		d = mean_of(pb != NULL ? pb->x : zb, b->n) -
		    mean_of(pa != NULL ? pa->x : za, a->n);
		if (strcmp(wall_verdict, "regressed") != 0 || dwall <= 0 ||
		    d <= 0 || d / dwall < EXPLAIN_SHARE)
			continue;
		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "prefix", pa != NULL ? pa->prefix :
		    pb->prefix);
		cJSON_AddStringToObject(e, "phase", pa != NULL ? pa->phase :
		    pb->phase);
		cJSON_AddNumberToObject(e, "delta", d);
		cJSON_AddNumberToObject(e, "share", d / dwall);
		cJSON_AddItemToObject(e, "verdict", cJSON_Duplicate(
		    cJSON_GetObjectItem(row, "verdict"), 0));
		cJSON_AddItemToArray(explain, e);
	}
	free(za);
	free(zb);
}

/* Why two sessions should not be compared; NULL when they may be. */
static cJSON *
compare_flags(const struct session_meta *ma, const struct session_meta *mb)
{
	cJSON	*f = cJSON_CreateArray();

	if (strcmp(ma->suite, mb->suite) != 0)
		cJSON_AddItemToArray(f, cJSON_CreateString(
		    "different suites"));
	else if (strcmp(ma->params, mb->params) != 0)
		cJSON_AddItemToArray(f, cJSON_CreateString(
		    "different parameters"));
	if (ma->suite_hash == NULL || mb->suite_hash == NULL ||
	    strcmp(ma->suite_hash, mb->suite_hash) != 0)
		cJSON_AddItemToArray(f, cJSON_CreateString(
		    "different suite definitions"));
	if (ma->fingerprint == NULL || mb->fingerprint == NULL ||
	    strcmp(ma->fingerprint, mb->fingerprint) != 0)
		cJSON_AddItemToArray(f, cJSON_CreateString(
		    "different machine fingerprints"));
	return (f);
}

cJSON *
compare_sessions(int64_t ia, int64_t ib, int force, double noise,
    struct rpc_error *e)
{
	struct session_meta	 ma, mb;
	struct sample		 a, b;
	struct stats_welch	 w;
	cJSON			*out, *flags, *metrics, *wall;
	char			*why;

	if (store_session_meta(db, ia, &ma) != 0) {
		rpc_fail(e, RPC_APP_ERROR, "no-such-session", "no session %lld",
		    (long long)ia);
		return (NULL);
	}
	if (store_session_meta(db, ib, &mb) != 0) {
		store_session_meta_free(&ma);
		rpc_fail(e, RPC_APP_ERROR, "no-such-session", "no session %lld",
		    (long long)ib);
		return (NULL);
	}
	flags = compare_flags(&ma, &mb);
	store_session_meta_free(&ma);
	store_session_meta_free(&mb);
	if (cJSON_GetArraySize(flags) > 0 && !force) {
		why = cJSON_PrintUnformatted(flags);
		rpc_fail(e, RPC_APP_ERROR, "incomparable", "sessions %lld and "
		    "%lld are not comparable: %s (use force)", (long long)ia,
		    (long long)ib, why);
		free(why);
		cJSON_Delete(flags);
		return (NULL);
	}
	sample_load(ia, &a);
	sample_load(ib, &b);
	out = cJSON_CreateObject();
	cJSON_AddNumberToObject(out, "a", (double)ia);
	cJSON_AddNumberToObject(out, "b", (double)ib);
	cJSON_AddNumberToObject(out, "noise", noise);
	cJSON_AddItemToObject(out, "flags", flags);
	metrics = cJSON_AddArrayToObject(out, "metrics");
	wall = metric_json("wall", "s", a.wall, a.n, b.wall, b.n, noise, &w);
	cJSON_AddItemToArray(metrics, wall);
	cJSON_AddItemToArray(metrics, metric_json("user", "s", a.user, a.n,
	    b.user, b.n, noise, &w));
	cJSON_AddItemToArray(metrics, metric_json("sys", "s", a.sys, a.n,
	    b.sys, b.n, noise, &w));
	cJSON_AddItemToArray(metrics, metric_json("maxrss", "KiB", a.maxrss,
	    a.n, b.maxrss, b.n, noise, &w));
	compare_phases(out, &a, &b, noise,
	    cJSON_GetObjectItem(wall, "verdict")->valuestring);
	sample_free(&a);
	sample_free(&b);
	return (out);
}
