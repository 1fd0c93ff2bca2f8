/*
 * wire.c -- the protocol's JSON, made from the daemon's structs: the one
 * place a session, a run, a statistic or a time becomes JSON.  Methods
 * read the store and shape their replies with these.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "benchd.h"
#include "conf.h"
#include "rules.h"
#include "session.h"
#include "stats.h"
#include "store.h"
#include "xmalloc.h"

/* A number, or null when it is not finite (undefined, not zero). */
void
wire_num(cJSON *o, const char *name, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

/* A string, or null. */
void
wire_text(cJSON *o, const char *name, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

/* An integer, or null for STORE_NONE. */
void
wire_int(cJSON *o, const char *name, int64_t v)
{
	if (v != STORE_NONE)
		cJSON_AddNumberToObject(o, name, (double)v);
	else
		cJSON_AddNullToObject(o, name);
}

/* Milliseconds since the epoch as ISO 8601 UTC; 0 is null (not yet). */
void
wire_time(cJSON *o, const char *name, int64_t ms)
{
	char		buf[32];
	time_t		t;
	struct tm	tm;

	if (ms == 0) {
		cJSON_AddNullToObject(o, name);
		return;
	}
	t = ms / 1000;
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	cJSON_AddStringToObject(o, name, buf);
}

/* Stored JSON text (a snapshot, a fingerprint) as JSON; null if none. */
cJSON *
wire_json_text(const char *text)
{
	cJSON	*j = text != NULL ? cJSON_Parse(text) : NULL;

	return (j != NULL ? j : cJSON_CreateNull());
}

/* Stored parameter values as an object ({} when unreadable). */
cJSON *
wire_params(const char *text)
{
	cJSON	*j = cJSON_Parse(text != NULL ? text : "{}");

	if (j == NULL || !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		j = cJSON_CreateObject();
	}
	return (j);
}

/*
 * A client's parameter values as stored: JSON text with the suite's
 * parameters in the suite's order, whatever order they were given in, so
 * one set of values always has one text (and one history).
 */
char *
wire_params_text(const struct suite *su, const cJSON *given)
{
	const cJSON	*v;
	cJSON		*p = cJSON_CreateObject();
	char		*s;
	size_t		 i;

	for (i = 0; su != NULL && i < su->nparams; i++) {
		v = cJSON_GetObjectItemCaseSensitive(given, su->params[i].name);
		if (cJSON_IsString(v))
			cJSON_AddStringToObject(p, v->string, v->valuestring);
	}
	s = cJSON_PrintUnformatted(p);
	cJSON_Delete(p);
	return (s);
}

/* The protocol's Session object. */
cJSON *
wire_session(const struct session_row *r)
{
	cJSON	*o = cJSON_CreateObject(), *v;

	cJSON_AddNumberToObject(o, "id", (double)r->id);
	wire_text(o, "suite", r->suite);
	cJSON_AddItemToObject(o, "params", wire_params(r->params));
	wire_text(o, "label", r->label);
	wire_text(o, "rev", r->rev);
	if (r->dirty < 0)
		cJSON_AddNullToObject(o, "dirty");
	else
		cJSON_AddBoolToObject(o, "dirty", r->dirty);
	wire_int(o, "commit_time", r->commit_time);
	wire_text(o, "subject", r->commit_subject);
	wire_int(o, "ab", r->ab_id > 0 ? r->ab_id : STORE_NONE);
	wire_text(o, "arm", r->ab_arm);
	wire_text(o, "confirmation", r->confirmation);
	wire_text(o, "follow", r->follow);
	cJSON_AddStringToObject(o, "state", session_state_name(r->state));
	wire_text(o, "reason", r->reason);
	cJSON_AddNumberToObject(o, "warmup", r->warmup);
	cJSON_AddNumberToObject(o, "runs", r->runs);
	cJSON_AddNumberToObject(o, "max_runs", r->max_runs);
	cJSON_AddNumberToObject(o, "cv_target", r->cv_target);
	cJSON_AddNumberToObject(o, "measured", r->measured);
	cJSON_AddNumberToObject(o, "warmups_done", r->warmups_done);
	wire_time(o, "queued_at", r->queued_at);
	wire_time(o, "started_at", r->started_at);
	wire_time(o, "finished_at", r->finished_at);
	wire_int(o, "queued_by", r->queued_by);
	wire_text(o, "command", r->command);
	cJSON_AddItemToObject(o, "fingerprint", wire_json_text(r->fingerprint));
	wire_text(o, "cpus", r->cpus);
	wire_int(o, "nice", r->nice);
	wire_text(o, "cgroup", r->cgroup);
	wire_num(o, "max_stall", r->max_stall);
	wire_num(o, "noise", r->noise);
	if (r->verdict == VERDICT_NONE)
		cJSON_AddNullToObject(o, "verdict");
	else {
		v = cJSON_AddObjectToObject(o, "verdict");
		cJSON_AddStringToObject(v, "verdict", verdict_name(r->verdict));
		wire_int(v, "baseline", r->baseline_id);
		wire_num(v, "change", r->change);
		wire_num(v, "ci_low", r->ci_low);
		wire_num(v, "ci_high", r->ci_high);
		wire_num(v, "threshold", r->threshold);
		wire_text(v, "rule", verdict_rule_name(r->rule));
		wire_text(v, "reason", r->rule == RULE_DISTURBED ?
		    RULE_DISTURBED_REASON : NULL);
	}
	return (o);
}

/* Every statistic of one metric (the summary of session.get). */
cJSON *
wire_stats(const struct stats_summary *s)
{
	cJSON	*o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "n", (double)s->n);
	wire_num(o, "mean", s->mean);
	wire_num(o, "stddev", s->stddev);
	wire_num(o, "cv", s->cv);
	wire_num(o, "median", s->median);
	wire_num(o, "mad", s->mad);
	wire_num(o, "min", s->min);
	wire_num(o, "max", s->max);
	wire_num(o, "ci_low", s->ci_low);
	wire_num(o, "ci_high", s->ci_high);
	wire_num(o, "ci_half", s->ci_half);
	return (o);
}

/* {"mean", "stddev", "cv"} of one metric, or null without runs. */
static cJSON *
brief(const struct stats_summary *s, size_t n)
{
	cJSON	*o;

	if (n == 0)
		return (cJSON_CreateNull());
	o = cJSON_CreateObject();
	wire_num(o, "mean", s->mean);
	wire_num(o, "stddev", s->stddev);
	wire_num(o, "cv", s->cv);
	return (o);
}

/*
 * A Session object's brief statistics of its measured runs: "wall", and
 * with cpu also "n", "user" and "sys".
 */
void
wire_brief(cJSON *o, const struct session_stats *ss, int cpu)
{
	if (cpu)
		cJSON_AddNumberToObject(o, "n", (double)ss->n);
	cJSON_AddItemToObject(o, "wall", brief(&ss->wall, ss->n));
	if (cpu) {
		cJSON_AddItemToObject(o, "user", brief(&ss->user, ss->n));
		cJSON_AddItemToObject(o, "sys", brief(&ss->sys, ss->n));
	}
}

/* Text that may hold any bytes, as valid UTF-8 (bad bytes become U+FFFD). */
static cJSON *
bytes_json(const unsigned char *p, size_t len)
{
	char		*out = xmalloc(len * 3 + 1), *o = out;
	size_t		 i = 0, k, need;
	unsigned char	 c;
	cJSON		*j;

	while (i < len) {
		c = p[i];
		if (c < 0x80)
			need = 0;
		else if (c >= 0xc2 && c <= 0xdf)
			need = 1;
		else if ((c >> 4) == 0xe)
			need = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3;
		else
			need = SIZE_MAX;
		for (k = 1; need != SIZE_MAX && k <= need; k++)
			if (i + k >= len || (p[i + k] & 0xc0) != 0x80)
				need = SIZE_MAX;
		if (need == SIZE_MAX || c == 0) {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(o, p + i, need + 1);
		o += need + 1;
		i += need + 1;
	}
	*o = '\0';
	j = cJSON_CreateString(out);
	free(out);
	return (j);
}

static int64_t
tv_us(const struct timeval *tv)
{
	return ((int64_t)tv->tv_sec * 1000000 + tv->tv_usec);
}

/* Microseconds as seconds; -1 (not available) is null. */
static void
us_or_null(cJSON *o, const char *name, int64_t us)
{
	wire_num(o, name, us >= 0 ? us / 1e6 : NAN);
}

static cJSON *
run_json(const struct run_row *r, int outlier)
{
	cJSON	*o = cJSON_CreateObject(), *a, *p;
	size_t	 i;
	int64_t	 us;

	cJSON_AddNumberToObject(o, "seq", r->seq);
	cJSON_AddStringToObject(o, "kind", r->warmup ? "warmup" : "measured");
	cJSON_AddNumberToObject(o, "iteration", r->iteration);
	wire_time(o, "started_at", r->started_at);
	cJSON_AddNumberToObject(o, "wall", r->wall_ns / 1e9);
	cJSON_AddNumberToObject(o, "user", tv_us(&r->ru.ru_utime) / 1e6);
	cJSON_AddNumberToObject(o, "sys", tv_us(&r->ru.ru_stime) / 1e6);
	cJSON_AddNumberToObject(o, "maxrss_kb", (double)r->ru.ru_maxrss);
	cJSON_AddNumberToObject(o, "minflt", (double)r->ru.ru_minflt);
	cJSON_AddNumberToObject(o, "majflt", (double)r->ru.ru_majflt);
	cJSON_AddNumberToObject(o, "nvcsw", (double)r->ru.ru_nvcsw);
	cJSON_AddNumberToObject(o, "nivcsw", (double)r->ru.ru_nivcsw);
	cJSON_AddNumberToObject(o, "inblock", (double)r->ru.ru_inblock);
	cJSON_AddNumberToObject(o, "oublock", (double)r->ru.ru_oublock);
	wire_int(o, "exit_code", r->exit_code >= 0 ? r->exit_code :
	    STORE_NONE);
	wire_int(o, "signal", r->signal > 0 ? r->signal : STORE_NONE);
	cJSON_AddBoolToObject(o, "timed_out", r->timed_out);
	if (r->stdout_tail != NULL)
		cJSON_AddItemToObject(o, "stdout_tail", bytes_json(
		    (const unsigned char *)r->stdout_tail, r->stdout_len));
	if (r->stderr_tail != NULL)
		cJSON_AddItemToObject(o, "stderr_tail", bytes_json(
		    (const unsigned char *)r->stderr_tail, r->stderr_len));
	cJSON_AddBoolToObject(o, "canonical", r->canonical);
	cJSON_AddItemToObject(o, "conditions", wire_json_text(r->conditions));
	wire_int(o, "throttle_delta", r->throttle_delta >= 0 ?
	    r->throttle_delta : STORE_NONE);
	a = cJSON_AddArrayToObject(o, "phases");
	for (i = 0; i < r->nphases; i++) {
		p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "prefix", r->phases[i].prefix);
		cJSON_AddStringToObject(p, "phase", r->phases[i].phase);
		cJSON_AddNumberToObject(p, "count",
		    (double)r->phases[i].count);
		cJSON_AddNumberToObject(p, "total", r->phases[i].total_ns / 1e9);
		cJSON_AddNumberToObject(p, "max", r->phases[i].max_ns / 1e9);
		cJSON_AddItemToArray(a, p);
	}
	cJSON_AddNumberToObject(o, "timing_malformed",
	    (double)r->timing_malformed);
	wire_text(o, "timing_example", r->timing_example);
	us_or_null(o, "tree_user", r->cg_user_us);
	us_or_null(o, "tree_sys", r->cg_system_us);
	us_or_null(o, "cpu_stall", r->cpu_stall_us);
	wire_num(o, "stall_share", r->cpu_stall_us >= 0 && r->wall_ns > 0 ?
	    r->cpu_stall_us * 1e3 / r->wall_ns : NAN);
	us_or_null(o, "others_cpu", r->others_cpu_us);
	/* What the disturbed rule judged: the stall others account for. */
	us = rule_interference(r->cpu_stall_us, r->others_cpu_us,
	    r->busy_cpus);
	us_or_null(o, "interference", us);
	wire_num(o, "interference_share", us >= 0 && r->wall_ns > 0 ?
	    us * 1e3 / r->wall_ns : NAN);
	us_or_null(o, "io_stall", r->io_stall_us);
	wire_int(o, "mem_peak_kb", r->mem_peak_kb >= 0 ? r->mem_peak_kb :
	    STORE_NONE);
	cJSON_AddBoolToObject(o, "disturbed", r->disturbed);
	cJSON_AddNumberToObject(o, "outlier", outlier);
	return (o);
}

/* The runs of a session; outlier[i] is run i's Tukey flag (0 if none). */
cJSON *
wire_runs(const struct run_list *l, const int *outlier)
{
	cJSON	*a = cJSON_CreateArray();
	size_t	 i;

	for (i = 0; i < l->n; i++)
		cJSON_AddItemToArray(a, run_json(&l->v[i], outlier[i]));
	return (a);
}
