/*
 * store-rev.c -- interleaved A/B tests (ab_tests) and the confirmation of
 * a regressed verdict (010-revisions.sql).
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

void
ab_row_free(struct ab_row *r)
{
	free(r->suite);
	free(r->params);
	free(r->metric);
	free(r->purpose);
	free(r->rev_a);
	free(r->rev_b);
	free(r->reason);
	memset(r, 0, sizeof *r);
}

void
ab_list_free(struct ab_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		ab_row_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

int64_t
store_ab_insert(struct store *st, const struct ab_row *r)
{
	sqlite3_stmt	*s = store_stmt(st, S_AB_INSERT);

	bind_text(s, ":suite", r->suite);
	bind_text(s, ":params", r->params);
	bind_text(s, ":metric", r->metric != NULL ? r->metric : "wall");
	bind_text(s, ":purpose", r->purpose != NULL ? r->purpose : "manual");
	if (r->confirms > 0)
		bind_int(s, ":confirms", r->confirms);
	if (r->bisect_id > 0)
		bind_int(s, ":bisect", r->bisect_id);
	return (store_insert(st, s));
}

int
store_ab_arms(struct store *st, int64_t id, int64_t a, int64_t b)
{
	sqlite3_stmt	*s = store_stmt(st, S_AB_ARMS);

	bind_int(s, ":id", id);
	bind_int(s, ":a", a);
	bind_int(s, ":b", b);
	return (store_step_done(st, s));
}

static void
ab_row_read(sqlite3_stmt *s, struct ab_row *r)
{
	const char	*arm;
	int		 st;

	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(s, 0);
	r->suite = column_dup(s, 1);
	r->params = column_dup(s, 2);
	r->session_a = column_int_or(s, 3, 0);
	r->session_b = column_int_or(s, 4, 0);
	r->metric = column_dup(s, 5);
	r->purpose = column_dup(s, 6);
	r->confirms = column_int_or(s, 7, 0);
	r->bisect_id = column_int_or(s, 8, 0);
	r->verdict = verdict_parse((const char *)sqlite3_column_text(s, 9));
	r->change = column_real(s, 10);
	r->ci_low = column_real(s, 11);
	r->ci_high = column_real(s, 12);
	r->threshold = column_real(s, 13);
	r->pairs = (int)column_int_or(s, 14, 0);
	st = session_state_parse((const char *)sqlite3_column_text(s, 15));
	r->state = st >= 0 ? (enum session_state)st : SESSION_FAILED;
	r->rev_a = column_dup(s, 16);
	r->rev_b = column_dup(s, 17);
	r->reason = column_dup(s, 18);
	arm = (const char *)sqlite3_column_text(s, 19);
	r->failed_arm = arm == NULL ? -1 : strcmp(arm, "B") == 0;
}

/* 0, 1 when there is no such test, -1 on error. */
int
store_ab_get(struct store *st, int64_t id, struct ab_row *r)
{
	sqlite3_stmt	*s = store_stmt(st, S_AB_GET);
	int		 rc;

	memset(r, 0, sizeof *r);
	bind_int(s, ":id", id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		ab_row_read(s, r);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return (0);
	return (rc == SQLITE_DONE ? 1 : -1);
}

int
store_ab_decide(struct store *st, int64_t id, enum verdict v, double change,
    double lo, double hi, double threshold, int pairs, int failed_arm)
{
	sqlite3_stmt	*s = store_stmt(st, S_AB_DECIDE);

	if (failed_arm >= 0)
		bind_text(s, ":failed", failed_arm == 0 ? "A" : "B");
	bind_int(s, ":id", id);
	bind_text(s, ":verdict", v != VERDICT_NONE ? verdict_name(v) : NULL);
	bind_real(s, ":change", change);
	bind_real(s, ":lo", lo);
	bind_real(s, ":hi", hi);
	bind_real(s, ":threshold", threshold);
	bind_int(s, ":pairs", pairs);
	bind_int(s, ":now", store_now_ms());
	return (store_step_done(st, s));
}

int
store_ab_list(struct store *st, const char *suite, int last,
    struct ab_list *l)
{
	sqlite3_stmt	*s = store_stmt(st, S_AB_LIST);
	size_t		 cap = 0;
	int		 rc;

	memset(l, 0, sizeof *l);
	bind_text(s, ":suite", suite);
	bind_int(s, ":last", last);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (l->n == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			l->v = xreallocarray(l->v, cap, sizeof *l->v);
		}
		ab_row_read(s, &l->v[l->n++]);
	}
	sqlite3_reset(s);
	return (rc == SQLITE_DONE ? 0 : -1);
}

int
store_confirmation_set(struct store *st, int64_t id, const char *state)
{
	sqlite3_stmt	*s = store_stmt(st, S_CONFIRMATION_SET);

	bind_int(s, ":id", id);
	bind_text(s, ":state", state);
	return (store_step_done(st, s));
}

/*
 * An A/B test queued: its row, then its two sessions (A first, so the
 * queue takes it up at A's place), in one transaction.  The test's id, or
 * -1.
 */
int64_t
store_ab_queue(struct store *st, const struct ab_row *meta,
    struct session_new *a, struct session_new *b, int64_t ids[2])
{
	int64_t	id;

	if (store_begin(st) != 0)
		return (-1);
	if ((id = store_ab_insert(st, meta)) < 0)
		goto fail;
	a->ab_id = b->ab_id = id;
	a->ab_arm = "A";
	b->ab_arm = "B";
	if ((ids[0] = store_session_insert(st, a)) < 0 ||
	    (ids[1] = store_session_insert(st, b)) < 0 ||
	    store_ab_arms(st, id, ids[0], ids[1]) != 0)
		goto fail;
	if (store_commit(st) != 0)
		return (-1);
	return (id);
fail:
	store_rollback(st);
	return (-1);
}

/* The latest finished session of suite and params at commit rev, or 0. */
int64_t
store_session_of_commit(struct store *st, const char *suite,
    const char *params, const char *rev)
{
	sqlite3_stmt	*s = store_stmt(st, S_SESSION_OF_COMMIT);
	int64_t		 id = 0;

	bind_text(s, ":suite", suite);
	bind_text(s, ":params", params);
	bind_text(s, ":rev", rev);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return (id);
}

/* The last commit of branch the suite followed, or NULL. */
char *
store_follow_get(struct store *st, const char *suite, const char *branch)
{
	sqlite3_stmt	*s = store_stmt(st, S_FOLLOW_GET);
	char		*c = NULL;

	bind_text(s, ":suite", suite);
	bind_text(s, ":branch", branch);
	if (sqlite3_step(s) == SQLITE_ROW)
		c = column_dup(s, 0);
	sqlite3_reset(s);
	return (c);
}

int
store_follow_set(struct store *st, const char *suite, const char *branch,
    const char *commit)
{
	sqlite3_stmt	*s = store_stmt(st, S_FOLLOW_SET);

	bind_text(s, ":suite", suite);
	bind_text(s, ":branch", branch);
	bind_text(s, ":commit", commit);
	bind_int(s, ":now", store_now_ms());
	return (store_step_done(st, s));
}
