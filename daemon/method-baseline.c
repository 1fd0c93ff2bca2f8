/* method-baseline.c -- "baseline.set" and "baseline.show". */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "benchd.h"
#include "conf.h"
#include "session.h"
#include "store.h"

static int
baseline_set_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	const char		*suite = NULL;
	const cJSON		*idv, *pv;
	struct session_row	 m;
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
		ptext = wire_params_text(conf_suite(cfg, suite), pv);
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
	switch (store_session_get(db, id, &m)) {
	case 1:
		return (rpc_fail(e, RPC_APP_ERROR, "no-such-session",
		    "no session %lld", (long long)id));
	case -1:
		return (rpc_storage_read(e));
	}
	if (strcmp(m.suite, suite) != 0 || !session_state_done(m.state)) {
		rpc_fail(e, RPC_APP_ERROR, "not-a-baseline", "session %lld is "
		    "%s of suite %s: a baseline must be a completed session of "
		    "suite %.200s", (long long)id, session_state_name(m.state),
		    m.suite, suite);
		session_row_free(&m);
		return (-1);
	}
	store_refresh(db);
	rc = store_baseline_set(db, suite, m.params, id, client_uid(c));
	session_row_free(&m);
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
	int64_t			 id = store_baseline_current(db, suite, ptext);
	struct session_row	 r;
	struct session_stats	 ss;
	struct baseline_change	*h;
	size_t			 nh, i;
	cJSON			*o, *summary, *hist, *x;
	char			*cond;

	if (id == 0 || store_session_get(db, id, &r) != 0)
		return (NULL);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "suite", suite);
	cJSON_AddItemToObject(o, "params", wire_params(r.params));
	cJSON_AddItemToObject(o, "session", method_session_json(&r, 1));
	session_row_free(&r);
	session_stats(db, id, SESSION_ALL, &ss);
	if (ss.n > 0) {
		summary = cJSON_AddObjectToObject(o, "summary");
		cJSON_AddItemToObject(summary, "wall", wire_stats(&ss.wall));
		cJSON_AddItemToObject(summary, "user", wire_stats(&ss.user));
		cJSON_AddItemToObject(summary, "sys", wire_stats(&ss.sys));
		cJSON_AddItemToObject(summary, "maxrss_kb",
		    wire_stats(&ss.maxrss));
	} else
		cJSON_AddNullToObject(o, "summary");
	cJSON_AddItemToObject(o, "phases", method_phases_json(id));
	store_baseline_history(db, suite, ptext, &h, &nh);
	hist = cJSON_CreateArray();
	for (i = 0; i < nh; i++) {
		x = cJSON_CreateObject();
		cJSON_AddNumberToObject(x, "session", (double)h[i].session);
		wire_int(x, "set_by", h[i].set_by);
		wire_time(x, "set_at", h[i].set_at);
		cJSON_AddItemToArray(hist, x);
	}
	if (nh > 0) {
		wire_int(o, "set_by", h[0].set_by);
		wire_time(o, "set_at", h[0].set_at);
	}
	free(h);
	cJSON_AddItemToObject(o, "history", hist);
	/* The conditions the first measured run ran under. */
	cond = store_first_conditions(db, id);
	cJSON_AddItemToObject(o, "conditions", wire_json_text(cond));
	free(cond);
	return (o);
}

static int
baseline_show_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	struct suite_params	*v;
	const char		*suite = NULL;
	size_t			 n, i;
	cJSON			*a, *b;

	if (rpc_param_string(params, "suite", 200, &suite, e) < 0)
		return (-1);
	if (store_baseline_suites(db, suite, &v, &n) != 0) {
		suite_params_free(v, n);
		return (rpc_storage_read(e));
	}
	if (suite != NULL && conf_suite(cfg, suite) == NULL && n == 0)
		return (rpc_fail(e, RPC_APP_ERROR, "no-such-suite",
		    "no suite named \"%.200s\"", suite));
	*result = cJSON_CreateObject();
	a = cJSON_AddArrayToObject(*result, "baselines");
	for (i = 0; i < n; i++)
		if ((b = baseline_json(v[i].suite, v[i].params)) != NULL)
			cJSON_AddItemToArray(a, b);
	suite_params_free(v, n);
	return (0);
}

const struct rpc_method method_baseline_set = { "baseline.set", 1,
    baseline_set_exec };
const struct rpc_method method_baseline_show = { "baseline.show", 0,
    baseline_show_exec };
