/*
 * abtest.c -- the interleaved A/B test's rules.
 *
 * Runs alternate in blocks of four, A B B A, so that a drift of the
 * machine over a block (a warming CPU, a filling cache) weighs on both
 * arms alike.  Each consecutive two runs are a pair; its figure is the log
 * of B's time over A's.  After each block, from min_pairs on, the mean of
 * the pairs' logs gets a Student t interval at the level alpha / looks:
 * with as many looks as there can be blocks, the chance that any look's
 * interval misses the true change is at most alpha (Bonferroni over the
 * looks), and a verdict can only be false when its interval missed it.
 * The verdict: regressed (improved) when the interval lies wholly above
 * +threshold (below -threshold), same when it lies wholly inside, else
 * another block; at max_pairs, inconclusive.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "abtest.h"
#include "stats.h"

int
ab_arm(size_t p)
{
	static const int	order[4] = { 0, 1, 1, 0 };

	return (order[p % 4]);
}

void
ab_plan_make(int runs, int max_runs, double threshold, struct ab_plan *p)
{
	memset(p, 0, sizeof *p);
	p->min_pairs = runs > AB_MIN_PAIRS ? runs : AB_MIN_PAIRS;
	p->min_pairs += p->min_pairs % 2;	/* whole blocks */
	p->max_pairs = max_runs > p->min_pairs ? max_runs : p->min_pairs;
	p->max_pairs += p->max_pairs % 2;
	p->threshold = threshold > 0 ? threshold : 0;
	p->alpha = AB_ALPHA;
}

int
ab_decide(const double *v, size_t n, const struct ab_plan *p,
    struct ab_decision *d)
{
	double	 sum = 0, ss = 0, mean, sd, h, t, a, b, x;
	size_t	 i, pairs = n / 2;
	int	 last;

	memset(d, 0, sizeof *d);
	d->verdict = VERDICT_NONE;
	d->change = d->ci_low = d->ci_high = NAN;
	d->pairs = (int)pairs;
	d->looks = (p->max_pairs - p->min_pairs) / 2 + 1;
	for (i = 0; i < pairs * 2; i++)
		if (!(v[i] > 0))
			return (-1);
	if (n % 4 != 0 || (int)pairs < p->min_pairs || pairs < 2)
		return (0);
	d->look = ((int)pairs - p->min_pairs) / 2 + 1;
	last = (int)pairs >= p->max_pairs;
	for (i = 0; i < pairs; i++) {
		a = v[2 * i + (ab_arm(2 * i) == 0 ? 0 : 1)];
		b = v[2 * i + (ab_arm(2 * i) == 0 ? 1 : 0)];
		sum += log(b / a);
	}
	mean = sum / pairs;
	for (i = 0; i < pairs; i++) {
		a = v[2 * i + (ab_arm(2 * i) == 0 ? 0 : 1)];
		b = v[2 * i + (ab_arm(2 * i) == 0 ? 1 : 0)];
		x = log(b / a) - mean;
		ss += x * x;
	}
	sd = sqrt(ss / (pairs - 1));
	t = stats_t_quantile(1 - p->alpha / d->looks / 2, (double)pairs - 1);
	h = t * sd / sqrt((double)pairs);
	d->change = expm1(mean);
	d->ci_low = expm1(mean - h);
	d->ci_high = expm1(mean + h);
	if (d->ci_low > p->threshold)
		d->verdict = VERDICT_REGRESSED;
	else if (d->ci_high < -p->threshold)
		d->verdict = VERDICT_IMPROVED;
	else if (d->ci_low > -p->threshold && d->ci_high < p->threshold)
		d->verdict = VERDICT_SAME;
	else if (last)
		d->verdict = VERDICT_INCONCLUSIVE;
	return (0);
}
