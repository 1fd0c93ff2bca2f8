/*
 * sched-run.c -- the actions of a session that spawn its children and
 * record its runs: the build step (never measured), the warmup and
 * measured runs, and the write of each run the moment it ends.  When a
 * child exits, what it did goes to the state machine as FE_EXITED.
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
#include "fleet.h"
#include "leftover.h"
#include "log.h"
#include "rules.h"
#include "runner.h"
#include "sched-int.h"
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

/* The end of the child's stderr tail, for a reason line. */
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
run_output(void *arg, int stream, const char *buf, size_t len)
{
	struct srun	*s = arg;

	if (s->timing == NULL)
		return;
	timing_feed(s->timing, stream == 1 ? TIMING_STDOUT : TIMING_STDERR,
	    buf, len);
}

/* Spawn one child of argv with the workload's environment. */
int
sched_spawn(struct srun *s, char **argv, const char *iter, int timeout,
    runner_output_cb out, runner_done_cb done, char **cause)
{
	struct run_spec	 rs;
	char		**envp, id[32];

	runner_free(s->runner);
	s->runner = NULL;
	sched_cgroup_open(s);
	snprintf(id, sizeof id, "%lld", (long long)s->id);
	argv_env(s->conf, s->suite, id, iter, &envp);
	sched_rev_env(s, &envp);
	memset(&rs, 0, sizeof rs);
	rs.argv = argv;
	rs.envp = envp;
	rs.cwd = sched_cwd(s);
	rs.timeout = timeout;
	rs.kill_grace = s->conf->kill_grace;
	rs.cpus = s->have_cpus ? &s->cpus : NULL;
	rs.nice = s->suite->nice;
	rs.cgroup = s->cg_dir;
	if (conditions_busy_us(&s->conf->cond, rs.cpus, &s->busy_before,
	    &s->busy_ncpus) != 0)
		s->busy_ncpus = 0;
	s->runner = runner_start(ev_base, &rs, out, done, s, cause);
	argv_free(envp);
	if (s->runner == NULL) {
		sched_cgroup_close(s, 0, NULL);
		return (-1);
	}
	fleet_quiet(1);
	return (0);
}

/*
 * The child is gone: its cgroup read and removed, its runner let go, and
 * the state machine told (reason, when not NULL, is freed here).
 */
void
sched_exited(struct srun *s, const struct run_result *rr, int ok,
    int disturbed, char *reason)
{
	struct fsm_input	in;

	/* rr is the runner's own: read it before the runner goes. */
	memset(&in, 0, sizeof in);
	in.wall = rr != NULL ? rr->wall_ns / 1e9 : 0;
	in.value = sched_metric(s, rr);
	conditions_child_ended();
	runner_free(s->runner);
	s->runner = NULL;
	fleet_quiet(0);
	sched_cgroup_close(s, 0, NULL);
	in.ev = FE_EXITED;
	in.ok = ok;
	in.disturbed = disturbed;
	in.reason = reason;
	sched_step(s, &in);
	free(reason);
}

static void
build_done(void *arg, const struct run_result *rr)
{
	struct srun	*s = arg;
	char		*why, *err, *reason = NULL;
	int		 ok = !run_failed(rr);

	sched_cleanup(s);
	if (!ok) {
		why = describe_status(rr, s->suite->build_timeout);
		err = sched_stderr_excerpt(s);
		xasprintf(&reason, "%s%s%s", why, *err != '\0' ?
		    "; stderr: " : "", err);
		free(err);
		free(why);
	}
	sched_exited(s, rr, ok, 0, reason);
}

/* FA_SPAWN_BUILD */
int
sched_spawn_build(struct srun *s, struct fsm_input *next)
{
	char	*cause = NULL;

	if (sched_spawn(s, s->build_argv, "build", s->suite->build_timeout,
	    NULL, build_done, &cause) != 0) {
		next->ev = FE_SPAWN_FAILED;
		next->reason = cause;
		return (1);
	}
	sched_notify_progress(s);
	return (0);
}

/*
 * The CPU time other processes took on the run's CPUs while it ran: their
 * busy time less the run's own (its cgroup's, the whole tree).
 */
static void
sched_others(struct srun *s)
{
	int64_t	after;
	int	n;

	s->others_us = -1;
	if (s->busy_ncpus == 0 || s->usage.user_us < 0 ||
	    s->usage.system_us < 0 ||
	    conditions_busy_us(&s->conf->cond, s->have_cpus ? &s->cpus :
	    NULL, &after, &n) != 0 || n != s->busy_ncpus)
		return;
	s->others_us = after - s->busy_before - s->usage.user_us -
	    s->usage.system_us;
	if (s->others_us < 0)
		s->others_us = 0;
}

/* What a measured or warmup run did, kept until it is recorded. */
static void
run_done(void *arg, const struct run_result *rr)
{
	struct srun	*s = arg;
	uint64_t	 after;
	int		 ok = !run_failed(rr), disturbed;

	sched_cleanup(s);
	sched_cgroup_close(s, rr->cgroup_err == 0, &s->usage);
	sched_others(s);
	/* Another process took the CPU from a measured run: not counted. */
	disturbed = ok && !s->fsm.in_warmups && rule_disturbed(
	    s->usage.cpu_some_us, s->others_us, s->busy_ncpus, rr->wall_ns,
	    s->conf->cond.max_stall);
	s->rr = *rr;
	free(s->out_tail);
	free(s->err_tail);
	s->out_tail = s->err_tail = NULL;
	s->out_len = s->err_len = 0;
	if (!ok) {
		runner_tail(s->runner, 1, &s->out_len, &s->out_tail);
		runner_tail(s->runner, 2, &s->err_len, &s->err_tail);
	}
	s->throttle_delta = -1;
	if (s->throttle_ok &&
	    conditions_throttle_total(&s->conf->cond, &after) == 0)
		s->throttle_delta = after >= s->throttle_before ?
		    (int64_t)(after - s->throttle_before) : 0;
	sched_exited(s, rr, ok, disturbed, ok ? NULL :
	    describe_status(rr, s->suite->timeout));
}

/* FA_SPAWN_RUN: a warmup (the conditions recorded, never waited for) or a
 * measured run (the gate has just checked them). */
int
sched_spawn_run(struct srun *s, struct fsm_input *next)
{
	const struct fsm	*f = &s->fsm;
	char			 iter[32], *cause = NULL;

	if (f->in_warmups) {
		sched_snapshot(s);
		snprintf(iter, sizeof iter, "warmup-%d", f->warmups_done + 1);
	} else
		snprintf(iter, sizeof iter, "%d", f->measured + 1);
	if (s->timing != NULL)
		timing_reset(s->timing);
	s->throttle_ok = conditions_throttle_total(&s->conf->cond,
	    &s->throttle_before) == 0;
	s->run_started = store_now_ms();
	if (sched_spawn(s, s->argv, iter, s->suite->timeout, run_output,
	    run_done, &cause) != 0) {
		next->ev = FE_SPAWN_FAILED;
		next->reason = cause;
		return (1);
	}
	sched_notify_start(s);
	return (0);
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

/* FA_RECORD_RUN: the run that ended, with its phases, in one commit. */
int
sched_record_run(struct srun *s, struct fsm_input *next)
{
	const struct fsm	*f = &s->fsm;
	const struct run_result	*rr = &s->rr;
	struct run_phase	*phases;
	struct run_row		 row;
	int			 rc;

	memset(&row, 0, sizeof row);
	row.seq = f->seq + 1;
	row.warmup = f->in_warmups;
	row.iteration = (f->in_warmups ? f->warmups_done : f->measured) + 1;
	if (f->plan.ab) {
		/* Each arm's session numbers its own runs. */
		row.seq = f->arm_seq[f->arm] + 1;
		row.iteration = (f->in_warmups ? f->arm_warmups :
		    f->arm_measured)[f->arm] + 1;
	}
	row.started_at = s->run_started;
	row.wall_ns = rr->wall_ns;
	row.ru = rr->ru;
	row.exit_code = WIFEXITED(rr->status) ? WEXITSTATUS(rr->status) : -1;
	row.signal = WIFSIGNALED(rr->status) ? WTERMSIG(rr->status) : 0;
	row.timed_out = rr->timed_out;
	row.stdout_tail = s->out_tail;
	row.stdout_len = s->out_len;
	row.stderr_tail = s->err_tail;
	row.stderr_len = s->err_len;
	row.canonical = s->canonical;
	row.conditions = s->snapshot;
	row.throttle_delta = s->throttle_delta;
	row.cg_user_us = s->usage.user_us;
	row.cg_system_us = s->usage.system_us;
	row.cpu_stall_us = s->usage.cpu_some_us;
	row.others_cpu_us = s->others_us;
	row.busy_cpus = s->busy_ncpus;
	row.io_stall_us = s->usage.io_some_us;
	row.mem_peak_kb = s->usage.mem_peak_kb;
	row.disturbed = s->fsm.run_disturbed;
	if (s->timing != NULL) {
		row.timing_malformed = timing_malformed(s->timing);
		row.timing_example = timing_malformed_example(s->timing);
	}
	phases = run_phases(s, &row.nphases);
	row.phases = phases;
	rc = store_run_insert(db, sched_arm_id(s), &row);
	free(phases);
	return (sched_store_answer(s, rc, next));
}
