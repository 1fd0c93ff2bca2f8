/*
 * leftover.c -- after a crash, the workload of an interrupted session may
 * still be running (its process group outlived benchd).  Every workload
 * process carries BENCHD_SESSION=<id> in its environment, so a restart
 * finds those of the interrupted sessions in /proc and kills their groups.
 */
#include "config.h"

#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leftover.h"
#include "log.h"

#define ENVIRON_MAX	(256 * 1024)

/* Does /proc/PID/environ hold exactly BENCHD_SESSION=<one of ids>? */
static int
environ_matches(const char *pid, const int64_t *ids, size_t n)
{
	char	 path[300], *buf, *p, *end, want[48];
	ssize_t	 len;
	size_t	 i;
	int	 fd, hit = 0;

	snprintf(path, sizeof path, "/proc/%s/environ", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (0);
	if ((buf = malloc(ENVIRON_MAX + 1)) == NULL) {
		close(fd);
		return (0);
	}
	len = read(fd, buf, ENVIRON_MAX);
	close(fd);
	if (len <= 0) {
		free(buf);
		return (0);
	}
	buf[len] = '\0';
	end = buf + len;
	for (p = buf; p < end && !hit; p += strlen(p) + 1) {
		if (strncmp(p, "BENCHD_SESSION=", 15) != 0)
			continue;
		for (i = 0; i < n && !hit; i++) {
			snprintf(want, sizeof want, "BENCHD_SESSION=%lld",
			    (long long)ids[i]);
			hit = strcmp(p, want) == 0;
		}
	}
	free(buf);
	return (hit);
}

int
leftover_kill(const int64_t *ids, size_t n)
{
	DIR		*d;
	struct dirent	*de;
	pid_t		 pid, pgid, self = getpid();
	int		 killed = 0;

	if (n == 0 || (d = opendir("/proc")) == NULL)
		return (0);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid = (pid_t)strtol(de->d_name, NULL, 10);
		if (pid == self || !environ_matches(de->d_name, ids, n))
			continue;
		pgid = getpgid(pid);
		log_warnx("killing leftover workload process %ld (group %ld)",
		    (long)pid, (long)pgid);
		if (pgid > 1 && pgid != getpgrp())
			kill(-pgid, SIGKILL);
		kill(pid, SIGKILL);
		killed++;
	}
	closedir(d);
	return (killed);
}
