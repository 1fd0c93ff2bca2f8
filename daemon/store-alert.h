/*
 * store-alert.h -- the notification outbox (schema/011-notify.sql): the
 * events, and their delivery to each target.  Used from the event loop
 * (adding, listing) and from the delivery thread on its own connection.
 */
#ifndef BENCHD_STORE_ALERT_H
#define BENCHD_STORE_ALERT_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct session_verdict;

/* One delivery of one event; a whole event when target is NULL. */
struct alert_row {
	int64_t		 id;
	char		*kind;
	int64_t		 created;	/* ms since the epoch */
	int64_t		 session;	/* 0: none */
	char		*summary;
	char		*payload;
	char		*target;	/* "exec", "webhook" */
	char		*state;		/* "pending", "sent", "failed" */
	int		 attempts;
	int64_t		 next_attempt;	/* ms since the epoch */
	char		*last_error;
	int64_t		 done_at;	/* 0: not yet */
};

struct alert_list {
	struct alert_row *v;
	size_t		  n;
};

/*
 * The delivery thread's connection may wait for a lock far longer than
 * the event loop's (200 ms): nothing waits on it.
 */
void	store_alert_patient(struct store *, int ms);

void	alert_row_free(struct alert_row *);
void	alert_list_free(struct alert_list *);

/*
 * Add an event and a pending delivery to each target, due now.  0 and
 * *id when added; 1 when dedupe (unless NULL) names one already there,
 * and nothing is added; -1 when the database refuses.
 */
int	store_alert_add(struct store *, const char *kind, int64_t session,
	    const char *dedupe, const char *summary, const char *payload,
	    const char *const *targets, size_t ntargets, int64_t *id);
/* The oldest pending delivery to target: 0, 1 when none, -1. */
int	store_alert_next(struct store *, const char *target,
	    struct alert_row *);
/* What an attempt came to: state, attempts so far, next, error. */
int	store_alert_attempted(struct store *, int64_t id, const char *target,
	    const char *state, int attempts, int64_t next_attempt,
	    const char *error);
/* Pending deliveries to a target no longer configured: failed. */
int	store_alert_orphans(struct store *, const char *const *targets,
	    size_t ntargets);
/*
 * The deliveries, newest event first, at most limit; state (NULL: any)
 * filters them.  0 or -1.
 */
int	store_alert_list(struct store *, const char *state, int limit,
	    struct alert_list *);
/*
 * The verdict of the finished session before session id of the same
 * suite and parameter values: 0 and *v, 1 when there is none, -1.
 */
int	store_prev_verdict(struct store *, int64_t id, const char *suite,
	    const char *params, struct session_verdict *v);

#endif
