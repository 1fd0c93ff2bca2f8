/*
 * sched-hold.c -- a write the database refused (locked by another process,
 * read-only, disk full, I/O error) is held, not lost: the scheduler stops
 * where it is, says why in the log and in `status`, and retries the same
 * write every storage_retry seconds until the database takes it.
 *
 * One write at most is ever held, since the scheduler waits for it: the
 * run that just ended, the start of the next session, or the end of the
 * one in flight.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "benchd.h"
#include "conf.h"
#include "log.h"
#include "notify.h"
#include "sched-int.h"
#include "store.h"
#include "xmalloc.h"

static struct event	*hold_ev;
static struct srun	*hold_run;	/* NULL: a session start is held */
static char		*hold_what;
static char		*hold_error;
static int64_t		 hold_since;	/* ms since the epoch, 0 none */
static struct timespec	 hold_start;

static void
hold_cb(evutil_socket_t fd, short events, void *arg)
{
	store_refresh(db);
	if (hold_run != NULL)
		sched_drive(hold_run, FE_RETRY, NULL);
	else
		sched_kick();
}

/*
 * The write described by what (e.g. "run 3 of session 12") failed with
 * the database's current error: give session s FE_RETRY later, or kick
 * the queue when s is NULL.  Called again while the fault lasts.
 */
void
sched_hold(struct srun *s, const char *what)
{
	struct timeval	 tv = { cfg->storage_retry, 0 };
	const char	*err = store_errmsg(db);

	if (hold_ev == NULL)
		hold_ev = evtimer_new(ev_base, hold_cb, NULL);
	if (hold_since == 0 || strcmp(hold_error, err) != 0 ||
	    strcmp(hold_what, what) != 0) {
		log_warnx("storage: cannot record %s: %s; holding it, retrying "
		    "every %d s", what, err, cfg->storage_retry);
		notify_status("Storage fault: %s; holding %s", err, what);
	}
	if (hold_since == 0) {
		hold_since = store_now_ms();
		clock_gettime(CLOCK_MONOTONIC, &hold_start);
	}
	free(hold_what);
	free(hold_error);
	hold_what = xstrdup(what);
	hold_error = xstrdup(err);
	hold_run = s;
	evtimer_add(hold_ev, &tv);
}

static void
hold_reset(void)
{
	evtimer_del(hold_ev);
	free(hold_what);
	free(hold_error);
	hold_what = hold_error = NULL;
	hold_run = NULL;
	hold_since = 0;
}

/* The held write went through. */
void
sched_hold_clear(void)
{
	struct timespec	now;
	double		secs;

	if (hold_since == 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	secs = (now.tv_sec - hold_start.tv_sec) +
	    (now.tv_nsec - hold_start.tv_nsec) / 1e9;
	log_info("storage: recorded %s after %.1f s held; resuming",
	    hold_what, secs);
	hold_reset();
}

/* A session freed while its write is held: nothing left to retry. */
void
sched_hold_forget(struct srun *s)
{
	if (hold_since != 0 && hold_run == s) {
		log_warnx("storage: %s dropped (%s)", hold_what, hold_error);
		hold_reset();
	}
}

/*
 * The database's answer to a write of session s (rc from the store) as
 * the state machine's next event: FE_STORED, FE_HELD when the fault may
 * clear (locked, read-only, full), else FE_STORE_FAILED with the error.
 */
int
sched_store_answer(struct srun *s, int rc, struct fsm_input *next)
{
	if (rc == 0) {
		sched_hold_clear();
		next->ev = FE_STORED;
	} else if (store_fault(db))
		next->ev = FE_HELD;
	else {
		next->ev = FE_STORE_FAILED;
		next->reason = xstrdup(store_errmsg(db));
	}
	return (1);
}

/* status: what is held, why, and since when. */
void
sched_hold_status(struct hold_status *h)
{
	memset(h, 0, sizeof *h);
	h->held = hold_since != 0;
	h->what = hold_what;
	h->error = hold_error;
	h->since = hold_since;
	h->retry = cfg->storage_retry;
}

void
sched_hold_free(void)
{
	if (hold_ev != NULL)
		event_free(hold_ev);
	hold_ev = NULL;
	free(hold_what);
	free(hold_error);
	hold_what = hold_error = NULL;
}
