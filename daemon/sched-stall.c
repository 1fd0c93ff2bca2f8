/*
 * sched-stall.c -- a queue that has not moved: sessions are queued, and
 * none has started or ended for [notify] notify_after seconds (a
 * workload that hangs without a timeout, writes the database refuses, a
 * gate that keeps waiting).  Told once per stall (alert-event.c).
 *
 * While a session is in flight its alert reaches the journal at once and
 * the other targets when the session has ended: nothing is delivered
 * while a workload runs.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "benchd.h"
#include "conf.h"
#include "log.h"
#include "sched-int.h"
#include "store.h"
#include "xmalloc.h"

static struct event	*stall_ev;
static int64_t		 moved_at;	/* a session started or ended */
static int64_t		 told_for;	/* the moved_at a stall was told of */

/* The queue moved. */
void
sched_stall_moved(void)
{
	moved_at = store_now_ms();
}

/* Why nothing moves, as a person would say it. */
static char *
stall_reason(const struct srun *s, int64_t now)
{
	struct hold_status	 hs;
	char			*why;

	sched_hold_status(&hs);
	if (hs.held)
		xasprintf(&why, "writes to the database are held (%s): %s",
		    hs.what != NULL ? hs.what : "?", hs.error != NULL ?
		    hs.error : "?");
	else if (s != NULL && s->waiting)
		xasprintf(&why, "session #%lld is waiting for canonical "
		    "conditions: %s", (long long)s->id, s->wait_reason != NULL ?
		    s->wait_reason : "?");
	else if (s != NULL)
		xasprintf(&why, "session #%lld has been in flight for %lld s",
		    (long long)s->id, (long long)((now - moved_at) / 1000));
	else
		why = xstrdup("no session has started");
	return (why);
}

static void
stall_arm(void)
{
	struct timeval	tv;
	int		every = cfg->notify.notify_after / 4;

	tv.tv_sec = every < 1 ? 1 : every > 30 ? 30 : every;
	tv.tv_usec = 0;
	evtimer_add(stall_ev, &tv);
}

static void
stall_cb(evutil_socket_t fd, short events, void *arg)
{
	const struct srun	*s = sched_current();
	int64_t			 now = store_now_ms();
	char			*why;

	stall_arm();
	if (told_for == moved_at ||
	    now - moved_at < (int64_t)cfg->notify.notify_after * 1000 ||
	    store_next_queued(db) <= 0)
		return;
	told_for = moved_at;
	why = stall_reason(s, now);
	alert_queue_stalled(db, s != NULL ? s->id : 0, moved_at,
	    (now - moved_at) / 1000, why);
	free(why);
}

void
sched_stall_init(void)
{
	moved_at = store_now_ms();
	if ((stall_ev = evtimer_new(ev_base, stall_cb, NULL)) == NULL)
		fatalx("evtimer_new failed");
	stall_arm();
}
