/*
 * runner.c -- run one child process and measure it.
 *
 * benchd-spawn (spawn.c) forks the child, in a session and process group
 * of its own (and in its cgroup, when it has one), with stdin from
 * /dev/null and stdout/stderr on pipes that the event loop drains as they
 * fill, so output is never held whole.  Wall time runs from just before
 * the fork to the wait4 that reaps it, both stamped by benchd-spawn, so a
 * busy event loop here never lengthens a run; the rusage is that wait4's.
 * When the child has been reaped the rest of its group (and cgroup) is
 * killed, so nothing it started outlives the run, and the pipes are
 * drained until EOF (or a short grace if an escaped descendant still holds
 * them).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "runner.h"
#include "spawner.h"
#include "xmalloc.h"

#define DRAIN_GRACE_MS	500
#define PIPE_SIZE	(1024 * 1024)	/* output a stalled loop can hold */

struct tail {
	char		 buf[RUNNER_TAIL];
	size_t		 len;		/* bytes held, <= RUNNER_TAIL */
	size_t		 head;		/* next write position */
};

struct runner {
	struct event_base	*base;
	pid_t			 pid;
	uint32_t		 spawn_id;	/* benchd-spawn's request */
	int			 reaped;
	int64_t			 start_ns;	/* CLOCK_MONOTONIC */
	char			*cgroup;
	struct run_result	 res;
	int			 kill_grace;
	int			 fd[3];		/* [1] stdout, [2] stderr */
	struct event		*ev[3];
	struct tail		 tail[3];
	struct event		*timeout;
	struct event		*grace;
	struct event		*drain;
	runner_output_cb	 output;
	runner_done_cb		 done;
	void			*arg;
	struct runner		*next;
};

/* Runners whose child has not been reaped yet, for runner_reaped. */
static struct runner	*live;
/* The ends of children, as benchd-spawn reports them. */
static struct event	*exit_ev;
static int		 exit_fd = -1;

static void	runner_maybe_done(struct runner *);
static void	runner_ended(pid_t, uint32_t, int, const struct rusage *,
		    int64_t);

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

/* Everything in the child's cgroup, whatever group or session it is in. */
static void
runner_cgroup_kill(struct runner *r)
{
	char	*path;
	int	 fd;

	if (r->cgroup == NULL)
		return;
	xasprintf(&path, "%s/cgroup.kill", r->cgroup);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) != -1) {
		if (write(fd, "1", 1) == -1)
			log_warn("%s", path);
		close(fd);
	}
	free(path);
}

static void
runner_grace_cb(evutil_socket_t fd, short events, void *arg)
{
	struct runner	*r = arg;

	log_info("process group %ld ignored SIGTERM, sending SIGKILL",
	    (long)r->pid);
	runner_signal_group(r, SIGKILL);
	runner_cgroup_kill(r);
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

/*
 * A child was reaped at end_ns (CLOCK_MONOTONIC): by benchd-spawn, or by
 * benchd's SIGCHLD handler when benchd-spawn died and the child came to
 * benchd as the subreaper.
 */
void
runner_reaped(pid_t pid, int status, const struct rusage *ru, int64_t end_ns)
{
	runner_ended(pid, 0, status, ru, end_ns);
}

/*
 * The end of the child pid, or with id of benchd-spawn's request (not 0):
 * a reply of benchd-spawn names its child by the request, because by the
 * time benchd reads it the pid is free and may be another child's.
 */
static void
runner_ended(pid_t pid, uint32_t id, int status, const struct rusage *ru,
    int64_t end_ns)
{
	struct runner	**rp, *r;
	struct timeval	  tv = { 0, DRAIN_GRACE_MS * 1000 };

	for (rp = &live; (r = *rp) != NULL; rp = &r->next)
		if (id != 0 ? r->spawn_id == id : r->pid == pid)
			break;
	if (r == NULL)
		return;		/* an orphan we adopted as subreaper */
	pid = r->pid;
	*rp = r->next;
	r->reaped = 1;
	r->res.wall_ns = end_ns > r->start_ns ?
	    (uint64_t)(end_ns - r->start_ns) : 0;
	r->res.ru = *ru;
	r->res.status = status;
	/* Whatever the child left running in its group goes with it. */
	if (kill(-pid, SIGKILL) == -1 && errno != ESRCH)
		log_warn("kill process group %ld", (long)pid);
	runner_cgroup_kill(r);
	if (r->timeout != NULL)
		evtimer_del(r->timeout);
	if (r->grace != NULL)
		evtimer_del(r->grace);
	if (r->fd[1] != -1 || r->fd[2] != -1) {
		r->drain = evtimer_new(r->base, runner_drain_cb, r);
		evtimer_add(r->drain, &tv);
	}
	runner_maybe_done(r);
}

/*
 * benchd-spawn reaped children: their ends, stamped at the reap.  This
 * event has the highest priority, so the end of a run comes before the
 * pipes' end-of-file.
 */
static void
runner_exit_cb(evutil_socket_t fd, short events, void *arg)
{
	struct spawn_reply	r;
	int			rc;

	while ((rc = spawner_next_exit(&r)) == 1) {
		if (r.leftovers > 0)
			log_info("pid %ld: killed %d process(es) it left "
			    "behind in its cgroup", (long)r.pid, r.leftovers);
		runner_ended(r.pid, r.id, r.status, &r.ru, r.ns);
	}
	if (rc == -1) {
		event_free(exit_ev);
		exit_ev = NULL;
		exit_fd = -1;
	}
}

/* Watch benchd-spawn's socket (a new one when it was started again). */
static void
runner_watch(struct event_base *base)
{
	if (exit_ev != NULL && exit_fd == spawner_fd())
		return;
	if (exit_ev != NULL)
		event_free(exit_ev);
	exit_fd = spawner_fd();
	exit_ev = event_new(base, exit_fd, EV_READ | EV_PERSIST,
	    runner_exit_cb, NULL);
	event_priority_set(exit_ev, 0);
	event_add(exit_ev, NULL);
}

/* Stop watching (shutdown). */
void
runner_shutdown(void)
{
	if (exit_ev != NULL)
		event_free(exit_ev);
	exit_ev = NULL;
	exit_fd = -1;
	spawner_close();
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

struct runner *
runner_start(struct event_base *base, const struct run_spec *rs,
    runner_output_cb output, runner_done_cb done, void *arg, char **cause)
{
	struct spawn_started_info	 si;
	struct spawn_args		 sa;
	struct runner			*r;
	char				*file;
	int				 out[2], err[2], rc, i;
	struct timeval			 tv;

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
	r->fd[1] = out[0];
	r->fd[2] = err[0];
	for (i = 1; i <= 2; i++) {
		/* Room for output while the loop is busy elsewhere. */
		(void)fcntl(r->fd[i], F_SETPIPE_SZ, PIPE_SIZE);
		fcntl(r->fd[i], F_SETFL, O_NONBLOCK);	/* a fresh read end */
		r->ev[i] = event_new(base, r->fd[i], EV_READ | EV_PERSIST,
		    runner_read_cb, r);
		event_add(r->ev[i], NULL);
	}
	memset(&sa, 0, sizeof sa);
	sa.file = file;
	sa.cwd = rs->cwd;
	sa.cgroup = rs->cgroup;
	sa.argv = rs->argv;
	sa.envp = rs->envp;
	sa.cpus = rs->cpus;
	sa.nice = rs->nice;
	sa.out = out[1];
	sa.err = err[1];
	rc = spawner_child(&sa, &si, cause);
	close(out[1]);
	close(err[1]);
	free(file);
	if (rc != 0) {
		runner_close_stream(r, 1);
		runner_close_stream(r, 2);
		free(r);
		return (NULL);
	}
	runner_watch(base);
	r->pid = si.pid;
	r->spawn_id = si.id;
	r->start_ns = si.start_ns;
	r->res.cgroup_err = si.cgroup_err;
	if (rs->cgroup != NULL && si.cgroup_err == 0)
		r->cgroup = xstrdup(rs->cgroup);
	r->next = live;
	live = r;
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
	if (r->timeout != NULL)
		event_free(r->timeout);
	if (r->grace != NULL)
		event_free(r->grace);
	if (r->drain != NULL)
		event_free(r->drain);
	free(r->cgroup);
	free(r);
}
