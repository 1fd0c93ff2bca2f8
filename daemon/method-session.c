/* method-session.c -- "session.list", "session.get", "session.subscribe". */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "benchd.h"
#include "stats.h"
#include "store.h"
#include "xmalloc.h"

static int
list_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	const char	*suite = NULL;
	int64_t		 last = 20;
	cJSON		*list, *s;

	if (rpc_param_string(params, "suite", 200, &suite, e) < 0 ||
	    rpc_param_int(params, "last", 1, 10000, &last, e) < 0)
		return (-1);
	*result = cJSON_CreateObject();
	list = store_session_list(db, suite, (int)last);
	cJSON_ArrayForEach(s, list)
		session_add_brief(s, 0, NULL);
	cJSON_AddItemToObject(*result, "sessions", list);
	return (0);
}

/* The session's id param, looked up; NULL (with *e filled) when absent. */
static cJSON *
session_param(const cJSON *params, int64_t *id, struct rpc_error *e)
{
	cJSON	*s;

	*id = 0;
	if (rpc_param_int(params, "id", 1, INT64_MAX / 2, id, e) < 0)
		return (NULL);
	if (*id == 0) {
		rpc_fail(e, RPC_INVALID_PARAMS, NULL, "id is required");
		return (NULL);
	}
	if ((s = store_session_json(db, *id)) == NULL)
		rpc_fail(e, RPC_APP_ERROR, "no-such-session",
		    "no session %lld", (long long)*id);
	return (s);
}

/* A measured run that succeeded: one the statistics count. */
static int
counted(const cJSON *r)
{
	const cJSON	*ec = cJSON_GetObjectItem(r, "exit_code");

	return (strcmp(cJSON_GetObjectItem(r, "kind")->valuestring,
	    "measured") == 0 && cJSON_IsNumber(ec) && ec->valueint == 0 &&
	    !cJSON_IsTrue(cJSON_GetObjectItem(r, "timed_out")));
}

/* Mark each counted run with its Tukey outlier flag on wall time. */
static void
mark_outliers(cJSON *runs)
{
	cJSON	*r;
	double	*x = NULL;
	int	*flags;
	size_t	 n = 0, i = 0;

	cJSON_ArrayForEach(r, runs) {
		if (!counted(r))
			continue;
		x = xreallocarray(x, n + 1, sizeof *x);
		x[n++] = cJSON_GetObjectItem(r, "wall")->valuedouble;
	}
	flags = xcalloc(n + 1, sizeof *flags);
	if (n > 0)
		stats_outliers(x, n, flags);
	cJSON_ArrayForEach(r, runs) {
		if (counted(r))
			cJSON_AddNumberToObject(r, "outlier", flags[i++]);
		else
			cJSON_AddNumberToObject(r, "outlier", 0);
	}
	free(flags);
	free(x);
}

static int
get_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	cJSON	*s, *warnings, *summary, *runs, *prof;
	int64_t	 id;
	int	 want_runs = 1;

	if (rpc_param_bool(params, "runs", &want_runs, e) < 0)
		return (-1);
	if ((s = session_param(params, &id, e)) == NULL)
		return (-1);
	if (id == sched_running())
		cJSON_AddItemToObject(s, "progress", sched_progress());
	session_add_brief(s, 0, NULL);
	if ((prof = profile_json(id)) != NULL)
		cJSON_AddItemToObject(s, "profile", prof);
	else
		cJSON_AddNullToObject(s, "profile");
	*result = cJSON_CreateObject();
	cJSON_AddItemToObject(*result, "session", s);
	summary = session_summary(id, &warnings);
	cJSON_AddItemToObject(*result, "summary", summary != NULL ? summary :
	    cJSON_CreateNull());
	cJSON_AddItemToObject(*result, "warnings", warnings);
	if (want_runs) {
		runs = store_runs_json(db, id);
		mark_outliers(runs);
		cJSON_AddItemToObject(*result, "runs", runs);
	}
	return (0);
}

static int
subscribe_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	cJSON		*s = NULL, *n, *state;
	int64_t		 id = 0;

	if (params != NULL && cJSON_GetObjectItem(params, "id") != NULL &&
	    (s = session_param(params, &id, e)) == NULL)
		return (-1);
	client_subscribe(c, id);
	*result = cJSON_CreateObject();
	if (id != 0)
		cJSON_AddNumberToObject(*result, "subscribed", (double)id);
	else
		cJSON_AddNullToObject(*result, "subscribed");
	state = s != NULL ? cJSON_GetObjectItem(s, "state") : NULL;
	if (state != NULL && strcmp(state->valuestring, "queued") != 0 &&
	    strcmp(state->valuestring, "running") != 0) {
		/* Already over: say so right after the reply. */
		n = cJSON_CreateObject();
		cJSON_AddStringToObject(n, "jsonrpc", "2.0");
		cJSON_AddStringToObject(n, "method", "session.finished");
		cJSON_AddItemToObject(n, "params", cJSON_CreateObject());
		cJSON_AddNumberToObject(cJSON_GetObjectItem(n, "params"), "id",
		    (double)id);
		cJSON_AddStringToObject(cJSON_GetObjectItem(n, "params"),
		    "state", state->valuestring);
		cJSON_AddItemToObject(cJSON_GetObjectItem(n, "params"),
		    "reason", cJSON_Duplicate(cJSON_GetObjectItem(s,
		    "reason"), 1));
		client_defer(c, n);
	}
	cJSON_Delete(s);
	return (0);
}

const struct rpc_method method_session_list = { "session.list", 0,
    list_exec };
const struct rpc_method method_session_get = { "session.get", 0, get_exec };
const struct rpc_method method_session_subscribe = { "session.subscribe", 0,
    subscribe_exec };
