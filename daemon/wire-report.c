/*
 * wire-report.c -- the protocol's JSON for what benchd works out rather
 * than stores: a comparison, a calibration, a phase table, the progress of
 * the session in flight and the state of a held write; and the
 * notifications.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "benchd.h"
#include "fleet.h"
#include "compare.h"
#include "session.h"
#include "store.h"
#include "xmalloc.h"

static cJSON *
side_json(const struct cmp_side *s)
{
	cJSON	*o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "n", (double)s->n);
	wire_num(o, "mean", s->mean);
	wire_num(o, "stddev", s->stddev);
	return (o);
}

static cJSON *
metric_json(const struct cmp_metric *m)
{
	cJSON	*o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "name", m->name);
	cJSON_AddStringToObject(o, "unit", m->unit);
	cJSON_AddItemToObject(o, "a", side_json(&m->a));
	cJSON_AddItemToObject(o, "b", side_json(&m->b));
	wire_num(o, "change", m->change);
	wire_num(o, "ci_low", m->ci_low);
	wire_num(o, "ci_high", m->ci_high);
	wire_num(o, "p_welch", m->p_welch);
	wire_num(o, "p_mwu", m->p_mwu);
	cJSON_AddStringToObject(o, "verdict", verdict_name(m->verdict));
	wire_text(o, "rule", verdict_rule_name(m->rule));
	wire_text(o, "reason", m->why == WHY_DISTURBED ?
	    RULE_DISTURBED_REASON : NULL);
	if (m->prefix != NULL)
		cJSON_AddStringToObject(o, "prefix", m->prefix);
	return (o);
}

/* ["different suites", ...]: why two sessions are not comparable. */
cJSON *
wire_compare_flags(unsigned int flags)
{
	cJSON		*a = cJSON_CreateArray();
	unsigned int	 i;

	for (i = 0; i < CMP_NFLAGS; i++)
		if (flags & (1U << i))
			cJSON_AddItemToArray(a, cJSON_CreateString(
			    compare_flag_text(1U << i)));
	return (a);
}

/* What a threshold was chosen from: {"noise", "history", ...}. */
static cJSON *
learned_json(const struct cmp_threshold *t)
{
	cJSON	*o = cJSON_CreateObject();

	wire_num(o, "noise", t->noise);
	wire_num(o, "history", t->history);
	cJSON_AddNumberToObject(o, "history_sessions", (double)t->history_n);
	wire_num(o, "calibration", t->calibration);
	wire_int(o, "calibration_id", t->calibration_id > 0 ?
	    t->calibration_id : STORE_NONE);
	return (o);
}

/* The session.compare result. */
cJSON *
wire_comparison(const struct comparison *c)
{
	cJSON	*out = cJSON_CreateObject(), *a, *e;
	size_t	 i;

	cJSON_AddNumberToObject(out, "a", (double)c->a);
	cJSON_AddNumberToObject(out, "b", (double)c->b);
	/* "noise" is the threshold, as before thresholds were learned. */
	cJSON_AddNumberToObject(out, "noise", c->threshold.value);
	cJSON_AddNumberToObject(out, "threshold", c->threshold.value);
	cJSON_AddStringToObject(out, "rule",
	    verdict_rule_name(c->threshold.rule));
	cJSON_AddItemToObject(out, "learned", learned_json(&c->threshold));
	e = cJSON_AddObjectToObject(out, "disturbed");
	cJSON_AddNumberToObject(e, "a", (double)c->disturbed_a);
	cJSON_AddNumberToObject(e, "b", (double)c->disturbed_b);
	cJSON_AddStringToObject(out, "cpu", c->cpu_tree ? "cgroup" :
	    "rusage");
	cJSON_AddItemToObject(out, "flags", wire_compare_flags(c->flags));
	a = cJSON_AddArrayToObject(out, "metrics");
	for (i = 0; i < CMP_NMETRICS; i++)
		cJSON_AddItemToArray(a, metric_json(&c->metrics[i]));
	a = cJSON_AddArrayToObject(out, "phases");
	for (i = 0; i < c->nphases; i++)
		cJSON_AddItemToArray(a, metric_json(&c->phases[i]));
	a = cJSON_AddArrayToObject(out, "explain");
	for (i = 0; i < c->nexplain; i++) {
		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "prefix", c->explain[i].prefix);
		cJSON_AddStringToObject(e, "phase", c->explain[i].phase);
		cJSON_AddNumberToObject(e, "delta", c->explain[i].delta);
		cJSON_AddNumberToObject(e, "share", c->explain[i].share);
		cJSON_AddStringToObject(e, "verdict",
		    verdict_name(c->explain[i].verdict));
		cJSON_AddItemToArray(a, e);
	}
	return (out);
}

/* The Calibration object: the calibration, its sessions and its pairs. */
cJSON *
wire_calibration(const struct calibration_row *c)
{
	const struct calibration_pair	*p;
	cJSON				*o = cJSON_CreateObject(), *a, *s, *r;
	size_t				 i;

	cJSON_AddNumberToObject(o, "id", (double)c->id);
	cJSON_AddStringToObject(o, "suite", c->suite);
	cJSON_AddItemToObject(o, "params", wire_params(c->params));
	cJSON_AddNumberToObject(o, "pairs", c->pairs);
	cJSON_AddStringToObject(o, "state", calibration_state_name(c->state));
	wire_text(o, "reason", c->reason);
	wire_num(o, "noise", c->noise);
	cJSON_AddNumberToObject(o, "counted", c->counted);
	cJSON_AddNumberToObject(o, "regressed", c->regressed);
	cJSON_AddNumberToObject(o, "improved", c->improved);
	wire_num(o, "false_rate", c->false_rate);
	wire_num(o, "learned_noise", c->learned);
	wire_time(o, "created_at", c->created_at);
	wire_time(o, "finished_at", c->finished_at);
	wire_int(o, "queued_by", c->queued_by);
	s = cJSON_AddArrayToObject(o, "sessions");
	a = cJSON_AddArrayToObject(o, "comparisons");
	for (i = 0; i < c->nv; i++) {
		p = &c->v[i];
		cJSON_AddItemToArray(s, cJSON_CreateNumber((double)p->a));
		cJSON_AddItemToArray(s, cJSON_CreateNumber((double)p->b));
		r = cJSON_CreateObject();
		cJSON_AddNumberToObject(r, "pair", p->pair);
		cJSON_AddNumberToObject(r, "a", (double)p->a);
		cJSON_AddNumberToObject(r, "b", (double)p->b);
		wire_text(r, "verdict", p->verdict != VERDICT_NONE ?
		    verdict_name(p->verdict) : NULL);
		wire_num(r, "change", p->change);
		wire_num(r, "ci_low", p->ci_low);
		wire_num(r, "ci_high", p->ci_high);
		cJSON_AddItemToArray(a, r);
	}
	return (o);
}

/* The session.phases result. */
cJSON *
wire_phases(int64_t id, const struct phase_report *r)
{
	const struct phase_row	*p;
	cJSON			*out = cJSON_CreateObject(), *a, *o;
	size_t			 i;

	cJSON_AddNumberToObject(out, "id", (double)id);
	cJSON_AddNumberToObject(out, "runs", (double)r->runs);
	a = cJSON_AddArrayToObject(out, "phases");
	for (i = 0; i < r->nrows; i++) {
		p = &r->rows[i];
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "prefix", p->prefix);
		cJSON_AddStringToObject(o, "phase", p->phase);
		cJSON_AddNumberToObject(o, "count", p->count);
		wire_num(o, "mean", p->mean);
		wire_num(o, "stddev", p->stddev);
		cJSON_AddNumberToObject(o, "max", p->max);
		wire_num(o, "share", p->share);
		cJSON_AddItemToArray(a, o);
	}
	cJSON_AddNumberToObject(out, "total", r->total);
	wire_num(out, "wall", r->wall);
	wire_num(out, "cpu", r->cpu);
	wire_num(out, "coverage", r->coverage);
	if (r->agrees >= 0)
		cJSON_AddBoolToObject(out, "agrees", r->agrees);
	else
		cJSON_AddNullToObject(out, "agrees");
	wire_num(out, "cpu_coverage", r->cpu_coverage);
	cJSON_AddNumberToObject(out, "malformed", r->malformed);
	wire_text(out, "malformed_example", r->malformed_example);
	return (out);
}

/* What the session in flight is doing (status, session.get). */
cJSON *
wire_progress(const struct sched_progress *p)
{
	cJSON	*o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "phase", p->phase);
	if (p->waiting != NULL) {
		cJSON_AddStringToObject(o, "waiting", p->waiting);
		wire_time(o, "since", p->since);
	}
	cJSON_AddNumberToObject(o, "run", p->run);
	cJSON_AddNumberToObject(o, "of", p->of);
	if (p->last_wall > 0)
		cJSON_AddNumberToObject(o, "last_wall", p->last_wall);
	else
		cJSON_AddNullToObject(o, "last_wall");
	return (o);
}

/* status's storage: {"ok": true}, or what is held, why, since when. */
cJSON *
wire_hold(const struct hold_status *h)
{
	cJSON	*o = cJSON_CreateObject();

	cJSON_AddBoolToObject(o, "ok", !h->held);
	if (!h->held)
		return (o);
	cJSON_AddStringToObject(o, "held", h->what);
	cJSON_AddStringToObject(o, "error", h->error);
	wire_time(o, "since", h->since);
	cJSON_AddNumberToObject(o, "retry", h->retry);
	return (o);
}

/* status's "fleet": null when the box is in none. */
cJSON *
wire_fleet(const struct fleet_status *fs)
{
	cJSON	*o;

	if (!fs->on)
		return (cJSON_CreateNull());
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "box", fs->box);
	cJSON_AddBoolToObject(o, "connected", fs->connected);
	cJSON_AddBoolToObject(o, "queue", fs->queue);
	cJSON_AddNumberToObject(o, "backlog", (double)fs->backlog);
	cJSON_AddNumberToObject(o, "pushed", (double)fs->pushed);
	wire_text(o, "last_error", fs->last_error);
	cJSON_AddNumberToObject(o, "retry_in", (double)fs->retry_in);
	if (fs->job > 0)
		cJSON_AddNumberToObject(o, "job", (double)fs->job);
	else
		cJSON_AddNullToObject(o, "job");
	return (o);
}

/* session.progress to the subscribers of the session in flight. */
void
wire_notify_progress(int64_t id, const struct sched_progress *p)
{
	cJSON	*o = wire_progress(p);

	cJSON_AddNumberToObject(o, "id", (double)id);
	cJSON_AddStringToObject(o, "state", "running");
	server_notify(id, "session.progress", o);
}

/* session.finished: {"id", "state", "reason"}. */
cJSON *
wire_finished(int64_t id, enum session_state state, const char *reason)
{
	cJSON	*o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)id);
	cJSON_AddStringToObject(o, "state", session_state_name(state));
	wire_text(o, "reason", reason);
	return (o);
}

void
wire_notify_finished(int64_t id, enum session_state state,
    const char *reason)
{
	server_notify(id, "session.finished", wire_finished(id, state, reason));
}

/* The ABTest object: its arms, its purpose and its decision. */
cJSON *
wire_ab(const struct ab_row *t)
{
	cJSON	*o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)t->id);
	cJSON_AddStringToObject(o, "suite", t->suite);
	cJSON_AddItemToObject(o, "params", wire_params(t->params));
	wire_int(o, "session_a", t->session_a > 0 ? t->session_a : STORE_NONE);
	wire_int(o, "session_b", t->session_b > 0 ? t->session_b : STORE_NONE);
	wire_text(o, "rev_a", t->rev_a);
	wire_text(o, "rev_b", t->rev_b);
	wire_text(o, "metric", t->metric);
	wire_text(o, "purpose", t->purpose);
	wire_int(o, "confirms", t->confirms > 0 ? t->confirms : STORE_NONE);
	wire_int(o, "bisection", t->bisect_id > 0 ? t->bisect_id : STORE_NONE);
	cJSON_AddStringToObject(o, "state", session_state_name(t->state));
	wire_text(o, "reason", t->reason);
	wire_text(o, "verdict", t->verdict != VERDICT_NONE ?
	    verdict_name(t->verdict) : NULL);
	wire_num(o, "change", t->change);
	wire_num(o, "ci_low", t->ci_low);
	wire_num(o, "ci_high", t->ci_high);
	wire_num(o, "threshold", t->threshold);
	cJSON_AddNumberToObject(o, "pairs", t->pairs);
	return (o);
}

/*
 * The Bisection object: its range and marks, and once narrowed down the
 * first bad commit with the last A/B test (fin, NULL until it ends) and
 * the phases that moved in it (c, NULL when not compared).
 */
cJSON *
wire_bisection(const struct bisect_row *b, const struct ab_row *fin,
    const char *subject, const struct comparison *c)
{
	cJSON		*o = cJSON_CreateObject(), *a, *f, *p;
	const char	*s, *e;
	char		*id;
	size_t		 i, k = 0;

	cJSON_AddNumberToObject(o, "id", (double)b->id);
	cJSON_AddStringToObject(o, "suite", b->suite);
	cJSON_AddItemToObject(o, "params", wire_params(b->params));
	cJSON_AddStringToObject(o, "good", b->good);
	cJSON_AddStringToObject(o, "bad", b->bad);
	cJSON_AddStringToObject(o, "metric", b->metric);
	cJSON_AddStringToObject(o, "state", b->state);
	wire_text(o, "reason", b->reason);
	wire_time(o, "created_at", b->created_at);
	wire_time(o, "finished_at", b->finished_at);
	wire_int(o, "step", b->step_ab > 0 && fin == NULL ? b->step_ab :
	    STORE_NONE);
	a = cJSON_AddArrayToObject(o, "commits");
	for (s = b->commits; *s != '\0'; s = *e == ' ' ? e + 1 : e, k++) {
		e = s + strcspn(s, " ");
		id = xstrndup(s, e - s);
		p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "commit", id);
		cJSON_AddStringToObject(p, "mark", b->marks[k] == 'g' ? "good" :
		    b->marks[k] == 'b' ? "bad" : b->marks[k] == 's' ?
		    "skipped" : "untested");
		cJSON_AddItemToArray(a, p);
		free(id);
	}
	if (b->first_bad < 0 || fin == NULL) {
		cJSON_AddNullToObject(o, "first_bad");
		return (o);
	}
	f = cJSON_AddObjectToObject(o, "first_bad");
	wire_text(f, "commit", fin->rev_b);
	wire_text(f, "parent", fin->rev_a);
	wire_text(f, "subject", subject);
	cJSON_AddNumberToObject(f, "ab", (double)fin->id);
	wire_text(f, "verdict", fin->verdict != VERDICT_NONE ?
	    verdict_name(fin->verdict) : NULL);
	wire_num(f, "change", fin->change);
	wire_num(f, "ci_low", fin->ci_low);
	wire_num(f, "ci_high", fin->ci_high);
	a = cJSON_AddArrayToObject(f, "phases");
	for (i = 0; c != NULL && i < c->nphases; i++)
		if (c->phases[i].verdict == VERDICT_REGRESSED ||
		    c->phases[i].verdict == VERDICT_IMPROVED)
			cJSON_AddItemToArray(a, metric_json(&c->phases[i]));
	return (o);
}
