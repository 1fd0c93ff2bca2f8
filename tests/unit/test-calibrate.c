/*
 * test-calibrate.c -- a calibration's pairs compared from a real
 * database: the false-verdict rate, the noise learned, the state and
 * reason, settling, and the learned noise entering later thresholds.
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

#include "calibrate.h"
#include "compare.h"
#include "fixture-db.h"
#include "stats.h"
#include "store.h"

#define NRUNS	6

static const double	jitter[NRUNS] = {
	1.000, 1.001, 0.999, 1.000, 1.0005, 0.9995
};

/* A session of suite "s" at mean wall, ended as given. */
static int64_t
session_at(double mean, enum session_state end)
{
	struct fixture_session	f;
	struct fixture_run	r[NRUNS];
	size_t			i;

	for (i = 0; i < NRUNS; i++) {
		r[i].wall = mean * jitter[i];
		r[i].user = mean / 2;
		r[i].tree = -1;
		r[i].disturbed = 0;
	}
	memset(&f, 0, sizeof f);
	f.noise = 0.01;
	f.runs = r;
	f.n = end == SESSION_QUEUED ? 0 : NRUNS;
	f.end = end;
	return (fixture_session(&f));
}

/*
 * A calibration of suite "s" whose pair k has b's mean at 1 + change[k]
 * (a's at 1), b ended as end[k] (a completed); returns its id.
 */
static int64_t
calibration(const double *change, const enum session_state *end, int n)
{
	struct calibration_row	c;
	struct calibration_pair	p;
	int			k;

	memset(&c, 0, sizeof c);
	c.suite = "s";
	c.params = "{}";
	c.pairs = n;
	c.noise = 0.01;
	c.queued_by = 0;
	c.id = store_calibration_insert(fixture_st, &c);
	assert_true(c.id > 0);
	for (k = 0; k < n; k++) {
		memset(&p, 0, sizeof p);
		p.pair = k + 1;
		p.a = session_at(1.0, SESSION_COMPLETED);
		p.b = session_at(1.0 + change[k], end[k]);
		assert_int_equal(store_calibration_pair_insert(fixture_st,
		    c.id, &p), 0);
	}
	return (c.id);
}

static const enum session_state	done6[6] = {
	SESSION_COMPLETED, SESSION_COMPLETED, SESSION_COMPLETED,
	SESSION_COMPLETED, SESSION_COMPLETED, SESSION_UNSTABLE
};

/* Six pairs: the figures, and the noise learned from their changes. */
static void
test_tally(void **state)
{
	static const double	 change[6] = {
		0.0, 0.002, -0.003, 0.05, 0.001, -0.04
	};
	struct calibration_row	 c;
	double			 rel[6];
	int64_t			 id;
	int			 k;

	id = calibration(change, done6, 6);
	assert_int_equal(store_calibration_get(fixture_st, id, &c), 0);
	assert_int_equal(c.state, CALIBRATION_RUNNING);
	assert_int_equal(c.nv, 6);
	calibration_tally(fixture_st, &c);
	assert_int_equal(c.state, CALIBRATION_COMPLETED);
	assert_null(c.reason);
	assert_int_equal(c.counted, 6);
	/* The 1% setting calls the 5% and -4% pairs. */
	assert_int_equal(c.regressed, 1);
	assert_int_equal(c.improved, 1);
	assert_int_equal(c.v[3].verdict, VERDICT_REGRESSED);
	assert_int_equal(c.v[5].verdict, VERDICT_IMPROVED);
	assert_int_equal(c.v[0].verdict, VERDICT_SAME);
	assert_true(fabs(c.false_rate - 2.0 / 6) < 1e-12);
	for (k = 0; k < 6; k++) {
		assert_true(fabs(c.v[k].change - change[k]) < 1e-6);
		rel[k] = c.v[k].change;
	}
	assert_true(c.learned == stats_noise_threshold(rel, 6,
	    CALIBRATION_MIN_PAIRS, NAN));
	assert_true(c.learned > 0.04);
	assert_true(c.finished_at > 0);
	calibration_row_free(&c);
}

/* Pairs that cannot be compared are left out, and the reason says so. */
static void
test_missing_pairs(void **state)
{
	static const double		 change[6] = { 0, 0, 0, 0, 0, 0 };
	static const enum session_state	 end[6] = {
		SESSION_COMPLETED, SESSION_FAILED, SESSION_COMPLETED,
		SESSION_CANCELLED, SESSION_COMPLETED, SESSION_COMPLETED
	};
	static const enum session_state	 open[2] = {
		SESSION_COMPLETED, SESSION_QUEUED
	};
	static const enum session_state	 bad[2] = {
		SESSION_FAILED, SESSION_INTERRUPTED
	};
	struct calibration_row		 c;

	assert_int_equal(store_calibration_get(fixture_st,
	    calibration(change, end, 6), &c), 0);
	calibration_tally(fixture_st, &c);
	assert_int_equal(c.state, CALIBRATION_COMPLETED);
	assert_int_equal(c.counted, 4);
	assert_int_equal(c.v[1].verdict, VERDICT_NONE);
	assert_true(isnan(c.v[3].change));
	assert_true(isnan(c.learned));
	assert_string_equal(c.reason, "4 of 6 pairs compared (a session "
	    "failed, was cancelled or is incomparable); fewer than 5: no "
	    "noise learned");
	calibration_row_free(&c);

	/* A session still queued: running, the pairs done so far counted. */
	assert_int_equal(store_calibration_get(fixture_st,
	    calibration(change, open, 2), &c), 0);
	calibration_tally(fixture_st, &c);
	assert_int_equal(c.state, CALIBRATION_RUNNING);
	assert_int_equal(c.counted, 1);
	assert_null(c.reason);
	assert_int_equal(c.finished_at, 0);
	calibration_row_free(&c);

	/* Nothing to compare: failed. */
	assert_int_equal(store_calibration_get(fixture_st,
	    calibration(change, bad, 2), &c), 0);
	calibration_tally(fixture_st, &c);
	assert_int_equal(c.state, CALIBRATION_FAILED);
	assert_int_equal(c.counted, 0);
	assert_true(isnan(c.false_rate));
	assert_string_equal(c.reason, "no pair of sessions completed");
	calibration_row_free(&c);
}

/*
 * Settling stores the pairs compared as they go, and what the tally found
 * once every session has ended.
 */
static void
test_settle(void **state)
{
	static const double		 change[6] = {
		0.0, 0.002, -0.003, 0.05, 0.001, -0.04
	};
	static const enum session_state	 open[2] = {
		SESSION_COMPLETED, SESSION_QUEUED
	};
	struct calibration_row		 c;
	int64_t				 done, running;

	done = calibration(change, done6, 6);
	running = calibration(change, open, 2);
	assert_int_equal(calibration_settle(fixture_st), 1);
	assert_int_equal(store_calibration_get(fixture_st, done, &c), 0);
	assert_int_equal(c.state, CALIBRATION_COMPLETED);
	assert_int_equal(c.counted, 6);
	assert_int_equal(c.v[3].verdict, VERDICT_REGRESSED);
	assert_true(fabs(c.v[3].change - 0.05) < 1e-6);
	assert_true(isfinite(c.learned));
	assert_true(c.finished_at > 0);
	calibration_row_free(&c);
	assert_int_equal(store_calibration_get(fixture_st, running, &c), 0);
	assert_int_equal(c.state, CALIBRATION_RUNNING);
	assert_int_equal(c.counted, 1);
	assert_int_equal(c.v[0].verdict, VERDICT_SAME);
	assert_int_equal(c.v[1].verdict, VERDICT_NONE);
	assert_int_equal(c.finished_at, 0);
	/* A pair compared before is not compared again. */
	assert_int_equal(calibration_tally(fixture_st, &c), 0);
	assert_int_equal(c.counted, 1);
	calibration_row_free(&c);
	/* Settled once: nothing more to do. */
	assert_int_equal(calibration_settle(fixture_st), 0);
}

/*
 * A later comparison takes the noise of the latest calibration that had
 * ended by its newer session, and names it.
 */
static void
test_threshold_from_calibration(void **state)
{
	static const double	 change[6] = {
		0.0, 0.02, -0.03, 0.05, 0.01, -0.04
	};
	struct calibration_row	 c;
	struct comparison	 cmp;
	int64_t			 before, id, a, b;

	before = session_at(1.0, SESSION_COMPLETED);
	id = calibration(change, done6, 6);
	assert_int_equal(calibration_settle(fixture_st), 1);
	assert_int_equal(store_calibration_get(fixture_st, id, &c), 0);
	a = session_at(1.0, SESSION_COMPLETED);
	b = session_at(1.03, SESSION_COMPLETED);
	assert_int_equal(compare_sessions(fixture_st, a, b, CMP_LEARN, 0.01,
	    &cmp), COMPARE_OK);
	assert_int_equal(cmp.threshold.calibration_id, id);
	assert_true(cmp.threshold.calibration == c.learned);
	/* The history has the same changes: either may be the larger. */
	assert_true(isfinite(cmp.threshold.history));
	if (cmp.threshold.history < c.learned) {
		assert_int_equal(cmp.threshold.rule, RULE_CALIBRATION);
		assert_true(cmp.threshold.value == c.learned);
	} else {
		assert_int_equal(cmp.threshold.rule, RULE_HISTORY);
		assert_true(cmp.threshold.value == cmp.threshold.history);
	}
	/* 3% is within what was learned: not a regression. */
	assert_int_equal(cmp.metrics[CMP_WALL].verdict,
	    VERDICT_INCONCLUSIVE);
	comparison_free(&cmp);
	/* Without learning, the 1% setting alone calls it. */
	assert_int_equal(compare_sessions(fixture_st, a, b, 0, 0.01, &cmp),
	    COMPARE_OK);
	assert_int_equal(cmp.metrics[CMP_WALL].verdict, VERDICT_REGRESSED);
	comparison_free(&cmp);
	/* A session from before the calibration does not see it. */
	assert_int_equal(compare_sessions(fixture_st, before, before,
	    CMP_LEARN, 0.01, &cmp), COMPARE_OK);
	assert_int_equal(cmp.threshold.calibration_id, 0);
	assert_true(isnan(cmp.threshold.calibration));
	comparison_free(&cmp);
	calibration_row_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tally,
		    fixture_db_setup, fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_missing_pairs,
		    fixture_db_setup, fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_settle,
		    fixture_db_setup, fixture_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_threshold_from_calibration, fixture_db_setup,
		    fixture_db_teardown),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
