/*
 * fsm.h -- the life of a session as one state machine: states, events,
 * and one transition function, fsm_step.
 *
 * The machine decides; it does nothing itself.  Each step takes an event
 * and returns the action the scheduler (sched.c) must take next.  An
 * action that completes at once (a gate check, a write) is answered by the
 * scheduler with the event it produced, at once; one that takes time (a
 * child process, a timer) is answered when it ends.  No globals, no I/O:
 * tests/unit/test-fsm.c drives it with events alone.
 *
 *   IDLE --BEGIN--> GATE --PASS--> BUILD --EXITED ok--> (runs)
 *   On a repository (plan.checkout) each arm is checked out first:
 *   GATE --PASS--> CHECKOUT --EXITED ok--> BUILD --EXITED ok--> (runs);
 *   an A/B test (plan.ab) checks out and builds arm A, then arm B, and
 *   its runs alternate A B B A (abtest.c) until ab_decide decides.
 *   GATE --WAIT--> GATE (timer) --TIMER--> GATE
 *   (runs): RUN --EXITED--> RECORD --STORED--> NEXT --CONTINUE--> (next)
 *   (next): warmups left: RUN; measured: RUN_GATE --PASS--> RUN;
 *           the stopping rule holds: PROFILE (with --profile) or ENDING.
 *           A disturbed measured run is recorded, not counted, and
 *           another takes its place up to max_runs.
 *   PROFILE --EXITED ok--> SCRIPT --EXITED--> PROFILE_STORE --STORED-->
 *           ENDING
 *   ENDING --STORED--> DONE
 *   A write the database refuses (RECORD, PROFILE_STORE, ENDING) is HELD
 *   and tried again on RETRY.  CANCEL ends the session as cancelled: at
 *   once when no child runs and nothing is being written, else once the
 *   child is gone (its run not recorded) or the write went through.
 *   SHUTDOWN ends it as interrupted from any state.  FAIL (a session that
 *   cannot start) and every failure on the way end it as failed.
 */
#ifndef BENCHD_FSM_H
#define BENCHD_FSM_H

#include "abtest.h"
#include "store.h"

enum fsm_state {
	FSM_IDLE,		/* made, not begun */
	FSM_GATE,		/* conditions before the session */
	FSM_CHECKOUT,		/* the arm's worktree is prepared */
	FSM_BUILD,		/* the build step runs */
	FSM_RUN_GATE,		/* conditions before a measured run */
	FSM_RUN,		/* a warmup or measured run runs */
	FSM_RECORD,		/* the run that ended is being written */
	FSM_NEXT,		/* recorded; the next step not chosen yet */
	FSM_PROFILE,		/* perf record runs */
	FSM_SCRIPT,		/* perf script runs */
	FSM_PROFILE_STORE,	/* the profile is being written */
	FSM_ENDING,		/* the end is being written */
	FSM_DONE
};

enum fsm_event {
	FE_BEGIN,
	FE_GATE_PASS,		/* canonical, or policy=warn */
	FE_GATE_WAIT,		/* policy=wait, not yet */
	FE_GATE_FAIL,		/* refused or waited too long: reason */
	FE_TIMER,		/* the gate's recheck */
	FE_SPAWN_FAILED,	/* reason */
	FE_EXITED,		/* the child was reaped: ok, wall, reason */
	FE_STORED,
	FE_HELD,		/* the database refused the write for now */
	FE_RETRY,		/* the hold's timer */
	FE_STORE_FAILED,	/* refused for good: reason */
	FE_CONTINUE,
	FE_FAIL,		/* the session cannot go on: reason */
	FE_CANCEL,		/* reason */
	FE_SHUTDOWN		/* reason */
};

enum fsm_action {
	FA_NONE,		/* wait for the next event */
	FA_GATE,		/* check the conditions, apply the policy */
	FA_CHECKOUT,		/* spawn the child that brings arm's
				   worktree to its commit: EXITED */
	FA_WAIT,		/* arm the recheck timer */
	FA_SPAWN_BUILD,
	FA_SPAWN_RUN,		/* a warmup (in_warmups: snapshot the
				   conditions first) or a measured run */
	FA_STOP_CHILD,		/* TERM, then KILL, the child's group */
	FA_RECORD_RUN,		/* write the run that ended */
	FA_PROGRESS,		/* tell subscribers, then CONTINUE */
	FA_HOLD,		/* arm the hold timer; RETRY repeats the write */
	FA_PROFILE_RECORD,	/* spawn perf record */
	FA_PROFILE_SCRIPT,	/* spawn perf script */
	FA_STORE_PROFILE,	/* write the profile's outcome */
	FA_FINISH,		/* write the end: end_state, end_reason */
	FA_END,			/* over: verdict, tell, free */
	FA_ABORT		/* shutdown: kill the child now, write the end
				   once without holding, free */
};

struct fsm_input {
	enum fsm_event	 ev;
	int		 ok;		/* FE_EXITED: exit 0, in time */
	int		 disturbed;	/* FE_EXITED: another process took
					   its CPU (measured runs) */
	double		 wall;		/* FE_EXITED: seconds */
	double		 value;		/* FE_EXITED, A/B: the test's metric */
	const char	*reason;
};

/* What the session was queued to do. */
struct fsm_plan {
	int		 build;		/* has a build step */
	int		 warmup;
	int		 runs;
	int		 max_runs;
	double		 cv_target;
	int		 profile;	/* one more run under perf */
	int		 checkout;	/* a worktree per arm, at a commit */
	int		 ab;		/* two arms, interleaved */
	double		 threshold;	/* ab: the change that matters */
};

struct fsm {
	enum fsm_state	 state;
	struct fsm_plan	 plan;
	int		 in_warmups;	/* the runs are warmups */
	int		 warmups_done;
	int		 measured;	/* measured runs recorded */
	int		 clean;		/* of them, not disturbed */
	int		 seq;		/* runs recorded */
	double		*walls;		/* of the clean runs */
	double		 last_wall;
	int		 held;		/* the write waits for the database */
	int		 arm;		/* of the step under way: 0 A, 1 B */
	int		 failed_arm;	/* whose build failed; -1: none */
	int		 arm_seq[2];	/* ab: runs recorded per arm */
	int		 arm_warmups[2];
	int		 arm_measured[2];
	struct ab_decision ab;		/* ab: the last look's */

	/* The run that ended, until it is recorded. */
	int		 run_ok;
	int		 run_disturbed;
	double		 run_wall;
	double		 run_value;	/* A/B: what the decision is taken on */
	char		*run_why;

	int		 cancelled;
	char		*cancel_reason;

	/* How the session ends, and how it will after its profile run. */
	enum session_state end_state;
	char		*end_reason;
	enum session_state after_state;
	char		*after_reason;
};

void		 fsm_init(struct fsm *, const struct fsm_plan *);
void		 fsm_free(struct fsm *);
enum fsm_action	 fsm_step(struct fsm *, const struct fsm_input *);
/* Whether a cancel is taken now: not once the end is being written. */
int		 fsm_cancellable(const struct fsm *);
const char	*fsm_state_name(enum fsm_state);
const char	*fsm_event_name(enum fsm_event);
/* "build", "warmup", "measured", "profile" or "summary". */
const char	*fsm_phase(const struct fsm *);
/* The run under way (or just done) in its phase, and the runs planned. */
int		 fsm_run_index(const struct fsm *);
int		 fsm_run_total(const struct fsm *);

#endif
