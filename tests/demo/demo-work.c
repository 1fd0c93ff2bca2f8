/*
 * demo-work.c -- what benchd-demo does besides printing: burn CPU time,
 * sleep, leave a grandchild behind, die by a signal.
 */
#include "config.h"

#include <sys/mman.h>

#include <sys/resource.h>
#include <sys/types.h>

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "demo.h"

/*
 * User CPU time: a burn of N ms is N ms of user time, whatever the
 * system time around it (page faults, a sanitizer's bookkeeping).
 */
double
work_user_ms(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3);
}

/*
 * Spin in user space until our CPU clock reaches until (ms).  Never
 * inlined: a profile of --burn names it as the hottest function.
 */
void __attribute__((noinline))
burn_until(double until)
{
	static volatile uint64_t	x = 1;
	int				i;

	while (work_user_ms() < until) {
		for (i = 0; i < 200000; i++)
			x = x * 6364136223846793005ull + 1442695040888963407ull;
	}
}

/* Sleep ms of wall time, whatever signals come. */
void
work_sleep_ms(double ms)
{
	struct timespec	ts;

	if (ms <= 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += (time_t)(ms / 1000);
	ts.tv_nsec += (long)(fmod(ms, 1000) * 1e6);
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	    EINTR)
		/* nothing */;
}

/*
 * A grandchild that sleeps ms; it stays in our process group and keeps our
 * pipes unless closefds.  With print, say its pid on stdout.
 */
void
work_grandchild(double ms, int closefds, int print)
{
	char	line[64];
	long	fd, max;
	pid_t	pid;
	int	n;

	out_flush_all();
	if ((pid = fork()) == -1) {
		perror("benchd-demo: fork");
		exit(1);
	}
	if (pid == 0) {
		if (closefds) {
			max = sysconf(_SC_OPEN_MAX);
			if (max < 0 || max > 65536)
				max = 65536;
			for (fd = 0; fd < max; fd++)
				close((int)fd);
		}
		work_sleep_ms(ms);
		_exit(0);
	}
	if (print) {
		n = snprintf(line, sizeof line, "grandchild=%ld\n", (long)pid);
		out_put(&out_stdout, line, n);
	}
}

/* Raise sig with its default action and no core file. */
void
work_die_by_signal(int sig)
{
	struct rlimit	rl = { 0, 0 };
	sigset_t	set;

	out_flush_all();
	setrlimit(RLIMIT_CORE, &rl);	/* no core files in test dirs */
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	/* A signal whose default is to be ignored: exit normally. */
}

/* Make bytes of memory resident: a mapping with every page written. */
void
work_touch(uint64_t bytes)
{
	long		 page = sysconf(_SC_PAGESIZE);
	volatile char	*p;
	uint64_t	 i;

	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("benchd-demo: mmap");
		exit(71);
	}
	for (i = 0; i < bytes; i += page)
		p[i] = 1;
}
