/*
 * bench-spawn.c -- the spawn floor: posix_spawn + wait4 of a command, N
 * times, timed like benchd times a run (CLOCK_MONOTONIC, spawn to reap).
 * Prints the mean wall time in seconds.  With -w N, N spawns before
 * those are not timed, as benchd's warmup runs are not.
 *
 * With -i, each child is set up as benchd sets up a workload (stdin from
 * /dev/null, stdout and stderr on pipes read to their end, its own
 * process group, a working directory, ignored signals reset): what an
 * isolating harness costs before any event loop, for the decomposition in
 * docs/PERFORMANCE.md.  With -g, the loop sleeps 1 ms before each spawn,
 * as benchd's CPUs idle between runs while it commits the last run (an
 * fsync) and checks the conditions: what idling costs the next spawn.
 * With -f FILE, the loop instead writes a 4 KiB block to FILE and
 * fdatasync()s it before each spawn, as benchd's commit of the last run
 * does: what a durable commit between runs costs the next spawn.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* posix_spawn with benchd's file actions and attributes. */
static int
spawn_isolated(pid_t *pid, char **argv, int devnull, int *out, int *err)
{
	posix_spawn_file_actions_t	fa;
	posix_spawnattr_t		at;
	sigset_t			none, ign;
	int				rc;

	if (pipe2(out, O_CLOEXEC) == -1 || pipe2(err, O_CLOEXEC) == -1)
		return (-1);
	sigemptyset(&none);
	sigemptyset(&ign);
	sigaddset(&ign, SIGPIPE);
	sigaddset(&ign, SIGXFSZ);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, devnull, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	posix_spawn_file_actions_addchdir_np(&fa, "/");
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &ign);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(out[1]);
	close(err[1]);
	return (rc);
}

static void
drain(int fd)
{
	char	buf[4096];

	while (read(fd, buf, sizeof buf) > 0)
		;
	close(fd);
}

int
main(int argc, char **argv)
{
	struct timespec	t0, t1;
	struct rusage	ru;
	double		sum = 0;
	pid_t		pid;
	int		i, n, status, isolated = 0, gap = 0, warmup = 0;
	int		devnull, out[2], err[2], sync_fd = -1;
	static char	block[4096];
	struct timespec	ms = { 0, 1000000 };

	for (; argc > 1 && argv[1][0] == '-'; argv++, argc--) {
		if (strcmp(argv[1], "-i") == 0)
			isolated = 1;
		else if (strcmp(argv[1], "-g") == 0)
			gap = 1;
		else if (strcmp(argv[1], "-f") == 0 && argc > 2) {
			sync_fd = open(argv[2], O_WRONLY | O_CREAT | O_CLOEXEC,
			    0644);
			if (sync_fd == -1) {
				perror(argv[2]);
				return (1);
			}
			argv++, argc--;
		} else if (strcmp(argv[1], "-w") == 0 && argc > 2) {
			warmup = atoi(argv[2]);
			argv++, argc--;
		} else
			break;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: bench-spawn [-i] [-g] [-f FILE] "
		    "[-w WARMUP] N command [arg ...]\n");
		return (64);
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	if ((devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		return (1);
	n = atoi(argv[1]);
	for (i = -warmup; i < n; i++) {
		if (gap)
			nanosleep(&ms, NULL);
		if (sync_fd != -1 && (pwrite(sync_fd, block, sizeof block,
		    0) != (ssize_t)sizeof block || fdatasync(sync_fd) == -1)) {
			perror("fdatasync");
			return (1);
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (isolated) {
			if (spawn_isolated(&pid, argv + 2, devnull, out,
			    err) != 0)
				return (1);
		} else if (posix_spawn(&pid, argv[2], NULL, NULL, argv + 2,
		    environ) != 0)
			return (1);
		if (wait4(pid, &status, 0, &ru) != pid)
			return (1);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (isolated) {
			drain(out[0]);
			drain(err[0]);
		}
		if (i >= 0)
			sum += (t1.tv_sec - t0.tv_sec) +
			    (t1.tv_nsec - t0.tv_nsec) / 1e9;
	}
	printf("%.9f\n", sum / n);
	return (0);
}
