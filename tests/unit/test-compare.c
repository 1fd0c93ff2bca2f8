/*
 * test-compare.c -- two sessions compared from a real database, and what
 * one session's runs say (session.c): statistics, warnings, phases.
 */
#include "config.h"

#include <sys/resource.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "compare.h"
#include "fixture-db.h"
#include "session.h"
#include "store.h"

static const double	base[] = { 1.00, 1.01, 0.99, 1.00, 1.00, 1.01 };
static const double	slower[] = { 1.10, 1.11, 1.09, 1.10, 1.10, 1.11 };

static void
test_regressed(void **state)
{
	struct comparison	 c;
	const struct cmp_metric	*w, *p;
	int64_t			 a, b;
	size_t			 i;

	a = fixture_walls("m1", base, 6, "parse=0.3 link=0.2");
	b = fixture_walls("m1", slower, 6, "parse=0.3 link=0.3 codegen=0.05");
	assert_int_equal(compare_sessions(fixture_st, a, b, 0, 0.01, &c),
	    COMPARE_OK);
	assert_int_equal(c.flags, 0);
	w = &c.metrics[CMP_WALL];
	assert_string_equal(w->name, "wall");
	assert_int_equal(w->a.n, 6);
	assert_int_equal(w->b.n, 6);
	assert_int_equal(w->verdict, VERDICT_REGRESSED);
	assert_int_equal(w->why, WHY_ABOVE_NOISE);
	assert_true(fabs(w->change - 0.1) < 0.002);
	assert_true(w->ci_low > 0.01 && w->ci_low < w->change &&
	    w->ci_high > w->change);
	assert_true(w->p_welch < 1e-6 && w->p_mwu < 0.01);
	/* user is wall / 2: the same relative change. */
	assert_int_equal(c.metrics[CMP_USER].verdict, VERDICT_REGRESSED);
	/* maxrss did not move at all. */
	assert_int_equal(c.metrics[CMP_MAXRSS].verdict, VERDICT_SAME);
	assert_string_equal(c.metrics[CMP_MAXRSS].unit, "KiB");
	/* Every phase of either side; one b alone has counts 0 s in a. */
	assert_int_equal(c.nphases, 3);
	for (i = 0; i < c.nphases; i++)
		if (strcmp(c.phases[i].name, "codegen") == 0)
			break;
	assert_true(i < c.nphases);
	p = &c.phases[i];
	assert_string_equal(p->prefix, "T");
	assert_true(p->a.n == 6 && p->a.mean == 0);
	assert_true(fabs(p->b.mean - 0.05) < 1e-9);
	/* The phases that explain the regressed wall time. */
	assert_int_equal(c.nexplain, 2);
	assert_string_equal(c.explain[0].phase, "link");
	assert_true(fabs(c.explain[0].delta - 0.1) < 1e-9);
	assert_true(fabs(c.explain[0].share - 1.0) < 0.02);
	assert_string_equal(c.explain[1].phase, "codegen");
	comparison_free(&c);

	/* The other way round: improved, and nothing to explain. */
	assert_int_equal(compare_sessions(fixture_st, b, a, 0, 0.01, &c),
	    COMPARE_OK);
	assert_int_equal(c.metrics[CMP_WALL].verdict, VERDICT_IMPROVED);
	assert_int_equal(c.nexplain, 0);
	comparison_free(&c);

	/* Against itself: same. */
	assert_int_equal(compare_sessions(fixture_st, a, a, 0, 0.01, &c),
	    COMPARE_OK);
	assert_int_equal(c.metrics[CMP_WALL].verdict, VERDICT_SAME);
	comparison_free(&c);
}

static void
test_incomparable(void **state)
{
	struct comparison	c;
	int64_t			a, b;

	a = fixture_walls("m1", base, 6, NULL);
	b = fixture_walls("m2", slower, 6, NULL);
	assert_int_equal(compare_sessions(fixture_st, a, b, 0, 0.01, &c),
	    COMPARE_INCOMPARABLE);
	assert_int_equal(c.flags, CMP_DIFF_MACHINE);
	assert_string_equal(compare_flag_text(CMP_DIFF_MACHINE),
	    "different machine fingerprints");
	comparison_free(&c);
	/* Forced: compared, and the flags still say what differs. */
	assert_int_equal(compare_sessions(fixture_st, a, b, CMP_FORCE, 0.01,
	    &c), COMPARE_OK);
	assert_int_equal(c.flags, CMP_DIFF_MACHINE);
	assert_int_equal(c.metrics[CMP_WALL].verdict, VERDICT_REGRESSED);
	comparison_free(&c);
	assert_int_equal(compare_sessions(fixture_st, 99, b, 0, 0.01, &c),
	    COMPARE_NO_A);
	comparison_free(&c);
	assert_int_equal(compare_sessions(fixture_st, a, 99, 0, 0.01, &c),
	    COMPARE_NO_B);
	comparison_free(&c);
}

/* Runs that cannot give a CI: inconclusive, never a verdict. */
static void
test_too_few_runs(void **state)
{
	struct comparison	c;
	int64_t			a, b;

	a = fixture_walls("m1", base, 1, NULL);
	b = fixture_walls("m1", slower, 1, NULL);
	assert_int_equal(compare_sessions(fixture_st, a, b, 0, 0.01, &c),
	    COMPARE_OK);
	assert_int_equal(c.metrics[CMP_WALL].verdict, VERDICT_INCONCLUSIVE);
	assert_int_equal(c.metrics[CMP_WALL].why, WHY_UNDEFINED);
	assert_true(isnan(c.metrics[CMP_WALL].change));
	comparison_free(&c);
}

static void
test_session_stats_and_warnings(void **state)
{
	static const double	slow_first[] = { 2.0, 1.0, 1.01, 0.99, 1.0 };
	struct session_stats	ss;
	char			**w;
	size_t			n;
	int64_t			a;

	a = fixture_walls("m1", slow_first, 5, NULL);
	assert_int_equal(session_stats(fixture_st, a, SESSION_WALL, &ss), 0);
	assert_int_equal(ss.n, 5);
	assert_true(fabs(ss.wall.mean - 1.2) < 1e-12);
	assert_int_equal(ss.user.n, 0);	/* not asked for */
	assert_int_equal(session_stats(fixture_st, a, SESSION_ALL, &ss), 0);
	assert_true(fabs(ss.user.mean - 0.6) < 1e-6);
	assert_true(ss.maxrss.mean == 1000);
	n = session_warnings(fixture_st, a, &w);
	assert_int_equal(n, 1);
	assert_string_equal(w[0], "first measured run is a slow outlier "
	    "(2.000 s, median 1.000 s): consider more warmups");
	session_warnings_free(w, n);
	/* A session with no runs: n 0, no warnings. */
	a = fixture_walls("m1", slow_first, 0, NULL);
	assert_int_equal(session_stats(fixture_st, a, SESSION_ALL, &ss), 0);
	assert_int_equal(ss.n, 0);
	n = session_warnings(fixture_st, a, &w);
	assert_int_equal(n, 0);
	session_warnings_free(w, n);
}

static void
test_session_phases(void **state)
{
	struct phase_report	r;
	int64_t			a;

	a = fixture_walls("m1", base, 6, "parse=0.6 link=0.4");
	session_phases(fixture_st, a, &r);
	assert_int_equal(r.runs, 6);
	assert_int_equal(r.nrows, 2);
	assert_string_equal(r.rows[0].phase, "parse");
	assert_true(fabs(r.rows[0].share - 0.6) < 1e-9);
	assert_true(fabs(r.total - 1.0) < 1e-9);
	assert_true(fabs(r.coverage - 1.0 / r.wall) < 1e-9);
	assert_int_equal(r.agrees, 1);
	assert_true(fabs(r.cpu_coverage - 2 * r.coverage) < 1e-3);
	session_phases_free(&r);
	/* Phases that add up to half the wall time do not agree with it. */
	a = fixture_walls("m1", base, 6, "parse=0.5");
	session_phases(fixture_st, a, &r);
	assert_int_equal(r.agrees, 0);
	session_phases_free(&r);
	/* No phases at all: coverage undefined. */
	a = fixture_walls("m1", base, 6, NULL);
	session_phases(fixture_st, a, &r);
	assert_int_equal(r.nrows, 0);
	assert_int_equal(r.agrees, -1);
	assert_true(isnan(r.coverage));
	session_phases_free(&r);
}

static void
test_params_parse(void **state)
{
	char	**k, **v;
	size_t	  n;

	assert_int_equal(session_params_parse("{\"crate\":\"ori_ir\","
	    "\"n\":\"2\"}", &k, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(k[0], "crate");
	assert_string_equal(v[1], "2");
	assert_null(k[2]);
	session_params_free(k, v, n);
	assert_int_equal(session_params_parse("[1]", &k, &v, &n), -1);
	assert_int_equal(n, 0);
	session_params_free(k, v, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_regressed,
		    fixture_db_setup, fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_incomparable,
		    fixture_db_setup, fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_too_few_runs,
		    fixture_db_setup, fixture_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_session_stats_and_warnings, fixture_db_setup,
		    fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_session_phases,
		    fixture_db_setup, fixture_db_teardown),
		cmocka_unit_test(test_params_parse),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
