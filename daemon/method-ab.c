/* method-ab.c -- "ab.queue", "ab.get" and "ab.list": interleaved A/B tests. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "benchd.h"
#include "git.h"
#include "conf.h"
#include "store.h"
#include "xmalloc.h"

#define REV_MAX	200

/* The test with its two sessions, as ab.get and ab.queue answer. */
static int
ab_result(int64_t id, cJSON **result, struct rpc_error *e)
{
	struct ab_row		 t;
	struct session_row	 r;
	cJSON			*a;
	int64_t			 ids[2];
	int			 i;

	switch (store_ab_get(db, id, &t)) {
	case 1:
		return (rpc_fail(e, RPC_APP_ERROR, "no-such-ab",
		    "no A/B test %lld", (long long)id));
	case -1:
		return (rpc_storage_read(e));
	}
	*result = cJSON_CreateObject();
	cJSON_AddItemToObject(*result, "ab", wire_ab(&t));
	a = cJSON_AddArrayToObject(*result, "sessions");
	ids[0] = t.session_a;
	ids[1] = t.session_b;
	for (i = 0; i < 2; i++) {
		if (ids[i] > 0 && store_session_get(db, ids[i], &r) == 0) {
			cJSON_AddItemToArray(a, method_session_json(&r, 0));
			session_row_free(&r);
		}
	}
	ab_row_free(&t);
	return (0);
}

/*
 * The suite on a repository params name, and its parameter values as
 * stored text (*ptext, caller frees).  0, or -1 with e set.
 */
int
method_repo_suite(const cJSON *params, const struct suite **sup,
    char **ptext, struct rpc_error *e)
{
	const struct suite	*su;
	const char		*name = NULL;
	const cJSON		*given;

	if (rpc_param_string(params, "suite", 200, &name, e) < 0)
		return (-1);
	if (name == NULL)
		return (rpc_fail(e, RPC_INVALID_PARAMS, NULL,
		    "suite is required"));
	if ((su = conf_suite(cfg, name)) == NULL)
		return (rpc_fail(e, RPC_APP_ERROR, "no-such-suite",
		    "no suite named \"%.200s\"", name));
	if (su->repo == NULL)
		return (rpc_fail(e, RPC_APP_ERROR, "no-repo",
		    "suite %s has no repo: benchd cannot check commits out",
		    su->name));
	given = cJSON_GetObjectItemCaseSensitive(params, "params");
	if (method_params_check(su, given, 0, e) != 0)
		return (-1);
	*sup = su;
	*ptext = wire_params_text(su, given);
	return (0);
}

/*
 * The params of ab.list and bisect.list: an optional configured "suite"
 * and "last" (1 to max, *last keeps its default when absent).
 */
int
method_rev_list_params(const cJSON *params, const char **suite,
    int64_t *last, int64_t max, struct rpc_error *e)
{
	*suite = NULL;
	if (rpc_param_string(params, "suite", 200, suite, e) < 0 ||
	    rpc_param_int(params, "last", 1, max, last, e) < 0)
		return (-1);
	if (*suite != NULL && conf_suite(cfg, *suite) == NULL)
		return (rpc_fail(e, RPC_APP_ERROR, "no-such-suite",
		    "no suite named \"%.200s\"", *suite));
	return (0);
}

/*
 * What git_resolve, rev_ab_queue or bisect_start said (and frees), as an
 * error: storage, git-timeout or no-such-rev.
 */
int
method_rev_fail(char *cause, struct rpc_error *e)
{
	int	rc;

	if (strncmp(cause, "storage: ", 9) == 0)
		rc = rpc_storage(e);
	else if (git_cause_timeout(cause))
		rc = rpc_fail(e, RPC_APP_ERROR, "git-timeout", "%s", cause);
	else
		rc = rpc_fail(e, RPC_APP_ERROR, "no-such-rev", "%s", cause);
	free(cause);
	return (rc);
}

static int
queue_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	const struct suite	*su;
	struct ab_row		 meta;
	const char		*a = NULL, *b = NULL, *metric = NULL;
	char			*ptext, *cause;
	int64_t			 id, ids[2];

	if (rpc_param_string(params, "a", REV_MAX, &a, e) < 0 ||
	    rpc_param_string(params, "b", REV_MAX, &b, e) < 0 ||
	    rpc_param_string(params, "metric", REV_MAX, &metric, e) < 0)
		return (-1);
	if (a == NULL || b == NULL)
		return (rpc_fail(e, RPC_INVALID_PARAMS, NULL,
		    "a and b are required"));
	if (metric != NULL && !rev_metric_valid(metric))
		return (rpc_fail(e, RPC_APP_ERROR, "bad-param",
		    "metric \"%.200s\" is not wall, user or phase:NAME",
		    metric));
	if (method_repo_suite(params, &su, &ptext, e) != 0)
		return (-1);
	memset(&meta, 0, sizeof meta);
	meta.purpose = "manual";
	meta.metric = (char *)metric;
	store_refresh(db);
	id = rev_ab_queue(su, ptext, a, b, &meta, client_uid(c), 0, ids,
	    &cause);
	free(ptext);
	if (id < 0)
		return (method_rev_fail(cause, e));
	return (ab_result(id, result, e));
}

static int
get_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	int64_t	id = 0;

	(void)c;
	if (rpc_param_id(params, &id, e) != 0)
		return (-1);
	return (ab_result(id, result, e));
}

static int
list_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	struct ab_list	 l;
	const char	*suite = NULL;
	int64_t		 last = 20;
	cJSON		*a;
	size_t		 i;

	(void)c;
	if (method_rev_list_params(params, &suite, &last, 100000, e) != 0)
		return (-1);
	if (store_ab_list(db, suite, (int)last, &l) != 0)
		return (rpc_storage_read(e));
	*result = cJSON_CreateObject();
	a = cJSON_AddArrayToObject(*result, "tests");
	for (i = 0; i < l.n; i++)
		cJSON_AddItemToArray(a, wire_ab(&l.v[i]));
	ab_list_free(&l);
	return (0);
}

const struct rpc_method method_ab_queue = { "ab.queue", 1, queue_exec };
const struct rpc_method method_ab_get = { "ab.get", 0, get_exec };
const struct rpc_method method_ab_list = { "ab.list", 0, list_exec };
