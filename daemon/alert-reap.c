/*
 * alert-reap.c -- the exec target's status, from the event loop to the
 * delivery thread.
 *
 * benchd's SIGCHLD handler reaps every child (wait4(-1)), the exec
 * target's too; it hands each pid and status here (alert_reaped), and the
 * thread that started the target waits for its own (alert_child_wait).
 * A child may end, and be reaped, before posix_spawn has told the thread
 * its pid: what is reaped meanwhile is kept.  Once the event loop has
 * stopped (alert_reap_stop), the thread reaps its child itself.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "benchd.h"

#define REAP_EARLY	8	/* reaps kept while the pid is not known */

static struct {
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	pid_t		 child;		/* 0: none */
	int		 done;
	int		 status;
	int		 spawning;	/* posix_spawn under way */
	pid_t		 early[REAP_EARLY];
	int		 early_status[REAP_EARLY];
	int		 loop_gone;	/* no SIGCHLD handler now */
} reap = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER
};

void
alert_reaped(pid_t pid, int status)
{
	int	i;

	pthread_mutex_lock(&reap.lock);
	if (reap.child == pid && pid != 0) {
		reap.status = status;
		reap.done = 1;
		pthread_cond_broadcast(&reap.cond);
	} else if (reap.spawning) {
		for (i = 0; i < REAP_EARLY && reap.early[i] != 0; i++)
			;
		if (i < REAP_EARLY) {
			reap.early[i] = pid;
			reap.early_status[i] = status;
		}
	}
	pthread_mutex_unlock(&reap.lock);
}

/* The thread is about to start a process. */
void
alert_child_begin(void)
{
	pthread_mutex_lock(&reap.lock);
	memset(reap.early, 0, sizeof reap.early);
	reap.spawning = 1;
	reap.child = 0;
	reap.done = 0;
	pthread_mutex_unlock(&reap.lock);
}

/* It started as pid (0: it did not). */
void
alert_child_pid(pid_t pid)
{
	int	i;

	pthread_mutex_lock(&reap.lock);
	reap.spawning = 0;
	reap.child = pid;
	for (i = 0; pid != 0 && i < REAP_EARLY; i++) {
		if (reap.early[i] == pid) {
			reap.status = reap.early_status[i];
			reap.done = 1;
		}
	}
	pthread_mutex_unlock(&reap.lock);
}

/* Its status once reaped: 0, or -1 at end (CLOCK_MONOTONIC ms). */
int
alert_child_wait(pid_t pid, int64_t end, int *status)
{
	struct timespec	ts;
	int		rc = 0;

	pthread_mutex_lock(&reap.lock);
	while (!reap.done) {
		if (reap.loop_gone && waitpid(pid, &reap.status, WNOHANG) ==
		    pid) {
			reap.done = 1;
			break;
		}
		if (alert_mono_ms() >= end) {
			rc = -1;
			break;
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 50 * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&reap.cond, &reap.lock, &ts);
	}
	if (rc == 0) {
		*status = reap.status;
		reap.child = 0;
	}
	pthread_mutex_unlock(&reap.lock);
	return (rc);
}

/* The event loop has ended: nothing reaps for the thread any more. */
void
alert_reap_stop(void)
{
	pthread_mutex_lock(&reap.lock);
	reap.loop_gone = 1;
	pthread_cond_broadcast(&reap.cond);
	pthread_mutex_unlock(&reap.lock);
}
