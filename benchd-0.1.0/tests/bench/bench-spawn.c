/*
 * bench-spawn.c -- the spawn floor: posix_spawn + wait4 of a command, N
 * times, timed like benchd times a run (CLOCK_MONOTONIC, spawn to reap).
 * Prints the mean wall time in seconds.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/wait.h>

#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

extern char **environ;

int
main(int argc, char **argv)
{
	struct timespec	t0, t1;
	struct rusage	ru;
	double		sum = 0;
	pid_t		pid;
	int		i, n, status;

	if (argc < 3) {
		fprintf(stderr, "usage: bench-spawn N command [arg ...]\n");
		return (64);
	}
	n = atoi(argv[1]);
	for (i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (posix_spawn(&pid, argv[2], NULL, NULL, argv + 2,
		    environ) != 0)
			return (1);
		if (wait4(pid, &status, 0, &ru) != pid)
			return (1);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		sum += (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	}
	printf("%.9f\n", sum / n);
	return (0);
}
