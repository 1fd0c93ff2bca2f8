/*
 * sched-run.c -- the runs of the session in flight: the build step (never
 * measured), warmups, measured runs until the stopping rule holds, and the
 * recording of each run the moment it ends.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argv.h"
#include "benchd.h"
#include "conditions.h"
#include "conf.h"
#include "leftover.h"
#include "log.h"
#include "runner.h"
#include "sched-int.h"
#include "stats.h"
#include "store.h"
#include "timing.h"
#include "xmalloc.h"

#define ERR_TAIL_REASON	2048	/* bytes of stderr quoted in a reason */

/* "exited with status 2", "killed by signal 9 (Killed)", "timed out". */
static char *
describe_status(const struct run_result *rr, int timeout)
{
	char	*d;

	if (rr->timed_out)
		xasprintf(&d, "timed out after %d s", timeout);
	else if (WIFSIGNALED(rr->status))
		xasprintf(&d, "killed by signal %d (%s)", WTERMSIG(rr->status),
		    strsignal(WTERMSIG(rr->status)));
	else
		xasprintf(&d, "exited with status %d",
		    WEXITSTATUS(rr->status));
	return (d);
}

static int
run_failed(const struct run_result *rr)
{
	return (rr->timed_out || !WIFEXITED(rr->status) ||
	    WEXITSTATUS(rr->status) != 0);
}

/* The end of a stderr tail, for a reason line. */
char *
sched_stderr_excerpt(struct srun *s)
{
	char	*copy, *out;
	size_t	 len;

	runner_tail(s->runner, 2, &len, &copy);
	if (len > ERR_TAIL_REASON)
		xasprintf(&out, "...%s", copy + len - ERR_TAIL_REASON);
	else
		out = xstrdup(copy);
	free(copy);
	return (out);
}

/* Stop on cancel or shutdown: the run in flight is not recorded. */
int
sched_stopped(struct srun *s)
{
	if (!s->stopping)
		return (0);
	sched_finish(s, s->stopping == 1 ? "cancelled" : "interrupted",
	    s->stop_reason);
	return (1);
}

static void
run_output(void *arg, int stream, const char *buf, size_t len)
{
	struct srun	*s = arg;

	if (s->timing == NULL)
		return;
	timing_feed(s->timing, stream == 1 ? TIMING_STDOUT : TIMING_STDERR,
	    buf, len);
}

/*
 * Whatever the run started that left its process group (setsid, a
 * daemonising test) still carries BENCHD_SESSION: nothing outlives a run.
 */
void
sched_cleanup(struct srun *s)
{
	int	n;

	if ((n = leftover_kill(s->id, getpid(), NULL)) > 0)
		log_info("session %lld: killed %d process(es) the run left "
		    "behind", (long long)s->id, n);
}

static void
build_done(void *arg, const struct run_result *rr)
{
	struct srun	*s = arg;
	char		*why, *err, *reason;

	sched_cleanup(s);
	if (sched_stopped(s))
		return;
	if (run_failed(rr)) {
		why = describe_status(rr, s->suite->build_timeout);
		err = sched_stderr_excerpt(s);
		xasprintf(&reason, "build step %s%s%s", why,
		    *err != '\0' ? "; stderr: " : "", err);
		sched_finish(s, "failed", reason);
		free(reason);
		free(err);
		free(why);
		return;
	}
	runner_free(s->runner);
	s->runner = NULL;
	s->phase = s->warmup > 0 ? PH_WARMUP : PH_MEASURED;
	sched_next_run(s);
}

/* The run's timing lines as rows for the store (caller frees the array). */
static struct run_phase *
run_phases(struct srun *s, size_t *n)
{
	struct run_phase		*p;
	const struct timing_phase	*t;
	size_t				 i;

	if (s->timing == NULL) {
		*n = 0;
		return (xcalloc(1, sizeof (struct run_phase)));
	}
	timing_finish(s->timing);
	*n = timing_count(s->timing);
	p = xcalloc(*n + 1, sizeof *p);
	for (i = 0; i < *n; i++) {
		t = timing_get(s->timing, i);
		p[i].prefix = t->prefix;
		p[i].phase = t->phase;
		p[i].count = t->count;
		p[i].total_ns = t->total_ns;
		p[i].max_ns = t->max_ns;
	}
	return (p);
}

/* Fill a run row from what the runner measured. */
static void
run_row_fill(struct srun *s, const struct run_result *rr, struct run_row *row)
{
	uint64_t	after;

	memset(row, 0, sizeof *row);
	row->seq = s->seq + 1;
	row->warmup = s->phase == PH_WARMUP;
	row->iteration = row->warmup ? s->warmups_done + 1 : s->measured + 1;
	row->started_at = s->run_started;
	row->wall_ns = rr->wall_ns;
	row->ru = rr->ru;
	row->exit_code = WIFEXITED(rr->status) ? WEXITSTATUS(rr->status) : -1;
	row->signal = WIFSIGNALED(rr->status) ? WTERMSIG(rr->status) : 0;
	row->timed_out = rr->timed_out;
	row->canonical = s->canonical;
	row->conditions = s->snapshot;
	row->throttle_delta = -1;
	if (s->throttle_ok &&
	    conditions_throttle_total(&s->conf->cond, &after) == 0)
		row->throttle_delta = after >= s->throttle_before ?
		    (int64_t)(after - s->throttle_before) : 0;
	if (s->timing != NULL) {
		row->timing_malformed = timing_malformed(s->timing);
		row->timing_example = timing_malformed_example(s->timing);
	}
}

/*
 * Record the run that ended (s->held_rr), then go on.  When the database
 * refuses it, the run waits in memory and this is called again.
 */
static void
run_record(struct srun *s)
{
	const struct run_result	*rr = &s->held_rr;
	struct run_row		 row;
	struct run_phase	*phases;
	char			*out = NULL, *err = NULL, *why, *reason = NULL;
	int			 failed;

	failed = run_failed(rr);
	run_row_fill(s, rr, &row);
	phases = run_phases(s, &row.nphases);
	row.phases = phases;
	if (failed) {
		runner_tail(s->runner, 1, &row.stdout_len, &out);
		runner_tail(s->runner, 2, &row.stderr_len, &err);
		row.stdout_tail = out;
		row.stderr_tail = err;
	}
	if (store_run_insert(db, s->id, &row) != 0) {
		if (store_fault(db)) {
			s->held = 1;
			xasprintf(&reason, "%s run %d of session %lld",
			    row.warmup ? "warmup" : "measured", row.iteration,
			    (long long)s->id);
			sched_hold(s, reason, run_record);
			goto out;
		}
		xasprintf(&reason, "storage: %s", store_errmsg(db));
		sched_finish(s, "failed", reason);
		goto out;
	}
	if (s->held) {
		s->held = 0;
		sched_hold_clear();
	}
	s->seq = row.seq;
	s->last_wall = rr->wall_ns / 1e9;
	if (row.warmup)
		s->warmups_done++;
	else {
		s->walls = xreallocarray(s->walls, s->measured + 1,
		    sizeof *s->walls);
		s->walls[s->measured++] = s->last_wall;
	}
	if (failed) {
		why = describe_status(rr, s->suite->timeout);
		xasprintf(&reason, "%s run %d %s", row.warmup ? "warmup" :
		    "measured", row.iteration, why);
		free(why);
		sched_finish(s, "failed", reason);
		goto out;
	}
	runner_free(s->runner);
	s->runner = NULL;
	if (sched_stopped(s))		/* cancelled while the run was held */
		goto out;
	if (s->phase == PH_WARMUP && s->warmups_done >= s->warmup)
		s->phase = PH_MEASURED;
	sched_notify_progress(s);
	sched_next_run(s);
out:
	free(reason);
	free(phases);
	free(out);
	free(err);
}

static void
run_done(void *arg, const struct run_result *rr)
{
	struct srun	*s = arg;

	sched_cleanup(s);
	if (sched_stopped(s))
		return;
	s->held_rr = *rr;
	run_record(s);
}

/*
 * The stopping rule: N runs, then one more while the coefficient of
 * variation is above the target, up to max_runs.  Returns 1 when done,
 * with *unstable set when the target was never met.
 */
static int
stopping_rule(struct srun *s, char **unstable)
{
	struct stats_summary	sum;

	*unstable = NULL;
	if (s->measured < s->runs)
		return (0);
	if (s->measured < 2 || stats_summarize(s->walls, s->measured,
	    &sum) != 0 || !(sum.cv > s->cv_target))
		return (1);
	if (s->measured < s->max_runs)
		return (0);
	xasprintf(unstable, "CV %.2f%% still above the %.2f%% target after "
	    "%d runs (95%% CI of the mean ±%.2f%%)", sum.cv * 100,
	    s->cv_target * 100, s->measured, sum.ci_half / sum.mean * 100);
	return (1);
}

/* Spawn one run of argv with the workload's environment. */
int
sched_spawn(struct srun *s, char **argv, const char *iter, int timeout,
    runner_output_cb out, runner_done_cb done, char **cause)
{
	struct run_spec	 rs;
	char		**envp, id[32];

	snprintf(id, sizeof id, "%lld", (long long)s->id);
	argv_env(s->conf, s->suite, id, iter, &envp);
	memset(&rs, 0, sizeof rs);
	rs.argv = argv;
	rs.envp = envp;
	rs.cwd = s->suite->workdir;
	rs.timeout = timeout;
	rs.kill_grace = s->conf->kill_grace;
	rs.cpus = s->have_cpus ? &s->cpus : NULL;
	rs.nice = s->suite->nice;
	s->runner = runner_start(ev_base, &rs, out, done, s, cause);
	argv_free(envp);
	return (s->runner != NULL ? 0 : -1);
}

void
sched_next_run(struct srun *s)
{
	char	 iter[32], *cause = NULL, *unstable;

	if (s->phase == PH_MEASURED && stopping_rule(s, &unstable)) {
		s->phase = PH_DONE;
		if (s->profile)
			sched_profile(s, unstable != NULL ? "unstable" :
			    "completed", unstable);
		else
			sched_finish(s, unstable != NULL ? "unstable" :
			    "completed", unstable);
		free(unstable);
		return;
	}
	if (s->phase == PH_MEASURED) {
		if (sched_gate(s, sched_next_run) <= 0)
			return;
	} else
		sched_snapshot(s);
	if (s->phase == PH_WARMUP)
		snprintf(iter, sizeof iter, "warmup-%d", s->warmups_done + 1);
	else
		snprintf(iter, sizeof iter, "%d", s->measured + 1);
	if (s->timing != NULL)
		timing_reset(s->timing);
	s->throttle_ok = conditions_throttle_total(&s->conf->cond,
	    &s->throttle_before) == 0;
	s->run_started = store_now_ms();
	if (sched_spawn(s, s->argv, iter, s->suite->timeout, run_output,
	    run_done, &cause) != 0) {
		sched_finish(s, "failed", cause);
		free(cause);
		return;
	}
	sched_notify_start(s);
}

/* The build step, or straight to the runs when the suite has none. */
void
sched_build(struct srun *s)
{
	char	*cause = NULL, *reason;

	if (s->build_argv == NULL) {
		s->phase = s->warmup > 0 ? PH_WARMUP : PH_MEASURED;
		sched_next_run(s);
		return;
	}
	s->phase = PH_BUILD;
	if (sched_spawn(s, s->build_argv, "build", s->suite->build_timeout,
	    NULL, build_done, &cause) != 0) {
		xasprintf(&reason, "build step: %s", cause);
		sched_finish(s, "failed", reason);
		free(reason);
		free(cause);
		return;
	}
	sched_notify_progress(s);
}
