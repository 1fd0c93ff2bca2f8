/*
 * test-abtest.c -- the interleaved A/B test's order and its sequential
 * decision: A/A gives few false verdicts, a real slowdown is found.
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

#include "abtest.h"

static uint64_t rng = 88172645463325252ULL;

/* xorshift64: the same numbers on every machine. */
static double
uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return ((rng >> 11) * (1.0 / 9007199254740992.0));
}

static double
normal(void)
{
	double	u = uniform(), v = uniform();

	if (u < 1e-300)
		u = 1e-300;
	return (sqrt(-2 * log(u)) * cos(2 * M_PI * v));
}

/*
 * One whole test: runs drawn as the order says, B slower by `change`,
 * each run with lognormal noise sd and a drift of the machine over time;
 * blocks added until a verdict.
 */
static enum verdict
simulate(double change, double sd, double drift, const struct ab_plan *p,
    int *pairs)
{
	struct ab_decision	 d;
	double			 v[512], base;
	size_t			 n = 0;

	for (;;) {
		base = 1.0 + drift * n;
		v[n] = base * exp(sd * normal()) *
		    (ab_arm(n) == 1 ? 1 + change : 1);
		n++;
		assert_int_equal(ab_decide(v, n, p, &d), 0);
		if (d.verdict != VERDICT_NONE) {
			*pairs = d.pairs;
			return (d.verdict);
		}
		assert_true(n < 2 * (size_t)p->max_pairs);
	}
}

static void
test_order(void **state)
{
	static const int	want[8] = { 0, 1, 1, 0, 0, 1, 1, 0 };
	size_t			i;

	(void)state;
	for (i = 0; i < 8; i++)
		assert_int_equal(ab_arm(i), want[i]);
}

static void
test_plan(void **state)
{
	struct ab_plan	p;

	(void)state;
	ab_plan_make(5, 30, 0.01, &p);
	assert_int_equal(p.min_pairs, 6);
	assert_int_equal(p.max_pairs, 30);
	ab_plan_make(3, 7, 0.02, &p);
	assert_int_equal(p.min_pairs, 4);
	assert_int_equal(p.max_pairs, 8);
	ab_plan_make(3, 2, 0.02, &p);
	assert_int_equal(p.max_pairs, 4);
}

/* Looks only after whole blocks, from min_pairs on; bad values refused. */
static void
test_looks(void **state)
{
	struct ab_plan		p;
	struct ab_decision	d;
	double			v[16];
	size_t			i;

	(void)state;
	ab_plan_make(4, 8, 0.01, &p);
	for (i = 0; i < 16; i++)
		v[i] = ab_arm(i) == 1 ? 1.5 : 1.0;
	assert_int_equal(ab_decide(v, 4, &p, &d), 0);
	assert_int_equal(d.verdict, VERDICT_NONE);	/* 2 pairs < 4 */
	assert_int_equal(ab_decide(v, 7, &p, &d), 0);
	assert_int_equal(d.verdict, VERDICT_NONE);	/* not a block */
	assert_int_equal(ab_decide(v, 8, &p, &d), 0);
	assert_int_equal(d.verdict, VERDICT_REGRESSED);
	assert_int_equal(d.look, 1);
	assert_int_equal(d.looks, 3);
	assert_true(fabs(d.change - 0.5) < 1e-9);
	v[3] = 0;
	assert_int_equal(ab_decide(v, 8, &p, &d), -1);
}

/* Identical arms with small noise: same; B 15% slower: regressed. */
static void
test_same_and_regressed(void **state)
{
	struct ab_plan	p;
	int		i, same = 0, regressed = 0, pairs;

	(void)state;
	ab_plan_make(4, 30, 0.02, &p);
	for (i = 0; i < 200; i++)
		same += simulate(0, 0.002, 0, &p, &pairs) == VERDICT_SAME;
	assert_true(same >= 190);
	for (i = 0; i < 200; i++)
		regressed += simulate(0.15, 0.05, 0.001, &p, &pairs) ==
		    VERDICT_REGRESSED;
	assert_true(regressed >= 190);
	for (i = 0; i < 200; i++)
		assert_true(simulate(-0.15, 0.05, 0, &p, &pairs) !=
		    VERDICT_REGRESSED);
}

/*
 * A/A with noise as large as the threshold and a drifting machine: the
 * false verdicts (regressed or improved) stay under alpha.
 */
static void
test_aa_false_verdicts(void **state)
{
	struct ab_plan	p;
	enum verdict	v;
	int		i, wrong = 0, pairs, n = 2000;

	(void)state;
	ab_plan_make(4, 30, 0.01, &p);
	for (i = 0; i < n; i++) {
		v = simulate(0, 0.02, 0.002, &p, &pairs);
		wrong += v == VERDICT_REGRESSED || v == VERDICT_IMPROVED;
	}
	assert_true(wrong <= n * AB_ALPHA);
	/* A change just at the threshold is never called the wrong way. */
	for (i = 0; i < 500; i++)
		assert_true(simulate(0.01, 0.02, 0, &p, &pairs) !=
		    VERDICT_IMPROVED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_looks),
		cmocka_unit_test(test_same_and_regressed),
		cmocka_unit_test(test_aa_false_verdicts),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
