/*
 * sched-rev.c -- sessions of a suite on a repository: the worktree of
 * each arm (checked out by the FA_CHECKOUT action), the second arm of an
 * A/B test (its own session, whose runs alternate with the first's), the
 * test's decision, and the confirmation of a regressed verdict.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argv.h"
#include "benchd.h"
#include "conf.h"
#include "git.h"
#include "log.h"
#include "sched-int.h"
#include "store.h"
#include "timing.h"
#include "xmalloc.h"

/* The directory the database is in: benchd's state. */
static char *
state_dir(void)
{
	const char	*slash = strrchr(cfg->database, '/');

	if (slash == NULL || slash == cfg->database)
		return (xstrdup("/"));
	return (xstrndup(cfg->database, slash - cfg->database));
}

/* Where arm runs: its worktree; the suite's workdir off a repository. */
const char *
sched_cwd(const struct srun *s)
{
	if (s->suite->repo != NULL && s->wt[s->fsm.arm] != NULL)
		return (s->wt[s->fsm.arm]);
	return (s->suite->workdir);
}

/* "wall", "user" or "phase:NAME": what an A/B test can decide on. */
int
rev_metric_valid(const char *m)
{
	if (strcmp(m, "wall") == 0 || strcmp(m, "user") == 0)
		return (1);
	return (strncmp(m, "phase:", 6) == 0 && m[6] != '\0' &&
	    strlen(m) < 200);
}

/*
 * The run's value of the A/B test's metric, in seconds: its wall time,
 * its user CPU time, or the total of one phase's timing lines (NAN when
 * the run printed none).
 */
double
sched_metric(struct srun *s, const struct run_result *rr)
{
	const struct timing_phase	*p;
	double				 v = NAN;
	size_t				 i;

	if (rr == NULL)
		return (NAN);
	if (s->metric == NULL)
		return (rr->wall_ns / 1e9);
	if (strcmp(s->metric, "user") == 0)
		return (rr->ru.ru_utime.tv_sec + rr->ru.ru_utime.tv_usec / 1e6);
	if (s->timing == NULL)
		return (NAN);
	timing_finish(s->timing);
	for (i = 0; i < timing_count(s->timing); i++) {
		p = timing_get(s->timing, i);
		if (strcmp(p->phase, s->metric + 6) == 0)
			v = (isnan(v) ? 0 : v) + p->total_ns / 1e9;
	}
	return (v);
}

/* The session of the arm under way. */
int64_t
sched_arm_id(const struct srun *s)
{
	return (s->fsm.plan.ab ? s->arm_id[s->fsm.arm] : s->id);
}

/*
 * A session on a repository: its commit (and with an A/B test, arm B's
 * session and commit), worktree and build directory per arm.  NULL, or
 * why it cannot start.
 */
char *
sched_rev_setup(struct srun *s, const struct session_row *r)
{
	struct session_row	 b;
	struct ab_row		 ab;
	char			*dir, *reason = NULL;
	int			 i;

	s->arm_id[0] = s->id;
	if (s->suite->repo == NULL) {
		if (r->ab_id > 0)
			return (xstrdup("an A/B test needs a suite with repo"));
		return (NULL);
	}
	if (r->rev == NULL)
		return (xstrdup("no commit to check out"));
	s->commit[0] = xstrdup(r->rev);
	if (r->ab_id > 0) {
		if (store_ab_get(db, r->ab_id, &ab) != 0)
			return (xstrdup("its A/B test is not in the database"));
		s->ab_id = ab.id;
		s->arm_id[1] = ab.session_b;
		if (ab.metric != NULL && strcmp(ab.metric, "wall") != 0)
			s->metric = xstrdup(ab.metric);
		ab_row_free(&ab);
		if (store_session_get(db, s->arm_id[1], &b) != 0)
			return (xstrdup("arm B's session is not in the "
			    "database"));
		if (b.state != SESSION_QUEUED)
			xasprintf(&reason, "arm B (session %lld) is %s",
			    (long long)b.id, session_state_name(b.state));
		else if (b.rev == NULL)
			reason = xstrdup("arm B has no commit");
		else
			s->commit[1] = xstrdup(b.rev);
		session_row_free(&b);
		if (reason != NULL)
			return (reason);
		s->fsm.plan.ab = 1;
		s->fsm.plan.threshold = s->suite->noise;
	}
	s->fsm.plan.checkout = 1;
	dir = state_dir();
	for (i = 0; i < 2; i++) {
		xasprintf(&s->wt[i], "%s/worktrees/%s/%c", dir, s->suite->name,
		    "ab"[i]);
		xasprintf(&s->build_dir[i], "%s/build/%s/%c", dir,
		    s->suite->name, "ab"[i]);
	}
	free(dir);
	return (NULL);
}

/*
 * Arm A cannot start: arm B, still queued, ends with it, for the queue
 * never takes up a B on its own.  (Once set up, sched_rev_finish does.)
 */
void
sched_rev_orphan(struct srun *s, const struct session_row *r,
    const char *reason)
{
	struct ab_row		 ab;
	struct session_row	 b;

	if (r->ab_id == 0 || s->fsm.plan.ab ||
	    store_ab_get(db, r->ab_id, &ab) != 0)
		return;
	if (ab.session_b > 0 && store_session_get(db, ab.session_b, &b) == 0) {
		if (b.state == SESSION_QUEUED && store_session_finish(db, b.id,
		    SESSION_FAILED, reason) != 0)
			log_warnx("session %lld: %s", (long long)b.id,
			    store_errmsg(db));
		session_row_free(&b);
	}
	ab_row_free(&ab);
}

/*
 * A queued arm is cancelled: the other arm, queued, too; *bisect is the
 * bisection the test is a step of (0: none).  0, or -1.
 */
int
sched_rev_cancel_pair(const struct session_row *r, const char *reason,
    int64_t *bisect)
{
	struct ab_row		 ab;
	struct session_row	 o;
	int64_t			 other;
	int			 rc = 0;

	*bisect = 0;
	if (r->ab_id == 0 || store_ab_get(db, r->ab_id, &ab) != 0)
		return (0);
	*bisect = ab.bisect_id;
	other = ab.session_a == r->id ? ab.session_b : ab.session_a;
	ab_row_free(&ab);
	if (other > 0 && store_session_get(db, other, &o) == 0) {
		if (o.state == SESSION_QUEUED)
			rc = store_session_finish(db, other, SESSION_CANCELLED,
			    reason);
		session_row_free(&o);
	}
	return (rc);
}

void
sched_rev_free(struct srun *s)
{
	int	i;

	for (i = 0; i < 2; i++) {
		free(s->wt[i]);
		free(s->build_dir[i]);
		free(s->commit[i]);
	}
	free(s->metric);
}

static void
checkout_done(void *arg, const struct run_result *rr)
{
	struct srun	*s = arg;
	char		*err, *reason = NULL;
	int		 ok = WIFEXITED(rr->status) &&
			    WEXITSTATUS(rr->status) == 0 && !rr->timed_out;

	if (ok)
		log_info("session %lld: %s at %.12s", (long long)sched_arm_id(s),
		    s->wt[s->fsm.arm], s->commit[s->fsm.arm]);
	else {
		err = sched_stderr_excerpt(s);
		xasprintf(&reason, "checkout of %.12s failed%s%s",
		    s->commit[s->fsm.arm], *err != '\0' ? ": " : "", err);
		free(err);
	}
	sched_exited(s, rr, ok, 0, reason);
}

/*
 * FA_CHECKOUT: the arm's build directory made, and its worktree brought
 * to its commit by a child (git.c's script), which the event loop waits
 * for like a build step: a cancel stops it.
 */
int
sched_checkout(struct srun *s, struct fsm_input *next)
{
	static char *const	 envp[] = { "PATH=/usr/local/bin:/usr/bin:/bin",
	    "LC_ALL=C", "GIT_TERMINAL_PROMPT=0", "GIT_CONFIG_NOSYSTEM=1",
	    "HOME=/nonexistent", NULL };
	struct run_spec		 rs;
	int			 arm = s->fsm.arm;
	char			**argv, *cause = NULL;

	if (git_mkdirs(s->build_dir[arm], 1, &cause) != 0) {
		next->ev = FE_SPAWN_FAILED;
		xasprintf((char **)&next->reason, "build directory: %s", cause);
		free(cause);
		return (1);
	}
	argv = git_checkout_argv(s->suite->repo, s->wt[arm], s->commit[arm]);
	memset(&rs, 0, sizeof rs);
	rs.argv = argv;
	rs.envp = envp;
	rs.cwd = "/";
	rs.timeout = s->suite->build_timeout;
	rs.kill_grace = s->conf->kill_grace;
	runner_free(s->runner);
	s->runner = runner_start(ev_base, &rs, NULL, checkout_done, s,
	    &cause);
	argv_free(argv);
	if (s->runner == NULL) {
		next->ev = FE_SPAWN_FAILED;
		xasprintf((char **)&next->reason, "checkout: %s", cause);
		free(cause);
		return (1);
	}
	return (0);
}

/* The workload's environment gains where it runs and where to build. */
void
sched_rev_env(const struct srun *s, char ***envp)
{
	size_t	n = argv_count(*envp);
	int	arm = s->fsm.arm;

	if (s->suite->repo == NULL)
		return;
	*envp = xreallocarray(*envp, n + 3, sizeof **envp);
	xasprintf(&(*envp)[n++], "BENCHD_WORKTREE=%s", s->wt[arm]);
	xasprintf(&(*envp)[n++], "BENCHD_BUILD_DIR=%s", s->build_dir[arm]);
	(*envp)[n] = NULL;
}

/* Arm B starts with A: the same record but its commit.  0, or -1. */
int
sched_rev_start(struct srun *s, struct session_start *ss)
{
	if (!s->fsm.plan.ab)
		return (0);
	ss->rev = s->commit[1];
	return (store_session_start(db, s->arm_id[1], ss));
}

/* Arm B ends as A does.  0, or -1. */
int
sched_rev_finish(struct srun *s)
{
	const struct fsm	*f = &s->fsm;

	if (!f->plan.ab)
		return (0);
	return (store_session_finish(db, s->arm_id[1], f->end_state,
	    f->end_reason));
}

/*
 * What an A/B test of purpose confirm (its verdict v, its decision d) says
 * of the session it checked: stored, logged, and a confirmation told.
 */
static void
sched_rev_confirm(const struct ab_row *ab, enum verdict v,
    const struct ab_decision *d, double threshold)
{
	struct session_row	 r;
	const char		*conf;
	int			 suspicion;

	if (store_session_get(db, ab->confirms, &r) != 0)
		return;
	conf = rule_confirmation(r.verdict, r.change, v);
	suspicion = r.verdict != VERDICT_REGRESSED;
	session_row_free(&r);
	if (store_confirmation_set(db, ab->confirms, conf) != 0) {
		log_warnx("session %lld: cannot record its confirmation: %s",
		    (long long)ab->confirms, store_errmsg(db));
		return;
	}
	log_info("session %lld: %s %s by A/B test %lld",
	    (long long)ab->confirms, suspicion ? "suspected change" :
	    "regression", conf, (long long)ab->id);
	if (strcmp(conf, "confirmed") == 0)
		sched_verdict_confirmed(ab->confirms, d, threshold);
}

/* FA_END of an A/B test: its decision stored, what it confirms told. */
void
sched_rev_end(struct srun *s)
{
	const struct ab_decision	*d = &s->fsm.ab;
	struct ab_row			 ab;
	enum verdict			 v;

	if (s->ab_id == 0)
		return;
	v = s->fsm.end_state == SESSION_COMPLETED ? d->verdict :
	    VERDICT_NONE;
	if (store_ab_decide(db, s->ab_id, v, d->change, d->ci_low,
	    d->ci_high, s->fsm.plan.threshold, d->pairs,
	    s->fsm.failed_arm) != 0)
		log_warnx("A/B test %lld: cannot record its decision: %s",
		    (long long)s->ab_id, store_errmsg(db));
	if (store_ab_get(db, s->ab_id, &ab) != 0)
		return;
	if (ab.confirms > 0)
		sched_rev_confirm(&ab, v, d, s->fsm.plan.threshold);
	if (ab.bisect_id > 0)
		sched_bisect_advance(ab.bisect_id);
	ab_row_free(&ab);
}

/*
 * A new session of suite at commit c, planned as the suite plans it
 * (sn's strings point into su, params and c).
 */
void
rev_session_new(const struct suite *su, const char *params,
    const struct git_commit *c, struct session_new *sn)
{
	memset(sn, 0, sizeof *sn);
	method_session_plan(su, 0, -1, sn);
	sn->params = params;
	sn->rev = c->id;
	sn->commit_time = c->time;
	sn->commit_subject = c->subject;
}

/*
 * Queue an A/B test of su between commits a and b (meta: its purpose
 * and what it serves).  Its id, or -1 (*cause says why).
 */
int64_t
rev_ab_queue(const struct suite *su, const char *params, const char *a,
    const char *b, struct ab_row *meta, int64_t uid, int max_runs,
    int64_t ids[2], char **cause)
{
	struct git_commit	 ca, cb;
	struct session_new	 sa, sb;
	int64_t			 id;

	*cause = NULL;
	if (su->repo == NULL) {
		xasprintf(cause, "suite %s has no repo", su->name);
		return (-1);
	}
	if (git_resolve(su->repo, a, &ca, cause) != 0)
		return (-1);
	if (git_resolve(su->repo, b, &cb, cause) != 0) {
		git_commit_free(&ca);
		return (-1);
	}
	rev_session_new(su, params, &ca, &sa);
	rev_session_new(su, params, &cb, &sb);
	sa.queued_by = sb.queued_by = uid;
	if (max_runs > sa.max_runs)
		sa.max_runs = sb.max_runs = max_runs;
	meta->suite = su->name;
	meta->params = (char *)params;
	if ((id = store_ab_queue(db, meta, &sa, &sb, ids)) < 0)
		xasprintf(cause, "storage: %s", store_errmsg(db));
	meta->suite = NULL;
	meta->params = NULL;
	git_commit_free(&ca);
	git_commit_free(&cb);
	if (id > 0)
		sched_kick();
	return (id);
}

/*
 * A session on a repository regressed against its baseline, or changed
 * by more than it could decide (rule_suspect): an A/B test of the
 * baseline's commit (A) against the session's (B) confirms it or not
 * before `regressions` reports it.
 */
void
sched_confirm(struct srun *s, int64_t base)
{
	struct session_row	 r, b;
	struct ab_row		 meta;
	int64_t			 ids[2], id;
	char			*cause;

	if (s->suite->repo == NULL || store_session_get(db, s->id, &r) != 0)
		return;
	if (store_session_get(db, base, &b) != 0) {
		session_row_free(&r);
		return;
	}
	/* A suspicion between two sessions of one commit is the machine's. */
	if (r.rev != NULL && b.rev != NULL && r.ab_id == 0 &&
	    (r.verdict == VERDICT_REGRESSED || strcmp(r.rev, b.rev) != 0)) {
		memset(&meta, 0, sizeof meta);
		meta.purpose = "confirm";
		meta.confirms = s->id;
		id = rev_ab_queue(s->suite, r.params, b.rev, r.rev, &meta,
		    r.queued_by, 0, ids, &cause);
		if (id < 0) {
			log_warnx("session %lld: cannot queue its confirmation: "
			    "%s", (long long)s->id, cause);
			free(cause);
		} else {
			if (store_confirmation_set(db, s->id, "pending") != 0)
				log_warnx("session %lld: %s", (long long)s->id,
				    store_errmsg(db));
			log_info("session %lld against %lld: A/B test %lld "
			    "checks its change", (long long)s->id,
			    (long long)base, (long long)id);
		}
	}
	session_row_free(&r);
	session_row_free(&b);
}
