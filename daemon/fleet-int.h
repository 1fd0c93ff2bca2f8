/* fleet-int.h -- what fleet*.c share: the push and queue thread's state. */
#ifndef BENCHD_FLEET_INT_H
#define BENCHD_FLEET_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <libpq-fe.h>

struct store;

/* A job taken from the shared queue, for the event loop to queue. */
struct fleet_take {
	int64_t		 slot;
	int64_t		 job;
	char		*suite;
	char		*params;	/* JSON object */
	char		*rev;
	char		*label;
	int		 done;		/* the event loop has queued it */
};

struct fleet {
	/* Set at start, read-only after. */
	char		*conninfo;
	char		*box;
	char		*labels;	/* a PostgreSQL text[] literal */
	int		 queue;
	int		 retry_min;
	int		 retry_max;
	int		 poll;
	int		 lease;
	char		*database;

	pthread_t	 thread;
	atomic_int	 quiet;		/* a measured child is in flight */

	/* The thread's own. */
	struct store	*st;
	PGconn		*pg;
	int		 backoff;	/* seconds, 0: not failing */
	time_t		 retry_at;
	time_t		 take_at;	/* next look at the shared queue */
	time_t		 beat_at;	/* next heartbeat of held leases */
	int64_t		 after;		/* outbox position of this pass */

	/* Under mtx: what the event loop and the thread tell each other. */
	pthread_mutex_t	 mtx;
	pthread_cond_t	 cond;
	int		 stop;
	int		 woken;
	int		 connected;
	char		*last_error;
	int64_t		 pushed;
	int64_t		 job;
	struct fleet_take *take;
	int		 wake_fd[2];	/* thread -> event loop: a take */
};

/* fleet.c */
void	fleet_error(struct fleet *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	fleet_ok(struct fleet *);
int	fleet_hand_over(struct fleet *, struct fleet_take *);

/* fleet-pg.c */
int	fleet_pg_connect(struct fleet *);
void	fleet_pg_close(struct fleet *);
PGresult *fleet_pg_exec(struct fleet *, const char *, int,
	    const char *const *, const char *);
int	fleet_pg_command(struct fleet *, const char *, int,
	    const char *const *, const char *);
int	fleet_pg_lost(struct fleet *);

/* fleet-push.c */
int	fleet_push(struct fleet *);

/* fleet-queue.c */
int	fleet_queue_settle(struct fleet *);
int	fleet_queue_take(struct fleet *);
void	fleet_take_free(struct fleet_take *);
void	fleet_queue_local(struct fleet_take *);

#endif
