/*
 * sched-gate.c -- the canonical-conditions gate and CPU placement.
 *
 * The gate runs before a session starts and before every measured run.
 * policy=wait re-checks on a timer (never a busy loop) until the checks
 * pass or wait_timeout runs out; policy=warn runs anyway and flags the run;
 * policy=refuse fails the session at once (rule_gate in rules.c).  Warmup
 * runs record the checks but never wait.
 */
#include "config.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "benchd.h"
#include "conditions.h"
#include "conf.h"
#include "log.h"
#include "rules.h"
#include "sched-int.h"
#include "store.h"
#include "xmalloc.h"

static cpu_set_t	own_cpus;	/* benchd's affinity at start */
static int		have_own_cpus;

void
sched_gate_init(void)
{
	have_own_cpus = sched_getaffinity(0, sizeof own_cpus, &own_cpus) == 0;
}

/* Run every check; keep the snapshot; 1 when canonical. */
static int
gate_check(struct srun *s, char **failing)
{
	struct cond_report	 r;
	int			 ok;

	conditions_check(&s->conf->cond, getpid(), &r);
	free(s->snapshot);
	s->snapshot = conditions_report_text(&r);
	ok = conditions_canonical(&r);
	if (failing != NULL)
		*failing = ok ? NULL : conditions_report_failing(&r);
	conditions_report_free(&r);
	return (ok);
}

/* Before a warmup: record the conditions, flag, never wait. */
void
sched_snapshot(struct srun *s)
{
	s->canonical = gate_check(s, NULL);
}

static void
gate_recheck_cb(evutil_socket_t fd, short events, void *arg)
{
	sched_drive(arg, FE_TIMER, NULL);
}

static double
gate_waited(const struct srun *s)
{
	struct timespec	now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return ((now.tv_sec - s->wait_start.tv_sec) +
	    (now.tv_nsec - s->wait_start.tv_nsec) / 1e9);
}

/*
 * FA_GATE: check the conditions and apply the policy (rule_gate); the
 * answer is FE_GATE_PASS (s->canonical says whether the checks passed),
 * FE_GATE_WAIT or FE_GATE_FAIL with the reason.
 */
void
sched_gate(struct srun *s, struct fsm_input *next)
{
	const struct config_conditions	*cc = &s->conf->cond;
	enum gate_decision		 d;
	char				*failing, *reason;

	/*
	 * Notifications went out while the session waited: the next run
	 * waits for the one under way (alert-deliver.c kicks no one here,
	 * so this is the recheck's business).
	 */
	if (s->waiting && alert_quiet(1) != 0) {
		free(s->wait_reason);
		s->wait_reason = xstrdup("a notification is being delivered");
		next->ev = FE_GATE_WAIT;
		return;
	}
	if (gate_check(s, &failing)) {
		if (s->waiting)
			log_info("session %lld: conditions canonical again "
			    "after %.1f s", (long long)s->id, gate_waited(s));
		s->waiting = 0;
		s->canonical = 1;
		next->ev = FE_GATE_PASS;
		return;
	}
	if (cc->policy == POLICY_WAIT && !s->waiting) {
		s->waiting = 1;
		s->wait_since = store_now_ms();
		clock_gettime(CLOCK_MONOTONIC, &s->wait_start);
		log_info("session %lld: waiting for canonical conditions: %s",
		    (long long)s->id, failing);
	}
	if (s->waiting && !s->wait_told &&
	    gate_waited(s) >= s->conf->notify.notify_after) {
		s->wait_told = 1;
		alert_not_canonical(db, s->id, (int64_t)gate_waited(s), failing);
	}
	d = rule_gate(cc->policy, 0, failing, s->waiting ? gate_waited(s) : 0,
	    cc->wait_timeout, &reason);
	switch (d) {
	case GATE_PASS:		/* policy=warn */
		log_info("session %lld: running under non-canonical "
		    "conditions: %s", (long long)s->id, failing);
		free(failing);
		s->canonical = 0;
		next->ev = FE_GATE_PASS;
		break;
	case GATE_FAIL:
		free(failing);
		next->ev = FE_GATE_FAIL;
		next->reason = reason;
		break;
	case GATE_WAIT:
		free(s->wait_reason);
		s->wait_reason = failing;
		next->ev = FE_GATE_WAIT;
		break;
	}
}

/* FA_WAIT: check again after recheck_interval, or when the wait runs out. */
void
sched_gate_wait(struct srun *s)
{
	const struct config_conditions	*cc = &s->conf->cond;
	struct timeval			 tv;
	double				 left;

	if (s->recheck == NULL)
		s->recheck = evtimer_new(ev_base, gate_recheck_cb, s);
	left = cc->wait_timeout - gate_waited(s);
	if (left > cc->recheck_interval)
		left = cc->recheck_interval;
	if (left < 0)
		left = 0;
	tv.tv_sec = (time_t)left;
	tv.tv_usec = (suseconds_t)((left - tv.tv_sec) * 1e6);
	evtimer_add(s->recheck, &tv);
	/* Nothing is measured while it waits: notifications may go. */
	alert_quiet(0);
	sched_notify_progress(s);
}

/* The kernel's isolated CPUs (isolcpus=), if any. */
static int
isolated_cpus(const struct config_conditions *cc, cpu_set_t *set, char **text)
{
	char	 path[4096], buf[256], *cause = NULL;
	FILE	*f;
	size_t	 n;

	snprintf(path, sizeof path, "%s/sys/devices/system/cpu/isolated",
	    strcmp(cc->sys_root, "/") == 0 ? "" : cc->sys_root);
	if ((f = fopen(path, "r")) == NULL)
		return (0);
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (buf[0] == '\0')
		return (0);
	if (conf_parse_cpus(buf, set, &cause) != 0) {
		log_warnx("%s: %s", path, cause);
		free(cause);
		return (0);
	}
	*text = xstrdup(buf);
	return (1);
}

/*
 * Where the workload runs: the suite's cpus, else the isolated CPUs.
 * benchd keeps itself to the other CPUs while the session runs.
 */
void
sched_place(struct srun *s)
{
	cpu_set_t	rest;
	int		i;

	if (s->suite->cpus != NULL) {
		s->cpus = s->suite->cpuset;
		s->cpus_text = xstrdup(s->suite->cpus);
		s->have_cpus = 1;
	} else
		s->have_cpus = isolated_cpus(&s->conf->cond, &s->cpus,
		    &s->cpus_text);
	if (!s->have_cpus || !have_own_cpus)
		return;
	CPU_ZERO(&rest);
	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &own_cpus) && !CPU_ISSET(i, &s->cpus))
			CPU_SET(i, &rest);
	if (CPU_COUNT(&rest) > 0 &&
	    sched_setaffinity(0, sizeof rest, &rest) == -1)
		log_warn("sched_setaffinity for benchd");
}

/* The session is over: benchd may use every CPU again. */
void
sched_unplace(struct srun *s)
{
	if (s->have_cpus && have_own_cpus &&
	    sched_setaffinity(0, sizeof own_cpus, &own_cpus) == -1)
		log_warn("sched_setaffinity for benchd");
}
