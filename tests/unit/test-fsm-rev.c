/*
 * test-fsm-rev.c -- the session state machine on a repository: the
 * checkout before the build, and the interleaved A/B test of two arms.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fsm-drive.h"

/* A session on a repository: the worktree first, then the build. */
static void
test_checkout(void **state)
{
	struct fsm	f;

	(void)state;
	plan(&f, 1, 0, 1, 1, 1.0, 0);
	f.plan.checkout = 1;
	assert_int_equal(ev(&f, FE_BEGIN, NULL), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_CHECKOUT);
	assert_int_equal(f.state, FSM_CHECKOUT);
	assert_int_equal(f.arm, 0);
	assert_string_equal(fsm_phase(&f), "build");
	assert_int_equal(exited(&f, 1, 0.1, NULL), FA_SPAWN_BUILD);
	assert_int_equal(exited(&f, 1, 1.0, NULL), FA_GATE);
	fsm_free(&f);
	/* A checkout that fails fails the session, and says whose it was. */
	plan(&f, 1, 0, 1, 1, 1.0, 0);
	f.plan.checkout = 1;
	ev(&f, FE_BEGIN, NULL);
	ev(&f, FE_GATE_PASS, NULL);
	assert_int_equal(exited(&f, 0, 0.1, "checkout of 0b4d failed"),
	    FA_FINISH);
	assert_int_equal(f.end_state, SESSION_FAILED);
	assert_string_equal(f.end_reason, "checkout of 0b4d failed");
	assert_int_equal(f.failed_arm, 0);
	fsm_free(&f);
	/* A cancel stops the checkout's child; its end ends the session. */
	plan(&f, 1, 0, 1, 1, 1.0, 0);
	f.plan.checkout = 1;
	ev(&f, FE_BEGIN, NULL);
	ev(&f, FE_GATE_PASS, NULL);
	assert_int_equal(ev(&f, FE_CANCEL, "by uid 0"), FA_STOP_CHILD);
	assert_int_equal(exited(&f, 0, 0.1, "killed"), FA_FINISH);
	assert_int_equal(f.end_state, SESSION_CANCELLED);
	fsm_free(&f);
}

/* Run one A/B measured run of the arm the machine asks for. */
static enum fsm_action
ab_run(struct fsm *f, double a, double b)
{
	enum fsm_action	act;

	if (f->state == FSM_RUN_GATE)
		assert_int_equal(ev(f, FE_GATE_PASS, NULL), FA_SPAWN_RUN);
	act = one_run(f, f->arm == 0 ? a : b);
	return (act);
}

/* An A/B test: both arms checked out and built, ABBA, decided. */
static void
test_ab(void **state)
{
	struct fsm	f;
	int		i, arms[8];

	(void)state;
	plan(&f, 1, 1, 4, 10, 1.0, 0);
	f.plan.checkout = 1;
	f.plan.ab = 1;
	f.plan.threshold = 0.02;
	ev(&f, FE_BEGIN, NULL);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_CHECKOUT);
	assert_int_equal(f.arm, 0);
	assert_int_equal(exited(&f, 1, 0.1, NULL), FA_SPAWN_BUILD);
	assert_int_equal(exited(&f, 1, 1.0, NULL), FA_CHECKOUT);
	assert_int_equal(f.arm, 1);
	assert_int_equal(exited(&f, 1, 0.1, NULL), FA_SPAWN_BUILD);
	/* Warmups: one per arm, A then B. */
	assert_int_equal(exited(&f, 1, 1.0, NULL), FA_SPAWN_RUN);
	assert_true(f.in_warmups);
	assert_int_equal(f.arm, 0);
	assert_int_equal(fsm_run_total(&f), 2);
	assert_int_equal(one_run(&f, 1.0), FA_SPAWN_RUN);
	assert_int_equal(f.arm, 1);
	assert_int_equal(one_run(&f, 1.3), FA_GATE);
	assert_false(f.in_warmups);
	assert_int_equal(f.arm_warmups[0], 1);
	assert_int_equal(f.arm_warmups[1], 1);
	/* Measured: A B B A A B B A, then the decision. */
	for (i = 0; i < 7; i++) {
		arms[i] = f.arm;
		assert_int_equal(ab_run(&f, 1.0, 1.3), FA_GATE);
	}
	arms[7] = f.arm;
	assert_int_equal(ab_run(&f, 1.0, 1.3), FA_FINISH);
	for (i = 0; i < 8; i++)
		assert_int_equal(arms[i], ab_arm((size_t)i));
	assert_int_equal(f.end_state, SESSION_COMPLETED);
	assert_int_equal(f.ab.verdict, VERDICT_REGRESSED);
	assert_int_equal(f.ab.pairs, 4);
	assert_int_equal(f.arm_measured[0], 4);
	assert_int_equal(f.arm_measured[1], 4);
	assert_int_equal(f.arm_seq[1], 5);
	assert_non_null(strstr(f.end_reason, "A/B regressed"));
	assert_int_equal(ev(&f, FE_STORED, NULL), FA_END);
	fsm_free(&f);
}

/* A/B: a disturbed run is taken again on its arm; B's build failing. */
static void
test_ab_disturbed_and_build(void **state)
{
	struct fsm	f;

	(void)state;
	plan(&f, 1, 0, 4, 4, 1.0, 0);
	f.plan.ab = 1;
	f.plan.threshold = 0.02;
	ev(&f, FE_BEGIN, NULL);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_SPAWN_BUILD);
	assert_int_equal(exited(&f, 1, 1.0, NULL), FA_SPAWN_BUILD);
	assert_int_equal(f.arm, 1);
	assert_int_equal(exited(&f, 1, 1.0, NULL), FA_GATE);
	assert_int_equal(f.arm, 0);
	assert_int_equal(ab_run(&f, 1.0, 1.0), FA_GATE);
	assert_int_equal(f.arm, 1);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_SPAWN_RUN);
	assert_int_equal(disturbed_run(&f, 9.0), FA_GATE);
	assert_int_equal(f.arm, 1);		/* B again */
	fsm_free(&f);

	plan(&f, 1, 0, 4, 4, 1.0, 0);
	f.plan.ab = 1;
	ev(&f, FE_BEGIN, NULL);
	ev(&f, FE_GATE_PASS, NULL);
	exited(&f, 1, 1.0, NULL);
	assert_int_equal(exited(&f, 0, 1.0, "exited 1"), FA_FINISH);
	assert_int_equal(f.failed_arm, 1);
	assert_string_equal(f.end_reason, "build step (B) exited 1");
	fsm_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checkout),
		cmocka_unit_test(test_ab),
		cmocka_unit_test(test_ab_disturbed_and_build),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
