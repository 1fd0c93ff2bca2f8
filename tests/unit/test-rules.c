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

/* rule_verdict with the threshold at the noise: the CI's rule alone. */
static enum verdict
verdict(double p, double lo, double hi, double noise, enum verdict_why *why)
{
	double	change = isfinite(lo) && isfinite(hi) ? (lo + hi) / 2 : 0;

	return (rule_verdict(p, change, lo, hi, noise, noise, why));
}

/* Every line of the verdict rule, and its edges (noise 1%). */
static void
test_verdict(void **state)
{
	enum verdict_why	why;

	assert_int_equal(verdict(0.001, 0.02, 0.04, 0.01, &why),
	    VERDICT_REGRESSED);
	assert_int_equal(why, WHY_ABOVE_NOISE);
	assert_int_equal(verdict(0.001, -0.04, -0.02, 0.01, &why),
	    VERDICT_IMPROVED);
	assert_int_equal(why, WHY_BELOW_NOISE);
	assert_int_equal(verdict(0.4, -0.005, 0.008, 0.01, &why),
	    VERDICT_SAME);
	assert_int_equal(why, WHY_WITHIN_NOISE);
	/* Significant but within the noise: not a regression. */
	assert_int_equal(verdict(0.001, 0.002, 0.008, 0.01, &why),
	    VERDICT_INCONCLUSIVE);
	assert_int_equal(why, WHY_STRADDLES);
	/* Not significant and a CI wider than the noise: more runs. */
	assert_int_equal(verdict(0.3, -0.02, 0.03, 0.01, NULL),
	    VERDICT_INCONCLUSIVE);
	/* Significant, the CI crossing +noise. */
	assert_int_equal(verdict(0.01, 0.005, 0.03, 0.01, NULL),
	    VERDICT_INCONCLUSIVE);
	/* The edges: lo must be strictly above +noise... */
	assert_int_equal(verdict(0.001, 0.01, 0.03, 0.01, NULL),
	    VERDICT_INCONCLUSIVE);
	/* ...p strictly below 0.05... */
	assert_int_equal(verdict(0.05, 0.02, 0.03, 0.01, NULL),
	    VERDICT_INCONCLUSIVE);
	/* ...while same takes p = 0.05 and a CI touching the noise. */
	assert_int_equal(verdict(0.05, -0.01, 0.01, 0.01, NULL),
	    VERDICT_SAME);
	/* A figure missing (fewer than 2 runs): never a verdict. */
	assert_int_equal(verdict(NAN, 0.02, 0.03, 0.01, &why),
	    VERDICT_INCONCLUSIVE);
	assert_int_equal(why, WHY_UNDEFINED);
	assert_int_equal(verdict(0.001, -INFINITY, 0.03, 0.01, NULL),
	    VERDICT_INCONCLUSIVE);
	assert_int_equal(rule_verdict(0.001, NAN, 0.02, 0.03, 0.01, 0.01,
	    NULL), VERDICT_INCONCLUSIVE);
	/* A zero threshold: any significant change counts. */
	assert_int_equal(verdict(0.001, 0.0001, 0.0002, 0, NULL),
	    VERDICT_REGRESSED);
	(void)state;
}

/*
 * A learned threshold t (2.5 %) above the noise (1 %): the change must
 * clear t, the CI the noise.  The CI [1.5 %, 3.5 %] of a 2.5 % change is
 * not beyond t, but the change is, and the CI is beyond the noise.
 */
static void
test_verdict_learned(void **state)
{
	enum verdict_why	why;

	assert_int_equal(rule_verdict(0.001, 0.026, 0.016, 0.036, 0.01,
	    0.025, &why), VERDICT_REGRESSED);
	assert_int_equal(why, WHY_ABOVE_NOISE);
	assert_int_equal(rule_verdict(0.001, -0.026, -0.036, -0.016, 0.01,
	    0.025, &why), VERDICT_IMPROVED);
	assert_int_equal(why, WHY_BELOW_NOISE);
	/* The change not beyond t (strictly), or the CI not beyond noise. */
	assert_int_equal(rule_verdict(0.001, 0.025, 0.015, 0.035, 0.01,
	    0.025, &why), VERDICT_INCONCLUSIVE);
	assert_int_equal(why, WHY_STRADDLES);
	assert_int_equal(rule_verdict(0.001, 0.03, 0.01, 0.05, 0.01, 0.025,
	    NULL), VERDICT_INCONCLUSIVE);
	assert_int_equal(rule_verdict(0.001, -0.02, -0.03, -0.01, 0.01,
	    0.025, NULL), VERDICT_INCONCLUSIVE);
	/* Same: the whole CI within +-t, not only +-noise. */
	assert_int_equal(rule_verdict(0.3, 0.002, -0.02, 0.024, 0.01, 0.025,
	    &why), VERDICT_SAME);
	assert_int_equal(why, WHY_WITHIN_NOISE);
	assert_int_equal(rule_verdict(0.3, 0.002, -0.02, 0.026, 0.01, 0.025,
	    NULL), VERDICT_INCONCLUSIVE);
	/* A threshold below the noise, or none, is the noise. */
	assert_int_equal(rule_verdict(0.001, 0.012, 0.008, 0.016, 0.01,
	    0.005, NULL), VERDICT_INCONCLUSIVE);
	assert_int_equal(rule_verdict(0.001, 0.016, 0.011, 0.021, 0.01, NAN,
	    NULL), VERDICT_REGRESSED);
	(void)state;
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

static void
test_verdict_rule_names(void **state)
{
	enum verdict_rule	r;

	for (r = RULE_NOISE; r <= RULE_DISTURBED; r++)
		assert_int_equal(verdict_rule_parse(verdict_rule_name(r)), r);
	assert_null(verdict_rule_name(RULE_NONE));
	assert_int_equal(verdict_rule_parse(NULL), RULE_NONE);
	assert_int_equal(verdict_rule_parse("loud"), RULE_NONE);
	assert_string_equal(verdict_rule_name(RULE_CALIBRATION),
	    "calibration");
}

/* The largest of the three; what is not known is left out; ties go first. */
static void
test_threshold(void **state)
{
	enum verdict_rule	r;

	assert_true(rule_threshold(0.01, NAN, NAN, &r) == 0.01);
	assert_int_equal(r, RULE_NOISE);
	assert_true(rule_threshold(0.01, 0.024, NAN, &r) == 0.024);
	assert_int_equal(r, RULE_HISTORY);
	assert_true(rule_threshold(0.01, 0.024, 0.03, &r) == 0.03);
	assert_int_equal(r, RULE_CALIBRATION);
	assert_true(rule_threshold(0.01, 0.04, 0.03, &r) == 0.04);
	assert_int_equal(r, RULE_HISTORY);
	assert_true(rule_threshold(0.01, NAN, 0.002, &r) == 0.01);
	assert_int_equal(r, RULE_NOISE);
	/* A learned noise below the setting never lowers the threshold. */
	assert_true(rule_threshold(0.05, 0.02, 0.01, &r) == 0.05);
	assert_int_equal(r, RULE_NOISE);
	/* Ties: the setting, then history, then the calibration. */
	assert_true(rule_threshold(0.02, 0.02, 0.02, &r) == 0.02);
	assert_int_equal(r, RULE_NOISE);
	assert_true(rule_threshold(0.01, 0.02, 0.02, &r) == 0.02);
	assert_int_equal(r, RULE_HISTORY);
	assert_true(rule_threshold(0.01, INFINITY, NAN, &r) == 0.01);
	assert_int_equal(r, RULE_NOISE);
}

/* Wall moved, CPU did not, runs disturbed: inconclusive, and only then. */
static void
test_disturbed_verdict(void **state)
{
	enum verdict_why	why = WHY_ABOVE_NOISE;

	assert_int_equal(rule_disturbed_verdict(VERDICT_REGRESSED, VERDICT_SAME, 1,
	    &why), VERDICT_INCONCLUSIVE);
	assert_int_equal(why, WHY_DISTURBED);
	why = WHY_BELOW_NOISE;
	assert_int_equal(rule_disturbed_verdict(VERDICT_IMPROVED,
	    VERDICT_INCONCLUSIVE, 3, &why), VERDICT_INCONCLUSIVE);
	assert_int_equal(why, WHY_DISTURBED);
	/* CPU time moved the other way: not borne out either. */
	assert_int_equal(rule_disturbed_verdict(VERDICT_REGRESSED, VERDICT_IMPROVED,
	    1, NULL), VERDICT_INCONCLUSIVE);
	/* CPU time moved with it: the verdict stands. */
	why = WHY_ABOVE_NOISE;
	assert_int_equal(rule_disturbed_verdict(VERDICT_REGRESSED, VERDICT_REGRESSED,
	    2, &why), VERDICT_REGRESSED);
	assert_int_equal(why, WHY_ABOVE_NOISE);
	assert_int_equal(rule_disturbed_verdict(VERDICT_IMPROVED, VERDICT_IMPROVED, 2,
	    NULL), VERDICT_IMPROVED);
	/* No run disturbed: a wall-only change stands (a sleep got longer). */
	assert_int_equal(rule_disturbed_verdict(VERDICT_REGRESSED, VERDICT_SAME, 0,
	    &why), VERDICT_REGRESSED);
	assert_int_equal(why, WHY_ABOVE_NOISE);
	/* Other verdicts are left alone. */
	why = WHY_WITHIN_NOISE;
	assert_int_equal(rule_disturbed_verdict(VERDICT_SAME, VERDICT_REGRESSED, 5,
	    &why), VERDICT_SAME);
	assert_int_equal(why, WHY_WITHIN_NOISE);
	assert_int_equal(rule_disturbed_verdict(VERDICT_INCONCLUSIVE, VERDICT_SAME, 5,
	    NULL), VERDICT_INCONCLUSIVE);
	assert_string_equal(RULE_DISTURBED_REASON, "wall time moved, CPU "
	    "time did not, and runs were disturbed");
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
	/* 2% of a second is 20 ms; others' CPU time not known: the stall. */
	assert_false(rule_disturbed(20000, -1, 0, 1000000000, 0.02));
	assert_true(rule_disturbed(20001, -1, 0, 1000000000, 0.02));
	assert_false(rule_disturbed(0, -1, 0, 1000000000, 0));
	assert_true(rule_disturbed(1, -1, 0, 1000000000, 0));
	/* Not known: never disturbed. */
	assert_false(rule_disturbed(-1, -1, 0, 1000000000, 0));
	assert_false(rule_disturbed(-1, 500000, 1, 1000000000, 0));
	assert_false(rule_disturbed(5, -1, 0, 0, 0.02));
	/* max_stall 100%: a run is never disturbed. */
	assert_false(rule_disturbed(1000000, 1000000, 1, 1000000000, 1));
}

/*
 * A workload with more threads than CPUs waits for itself: no other
 * process used its CPUs, so none of its stall is anyone else's.  Others
 * account for at most the CPU time they used there, less the grain of
 * the kernel's count on each CPU.
 */
static void
test_interference(void **state)
{
	/* 970 ms of stall in a second, nobody else: not disturbed. */
	assert_int_equal(rule_interference(970000, 0, 2), 0);
	assert_false(rule_disturbed(970000, 0, 2, 1000000000, 0.02));
	/* Within the grain of two CPUs: nothing. */
	assert_int_equal(rule_interference(970000, 2 * RULE_BUSY_GRAIN_US,
	    2), 0);
	assert_false(rule_disturbed(970000, 2 * RULE_BUSY_GRAIN_US, 2,
	    1000000000, 0.02));
	/* Others took 300 ms beyond it: at most that much is theirs. */
	assert_int_equal(rule_interference(970000, 300000 +
	    2 * RULE_BUSY_GRAIN_US, 2), 300000);
	assert_true(rule_disturbed(970000, 300000 + 2 * RULE_BUSY_GRAIN_US,
	    2, 1000000000, 0.02));
	/* A hog took 500 ms; the run waited 30 ms: the stall is the bound. */
	assert_int_equal(rule_interference(30000, 500000, 1), 30000);
	assert_true(rule_disturbed(30000, 500000, 1, 1000000000, 0.02));
	assert_false(rule_disturbed(15000, 500000, 1, 1000000000, 0.02));
	/* Not known either way. */
	assert_int_equal(rule_interference(-1, 500000, 1), -1);
	assert_int_equal(rule_interference(30000, -1, 1), 30000);
	(void)state;
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

/* A significant change within the grain is same; nothing else moves. */
static void
test_grain_verdict(void **state)
{
	enum verdict_why	why = WHY_STRADDLES;
	enum verdict		v;

	/* The CI-clear 0.6 % shift of two A/A sessions, grain 5 %. */
	v = rule_verdict(0.02, -0.0063, -0.0116, -0.0010, 0.051, 0.051,
	    &why);
	assert_int_equal(v, VERDICT_INCONCLUSIVE);
	assert_int_equal(rule_grain_verdict(v, -0.0116, -0.0010, 0.051, &why),
	    VERDICT_SAME);
	assert_int_equal(why, WHY_WITHIN_GRAIN);
	/* The CI reaching past the grain: still inconclusive. */
	why = WHY_STRADDLES;
	assert_int_equal(rule_grain_verdict(VERDICT_INCONCLUSIVE, 0.01, 0.06,
	    0.051, &why), VERDICT_INCONCLUSIVE);
	assert_int_equal(why, WHY_STRADDLES);
	/* Regressed, improved and same are never changed. */
	assert_int_equal(rule_grain_verdict(VERDICT_REGRESSED, 0.06, 0.08,
	    0.051, NULL), VERDICT_REGRESSED);
	assert_int_equal(rule_grain_verdict(VERDICT_SAME, -0.01, 0.01, 0.051,
	    NULL), VERDICT_SAME);
	/* No figures: no verdict. */
	assert_int_equal(rule_grain_verdict(VERDICT_INCONCLUSIVE, NAN, NAN,
	    0.051, NULL), VERDICT_INCONCLUSIVE);
	(void)state;
}

static void
test_suspect(void **state)
{
	enum verdict_why	why;
	enum verdict		v;

	/* A 2 % change, significant, CI [1.2 %, 2.8 %] against ε 2.5 %. */
	v = rule_verdict(0.001, 0.02, 0.012, 0.028, 0.01, 0.025, &why);
	assert_int_equal(v, VERDICT_INCONCLUSIVE);
	assert_int_equal(why, WHY_STRADDLES);
	assert_true(rule_suspect(v, why, 0.001, 0.02, 0.01));
	/* Below the suite's noise, or not significant: nothing to check. */
	assert_false(rule_suspect(v, why, 0.001, 0.008, 0.01));
	assert_false(rule_suspect(v, why, 0.2, 0.02, 0.01));
	assert_true(rule_suspect(v, why, 0.001, -0.02, 0.01));
	/* Decided, disturbed or undefined verdicts are not suspicions. */
	assert_false(rule_suspect(VERDICT_REGRESSED, WHY_ABOVE_NOISE, 0.001,
	    0.05, 0.01));
	assert_false(rule_suspect(VERDICT_INCONCLUSIVE, WHY_DISTURBED, 0.001,
	    0.05, 0.01));
	assert_false(rule_suspect(VERDICT_INCONCLUSIVE, WHY_UNDEFINED, NAN,
	    NAN, 0.01));
	(void)state;
}

static void
test_confirmation(void **state)
{
	/* A regressed verdict: only regressed confirms it. */
	assert_string_equal(rule_confirmation(VERDICT_REGRESSED, 0.05,
	    VERDICT_REGRESSED), "confirmed");
	assert_string_equal(rule_confirmation(VERDICT_REGRESSED, 0.05,
	    VERDICT_SAME), "refuted");
	assert_string_equal(rule_confirmation(VERDICT_REGRESSED, 0.05,
	    VERDICT_IMPROVED), "refuted");
	assert_string_equal(rule_confirmation(VERDICT_REGRESSED, 0.05,
	    VERDICT_NONE), "inconclusive");
	/* A suspicion goes the way its change went. */
	assert_string_equal(rule_confirmation(VERDICT_INCONCLUSIVE, 0.02,
	    VERDICT_REGRESSED), "confirmed");
	assert_string_equal(rule_confirmation(VERDICT_INCONCLUSIVE, -0.02,
	    VERDICT_IMPROVED), "confirmed");
	assert_string_equal(rule_confirmation(VERDICT_INCONCLUSIVE, -0.02,
	    VERDICT_REGRESSED), "refuted");
	assert_string_equal(rule_confirmation(VERDICT_INCONCLUSIVE, 0.02,
	    VERDICT_INCONCLUSIVE), "inconclusive");
	assert_string_equal(rule_confirmation(VERDICT_INCONCLUSIVE, NAN,
	    VERDICT_REGRESSED), "inconclusive");
	(void)state;
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
		cmocka_unit_test(test_verdict_learned),
		cmocka_unit_test(test_grain_verdict),
		cmocka_unit_test(test_suspect),
		cmocka_unit_test(test_confirmation),
		cmocka_unit_test(test_verdict_names),
		cmocka_unit_test(test_verdict_rule_names),
		cmocka_unit_test(test_threshold),
		cmocka_unit_test(test_disturbed_verdict),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_stop_disturbed),
		cmocka_unit_test(test_disturbed),
		cmocka_unit_test(test_interference),
		cmocka_unit_test(test_rss_noise),
		cmocka_unit_test(test_gate),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
