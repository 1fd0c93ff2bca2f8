/*
 * fleet.c -- a box of a fleet ([fleet] in benchd.conf): the thread that
 * pushes ended sessions to the shared PostgreSQL (fleet-push.c) and
 * takes jobs from its queue (fleet-queue.c), with a SQLite connection
 * and a libpq connection of its own, so that nothing of it runs on the
 * event loop.  It wakes every second, at once when a session ends, and
 * keeps still while a measured child is in flight: it neither connects
 * nor pushes then, and only renews the lease of a job it holds.  When
 * the server
 * cannot be reached it waits retry_min seconds, doubling up to
 * retry_max; the outbox keeps what was not pushed.
 *
 * What the two sides tell each other is under one mutex: the status
 * (connected, last error, pushed), a job taken for the event loop to
 * queue (through a pipe it watches), the stop.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "benchd.h"
#include "conf.h"
#include "fleet.h"
#include "fleet-int.h"
#include "log.h"
#include "store.h"
#include "xmalloc.h"

static struct fleet	*fleet;
static struct event	*fleet_ev;	/* the thread handed a job over */

void
fleet_error(struct fleet *f, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		fatalx("out of memory");
	va_end(ap);
	pthread_mutex_lock(&f->mtx);
	/* Said once, not at every retry. */
	if (f->last_error == NULL || strcmp(f->last_error, msg) != 0)
		log_warnx("fleet: %s", msg);
	free(f->last_error);
	f->last_error = msg;
	pthread_mutex_unlock(&f->mtx);
}

/* A push or a take went through: the server is there. */
void
fleet_ok(struct fleet *f)
{
	pthread_mutex_lock(&f->mtx);
	free(f->last_error);
	f->last_error = NULL;
	pthread_mutex_unlock(&f->mtx);
}

/*
 * Hand a taken job to the event loop and wait until it is queued there
 * (or benchd stops): the next look at the queue must see it.
 */
int
fleet_hand_over(struct fleet *f, struct fleet_take *t)
{
	char	c = 'j';

	pthread_mutex_lock(&f->mtx);
	f->take = t;
	while (write(f->wake_fd[1], &c, 1) == -1 && errno == EINTR)
		continue;
	while (!t->done && !f->stop)
		pthread_cond_wait(&f->cond, &f->mtx);
	f->take = NULL;
	pthread_mutex_unlock(&f->mtx);
	fleet_take_free(t);
	return (0);
}

/* On the event loop: the thread took a job. */
static void
fleet_taken_cb(evutil_socket_t fd, short events, void *arg)
{
	struct fleet	*f = arg;
	char		 buf[64];

	while (read(fd, buf, sizeof buf) > 0)
		continue;
	pthread_mutex_lock(&f->mtx);
	if (f->take != NULL && !f->take->done) {
		fleet_queue_local(f->take);
		f->take->done = 1;
		pthread_cond_broadcast(&f->cond);
	}
	pthread_mutex_unlock(&f->mtx);
}

/* The server failed us: drop the connection, wait longer next time. */
static void
fleet_backoff(struct fleet *f)
{
	fleet_pg_close(f);
	if (f->backoff == 0)
		f->backoff = f->retry_min;
	else if ((f->backoff *= 2) > f->retry_max)
		f->backoff = f->retry_max;
	pthread_mutex_lock(&f->mtx);
	f->connected = 0;
	f->retry_at = time(NULL) + f->backoff;
	pthread_mutex_unlock(&f->mtx);
}

/* One turn: connect when due, settle and beat, push, take. */
static void
fleet_turn(struct fleet *f)
{
	time_t	retry_at;
	int64_t	job;

	pthread_mutex_lock(&f->mtx);
	retry_at = f->retry_at;
	job = f->job;
	pthread_mutex_unlock(&f->mtx);
	if (f->pg == NULL) {
		if (time(NULL) < retry_at)
			return;
		/* Not while measuring, unless a lease must be kept. */
		if (atomic_load(&f->quiet) && job == 0)
			return;
		if (fleet_pg_connect(f) != 0) {
			fleet_backoff(f);
			return;
		}
		f->backoff = 0;
		fleet_ok(f);
		pthread_mutex_lock(&f->mtx);
		f->connected = 1;
		pthread_mutex_unlock(&f->mtx);
		log_info("fleet: connected to PostgreSQL as box %s", f->box);
	}
	if (fleet_queue_settle(f) != 0 ||
	    (!atomic_load(&f->quiet) && fleet_push(f) != 0) ||
	    fleet_queue_take(f) != 0) {
		if (fleet_pg_lost(f))
			fleet_backoff(f);
	}
}

static void *
fleet_main(void *arg)
{
	struct fleet	*f = arg;
	struct timespec	 until;
	char		*cause = NULL;

	if ((f->st = store_open(f->database, &cause)) == NULL) {
		fleet_error(f, "%s", cause);
		log_warnx("fleet: %s", cause);
		free(cause);
		return (NULL);
	}
	pthread_mutex_lock(&f->mtx);
	while (!f->stop) {
		f->woken = 0;
		pthread_mutex_unlock(&f->mtx);
		fleet_turn(f);
		pthread_mutex_lock(&f->mtx);
		if (f->stop || f->woken)
			continue;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		(void)pthread_cond_timedwait(&f->cond, &f->mtx, &until);
	}
	pthread_mutex_unlock(&f->mtx);
	fleet_pg_close(f);
	store_close(f->st);
	return (NULL);
}

/* labels as a PostgreSQL array literal: {"a","b"}. */
static char *
fleet_labels(const struct config_fleet *fc)
{
	char	*s = xstrdup("{"), *t;
	size_t	 i;

	for (i = 0; i < fc->nlabels; i++) {
		xasprintf(&t, "%s%s\"%s\"", s, i > 0 ? "," : "",
		    fc->labels[i]);
		free(s);
		s = t;
	}
	xasprintf(&t, "%s}", s);
	free(s);
	return (t);
}

/*
 * Start the fleet's thread when [fleet] postgresql is set.  The box is
 * named by [fleet] box, else the host name.  0; -1 with *cause is kept
 * for what the config cannot check.
 */
int
fleet_start(const struct config *c, const char *database, char **cause)
{
	const struct config_fleet	*fc = &c->fleet;
	struct fleet			*f;
	sigset_t			 all, old;
	char				 host[256];
	int				 rc;

	if (fc->postgresql == NULL)
		return (0);
	f = xcalloc(1, sizeof *f);
	f->conninfo = xstrdup(fc->postgresql);
	if (fc->box != NULL)
		f->box = xstrdup(fc->box);
	else {
		if (gethostname(host, sizeof host) == -1)
			fatal("gethostname");
		host[sizeof host - 1] = '\0';
		f->box = xstrdup(host);
	}
	f->labels = fleet_labels(fc);
	f->queue = fc->queue;
	f->retry_min = fc->retry_min;
	f->retry_max = fc->retry_max;
	f->poll = fc->poll;
	f->lease = fc->lease;
	f->database = xstrdup(database);
	atomic_init(&f->quiet, 0);
	if (pthread_mutex_init(&f->mtx, NULL) != 0 ||
	    pthread_cond_init(&f->cond, NULL) != 0)
		fatalx("fleet: pthread init failed");
	if (pipe2(f->wake_fd, O_CLOEXEC | O_NONBLOCK) == -1)
		fatal("pipe2");
	fleet_ev = event_new(ev_base, f->wake_fd[0], EV_READ | EV_PERSIST,
	    fleet_taken_cb, f);
	if (fleet_ev == NULL || event_add(fleet_ev, NULL) != 0)
		fatalx("fleet: event_new failed");
	/* Signals are the event loop's. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&f->thread, NULL, fleet_main, f);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		fatalx("fleet: pthread_create: %s", strerror(rc));
	fleet = f;
	log_info("fleet: box %s%s", f->box, f->queue ?
	    ", taking jobs from the shared queue" : "");
	return (0);
}

void
fleet_stop(void)
{
	struct fleet	*f = fleet;

	if (f == NULL)
		return;
	pthread_mutex_lock(&f->mtx);
	f->stop = 1;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->mtx);
	if (pthread_join(f->thread, NULL) != 0)
		log_warnx("fleet: pthread_join failed");
	event_free(fleet_ev);
	close(f->wake_fd[0]);
	close(f->wake_fd[1]);
	pthread_mutex_destroy(&f->mtx);
	pthread_cond_destroy(&f->cond);
	free(f->conninfo);
	free(f->box);
	free(f->labels);
	free(f->database);
	free(f->last_error);
	free(f);
	fleet = NULL;
}

/* The scheduler: a measured child is (1) or is no longer (0) running. */
void
fleet_quiet(int on)
{
	if (fleet != NULL)
		atomic_store(&fleet->quiet, on);
}

/* A session ended: push it now. */
void
fleet_wake(void)
{
	struct fleet	*f = fleet;

	if (f == NULL)
		return;
	pthread_mutex_lock(&f->mtx);
	f->woken = 1;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->mtx);
}

void
fleet_status(struct fleet_status *fs)
{
	struct fleet	*f = fleet;
	time_t		 now;

	memset(fs, 0, sizeof *fs);
	if (f == NULL)
		return;
	fs->on = 1;
	fs->box = xstrdup(f->box);
	fs->queue = f->queue;
	fs->backlog = store_fleet_backlog(db, NULL);
	pthread_mutex_lock(&f->mtx);
	fs->connected = f->connected;
	fs->pushed = f->pushed;
	fs->job = f->job;
	if (f->last_error != NULL)
		fs->last_error = xstrdup(f->last_error);
	now = time(NULL);
	fs->retry_in = !f->connected && f->retry_at > now ?
	    (int64_t)(f->retry_at - now) : 0;
	pthread_mutex_unlock(&f->mtx);
}

void
fleet_status_free(struct fleet_status *fs)
{
	free(fs->box);
	free(fs->last_error);
}
