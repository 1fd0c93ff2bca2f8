/*
 * spawn-proto.h -- what benchd and benchd-spawn say to each other over
 * their socket pair: messages of a fixed header and, for a request, the
 * strings after it; a request carries the child's stdout and stderr as
 * SCM_RIGHTS descriptors.
 *
 * benchd-spawn forks every child benchd measures (a run, the build step,
 * perf): from a process of a few hundred KiB, so the child's peak memory
 * (ru_maxrss, which the kernel carries across exec from the address space
 * that forked it) is the workload's and not benchd's; and it reaps them,
 * stamping the end of each at the reap, whatever benchd's event loop is
 * doing.
 */
#ifndef BENCHD_SPAWN_PROTO_H
#define BENCHD_SPAWN_PROTO_H

#include <sys/resource.h>

#include <sched.h>
#include <stdint.h>

#define SPAWN_REQUEST	1
#define SPAWN_STARTED	2
#define SPAWN_EXITED	3

/*
 * benchd -> benchd-spawn.  strings bytes follow: the file to execute,
 * the working directory, the cgroup directory ("" for none), then nargv
 * and nenvp NUL-terminated strings.
 */
struct spawn_request {
	uint32_t	 type;
	uint32_t	 id;
	int32_t		 nice;
	int32_t		 has_cpus;
	cpu_set_t	 cpus;
	uint32_t	 nargv;
	uint32_t	 nenvp;
	uint32_t	 strings;
};

#define SPAWN_STRINGS_MAX	(4 * 1024 * 1024)

/*
 * benchd-spawn -> benchd, one fixed size for every reply:
 *   SPAWN_STARTED  the child runs (err 0), or why it could not (err is
 *                  the errno of the fork or the exec; pid 0); ns is
 *                  CLOCK_MONOTONIC just before the fork
 *   SPAWN_EXITED   the child was reaped: status is its wait status, ns
 *                  CLOCK_MONOTONIC at the reap, ru its rusage, leftovers
 *                  how many processes its cgroup still held (killed)
 */
struct spawn_reply {
	uint32_t	 type;
	uint32_t	 id;
	int32_t		 pid;
	int32_t		 status;	/* STARTED: err; EXITED: wait status */
	int32_t		 cgroup_err;	/* STARTED: errno joining the cgroup */
	int32_t		 leftovers;	/* EXITED: processes left in its
					   cgroup, killed with it */
	int64_t		 ns;
	struct rusage	 ru;
};

#endif
