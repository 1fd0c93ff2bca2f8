/*
 * test-threshold.c -- the threshold a comparison learns from the suite's
 * history, the noise recorded with each session, and the disturbed rule,
 * from a real database.
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

#include "compare.h"
#include "fixture-db.h"
#include "stats.h"
#include "store.h"

#define NRUNS	6

/* Run-to-run spread around a session's mean: tight, so CIs are narrow. */
static const double	jitter[NRUNS] = {
	1.000, 1.001, 0.999, 1.000, 1.0005, 0.9995
};

/*
 * A completed session whose runs' walls are mean * jitter, with user CPU
 * cpu * jitter (tree: the cgroup's CPU too, else none), the first
 * `disturbed` runs disturbed (then left out of its figures).
 */
static int64_t
level(double mean, double cpu, double tree, int disturbed, double noise)
{
	struct fixture_session	f;
	struct fixture_run	r[NRUNS + 2];
	size_t			i, n = 0;

	for (i = 0; i < (size_t)disturbed; i++, n++) {
		r[n].wall = mean * 3;
		r[n].user = cpu;
		r[n].tree = tree > 0 ? tree : -1;
		r[n].disturbed = 1;
	}
	for (i = 0; i < NRUNS; i++, n++) {
		r[n].wall = mean * jitter[i];
		r[n].user = cpu * jitter[i];
		r[n].tree = tree > 0 ? tree * jitter[i] : -1;
		r[n].disturbed = 0;
	}
	memset(&f, 0, sizeof f);
	f.noise = noise;
	f.runs = r;
	f.n = n;
	f.end = SESSION_COMPLETED;
	return (fixture_session(&f));
}

/* Eleven sessions alternating between two levels 3% apart. */
static void
history(int64_t *ids, double *means)
{
	size_t	i;

	for (i = 0; i < 11; i++) {
		means[i] = i % 2 == 0 ? 1.0 : 1.03;
		ids[i] = level(means[i], 0.5, 0, 0, 0.01);
	}
}

/* The history sets the threshold once it has ten changes. */
static void
test_history_threshold(void **state)
{
	struct comparison	 c;
	const struct cmp_metric	*w;
	int64_t			 ids[11], b, late;
	double			 means[12], expect;

	history(ids, means);
	/* 2% slower: beyond the 1% setting, within the learned noise. */
	b = level(1.02, 0.5, 0, 0, 0.01);
	means[11] = 1.02;
	assert_int_equal(compare_sessions(fixture_st, ids[10], b, 0, 0.01,
	    &c), COMPARE_OK);
	assert_int_equal(c.threshold.rule, RULE_NOISE);
	assert_true(c.threshold.value == 0.01);
	assert_true(isnan(c.threshold.history));
	assert_int_equal(c.metrics[CMP_WALL].verdict, VERDICT_REGRESSED);
	assert_int_equal(c.metrics[CMP_WALL].rule, RULE_NOISE);
	comparison_free(&c);

	assert_int_equal(compare_sessions(fixture_st, ids[10], b, CMP_LEARN,
	    0.01, &c), COMPARE_OK);
	/* b's own mean is the history's last: 11 changes. */
	expect = compare_history_noise(means, 12);
	assert_true(expect > 0.03 && expect < 0.04);
	assert_int_equal(c.threshold.history_n, 12);
	assert_true(fabs(c.threshold.history - expect) < 1e-6);
	assert_true(c.threshold.value == c.threshold.history);
	assert_int_equal(c.threshold.rule, RULE_HISTORY);
	assert_true(c.threshold.noise == 0.01);
	assert_true(isnan(c.threshold.calibration));
	w = &c.metrics[CMP_WALL];
	assert_int_equal(w->verdict, VERDICT_INCONCLUSIVE);
	assert_int_equal(w->why, WHY_STRADDLES);
	assert_int_equal(w->rule, RULE_HISTORY);
	/* Every metric and phase is held against the same threshold. */
	assert_int_equal(c.metrics[CMP_USER].rule, RULE_HISTORY);
	comparison_free(&c);

	/* 10% slower clears it. */
	b = level(1.10, 0.55, 0, 0, 0.01);
	assert_int_equal(compare_sessions(fixture_st, ids[10], b, CMP_LEARN,
	    0.01, &c), COMPARE_OK);
	assert_int_equal(c.metrics[CMP_WALL].verdict, VERDICT_REGRESSED);
	assert_int_equal(c.metrics[CMP_WALL].rule, RULE_HISTORY);
	comparison_free(&c);

	/*
	 * A later session does not change what an earlier one was held
	 * against: the history ends at b.
	 */
	late = level(2.0, 0.5, 0, 0, 0.01);
	assert_int_equal(compare_sessions(fixture_st, ids[0], ids[9],
	    CMP_LEARN, 0.01, &c), COMPARE_OK);
	assert_int_equal(c.threshold.history_n, 10);
	assert_int_equal(c.threshold.rule, RULE_NOISE);
	assert_true(isnan(c.threshold.history));
	comparison_free(&c);
	assert_int_equal(compare_sessions(fixture_st, ids[0], late,
	    CMP_LEARN, 0.01, &c), COMPARE_OK);
	assert_int_equal(c.threshold.history_n, 14);
	comparison_free(&c);
}

/*
 * A learned threshold is held against the change, the CI against the
 * suite's noise.  Against the history's fence (3.x %), a 5 % change whose
 * runs spread widely has a CI reaching below the fence but not below 1 %:
 * regressed, where asking the whole CI to clear the fence would count
 * the runs' noise twice.  A 2.5 % change within the fence stays
 * inconclusive, however narrow its CI.
 */
static void
test_change_against_fence(void **state)
{
	static const double	wide[NRUNS] = {
		0.97, 1.03, 0.98, 1.02, 0.99, 1.01
	};
	struct fixture_session	f;
	struct fixture_run	r[NRUNS];
	struct comparison	c;
	const struct cmp_metric	*w;
	int64_t			ids[11], b;
	double			means[11];
	size_t			i;

	history(ids, means);
	memset(r, 0, sizeof r);
	for (i = 0; i < NRUNS; i++) {
		r[i].wall = 1.05 * wide[i];
		r[i].user = 0.5;
		r[i].tree = -1;
	}
	memset(&f, 0, sizeof f);
	f.noise = 0.01;
	f.runs = r;
	f.n = NRUNS;
	f.end = SESSION_COMPLETED;
	b = fixture_session(&f);
	assert_int_equal(compare_sessions(fixture_st, ids[10], b, CMP_LEARN,
	    0.01, &c), COMPARE_OK);
	w = &c.metrics[CMP_WALL];
	assert_int_equal(c.threshold.rule, RULE_HISTORY);
	assert_true(c.threshold.value > 0.03 && c.threshold.value < 0.045);
	assert_true(w->ci_low > 0.01 && w->ci_low < c.threshold.value);
	assert_true(w->change > c.threshold.value);
	assert_int_equal(w->verdict, VERDICT_REGRESSED);
	assert_int_equal(w->why, WHY_ABOVE_NOISE);
	comparison_free(&c);

	b = level(1.025, 0.5, 0, 0, 0.01);
	assert_int_equal(compare_sessions(fixture_st, ids[10], b, CMP_LEARN,
	    0.01, &c), COMPARE_OK);
	w = &c.metrics[CMP_WALL];
	assert_true(w->ci_low > 0.01 && w->change < c.threshold.value);
	assert_int_equal(w->verdict, VERDICT_INCONCLUSIVE);
	assert_int_equal(w->why, WHY_STRADDLES);
	comparison_free(&c);
	(void)state;
}

/* The noise recorded when the session was queued wins over the caller's. */
static void
test_noise_recorded_with_session(void **state)
{
	struct comparison	c;
	int64_t			a, b;

	a = level(1.0, 0.5, 0, 0, 0.05);
	b = level(1.03, 0.5, 0, 0, 0.05);
	assert_int_equal(compare_sessions(fixture_st, a, b, CMP_LEARN, 0.01,
	    &c), COMPARE_OK);
	assert_true(c.threshold.value == 0.05);
	assert_true(c.threshold.noise == 0.05);
	assert_int_equal(c.threshold.history_n, 2);
	assert_int_equal(c.metrics[CMP_WALL].verdict, VERDICT_INCONCLUSIVE);
	comparison_free(&c);
	/* Before it was recorded (NULL): the caller's, the suite's now. */
	b = level(1.03, 0.5, 0, 0, NAN);
	assert_int_equal(compare_sessions(fixture_st, a, b, CMP_LEARN, 0.01,
	    &c), COMPARE_OK);
	assert_true(c.threshold.value == 0.01);
	assert_int_equal(c.metrics[CMP_WALL].verdict, VERDICT_REGRESSED);
	comparison_free(&c);
}

/* The comparison's CPU row: user + sys, or the cgroup's when all have it. */
static void
test_cpu_row(void **state)
{
	struct comparison	c;
	int64_t			a, b;

	a = level(1.0, 0.5, 0, 0, 0.01);
	b = level(1.0, 0.6, 0, 0, 0.01);
	assert_int_equal(compare_sessions(fixture_st, a, b, 0, 0.01, &c),
	    COMPARE_OK);
	assert_string_equal(c.metrics[CMP_CPU].name, "cpu");
	assert_int_equal(c.cpu_tree, 0);
	assert_true(fabs(c.metrics[CMP_CPU].change - 0.2) < 1e-6);
	assert_int_equal(c.metrics[CMP_CPU].verdict, VERDICT_REGRESSED);
	comparison_free(&c);
	/* The tree's CPU, when both sides have it for every run. */
	a = level(1.0, 0.5, 0.8, 0, 0.01);
	b = level(1.0, 0.5, 0.8, 0, 0.01);
	assert_int_equal(compare_sessions(fixture_st, a, b, 0, 0.01, &c),
	    COMPARE_OK);
	assert_int_equal(c.cpu_tree, 1);
	assert_true(fabs(c.metrics[CMP_CPU].a.mean - 0.8) < 1e-6);
	comparison_free(&c);
	/* One side without: both sides fall back to wait4's figures. */
	b = level(1.0, 0.5, 0, 0, 0.01);
	assert_int_equal(compare_sessions(fixture_st, a, b, 0, 0.01, &c),
	    COMPARE_OK);
	assert_int_equal(c.cpu_tree, 0);
	assert_true(fabs(c.metrics[CMP_CPU].a.mean - 0.5) < 1e-6);
	comparison_free(&c);
}

/* Wall moved, CPU did not, runs disturbed: inconclusive. */
static void
test_disturbed_rule(void **state)
{
	/* Each side: wall, CPU, the tree's CPU (0: none), runs disturbed. */
	static const struct {
		double		a[4];
		double		b[4];
		enum verdict	wall;
		int		tree;
	} cases[] = {
		/* Undisturbed: a wall-only change stands (a longer sleep). */
		{ { 1.0, 0.5, 0, 0 }, { 1.1, 0.5, 0, 0 }, VERDICT_REGRESSED,
		    0 },
		/* Disturbed, but the CPU time grew with the wall: it stands. */
		{ { 1.0, 0.5, 0, 0 }, { 1.1, 0.55, 0, 1 }, VERDICT_REGRESSED,
		    0 },
		/* A disturbed baseline counts too; an improvement likewise. */
		{ { 1.1, 0.5, 0, 1 }, { 1.0, 0.5, 0, 0 }, VERDICT_INCONCLUSIVE,
		    0 },
		/* The tree's CPU decides when every run has it. */
		{ { 1.0, 0.5, 0.8, 0 }, { 1.1, 0.5, 0.88, 1 },
		    VERDICT_REGRESSED, 1 },
	};
	struct comparison	 c;
	const struct cmp_metric	*w;
	int64_t			 a, b;
	size_t			 i;

	/* 10% more wall, the same CPU, and b had two disturbed runs. */
	a = level(1.0, 0.5, 0, 0, 0.01);
	b = level(1.1, 0.5, 0, 2, 0.01);
	assert_int_equal(compare_sessions(fixture_st, a, b, CMP_LEARN, 0.01,
	    &c), COMPARE_OK);
	w = &c.metrics[CMP_WALL];
	assert_int_equal(c.disturbed_a, 0);
	assert_int_equal(c.disturbed_b, 2);
	assert_int_equal(w->b.n, NRUNS);	/* disturbed runs left out */
	assert_true(fabs(w->change - 0.1) < 1e-3);
	assert_int_equal(c.metrics[CMP_CPU].verdict, VERDICT_SAME);
	assert_int_equal(w->verdict, VERDICT_INCONCLUSIVE);
	assert_int_equal(w->why, WHY_DISTURBED);
	assert_int_equal(w->rule, RULE_DISTURBED);
	/* The threshold still says where it came from. */
	assert_int_equal(c.threshold.rule, RULE_NOISE);
	/* Nothing regressed, so no phase is named for it. */
	assert_int_equal(c.nexplain, 0);
	comparison_free(&c);

	/* The other cases, wall verdict and whether the tree's CPU counted. */
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		a = level(cases[i].a[0], cases[i].a[1], cases[i].a[2],
		    (int)cases[i].a[3], 0.01);
		b = level(cases[i].b[0], cases[i].b[1], cases[i].b[2],
		    (int)cases[i].b[3], 0.01);
		assert_int_equal(compare_sessions(fixture_st, a, b, CMP_LEARN,
		    0.01, &c), COMPARE_OK);
		w = &c.metrics[CMP_WALL];
		assert_int_equal(w->verdict, cases[i].wall);
		assert_int_equal(w->rule, cases[i].wall ==
		    VERDICT_INCONCLUSIVE ? RULE_DISTURBED : RULE_NOISE);
		assert_int_equal(c.cpu_tree, cases[i].tree);
		comparison_free(&c);
	}
}

/* What suite.variance reports and the verdicts use: one function. */
static void
test_history_noise(void **state)
{
	double	means[12], rel[11];
	size_t	i;

	for (i = 0; i < 12; i++)
		means[i] = 1.0 + 0.01 * (double)(i % 3);
	assert_true(isnan(compare_history_noise(means, 0)));
	assert_true(isnan(compare_history_noise(means, 10)));
	assert_int_equal(stats_rel_changes(means, 12, rel), 11);
	assert_true(compare_history_noise(means, 11) ==
	    stats_noise_threshold(rel, 10, STATS_NOISE_MIN_N, NAN));
	/* A zero mean gives no change: fewer than ten, nothing learned. */
	means[3] = 0;
	assert_true(isnan(compare_history_noise(means, 11)));
}

/*
 * An A/B history, sessions of two revisions in turn, the second 5%
 * slower: every consecutive change is the code's.  Learned over the
 * same revision it is the noise of each code alone.
 */
static void
test_history_by_revision(void **state)
{
	struct history_point	h[24];
	double			means[24], clean[23];
	size_t			i, n = 0;

	for (i = 0; i < 24; i++) {
		h[i].id = (int64_t)i + 1;
		/* a: 1.000, 1.002, 1.004, ...; b: 5% above its own. */
		means[i] = (1.0 + 0.002 * (double)(i / 2 % 3)) *
		    (i % 2 ? 1.05 : 1.0);
		h[i].mean = means[i];
		h[i].rev = i % 2 ? "b" : "a";
		h[i].dirty = 0;
	}
	/* In id order the changes are ~5%: a threshold of more than that. */
	assert_true(compare_history_noise(means, 24) > 0.05);
	/* By revision: the changes of a with a and of b with b. */
	assert_true(compare_history_learn(h, 24) < 0.01);
	/* Without revisions the history is one code, in id order. */
	for (i = 0; i < 24; i++)
		h[i].rev = NULL;
	assert_true(compare_history_learn(h, 24) ==
	    compare_history_noise(means, 24));
	/* A dirty tree's session is left out, whatever it measured. */
	h[5].dirty = 1;
	h[5].mean = 100;
	for (i = 0; i < 24; i++)
		if (i != 5)
			clean[n++] = means[i];
	assert_true(compare_history_learn(h, 24) ==
	    compare_history_noise(clean, 23));
	/* Ten same-code changes at least, as before. */
	for (i = 0; i < 24; i++)
		h[i].rev = i < 10 ? "a" : (i % 2 ? "c" : "d");
	h[5].dirty = 0;
	assert_true(isnan(compare_history_learn(h, 11)));
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_history_threshold,
		    fixture_db_setup, fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_change_against_fence,
		    fixture_db_setup, fixture_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_noise_recorded_with_session, fixture_db_setup,
		    fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_cpu_row,
		    fixture_db_setup, fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_disturbed_rule,
		    fixture_db_setup, fixture_db_teardown),
		cmocka_unit_test(test_history_noise),
		cmocka_unit_test(test_history_by_revision),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
