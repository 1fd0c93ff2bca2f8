/*
 * compare.c -- two sessions side by side: for wall, user, sys, maxrss, CPU
 * time and every phase, the relative change of the mean with its 95% CI
 * (Welch), Welch's t-test p, the Mann-Whitney U p, and a verdict against
 * a threshold (rule_verdict in rules.c): the suite's noise, or the largest
 * of it and the noise learned from the suite's history and calibrations
 * (rule_threshold).  A wall verdict the CPU time does not bear out, when
 * runs were disturbed, is inconclusive (rule_disturbed_verdict).  Higher
 * is worse for every metric.  Sessions from different machines (fingerprint) or
 * suite definitions (hash) are refused unless forced.
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
	double			*tree;	/* the runs' cgroup CPU, NAN unknown */
	size_t			 ntree;
	double			*cpu;	/* the CMP_CPU figure, per run */
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
    const double *b, size_t nb, const struct cmp_threshold *t,
    struct cmp_metric *m)
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
	m->verdict = rule_verdict(m->p_welch, m->change, m->ci_low,
	    m->ci_high, t->noise, t->value, &m->why);
	m->rule = t->rule;
}

static void
sample_load(struct store *st, int64_t id, struct sample *s)
{
	store_measured(st, id, &s->m);
	s->nph = session_phase_series(st, id, s->m.n, &s->ph);
	s->ntree = store_tree_cpu(st, id, &s->tree);
	s->cpu = xcalloc(s->m.n + 1, sizeof *s->cpu);
}

static void
sample_free(struct sample *s)
{
	measured_free(&s->m);
	session_phase_series_free(s->ph, s->nph);
	free(s->tree);
	free(s->cpu);
}

/* Every counted run of the sample has its tree's CPU time. */
static int
sample_has_tree(const struct sample *s)
{
	size_t	i;

	if (s->ntree != s->m.n)
		return (0);
	for (i = 0; i < s->ntree; i++)
		if (!isfinite(s->tree[i]))
			return (0);
	return (1);
}

/*
 * The CPU time of each run: its whole tree's from its cgroup when every
 * run of both sessions has that figure (the same measure on both sides),
 * else user + sys from wait4.  1 when the cgroup's.
 */
static int
samples_cpu(struct samples *sm)
{
	struct sample	*s[2] = { &sm->a, &sm->b };
	size_t		 i, k;
	int		 tree;

	tree = sm->a.m.n > 0 && sm->b.m.n > 0 && sample_has_tree(&sm->a) &&
	    sample_has_tree(&sm->b);
	for (k = 0; k < 2; k++)
		for (i = 0; i < s[k]->m.n; i++)
			s[k]->cpu[i] = tree ? s[k]->tree[i] :
			    s[k]->m.user[i] + s[k]->m.sys[i];
	return (tree);
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
		    pb != NULL ? pb->x : sm->zb, b->m.n, &c->threshold, row);
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

double
compare_history_noise(const double *means, size_t n)
{
	double	*rel, noise;
	size_t	 nrel;

	if (n < 2)
		return (NAN);
	rel = xcalloc(n, sizeof *rel);
	nrel = stats_rel_changes(means, n, rel);
	noise = stats_noise_threshold(rel, nrel, STATS_NOISE_MIN_N, NAN);
	free(rel);
	return (noise);
}

/* Same code (a NULL rev matches only a NULL rev), then oldest first. */
static int
history_cmp(const void *va, const void *vb)
{
	const struct history_point *a = *(const struct history_point *const *)va;
	const struct history_point *b = *(const struct history_point *const *)vb;
	int	c;

	if ((a->rev == NULL) != (b->rev == NULL))
		return (a->rev == NULL ? -1 : 1);
	if (a->rev != NULL && (c = strcmp(a->rev, b->rev)) != 0)
		return (c);
	return (a->id < b->id ? -1 : a->id > b->id);
}

double
compare_history_learn(const struct history_point *h, size_t n)
{
	const struct history_point	**v;
	double				 *rel, noise;
	size_t				  i, m = 0, nrel = 0;

	if (n < 2)
		return (NAN);
	v = xcalloc(n, sizeof *v);
	for (i = 0; i < n; i++)
		if (h[i].dirty != 1)
			v[m++] = &h[i];
	qsort(v, m, sizeof *v, history_cmp);
	rel = xcalloc(n, sizeof *rel);
	for (i = 1; i < m; i++) {
		if ((v[i]->rev == NULL) != (v[i - 1]->rev == NULL) ||
		    (v[i]->rev != NULL && strcmp(v[i]->rev, v[i - 1]->rev) != 0))
			continue;	/* other code: not noise */
		rel[nrel++] = v[i - 1]->mean != 0 ? (v[i]->mean -
		    v[i - 1]->mean) / v[i - 1]->mean : NAN;
	}
	noise = stats_noise_threshold(rel, nrel, STATS_NOISE_MIN_N, NAN);
	free(rel);
	free(v);
	return (noise);
}

/* The threshold of the suite's noise alone. */
static void
threshold_plain(double noise, struct cmp_threshold *t)
{
	memset(t, 0, sizeof *t);
	t->noise = noise;
	t->history = t->calibration = NAN;
	t->value = rule_threshold(noise, NAN, NAN, &t->rule);
}

void
compare_threshold(struct store *st, const char *suite, const char *params,
    int64_t upto, double noise, struct cmp_threshold *t)
{
	struct history_point	*h;
	size_t			 n, k;

	threshold_plain(noise, t);
	/* Ordered by id: the sessions that had ended when upto did. */
	n = store_suite_history(st, suite, params, &h);
	for (k = 0; k < n && h[k].id <= upto; k++)
		;
	t->history_n = k;
	t->history = compare_history_learn(h, k);
	history_points_free(h, n);
	t->calibration = store_calibration_learned(st, suite, params, upto,
	    &t->calibration_id);
	t->value = rule_threshold(noise, t->history, t->calibration, &t->rule);
}

/* The disturbed rule on the wall verdict (rules.c). */
static void
compare_disturbed(struct store *st, struct comparison *c)
{
	struct cmp_metric	*w = &c->metrics[CMP_WALL];

	c->disturbed_a = store_disturbed(st, c->a);
	c->disturbed_b = store_disturbed(st, c->b);
	w->verdict = rule_disturbed_verdict(w->verdict,
	    c->metrics[CMP_CPU].verdict, c->disturbed_a + c->disturbed_b,
	    &w->why);
	if (w->why == WHY_DISTURBED)
		w->rule = RULE_DISTURBED;
}

enum compare_result
compare_sessions(struct store *st, int64_t ia, int64_t ib, unsigned int how,
    double noise, struct comparison *c)
{
	struct session_row	 ra, rb;
	struct samples		*sm;
	struct sample		*a, *b;
	const struct cmp_threshold *t = &c->threshold;
	struct cmp_threshold	 rss;

	memset(c, 0, sizeof *c);
	c->a = ia;
	c->b = ib;
	if (store_session_get(st, ia, &ra) != 0)
		return (COMPARE_NO_A);
	if (store_session_get(st, ib, &rb) != 0) {
		session_row_free(&ra);
		return (COMPARE_NO_B);
	}
	c->flags = compare_flags(&ra, &rb);
	if (isfinite(rb.noise))
		noise = rb.noise;	/* as b was queued */
	if (c->flags == 0 || (how & CMP_FORCE)) {
		if (how & CMP_LEARN)
			compare_threshold(st, rb.suite, rb.params, ib, noise,
			    &c->threshold);
		else
			threshold_plain(noise, &c->threshold);
	}
	session_row_free(&ra);
	session_row_free(&rb);
	if (c->flags != 0 && !(how & CMP_FORCE))
		return (COMPARE_INCOMPARABLE);
	sm = c->data = xcalloc(1, sizeof *sm);
	a = &sm->a;
	b = &sm->b;
	sample_load(st, ia, a);
	sample_load(st, ib, b);
	c->cpu_tree = samples_cpu(sm);
	/* Peak memory is exact only to the kernel's grain (rules.h). */
	rss = *t;
	rss.value = rule_rss_noise(t->value, a->m.maxrss, a->m.n);
	rss.noise = rule_rss_noise(t->noise, a->m.maxrss, a->m.n);
	metric_fill("wall", "s", a->m.wall, a->m.n, b->m.wall, b->m.n, t,
	    &c->metrics[CMP_WALL]);
	metric_fill("user", "s", a->m.user, a->m.n, b->m.user, b->m.n, t,
	    &c->metrics[CMP_USER]);
	metric_fill("sys", "s", a->m.sys, a->m.n, b->m.sys, b->m.n, t,
	    &c->metrics[CMP_SYS]);
	metric_fill("maxrss", "KiB", a->m.maxrss, a->m.n, b->m.maxrss,
	    b->m.n, &rss, &c->metrics[CMP_MAXRSS]);
	c->metrics[CMP_MAXRSS].verdict = rule_grain_verdict(
	    c->metrics[CMP_MAXRSS].verdict, c->metrics[CMP_MAXRSS].ci_low,
	    c->metrics[CMP_MAXRSS].ci_high, rss.value,
	    &c->metrics[CMP_MAXRSS].why);
	metric_fill("cpu", "s", a->cpu, a->m.n, b->cpu, b->m.n, t,
	    &c->metrics[CMP_CPU]);
	compare_disturbed(st, c);
	compare_phases(c, sm);
	return (COMPARE_OK);
}

int
compare_verdict(enum compare_result rc, const struct comparison *c,
    struct session_verdict *v)
{
	const struct cmp_metric	*w = &c->metrics[CMP_WALL];

	memset(v, 0, sizeof *v);
	v->baseline = c->a;
	v->change = v->ci_low = v->ci_high = v->threshold = NAN;
	if (rc == COMPARE_INCOMPARABLE) {
		v->verdict = VERDICT_INCOMPARABLE;
		return (0);
	}
	if (rc != COMPARE_OK)
		return (-1);
	v->verdict = w->verdict;
	v->change = w->change;
	v->ci_low = w->ci_low;
	v->ci_high = w->ci_high;
	v->threshold = c->threshold.value;
	v->rule = w->rule;
	return (0);
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
