/*
 * bisect.h -- the rules of a bisection: which commit to test next, and
 * what an A/B step's outcome marks it.  Pure; tests/unit/test-bisect.c.
 */
#ifndef BENCHD_BISECT_H
#define BENCHD_BISECT_H

#include "rules.h"

#define BISECT_UNTESTED	'?'
#define BISECT_GOOD	'g'
#define BISECT_BAD	'b'
#define BISECT_SKIP	's'
#define BISECT_RETRIES	1	/* an inconclusive step runs again once */

/* What a finished step says. */
enum bisect_outcome {
	BISECT_MARK,		/* *mark is the commit's */
	BISECT_AGAIN,		/* the same step again (more runs) */
	BISECT_BROKEN		/* the good commit does not build: stop */
};

/*
 * marks: one per commit after good, oldest first; the last is bad.  The
 * index of the commit to test next, or -1 when the range is narrowed
 * down: then *first_bad is the first bad commit's index and *unsure the
 * number of skipped commits before it that might be it instead.
 */
int	bisect_next(const char *marks, int *first_bad, int *unsure);
/*
 * A step's outcome: its verdict (VERDICT_NONE when it failed), the arm
 * that failed to check out or build (-1: none), the retries so far, and
 * the change it measured with the threshold it was held against.
 */
enum bisect_outcome bisect_outcome(enum verdict, int failed_arm,
	    int retries, double change, double threshold, char *mark);

#endif
