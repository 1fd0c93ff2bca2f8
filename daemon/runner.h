/* runner.h -- one child process: spawn, drain its output, reap, time it. */
#ifndef BENCHD_RUNNER_H
#define BENCHD_RUNNER_H

#include <sys/types.h>
#include <sys/resource.h>

#include <sched.h>
#include <stdint.h>

#include <event2/event.h>

#define RUNNER_TAIL	(64 * 1024)	/* bytes of each stream kept */

struct run_spec {
	char *const	*argv;
	char *const	*envp;
	const char	*cwd;
	int		 timeout;	/* seconds, 0 for none */
	int		 kill_grace;	/* seconds from TERM to KILL */
	const cpu_set_t	*cpus;		/* NULL: inherit */
	int		 nice;
	const char	*cgroup;	/* the child's cgroup directory, NULL */
};

struct run_result {
	uint64_t	 wall_ns;	/* CLOCK_MONOTONIC, spawn to reap */
	struct rusage	 ru;		/* from wait4 on the child */
	int		 status;	/* wait status */
	int		 timed_out;
	int		 stopped;	/* runner_stop was called */
	int		 cgroup_err;	/* errno: it could not join its cgroup */
};

struct runner;

/* stream is 1 for stdout, 2 for stderr. */
typedef void	(*runner_output_cb)(void *, int stream, const char *, size_t);
typedef void	(*runner_done_cb)(void *, const struct run_result *);

struct runner	*runner_start(struct event_base *, const struct run_spec *,
		     runner_output_cb, runner_done_cb, void *, char **cause);
void		 runner_stop(struct runner *);
void		 runner_free(struct runner *);
pid_t		 runner_pid(const struct runner *);
const char	*runner_tail(const struct runner *, int stream, size_t *len,
		     char **copy);
char		*runner_find(const char *, const char *, const char *,
		     char **);
void		 runner_reaped(pid_t, int status, const struct rusage *,
		     int64_t end_ns);
void		 runner_shutdown(void);

#endif
