/*
 * benchd-spawn.c -- the process that forks and reaps benchd's children.
 *
 * benchd starts it once, with its end of a socket pair as fd 3.  For each
 * request it starts a child (into the run's cgroup, in a session of its
 * own, borrowing our address space until its exec), which sets itself up
 * and executes the workload; it answers
 * SPAWN_STARTED once the exec happened or failed.  When a child exits it
 * reaps it at once, stamps the time, kills what is left of its process
 * group and cgroup, and answers SPAWN_EXITED.  See spawn-proto.h for why
 * this is a process of its own.
 *
 * It links nothing but libc and allocates little, so the address space a
 * child starts from (whose peak its maxrss includes) stays a few hundred
 * KiB.  It exits when benchd
 * closes the socket, or dies.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/sched.h>

#include "spawn-proto.h"

#define SOCK_FD		3
#define MAX_CHILDREN	64

/* The children being watched: their request id and cgroup. */
struct child {
	pid_t		 pid;
	uint32_t	 id;
	char		*cgroup;
};

static struct child	children[MAX_CHILDREN];
static cpu_set_t	all_cpus;	/* the affinity it started with */
static int		have_all_cpus;

/* A request's strings, split: file, cwd, cgroup, argv, envp. */
struct job {
	char	 *file;
	char	 *cwd;
	char	 *cgroup;	/* NULL: none */
	char	**argv;		/* NULL-terminated */
	char	**envp;		/* NULL-terminated, in the same array */
};

static void
die(const char *what)
{
	fprintf(stderr, "benchd-spawn: %s: %s\n", what, strerror(errno));
	_exit(1);
}

static int64_t
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

/* Read exactly len bytes; 0 at a clean end of file, -1 on error. */
static int
read_full(int fd, void *buf, size_t len)
{
	char	*p = buf;
	ssize_t	 n;

	while (len > 0) {
		n = read(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return (n == 0 && p == buf ? 0 : -1);
		p += n;
		len -= n;
	}
	return (1);
}

static void
reply(const struct spawn_reply *r)
{
	ssize_t	n;

	do
		n = write(SOCK_FD, r, sizeof *r);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)sizeof *r)
		die("write");
}

/* A control file of the cgroup: write one line. */
static int
cgroup_write(const char *dir, const char *file, const char *value)
{
	char	path[4096];
	int	fd, rc = 0;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return (errno);
	if (write(fd, value, strlen(value)) == -1)
		rc = errno;
	close(fd);
	return (rc);
}

/* What the child writes to its parent before the exec: {what, errno}. */
#define NOTE_CGROUP	1	/* could not join the cgroup: runs outside */
#define NOTE_EXEC	2	/* could not become the workload: exit 127 */

static void
note(int ep, int what, int e)
{
	int	n[2] = { what, e };

	(void)write(ep, n, sizeof n);
}

/* The processes in a cgroup (lines of cgroup.procs). */
static int
cgroup_count(const char *dir)
{
	char	path[4096], buf[4096];
	ssize_t	n;
	int	fd, count = 0, i;

	snprintf(path, sizeof path, "%s/cgroup.procs", dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (0);
	while ((n = read(fd, buf, sizeof buf)) > 0)
		for (i = 0; i < n; i++)
			count += buf[i] == '\n';
	close(fd);
	return (count);
}

/*
 * In the child: become the workload.  Its own session (so it can never
 * join benchd's process group), SCHED_OTHER (benchd runs SCHED_BATCH),
 * every signal at its default, stdin /dev/null, stdout and stderr on the
 * pipes benchd drains.  On failure the errno goes to ep and it exits 127.
 */
static void
child(const struct spawn_request *rq, const struct job *j, int in_cgroup,
    int out, int err, int ep)
{
	struct sched_param	sp;
	sigset_t		none;
	int			sig, fd, e;

	if (j->cgroup != NULL && !in_cgroup &&
	    (e = cgroup_write(j->cgroup, "cgroup.procs", "0")) != 0)
		note(ep, NOTE_CGROUP, e);
	if (setsid() == -1)
		goto fail;
	memset(&sp, 0, sizeof sp);
	sched_setscheduler(0, SCHED_OTHER, &sp);
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if ((fd = open("/dev/null", O_RDONLY)) == -1 || dup2(fd, 0) == -1 ||
	    dup2(out, 1) == -1 || dup2(err, 2) == -1 || chdir(j->cwd) == -1)
		goto fail;
	if (rq->has_cpus && sched_setaffinity(0, sizeof rq->cpus,
	    &rq->cpus) == -1)
		goto fail;
	if (rq->nice != 0 && setpriority(PRIO_PROCESS, 0, rq->nice) == -1)
		goto fail;
	execve(j->file, j->argv, j->envp);
fail:
	note(ep, NOTE_EXEC, errno);
	_exit(127);
}

/* What a child needs, for clone_child (it runs on the child's stack). */
struct child_args {
	const struct spawn_request	*rq;
	const struct job		*j;
	int				 in_cgroup, out, err, ep;
};

static int
child_main(void *p)
{
	struct child_args	*a = p;

	child(a->rq, a->j, a->in_cgroup, a->out, a->err, a->ep);
	return (127);
}

#if defined(__x86_64__)
/*
 * The child borrows our address space until its exec (CLONE_VM |
 * CLONE_VFORK, as posix_spawn does) instead of getting a copy of it: a
 * fork copies the page tables and both sides then fault on every page
 * they write, which costs a /bin/true about 0.8 ms more on a VM, inside
 * its measured wall time.  We are stopped until the exec or the exit, so
 * one stack serves every child.  clone3 has no libc wrapper that runs a
 * function on a new stack: the child starts here, on child_stack, with
 * fn and arg in r12 and r13, calls fn and exits with what it returns.
 */
static char	child_stack[64 * 1024] __attribute__((aligned(16)));

static pid_t
clone_vm(struct clone_args *ca, int (*fn)(void *), void *arg)
{
	register long	r12 __asm__("r12") = (long)fn;
	register long	r13 __asm__("r13") = (long)arg;
	long		ret;

	ca->flags |= CLONE_VM | CLONE_VFORK;
	ca->stack = (uint64_t)(uintptr_t)child_stack;
	ca->stack_size = sizeof child_stack;
	__asm__ volatile(
	    "syscall\n\t"
	    "test %%rax, %%rax\n\t"
	    "jnz 1f\n\t"
	    "xor %%ebp, %%ebp\n\t"
	    "mov %%r13, %%rdi\n\t"
	    "call *%%r12\n\t"
	    "mov %%eax, %%edi\n\t"
	    "mov %[exit], %%eax\n\t"
	    "syscall\n\t"
	    "hlt\n"
	    "1:"
	    : "=a" (ret)
	    : "0" ((long)SYS_clone3), "D" (ca), "S" (sizeof *ca), "r" (r12),
	      "r" (r13), [exit] "i" (SYS_exit)
	    : "rcx", "r11", "memory");
	if (ret < 0) {
		errno = (int)-ret;
		return (-1);
	}
	return ((pid_t)ret);
}
#endif

/*
 * A child of ours running child(): straight into the cgroup cgfd when it
 * is not -1 (clone3 with CLONE_INTO_CGROUP: no migration after the
 * start), else where we are.  -1 with errno when the kernel cannot.
 */
static pid_t
clone_child(int cgfd, struct child_args *a)
{
	struct clone_args	ca;
	pid_t			pid;

	memset(&ca, 0, sizeof ca);
	ca.exit_signal = SIGCHLD;
	if (cgfd != -1) {
		ca.flags = CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)cgfd;
	}
#if defined(__x86_64__)
	if ((pid = clone_vm(&ca, child_main, a)) != -1 || errno != ENOSYS)
		return (pid);
	ca.flags &= ~(uint64_t)(CLONE_VM | CLONE_VFORK);
	ca.stack = ca.stack_size = 0;
#endif
	if (cgfd != -1)
		pid = (pid_t)syscall(SYS_clone3, &ca, sizeof ca);
	else
		pid = fork();
	if (pid == 0)
		_exit(child_main(a));
	return (pid);
}

static struct child *
child_slot(pid_t pid)
{
	size_t	i;

	for (i = 0; i < MAX_CHILDREN; i++)
		if (children[i].pid == pid)
			return (&children[i]);
	return (NULL);
}

static int
split(char *s, size_t len, const struct spawn_request *rq, struct job *j)
{
	char	*p = s, *end = s + len, **v;
	size_t	 i;

	if (len == 0 || s[len - 1] != '\0' || rq->nargv == 0 ||
	    rq->nargv > SPAWN_STRINGS_MAX || rq->nenvp > SPAWN_STRINGS_MAX)
		return (-1);
	if ((v = calloc(rq->nargv + rq->nenvp + 2, sizeof *v)) == NULL)
		return (-1);
	j->argv = v;
	j->envp = v + rq->nargv + 1;
	for (i = 0; i < 3 + rq->nargv + rq->nenvp; i++) {
		if (p >= end) {
			free(v);
			return (-1);
		}
		if (i == 0)
			j->file = p;
		else if (i == 1)
			j->cwd = p;
		else if (i == 2)
			j->cgroup = *p != '\0' ? p : NULL;
		else if (i < 3 + rq->nargv)
			j->argv[i - 3] = p;
		else
			j->envp[i - 3 - rq->nargv] = p;
		p += strlen(p) + 1;
	}
	return (0);
}

/* One request: fork, wait for the exec, answer STARTED. */
static void
spawn(const struct spawn_request *rq, char *strings, int out, int err)
{
	struct spawn_reply	 r;
	struct child		*c;
	struct job		 j;
	struct child_args	 ca;
	int			 ep[2], n2[2], cgfd = -1;
	ssize_t			 n;
	pid_t			 pid;

	memset(&r, 0, sizeof r);
	r.type = SPAWN_STARTED;
	r.id = rq->id;
	memset(&j, 0, sizeof j);
	if (split(strings, rq->strings, rq, &j) != 0) {
		r.status = EINVAL;
		reply(&r);
		return;
	}
	if ((c = child_slot(0)) == NULL || pipe2(ep, O_CLOEXEC) == -1) {
		r.status = c == NULL ? EAGAIN : errno;
		free(j.argv);
		reply(&r);
		return;
	}
	if (j.cgroup != NULL &&
	    (cgfd = open(j.cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		r.cgroup_err = errno;
		j.cgroup = NULL;	/* the run goes on, outside */
	}
	/*
	 * Wait where the child runs: its end wakes us on the CPU it just
	 * left, not on one benchd or a client keeps busy, where the reap
	 * (and the end of the wall) would wait its turn.
	 */
	if (rq->has_cpus)
		sched_setaffinity(0, sizeof rq->cpus, &rq->cpus);
	else if (have_all_cpus)
		sched_setaffinity(0, sizeof all_cpus, &all_cpus);
	ca.rq = rq;
	ca.j = &j;
	ca.out = out;
	ca.err = err;
	ca.ep = ep[1];
	r.ns = now_ns();
	pid = -1;
	if (cgfd != -1) {
		ca.in_cgroup = 1;
		pid = clone_child(cgfd, &ca);
	}
	if (pid == -1) {
		ca.in_cgroup = 0;
		pid = clone_child(-1, &ca);
	}
	if (cgfd != -1)
		close(cgfd);
	close(ep[1]);
	if (pid == -1) {
		r.status = errno;
		close(ep[0]);
		free(j.argv);
		reply(&r);
		return;
	}
	/* End of file: the exec went through (the pipe closed on it). */
	for (;;) {
		do
			n = read(ep[0], n2, sizeof n2);
		while (n == -1 && errno == EINTR);
		if (n != sizeof n2 || n2[0] != NOTE_CGROUP)
			break;
		r.cgroup_err = n2[1];
		j.cgroup = NULL;	/* it runs outside: nothing to kill */
	}
	close(ep[0]);
	if (n == sizeof n2) {
		waitpid(pid, NULL, 0);
		r.status = n2[1];
	} else {
		r.pid = pid;
		c->pid = pid;
		c->id = rq->id;
		c->cgroup = j.cgroup != NULL ? strdup(j.cgroup) : NULL;
	}
	free(j.argv);
	reply(&r);
}

/* A request from benchd, with its two descriptors; 0 at benchd's end. */
static int
request(void)
{
	struct spawn_request	 rq;
	struct msghdr		 msg;
	struct iovec		 iov;
	struct cmsghdr		*cm;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(2 * sizeof (int))];
	}			 ctl;
	char			*strings;
	int			 fds[2] = { -1, -1 };
	ssize_t			 n;

	memset(&msg, 0, sizeof msg);
	iov.iov_base = &rq;
	iov.iov_len = sizeof rq;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof ctl.buf;
	do
		n = recvmsg(SOCK_FD, &msg, MSG_CMSG_CLOEXEC | MSG_WAITALL);
	while (n == -1 && errno == EINTR);
	if (n == 0)
		return (0);
	if (n != (ssize_t)sizeof rq || rq.type != SPAWN_REQUEST ||
	    rq.strings > SPAWN_STRINGS_MAX)
		die("bad request");
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len == CMSG_LEN(2 * sizeof (int)))
			memcpy(fds, CMSG_DATA(cm), sizeof fds);
	if ((strings = malloc(rq.strings + 1)) == NULL)
		die("malloc");
	if (read_full(SOCK_FD, strings, rq.strings) != 1)
		die("read");
	if (fds[0] == -1 || fds[1] == -1) {
		errno = EBADF;
		die("request without descriptors");
	}
	spawn(&rq, strings, fds[0], fds[1]);
	free(strings);
	close(fds[0]);
	close(fds[1]);
	return (1);
}

/*
 * Reap every child that ended: stamp the time at once, then kill what it
 * left in its process group and its cgroup, then tell benchd.  Orphans
 * that came to us as the subreaper are reaped and forgotten.
 */
static void
reap(void)
{
	struct spawn_reply	 r;
	struct rusage		 ru;
	struct child		*c;
	int64_t			 t;
	pid_t			 pid;
	int			 status;

	for (;;) {
		pid = wait4(-1, &status, WNOHANG, &ru);
		t = now_ns();
		if (pid <= 0)
			break;
		if ((c = child_slot(pid)) == NULL)
			continue;
		kill(-pid, SIGKILL);
		memset(&r, 0, sizeof r);
		if (c->cgroup != NULL) {
			r.leftovers = cgroup_count(c->cgroup);
			(void)cgroup_write(c->cgroup, "cgroup.kill", "1");
		}
		r.type = SPAWN_EXITED;
		r.id = c->id;
		r.pid = pid;
		r.status = status;
		r.ns = t;
		r.ru = ru;
		free(c->cgroup);
		memset(c, 0, sizeof *c);
		reply(&r);
	}
}

int
main(int argc, char **argv)
{
	struct pollfd		 pfd[2];
	struct sched_param	 sp;
	sigset_t		 chld;
	int			 sfd;

	if (fcntl(SOCK_FD, F_GETFD) == -1) {
		fprintf(stderr, "usage: benchd-spawn (started by benchd)\n");
		return (64);
	}
	signal(SIGPIPE, SIG_IGN);
	/*
	 * benchd runs SCHED_BATCH, whose wakeups wait for a free CPU or the
	 * next tick: the reap of a child, and with it the end of its wall
	 * time, must not.  (A child's end is the only wakeup during a run.)
	 */
	memset(&sp, 0, sizeof sp);
	sched_setscheduler(0, SCHED_OTHER, &sp);
	have_all_cpus = sched_getaffinity(0, sizeof all_cpus, &all_cpus) == 0;
	/* Descendants that leave their parent come here, to be reaped. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		return (1);	/* benchd went before we got here */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	if ((sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK)) == -1)
		die("signalfd");
	pfd[0].fd = SOCK_FD;
	pfd[0].events = POLLIN;
	pfd[1].fd = sfd;
	pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo	si;

			while (read(sfd, &si, sizeof si) == sizeof si)
				;
			reap();
		}
		if (pfd[0].revents & (POLLIN | POLLHUP)) {
			if (request() == 0)
				break;
		}
	}
	return (0);
}
