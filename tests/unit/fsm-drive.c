/*
 * fsm-drive.c -- the events the unit tests of the session state machine
 * feed it, and the steps every session takes (test-fsm, test-fsm-rev).
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

enum fsm_action
ev(struct fsm *f, enum fsm_event e, const char *reason)
{
	struct fsm_input	in;

	memset(&in, 0, sizeof in);
	in.ev = e;
	in.reason = reason;
	return (fsm_step(f, &in));
}

enum fsm_action
exited(struct fsm *f, int ok, double wall, const char *why)
{
	struct fsm_input	in;

	memset(&in, 0, sizeof in);
	in.ev = FE_EXITED;
	in.ok = ok;
	in.wall = wall;
	in.value = wall;	/* an A/B test on wall time */
	in.reason = why;
	return (fsm_step(f, &in));
}

/* A measured run another process disturbed, recorded: the next action. */
enum fsm_action
disturbed_run(struct fsm *f, double wall)
{
	struct fsm_input	in;

	memset(&in, 0, sizeof in);
	in.ev = FE_EXITED;
	in.ok = 1;
	in.disturbed = 1;
	in.wall = wall;
	assert_int_equal(fsm_step(f, &in), FA_RECORD_RUN);
	assert_true(f->run_disturbed);
	assert_int_equal(ev(f, FE_STORED, NULL), FA_PROGRESS);
	return (ev(f, FE_CONTINUE, NULL));
}

void
plan(struct fsm *f, int build, int warmup, int runs, int max_runs,
    double cv, int profile)
{
	struct fsm_plan	p;

	memset(&p, 0, sizeof p);
	p.build = build;
	p.warmup = warmup;
	p.runs = runs;
	p.max_runs = max_runs;
	p.cv_target = cv;
	p.profile = profile;
	fsm_init(f, &p);
}

/* One run that succeeds and is recorded: the action after it. */
enum fsm_action
one_run(struct fsm *f, double wall)
{
	assert_int_equal(exited(f, 1, wall, NULL), FA_RECORD_RUN);
	assert_int_equal(f->state, FSM_RECORD);
	assert_int_equal(ev(f, FE_STORED, NULL), FA_PROGRESS);
	return (ev(f, FE_CONTINUE, NULL));
}

/* From IDLE to the first warmup, through the gate and the build. */
void
begin(struct fsm *f)
{
	assert_int_equal(ev(f, FE_BEGIN, NULL), FA_GATE);
	assert_string_equal(fsm_phase(f), "build");
	assert_int_equal(ev(f, FE_GATE_PASS, NULL), FA_SPAWN_BUILD);
	assert_int_equal(f->state, FSM_BUILD);
}
