/*
 * test-rules.c -- the rules that decide benchd's words: the verdict on a
 * change, the stopping rule, the gate's decision.
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

#include "rules.h"

/* Every line of the verdict rule, and its edges (noise 1%). */
static void
test_verdict(void **state)
{
	enum verdict_why	why;

	assert_int_equal(rule_verdict(0.001, 0.02, 0.04, 0.01, &why),
	    VERDICT_REGRESSED);
	assert_int_equal(why, WHY_ABOVE_NOISE);
	assert_int_equal(rule_verdict(0.001, -0.04, -0.02, 0.01, &why),
	    VERDICT_IMPROVED);
	assert_int_equal(why, WHY_BELOW_NOISE);
	assert_int_equal(rule_verdict(0.4, -0.005, 0.008, 0.01, &why),
	    VERDICT_SAME);
	assert_int_equal(why, WHY_WITHIN_NOISE);
	/* Significant but within the noise: not a regression. */
	assert_int_equal(rule_verdict(0.001, 0.002, 0.008, 0.01, &why),
	    VERDICT_INCONCLUSIVE);
	assert_int_equal(why, WHY_STRADDLES);
	/* Not significant and a CI wider than the noise: more runs. */
	assert_int_equal(rule_verdict(0.3, -0.02, 0.03, 0.01, NULL),
	    VERDICT_INCONCLUSIVE);
	/* Significant, the CI crossing +noise. */
	assert_int_equal(rule_verdict(0.01, 0.005, 0.03, 0.01, NULL),
	    VERDICT_INCONCLUSIVE);
	/* The edges: lo must be strictly above +noise... */
	assert_int_equal(rule_verdict(0.001, 0.01, 0.03, 0.01, NULL),
	    VERDICT_INCONCLUSIVE);
	/* ...p strictly below 0.05... */
	assert_int_equal(rule_verdict(0.05, 0.02, 0.03, 0.01, NULL),
	    VERDICT_INCONCLUSIVE);
	/* ...while same takes p = 0.05 and a CI touching the noise. */
	assert_int_equal(rule_verdict(0.05, -0.01, 0.01, 0.01, NULL),
	    VERDICT_SAME);
	/* A figure missing (fewer than 2 runs): never a verdict. */
	assert_int_equal(rule_verdict(NAN, 0.02, 0.03, 0.01, &why),
	    VERDICT_INCONCLUSIVE);
	assert_int_equal(why, WHY_UNDEFINED);
	assert_int_equal(rule_verdict(0.001, -INFINITY, 0.03, 0.01, NULL),
	    VERDICT_INCONCLUSIVE);
	/* A zero threshold: any significant change counts. */
	assert_int_equal(rule_verdict(0.001, 0.0001, 0.0002, 0, NULL),
	    VERDICT_REGRESSED);
}

static void
test_verdict_names(void **state)
{
	enum verdict	v;

	for (v = VERDICT_SAME; v <= VERDICT_INCOMPARABLE; v++)
		assert_int_equal(verdict_parse(verdict_name(v)), v);
	assert_int_equal(verdict_parse(NULL), VERDICT_NONE);
	assert_int_equal(verdict_parse("worse"), VERDICT_NONE);
	assert_string_equal(verdict_name(VERDICT_REGRESSED), "regressed");
}

/* runs runs, then more while the CV is above target, up to max_runs. */
static void
test_stop(void **state)
{
	double	 steady[] = { 1.0, 1.01, 0.99, 1.0, 1.0, 1.01 };
	double	 noisy[] = { 1.0, 1.5, 0.7, 1.3, 0.8, 1.4, 0.6 };
	char	*why;

	/* Fewer than runs: go on, whatever the CV. */
	assert_int_equal(rule_stop(steady, 4, 4, 5, 10, 0.05, &why),
	    STOP_MORE);
	assert_null(why);
	/* runs reached with a low CV: done, stable. */
	assert_int_equal(rule_stop(steady, 5, 5, 5, 10, 0.05, &why),
	    STOP_DONE);
	assert_null(why);
	/* A high CV adds runs until max_runs... */
	assert_int_equal(rule_stop(noisy, 5, 5, 5, 7, 0.05, &why), STOP_MORE);
	assert_int_equal(rule_stop(noisy, 6, 6, 5, 7, 0.05, &why), STOP_MORE);
	/* ...then stops, unstable, saying why with the CI. */
	assert_int_equal(rule_stop(noisy, 7, 7, 5, 7, 0.05, &why),
	    STOP_UNSTABLE);
	assert_non_null(why);
	assert_non_null(strstr(why, "still above the 5.00% target after 7 "
	    "runs (95% CI of the mean ±"));
	assert_null(strstr(why, "disturbed"));
	free(why);
	/* One run cannot have a CV: done. */
	assert_int_equal(rule_stop(noisy, 1, 1, 1, 5, 0.05, &why), STOP_DONE);
	assert_null(why);
	/* A CV exactly at the target is met. */
	{
		double	x[] = { 1, 3 };	/* mean 2, stddev sqrt(2) */

		assert_int_equal(rule_stop(x, 2, 2, 2, 9, sqrt(2) / 2, &why),
		    STOP_DONE);
		assert_null(why);
	}
}

/* Disturbed runs count against max_runs, never towards runs. */
static void
test_stop_disturbed(void **state)
{
	double	 steady[] = { 1.0, 1.01, 0.99, 1.0, 1.0 };
	double	 noisy[] = { 1.0, 1.5, 0.7, 1.3, 0.8 };
	char	*why;

	/* 3 undisturbed of 5 measured, 5 asked for: replace the two. */
	assert_int_equal(rule_stop(steady, 3, 5, 5, 10, 0.05, &why),
	    STOP_MORE);
	assert_int_equal(rule_stop(steady, 5, 7, 5, 10, 0.05, &why),
	    STOP_DONE);
	/* max_runs reached short of runs: unstable, saying why. */
	assert_int_equal(rule_stop(steady, 3, 10, 5, 10, 0.05, &why),
	    STOP_UNSTABLE);
	assert_string_equal(why, "only 3 undisturbed runs of the 5 asked "
	    "for: 7 of 10 measured runs were disturbed");
	free(why);
	/* ...or with none at all: nothing to report on. */
	assert_int_equal(rule_stop(steady, 0, 10, 5, 10, 0.05, &why),
	    STOP_NO_RUN);
	assert_string_equal(why, "all 10 measured runs were disturbed (other "
	    "processes took their CPU)");
	free(why);
	/* A noisy session at max_runs says how many were disturbed too. */
	assert_int_equal(rule_stop(noisy, 5, 7, 5, 7, 0.05, &why),
	    STOP_UNSTABLE);
	assert_non_null(strstr(why, "; 2 more disturbed"));
	free(why);
}

static void
test_disturbed(void **state)
{
	/* 2% of a second is 20 ms. */
	assert_false(rule_disturbed(20000, 1000000000, 0.02));
	assert_true(rule_disturbed(20001, 1000000000, 0.02));
	assert_false(rule_disturbed(0, 1000000000, 0));
	assert_true(rule_disturbed(1, 1000000000, 0));
	/* Not known: never disturbed. */
	assert_false(rule_disturbed(-1, 1000000000, 0));
	assert_false(rule_disturbed(5, 0, 0.02));
	/* max_stall 100%: a run is never disturbed. */
	assert_false(rule_disturbed(1000000, 1000000000, 1));
}

/* A peak-memory change must clear the kernel's counting grain too. */
static void
test_rss_noise(void **state)
{
	double	small[] = { 2048, 2048 }, big[] = { 1048576 };

	/* 512 KiB of a 2 MiB peak: 25%. */
	assert_true(rule_rss_noise(0.01, small, 2) == 0.25);
	/* Of a 1 GiB peak the grain is nothing: the noise holds. */
	assert_true(rule_rss_noise(0.01, big, 1) == 0.01);
	/* No runs: the noise. */
	assert_true(rule_rss_noise(0.02, small, 0) == 0.02);
}

static void
test_gate(void **state)
{
	char	*r;

	assert_int_equal(rule_gate(POLICY_REFUSE, 1, NULL, 0, 10, &r),
	    GATE_PASS);
	assert_null(r);
	assert_int_equal(rule_gate(POLICY_WARN, 0, "x", 0, 10, &r), GATE_PASS);
	assert_null(r);
	assert_int_equal(rule_gate(POLICY_REFUSE, 0, "governor: powersave", 0,
	    10, &r), GATE_FAIL);
	assert_string_equal(r, "conditions not canonical: governor: powersave");
	free(r);
	assert_int_equal(rule_gate(POLICY_WAIT, 0, "load", 9.9, 10, &r),
	    GATE_WAIT);
	assert_null(r);
	assert_int_equal(rule_gate(POLICY_WAIT, 0, "load", 10, 10, &r),
	    GATE_FAIL);
	assert_string_equal(r, "conditions not canonical after waiting 10 s: "
	    "load");
	free(r);
	/* wait_timeout = 0: fail at the first non-canonical check. */
	assert_int_equal(rule_gate(POLICY_WAIT, 0, "x", 0, 0, &r), GATE_FAIL);
	free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict),
		cmocka_unit_test(test_verdict_names),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_stop_disturbed),
		cmocka_unit_test(test_disturbed),
		cmocka_unit_test(test_rss_noise),
		cmocka_unit_test(test_gate),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
