/* method-session.c -- "session.list", "session.get", "session.subscribe". */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "benchd.h"
#include "conf.h"
#include "session.h"
#include "stats.h"
#include "store.h"
#include "xmalloc.h"

/*
 * The brief statistics of session id's measured runs, added to its
 * Session object o: "wall", and with cpu also "n", "user" and "sys".
 */
void
method_add_brief(cJSON *o, int64_t id, int cpu)
{
	struct session_stats	ss;

	session_stats(db, id, cpu ? SESSION_WALL | SESSION_CPU : SESSION_WALL,
	    &ss);
	wire_brief(o, &ss, cpu);
}

/* A Session object with its brief statistics. */
cJSON *
method_session_json(const struct session_row *r, int cpu)
{
	cJSON	*o = wire_session(r);

	method_add_brief(o, r->id, cpu);
	return (o);
}

/*
 * The set of parameter values a reading method looks at, as stored text:
 * the "params" given, else the suite's newest session's.  Every key given
 * must be one of the suite's parameters, since a misspelt key would select
 * no sessions and look like an empty history.  NULL with e set when not.
 */
char *
method_params_pick(const struct suite *su, const cJSON *params,
    struct rpc_error *e)
{
	const cJSON		*given, *v;
	struct session_list	 l;
	char			*text;
	cJSON			*p;

	given = cJSON_GetObjectItemCaseSensitive(params, "params");
	if (cJSON_IsNull(given))
		given = NULL;
	if (given != NULL && !cJSON_IsObject(given)) {
		rpc_fail(e, RPC_INVALID_PARAMS, NULL,
		    "params must be an object");
		return (NULL);
	}
	cJSON_ArrayForEach(v, given) {
		if (suite_param(su, v->string) == NULL) {
			rpc_fail(e, RPC_APP_ERROR, "bad-param",
			    "suite %s has no parameter \"%.200s\"", su->name,
			    v->string);
			return (NULL);
		}
		if (!cJSON_IsString(v)) {
			rpc_fail(e, RPC_INVALID_PARAMS, NULL,
			    "params.%.200s must be a string", v->string);
			return (NULL);
		}
	}
	if (given != NULL)
		return (wire_params_text(su, given));
	if (store_session_list(db, su->name, 1, &l) != 0) {
		rpc_storage_read(e);
		return (NULL);
	}
	p = wire_params(l.n > 0 ? l.v[0].params : NULL);
	text = wire_params_text(su, p);
	cJSON_Delete(p);
	session_list_free(&l);
	return (text);
}

static int
list_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	struct session_list	 l;
	const char		*suite = NULL;
	int64_t			 last = 20;
	cJSON			*a;
	size_t			 i;

	if (rpc_param_string(params, "suite", 200, &suite, e) < 0 ||
	    rpc_param_int(params, "last", 1, 10000, &last, e) < 0)
		return (-1);
	if (store_session_list(db, suite, (int)last, &l) != 0)
		return (rpc_storage_read(e));
	/* A name neither configured nor ever run is a typo, not history. */
	if (suite != NULL && l.n == 0 && conf_suite(cfg, suite) == NULL) {
		session_list_free(&l);
		return (rpc_fail(e, RPC_APP_ERROR, "no-such-suite",
		    "no suite named \"%.200s\"", suite));
	}
	*result = cJSON_CreateObject();
	a = cJSON_AddArrayToObject(*result, "sessions");
	for (i = 0; i < l.n; i++)
		cJSON_AddItemToArray(a, method_session_json(&l.v[i], 0));
	session_list_free(&l);
	return (0);
}

/* The session's id param, looked up into r; -1 (with *e) when absent. */
static int
session_param(const cJSON *params, struct session_row *r,
    struct rpc_error *e)
{
	int64_t	id = 0;

	if (rpc_param_id(params, &id, e) != 0)
		return (-1);
	switch (store_session_get(db, id, r)) {
	case 0:
		return (0);
	case 1:
		return (rpc_fail(e, RPC_APP_ERROR, "no-such-session",
		    "no session %lld", (long long)id));
	}
	return (rpc_storage_read(e));
}

/* The session's runs, each with its Tukey outlier flag on wall time. */
static cJSON *
runs_json(int64_t id)
{
	struct run_list	 l;
	double		*x;
	int		*flags, *counted;
	size_t		 i, n = 0, k = 0;
	cJSON		*a;

	store_runs(db, id, &l);
	x = xcalloc(l.n + 1, sizeof *x);
	flags = xcalloc(l.n + 1, sizeof *flags);
	counted = xcalloc(l.n + 1, sizeof *counted);
	for (i = 0; i < l.n; i++)
		if (run_counted(&l.v[i]))
			x[n++] = l.v[i].wall_ns / 1e9;
	if (n > 0)
		stats_outliers(x, n, flags);
	for (i = 0; i < l.n; i++)
		counted[i] = run_counted(&l.v[i]) ? flags[k++] : 0;
	a = wire_runs(&l, counted);
	free(counted);
	free(flags);
	free(x);
	run_list_free(&l);
	return (a);
}

/* Every statistic of the measured runs, or null without any. */
static cJSON *
summary_json(int64_t id)
{
	struct session_stats	 ss;
	cJSON			*o;

	session_stats(db, id, SESSION_ALL, &ss);
	if (ss.n == 0)
		return (cJSON_CreateNull());
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "wall", wire_stats(&ss.wall));
	cJSON_AddItemToObject(o, "user", wire_stats(&ss.user));
	cJSON_AddItemToObject(o, "sys", wire_stats(&ss.sys));
	cJSON_AddItemToObject(o, "maxrss_kb", wire_stats(&ss.maxrss));
	return (o);
}

static cJSON *
warnings_json(int64_t id)
{
	cJSON	*a = cJSON_CreateArray();
	char	**w;
	size_t	 n, i;

	n = session_warnings(db, id, &w);
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(w[i]));
	session_warnings_free(w, n);
	return (a);
}

static int
get_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	struct session_row	 r;
	struct sched_progress	 p;
	cJSON			*s, *prof;
	int			 want_runs = 1;

	if (rpc_param_bool(params, "runs", &want_runs, e) < 0)
		return (-1);
	if (session_param(params, &r, e) != 0)
		return (-1);
	s = wire_session(&r);
	if (r.id == sched_running() && sched_progress(&p))
		cJSON_AddItemToObject(s, "progress", wire_progress(&p));
	method_add_brief(s, r.id, 0);
	if ((prof = method_profile_json(r.id)) != NULL)
		cJSON_AddItemToObject(s, "profile", prof);
	else
		cJSON_AddNullToObject(s, "profile");
	*result = cJSON_CreateObject();
	cJSON_AddItemToObject(*result, "session", s);
	cJSON_AddItemToObject(*result, "summary", summary_json(r.id));
	cJSON_AddItemToObject(*result, "warnings", warnings_json(r.id));
	if (want_runs)
		cJSON_AddItemToObject(*result, "runs", runs_json(r.id));
	session_row_free(&r);
	return (0);
}

static int
subscribe_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	struct session_row	 r;
	cJSON			*n;
	int64_t			 id = 0;

	memset(&r, 0, sizeof r);
	if (params != NULL && cJSON_GetObjectItem(params, "id") != NULL) {
		if (session_param(params, &r, e) != 0)
			return (-1);
		id = r.id;
	}
	client_subscribe(c, id);
	*result = cJSON_CreateObject();
	if (id != 0)
		cJSON_AddNumberToObject(*result, "subscribed", (double)id);
	else
		cJSON_AddNullToObject(*result, "subscribed");
	if (id != 0 && r.state != SESSION_QUEUED &&
	    r.state != SESSION_RUNNING) {
		/* Already over: say so right after the reply. */
		n = cJSON_CreateObject();
		cJSON_AddStringToObject(n, "jsonrpc", "2.0");
		cJSON_AddStringToObject(n, "method", "session.finished");
		cJSON_AddItemToObject(n, "params", wire_finished(id, r.state,
		    r.reason));
		client_defer(c, n);
	}
	session_row_free(&r);
	return (0);
}

const struct rpc_method method_session_list = { "session.list", 0,
    list_exec };
const struct rpc_method method_session_get = { "session.get", 0, get_exec };
const struct rpc_method method_session_subscribe = { "session.subscribe", 0,
    subscribe_exec };
