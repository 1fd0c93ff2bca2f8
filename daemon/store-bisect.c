/*
 * store-bisect.c -- bisections (010-revisions.sql): the range, the marks
 * and the step under way, saved after every step.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store-int.h"
#include "xmalloc.h"

void
bisect_row_free(struct bisect_row *b)
{
	free(b->suite);
	free(b->params);
	free(b->good);
	free(b->bad);
	free(b->metric);
	free(b->state);
	free(b->reason);
	free(b->commits);
	free(b->marks);
	memset(b, 0, sizeof *b);
}

int64_t
store_bisect_insert(struct store *st, const struct bisect_row *b)
{
	sqlite3_stmt	*s = store_stmt(st, S_BISECT_INSERT);

	bind_text(s, ":suite", b->suite);
	bind_text(s, ":params", b->params);
	bind_text(s, ":good", b->good);
	bind_text(s, ":bad", b->bad);
	bind_text(s, ":metric", b->metric);
	bind_text(s, ":commits", b->commits);
	bind_text(s, ":marks", b->marks);
	bind_int(s, ":now", store_now_ms());
	bind_int(s, ":by", b->queued_by);
	return (store_insert(st, s));
}

/* 0, 1 when there is no such bisection, -1 on error. */
int
store_bisect_get(struct store *st, int64_t id, struct bisect_row *b)
{
	sqlite3_stmt	*s = store_stmt(st, S_BISECT_GET);
	int		 rc;

	memset(b, 0, sizeof *b);
	bind_int(s, ":id", id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		b->id = sqlite3_column_int64(s, 0);
		b->suite = column_dup(s, 1);
		b->params = column_dup(s, 2);
		b->good = column_dup(s, 3);
		b->bad = column_dup(s, 4);
		b->metric = column_dup(s, 5);
		b->state = column_dup(s, 6);
		b->reason = column_dup(s, 7);
		b->commits = column_dup(s, 8);
		b->marks = column_dup(s, 9);
		b->step_ab = column_int_or(s, 10, 0);
		b->step_index = (int)column_int_or(s, 11, 0);
		b->retries = (int)column_int_or(s, 12, 0);
		b->first_bad = (int)column_int_or(s, 13, -1);
		b->final_ab = column_int_or(s, 14, 0);
		b->created_at = column_int_or(s, 15, 0);
		b->finished_at = column_int_or(s, 16, 0);
		b->queued_by = column_int_or(s, 17, STORE_NONE);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return (0);
	return (rc == SQLITE_DONE ? 1 : -1);
}

int
store_bisect_save(struct store *st, const struct bisect_row *b)
{
	sqlite3_stmt	*s = store_stmt(st, S_BISECT_SAVE);

	bind_int(s, ":id", b->id);
	bind_text(s, ":state", b->state);
	bind_text(s, ":reason", b->reason);
	bind_text(s, ":marks", b->marks);
	if (b->step_ab > 0)
		bind_int(s, ":step_ab", b->step_ab);
	bind_int(s, ":step_index", b->step_index);
	bind_int(s, ":retries", b->retries);
	if (b->first_bad >= 0)
		bind_int(s, ":first_bad", b->first_bad);
	if (b->final_ab > 0)
		bind_int(s, ":final_ab", b->final_ab);
	bind_int(s, ":now", store_now_ms());
	return (store_step_done(st, s));
}

/* The bisections still running (caller frees *ids); how many. */
size_t
store_bisect_running(struct store *st, int64_t **ids)
{
	sqlite3_stmt	*s = store_stmt(st, S_BISECT_RUNNING);
	size_t		 n = 0;

	*ids = NULL;
	while (sqlite3_step(s) == SQLITE_ROW) {
		*ids = xreallocarray(*ids, n + 1, sizeof **ids);
		(*ids)[n++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	return (n);
}

/* The ids of the last bisections (of suite, or of all), oldest first. */
int
store_bisect_list(struct store *st, const char *suite, int last,
    int64_t **ids, size_t *n)
{
	sqlite3_stmt	*s = store_stmt(st, S_BISECT_LIST);
	int		 rc;

	*ids = NULL;
	*n = 0;
	bind_text(s, ":suite", suite);
	bind_int(s, ":last", last);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*ids = xreallocarray(*ids, *n + 1, sizeof **ids);
		(*ids)[(*n)++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? 0 : -1);
}
