/*
 * spawner.c -- benchd's side of benchd-spawn (see spawn-proto.h): start it,
 * ask it for a child, read what it says when a child ends.
 *
 * A request is answered at once (SPAWN_STARTED, once the child has
 * executed the workload or failed to), so spawner_child is synchronous and
 * keeps the runner's contract: a runner, or the reason there is none.
 * SPAWN_EXITED replies come whenever a child ends; the runner reads them
 * from the event loop (spawner_fd, spawner_next_exit).
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "spawner.h"
#include "spawn-proto.h"
#include "xmalloc.h"

#define PENDING_MAX	64

static int			 sock = -1;
static pid_t			 spawner_pid;
static char			*spawner_path;
/* Replies read whole, and the bytes of one being read. */
static struct spawn_reply	 pending[PENDING_MAX];
static size_t			 npending;
static unsigned char		 partial[sizeof (struct spawn_reply)];
static size_t			 npartial;

/* benchd-spawn next to this benchd (a build tree), else where installed. */
static char *
spawner_find(void)
{
	char	 self[PATH_MAX], *slash, *p;
	ssize_t	 n;

	if ((n = readlink("/proc/self/exe", self, sizeof self - 1)) > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			xasprintf(&p, "%s/benchd-spawn", self);
			if (access(p, X_OK) == 0)
				return (p);
			free(p);
		}
	}
	return (xstrdup(PKGLIBEXECDIR "/benchd-spawn"));
}

int
spawner_init(const char *path, char **cause)
{
	int	sv[2], fd;
	char	*argv[2];
	char	*envp[] = { NULL };

	if (sock != -1)
		return (0);
	free(spawner_path);
	spawner_path = path != NULL ? xstrdup(path) : spawner_find();
	if (access(spawner_path, X_OK) != 0) {
		xasprintf(cause, "%s: %s", spawner_path, strerror(errno));
		return (-1);
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		xasprintf(cause, "socketpair: %s", strerror(errno));
		return (-1);
	}
	argv[0] = spawner_path;
	argv[1] = NULL;
	if ((spawner_pid = fork()) == -1) {
		xasprintf(cause, "fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return (-1);
	}
	if (spawner_pid == 0) {
		/* Its end as fd 3; stdin from /dev/null; our stderr, the log. */
		if (dup2(sv[1], 3) == -1)
			_exit(127);
		if ((fd = open("/dev/null", O_RDONLY)) != -1)
			dup2(fd, 0);
		execve(spawner_path, argv, envp);
		_exit(127);
	}
	close(sv[1]);
	sock = sv[0];
	npending = npartial = 0;
	log_debug("benchd-spawn %s started, pid %ld", spawner_path,
	    (long)spawner_pid);
	return (0);
}

/* Close our end: benchd-spawn exits when it reads the end of file. */
void
spawner_close(void)
{
	if (sock == -1)
		return;
	close(sock);
	sock = -1;
	npending = npartial = 0;
}

int
spawner_fd(void)
{
	return (sock);
}

pid_t
spawner_running_pid(void)
{
	return (sock != -1 ? spawner_pid : 0);
}

/* The spawner is gone (it died, or exited): forget it. */
void
spawner_lost(pid_t pid)
{
	if (pid == spawner_pid && sock != -1) {
		log_warnx("benchd-spawn (pid %ld) is gone; starting another "
		    "for the next child", (long)pid);
		spawner_close();
	}
}

/*
 * Read one reply; block says whether to wait for it.  1: one in *r, 0:
 * none yet, -1: the spawner is gone.
 */
static int
reply_read(struct spawn_reply *r, int block)
{
	struct pollfd	pfd;
	ssize_t		n;

	while (npartial < sizeof partial) {
		n = recv(sock, partial + npartial, sizeof partial - npartial,
		    block ? 0 : MSG_DONTWAIT);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (!block)
				return (0);
			pfd.fd = sock;
			pfd.events = POLLIN;
			(void)poll(&pfd, 1, -1);
			continue;
		}
		if (n <= 0)
			return (-1);
		npartial += n;
	}
	memcpy(r, partial, sizeof *r);
	npartial = 0;
	return (1);
}

/* Send the request with the child's stdout and stderr. */
static int
request_send(const struct spawn_request *rq, const char *strings,
    int out, int err)
{
	struct msghdr	 msg;
	struct iovec	 iov[2];
	struct cmsghdr	*cm;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(2 * sizeof (int))];
	}		 ctl;
	int		 fds[2] = { out, err };
	size_t		 done = 0, total = sizeof *rq + rq->strings;
	ssize_t		 n;

	memset(&msg, 0, sizeof msg);
	memset(&ctl, 0, sizeof ctl);
	iov[0].iov_base = (void *)rq;
	iov[0].iov_len = sizeof *rq;
	iov[1].iov_base = (void *)strings;
	iov[1].iov_len = rq->strings;
	msg.msg_iov = iov;
	msg.msg_iovlen = 2;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof ctl.buf;
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof fds);
	memcpy(CMSG_DATA(cm), fds, sizeof fds);
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return (-1);
	/* The rest of a long request, without the descriptors. */
	for (done = n; done < total; done += n) {
		if (done < sizeof *rq)
			n = send(sock, (const char *)rq + done,
			    sizeof *rq - done, MSG_NOSIGNAL);
		else
			n = send(sock, strings + (done - sizeof *rq),
			    total - done, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0)
			return (-1);
	}
	return (0);
}

/* The strings of a request: file, cwd, cgroup, argv..., envp... */
static char *
request_strings(const struct spawn_args *a, struct spawn_request *rq)
{
	size_t	 len = 0, i;
	char	*s, *p;

	len += strlen(a->file) + 1 + strlen(a->cwd) + 1;
	len += (a->cgroup != NULL ? strlen(a->cgroup) : 0) + 1;
	for (rq->nargv = 0; a->argv[rq->nargv] != NULL; rq->nargv++)
		len += strlen(a->argv[rq->nargv]) + 1;
	for (rq->nenvp = 0; a->envp[rq->nenvp] != NULL; rq->nenvp++)
		len += strlen(a->envp[rq->nenvp]) + 1;
	if (len > SPAWN_STRINGS_MAX)
		return (NULL);
	p = s = xmalloc(len);
	p = stpcpy(p, a->file) + 1;
	p = stpcpy(p, a->cwd) + 1;
	p = stpcpy(p, a->cgroup != NULL ? a->cgroup : "") + 1;
	for (i = 0; i < rq->nargv; i++)
		p = stpcpy(p, a->argv[i]) + 1;
	for (i = 0; i < rq->nenvp; i++)
		p = stpcpy(p, a->envp[i]) + 1;
	rq->strings = (uint32_t)len;
	return (s);
}

int
spawner_child(const struct spawn_args *a, struct spawn_started_info *out,
    char **cause)
{
	static uint32_t		 next_id;
	struct spawn_request	 rq;
	struct spawn_reply	 r;
	char			*strings;
	int			 rc;

	memset(out, 0, sizeof *out);
	if (spawner_init(NULL, cause) != 0)
		return (-1);
	memset(&rq, 0, sizeof rq);
	rq.type = SPAWN_REQUEST;
	rq.id = ++next_id;
	rq.nice = a->nice;
	if (a->cpus != NULL) {
		rq.has_cpus = 1;
		rq.cpus = *a->cpus;
	}
	if ((strings = request_strings(a, &rq)) == NULL) {
		xasprintf(cause, "%s: command line and environment longer "
		    "than %d bytes", a->argv[0], SPAWN_STRINGS_MAX);
		return (-1);
	}
	rc = request_send(&rq, strings, a->out, a->err);
	free(strings);
	/* Its answer; the ends of other children may come before it. */
	while (rc == 0 && (rc = reply_read(&r, 1)) == 1) {
		if (r.type == SPAWN_STARTED && r.id == rq.id)
			break;
		if (r.type == SPAWN_EXITED && npending < PENDING_MAX)
			pending[npending++] = r;
		else if (r.type == SPAWN_EXITED)
			log_warnx("benchd-spawn: the end of pid %ld dropped",
			    (long)r.pid);
	}
	if (rc != 1) {
		xasprintf(cause, "benchd-spawn is gone");
		spawner_close();
		return (-1);
	}
	if (r.status != 0) {
		xasprintf(cause, "%s: %s", a->argv[0], strerror(r.status));
		return (-1);
	}
	out->pid = r.pid;
	out->id = rq.id;
	out->start_ns = r.ns;
	out->cgroup_err = r.cgroup_err;
	return (0);
}

int
spawner_next_exit(struct spawn_reply *r)
{
	int	rc;

	if (npending > 0) {
		*r = pending[0];
		memmove(pending, pending + 1, --npending * sizeof *pending);
		return (1);
	}
	if (sock == -1)
		return (0);
	while ((rc = reply_read(r, 0)) == 1)
		if (r->type == SPAWN_EXITED)
			return (1);
	if (rc == -1) {
		log_warnx("benchd-spawn closed its socket");
		spawner_close();
	}
	return (rc == -1 ? -1 : 0);
}
