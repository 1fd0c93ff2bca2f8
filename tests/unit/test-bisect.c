/*
 * test-bisect.c -- a bisection's rules: the next commit, the end of the
 * range, and what each step's outcome marks.
 */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bisect.h"

static void
test_next(void **state)
{
	char	m[16];
	int	fb, unsure;

	(void)state;
	strcpy(m, "??????b");
	assert_int_equal(bisect_next(m, &fb, &unsure), 2);
	m[2] = BISECT_SKIP;			/* does not build */
	assert_int_equal(bisect_next(m, &fb, &unsure), 3);
	m[3] = BISECT_GOOD;
	assert_int_equal(bisect_next(m, &fb, &unsure), 4);
	m[4] = BISECT_BAD;
	assert_int_equal(bisect_next(m, &fb, &unsure), -1);
	assert_int_equal(fb, 4);
	assert_int_equal(unsure, 0);
	/* One commit in the range: it is the first bad one. */
	assert_int_equal(bisect_next("b", &fb, &unsure), -1);
	assert_int_equal(fb, 0);
	/* A skipped commit just before the first bad one may be it. */
	assert_int_equal(bisect_next("gsb", &fb, &unsure), -1);
	assert_int_equal(fb, 2);
	assert_int_equal(unsure, 1);
	/* Marks after the first bad one do not count. */
	assert_int_equal(bisect_next("?b?b", &fb, &unsure), 0);
}

static void
test_outcome(void **state)
{
	char	mark;

	(void)state;
	assert_int_equal(bisect_outcome(VERDICT_REGRESSED, -1, 0, 0.3, 0.02,
	    &mark), BISECT_MARK);
	assert_int_equal(mark, BISECT_BAD);
	assert_int_equal(bisect_outcome(VERDICT_SAME, -1, 0, 0, 0.02, &mark),
	    BISECT_MARK);
	assert_int_equal(mark, BISECT_GOOD);
	assert_int_equal(bisect_outcome(VERDICT_IMPROVED, -1, 0, -0.1, 0.02,
	    &mark), BISECT_MARK);
	assert_int_equal(mark, BISECT_GOOD);
	/* Inconclusive: again, then the estimate decides. */
	assert_int_equal(bisect_outcome(VERDICT_INCONCLUSIVE, -1, 0, 0.05,
	    0.02, &mark), BISECT_AGAIN);
	assert_int_equal(bisect_outcome(VERDICT_INCONCLUSIVE, -1, 1, 0.05,
	    0.02, &mark), BISECT_MARK);
	assert_int_equal(mark, BISECT_BAD);
	assert_int_equal(bisect_outcome(VERDICT_INCONCLUSIVE, -1, 1, 0.01,
	    0.02, &mark), BISECT_MARK);
	assert_int_equal(mark, BISECT_GOOD);
	assert_int_equal(bisect_outcome(VERDICT_INCONCLUSIVE, -1, 1, NAN,
	    0.02, &mark), BISECT_MARK);
	assert_int_equal(mark, BISECT_SKIP);
	/* B does not build: skipped; the good commit does not: broken. */
	assert_int_equal(bisect_outcome(VERDICT_NONE, 1, 0, NAN, 0.02, &mark),
	    BISECT_MARK);
	assert_int_equal(mark, BISECT_SKIP);
	assert_int_equal(bisect_outcome(VERDICT_NONE, 0, 0, NAN, 0.02, &mark),
	    BISECT_BROKEN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next),
		cmocka_unit_test(test_outcome),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
