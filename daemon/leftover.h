/* leftover.h -- kill what a session's workload left running. */
#ifndef BENCHD_LEFTOVER_H
#define BENCHD_LEFTOVER_H

#include <sys/types.h>

#include <stdint.h>

/*
 * SIGKILL every process (and its group) of this session that descends
 * from ancestor or, when ancestor is 0, works under workdir; the count.
 */
int	leftover_kill(int64_t session, pid_t ancestor, const char *workdir);

#endif
