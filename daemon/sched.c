/*
 * sched.c -- the queue and the session in flight.
 *
 * Sessions run one at a time, oldest queued first; the queue is the
 * sessions table, so it survives a restart.  What a session does next is
 * decided by its state machine (fsm.c); sched_step feeds it events and
 * carries out the actions it returns, with the help of sched-run.c (runs),
 * sched-gate.c (conditions), sched-profile.c (perf) and sched-hold.c
 * (writes the database refuses).  Each run is committed when it ends;
 * nothing is written while a measured run is in flight.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argv.h"
#include "benchd.h"
#include "calibrate.h"
#include "compare.h"
#include "conditions.h"
#include "conf.h"
#include "fleet.h"
#include "log.h"
#include "notify.h"
#include "rev.h"
#include "runner.h"
#include "sched-int.h"
#include "session.h"
#include "store.h"
#include "timing.h"
#include "xmalloc.h"

static struct srun	*cur;
static struct event	*kick_ev;
static int		 shutting_down;
static int		 recovered;	/* sessions left running settled */

int64_t
sched_running(void)
{
	return (cur != NULL ? cur->id : 0);
}

int
sched_config_in_use(const struct config *c)
{
	return (cur != NULL && cur->conf == c);
}

/* The session in flight, or NULL. */
struct srun *
sched_current(void)
{
	return (cur);
}

static void
srun_free(struct srun *s)
{
	sched_hold_forget(s);
	sched_profile_free(s);
	fsm_free(&s->fsm);
	argv_free(s->build_argv);
	argv_free(s->argv);
	free(s->out_tail);
	free(s->err_tail);
	free(s->snapshot);
	free(s->wait_reason);
	free(s->cpus_text);
	sched_rev_free(s);
	if (s->recheck != NULL)
		event_free(s->recheck);
	if (s->timing != NULL)
		timing_free(s->timing);
	runner_free(s->runner);
	fleet_quiet(0);
	sched_cgroup_close(s, 0, NULL);
	if (s->conf != cfg)
		conf_free(s->conf);	/* replaced by a reload meanwhile */
	free(s);
}

/* FA_END: the end is written; compare, tell, and look at the queue. */
static void
sched_end(struct srun *s)
{
	const struct fsm	*f = &s->fsm;
	const char		*reason = f->end_reason;
	int64_t			*cal;
	size_t			 ncal;

	sched_hold_clear();
	sched_stall_moved();
	sched_unplace(s);
	conditions_layout_forget();
	log_info("session %lld %s%s%s", (long long)s->id,
	    session_state_name(f->end_state), reason != NULL ? ": " : "",
	    reason != NULL ? reason : "");
	/* A calibration this ends is settled first: the verdict uses it. */
	ncal = store_calibrations_running(db, &cal);
	calibration_settle(db);
	alert_calibrations(db, cal, ncal);
	free(cal);
	if (session_state_done(f->end_state)) {
		sched_verdict(s);
		alert_change_points(db, s->id);
	} else if (f->end_state == SESSION_FAILED)
		alert_session_failed(db, s->id, reason);
	sched_rev_end(s);
	wire_notify_finished(s->id, f->end_state, reason);
	fleet_wake();
	if (cur == s)
		cur = NULL;
	notify_status("Idle; session #%lld %s", (long long)s->id,
	    session_state_name(f->end_state));
	srun_free(s);
	sched_kick();
}

/*
 * FA_ABORT (SIGTERM): stop the workload's whole process group, give it
 * the grace period to go, and record the session as interrupted.
 */
static void
sched_abort(struct srun *s)
{
	pid_t	pid;
	int	i, grace;

	if (s->runner != NULL && (pid = runner_pid(s->runner)) > 0) {
		kill(-pid, SIGTERM);
		/*
		 * kill_grace, but never so long that systemd loses patience.
		 * benchd-spawn reaps the child: it is gone once no process
		 * has its pid.
		 */
		grace = s->conf->kill_grace < 4 ? s->conf->kill_grace : 4;
		for (i = 0; i < grace * 10; i++) {
			if (kill(pid, 0) == -1 && errno == ESRCH)
				break;
			usleep(100000);
		}
		kill(-pid, SIGKILL);
	}
	/*
	 * And whatever left the group: everything in the run's cgroup, and
	 * (without one) what still carries the session's BENCHD_SESSION.
	 */
	sched_cgroup_close(s, 0, NULL);
	sched_cleanup(s);
	store_session_finish(db, s->id, s->fsm.end_state, s->fsm.end_reason);
	sched_rev_finish(s);
	log_info("session %lld interrupted: %s", (long long)s->id,
	    s->fsm.end_reason);
	if (cur == s)
		cur = NULL;
	srun_free(s);
	conditions_layout_forget();
}

/* FA_FINISH: write how the session ended. */
static int
sched_finish_write(struct srun *s, struct fsm_input *next)
{
	const struct fsm	*f = &s->fsm;
	int			 rc;

	if ((rc = store_begin(db)) == 0) {
		if ((rc = store_session_finish(db, s->id, f->end_state,
		    f->end_reason)) == 0)
			rc = sched_rev_finish(s);
		if (rc == 0)
			rc = store_commit(db);
		else
			store_rollback(db);
	}
	if (rc != 0 && !store_fault(db))
		log_warnx("session %lld: cannot record %s: %s",
		    (long long)s->id, session_state_name(f->end_state),
		    store_errmsg(db));
	return (sched_store_answer(s, rc, next));
}

/* What a held write is, for the log and for status. */
static char *
hold_what(const struct srun *s)
{
	const struct fsm	*f = &s->fsm;
	char			*what;

	switch (f->state) {
	case FSM_RECORD:
		xasprintf(&what, "%s run %d of session %lld", f->in_warmups ?
		    "warmup" : "measured", (f->in_warmups ? f->warmups_done :
		    f->measured) + 1, (long long)s->id);
		break;
	case FSM_PROFILE_STORE:
		xasprintf(&what, "the profile of session %lld",
		    (long long)s->id);
		break;
	default:
		xasprintf(&what, "the end of session %lld (%s)",
		    (long long)s->id, session_state_name(f->end_state));
		break;
	}
	return (what);
}

/*
 * Feed one event to the session's state machine and carry out what it
 * says, step after step, until an action has to wait for a child, a
 * timer or the database.  The session may be freed on return.
 */
void
sched_step(struct srun *s, const struct fsm_input *first)
{
	const struct fsm_input	*in = first;
	struct fsm_input	 next;
	enum fsm_action		 a;
	char			*what;
	int			 go;

	for (;;) {
		a = fsm_step(&s->fsm, in);
		if (in == &next)
			free((char *)next.reason);
		memset(&next, 0, sizeof next);
		if (a != FA_WAIT && s->recheck != NULL)
			evtimer_del(s->recheck);
		go = 1;
		switch (a) {
		case FA_NONE:
			return;
		case FA_GATE:
			sched_gate(s, &next);
			break;
		case FA_CHECKOUT:
			go = sched_checkout(s, &next);
			break;
		case FA_WAIT:
			sched_gate_wait(s);
			return;
		case FA_SPAWN_BUILD:
			go = sched_spawn_build(s, &next);
			break;
		case FA_SPAWN_RUN:
			go = sched_spawn_run(s, &next);
			break;
		case FA_STOP_CHILD:
			if (s->runner != NULL)
				runner_stop(s->runner);
			return;
		case FA_RECORD_RUN:
			go = sched_record_run(s, &next);
			break;
		case FA_PROGRESS:
			sched_notify_progress(s);
			next.ev = FE_CONTINUE;
			break;
		case FA_HOLD:
			what = hold_what(s);
			sched_hold(s, what);
			free(what);
			return;
		case FA_PROFILE_RECORD:
			go = sched_profile_record(s, &next);
			break;
		case FA_PROFILE_SCRIPT:
			go = sched_profile_script(s, &next);
			break;
		case FA_STORE_PROFILE:
			go = sched_profile_store(s, &next);
			break;
		case FA_FINISH:
			go = sched_finish_write(s, &next);
			break;
		case FA_END:
			sched_end(s);
			return;
		case FA_ABORT:
			sched_abort(s);
			return;
		}
		if (!go)
			return;
		in = &next;
	}
}

/* An event with no more to it than a reason. */
void
sched_drive(struct srun *s, enum fsm_event ev, const char *reason)
{
	struct fsm_input	in;

	memset(&in, 0, sizeof in);
	in.ev = ev;
	in.reason = reason;
	sched_step(s, &in);
}

/* FNV-1a over the suite definition: equal text, equal hash. */
static void
suite_hash(const char *text, char out[17])
{
	uint64_t	h = 0xcbf29ce484222325ULL;

	for (; *text != '\0'; text++) {
		h ^= (unsigned char)*text;
		h *= 0x100000001b3ULL;
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* The measured command line as a person would type it. */
static char *
command_text(char **argv)
{
	char	*out = xstrdup(""), *q, *t;
	size_t	 i;

	for (i = 0; argv[i] != NULL; i++) {
		q = argv_quote(argv[i]);
		xasprintf(&t, "%s%s%s", out, i > 0 ? " " : "", q);
		free(q);
		free(out);
		out = t;
	}
	return (out);
}

/* The argv of the build step and the command; NULL, or why not. */
static char *
srun_argv(struct srun *s, const char *params)
{
	char	**keys, **values, *cause = NULL, *reason;
	size_t	  n;

	session_params_parse(params, &keys, &values, &n);
	if ((s->suite->build != NULL && argv_build(s->suite, s->suite->build,
	    keys, values, n, &s->build_argv, &cause) != 0) ||
	    argv_build(s->suite, s->suite->command, keys, values, n, &s->argv,
	    &cause) != 0) {
		xasprintf(&reason, "%s", cause);
		free(cause);
	} else
		reason = NULL;
	session_params_free(keys, values, n);
	return (reason);
}

/* Record the start: what runs, where, on what machine.  0, or -1. */
static int
srun_record_start(struct srun *s, const struct session_row *r)
{
	struct session_start	 ss;
	char			*detected = NULL, *fp, *cmd, hash[17];
	int			 dirty = -1, rc;

	if (s->suite->repo != NULL) {
		detected = xstrdup(r->rev);	/* checked out by benchd */
		dirty = 0;
	} else if (r->rev != NULL)
		detected = xstrdup(r->rev);	/* --rev overrides git */
	else
		rev_detect(s->suite->workdir, &detected, &dirty);
	suite_hash(s->suite->text, hash);
	fp = fingerprint_json(s->conf->cond.sys_root);
	cmd = command_text(s->argv);
	memset(&ss, 0, sizeof ss);
	ss.text = s->suite->text;
	ss.hash = hash;
	ss.rev = detected;
	ss.dirty = dirty;
	ss.cpus = s->cpus_text;
	ss.nice = s->suite->nice;
	ss.fingerprint = fp;
	ss.command = cmd;
	ss.cgroup = sched_cgroup_where();
	ss.max_stall = s->conf->cond.max_stall;
	if ((rc = store_begin(db)) == 0) {
		if ((rc = store_session_start(db, s->id, &ss)) == 0)
			rc = sched_rev_start(s, &ss);
		if (rc == 0)
			rc = store_commit(db);
		else
			store_rollback(db);
	}
	free(detected);
	free(fp);
	free(cmd);
	return (rc);
}

static void
sched_start(int64_t id)
{
	struct session_row	 r;
	struct fsm_plan		 plan;
	struct srun		*s;
	char			*reason;

	if (store_session_get(db, id, &r) != 0)
		return;
	s = xcalloc(1, sizeof *s);
	s->id = id;
	s->conf = cfg;
	s->throttle_delta = -1;
	memset(&s->usage, 0xff, sizeof s->usage);	/* -1 each */
	memset(&plan, 0, sizeof plan);
	plan.warmup = r.warmup;
	plan.runs = r.runs;
	plan.max_runs = r.max_runs;
	plan.cv_target = r.cv_target;
	plan.profile = store_profile_requested(db, id) == 1;
	fsm_init(&s->fsm, &plan);
	cur = s;
	if ((s->suite = conf_suite(cfg, r.suite)) == NULL) {
		xasprintf(&reason, "suite \"%s\" is no longer configured",
		    r.suite);
		goto fail;
	}
	if (s->suite->repo == NULL && access(s->suite->workdir, X_OK) != 0) {
		xasprintf(&reason, "workdir %s: %s", s->suite->workdir,
		    strerror(errno));
		goto fail;
	}
	if ((reason = sched_rev_setup(s, &r)) != NULL)
		goto fail;
	if ((reason = srun_argv(s, r.params)) != NULL)
		goto fail;
	s->fsm.plan.build = s->build_argv != NULL;
	if (s->suite->ntiming_prefixes > 0)
		s->timing = timing_new(s->suite->timing_prefixes,
		    s->suite->ntiming_prefixes);
	sched_place(s);
	if (srun_record_start(s, &r) != 0) {
		if (store_fault(db)) {
			/* Still queued: started again when the database is. */
			session_row_free(&r);
			xasprintf(&reason, "the start of session %lld",
			    (long long)id);
			sched_unplace(s);
			cur = NULL;
			srun_free(s);
			sched_hold(NULL, reason);
			free(reason);
			return;
		}
		xasprintf(&reason, "storage: %s", store_errmsg(db));
		goto fail;
	}
	sched_hold_clear();
	sched_stall_moved();
	session_row_free(&r);
	log_info("session %lld: suite %s started", (long long)id,
	    s->suite->name);
	conditions_layout_keep();
	sched_drive(s, FE_BEGIN, NULL);
	return;
fail:
	sched_rev_orphan(s, &r, reason);
	session_row_free(&r);
	sched_drive(s, FE_FAIL, reason);
	free(reason);
}

static void
sched_kick_cb(evutil_socket_t fd, short events, void *arg)
{
	int64_t	id;

	if (cur != NULL || shutting_down)
		return;
	/* Sessions left running are settled before any other starts. */
	if (!recovered) {
		if (sched_recover() != 0) {
			sched_hold(NULL, "the sessions left running, as "
			    "interrupted");
			return;
		}
		recovered = 1;
		sched_hold_clear();
		/* A bisection whose step a restart ended takes it again. */
		sched_bisect_resume();
	}
	/*
	 * No notification goes out while a session is in flight: what is
	 * due is tried first, and the delivery thread kicks the scheduler
	 * again when it is done.
	 */
	if ((id = store_next_queued(db)) > 0) {
		if (alert_between() != 0)
			return;
		sched_start(id);
	}
	if (cur == NULL)
		alert_quiet(0);
}

/* Look at the queue from the event loop, never from inside a callback. */
void
sched_kick(void)
{
	event_active(kick_ev, 0, 0);
}

void
sched_init(void)
{
	sched_gate_init();
	sched_cgroup_init();
	sched_stall_init();
	kick_ev = event_new(ev_base, -1, 0, sched_kick_cb, NULL);
	sched_kick();
}

enum cancel_result
sched_cancel(int64_t id, uid_t uid, char *state, size_t len)
{
	struct session_row	 r;
	char			*reason;
	int64_t			 bisect = 0;
	int			 rc;

	/* Arm B of the A/B test in flight: the test is cancelled. */
	if (cur != NULL && cur->fsm.plan.ab && cur->arm_id[1] == id)
		id = cur->id;
	if (cur != NULL && cur->id == id) {
		if (!fsm_cancellable(&cur->fsm)) {
			snprintf(state, len, "%s",
			    session_state_name(cur->fsm.end_state));
			return (CANCEL_ENDING);
		}
		xasprintf(&reason, "cancelled by uid %ld", (long)uid);
		sched_drive(cur, FE_CANCEL, reason);
		free(reason);
		/* A workload to stop, or a write to finish, first. */
		return (cur != NULL && cur->id == id ? CANCEL_STOPPING :
		    CANCEL_OK);
	}
	switch (store_session_get(db, id, &r)) {
	case 1:
		return (CANCEL_NO_SESSION);
	case -1:
		return (CANCEL_STORAGE);
	}
	snprintf(state, len, "%s", session_state_name(r.state));
	rc = r.state == SESSION_QUEUED;
	if (!rc) {
		session_row_free(&r);
		return (CANCEL_NOT_QUEUED);
	}
	store_refresh(db);
	xasprintf(&reason, "cancelled by uid %ld", (long)uid);
	/* An arm of an A/B test is cancelled with the other. */
	if ((rc = store_begin(db)) == 0) {
		if ((rc = store_session_finish(db, id, SESSION_CANCELLED,
		    reason)) == 0)
			rc = sched_rev_cancel_pair(&r, reason, &bisect);
		if (rc == 0)
			rc = store_commit(db);
		else
			store_rollback(db);
	}
	session_row_free(&r);
	/* Its subscribers hear of its end as of any other's. */
	if (rc == 0)
		wire_notify_finished(id, SESSION_CANCELLED, reason);
	free(reason);
	if (rc == 0 && bisect > 0)
		sched_bisect_advance(bisect);	/* it ends as cancelled */
	return (rc != 0 ? CANCEL_STORAGE : CANCEL_OK);
}

/* SIGTERM: the session in flight ends as interrupted (sched_abort). */
void
sched_shutdown(const char *reason)
{
	shutting_down = 1;
	if (cur != NULL)
		sched_drive(cur, FE_SHUTDOWN, reason);
}
