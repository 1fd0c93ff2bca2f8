/*
 * store-alert.c -- the notification outbox.
 *
 * Alerts are rare (a few a day), so these statements are prepared when
 * used rather than kept; the delivery thread calls them on a connection
 * of its own.  A delivery is pending until an attempt sends it or the
 * attempts run out; the next one to a target is always the oldest
 * pending, so a target gets its events in order.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "rules.h"
#include "store-alert.h"
#include "store-int.h"
#include "store.h"
#include "xmalloc.h"

#define ROW_COLUMNS \
	"a.id, a.kind, a.created, a.session_id, a.summary, a.payload, " \
	"d.target, d.state, d.attempts, d.next_attempt, d.last_error, " \
	"d.done_at"

static sqlite3_stmt *
prepare(struct store *st, const char *sql)
{
	sqlite3_stmt	*s;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		log_warnx("database: %s", sqlite3_errmsg(st->db));
		return (NULL);
	}
	return (s);
}

/* Step a query of one row: 0 a row, 1 none, -1 (logged). */
static int
step_one(struct store *st, sqlite3_stmt *s)
{
	switch (sqlite3_step(s)) {
	case SQLITE_ROW:
		return (0);
	case SQLITE_DONE:
		return (1);
	default:
		log_warnx("database: %s", sqlite3_errmsg(st->db));
		return (-1);
	}
}

void
store_alert_patient(struct store *st, int ms)
{
	sqlite3_busy_timeout(st->db, ms);
}

void
alert_row_free(struct alert_row *r)
{
	free(r->kind);
	free(r->summary);
	free(r->payload);
	free(r->target);
	free(r->state);
	free(r->last_error);
	memset(r, 0, sizeof *r);
}

void
alert_list_free(struct alert_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		alert_row_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void
alert_row_read(sqlite3_stmt *s, struct alert_row *r)
{
	r->id = sqlite3_column_int64(s, 0);
	r->kind = column_dup(s, 1);
	r->created = sqlite3_column_int64(s, 2);
	r->session = column_int_or(s, 3, 0);
	r->summary = column_dup(s, 4);
	r->payload = column_dup(s, 5);
	r->target = column_dup(s, 6);
	r->state = column_dup(s, 7);
	r->attempts = sqlite3_column_int(s, 8);
	r->next_attempt = sqlite3_column_int64(s, 9);
	r->last_error = column_dup(s, 10);
	r->done_at = column_int_or(s, 11, 0);
}

/* INSERT OR IGNORE: 0 inserted, 1 ignored, -1. */
static int
insert_alert(struct store *st, const char *kind, int64_t session,
    const char *dedupe, const char *summary, const char *payload,
    int64_t now, int64_t *id)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = prepare(st, "INSERT OR IGNORE INTO alerts (kind, created, "
	    "session_id, dedupe, summary, payload) VALUES (:kind, :now, "
	    ":session, :dedupe, :summary, :payload)")) == NULL)
		return (-1);
	bind_text(s, ":kind", kind);
	bind_int(s, ":now", now);
	if (session > 0)
		bind_int(s, ":session", session);
	bind_text(s, ":dedupe", dedupe);
	bind_text(s, ":summary", summary);
	bind_text(s, ":payload", payload);
	if ((rc = store_step_done(st, s)) == 0) {
		if (sqlite3_changes(st->db) == 0)
			rc = 1;
		else
			*id = sqlite3_last_insert_rowid(st->db);
	}
	sqlite3_finalize(s);
	return (rc);
}

int
store_alert_add(struct store *st, const char *kind, int64_t session,
    const char *dedupe, const char *summary, const char *payload,
    const char *const *targets, size_t ntargets, int64_t *id)
{
	sqlite3_stmt	*s = NULL;
	int64_t		 now = store_now_ms();
	size_t		 i;
	int		 rc;

	if (store_begin(st) != 0)
		return (-1);
	rc = insert_alert(st, kind, session, dedupe, summary, payload, now,
	    id);
	if (rc != 0)
		goto out;
	if (ntargets > 0 && (s = prepare(st, "INSERT INTO alert_deliveries "
	    "(alert_id, target, next_attempt) VALUES (:id, :target, "
	    ":now)")) == NULL) {
		rc = -1;
		goto out;
	}
	for (i = 0; i < ntargets && rc == 0; i++) {
		sqlite3_reset(s);
		bind_int(s, ":id", *id);
		bind_text(s, ":target", targets[i]);
		bind_int(s, ":now", now);
		rc = store_step_done(st, s);
	}
	sqlite3_finalize(s);
out:
	if (rc == -1) {
		store_rollback(st);
		return (-1);
	}
	if (store_commit(st) != 0)
		return (-1);
	return (rc);
}

int
store_alert_next(struct store *st, const char *target, struct alert_row *r)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(r, 0, sizeof *r);
	if ((s = prepare(st, "SELECT " ROW_COLUMNS " FROM alert_deliveries d "
	    "JOIN alerts a ON a.id = d.alert_id WHERE d.target = :target "
	    "AND d.state = 'pending' ORDER BY d.alert_id LIMIT 1")) == NULL)
		return (-1);
	bind_text(s, ":target", target);
	if ((rc = step_one(st, s)) == 0)
		alert_row_read(s, r);
	sqlite3_finalize(s);
	return (rc);
}

int
store_alert_attempted(struct store *st, int64_t id, const char *target,
    const char *state, int attempts, int64_t next_attempt, const char *error)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = prepare(st, "UPDATE alert_deliveries SET state = :state, "
	    "attempts = :attempts, next_attempt = :next, last_error = coalesce(:error, last_error), "
	    "done_at = CASE WHEN :state = 'pending' THEN NULL ELSE :now END "
	    "WHERE alert_id = :id AND target = :target")) == NULL)
		return (-1);
	bind_text(s, ":state", state);
	bind_int(s, ":attempts", attempts);
	bind_int(s, ":next", next_attempt);
	bind_text(s, ":error", error);
	bind_int(s, ":now", store_now_ms());
	bind_int(s, ":id", id);
	bind_text(s, ":target", target);
	rc = store_step_done(st, s);
	sqlite3_finalize(s);
	return (rc);
}

int
store_alert_orphans(struct store *st, const char *const *targets,
    size_t ntargets)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = prepare(st, "UPDATE alert_deliveries SET state = 'failed', "
	    "last_error = 'target no longer configured', done_at = :now "
	    "WHERE state = 'pending' AND target <> :a AND target <> :b")) ==
	    NULL)
		return (-1);
	bind_int(s, ":now", store_now_ms());
	bind_text(s, ":a", ntargets > 0 ? targets[0] : "");
	bind_text(s, ":b", ntargets > 1 ? targets[1] : "");
	rc = store_step_done(st, s);
	sqlite3_finalize(s);
	return (rc);
}

int
store_alert_list(struct store *st, const char *state, int limit,
    struct alert_list *l)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(l, 0, sizeof *l);
	/* An event no target was configured for is listed on its own. */
	if ((s = prepare(st, "SELECT " ROW_COLUMNS " FROM alerts a "
	    "LEFT JOIN alert_deliveries d ON d.alert_id = a.id "
	    "WHERE :state IS NULL OR d.state = :state "
	    "ORDER BY a.id DESC, d.target LIMIT :limit")) == NULL)
		return (-1);
	bind_text(s, ":state", state);
	bind_int(s, ":limit", limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
		alert_row_read(s, &l->v[l->n++]);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		log_warnx("database: %s", sqlite3_errmsg(st->db));
		alert_list_free(l);
		return (-1);
	}
	return (0);
}

int
store_prev_verdict(struct store *st, int64_t id, const char *suite,
    const char *params, struct session_verdict *v)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(v, 0, sizeof *v);
	if ((s = prepare(st, "SELECT baseline_id, verdict, change, "
	    "change_ci_low, change_ci_high, verdict_threshold, verdict_rule "
	    "FROM sessions WHERE suite = :suite AND params = :params AND "
	    "id < :id AND state IN ('completed', 'unstable') "
	    "ORDER BY id DESC LIMIT 1")) == NULL)
		return (-1);
	bind_text(s, ":suite", suite);
	bind_text(s, ":params", params);
	bind_int(s, ":id", id);
	if ((rc = step_one(st, s)) == 0) {
		v->baseline = column_int_or(s, 0, 0);
		v->verdict = verdict_parse((const char *)
		    sqlite3_column_text(s, 1));
		v->change = column_real(s, 2);
		v->ci_low = column_real(s, 3);
		v->ci_high = column_real(s, 4);
		v->threshold = column_real(s, 5);
		v->rule = verdict_rule_parse((const char *)
		    sqlite3_column_text(s, 6));
	}
	sqlite3_finalize(s);
	return (rc);
}
