/*
 * compare.c -- two sessions side by side: for wall, user, sys, maxrss and
 * every phase, the relative change of the mean with its 95% CI (Welch),
 * Welch's t-test p, the Mann-Whitney U p, and a verdict against the
 * suite's noise threshold (rule_verdict in rules.c).  Higher is worse for
 * every metric.  Sessions from different machines (fingerprint) or suite
 * definitions (hash) are refused unless forced.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "session.h"
#include "stats.h"
#include "store.h"
#include "xmalloc.h"

#define EXPLAIN_SHARE	0.05	/* phases below 5% of a wall change unnamed */

struct sample {
	struct measured		 m;
	struct phase_series	*ph;
	size_t			 nph;
};

struct samples {
	struct sample		 a;
	struct sample		 b;
	double			*za;	/* zeros, for a phase one side lacks */
	double			*zb;
};

static const char *flag_texts[CMP_NFLAGS] = {
	"different suites",
	"different parameters",
	"different suite definitions",
	"different machine fingerprints",
};

const char *
compare_flag_text(unsigned int bit)
{
	size_t	i;

	for (i = 0; i < CMP_NFLAGS; i++)
		if (bit == 1U << i)
			return (flag_texts[i]);
	return ("?");
}

static void
side_fill(const double *x, size_t n, struct cmp_side *s)
{
	struct stats_summary	sum;

	s->n = n;
	stats_summarize(x, n, &sum);	/* all zero without runs */
	s->mean = sum.mean;
	s->stddev = sum.stddev;
}

/* One metric's figures and verdict. */
static void
metric_fill(const char *name, const char *unit, const double *a, size_t na,
    const double *b, size_t nb, double noise, struct cmp_metric *m)
{
	struct stats_welch	w;

	memset(m, 0, sizeof *m);
	m->name = name;
	m->unit = unit;
	side_fill(a, na, &m->a);
	side_fill(b, nb, &m->b);
	if (stats_welch(a, na, b, nb, &w) != 0) {
		m->change = m->ci_low = m->ci_high = m->p_welch = NAN;
		m->p_mwu = NAN;
	} else {
		m->change = w.rel;
		m->ci_low = w.rel_ci_low;
		m->ci_high = w.rel_ci_high;
		m->p_welch = w.p;
		m->p_mwu = stats_mann_whitney_p(a, na, b, nb);
	}
	m->verdict = rule_verdict(m->p_welch, m->ci_low, m->ci_high, noise,
	    &m->why);
}

static void
sample_load(struct store *st, int64_t id, struct sample *s)
{
	store_measured(st, id, &s->m);
	s->nph = session_phase_series(st, id, s->m.n, &s->ph);
}

static void
sample_free(struct sample *s)
{
	measured_free(&s->m);
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
compare_phases(struct comparison *c, struct samples *sm)
{
	const struct sample		*a = &sm->a, *b = &sm->b;
	const struct phase_series	*pa, *pb;
	struct cmp_metric		*row;
	struct cmp_explain		*e;
	double				 dwall, d;
	size_t				 i;

	dwall = mean_of(b->m.wall, b->m.n) - mean_of(a->m.wall, a->m.n);
	sm->za = xcalloc(a->m.n + 1, sizeof *sm->za);
	sm->zb = xcalloc(b->m.n + 1, sizeof *sm->zb);
	c->phases = xcalloc(a->nph + b->nph + 1, sizeof *c->phases);
	c->explain = xcalloc(a->nph + b->nph + 1, sizeof *c->explain);
	for (i = 0; i < a->nph + b->nph; i++) {
		pa = i < a->nph ? &a->ph[i] : sample_phase(a,
		    b->ph[i - a->nph].prefix, b->ph[i - a->nph].phase);
		pb = i < a->nph ? sample_phase(b, a->ph[i].prefix,
		    a->ph[i].phase) : &b->ph[i - a->nph];
		if (i >= a->nph && pa != NULL)
			continue;	/* listed already */
		row = &c->phases[c->nphases++];
		metric_fill(pa != NULL ? pa->phase : pb->phase, "s",
		    pa != NULL ? pa->x : sm->za, a->m.n,
		    pb != NULL ? pb->x : sm->zb, b->m.n, c->noise, row);
		row->prefix = pa != NULL ? pa->prefix : pb->prefix;
		d = mean_of(pb != NULL ? pb->x : sm->zb, b->m.n) -
		    mean_of(pa != NULL ? pa->x : sm->za, a->m.n);
		if (c->metrics[CMP_WALL].verdict != VERDICT_REGRESSED ||
		    dwall <= 0 || d <= 0 || d / dwall < EXPLAIN_SHARE)
			continue;
		e = &c->explain[c->nexplain++];
		e->prefix = row->prefix;
		e->phase = row->name;
		e->delta = d;
		e->share = d / dwall;
		e->verdict = row->verdict;
	}
}

/* Why two sessions should not be compared; 0 when they may be. */
static unsigned int
compare_flags(const struct session_row *ra, const struct session_row *rb)
{
	unsigned int	f = 0;

	if (strcmp(ra->suite, rb->suite) != 0)
		f |= CMP_DIFF_SUITE;
	else if (strcmp(ra->params, rb->params) != 0)
		f |= CMP_DIFF_PARAMS;
	if (ra->suite_hash == NULL || rb->suite_hash == NULL ||
	    strcmp(ra->suite_hash, rb->suite_hash) != 0)
		f |= CMP_DIFF_DEFINITION;
	if (ra->fingerprint == NULL || rb->fingerprint == NULL ||
	    strcmp(ra->fingerprint, rb->fingerprint) != 0)
		f |= CMP_DIFF_MACHINE;
	return (f);
}

enum compare_result
compare_sessions(struct store *st, int64_t ia, int64_t ib, int force,
    double noise, struct comparison *c)
{
	struct session_row	 ra, rb;
	struct samples		*sm;
	struct sample		*a, *b;

	memset(c, 0, sizeof *c);
	c->a = ia;
	c->b = ib;
	c->noise = noise;
	if (store_session_get(st, ia, &ra) != 0)
		return (COMPARE_NO_A);
	if (store_session_get(st, ib, &rb) != 0) {
		session_row_free(&ra);
		return (COMPARE_NO_B);
	}
	c->flags = compare_flags(&ra, &rb);
	session_row_free(&ra);
	session_row_free(&rb);
	if (c->flags != 0 && !force)
		return (COMPARE_INCOMPARABLE);
	sm = c->data = xcalloc(1, sizeof *sm);
	a = &sm->a;
	b = &sm->b;
	sample_load(st, ia, a);
	sample_load(st, ib, b);
	metric_fill("wall", "s", a->m.wall, a->m.n, b->m.wall, b->m.n, noise,
	    &c->metrics[CMP_WALL]);
	metric_fill("user", "s", a->m.user, a->m.n, b->m.user, b->m.n, noise,
	    &c->metrics[CMP_USER]);
	metric_fill("sys", "s", a->m.sys, a->m.n, b->m.sys, b->m.n, noise,
	    &c->metrics[CMP_SYS]);
	metric_fill("maxrss", "KiB", a->m.maxrss, a->m.n, b->m.maxrss,
	    b->m.n, rule_rss_noise(noise, a->m.maxrss, a->m.n),
	    &c->metrics[CMP_MAXRSS]);
	compare_phases(c, sm);
	return (COMPARE_OK);
}

void
comparison_free(struct comparison *c)
{
	struct samples	*sm = c->data;

	if (sm != NULL) {
		sample_free(&sm->a);
		sample_free(&sm->b);
		free(sm->za);
		free(sm->zb);
		free(sm);
	}
	free(c->phases);
	free(c->explain);
	memset(c, 0, sizeof *c);
}
