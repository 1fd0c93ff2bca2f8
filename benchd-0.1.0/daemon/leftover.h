/* leftover.h -- kill what an interrupted session left running. */
#ifndef BENCHD_LEFTOVER_H
#define BENCHD_LEFTOVER_H

#include <stddef.h>
#include <stdint.h>

/* SIGKILL every process (and its group) of these sessions; the count. */
int	leftover_kill(const int64_t *ids, size_t n);

#endif
