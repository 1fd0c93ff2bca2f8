/*
 * bisect.c -- a bisection's rules.  Every step is an interleaved A/B
 * test of the good commit (A) against a commit of the range (B):
 * regressed marks it bad, same or improved good.  A commit that does not
 * build (or whose runs fail) is skipped, as git bisect skip does; an
 * inconclusive step is run again with more pairs, and if it stays
 * inconclusive its estimate decides: a change above the threshold is
 * bad.  (A bisection asks which side of the regression a commit is on,
 * not whether it equals the good one within the noise.)  The
 * next commit is the untested one nearest the middle of the last good and
 * the first bad.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bisect.h"

int
bisect_next(const char *marks, int *first_bad, int *unsure)
{
	int	n = (int)strlen(marks), lo = -1, hi = n - 1, i, best = -1;
	int	mid2, d, bestd = 0;

	for (i = 0; i < n; i++)
		if (marks[i] == BISECT_BAD) {
			hi = i;
			break;
		}
	for (i = hi - 1; i >= 0; i--)
		if (marks[i] == BISECT_GOOD) {
			lo = i;
			break;
		}
	mid2 = lo + hi;		/* twice the middle: no rounding */
	for (i = lo + 1; i < hi; i++) {
		if (marks[i] != BISECT_UNTESTED)
			continue;
		d = abs(2 * i - mid2);
		if (best == -1 || d < bestd) {
			best = i;
			bestd = d;
		}
	}
	*first_bad = hi;
	*unsure = 0;
	if (best != -1)
		return (best);
	for (i = lo + 1; i < hi; i++)
		*unsure += marks[i] == BISECT_SKIP;
	return (-1);
}

enum bisect_outcome
bisect_outcome(enum verdict v, int failed_arm, int retries, double change,
    double threshold, char *mark)
{
	*mark = BISECT_SKIP;
	if (failed_arm == 0)
		return (BISECT_BROKEN);
	switch (v) {
	case VERDICT_REGRESSED:
		*mark = BISECT_BAD;
		return (BISECT_MARK);
	case VERDICT_SAME:
	case VERDICT_IMPROVED:
		*mark = BISECT_GOOD;
		return (BISECT_MARK);
	case VERDICT_INCONCLUSIVE:
		if (retries < BISECT_RETRIES)
			return (BISECT_AGAIN);
		if (change == change)	/* not NAN */
			*mark = change > threshold ? BISECT_BAD : BISECT_GOOD;
		return (BISECT_MARK);
	default:		/* failed: B does not build, or its runs fail */
		return (BISECT_MARK);
	}
}
