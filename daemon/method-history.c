/*
 * method-history.c -- "session.history": one line per session of a suite,
 * the users' per-crate table.
 */
#include "config.h"

#include <stdlib.h>

#include "benchd.h"
#include "conf.h"
#include "store.h"

/*
 * The suite and last params of the methods that read a suite's history:
 * the suite must be configured; last defaults to dflt.
 */
int
method_suite_params(const cJSON *params, int64_t dflt, const char **suite,
    int64_t *last, struct rpc_error *e)
{
	*suite = NULL;
	*last = dflt;
	if (rpc_param_string(params, "suite", 200, suite, e) < 0 ||
	    rpc_param_int(params, "last", 1, 10000, last, e) < 0)
		return (-1);
	if (*suite == NULL)
		return (rpc_fail(e, RPC_INVALID_PARAMS, NULL,
		    "suite is required"));
	if (conf_suite(cfg, *suite) == NULL)
		return (rpc_fail(e, RPC_APP_ERROR, "no-such-suite",
		    "no suite named \"%.200s\"", *suite));
	return (0);
}

static int
history_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	struct session_list	 l;
	const char		*suite;
	int64_t			 last;
	cJSON			*a;
	size_t			 i;

	if (method_suite_params(params, 20, &suite, &last, e) != 0)
		return (-1);
	if (store_session_list(db, suite, (int)last, &l) != 0)
		return (rpc_storage_read(e));
	*result = cJSON_CreateObject();
	cJSON_AddStringToObject(*result, "suite", suite);
	a = cJSON_AddArrayToObject(*result, "sessions");
	for (i = 0; i < l.n; i++)
		cJSON_AddItemToArray(a, method_session_json(&l.v[i], 1));
	session_list_free(&l);
	return (0);
}

const struct rpc_method method_session_history = { "session.history", 0,
    history_exec };
