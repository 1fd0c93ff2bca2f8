/*
 * method-compare.c -- "session.compare" and "regressions.list": sessions
 * against each other, against their baselines, and change points over a
 * suite's history.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "benchd.h"
#include "compare.h"
#include "conf.h"
#include "stats.h"
#include "store.h"
#include "xmalloc.h"

#define CP_WINDOW	50
#define CP_MAX_P	0.001
#define CP_MAX		64

static int
compare_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	const struct suite	*su;
	struct session_meta	 m;
	int64_t			 a = 0, b = 0;
	int			 force = 0;
	double			 noise = 0.01;

	if (rpc_param_int(params, "a", 1, INT64_MAX / 2, &a, e) < 0 ||
	    rpc_param_int(params, "b", 1, INT64_MAX / 2, &b, e) < 0 ||
	    rpc_param_bool(params, "force", &force, e) < 0)
		return (-1);
	if (a == 0 || b == 0)
		return (rpc_fail(e, RPC_INVALID_PARAMS, NULL,
		    "a and b are required"));
	if (store_session_meta(db, b, &m) == 0) {
		if ((su = conf_suite(cfg, m.suite)) != NULL)
			noise = su->noise;
		store_session_meta_free(&m);
	}
	if ((*result = compare_sessions(a, b, force, noise, e)) == NULL)
		return (-1);
	return (0);
}

struct cp_arg {
	const struct suite	*su;
	cJSON			*out;
};

/*
 * Change points over one history of session wall means (E-divisive,
 * t-test).  A step smaller than the suite's noise threshold is not
 * reported: on a long noisy history the test finds tiny "significant"
 * segments.
 */
static void
change_points_of(void *arg, const char *ptext, const int64_t *ids,
    const double *means, size_t n)
{
	const struct suite	*su = ((struct cp_arg *)arg)->su;
	cJSON			*out = ((struct cp_arg *)arg)->out, *o;
	struct stats_cp		 cp[CP_MAX];
	size_t			 k, i;

	k = n >= 2 ? stats_change_points(means, n, CP_WINDOW, CP_MAX_P, cp,
	    CP_MAX) : 0;
	if (k > CP_MAX)
		k = CP_MAX;	/* it counts them all, fills in CP_MAX */
	for (i = 0; i < k; i++) {
		if (!(fabs(cp[i].rel) >= su->noise))
			continue;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "suite", su->name);
		cJSON_AddItemToObject(o, "params", cJSON_Parse(ptext));
		cJSON_AddNumberToObject(o, "session", (double)ids[cp[i].index]);
		cJSON_AddNumberToObject(o, "before",
		    (double)ids[cp[i].index - 1]);
		cJSON_AddNumberToObject(o, "mean_before", cp[i].mean_before);
		cJSON_AddNumberToObject(o, "mean_after", cp[i].mean_after);
		cJSON_AddNumberToObject(o, "change", cp[i].rel);
		cJSON_AddNumberToObject(o, "p", cp[i].p);
		cJSON_AddItemToArray(out, o);
	}
}

/* Each set of parameter values is its own history. */
static void
change_points(const struct suite *su, cJSON *out)
{
	struct cp_arg	a = { su, out };

	store_suite_series(db, su->name, change_points_of, &a);
}

static int
regressions_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	const struct suite	*su = NULL;
	const char		*suite = NULL;
	cJSON			*cps;
	size_t			 i;

	if (rpc_param_string(params, "suite", 200, &suite, e) < 0)
		return (-1);
	if (suite != NULL && (su = conf_suite(cfg, suite)) == NULL)
		return (rpc_fail(e, RPC_APP_ERROR, "no-such-suite",
		    "no suite named \"%.200s\"", suite));
	*result = cJSON_CreateObject();
	cJSON_AddItemToObject(*result, "regressions",
	    store_regressions(db, suite));
	cps = cJSON_AddArrayToObject(*result, "change_points");
	if (suite != NULL)
		change_points(su, cps);
	else
		for (i = 0; i < cfg->nsuites; i++)
			change_points(&cfg->suites[i], cps);
	return (0);
}

const struct rpc_method method_session_compare = { "session.compare", 0,
    compare_exec };
const struct rpc_method method_regressions_list = { "regressions.list", 0,
    regressions_exec };
