/*
 * alert-deliver.c -- the outbox, sent from a thread of its own.
 *
 * The thread has its own SQLite connection and its own libcurl handle,
 * so a slow webhook or exec target never holds up the event loop.  It
 * takes, for each target, the oldest pending delivery; one that is due
 * is tried, and what came of it is written before the next is looked
 * at, so each target gets its events in order and a restart goes on
 * where the last benchd stopped.  A failed attempt waits retry_base,
 * then twice that, ... at most retry_max; after [notify] attempts the
 * delivery is failed.
 *
 * Never during a session: before the scheduler starts one it opens a
 * window (alert_between): the thread tries once what is due, then keeps
 * quiet and kicks the scheduler, which starts the session.  So a queue
 * that never empties still lets alerts out between its sessions, and
 * each start waits at most an attempt per target.  A session that waits
 * at the gate lets deliveries go meanwhile (sched-gate.c), and takes the
 * quiet back before its next run (alert_quiet).
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "alert.h"
#include "benchd.h"
#include "conf.h"
#include "log.h"
#include "store-alert.h"
#include "store.h"
#include "xmalloc.h"

/* What the thread needs of [notify] and [daemon], copied under the lock. */
struct deliver_conf {
	char		*exec;
	char		*webhook;
	enum notify_format format;
	double		 retry_base;
	double		 retry_max;
	int		 attempts;
	int		 timeout;
	char		*env_path;
	char		*env_home;
	char		*env_lang;
};

struct deliverer {
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	int			 stop;
	int			 wake;		/* new events or config */
	int			 quiet;		/* a session: no attempt starts */
	enum {
		WINDOW_NONE,
		WINDOW_ASKED,		/* one pass before a session */
		WINDOW_DONE		/* made: quiet now */
	}			 window;
	int			 running;	/* the thread is there */
	int			 busy;		/* an attempt is under way */
	struct deliver_conf	 conf;
	char			*dbpath;
	int			 pipe[2];	/* the thread kicks the loop */
	struct event		*ev;
	CURL			*curl;
};

#define DELIVER_BUSY_MS		5000
#define DELIVER_RECORD_TRIES	12

static struct deliverer	*dl;

static void
deliver_conf_free(struct deliver_conf *c)
{
	free(c->exec);
	free(c->webhook);
	free(c->env_path);
	free(c->env_home);
	free(c->env_lang);
	memset(c, 0, sizeof *c);
}

static char *
dup_or_null(const char *s)
{
	return (s != NULL ? xstrdup(s) : NULL);
}

static void
deliver_conf_copy(struct deliver_conf *to, const struct deliver_conf *from)
{
	to->exec = dup_or_null(from->exec);
	to->webhook = dup_or_null(from->webhook);
	to->format = from->format;
	to->retry_base = from->retry_base;
	to->retry_max = from->retry_max;
	to->attempts = from->attempts;
	to->timeout = from->timeout;
	to->env_path = dup_or_null(from->env_path);
	to->env_home = dup_or_null(from->env_home);
	to->env_lang = dup_or_null(from->env_lang);
}

static void
deliver_conf_set(struct deliver_conf *to, const struct config *c)
{
	struct deliver_conf	from;

	from.exec = c->notify.exec;
	from.webhook = c->notify.webhook;
	from.format = c->notify.format;
	from.retry_base = c->notify.retry_base;
	from.retry_max = c->notify.retry_max;
	from.attempts = c->notify.attempts;
	from.timeout = c->notify.timeout;
	from.env_path = c->env_path;
	from.env_home = c->env_home;
	from.env_lang = c->env_lang;
	deliver_conf_copy(to, &from);
}

/* The event loop's side: an attempt ended, a session may start. */
static void
alert_kicked_cb(evutil_socket_t fd, short events, void *arg)
{
	char	buf[64];

	while (read(fd, buf, sizeof buf) > 0)
		;
	sched_kick();
}

static void
tell_loop(struct deliverer *d)
{
	char	c = 0;

	if (write(d->pipe[1], &c, 1) == -1 && errno != EAGAIN)
		log_warn("alert: pipe");
}

/* One attempt at one delivery: 0 sent, else -1 and *error. */
static int
deliver_one(struct deliverer *d, const struct deliver_conf *c,
    const struct alert_row *r, char **error)
{
	char	*body;
	int	 rc;

	if (strcmp(r->target, "webhook") == 0) {
		if ((body = alert_body(r->payload, r->id, c->format)) == NULL) {
			*error = xstrdup("payload is not a JSON object");
			return (-1);
		}
		rc = alert_post(d->curl, c->webhook, body, c->timeout, error);
	} else {
		if ((body = alert_body(r->payload, r->id, NOTIFY_JSON)) ==
		    NULL) {
			*error = xstrdup("payload is not a JSON object");
			return (-1);
		}
		rc = alert_exec(c->exec, body, r->kind, r->id, c->env_path,
		    c->env_home, c->env_lang, c->timeout, error);
	}
	free(body);
	return (rc);
}

/* Record what an attempt came to. */
static void
deliver_record(struct store *st, const struct deliver_conf *c,
    const struct alert_row *r, int rc, const char *error)
{
	int64_t		 next = 0;
	int		 attempts = r->attempts + 1, i;
	const char	*state;

	if (rc == 0) {
		state = "sent";
		log_info("alert %lld sent to %s", (long long)r->id, r->target);
	} else if (attempts >= c->attempts) {
		state = "failed";
		log_warnx("alert %lld to %s failed after %d attempts: %s",
		    (long long)r->id, r->target, attempts, error);
	} else {
		state = "pending";
		next = store_now_ms() + alert_backoff_ms(attempts,
		    c->retry_base, c->retry_max);
		log_info("alert %lld to %s: attempt %d: %s", (long long)r->id,
		    r->target, attempts, error);
	}
	/*
	 * Unrecorded, a sent event would be sent again: keep at it (each
	 * try waits for the lock up to DELIVER_BUSY_MS).
	 */
	for (i = 0; i < DELIVER_RECORD_TRIES; i++) {
		if (store_alert_attempted(st, r->id, r->target, state,
		    attempts, next, rc == 0 ? NULL : error) == 0)
			return;
		log_warnx("alert %lld: cannot record the attempt: %s",
		    (long long)r->id, store_errmsg(st));
		sleep(1);
	}
}

/*
 * One pass over the targets: try what is due.  Returns 1 when something
 * was tried (look again at once), else 0 with *due the earliest next try
 * (INT64_MAX: none).
 */
static int
deliver_pass(struct deliverer *d, struct store *st,
    const struct deliver_conf *c, int64_t *due)
{
	const char		*targets[2];
	struct alert_row	 r;
	char			*error;
	size_t			 n = 0, i;
	int			 rc, tried = 0;

	*due = INT64_MAX;
	if (c->exec != NULL)
		targets[n++] = "exec";
	if (c->webhook != NULL)
		targets[n++] = "webhook";
	for (i = 0; i < n; i++) {
		if ((rc = store_alert_next(st, targets[i], &r)) != 0) {
			if (rc == -1)	/* busy or broken: again in a second */
				*due = store_now_ms() + 1000;
			continue;
		}
		if (r.next_attempt > store_now_ms()) {
			if (r.next_attempt < *due)
				*due = r.next_attempt;
			alert_row_free(&r);
			continue;
		}
		pthread_mutex_lock(&d->lock);
		if (d->quiet || d->stop) {
			/* Due as soon as the session is over. */
			pthread_mutex_unlock(&d->lock);
			alert_row_free(&r);
			*due = 0;
			return (0);
		}
		d->busy = 1;
		pthread_mutex_unlock(&d->lock);

		error = NULL;
		rc = deliver_one(d, c, &r, &error);

		pthread_mutex_lock(&d->lock);
		d->busy = 0;
		pthread_mutex_unlock(&d->lock);
		tell_loop(d);
		deliver_record(st, c, &r, rc, error);
		free(error);
		alert_row_free(&r);
		tried = 1;
	}
	return (tried);
}

static void
deadline(struct timespec *ts, int64_t due)
{
	int64_t	now = store_now_ms(), wait;

	wait = due - now;
	if (wait > 60000)
		wait = 60000;	/* a clock that jumped is seen within a minute */
	if (wait < 0)
		wait = 0;
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += wait / 1000;
	ts->tv_nsec += (wait % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

static void *
deliver_main(void *arg)
{
	struct deliverer	*d = arg;
	struct deliver_conf	 c;
	struct store		*st;
	struct timespec		 ts;
	const char		*targets[2];
	char			*cause = NULL;
	int64_t			 due = INT64_MAX;
	size_t			 n;
	int			 go = 0, orphans = 1, window;

	/*
	 * Not before the scheduler first lets it: at start the event loop
	 * settles what a previous benchd left running, and must not find
	 * the database locked by this thread while it does.
	 */
	pthread_mutex_lock(&d->lock);
	while (d->quiet && d->window != WINDOW_ASKED && !d->stop)
		pthread_cond_wait(&d->cond, &d->lock);
	if (d->stop) {
		d->running = 0;
		pthread_mutex_unlock(&d->lock);
		return (NULL);
	}
	pthread_mutex_unlock(&d->lock);
	if ((st = store_open(d->dbpath, &cause)) == NULL) {
		log_warnx("alert: no deliveries: %s", cause);
		free(cause);
		pthread_mutex_lock(&d->lock);
		d->running = 0;
		pthread_mutex_unlock(&d->lock);
		tell_loop(d);
		return (NULL);
	}
	store_alert_patient(st, DELIVER_BUSY_MS);
	memset(&c, 0, sizeof c);
	pthread_mutex_lock(&d->lock);
	while (!d->stop) {
		window = d->window == WINDOW_ASKED;
		if (!go && !d->wake && !window) {
			if (d->quiet || due == INT64_MAX)
				pthread_cond_wait(&d->cond, &d->lock);
			else {
				deadline(&ts, due);
				if (pthread_cond_timedwait(&d->cond, &d->lock,
				    &ts) == ETIMEDOUT)
					go = 1;
			}
			continue;
		}
		if (d->wake) {
			orphans = 1;
			deliver_conf_free(&c);
			deliver_conf_copy(&c, &d->conf);
		}
		d->wake = 0;
		pthread_mutex_unlock(&d->lock);

		if (orphans) {
			/* Targets taken out of [notify] get nothing more. */
			n = 0;
			if (c.exec != NULL)
				targets[n++] = "exec";
			if (c.webhook != NULL)
				targets[n++] = "webhook";
			if (store_alert_orphans(st, targets, n) == 0)
				orphans = 0;
		}
		go = deliver_pass(d, st, &c, &due);

		pthread_mutex_lock(&d->lock);
		if (window && d->window == WINDOW_ASKED) {
			/* The pass before a session: quiet now, and say so. */
			d->window = WINDOW_DONE;
			d->quiet = 1;
			tell_loop(d);
		}
	}
	pthread_mutex_unlock(&d->lock);
	deliver_conf_free(&c);
	store_close(st);
	return (NULL);
}

int
alert_start(const struct config *c, const char *dbpath, char **cause)
{
	struct deliverer	*d;
	CURLcode		 cc;
	int			 rc;

	if ((cc = curl_global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK) {
		xasprintf(cause, "curl_global_init: %s",
		    curl_easy_strerror(cc));
		return (-1);
	}
	d = xcalloc(1, sizeof *d);
	if ((d->curl = curl_easy_init()) == NULL) {
		xasprintf(cause, "curl_easy_init failed");
		goto fail;
	}
	if (pipe2(d->pipe, O_NONBLOCK | O_CLOEXEC) == -1) {
		xasprintf(cause, "pipe: %s", strerror(errno));
		goto fail;
	}
	d->ev = event_new(ev_base, d->pipe[0], EV_READ | EV_PERSIST,
	    alert_kicked_cb, NULL);
	if (d->ev == NULL || event_add(d->ev, NULL) != 0) {
		xasprintf(cause, "alert: event_new failed");
		goto fail;
	}
	d->dbpath = xstrdup(dbpath);
	deliver_conf_set(&d->conf, c);
	d->wake = 1;	/* what a previous benchd left pending */
	d->quiet = 1;	/* until the scheduler has looked at the queue */
	if (pthread_mutex_init(&d->lock, NULL) != 0 ||
	    pthread_cond_init(&d->cond, NULL) != 0)
		fatalx("alert: pthread init failed");
	d->running = 1;
	dl = d;		/* before the thread, which uses it */
	if ((rc = pthread_create(&d->thread, NULL, deliver_main, d)) != 0) {
		dl = NULL;
		xasprintf(cause, "pthread_create: %s", strerror(rc));
		goto fail;
	}
	return (0);
fail:
	if (d->ev != NULL)
		event_free(d->ev);
	if (d->pipe[0] > 0) {
		close(d->pipe[0]);
		close(d->pipe[1]);
	}
	if (d->curl != NULL)
		curl_easy_cleanup(d->curl);
	deliver_conf_free(&d->conf);
	free(d->dbpath);
	free(d);
	curl_global_cleanup();
	return (-1);
}

/* SIGHUP: the new [notify] from the next pass on. */
void
alert_configure(const struct config *c)
{
	if (dl == NULL)
		return;
	pthread_mutex_lock(&dl->lock);
	deliver_conf_free(&dl->conf);
	deliver_conf_set(&dl->conf, c);
	dl->wake = 1;
	pthread_cond_signal(&dl->cond);
	pthread_mutex_unlock(&dl->lock);
}

void
alert_wake(void)
{
	if (dl == NULL)
		return;
	pthread_mutex_lock(&dl->lock);
	dl->wake = 1;
	pthread_cond_signal(&dl->cond);
	pthread_mutex_unlock(&dl->lock);
}

/*
 * on: a run is about to start; -1 while an attempt is under way (the
 * thread kicks the scheduler when it ends).  off: deliveries may go.
 */
int
alert_quiet(int on)
{
	int	rc = 0;

	if (dl == NULL)
		return (0);
	pthread_mutex_lock(&dl->lock);
	if (on && dl->busy && dl->running)
		rc = -1;
	else {
		if (dl->quiet && !on)
			pthread_cond_signal(&dl->cond);
		dl->quiet = on;
		dl->window = WINDOW_NONE;
	}
	pthread_mutex_unlock(&dl->lock);
	return (rc);
}

/*
 * A session is due: 0 when it may start (deliveries keep quiet until
 * alert_quiet(0)), -1 while the thread has its one pass first; it kicks
 * the scheduler when that is done.
 */
int
alert_between(void)
{
	int	rc = -1;

	if (dl == NULL)
		return (0);
	pthread_mutex_lock(&dl->lock);
	if (!dl->running) {
		dl->quiet = 1;
		rc = 0;
	} else if (dl->window == WINDOW_DONE && !dl->busy) {
		dl->window = WINDOW_NONE;
		rc = 0;
	} else if (dl->window == WINDOW_NONE) {
		dl->window = WINDOW_ASKED;
		dl->quiet = 0;
		pthread_cond_signal(&dl->cond);
	}
	pthread_mutex_unlock(&dl->lock);
	return (rc);
}

/* At exit: an attempt under way ends (within timeout), then the thread. */
void
alert_stop(void)
{
	struct deliverer	*d = dl;

	if (d == NULL)
		return;
	pthread_mutex_lock(&d->lock);
	d->stop = 1;
	pthread_cond_signal(&d->cond);
	pthread_mutex_unlock(&d->lock);
	alert_reap_stop();	/* the loop reaps no more: the thread does */
	pthread_join(d->thread, NULL);
	dl = NULL;
	event_free(d->ev);
	close(d->pipe[0]);
	close(d->pipe[1]);
	curl_easy_cleanup(d->curl);
	curl_global_cleanup();
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->cond);
	deliver_conf_free(&d->conf);
	free(d->dbpath);
	free(d);
}
