/*
 * alert.c -- the rules of notifications and what targets are sent.
 *
 * An event (struct alert_event) is said three ways: a line for people
 * (alert_summary: the journal's MESSAGE, Slack's text), the JSON object
 * every target gets (alert_payload, stored in the outbox), and the body
 * of one delivery (alert_body: that object with its id, or Slack's
 * {"text": ...}).  The rules that keep alerts few decide here: which
 * verdicts are worth telling, when one is confirmed, what makes two of
 * them one finding, and how long a failed delivery waits.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "alert.h"
#include "log.h"
#include "store.h"
#include "xmalloc.h"

static const struct {
	const char	*name;
	const char	*message_id;	/* journal MESSAGE_ID, never changed */
} kinds[ALERT_NKINDS] = {
	[ALERT_REGRESSION] = { "regression",
	    "5d1e1c3c8f0b4b6e9a57a0c2e7f4b101" },
	[ALERT_IMPROVEMENT] = { "improvement",
	    "5d1e1c3c8f0b4b6e9a57a0c2e7f4b102" },
	[ALERT_FAILED] = { "session-failed",
	    "5d1e1c3c8f0b4b6e9a57a0c2e7f4b103" },
	[ALERT_CONDITIONS] = { "not-canonical",
	    "5d1e1c3c8f0b4b6e9a57a0c2e7f4b104" },
	[ALERT_STALLED] = { "queue-stalled",
	    "5d1e1c3c8f0b4b6e9a57a0c2e7f4b105" },
	[ALERT_CHANGEPOINT] = { "change-point",
	    "5d1e1c3c8f0b4b6e9a57a0c2e7f4b106" },
	[ALERT_NOISE] = { "noise-rose",
	    "5d1e1c3c8f0b4b6e9a57a0c2e7f4b107" },
};

const char *
alert_kind_name(enum alert_kind k)
{
	return (kinds[k].name);
}

const char *
alert_kind_message_id(enum alert_kind k)
{
	return (kinds[k].message_id);
}

/* "crate=a opt=2" from a params object's text; "" for none. */
static char *
params_words(const char *params)
{
	cJSON	*o, *v;
	char	*out = xstrdup(""), *t;

	if (params == NULL || (o = cJSON_Parse(params)) == NULL)
		return (out);
	cJSON_ArrayForEach(v, o) {
		if (!cJSON_IsString(v))
			continue;
		xasprintf(&t, "%s %s=%s", out, v->string, v->valuestring);
		free(out);
		out = t;
	}
	cJSON_Delete(o);
	return (out);
}

/* "+12.3%" */
static void
pct(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%+.1f%%", v * 100);
}

static char *
verdict_summary(const struct alert_event *e, const char *what)
{
	char	 change[32], lo[32], hi[32], thr[32], ph[32], *phases, *t;
	char	*out;
	size_t	 i;

	pct(change, sizeof change, e->change);
	pct(lo, sizeof lo, e->ci_low);
	pct(hi, sizeof hi, e->ci_high);
	if (isnan(e->threshold))
		snprintf(thr, sizeof thr, "?");
	else
		snprintf(thr, sizeof thr, "%.1f%%", e->threshold * 100);
	phases = xstrdup("");
	for (i = 0; i < e->nphases; i++) {
		pct(ph, sizeof ph, e->phases[i].change);
		xasprintf(&t, "%s%s %s %s", phases, i == 0 ? "; phases:" : ",",
		    e->phases[i].phase, ph);
		free(phases);
		phases = t;
	}
	xasprintf(&out, "%s: %s %s (CI %s to %s, threshold %s) in session "
	    "#%lld%s%s against baseline #%lld%s%s%s", what,
	    e->metric != NULL ? e->metric : "wall", change, lo, hi, thr,
	    (long long)e->session, e->rev != NULL ? " at " : "",
	    e->rev != NULL ? e->rev : "", (long long)e->baseline,
	    e->baseline_rev != NULL ? " at " : "",
	    e->baseline_rev != NULL ? e->baseline_rev : "", phases);
	free(phases);
	return (out);
}

char *
alert_summary(const struct alert_event *e)
{
	char	*p, *what, *out, b[32], a[32];

	p = params_words(e->params);
	xasprintf(&what, "%s%s%s%s", kinds[e->kind].name,
	    e->suite != NULL ? " " : "", e->suite != NULL ? e->suite : "", p);
	free(p);
	switch (e->kind) {
	case ALERT_REGRESSION:
	case ALERT_IMPROVEMENT:
		out = verdict_summary(e, what);
		break;
	case ALERT_FAILED:
		xasprintf(&out, "%s: session #%lld failed: %s", what,
		    (long long)e->session, e->reason != NULL ? e->reason :
		    "no reason given");
		break;
	case ALERT_CONDITIONS:
		xasprintf(&out, "%s: session #%lld has waited %lld s for "
		    "canonical conditions: %s", what, (long long)e->session,
		    (long long)e->seconds, e->reason != NULL ? e->reason :
		    "not canonical");
		break;
	case ALERT_STALLED:
		xasprintf(&out, "%s: the queue has not moved for %lld s: %s",
		    what, (long long)e->seconds, e->reason != NULL ?
		    e->reason : "no reason known");
		break;
	case ALERT_CHANGEPOINT:
		pct(a, sizeof a, e->change);
		xasprintf(&out, "%s: change point at session #%lld: mean "
		    "%.6g s before, %.6g s after (%s)", what,
		    (long long)e->session, e->before, e->after, a);
		break;
	case ALERT_NOISE:
		pct(b, sizeof b, e->before);
		pct(a, sizeof a, e->after);
		xasprintf(&out, "%s: calibration #%lld learned noise %s, was "
		    "%s", what, (long long)e->calibration, a + (a[0] == '+'),
		    b + (b[0] == '+'));
		break;
	default:
		out = xstrdup(what);
		break;
	}
	free(what);
	return (out);
}

/* A number, or null when it is not known. */
static void
add_num(cJSON *o, const char *name, double v)
{
	if (isnan(v) || isinf(v))
		cJSON_AddNullToObject(o, name);
	else
		cJSON_AddNumberToObject(o, name, v);
}

static void
add_str(cJSON *o, const char *name, const char *v)
{
	if (v == NULL)
		cJSON_AddNullToObject(o, name);
	else
		cJSON_AddStringToObject(o, name, v);
}

static void
add_verdict(cJSON *o, const struct alert_event *e)
{
	cJSON	*a, *p;
	size_t	 i;

	cJSON_AddNumberToObject(o, "baseline", (double)e->baseline);
	add_str(o, "baseline_rev", e->baseline_rev);
	add_str(o, "metric", e->metric != NULL ? e->metric : "wall");
	add_str(o, "verdict", verdict_name(e->verdict));
	add_num(o, "change", e->change);
	if ((a = cJSON_AddArrayToObject(o, "ci")) == NULL)
		fatalx("%s: cJSON", __func__);
	cJSON_AddItemToArray(a, isnan(e->ci_low) ? cJSON_CreateNull() :
	    cJSON_CreateNumber(e->ci_low));
	cJSON_AddItemToArray(a, isnan(e->ci_high) ? cJSON_CreateNull() :
	    cJSON_CreateNumber(e->ci_high));
	add_num(o, "threshold", e->threshold);
	if ((a = cJSON_AddArrayToObject(o, "phases")) == NULL)
		fatalx("%s: cJSON", __func__);
	for (i = 0; i < e->nphases; i++) {
		if ((p = cJSON_CreateObject()) == NULL)
			fatalx("%s: cJSON", __func__);
		add_str(p, "prefix", e->phases[i].prefix);
		add_str(p, "phase", e->phases[i].phase);
		add_num(p, "change", e->phases[i].change);
		add_str(p, "verdict", verdict_name(e->phases[i].verdict));
		cJSON_AddItemToArray(a, p);
	}
}

/* "2026-12-06T06:15:00.123Z" */
static void
iso_time(char *buf, size_t len, int64_t ms)
{
	struct tm	tm;
	time_t		t = (time_t)(ms / 1000);

	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "?");
		return;
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

char *
alert_payload(const struct alert_event *e)
{
	cJSON	*o, *params;
	char	*sum, *out, when[96];

	if ((o = cJSON_CreateObject()) == NULL)
		fatalx("%s: cJSON", __func__);
	cJSON_AddStringToObject(o, "event", kinds[e->kind].name);
	iso_time(when, sizeof when, e->time_ms);
	cJSON_AddStringToObject(o, "time", when);
	add_str(o, "host", e->host);
	sum = alert_summary(e);
	cJSON_AddStringToObject(o, "summary", sum);
	free(sum);
	if (e->session > 0)
		cJSON_AddNumberToObject(o, "session", (double)e->session);
	else
		cJSON_AddNullToObject(o, "session");
	add_str(o, "suite", e->suite);
	if (e->params != NULL && (params = cJSON_Parse(e->params)) != NULL)
		cJSON_AddItemToObject(o, "params", params);
	else
		cJSON_AddNullToObject(o, "params");
	add_str(o, "rev", e->rev);
	switch (e->kind) {
	case ALERT_REGRESSION:
	case ALERT_IMPROVEMENT:
		add_verdict(o, e);
		break;
	case ALERT_FAILED:
	case ALERT_CONDITIONS:
	case ALERT_STALLED:
		add_str(o, "reason", e->reason);
		if (e->kind != ALERT_FAILED)
			cJSON_AddNumberToObject(o, "seconds",
			    (double)e->seconds);
		break;
	case ALERT_CHANGEPOINT:
	case ALERT_NOISE:
		if (e->kind == ALERT_NOISE)
			cJSON_AddNumberToObject(o, "calibration",
			    (double)e->calibration);
		else {
			add_num(o, "change", e->change);
			add_num(o, "p", e->p);
		}
		add_num(o, "before", e->before);
		add_num(o, "after", e->after);
		break;
	default:
		break;
	}
	add_str(o, "command", e->command);
	if ((out = cJSON_PrintUnformatted(o)) == NULL)
		fatalx("%s: cJSON", __func__);
	cJSON_Delete(o);
	return (out);
}

char *
alert_slack_escape(const char *s)
{
	char	*out, *q;

	q = out = xmalloc(strlen(s) * 5 + 1);
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			memcpy(q, "&amp;", 5);
			q += 5;
			break;
		case '<':
			memcpy(q, "&lt;", 4);
			q += 4;
			break;
		case '>':
			memcpy(q, "&gt;", 4);
			q += 4;
			break;
		default:
			*q++ = *s;
			break;
		}
	}
	*q = '\0';
	return (out);
}

/* Slack's text: the host, the summary, and the command to see more. */
static char *
slack_text(const cJSON *o)
{
	const cJSON	*host, *sum, *cmd;
	char		*text, *out;

	host = cJSON_GetObjectItemCaseSensitive(o, "host");
	sum = cJSON_GetObjectItemCaseSensitive(o, "summary");
	cmd = cJSON_GetObjectItemCaseSensitive(o, "command");
	xasprintf(&text, "%s%s%s%s%s%s",
	    cJSON_IsString(host) ? "[" : "",
	    cJSON_IsString(host) ? host->valuestring : "",
	    cJSON_IsString(host) ? "] " : "",
	    cJSON_IsString(sum) ? sum->valuestring : "benchd event",
	    cJSON_IsString(cmd) ? "\nSee: " : "",
	    cJSON_IsString(cmd) ? cmd->valuestring : "");
	out = alert_slack_escape(text);
	free(text);
	return (out);
}

char *
alert_body(const char *payload, int64_t id, enum notify_format fmt)
{
	cJSON	*o, *b;
	char	*text, *out;

	if ((o = cJSON_Parse(payload)) == NULL)
		return (NULL);
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		return (NULL);
	}
	if (fmt == NOTIFY_SLACK) {
		text = slack_text(o);
		cJSON_Delete(o);
		if ((b = cJSON_CreateObject()) == NULL)
			fatalx("%s: cJSON", __func__);
		cJSON_AddStringToObject(b, "text", text);
		free(text);
		o = b;
	} else {
		cJSON_DeleteItemFromObjectCaseSensitive(o, "id");
		if (cJSON_AddNumberToObject(o, "id", (double)id) == NULL)
			fatalx("%s: cJSON", __func__);
	}
	if ((out = cJSON_PrintUnformatted(o)) == NULL)
		fatalx("%s: cJSON", __func__);
	cJSON_Delete(o);
	return (out);
}

int64_t
alert_backoff_ms(int failures, double base, double max)
{
	double	wait = base;
	int	i;

	for (i = 1; i < failures && wait < max; i++)
		wait *= 2;
	if (wait > max)
		wait = max;
	return ((int64_t)llround(wait * 1000));
}

int
alert_verdict_tellable(enum verdict v, double change, double min_change)
{
	if (v != VERDICT_REGRESSED && v != VERDICT_IMPROVED)
		return (0);
	if (isnan(change))
		return (min_change <= 0);
	return (fabs(change) >= min_change);
}

int
alert_verdict_confirmed(const struct session_verdict *v,
    const struct session_verdict *prev)
{
	if (prev == NULL)
		return (0);
	if (v->verdict != VERDICT_REGRESSED && v->verdict != VERDICT_IMPROVED)
		return (0);
	return (prev->verdict == v->verdict && prev->baseline == v->baseline);
}

int
alert_noise_rose(double before, double after, double rise)
{
	if (!isfinite(before) || !isfinite(after) || before <= 0)
		return (0);
	return (after >= before * (1 + rise));
}

int
alert_change_point_recent(size_t index, size_t n, double rel,
    double min_change)
{
	if (index == 0 || index >= n || n - index > ALERT_CP_RECENT)
		return (0);
	return (fabs(rel) >= min_change);
}

char *
alert_dedupe_key(const char *suite, const char *params, const char *metric,
    int64_t baseline, enum verdict v)
{
	char	*key;

	xasprintf(&key, "verdict %s %s %s #%lld %s", suite,
	    params != NULL ? params : "{}", metric, (long long)baseline,
	    verdict_name(v));
	return (key);
}
