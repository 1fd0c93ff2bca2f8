/* method-baseline.c -- "baseline.set" and "baseline.show". */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "benchd.h"
#include "conf.h"
#include "store.h"

static int
baseline_set_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	const char		*suite = NULL;
	const cJSON		*idv, *pv;
	struct session_meta	 m;
	char			*ptext;
	int64_t			 id = 0;
	int			 rc;

	if (rpc_param_string(params, "suite", 200, &suite, e) < 0)
		return (-1);
	if (suite == NULL)
		return (rpc_fail(e, RPC_INVALID_PARAMS, NULL,
		    "suite is required"));
	idv = cJSON_GetObjectItemCaseSensitive(params, "id");
	pv = cJSON_GetObjectItemCaseSensitive(params, "params");
	if (pv != NULL && !cJSON_IsObject(pv))
		return (rpc_fail(e, RPC_INVALID_PARAMS, NULL,
		    "params must be an object"));
	if (cJSON_IsString(idv) && strcmp(idv->valuestring, "latest") == 0) {
		ptext = session_params_text(conf_suite(cfg, suite), pv);
		id = store_latest_completed(db, suite, ptext);
		free(ptext);
		if (id == 0)
			return (rpc_fail(e, RPC_APP_ERROR, "no-such-session",
			    "suite %.200s has no completed session with those "
			    "parameters", suite));
	} else if (rpc_param_int(params, "id", 1, INT64_MAX / 2, &id, e) < 0)
		return (-1);
	if (id == 0)
		return (rpc_fail(e, RPC_INVALID_PARAMS, NULL,
		    "id (a session or \"latest\") is required"));
	if (store_session_meta(db, id, &m) != 0)
		return (rpc_fail(e, RPC_APP_ERROR, "no-such-session",
		    "no session %lld", (long long)id));
	if (strcmp(m.suite, suite) != 0 || (strcmp(m.state, "completed") != 0 &&
	    strcmp(m.state, "unstable") != 0)) {
		rpc_fail(e, RPC_APP_ERROR, "not-a-baseline", "session %lld is "
		    "%s of suite %s: a baseline must be a completed session of "
		    "suite %.200s", (long long)id, m.state, m.suite, suite);
		store_session_meta_free(&m);
		return (-1);
	}
	store_refresh(db);
	rc = store_baseline_set(db, suite, m.params, id, client_uid(c));
	store_session_meta_free(&m);
	if (rc != 0)
		return (rpc_storage(e));
	*result = cJSON_CreateObject();
	cJSON_AddStringToObject(*result, "suite", suite);
	cJSON_AddNumberToObject(*result, "session", (double)id);
	cJSON_AddNumberToObject(*result, "set_by", client_uid(c));
	return (0);
}

/* A suite's current baseline with its numbers and its history. */
static cJSON *
baseline_json(const char *suite, const char *ptext)
{
	int64_t	 id = store_baseline_current(db, suite, ptext);
	cJSON	*o, *s, *summary, *warnings, *hist;

	if (id == 0 || (s = store_session_json(db, id)) == NULL)
		return (NULL);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "suite", suite);
	cJSON_AddItemToObject(o, "params", cJSON_Duplicate(
	    cJSON_GetObjectItem(s, "params"), 1));
	session_add_brief(s, 1, NULL);
	cJSON_AddItemToObject(o, "session", s);
	summary = session_summary(id, &warnings);
	cJSON_AddItemToObject(o, "summary", summary != NULL ? summary :
	    cJSON_CreateNull());
	cJSON_Delete(warnings);
	cJSON_AddItemToObject(o, "phases", session_phases_json(id));
	hist = store_baseline_history(db, suite, ptext);
	cJSON_AddItemToObject(o, "set_by", cJSON_Duplicate(cJSON_GetObjectItem(
	    cJSON_GetArrayItem(hist, 0), "set_by"), 0));
	cJSON_AddItemToObject(o, "set_at", cJSON_Duplicate(cJSON_GetObjectItem(
	    cJSON_GetArrayItem(hist, 0), "set_at"), 0));
	cJSON_AddItemToObject(o, "history", hist);
	/* The conditions the first measured run ran under. */
	cJSON_AddItemToObject(o, "conditions", store_first_conditions(db, id));
	return (o);
}

static int
baseline_show_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	const char	*suite = NULL;
	cJSON		*a, *names, *n, *b;

	if (rpc_param_string(params, "suite", 200, &suite, e) < 0)
		return (-1);
	*result = cJSON_CreateObject();
	a = cJSON_AddArrayToObject(*result, "baselines");
	names = store_baseline_suites(db, suite);
	if (suite != NULL && conf_suite(cfg, suite) == NULL &&
	    cJSON_GetArraySize(names) == 0) {
		cJSON_Delete(names);
		return (rpc_fail(e, RPC_APP_ERROR, "no-such-suite",
		    "no suite named \"%.200s\"", suite));
	}
	cJSON_ArrayForEach(n, names) {
		if ((b = baseline_json(cJSON_GetArrayItem(n, 0)->valuestring,
		    cJSON_GetArrayItem(n, 1)->valuestring)) != NULL)
			cJSON_AddItemToArray(a, b);
	}
	cJSON_Delete(names);
	return (0);
}

const struct rpc_method method_baseline_set = { "baseline.set", 1,
    baseline_set_exec };
const struct rpc_method method_baseline_show = { "baseline.show", 0,
    baseline_show_exec };
