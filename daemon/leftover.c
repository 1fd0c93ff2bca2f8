/*
 * leftover.c -- kill what a session's workload left running.
 *
 * Every workload process carries BENCHD_SESSION=<id> in its environment.
 * That alone does not say which benchd it belongs to (another instance
 * has its own session 1), so a process must also be ours: after a run,
 * a descendant of this benchd (orphans come to us as the subreaper);
 * after a crash and restart, when nothing is our descendant any more, a
 * process whose working directory lies in the suite's workdir.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leftover.h"
#include "log.h"

#define ENVIRON_MAX	(256 * 1024)

/* Does /proc/PID/environ hold exactly BENCHD_SESSION=<session>? */
static int
environ_matches(const char *pid, int64_t session)
{
	static char	 buf[ENVIRON_MAX + 1];	/* one event loop, one caller */
	char		 path[300], *p, *end, want[48];
	ssize_t		 len;
	int		 fd, hit = 0;

	snprintf(path, sizeof path, "/proc/%s/environ", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (0);
	len = read(fd, buf, ENVIRON_MAX);
	close(fd);
	if (len <= 0)
		return (0);
	buf[len] = '\0';
	end = buf + len;
	snprintf(want, sizeof want, "BENCHD_SESSION=%lld", (long long)session);
	for (p = buf; p < end && !hit; p += strlen(p) + 1)
		hit = strcmp(p, want) == 0;
	return (hit);
}

static pid_t
parent_of(pid_t pid)
{
	char	 path[64], buf[512], *p;
	ssize_t	 n;
	int	 fd;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (0);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return (0);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL)
		return (0);
	return ((pid_t)strtol(p + 4, NULL, 10));	/* ") S PPID" */
}

static int
cwd_within(const char *pid, const char *dir)
{
	char	path[300], cwd[PATH_MAX];
	ssize_t	n;
	size_t	len = strlen(dir);

	snprintf(path, sizeof path, "/proc/%s/cwd", pid);
	if ((n = readlink(path, cwd, sizeof cwd - 1)) <= 0)
		return (0);
	cwd[n] = '\0';
	while (len > 1 && dir[len - 1] == '/')
		len--;
	return (strncmp(cwd, dir, len) == 0 &&
	    (cwd[len] == '\0' || cwd[len] == '/'));
}

static void
kill_leftover(pid_t pid, int64_t session)
{
	pid_t	pgid = getpgid(pid);

	log_warnx("killing leftover workload process %ld (group %ld) of "
	    "session %lld", (long)pid, (long)pgid, (long long)session);
	if (pgid > 1 && pgid != getpgrp())
		kill(-pgid, SIGKILL);
	kill(pid, SIGKILL);
}

/*
 * Has benchd no child at all, alive or a zombie?  Then nothing of a run can
 * be left: whatever a run started is either in a subtree under one of our
 * children or was reparented to us, the subreaper.  This answers the usual
 * case with one system call instead of a pass over /proc.
 */
static int
no_children(void)
{
	siginfo_t	si;

	memset(&si, 0, sizeof si);
	return (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == -1 &&
	    errno == ECHILD);
}

/*
 * After a run: only ancestor's descendants can be its leftovers (orphans
 * are reparented to benchd, the subreaper).  One pass over /proc reads each
 * process's parent; only the descendants' environments are read.
 */
static int
leftover_kill_descendants(int64_t session, pid_t ancestor)
{
	struct proc {
		pid_t	pid;
		pid_t	ppid;
		int	ours;
	}		*v = NULL;
	DIR		*d;
	struct dirent	*de;
	char		 name[32];
	size_t		 n = 0, i, j, nours = 0;
	int		 killed = 0, grew;

	if ((d = opendir("/proc")) == NULL)
		return (0);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		if ((v = reallocarray(v, n + 1, sizeof *v)) == NULL)
			fatal("reallocarray");
		v[n].pid = (pid_t)strtol(de->d_name, NULL, 10);
		v[n].ppid = parent_of(v[n].pid);
		v[n].ours = v[n].ppid == ancestor;
		nours += v[n].ours;
		n++;
	}
	closedir(d);
	if (nours == 0)
		n = 0;		/* nothing of ours runs: nothing left over */
	/* Our children's children, level by level (usually there are none). */
	do {
		grew = 0;
		for (i = 0; i < n; i++) {
			if (v[i].ours)
				continue;
			for (j = 0; j < n; j++) {
				if (v[j].ours && v[j].pid == v[i].ppid) {
					v[i].ours = grew = 1;
					break;
				}
			}
		}
	} while (grew);
	for (i = 0; i < n; i++) {
		if (!v[i].ours)
			continue;
		snprintf(name, sizeof name, "%ld", (long)v[i].pid);
		if (environ_matches(name, session)) {
			kill_leftover(v[i].pid, session);
			killed++;
		}
	}
	free(v);
	return (killed);
}

int
leftover_kill(int64_t session, pid_t ancestor, const char *workdir)
{
	DIR		*d;
	struct dirent	*de;
	pid_t		 pid, self = getpid();
	int		 killed = 0;

	if (ancestor == self && no_children())
		return (0);
	if (ancestor > 0)
		return (leftover_kill_descendants(session, ancestor));
	if (workdir == NULL || (d = opendir("/proc")) == NULL)
		return (0);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid = (pid_t)strtol(de->d_name, NULL, 10);
		if (pid == self || !environ_matches(de->d_name, session) ||
		    !cwd_within(de->d_name, workdir))
			continue;
		kill_leftover(pid, session);
		killed++;
	}
	closedir(d);
	return (killed);
}
