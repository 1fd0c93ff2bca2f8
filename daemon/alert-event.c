/*
 * alert-event.c -- notifications, made where the findings are: a
 * verdict stored (sched.c), a session that failed, a gate that has
 * waited too long (sched-gate.c).  Each event goes to the journal at
 * once (a structured entry with a MESSAGE_ID per kind, under systemd)
 * and into the outbox, which alert-deliver.c empties from its own
 * thread.
 *
 * No alert fatigue: a verdict is told only when it is regressed or
 * improved by at least [notify] min_change, and confirmed, and then once
 * per finding (alert_dedupe_key: one per level shift and baseline).
 * Until A/B confirmation exists a verdict is confirmed when the session
 * before it said the same against the same baseline; code that confirms
 * a verdict itself calls alert_verdict with confirmed set.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-journal.h>
#endif

#include "alert.h"
#include "benchd.h"
#include "compare.h"
#include "conf.h"
#include "log.h"
#include "store-alert.h"
#include "store.h"
#include "xmalloc.h"

/* The journal's entry of an event, when running under systemd. */
static void
alert_journal(const struct alert_event *e, const char *summary, int64_t id)
{
#ifdef HAVE_LIBSYSTEMD
	int	rc;

	if (getenv("JOURNAL_STREAM") == NULL && getenv("INVOCATION_ID") == NULL)
		return;
	rc = sd_journal_send("MESSAGE=%s", summary,
	    "MESSAGE_ID=%s", alert_kind_message_id(e->kind),
	    "PRIORITY=%d", e->kind == ALERT_IMPROVEMENT ? 5 : 4,
	    "BENCHD_EVENT=%s", alert_kind_name(e->kind),
	    "BENCHD_ALERT=%lld", (long long)id,
	    "BENCHD_SESSION=%lld", (long long)e->session,
	    "BENCHD_SUITE=%s", e->suite != NULL ? e->suite : "",
	    "BENCHD_COMMAND=%s", e->command != NULL ? e->command : "",
	    NULL);
	if (rc < 0)
		log_debug("sd_journal_send: %s", strerror(-rc));
#else
	(void)e;
	(void)summary;
	(void)id;
#endif
}

/* The targets [notify] names, as the outbox calls them. */
static size_t
alert_targets(const struct config_notify *cn, const char *targets[2])
{
	size_t	n = 0;

	if (cn->exec != NULL)
		targets[n++] = "exec";
	if (cn->webhook != NULL)
		targets[n++] = "webhook";
	return (n);
}

/* Into the journal and the outbox; dedupe (or NULL) keeps it to one. */
void
alert_emit(struct store *st, struct alert_event *e, const char *dedupe)
{
	const char	*targets[2];
	char		*summary, *payload, host[256];
	int64_t		 id = 0;
	size_t		 n;
	int		 rc;

	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	e->host = host;
	e->time_ms = store_now_ms();
	summary = alert_summary(e);
	payload = alert_payload(e);
	n = alert_targets(&cfg->notify, targets);
	rc = store_alert_add(st, alert_kind_name(e->kind), e->session, dedupe,
	    summary, payload, targets, n, &id);
	if (rc == 1)
		log_debug("alert not repeated: %s", summary);
	else {
		if (rc != 0)
			log_warnx("alert not stored (%s): %s",
			    store_errmsg(st), summary);
		else
			log_info("alert %lld: %s", (long long)id, summary);
		alert_journal(e, summary, id);
		if (rc == 0 && n > 0)
			alert_wake();
	}
	free(summary);
	free(payload);
}

/* The phases that moved the way the verdict did. */
static struct alert_phase *
moved_phases(const struct comparison *c, enum verdict v, size_t *n)
{
	struct alert_phase	*p = NULL;
	size_t			 i;

	*n = 0;
	for (i = 0; c != NULL && i < c->nphases; i++) {
		if (c->phases[i].verdict != v)
			continue;
		p = xreallocarray(p, *n + 1, sizeof *p);
		p[*n].prefix = c->phases[i].prefix;
		p[*n].phase = c->phases[i].name;
		p[*n].change = c->phases[i].change;
		p[*n].verdict = c->phases[i].verdict;
		(*n)++;
	}
	return (p);
}

void
alert_verdict(struct store *st, const struct session_row *r,
    const struct session_verdict *v, const struct comparison *c,
    int confirmed)
{
	struct session_verdict	 prev;
	struct session_row	 b;
	struct alert_event	 e;
	char			*dedupe, *cmd;
	int			 have_b;

	if (!alert_verdict_tellable(v->verdict, v->change,
	    cfg->notify.min_change))
		return;
	if (!confirmed && (store_prev_verdict(st, r->id, r->suite, r->params,
	    &prev) != 0 || !alert_verdict_confirmed(v, &prev))) {
		log_debug("session %lld: %s, not confirmed yet",
		    (long long)r->id, verdict_name(v->verdict));
		return;
	}
	have_b = store_session_get(st, v->baseline, &b) == 0;
	memset(&e, 0, sizeof e);
	e.kind = v->verdict == VERDICT_REGRESSED ? ALERT_REGRESSION :
	    ALERT_IMPROVEMENT;
	e.session = r->id;
	e.suite = r->suite;
	e.params = r->params;
	e.rev = r->rev;
	e.p = NAN;
	e.baseline = v->baseline;
	e.baseline_rev = have_b ? b.rev : NULL;
	e.metric = "wall";
	e.verdict = v->verdict;
	e.change = v->change;
	e.ci_low = v->ci_low;
	e.ci_high = v->ci_high;
	e.threshold = v->threshold;
	e.phases = moved_phases(c, v->verdict, &e.nphases);
	e.before = e.after = NAN;
	xasprintf(&cmd, "benchctl compare %lld %lld", (long long)v->baseline,
	    (long long)r->id);
	e.command = cmd;
	dedupe = alert_dedupe_key(r->suite, r->params, "wall", v->baseline,
	    v->verdict);
	alert_emit(st, &e, dedupe);
	free(dedupe);
	free(cmd);
	free((void *)e.phases);
	if (have_b)
		session_row_free(&b);
}

/* An event of kind about session id, from its row r (caller frees). */
int
alert_of_session(struct store *st, int64_t id, int kind,
    struct alert_event *e, struct session_row *r)
{
	if (store_session_get(st, id, r) != 0)
		return (-1);
	memset(e, 0, sizeof *e);
	e->kind = kind;
	e->session = id;
	e->suite = r->suite;
	e->params = r->params;
	e->rev = r->rev;
	e->before = e->after = e->change = e->p = NAN;
	return (0);
}

void
alert_session_failed(struct store *st, int64_t id, const char *reason)
{
	struct session_row	 r;
	struct alert_event	 e;
	char			*cmd;

	if (alert_of_session(st, id, ALERT_FAILED, &e, &r) != 0)
		return;
	e.reason = reason != NULL ? reason : r.reason;
	xasprintf(&cmd, "benchctl show %lld", (long long)id);
	e.command = cmd;
	alert_emit(st, &e, NULL);
	free(cmd);
	session_row_free(&r);
}

void
alert_not_canonical(struct store *st, int64_t id, int64_t seconds,
    const char *reason)
{
	struct session_row	 r;
	struct alert_event	 e;
	char			*dedupe;

	if (alert_of_session(st, id, ALERT_CONDITIONS, &e, &r) != 0)
		return;
	e.reason = reason;
	e.seconds = seconds;
	e.command = "benchctl conditions";
	xasprintf(&dedupe, "not-canonical #%lld", (long long)id);
	alert_emit(st, &e, dedupe);
	free(dedupe);
	session_row_free(&r);
}

/* id: the session in flight, 0 for none; since: when the queue moved. */
void
alert_queue_stalled(struct store *st, int64_t id, int64_t since,
    int64_t seconds, const char *reason)
{
	struct session_row	 r;
	struct alert_event	 e;
	char			*dedupe;
	int			 have_r;

	have_r = id > 0 && alert_of_session(st, id, ALERT_STALLED, &e,
	    &r) == 0;
	if (!have_r) {
		memset(&e, 0, sizeof e);
		e.kind = ALERT_STALLED;
		e.before = e.after = e.change = e.p = NAN;
	}
	e.reason = reason;
	e.seconds = seconds;
	e.command = "benchctl status";
	xasprintf(&dedupe, "queue-stalled since %lld", (long long)since);
	alert_emit(st, &e, dedupe);
	free(dedupe);
	if (have_r)
		session_row_free(&r);
}
