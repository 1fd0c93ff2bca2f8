/*
 * fsm.c -- the session state machine (see fsm.h for the picture).  Every
 * transition of a session is in fsm_step and the per-state functions it
 * calls; the stopping rule comes from rules.c.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fsm.h"
#include "log.h"
#include "rules.h"
#include "xmalloc.h"

static const char *state_names[] = {
	"idle", "gate", "checkout", "build", "run-gate", "run", "record", "next",
	"profile", "script", "profile-store", "ending", "done"
};

static const char *event_names[] = {
	"begin", "gate-pass", "gate-wait", "gate-fail", "timer",
	"spawn-failed", "exited", "stored", "held", "retry", "store-failed",
	"continue", "fail", "cancel", "shutdown"
};

const char *
fsm_state_name(enum fsm_state s)
{
	return (state_names[s]);
}

const char *
fsm_event_name(enum fsm_event e)
{
	return (event_names[e]);
}

void
fsm_init(struct fsm *f, const struct fsm_plan *plan)
{
	memset(f, 0, sizeof *f);
	f->state = FSM_IDLE;
	f->plan = *plan;
	f->failed_arm = -1;
}

void
fsm_free(struct fsm *f)
{
	free(f->walls);
	free(f->run_why);
	free(f->cancel_reason);
	free(f->end_reason);
	free(f->after_reason);
	memset(f, 0, sizeof *f);
}

static void
set_text(char **dst, const char *src)
{
	free(*dst);
	*dst = src != NULL ? xstrdup(src) : NULL;
}

/* The session ends as state says: write it. */
static enum fsm_action
end(struct fsm *f, enum session_state state, const char *reason)
{
	f->end_state = state;
	set_text(&f->end_reason, reason);
	f->state = FSM_ENDING;
	f->held = 0;
	return (FA_FINISH);
}

static enum fsm_action
end_cancelled(struct fsm *f)
{
	return (end(f, SESSION_CANCELLED, f->cancel_reason));
}

/* The A/B test's decision, as the end's reason. */
static char *
ab_reason(const struct fsm *f)
{
	const struct ab_decision	*d = &f->ab;
	char				*r;

	if (isnan(d->change))
		xasprintf(&r, "A/B %s after %d pairs", verdict_name(
		    d->verdict), d->pairs);
	else
		xasprintf(&r, "A/B %s: B %+.2f%% against A (%+.2f%% .. "
		    "%+.2f%%) after %d pairs", verdict_name(d->verdict),
		    d->change * 100, d->ci_low * 100, d->ci_high * 100,
		    d->pairs);
	return (r);
}

/*
 * The next run of an A/B test: warmups alternate A B; measured runs go
 * A B B A, a disturbed run is taken again in its place; after each block
 * ab_decide may end the test.
 */
static enum fsm_action
next_ab(struct fsm *f)
{
	struct ab_plan	 p;
	char		*why;
	enum fsm_action	 a;

	if (f->in_warmups) {
		f->arm = f->warmups_done % 2;
		f->state = FSM_RUN;
		return (FA_SPAWN_RUN);
	}
	ab_plan_make(f->plan.runs, f->plan.max_runs, f->plan.threshold, &p);
	if (ab_decide(f->walls, (size_t)f->clean, &p, &f->ab) != 0)
		return (end(f, SESSION_FAILED, "a run has no positive value "
		    "of the test's metric"));
	if (f->ab.verdict == VERDICT_NONE && f->measured >= 2 * p.max_pairs)
		f->ab.verdict = VERDICT_INCONCLUSIVE;
	if (f->ab.verdict != VERDICT_NONE) {
		why = ab_reason(f);
		a = end(f, SESSION_COMPLETED, why);
		free(why);
		return (a);
	}
	f->arm = ab_arm((size_t)f->clean);
	f->state = FSM_RUN_GATE;
	return (FA_GATE);
}

/* The next run, or the end when the stopping rule holds. */
static enum fsm_action
next(struct fsm *f)
{
	enum session_state	 st;
	enum stop_decision	 d = STOP_MORE;
	char			*why = NULL;
	enum fsm_action		 a;

	if (f->plan.ab)
		return (next_ab(f));
	if (!f->in_warmups)
		d = rule_stop(f->walls, (size_t)f->clean, (size_t)f->measured,
		    f->plan.runs, f->plan.max_runs, f->plan.cv_target, &why);
	if (d == STOP_NO_RUN) {
		a = end(f, SESSION_FAILED, why);
		free(why);
		return (a);
	}
	if (d != STOP_MORE) {
		st = d == STOP_UNSTABLE ? SESSION_UNSTABLE : SESSION_COMPLETED;
		if (f->plan.profile) {
			f->after_state = st;
			set_text(&f->after_reason, why);
			f->state = FSM_PROFILE;
			a = FA_PROFILE_RECORD;
		} else
			a = end(f, st, why);
		free(why);
		return (a);
	}
	if (!f->in_warmups) {
		f->state = FSM_RUN_GATE;
		return (FA_GATE);
	}
	f->state = FSM_RUN;
	return (FA_SPAWN_RUN);
}

/* The build step is done (or there is none): warmups, then measured. */
static enum fsm_action
start_runs(struct fsm *f)
{
	f->in_warmups = f->plan.warmup > 0;
	return (next(f));
}

/* The arm's worktree (plan.checkout), then its build, then the next. */
static enum fsm_action
prepare(struct fsm *f)
{
	if (f->plan.checkout) {
		f->state = FSM_CHECKOUT;
		return (FA_CHECKOUT);
	}
	if (f->plan.build) {
		f->state = FSM_BUILD;
		return (FA_SPAWN_BUILD);
	}
	if (f->plan.ab && f->arm == 0) {
		f->arm = 1;
		return (prepare(f));
	}
	return (start_runs(f));
}

/* The arm is built: the other arm, or the runs. */
static enum fsm_action
built(struct fsm *f)
{
	if (f->plan.ab && f->arm == 0) {
		f->arm = 1;
		return (prepare(f));
	}
	return (start_runs(f));
}

/* The child that checked the arm's worktree out has ended. */
static int
checked_out(struct fsm *f, const struct fsm_input *in)
{
	if (in->ev != FE_EXITED && in->ev != FE_SPAWN_FAILED)
		return (-1);
	if (f->cancelled)
		return (end_cancelled(f));
	if (in->ev == FE_SPAWN_FAILED || !in->ok) {
		f->failed_arm = f->arm;
		return (end(f, SESSION_FAILED, in->reason));
	}
	if (f->plan.build) {
		f->state = FSM_BUILD;
		return (FA_SPAWN_BUILD);
	}
	return (built(f));
}

static int
gate(struct fsm *f, const struct fsm_input *in)
{
	switch (in->ev) {
	case FE_GATE_PASS:
		if (f->state == FSM_RUN_GATE) {
			f->state = FSM_RUN;
			return (FA_SPAWN_RUN);
		}
		f->arm = 0;
		return (prepare(f));
	case FE_GATE_WAIT:
		return (FA_WAIT);
	case FE_TIMER:
		return (FA_GATE);
	case FE_GATE_FAIL:
		return (end(f, SESSION_FAILED, in->reason));
	default:
		return (-1);
	}
}

static int
build(struct fsm *f, const struct fsm_input *in)
{
	const char	*arm = "";
	char		*r;
	int		 a;

	if (f->plan.ab)
		arm = f->arm == 0 ? " (A)" : " (B)";
	switch (in->ev) {
	case FE_SPAWN_FAILED:
		xasprintf(&r, "build step%s: %s", arm, in->reason);
		a = end(f, SESSION_FAILED, r);
		free(r);
		return (a);
	case FE_EXITED:
		if (f->cancelled)
			return (end_cancelled(f));
		if (in->ok)
			return (built(f));
		f->failed_arm = f->arm;
		xasprintf(&r, "build step%s %s", arm, in->reason);
		a = end(f, SESSION_FAILED, r);
		free(r);
		return (a);
	default:
		return (-1);
	}
}

static int
run(struct fsm *f, const struct fsm_input *in)
{
	switch (in->ev) {
	case FE_SPAWN_FAILED:
		return (end(f, SESSION_FAILED, in->reason));
	case FE_EXITED:
		/* A run stopped by a cancel is not recorded. */
		if (f->cancelled)
			return (end_cancelled(f));
		f->run_ok = in->ok;
		f->run_disturbed = in->ok && !f->in_warmups && in->disturbed;
		f->run_wall = in->wall;
		f->run_value = in->value;
		set_text(&f->run_why, in->reason);
		f->state = FSM_RECORD;
		return (FA_RECORD_RUN);
	default:
		return (-1);
	}
}

/* The run is recorded: count it, and say so before the next step. */
static enum fsm_action
recorded(struct fsm *f)
{
	char		*r;
	int		 iteration;
	enum fsm_action	 a;

	f->seq++;
	f->arm_seq[f->arm]++;
	f->last_wall = f->run_wall;
	if (f->in_warmups) {
		iteration = ++f->warmups_done;
		f->arm_warmups[f->arm]++;
	} else {
		f->arm_measured[f->arm]++;
		if (!f->run_disturbed) {
			f->walls = xreallocarray(f->walls, f->clean + 1,
			    sizeof *f->walls);
			f->walls[f->clean++] = f->plan.ab ? f->run_value :
			    f->run_wall;
		}
		iteration = ++f->measured;
	}
	if (!f->run_ok) {
		xasprintf(&r, "%s run %d %s", f->in_warmups ? "warmup" :
		    "measured", iteration, f->run_why);
		a = end(f, SESSION_FAILED, r);
		free(r);
		return (a);
	}
	if (f->cancelled)
		return (end_cancelled(f));
	if (f->in_warmups && f->warmups_done >= f->plan.warmup *
	    (f->plan.ab ? 2 : 1))
		f->in_warmups = 0;
	f->state = FSM_NEXT;
	return (FA_PROGRESS);
}

/* A write (what: the action that makes it) and the database's answer. */
static int
write_answer(struct fsm *f, const struct fsm_input *in, enum fsm_action what)
{
	char	*r;
	int	 a;

	switch (in->ev) {
	case FE_HELD:
		f->held = 1;
		return (FA_HOLD);
	case FE_RETRY:
		return (what);
	case FE_STORED:
		f->held = 0;
		break;
	case FE_STORE_FAILED:
		f->held = 0;
		break;
	default:
		return (-1);
	}
	switch (f->state) {
	case FSM_RECORD:
		if (in->ev == FE_STORED)
			return (recorded(f));
		xasprintf(&r, "storage: %s", in->reason);
		a = end(f, SESSION_FAILED, r);
		free(r);
		return (a);
	case FSM_PROFILE_STORE:
		/* A profile the database will not take is only lost. */
		if (f->cancelled)
			return (end_cancelled(f));
		return (end(f, f->after_state, f->after_reason));
	default:	/* FSM_ENDING: a refused end is logged, not retried */
		f->state = FSM_DONE;
		return (FA_END);
	}
}

static int
profile(struct fsm *f, const struct fsm_input *in)
{
	switch (in->ev) {
	case FE_SPAWN_FAILED:
		f->state = FSM_PROFILE_STORE;
		return (FA_STORE_PROFILE);
	case FE_EXITED:
		if (f->cancelled)
			return (end_cancelled(f));
		if (f->state == FSM_PROFILE && in->ok) {
			f->state = FSM_SCRIPT;
			return (FA_PROFILE_SCRIPT);
		}
		f->state = FSM_PROFILE_STORE;
		return (FA_STORE_PROFILE);
	default:
		return (-1);
	}
}

/* CANCEL: at once when nothing is under way, else once it is over. */
static enum fsm_action
cancel(struct fsm *f, const char *reason)
{
	f->cancelled = 1;
	set_text(&f->cancel_reason, reason);
	switch (f->state) {
	case FSM_IDLE:
	case FSM_GATE:
	case FSM_RUN_GATE:
	case FSM_NEXT:
		return (end_cancelled(f));
	case FSM_CHECKOUT:
	case FSM_BUILD:
	case FSM_RUN:
	case FSM_PROFILE:
	case FSM_SCRIPT:
		return (FA_STOP_CHILD);
	default:		/* a write: the end follows it */
		return (FA_NONE);
	}
}

int
fsm_cancellable(const struct fsm *f)
{
	return (f->state != FSM_ENDING && f->state != FSM_DONE);
}

enum fsm_action
fsm_step(struct fsm *f, const struct fsm_input *in)
{
	int	a = -1;		/* no transition */

	if (f->state == FSM_DONE)
		fatalx("fsm: %s after the end", event_names[in->ev]);
	switch (in->ev) {
	case FE_SHUTDOWN:
		f->end_state = SESSION_INTERRUPTED;
		set_text(&f->end_reason, in->reason);
		f->state = FSM_DONE;
		return (FA_ABORT);
	case FE_FAIL:
		if (f->state != FSM_ENDING)
			return (end(f, SESSION_FAILED, in->reason));
		break;
	case FE_CANCEL:
		if (fsm_cancellable(f))
			return (cancel(f, in->reason));
		return (FA_NONE);
	default:
		break;
	}
	switch (f->state) {
	case FSM_IDLE:
		if (in->ev == FE_BEGIN) {
			f->state = FSM_GATE;
			a = FA_GATE;
		}
		break;
	case FSM_GATE:
	case FSM_RUN_GATE:
		a = gate(f, in);
		break;
	case FSM_CHECKOUT:
		a = checked_out(f, in);
		break;
	case FSM_BUILD:
		a = build(f, in);
		break;
	case FSM_RUN:
		a = run(f, in);
		break;
	case FSM_RECORD:
		a = write_answer(f, in, FA_RECORD_RUN);
		break;
	case FSM_NEXT:
		if (in->ev == FE_CONTINUE)
			a = next(f);
		break;
	case FSM_PROFILE:
	case FSM_SCRIPT:
		a = profile(f, in);
		break;
	case FSM_PROFILE_STORE:
		a = write_answer(f, in, FA_STORE_PROFILE);
		break;
	case FSM_ENDING:
		a = write_answer(f, in, FA_FINISH);
		break;
	case FSM_DONE:
		break;
	}
	if (a == -1)
		fatalx("fsm: no transition for %s in state %s",
		    event_names[in->ev], state_names[f->state]);
	return ((enum fsm_action)a);
}

const char *
fsm_phase(const struct fsm *f)
{
	switch (f->state) {
	case FSM_IDLE:
	case FSM_GATE:
	case FSM_CHECKOUT:
	case FSM_BUILD:
		return ("build");
	case FSM_RUN_GATE:
	case FSM_RUN:
	case FSM_RECORD:
	case FSM_NEXT:
		return (f->in_warmups ? "warmup" : "measured");
	case FSM_PROFILE:
	case FSM_SCRIPT:
	case FSM_PROFILE_STORE:
		return ("profile");
	default:
		return ("summary");
	}
}

int
fsm_run_index(const struct fsm *f)
{
	int	in_flight = f->state == FSM_RUN || f->state == FSM_RECORD;

	switch (f->state) {
	case FSM_RUN_GATE:
	case FSM_RUN:
	case FSM_RECORD:
	case FSM_NEXT:
		return ((f->in_warmups ? f->warmups_done : f->measured) +
		    in_flight);
	default:
		return (0);
	}
}

/* Runs planned in this phase: past `runs` only as the rule adds them. */
int
fsm_run_total(const struct fsm *f)
{
	int	i = fsm_run_index(f);

	switch (f->state) {
	case FSM_RUN_GATE:
	case FSM_RUN:
	case FSM_RECORD:
	case FSM_NEXT:
		if (f->in_warmups)
			return (f->plan.warmup * (f->plan.ab ? 2 : 1));
		if (f->plan.ab)
			return (i > 2 * f->plan.runs ? i : 2 * f->plan.runs);
		return (i > f->plan.runs ? i : f->plan.runs);
	default:
		return (1);
	}
}
