/*
 * method-regressions.c -- "regressions.list": sessions that regressed
 * against their baselines, and change points over each suite's history.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "benchd.h"
#include "conf.h"
#include "stats.h"
#include "store.h"

#define CP_WINDOW	50
#define CP_MAX_P	0.001

struct cp_arg {
	const struct suite	*su;
	cJSON			*out;
};

/*
 * Change points over one history of session wall means (E-divisive,
 * t-test), into cp (REGRESSIONS_CP_MAX); how many.  A step smaller than
 * the suite's noise threshold is left out: on a long noisy history the
 * test finds tiny "significant" segments.
 */
size_t
regressions_change_points(const struct suite *su, const double *means,
    size_t n, struct stats_cp *cp)
{
	struct stats_cp	all[REGRESSIONS_CP_MAX];
	size_t		k, i, m = 0;

	k = n >= 2 ? stats_change_points(means, n, CP_WINDOW, CP_MAX_P, all,
	    REGRESSIONS_CP_MAX) : 0;
	if (k > REGRESSIONS_CP_MAX)
		k = REGRESSIONS_CP_MAX;	/* it counts them all, fills in MAX */
	for (i = 0; i < k; i++) {
		if (fabs(all[i].rel) >= su->noise)
			cp[m++] = all[i];
	}
	return (m);
}

static void
change_points_of(void *arg, const char *ptext, const int64_t *ids,
    const double *means, size_t n)
{
	const struct suite	*su = ((struct cp_arg *)arg)->su;
	cJSON			*out = ((struct cp_arg *)arg)->out, *o;
	struct stats_cp		 cp[REGRESSIONS_CP_MAX];
	size_t			 k, i;

	k = regressions_change_points(su, means, n, cp);
	for (i = 0; i < k; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "suite", su->name);
		cJSON_AddItemToObject(o, "params", wire_params(ptext));
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
	struct session_list	 l;
	const char		*suite = NULL;
	const char		*conf;
	cJSON			*cps, *a, *u;
	size_t			 i;

	if (rpc_param_string(params, "suite", 200, &suite, e) < 0)
		return (-1);
	if (suite != NULL && (su = conf_suite(cfg, suite)) == NULL)
		return (rpc_fail(e, RPC_APP_ERROR, "no-such-suite",
		    "no suite named \"%.200s\"", suite));
	if (store_regressions(db, suite, &l) != 0)
		return (rpc_storage_read(e));
	*result = cJSON_CreateObject();
	a = cJSON_AddArrayToObject(*result, "regressions");
	u = cJSON_AddArrayToObject(*result, "unconfirmed");
	for (i = 0; i < l.n; i++) {
		/* One a confirmation could not check stays a finding. */
		conf = l.v[i].confirmation;
		cJSON_AddItemToArray(conf == NULL || strcmp(conf,
		    "confirmed") == 0 ? a : u, wire_session(&l.v[i]));
	}
	session_list_free(&l);
	cps = cJSON_AddArrayToObject(*result, "change_points");
	if (suite != NULL)
		change_points(su, cps);
	else
		for (i = 0; i < cfg->nsuites; i++)
			change_points(&cfg->suites[i], cps);
	return (0);
}

const struct rpc_method method_regressions_list = { "regressions.list", 0,
    regressions_exec };
