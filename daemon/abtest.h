/*
 * abtest.h -- the interleaved A/B test's rules: the balanced order of the
 * arms and the sequential decision over the pairs (METHODOLOGY.md §10).
 * Pure functions, unit-tested in tests/unit/test-abtest.c.
 */
#ifndef BENCHD_ABTEST_H
#define BENCHD_ABTEST_H

#include <stddef.h>

#include "rules.h"

#define AB_ALPHA	0.05	/* bound on a false verdict over all looks */
#define AB_MIN_PAIRS	4

struct ab_plan {
	int		 min_pairs;	/* the first look */
	int		 max_pairs;	/* the last: undecided is inconclusive */
	double		 threshold;	/* a change that matters, fraction */
	double		 alpha;
};

struct ab_decision {
	enum verdict	 verdict;	/* VERDICT_NONE: add pairs */
	double		 change;	/* B against A: geometric mean ratio - 1 */
	double		 ci_low;
	double		 ci_high;
	int		 pairs;
	int		 look;		/* 1 at min_pairs, one per block */
	int		 looks;		/* the most there can be */
};

/* The arm (0: A, 1: B) of the measured run at position p: ABBA ABBA... */
int	ab_arm(size_t p);
/* The plan for runs (first look) and max_runs (per arm), at threshold. */
void	ab_plan_make(int runs, int max_runs, double threshold, struct ab_plan *);
/*
 * Decide from v, the counted runs in order (arms as ab_arm says): after
 * each whole ABBA block from min_pairs on.  0, or -1 when a value is not
 * positive.  d->verdict is VERDICT_NONE when more pairs are needed.
 */
int	ab_decide(const double *v, size_t n, const struct ab_plan *,
	    struct ab_decision *);

#endif
