/*
 * method-bisect.c -- "bisect.start", "bisect.get", "bisect.list" and
 * "bisect.cancel".
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "benchd.h"
#include "compare.h"
#include "conf.h"
#include "store.h"
#include "xmalloc.h"

#define REV_MAX	200

/* The bisection, with its first bad commit's test and moved phases. */
static int
bisect_result(int64_t id, cJSON **result, struct rpc_error *e)
{
	struct bisect_row	 b;
	struct ab_row		 fin;
	struct session_row	 r;
	struct comparison	 c;
	const struct suite	*su;
	int			 have_fin = 0, have_c = 0;
	char			*subject = NULL;

	switch (store_bisect_get(db, id, &b)) {
	case 1:
		return (rpc_fail(e, RPC_APP_ERROR, "no-such-bisection",
		    "no bisection %lld", (long long)id));
	case -1:
		return (rpc_storage_read(e));
	}
	if (b.final_ab > 0 && store_ab_get(db, b.final_ab, &fin) == 0) {
		have_fin = 1;
		if (store_session_get(db, fin.session_b, &r) == 0) {
			if (r.commit_subject != NULL)
				subject = xstrdup(r.commit_subject);
			session_row_free(&r);
		}
		su = conf_suite(cfg, b.suite);
		have_c = compare_sessions(db, fin.session_a, fin.session_b, 0,
		    su != NULL ? su->noise : 0.01, &c) == COMPARE_OK;
		if (!have_c)
			comparison_free(&c);
	}
	*result = cJSON_CreateObject();
	cJSON_AddItemToObject(*result, "bisection", wire_bisection(&b,
	    have_fin ? &fin : NULL, subject, have_c ? &c : NULL));
	if (have_c)
		comparison_free(&c);
	if (have_fin)
		ab_row_free(&fin);
	free(subject);
	bisect_row_free(&b);
	return (0);
}

static int
start_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	const struct suite	*su;
	const char		*good = NULL, *bad = NULL, *metric = NULL;
	char			*ptext, *cause;
	int64_t			 id;

	if (rpc_param_string(params, "good", REV_MAX, &good, e) < 0 ||
	    rpc_param_string(params, "bad", REV_MAX, &bad, e) < 0 ||
	    rpc_param_string(params, "metric", 200, &metric, e) < 0)
		return (-1);
	if (good == NULL || bad == NULL)
		return (rpc_fail(e, RPC_INVALID_PARAMS, NULL,
		    "good and bad are required"));
	if (metric != NULL && !rev_metric_valid(metric))
		return (rpc_fail(e, RPC_APP_ERROR, "bad-param",
		    "metric \"%.200s\" is not wall, user or phase:NAME",
		    metric));
	if (method_repo_suite(params, &su, &ptext, e) != 0)
		return (-1);
	store_refresh(db);
	id = bisect_start(su, ptext, good, bad, metric != NULL ? metric :
	    "wall", client_uid(c), &cause);
	free(ptext);
	if (id < 0)
		return (method_rev_fail(cause, e));
	return (bisect_result(id, result, e));
}

static int
get_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	int64_t	id = 0;

	(void)c;
	if (rpc_param_id(params, &id, e) != 0)
		return (-1);
	return (bisect_result(id, result, e));
}

/* The last N bisections (of a suite), oldest first, each as bisect.get. */
static int
list_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	const char	*suite = NULL;
	int64_t		 last = 20, *ids;
	cJSON		*a, *one;
	size_t		 i, n;

	(void)c;
	if (method_rev_list_params(params, &suite, &last, 1000, e) != 0)
		return (-1);
	if (store_bisect_list(db, suite, (int)last, &ids, &n) != 0) {
		free(ids);
		return (rpc_storage_read(e));
	}
	*result = cJSON_CreateObject();
	a = cJSON_AddArrayToObject(*result, "bisections");
	for (i = 0; i < n; i++) {
		if (bisect_result(ids[i], &one, e) != 0) {
			free(ids);
			cJSON_Delete(*result);
			*result = NULL;
			return (-1);
		}
		cJSON_AddItemToArray(a, cJSON_DetachItemFromObject(one,
		    "bisection"));
		cJSON_Delete(one);
	}
	free(ids);
	return (0);
}

static int
cancel_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	int64_t	id = 0;
	char	state[32];

	if (rpc_param_id(params, &id, e) != 0)
		return (-1);
	switch (sched_bisect_cancel(id, client_uid(c), state, sizeof state)) {
	case -1:
		return (rpc_fail(e, RPC_APP_ERROR, "no-such-bisection",
		    "no bisection %lld", (long long)id));
	case -2:
		return (rpc_storage(e));
	case 1:
		return (rpc_fail(e, RPC_APP_ERROR, "not-cancellable",
		    "bisection %lld is %s", (long long)id, state));
	}
	return (bisect_result(id, result, e));
}

const struct rpc_method method_bisect_start = { "bisect.start", 1,
    start_exec };
const struct rpc_method method_bisect_get = { "bisect.get", 0, get_exec };
const struct rpc_method method_bisect_list = { "bisect.list", 0,
    list_exec };
const struct rpc_method method_bisect_cancel = { "bisect.cancel", 1,
    cancel_exec };
