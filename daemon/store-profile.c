/*
 * store-profile.c -- the profile of a session: requested when queued,
 * then recorded (folded stacks, compressed) or the reason there is none.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store-int.h"
#include "xmalloc.h"

/* At queue time, in the queue's transaction. */
int
store_profile_request(struct store *st, int64_t session)
{
	sqlite3_stmt	*s = store_stmt(st, S_PROFILE_REQUEST);

	bind_int(s, ":id", session);
	return (store_step_done(st, s));
}

/* 1 when the session was queued with --profile, 0 not, -1 error. */
int
store_profile_requested(struct store *st, int64_t session)
{
	sqlite3_stmt	*s = store_stmt(st, S_PROFILE_REQUESTED);
	int		 rc;

	bind_int(s, ":id", session);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return (1);
	return (rc == SQLITE_DONE ? 0 : -1);
}

int
store_profile_put(struct store *st, int64_t session,
    const struct profile_row *p)
{
	sqlite3_stmt	*s = store_stmt(st, S_PROFILE_PUT);

	bind_int(s, ":id", session);
	bind_text(s, ":state", p->state);
	bind_text(s, ":reason", p->reason);
	bind_text(s, ":event", p->event);
	bind_int(s, ":freq", p->frequency);
	bind_int(s, ":samples", (int64_t)p->samples);
	bind_int(s, ":stacks", (int64_t)p->stacks);
	bind_int(s, ":skipped", (int64_t)p->skipped);
	bind_int(s, ":wall", (int64_t)p->wall_ns);
	if (p->folded != NULL)
		sqlite3_bind_blob64(s, sqlite3_bind_parameter_index(s,
		    ":folded"), p->folded, p->folded_len, SQLITE_STATIC);
	bind_int(s, ":size", (int64_t)p->folded_size);
	bind_int(s, ":now", store_now_ms());
	return (store_step_done(st, s));
}

/* 0 found (free with store_profile_free), 1 no profile, -1 error. */
int
store_profile_get(struct store *st, int64_t session, int with_folded,
    struct profile_row *p)
{
	sqlite3_stmt	*s = store_stmt(st, S_PROFILE_GET);
	const void	*blob;
	int		 rc;

	memset(p, 0, sizeof *p);
	bind_int(s, ":id", session);
	if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
		sqlite3_reset(s);
		return (rc == SQLITE_DONE ? 1 : -1);
	}
	p->state = column_dup(s, 0);
	p->reason = column_dup(s, 1);
	p->event = column_dup(s, 2);
	p->frequency = sqlite3_column_int(s, 3);
	p->samples = (uint64_t)sqlite3_column_int64(s, 4);
	p->stacks = (uint64_t)sqlite3_column_int64(s, 5);
	p->skipped = (uint64_t)sqlite3_column_int64(s, 6);
	p->wall_ns = (uint64_t)sqlite3_column_int64(s, 7);
	p->folded_size = (size_t)sqlite3_column_int64(s, 8);
	if (with_folded && (blob = sqlite3_column_blob(s, 9)) != NULL) {
		p->folded_len = (size_t)sqlite3_column_bytes(s, 9);
		p->folded = xmalloc(p->folded_len);
		memcpy(p->folded, blob, p->folded_len);
	}
	sqlite3_reset(s);
	return (0);
}

void
store_profile_free(struct profile_row *p)
{
	free((char *)p->state);
	free((char *)p->reason);
	free((char *)p->event);
	free(p->folded);
	memset(p, 0, sizeof *p);
}
