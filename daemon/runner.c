/*
 * runner.c -- run one child process and measure it.
 *
 * The child is spawned in its own process group with stdin from /dev/null
 * and stdout/stderr on pipes that the event loop drains as they fill, so
 * output is never held whole.  Wall time runs from just before the spawn
 * to the wait4 that reaps it; the rusage is that wait4's.  When the child
 * has been reaped the rest of its group is killed, so nothing it started
 * outlives the run, and the pipes are drained until EOF (or a short grace
 * if an escaped descendant still holds them).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "runner.h"
#include "xmalloc.h"

#define DRAIN_GRACE_MS	500

struct tail {
	char		 buf[RUNNER_TAIL];
	size_t		 len;		/* bytes held, <= RUNNER_TAIL */
	size_t		 head;		/* next write position */
};

struct runner {
	struct event_base	*base;
	pid_t			 pid;
	int			 reaped;
	struct timespec		 start;
	struct run_result	 res;
	int			 kill_grace;
	int			 fd[3];		/* [1] stdout, [2] stderr */
	struct event		*ev[3];
	struct tail		 tail[3];
	struct event		*timeout;
	struct event		*grace;
	struct event		*drain;
	int			 pidfd;		/* -1 without pidfd_open */
	struct event		*pidev;
	runner_output_cb	 output;
	runner_done_cb		 done;
	void			*arg;
	struct runner		*next;
};

/* Runners whose child has not been reaped yet, for runner_reaped. */
static struct runner	*live;

static void	runner_maybe_done(struct runner *);

static uint64_t
ts_diff_ns(const struct timespec *a, const struct timespec *b)
{
	return ((uint64_t)(b->tv_sec - a->tv_sec) * 1000000000ULL +
	    (uint64_t)b->tv_nsec - (uint64_t)a->tv_nsec);
}

static void
tail_add(struct tail *t, const char *p, size_t len)
{
	size_t	n;

	if (len >= RUNNER_TAIL) {
		memcpy(t->buf, p + len - RUNNER_TAIL, RUNNER_TAIL);
		t->head = 0;
		t->len = RUNNER_TAIL;
		return;
	}
	n = RUNNER_TAIL - t->head;
	if (n > len)
		n = len;
	memcpy(t->buf + t->head, p, n);
	memcpy(t->buf, p + n, len - n);
	t->head = (t->head + len) % RUNNER_TAIL;
	t->len = t->len + len > RUNNER_TAIL ? RUNNER_TAIL : t->len + len;
}

/* The kept tail of a stream, in order, as a fresh copy (caller frees). */
const char *
runner_tail(const struct runner *r, int stream, size_t *len, char **copy)
{
	const struct tail	*t = &r->tail[stream];
	size_t			 start;

	*copy = xmalloc(t->len + 1);
	start = (t->head + RUNNER_TAIL - t->len) % RUNNER_TAIL;
	if (start + t->len <= RUNNER_TAIL)
		memcpy(*copy, t->buf + start, t->len);
	else {
		memcpy(*copy, t->buf + start, RUNNER_TAIL - start);
		memcpy(*copy + RUNNER_TAIL - start, t->buf,
		    t->len - (RUNNER_TAIL - start));
	}
	(*copy)[t->len] = '\0';
	*len = t->len;
	return (*copy);
}

static void
runner_close_stream(struct runner *r, int i)
{
	if (r->ev[i] != NULL) {
		event_free(r->ev[i]);
		r->ev[i] = NULL;
	}
	if (r->fd[i] != -1) {
		close(r->fd[i]);
		r->fd[i] = -1;
	}
}

static void
runner_read_cb(evutil_socket_t fd, short events, void *arg)
{
	struct runner	*r = arg;
	char		 buf[65536];
	ssize_t		 n;
	int		 i = fd == r->fd[1] ? 1 : 2;

	n = read(fd, buf, sizeof buf);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		runner_close_stream(r, i);
		runner_maybe_done(r);
		return;
	}
	tail_add(&r->tail[i], buf, n);
	if (r->output != NULL)
		r->output(r->arg, i, buf, n);
}

static void
runner_signal_group(struct runner *r, int sig)
{
	if (r->pid > 0 && kill(-r->pid, sig) == -1 && errno != ESRCH)
		log_warn("kill process group %ld", (long)r->pid);
}

static void
runner_grace_cb(evutil_socket_t fd, short events, void *arg)
{
	struct runner	*r = arg;

	log_info("process group %ld ignored SIGTERM, sending SIGKILL",
	    (long)r->pid);
	runner_signal_group(r, SIGKILL);
}

/* Ask the group to stop, and make sure it does after the grace period. */
static void
runner_terminate(struct runner *r)
{
	struct timeval	tv = { r->kill_grace, 0 };

	if (r->reaped || r->grace != NULL)
		return;
	runner_signal_group(r, SIGTERM);
	event_base_update_cache_time(r->base);
	r->grace = evtimer_new(r->base, runner_grace_cb, r);
	evtimer_add(r->grace, &tv);
}

static void
runner_timeout_cb(evutil_socket_t fd, short events, void *arg)
{
	struct runner	*r = arg;

	log_info("process %ld timed out", (long)r->pid);
	r->res.timed_out = 1;
	runner_terminate(r);
}

void
runner_stop(struct runner *r)
{
	r->res.stopped = 1;
	runner_terminate(r);
}

static void
runner_drain_cb(evutil_socket_t fd, short events, void *arg)
{
	struct runner	*r = arg;

	/* A descendant that left the group still holds the pipes. */
	runner_close_stream(r, 1);
	runner_close_stream(r, 2);
	runner_maybe_done(r);
}

/* Called from the SIGCHLD handler for every child reaped. */
void
runner_reaped(pid_t pid, int status, const struct rusage *ru,
    const struct timespec *when)
{
	struct runner	**rp, *r;
	struct timeval	  tv = { 0, DRAIN_GRACE_MS * 1000 };

	for (rp = &live; (r = *rp) != NULL; rp = &r->next)
		if (r->pid == pid)
			break;
	if (r == NULL)
		return;		/* an orphan we adopted as subreaper */
	*rp = r->next;
	r->reaped = 1;
	r->res.wall_ns = ts_diff_ns(&r->start, when);
	r->res.ru = *ru;
	r->res.status = status;
	/* Whatever the child left running in its group goes with it. */
	if (kill(-pid, SIGKILL) == -1 && errno != ESRCH)
		log_warn("kill process group %ld", (long)pid);
	if (r->timeout != NULL)
		evtimer_del(r->timeout);
	if (r->grace != NULL)
		evtimer_del(r->grace);
	if (r->pidev != NULL)
		event_del(r->pidev);
	if (r->fd[1] != -1 || r->fd[2] != -1) {
		r->drain = evtimer_new(r->base, runner_drain_cb, r);
		evtimer_add(r->drain, &tv);
	}
	runner_maybe_done(r);
}

/*
 * The child's pidfd became readable: it exited.  This event has the
 * highest priority, so the reap (and the end of the wall time) comes
 * before the pipes' end-of-file and without a round trip through SIGCHLD.
 */
static void
runner_pidfd_cb(evutil_socket_t fd, short events, void *arg)
{
	struct runner	*r = arg;
	struct rusage	 ru;
	struct timespec	 now;
	int		 status;

	if (wait4(r->pid, &status, WNOHANG, &ru) != r->pid)
		return;		/* SIGCHLD got there first */
	clock_gettime(CLOCK_MONOTONIC, &now);
	runner_reaped(r->pid, status, &ru, &now);
}

static void
runner_maybe_done(struct runner *r)
{
	if (!r->reaped || r->fd[1] != -1 || r->fd[2] != -1 || r->done == NULL)
		return;
	if (r->drain != NULL)
		evtimer_del(r->drain);
	r->done(r->arg, &r->res);
}

/*
 * Find name along path, relative entries from cwd; NULL with *cause set
 * when it is nowhere.  A name with a slash is taken as it is.
 */
char *
runner_find(const char *name, const char *path, const char *cwd,
    char **cause)
{
	const char	*p, *e;
	char		*cand;
	size_t		 len;

	if (strchr(name, '/') != NULL)
		return (xstrdup(name));
	for (p = path; *p != '\0'; p = *e == ':' ? e + 1 : e) {
		e = strchr(p, ':');
		if (e == NULL)
			e = p + strlen(p);
		len = e - p;
		if (len == 0)
			xasprintf(&cand, "%s/%s", cwd, name);
		else if (p[0] == '/')
			xasprintf(&cand, "%.*s/%s", (int)len, p, name);
		else
			xasprintf(&cand, "%s/%.*s/%s", cwd, (int)len, p, name);
		if (access(cand, X_OK) == 0)
			return (cand);
		free(cand);
	}
	xasprintf(cause, "%s: command not found in PATH=%s", name, path);
	return (NULL);
}

/* argv[0] along the PATH of the workload's own environment (never ours). */
static char *
runner_resolve(const struct run_spec *rs, char **cause)
{
	const char	*path = "/usr/bin:/bin";
	char *const	*ep;

	for (ep = rs->envp; *ep != NULL; ep++)
		if (strncmp(*ep, "PATH=", 5) == 0)
			path = *ep + 5;
	return (runner_find(rs->argv[0], path, rs->cwd, cause));
}

/*
 * What a spawned child needs set back to SIG_DFL: only the signals we
 * ignore (handlers are reset by execve anyway), found once, so the child
 * makes a few sigaction calls instead of one per signal.  And /dev/null,
 * opened once, for its stdin.
 */
static int
runner_spawn_setup(sigset_t *ignored)
{
	static sigset_t		set;
	static int		devnull = -1;
	struct sigaction	sa;
	int			sig;

	if (devnull == -1) {
		sigemptyset(&set);
		for (sig = 1; sig < NSIG; sig++) {
			if (sigaction(sig, NULL, &sa) == 0 &&
			    sa.sa_handler == SIG_IGN)
				sigaddset(&set, sig);
		}
		devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	*ignored = set;
	return (devnull);
}

/* Spawn with posix_spawn; affinity and nice need a fork of our own. */
static int
runner_spawn(const struct run_spec *rs, const char *file, int out, int err,
    pid_t *pid)
{
	posix_spawn_file_actions_t	fa;
	posix_spawnattr_t		at;
	struct sched_param		sp;
	sigset_t			none, all;
	int				rc, devnull;

	if (rs->cpus != NULL || rs->nice != 0) {
		if ((*pid = fork()) == -1)
			return (errno);
		if (*pid == 0) {
			int fd = open("/dev/null", O_RDONLY);

			setpgid(0, 0);
			memset(&sp, 0, sizeof sp);
			sched_setscheduler(0, SCHED_OTHER, &sp);
			sigemptyset(&none);
			sigprocmask(SIG_SETMASK, &none, NULL);
			for (rc = 1; rc < NSIG; rc++)
				signal(rc, SIG_DFL);
			if (fd == -1 || dup2(fd, 0) == -1 ||
			    dup2(out, 1) == -1 || dup2(err, 2) == -1 ||
			    chdir(rs->cwd) == -1)
				_exit(127);
			if (rs->cpus != NULL &&
			    sched_setaffinity(0, sizeof *rs->cpus,
			    rs->cpus) == -1)
				_exit(126);
			if (rs->nice != 0 &&
			    setpriority(PRIO_PROCESS, 0, rs->nice) == -1)
				_exit(126);
			execve(file, rs->argv, rs->envp);
			_exit(127);
		}
		return (0);
	}
	devnull = runner_spawn_setup(&all);
	posix_spawn_file_actions_init(&fa);
	if (devnull != -1)
		posix_spawn_file_actions_adddup2(&fa, devnull, 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null",
		    O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out, 1);
	posix_spawn_file_actions_adddup2(&fa, err, 2);
	posix_spawn_file_actions_addchdir_np(&fa, rs->cwd);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setpgroup(&at, 0);
	/* benchd runs SCHED_BATCH (benchd.c); the workload never does. */
	memset(&sp, 0, sizeof sp);
	posix_spawnattr_setschedpolicy(&at, SCHED_OTHER);
	posix_spawnattr_setschedparam(&at, &sp);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
	    POSIX_SPAWN_SETSCHEDULER);
	rc = posix_spawn(pid, file, &fa, &at, rs->argv, rs->envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return (rc);
}

struct runner *
runner_start(struct event_base *base, const struct run_spec *rs,
    runner_output_cb output, runner_done_cb done, void *arg, char **cause)
{
	struct runner	*r;
	char		*file;
	int		 out[2], err[2], rc, i;
	struct timeval	 tv;

	if ((file = runner_resolve(rs, cause)) == NULL)
		return (NULL);
	if (pipe2(out, O_CLOEXEC) == -1) {
		xasprintf(cause, "pipe: %s", strerror(errno));
		free(file);
		return (NULL);
	}
	if (pipe2(err, O_CLOEXEC) == -1) {
		xasprintf(cause, "pipe: %s", strerror(errno));
		close(out[0]);
		close(out[1]);
		free(file);
		return (NULL);
	}
	r = xcalloc(1, sizeof *r);
	r->base = base;
	r->kill_grace = rs->kill_grace >= 0 ? rs->kill_grace : 5;
	r->output = output;
	r->done = done;
	r->arg = arg;
	r->fd[0] = -1;
	r->pidfd = -1;
	r->fd[1] = out[0];
	r->fd[2] = err[0];
	/* All that can be ready before the spawn is, so the clock sees less. */
	for (i = 1; i <= 2; i++) {
		fcntl(r->fd[i], F_SETFL, O_NONBLOCK);	/* a fresh read end */
		r->ev[i] = event_new(base, r->fd[i], EV_READ | EV_PERSIST,
		    runner_read_cb, r);
		event_add(r->ev[i], NULL);
	}

	clock_gettime(CLOCK_MONOTONIC, &r->start);
	rc = runner_spawn(rs, file, out[1], err[1], &r->pid);
	close(out[1]);
	close(err[1]);
	free(file);
	if (rc != 0) {
		xasprintf(cause, "%s: %s", rs->argv[0], strerror(rc));
		runner_close_stream(r, 1);
		runner_close_stream(r, 2);
		free(r);
		return (NULL);
	}
	r->next = live;
	live = r;
	/* A pidfd is close-on-exec from the start. */
	r->pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
	if (r->pidfd != -1) {
		r->pidev = event_new(base, r->pidfd, EV_READ, runner_pidfd_cb,
		    r);
		event_priority_set(r->pidev, 0);
		event_add(r->pidev, NULL);
	}
	if (rs->timeout > 0) {
		/* libevent's cached "now" predates the spawn: refresh it. */
		event_base_update_cache_time(base);
		tv.tv_sec = rs->timeout;
		tv.tv_usec = 0;
		r->timeout = evtimer_new(base, runner_timeout_cb, r);
		evtimer_add(r->timeout, &tv);
	}
	return (r);
}

pid_t
runner_pid(const struct runner *r)
{
	return (r->pid);
}

void
runner_free(struct runner *r)
{
	struct runner	**rp;

	if (r == NULL)
		return;
	for (rp = &live; *rp != NULL; rp = &(*rp)->next)
		if (*rp == r) {
			*rp = r->next;
			break;
		}
	runner_close_stream(r, 1);
	runner_close_stream(r, 2);
	if (r->pidev != NULL)
		event_free(r->pidev);
	if (r->pidfd != -1)
		close(r->pidfd);
	if (r->timeout != NULL)
		event_free(r->timeout);
	if (r->grace != NULL)
		event_free(r->grace);
	if (r->drain != NULL)
		event_free(r->drain);
	free(r);
}
