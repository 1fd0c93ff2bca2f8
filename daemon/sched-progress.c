/*
 * sched-progress.c -- what the session in flight is doing, for status,
 * session.get and the session.progress notifications (and systemd's
 * STATUS= line).
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "benchd.h"
#include "conf.h"
#include "notify.h"
#include "sched-int.h"

#define PROGRESS_INTERVAL_MS	250

int
sched_progress(struct sched_progress *p)
{
	struct srun	*cur;

	if ((cur = sched_current()) == NULL)
		return (0);
	memset(p, 0, sizeof *p);
	p->phase = cur->waiting ? "waiting-conditions" : fsm_phase(&cur->fsm);
	if (cur->waiting) {
		p->waiting = cur->wait_reason;
		p->since = cur->wait_since;
	}
	p->run = fsm_run_index(&cur->fsm);
	p->of = fsm_run_total(&cur->fsm);
	p->last_wall = cur->fsm.last_wall;
	return (1);
}

/* What a progress notification is about: the phase, or a wait. */
static const char *
progress_key(const struct srun *s)
{
	return (s->waiting ? "waiting-conditions" : fsm_phase(&s->fsm));
}

/*
 * A run has just started: tell subscribers only when that changes the
 * phase (the first warmup, the first measured run, the end of a wait);
 * the end of the last run already said which run comes next.
 */
void
sched_notify_start(struct srun *s)
{
	if (s->progress_key == NULL ||
	    strcmp(progress_key(s), s->progress_key) != 0)
		sched_notify_progress(s);
}

/*
 * Tell subscribers (and systemd's STATUS=) what the session is doing: at
 * once when the phase changes or a wait for the conditions begins or ends,
 * otherwise at most every PROGRESS_INTERVAL_MS.  A subscriber wakes for
 * each notification and its CPU time is taken beside the workload's, so a
 * session of short runs must not wake it at every run.
 */
void
sched_notify_progress(struct srun *s)
{
	struct sched_progress	 p;
	struct timespec		 now;
	const char		*key = progress_key(s);
	int64_t			 ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - s->progress_at.tv_sec) * 1000 +
	    (now.tv_nsec - s->progress_at.tv_nsec) / 1000000;
	if (s->progress_key != NULL && strcmp(key, s->progress_key) == 0 &&
	    ms < PROGRESS_INTERVAL_MS)
		return;
	s->progress_key = key;
	s->progress_at = now;
	if (sched_current() != s || !sched_progress(&p))
		return;
	wire_notify_progress(s->id, &p);
	/* systemctl status shows what the box is doing. */
	if (s->waiting)
		notify_status("Session #%lld (%s) waiting for canonical "
		    "conditions: %s", (long long)s->id, s->suite->name,
		    s->wait_reason);
	else
		notify_status("Session #%lld (%s): %s run %d of %d",
		    (long long)s->id, s->suite->name, p.phase, p.run, p.of);
}

