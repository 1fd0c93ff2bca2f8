/*
 * test-fsm.c -- the session state machine, driven by events alone: every
 * path a session can take, and what it says of its runs on the way.
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

static void
test_plain_session(void **state)
{
	struct fsm	f;

	plan(&f, 1, 2, 3, 10, 1.0, 0);
	begin(&f);
	assert_int_equal(exited(&f, 1, 9.0, NULL), FA_SPAWN_RUN);
	assert_true(f.in_warmups);
	assert_string_equal(fsm_phase(&f), "warmup");
	assert_int_equal(fsm_run_index(&f), 1);
	assert_int_equal(fsm_run_total(&f), 2);
	/* Warmups are not gated; the first measured run is. */
	assert_int_equal(one_run(&f, 1.5), FA_SPAWN_RUN);
	assert_int_equal(one_run(&f, 1.4), FA_GATE);
	assert_int_equal(f.state, FSM_RUN_GATE);
	assert_false(f.in_warmups);
	assert_int_equal(f.warmups_done, 2);
	assert_string_equal(fsm_phase(&f), "measured");
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_SPAWN_RUN);
	assert_int_equal(fsm_run_index(&f), 1);
	assert_int_equal(fsm_run_total(&f), 3);
	assert_int_equal(one_run(&f, 1.0), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_SPAWN_RUN);
	assert_int_equal(one_run(&f, 1.1), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_SPAWN_RUN);
	assert_int_equal(one_run(&f, 1.2), FA_FINISH);
	assert_int_equal(f.state, FSM_ENDING);
	assert_int_equal(f.end_state, SESSION_COMPLETED);
	assert_null(f.end_reason);
	assert_int_equal(f.seq, 5);
	assert_int_equal(f.measured, 3);
	assert_true(f.walls[0] == 1.0 && f.walls[2] == 1.2);
	assert_true(f.last_wall == 1.2);
	assert_false(fsm_cancellable(&f));
	assert_int_equal(ev(&f, FE_STORED, NULL), FA_END);
	assert_int_equal(f.state, FSM_DONE);
	fsm_free(&f);
}

/* No build step and no warmups: the measured runs come straight on. */
static void
test_no_build_no_warmup(void **state)
{
	struct fsm	f;

	plan(&f, 0, 0, 1, 1, 0.05, 0);
	assert_int_equal(ev(&f, FE_BEGIN, NULL), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_GATE);
	assert_int_equal(f.state, FSM_RUN_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_SPAWN_RUN);
	assert_int_equal(one_run(&f, 2.0), FA_FINISH);
	assert_int_equal(f.end_state, SESSION_COMPLETED);
	fsm_free(&f);
}

/* A CV above target adds runs up to max_runs, then says unstable. */
static void
test_unstable(void **state)
{
	static const double	walls[] = { 1.0, 1.6, 0.7, 1.3 };
	struct fsm		f;
	size_t			i;

	plan(&f, 0, 0, 2, 4, 0.05, 0);
	assert_int_equal(ev(&f, FE_BEGIN, NULL), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_GATE);
	for (i = 0; i < 3; i++) {
		assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_SPAWN_RUN);
		assert_int_equal(one_run(&f, walls[i]), FA_GATE);
	}
	/* Past `runs`, the total grows with the runs the rule adds. */
	assert_int_equal(fsm_run_total(&f), 3);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_SPAWN_RUN);
	assert_int_equal(fsm_run_total(&f), 4);
	assert_int_equal(one_run(&f, walls[3]), FA_FINISH);
	assert_int_equal(f.end_state, SESSION_UNSTABLE);
	assert_non_null(strstr(f.end_reason, "after 4 runs"));
	fsm_free(&f);
}

/* A cancel while a run is under way: stop it, do not record it. */
static void
test_cancel_during_run(void **state)
{
	struct fsm	f;

	plan(&f, 1, 1, 3, 5, 1.0, 0);
	begin(&f);
	assert_int_equal(exited(&f, 1, 1, NULL), FA_SPAWN_RUN);
	assert_true(fsm_cancellable(&f));
	assert_int_equal(ev(&f, FE_CANCEL, "cancelled by uid 0"),
	    FA_STOP_CHILD);
	assert_int_equal(f.state, FSM_RUN);
	/* The child killed by the stop is not a failed run. */
	assert_int_equal(exited(&f, 0, 0.1, "killed by signal 15"),
	    FA_FINISH);
	assert_int_equal(f.end_state, SESSION_CANCELLED);
	assert_string_equal(f.end_reason, "cancelled by uid 0");
	assert_int_equal(f.seq, 0);
	fsm_free(&f);
}

/* A cancel during the build, and while the gate waits. */
static void
test_cancel_during_build_and_wait(void **state)
{
	struct fsm	f;

	plan(&f, 1, 0, 3, 5, 1.0, 0);
	begin(&f);
	assert_int_equal(ev(&f, FE_CANCEL, "c"), FA_STOP_CHILD);
	assert_int_equal(exited(&f, 1, 1, NULL), FA_FINISH);
	assert_int_equal(f.end_state, SESSION_CANCELLED);
	fsm_free(&f);

	plan(&f, 0, 0, 3, 5, 1.0, 0);
	assert_int_equal(ev(&f, FE_BEGIN, NULL), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_WAIT, NULL), FA_WAIT);
	assert_int_equal(ev(&f, FE_TIMER, NULL), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_WAIT, NULL), FA_WAIT);
	assert_int_equal(ev(&f, FE_CANCEL, "c2"), FA_FINISH);
	assert_int_equal(f.end_state, SESSION_CANCELLED);
	assert_string_equal(f.end_reason, "c2");
	fsm_free(&f);
}

/*
 * A run the database refuses is held and retried; a cancel meanwhile
 * waits for it: the run is recorded first, then the session stops.
 */
static void
test_cancel_while_record_held(void **state)
{
	struct fsm	f;

	plan(&f, 0, 0, 3, 5, 1.0, 0);
	assert_int_equal(ev(&f, FE_BEGIN, NULL), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_SPAWN_RUN);
	assert_int_equal(exited(&f, 1, 2.5, NULL), FA_RECORD_RUN);
	assert_int_equal(ev(&f, FE_HELD, NULL), FA_HOLD);
	assert_true(f.held);
	assert_int_equal(fsm_run_index(&f), 1);
	assert_int_equal(ev(&f, FE_CANCEL, "c"), FA_NONE);
	assert_int_equal(ev(&f, FE_RETRY, NULL), FA_RECORD_RUN);
	assert_int_equal(ev(&f, FE_HELD, NULL), FA_HOLD);
	assert_int_equal(ev(&f, FE_RETRY, NULL), FA_RECORD_RUN);
	assert_int_equal(ev(&f, FE_STORED, NULL), FA_FINISH);
	assert_false(f.held);
	assert_int_equal(f.seq, 1);
	assert_int_equal(f.measured, 1);
	assert_int_equal(f.end_state, SESSION_CANCELLED);
	fsm_free(&f);
}

/* Failures on the way, each with the reason a person reads. */
static void
test_failures(void **state)
{
	struct fsm	f;

	plan(&f, 1, 1, 3, 5, 1.0, 0);
	begin(&f);
	assert_int_equal(exited(&f, 0, 1, "exited with status 2; stderr: x"),
	    FA_FINISH);
	assert_int_equal(f.end_state, SESSION_FAILED);
	assert_string_equal(f.end_reason, "build step exited with status 2; "
	    "stderr: x");
	fsm_free(&f);

	plan(&f, 1, 1, 3, 5, 1.0, 0);
	begin(&f);
	assert_int_equal(ev(&f, FE_SPAWN_FAILED, "cc: not found"), FA_FINISH);
	assert_string_equal(f.end_reason, "build step: cc: not found");
	fsm_free(&f);

	/* A failed run is recorded, then fails the session. */
	plan(&f, 0, 1, 3, 5, 1.0, 0);
	assert_int_equal(ev(&f, FE_BEGIN, NULL), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_SPAWN_RUN);
	assert_int_equal(one_run(&f, 1), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_SPAWN_RUN);
	assert_int_equal(one_run(&f, 1), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_SPAWN_RUN);
	assert_int_equal(exited(&f, 0, 0.2, "killed by signal 9 (Killed)"),
	    FA_RECORD_RUN);
	assert_int_equal(ev(&f, FE_STORED, NULL), FA_FINISH);
	assert_string_equal(f.end_reason, "measured run 2 killed by signal 9 "
	    "(Killed)");
	assert_int_equal(f.seq, 3);
	fsm_free(&f);

	/* The gate refuses; the database refuses a run for good. */
	plan(&f, 0, 0, 3, 5, 1.0, 0);
	assert_int_equal(ev(&f, FE_BEGIN, NULL), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_FAIL, "conditions not canonical: x"),
	    FA_FINISH);
	assert_string_equal(f.end_reason, "conditions not canonical: x");
	fsm_free(&f);
	plan(&f, 0, 0, 3, 5, 1.0, 0);
	assert_int_equal(ev(&f, FE_BEGIN, NULL), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_SPAWN_RUN);
	assert_int_equal(exited(&f, 1, 1, NULL), FA_RECORD_RUN);
	assert_int_equal(ev(&f, FE_STORE_FAILED, "disk I/O error"),
	    FA_FINISH);
	assert_string_equal(f.end_reason, "storage: disk I/O error");
	fsm_free(&f);

	/* A session that cannot start. */
	plan(&f, 0, 0, 3, 5, 1.0, 0);
	assert_int_equal(ev(&f, FE_FAIL, "suite \"x\" is no longer "
	    "configured"), FA_FINISH);
	assert_int_equal(f.end_state, SESSION_FAILED);
	fsm_free(&f);
}

/* The end is written like any other write: held, never cancelled. */
static void
test_ending_held(void **state)
{
	struct fsm	f;

	plan(&f, 0, 0, 1, 1, 1.0, 0);
	assert_int_equal(ev(&f, FE_FAIL, "x"), FA_FINISH);
	assert_int_equal(ev(&f, FE_HELD, NULL), FA_HOLD);
	assert_false(fsm_cancellable(&f));
	assert_int_equal(ev(&f, FE_CANCEL, "c"), FA_NONE);
	assert_int_equal(f.end_state, SESSION_FAILED);
	assert_int_equal(ev(&f, FE_RETRY, NULL), FA_FINISH);
	assert_int_equal(ev(&f, FE_STORED, NULL), FA_END);
	fsm_free(&f);
	/* An end the database refuses for good is logged, and over. */
	plan(&f, 0, 0, 1, 1, 1.0, 0);
	assert_int_equal(ev(&f, FE_FAIL, "x"), FA_FINISH);
	assert_int_equal(ev(&f, FE_STORE_FAILED, "e"), FA_END);
	assert_int_equal(f.state, FSM_DONE);
	fsm_free(&f);
}

/* SIGTERM: from any state, at once, as interrupted. */
static void
test_shutdown(void **state)
{
	struct fsm	f;

	plan(&f, 1, 1, 3, 5, 1.0, 0);
	begin(&f);
	assert_int_equal(ev(&f, FE_SHUTDOWN, "benchd stopped by SIGTERM"),
	    FA_ABORT);
	assert_int_equal(f.state, FSM_DONE);
	assert_int_equal(f.end_state, SESSION_INTERRUPTED);
	assert_string_equal(f.end_reason, "benchd stopped by SIGTERM");
	fsm_free(&f);
	plan(&f, 0, 0, 1, 1, 1.0, 0);
	assert_int_equal(ev(&f, FE_FAIL, "x"), FA_FINISH);
	assert_int_equal(ev(&f, FE_HELD, NULL), FA_HOLD);
	assert_int_equal(ev(&f, FE_SHUTDOWN, "s"), FA_ABORT);
	assert_int_equal(f.end_state, SESSION_INTERRUPTED);
	fsm_free(&f);
}

/* --profile: one more run under perf after the measured ones. */
static void
test_profile(void **state)
{
	struct fsm	f;

	plan(&f, 0, 0, 1, 1, 1.0, 1);
	assert_int_equal(ev(&f, FE_BEGIN, NULL), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_SPAWN_RUN);
	assert_int_equal(one_run(&f, 1), FA_PROFILE_RECORD);
	assert_string_equal(fsm_phase(&f), "profile");
	assert_int_equal(exited(&f, 1, 1.2, NULL), FA_PROFILE_SCRIPT);
	assert_int_equal(exited(&f, 1, 0, NULL), FA_STORE_PROFILE);
	assert_int_equal(ev(&f, FE_HELD, NULL), FA_HOLD);
	assert_int_equal(ev(&f, FE_RETRY, NULL), FA_STORE_PROFILE);
	assert_int_equal(ev(&f, FE_STORED, NULL), FA_FINISH);
	assert_int_equal(f.end_state, SESSION_COMPLETED);
	fsm_free(&f);

	/* perf could not record, or is not there: the outcome is stored. */
	plan(&f, 0, 0, 1, 1, 1.0, 1);
	assert_int_equal(ev(&f, FE_BEGIN, NULL), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_SPAWN_RUN);
	assert_int_equal(one_run(&f, 1), FA_PROFILE_RECORD);
	assert_int_equal(exited(&f, 0, 0, NULL), FA_STORE_PROFILE);
	assert_int_equal(ev(&f, FE_STORED, NULL), FA_FINISH);
	fsm_free(&f);
	plan(&f, 0, 0, 1, 1, 1.0, 1);
	assert_int_equal(ev(&f, FE_BEGIN, NULL), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_SPAWN_RUN);
	assert_int_equal(one_run(&f, 1), FA_PROFILE_RECORD);
	assert_int_equal(ev(&f, FE_SPAWN_FAILED, NULL), FA_STORE_PROFILE);
	/* A profile the database refuses for good is lost, not the session. */
	assert_int_equal(ev(&f, FE_STORE_FAILED, "e"), FA_FINISH);
	assert_int_equal(f.end_state, SESSION_COMPLETED);
	fsm_free(&f);

	/* Cancelled during the profile run. */
	plan(&f, 0, 0, 1, 1, 1.0, 1);
	assert_int_equal(ev(&f, FE_BEGIN, NULL), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_SPAWN_RUN);
	assert_int_equal(one_run(&f, 1), FA_PROFILE_RECORD);
	assert_int_equal(ev(&f, FE_CANCEL, "c"), FA_STOP_CHILD);
	assert_int_equal(exited(&f, 0, 0, NULL), FA_FINISH);
	assert_int_equal(f.end_state, SESSION_CANCELLED);
	fsm_free(&f);
}

/* Disturbed runs are recorded, not counted, and replaced. */
static void
test_disturbed_runs_are_replaced(void **state)
{
	struct fsm	f;

	plan(&f, 0, 0, 2, 4, 1.0, 0);
	assert_int_equal(ev(&f, FE_BEGIN, NULL), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_SPAWN_RUN);
	assert_int_equal(one_run(&f, 1.0), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_SPAWN_RUN);
	assert_int_equal(disturbed_run(&f, 3.0), FA_GATE);
	assert_int_equal(f.measured, 2);
	assert_int_equal(f.clean, 1);
	assert_int_equal(f.seq, 2);
	/* The replacement is measured run 3, and the session is done. */
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_SPAWN_RUN);
	assert_int_equal(fsm_run_index(&f), 3);
	assert_int_equal(one_run(&f, 1.1), FA_FINISH);
	assert_int_equal(f.end_state, SESSION_COMPLETED);
	assert_true(f.walls[0] == 1.0 && f.walls[1] == 1.1);
	fsm_free(&f);

	/* Every run disturbed up to max_runs: failed, saying so. */
	plan(&f, 0, 0, 2, 2, 1.0, 0);
	assert_int_equal(ev(&f, FE_BEGIN, NULL), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_SPAWN_RUN);
	assert_int_equal(disturbed_run(&f, 3.0), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_SPAWN_RUN);
	assert_int_equal(disturbed_run(&f, 3.0), FA_FINISH);
	assert_int_equal(f.end_state, SESSION_FAILED);
	assert_non_null(strstr(f.end_reason, "all 2 measured runs were "
	    "disturbed"));
	fsm_free(&f);

	/* A warmup is never flagged: warmups do not count anyway. */
	plan(&f, 0, 1, 1, 1, 1.0, 0);
	assert_int_equal(ev(&f, FE_BEGIN, NULL), FA_GATE);
	assert_int_equal(ev(&f, FE_GATE_PASS, NULL), FA_SPAWN_RUN);
	{
		struct fsm_input	in;

		memset(&in, 0, sizeof in);
		in.ev = FE_EXITED;
		in.ok = 1;
		in.disturbed = 1;
		assert_int_equal(fsm_step(&f, &in), FA_RECORD_RUN);
		assert_false(f.run_disturbed);
	}
	fsm_free(&f);
}

static void
test_names(void **state)
{
	assert_string_equal(fsm_state_name(FSM_RUN_GATE), "run-gate");
	assert_string_equal(fsm_state_name(FSM_DONE), "done");
	assert_string_equal(fsm_event_name(FE_SHUTDOWN), "shutdown");
	assert_string_equal(fsm_event_name(FE_BEGIN), "begin");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_session),
		cmocka_unit_test(test_no_build_no_warmup),
		cmocka_unit_test(test_unstable),
		cmocka_unit_test(test_cancel_during_run),
		cmocka_unit_test(test_cancel_during_build_and_wait),
		cmocka_unit_test(test_cancel_while_record_held),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_ending_held),
		cmocka_unit_test(test_shutdown),
		cmocka_unit_test(test_profile),
		cmocka_unit_test(test_disturbed_runs_are_replaced),
		cmocka_unit_test(test_names),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
