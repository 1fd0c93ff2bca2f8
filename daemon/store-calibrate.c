/*
 * store-calibrate.c -- calibrations: A/A pairs of sessions queued
 * together, and what they found once their sessions ended.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store-int.h"
#include "xmalloc.h"

static const char *calibration_states[] = {
	[CALIBRATION_RUNNING] = "running",
	[CALIBRATION_COMPLETED] = "completed",
	[CALIBRATION_FAILED] = "failed",
};

const char *
calibration_state_name(enum calibration_state s)
{
	return (calibration_states[s]);
}

static enum calibration_state
calibration_state_parse(const char *s)
{
	size_t	i;

	for (i = 0; s != NULL && i < sizeof calibration_states /
	    sizeof calibration_states[0]; i++)
		if (strcmp(s, calibration_states[i]) == 0)
			return ((enum calibration_state)i);
	return (CALIBRATION_FAILED);
}

void
calibration_row_free(struct calibration_row *c)
{
	free(c->suite);
	free(c->params);
	free(c->reason);
	free(c->v);
	memset(c, 0, sizeof *c);
}

int64_t
store_calibration_insert(struct store *st, const struct calibration_row *c)
{
	sqlite3_stmt	*s = store_stmt(st, S_CALIBRATION_INSERT);

	bind_text(s, ":suite", c->suite);
	bind_text(s, ":params", c->params);
	bind_int(s, ":pairs", c->pairs);
	bind_real(s, ":noise", c->noise);
	bind_int(s, ":now", store_now_ms());
	bind_int(s, ":by", c->queued_by);
	return (store_insert(st, s));
}

int
store_calibration_pair_insert(struct store *st, int64_t id,
    const struct calibration_pair *p)
{
	sqlite3_stmt	*s = store_stmt(st, S_CALIBRATION_PAIR_INSERT);

	bind_int(s, ":id", id);
	bind_int(s, ":pair", p->pair);
	bind_int(s, ":a", p->a);
	bind_int(s, ":b", p->b);
	return (store_step_done(st, s));
}

/* The pairs of calibration c->id, in order. */
static int
calibration_pairs_read(struct store *st, struct calibration_row *c)
{
	sqlite3_stmt		*s = store_stmt(st, S_CALIBRATION_PAIRS);
	struct calibration_pair	*p;
	int			 rc;

	bind_int(s, ":id", c->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		c->v = xreallocarray(c->v, c->nv + 1, sizeof *c->v);
		p = &c->v[c->nv++];
		p->pair = sqlite3_column_int(s, 0);
		p->a = sqlite3_column_int64(s, 1);
		p->b = sqlite3_column_int64(s, 2);
		p->verdict = verdict_parse((const char *)
		    sqlite3_column_text(s, 3));
		p->change = column_real(s, 4);
		p->ci_low = column_real(s, 5);
		p->ci_high = column_real(s, 6);
	}
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* 0, 1 when there is no such calibration, -1 on error. */
int
store_calibration_get(struct store *st, int64_t id, struct calibration_row *c)
{
	sqlite3_stmt	*s = store_stmt(st, S_CALIBRATION_GET);
	int		 rc;

	memset(c, 0, sizeof *c);
	bind_int(s, ":id", id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		c->id = sqlite3_column_int64(s, 0);
		c->suite = column_dup(s, 1);
		c->params = column_dup(s, 2);
		c->pairs = sqlite3_column_int(s, 3);
		c->state = calibration_state_parse((const char *)
		    sqlite3_column_text(s, 4));
		c->reason = column_dup(s, 5);
		c->noise = column_real(s, 6);
		c->counted = (int)column_int_or(s, 7, 0);
		c->regressed = (int)column_int_or(s, 8, 0);
		c->improved = (int)column_int_or(s, 9, 0);
		c->false_rate = column_real(s, 10);
		c->learned = column_real(s, 11);
		c->created_at = column_int_or(s, 12, 0);
		c->finished_at = column_int_or(s, 13, 0);
		c->queued_by = column_int_or(s, 14, STORE_NONE);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return (rc == SQLITE_DONE ? 1 : -1);
	if (calibration_pairs_read(st, c) != 0) {
		calibration_row_free(c);
		return (-1);
	}
	return (0);
}

/* Every id a statement selects, in its order (caller frees *ids). */
static int
ids_read(sqlite3_stmt *s, int64_t **ids, size_t *n)
{
	int	rc;

	*ids = NULL;
	*n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*ids = xreallocarray(*ids, *n + 1, sizeof **ids);
		(*ids)[(*n)++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* The last calibrations of a suite (NULL: any) and params, oldest first. */
int
store_calibration_list(struct store *st, const char *suite,
    const char *params, int last, int64_t **ids, size_t *n)
{
	sqlite3_stmt	*s = store_stmt(st, S_CALIBRATION_LIST);

	bind_text(s, ":suite", suite);
	bind_text(s, ":params", params);
	bind_int(s, ":last", last);
	return (ids_read(s, ids, n));
}

/* The calibrations not settled yet. */
size_t
store_calibrations_running(struct store *st, int64_t **ids)
{
	size_t	n;

	if (ids_read(store_stmt(st, S_CALIBRATION_RUNNING), ids, &n) != 0)
		n = 0;
	return (n);
}

/* What a settled calibration found, its row and its pairs as one write. */
int
store_calibration_save(struct store *st, const struct calibration_row *c)
{
	sqlite3_stmt	*s;
	size_t		 i;

	if (store_begin(st) != 0)
		return (-1);
	s = store_stmt(st, S_CALIBRATION_SAVE);
	bind_int(s, ":id", c->id);
	bind_text(s, ":state", calibration_state_name(c->state));
	bind_text(s, ":reason", c->reason);
	bind_int(s, ":counted", c->counted);
	bind_int(s, ":regressed", c->regressed);
	bind_int(s, ":improved", c->improved);
	bind_real(s, ":rate", c->false_rate);
	bind_real(s, ":learned", c->learned);
	if (c->finished_at != 0)
		bind_int(s, ":now", c->finished_at);
	if (store_step_done(st, s) != 0)
		goto fail;
	for (i = 0; i < c->nv; i++) {
		s = store_stmt(st, S_CALIBRATION_PAIR_SAVE);
		bind_int(s, ":id", c->id);
		bind_int(s, ":pair", c->v[i].pair);
		if (c->v[i].verdict != VERDICT_NONE)
			bind_text(s, ":verdict", verdict_name(c->v[i].verdict));
		bind_real(s, ":change", c->v[i].change);
		bind_real(s, ":lo", c->v[i].ci_low);
		bind_real(s, ":hi", c->v[i].ci_high);
		if (store_step_done(st, s) != 0)
			goto fail;
	}
	return (store_commit(st));
fail:
	store_rollback(st);
	return (-1);
}

/*
 * The noise learned by the latest completed calibration of a suite and
 * parameter values whose sessions all came before or at session upto;
 * NAN (and *id 0) when there is none.
 */
double
store_calibration_learned(struct store *st, const char *suite,
    const char *params, int64_t upto, int64_t *id)
{
	sqlite3_stmt	*s = store_stmt(st, S_CALIBRATION_LEARNED);
	double		 v = NAN;

	*id = 0;
	bind_text(s, ":suite", suite);
	bind_text(s, ":params", params);
	bind_int(s, ":upto", upto);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		v = column_real(s, 1);
	}
	sqlite3_reset(s);
	return (v);
}
