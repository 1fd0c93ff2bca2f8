/*
 * store-fleet.c -- what the fleet's threads read and write in the box's
 * database (schema/012-fleet.sql): the outbox of ended sessions, each
 * session as the document the push sends, and the jobs taken from the
 * shared queue.  The push thread calls these on a connection of its own.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store-int.h"
#include "store.h"
#include "xmalloc.h"

/*
 * The first session in the outbox after `after`, and its generation:
 * 1, 0 when there is none, -1 on error.
 */
int
store_fleet_next(struct store *st, int64_t after, int64_t *id, int64_t *gen)
{
	sqlite3_stmt	*s = store_stmt(st, S_FLEET_NEXT);
	int		 rc;

	bind_int(s, ":after", after);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		*gen = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return (1);
	if (rc == SQLITE_DONE)
		return (0);
	log_warnx("database: %s", sqlite3_errmsg(st->db));
	return (-1);
}

/*
 * A session with its runs, phases and profile summary as one JSON text
 * (caller frees), or NULL when there is no such session or on error.
 */
char *
store_fleet_session(struct store *st, int64_t id)
{
	sqlite3_stmt	*s = store_stmt(st, S_FLEET_SESSION);
	char		*doc = NULL;
	int		 rc;

	bind_int(s, ":id", id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		doc = column_dup(s, 0);
	else if (rc != SQLITE_DONE)
		log_warnx("database: %s", sqlite3_errmsg(st->db));
	sqlite3_reset(s);
	return (doc);
}

/* PostgreSQL has the session as it was at gen: out of the outbox. */
int
store_fleet_pushed(struct store *st, int64_t id, int64_t gen)
{
	sqlite3_stmt	*s = store_stmt(st, S_FLEET_PUSHED);

	bind_int(s, ":id", id);
	bind_int(s, ":gen", gen);
	return (store_step_done(st, s));
}

/* A push of the session failed: count it, keep why. */
int
store_fleet_failed(struct store *st, int64_t id, const char *error)
{
	sqlite3_stmt	*s = store_stmt(st, S_FLEET_FAILED);

	bind_int(s, ":id", id);
	bind_text(s, ":error", error);
	return (store_step_done(st, s));
}

/*
 * How many sessions wait in the outbox, and the first error a waiting
 * one met (*error, caller frees; NULL: none).  -1 on error.
 */
int64_t
store_fleet_backlog(struct store *st, char **error)
{
	sqlite3_stmt	*s = store_stmt(st, S_FLEET_BACKLOG);
	int64_t		 n = -1;

	if (error != NULL)
		*error = NULL;
	if (sqlite3_step(s) == SQLITE_ROW) {
		n = sqlite3_column_int64(s, 0);
		if (error != NULL)
			*error = column_dup(s, 1);
	} else
		log_warnx("database: %s", sqlite3_errmsg(st->db));
	sqlite3_reset(s);
	return (n);
}

/* 1 when a session is queued or running here, 0 not, -1 on error. */
int
store_fleet_busy(struct store *st)
{
	sqlite3_stmt	*s = store_stmt(st, S_FLEET_BUSY);
	int		 busy = -1;

	if (sqlite3_step(s) == SQLITE_ROW)
		busy = sqlite3_column_int(s, 0) != 0;
	else
		log_warnx("database: %s", sqlite3_errmsg(st->db));
	sqlite3_reset(s);
	return (busy);
}

/*
 * A job taken from the shared queue: its slot, and the session that runs
 * it (session 0: refused here, for reason).
 */
int
store_fleet_job_add(struct store *st, int64_t slot, int64_t job,
    int64_t session, const char *reason)
{
	sqlite3_stmt	*s = store_stmt(st, S_FLEET_JOB_ADD);

	bind_int(s, ":slot", slot);
	bind_int(s, ":job", job);
	if (session > 0)
		bind_int(s, ":session", session);
	bind_text(s, ":reason", reason);
	bind_int(s, ":now", store_now_ms());
	return (store_step_done(st, s));
}

void
fleet_jobs_free(struct fleet_job_row *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].state);
		free(v[i].reason);
	}
	free(v);
}

/* The jobs taken whose slots have not been told the end yet. */
int
store_fleet_jobs(struct store *st, struct fleet_job_row **vp, size_t *np)
{
	sqlite3_stmt		*s = store_stmt(st, S_FLEET_JOBS);
	struct fleet_job_row	*v = NULL, *j;
	size_t			 n = 0;
	int			 rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xreallocarray(v, n + 1, sizeof *v);
		j = &v[n++];
		j->slot_id = sqlite3_column_int64(s, 0);
		j->job_id = sqlite3_column_int64(s, 1);
		j->session_id = column_int_or(s, 2, 0);
		j->state = column_dup(s, 3);
		j->reason = column_dup(s, 4);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_warnx("database: %s", sqlite3_errmsg(st->db));
		fleet_jobs_free(v, n);
		return (-1);
	}
	*vp = v;
	*np = n;
	return (0);
}

int
store_fleet_job_settled(struct store *st, int64_t slot)
{
	sqlite3_stmt	*s = store_stmt(st, S_FLEET_JOB_SETTLED);

	bind_int(s, ":slot", slot);
	return (store_step_done(st, s));
}
