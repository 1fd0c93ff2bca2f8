/*
 * fleet.h -- a box of a fleet: its ended sessions pushed to the shared
 * PostgreSQL, jobs taken from the shared queue.  The work is done by a
 * thread of its own (fleet.c), never on the event loop.
 */
#ifndef BENCHD_FLEET_H
#define BENCHD_FLEET_H

#include <stdint.h>

struct config;

/* What status says of the fleet. */
struct fleet_status {
	int		 on;		/* [fleet] postgresql is set */
	char		*box;
	int		 connected;
	int		 queue;		/* takes jobs from the shared queue */
	int64_t		 backlog;	/* sessions not pushed yet */
	int64_t		 pushed;	/* since start */
	char		*last_error;	/* NULL: none since the last success */
	int64_t		 retry_in;	/* seconds to the next try; 0 */
	int64_t		 job;		/* the job held, 0: none */
};

/* fleet.c */
int	fleet_start(const struct config *, const char *database, char **);
void	fleet_stop(void);
void	fleet_quiet(int);
void	fleet_wake(void);
void	fleet_status(struct fleet_status *);
void	fleet_status_free(struct fleet_status *);

#endif
