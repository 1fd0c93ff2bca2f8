/* spawner.h -- benchd's side of benchd-spawn, the process that forks and
 * reaps the children benchd measures (spawn-proto.h says why). */
#ifndef BENCHD_SPAWN_H
#define BENCHD_SPAWN_H

#include <sys/types.h>

#include <sched.h>
#include <stdint.h>

#include "spawn-proto.h"

struct spawn_args {
	const char	 *file;		/* resolved along the child's PATH */
	const char	 *cwd;
	const char	 *cgroup;	/* the child's cgroup directory, NULL */
	char *const	 *argv;
	char *const	 *envp;
	const cpu_set_t	 *cpus;		/* NULL: inherit */
	int		  nice;
	int		  out;		/* the child's stdout and stderr */
	int		  err;
};

struct spawn_started_info {
	pid_t		 pid;
	uint32_t	 id;		/* the request's: its SPAWN_EXITED's */
	int64_t		 start_ns;	/* CLOCK_MONOTONIC, before the fork */
	int		 cgroup_err;	/* errno: it could not join its cgroup */
};

/* Start benchd-spawn (path NULL: found, see spawn.c), if not running. */
int	spawner_init(const char *path, char **cause);
void	spawner_close(void);
/* The socket to watch for ends of children; -1 when not running. */
int	spawner_fd(void);
pid_t	spawner_running_pid(void);
/* benchd reaped pid: if it was benchd-spawn, forget it. */
void	spawner_lost(pid_t);
/* A child, running the workload once this returns 0. */
int	spawner_child(const struct spawn_args *, struct spawn_started_info *,
	    char **cause);
/* The next end of a child: 1 (in *r), 0 none yet, -1 spawner gone. */
int	spawner_next_exit(struct spawn_reply *);

#endif
