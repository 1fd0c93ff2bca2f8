/*
 * method-conditions.c -- "conditions.check": every check, run now, and
 * what benchd-tune set.
 */
#include "config.h"

#include <unistd.h>

#include "benchd.h"
#include "conditions.h"
#include "conf.h"
#include "log.h"
#include "tune.h"

static const char *policy_names[] = { "wait", "warn", "refuse" };

/* What benchd-tune set, from its state file, and what drifted since. */
static cJSON *
conditions_tune(void)
{
	struct tune_drifts	 d;
	cJSON			*t, *a, *o;
	size_t			 i;

	tune_drift(&cfg->tune, &d);
	if ((t = cJSON_CreateObject()) == NULL)
		fatalx("%s: cJSON", __func__);
	cJSON_AddBoolToObject(t, "tuned", d.tuned);
	cJSON_AddStringToObject(t, "state", d.state);
	if (d.error != NULL)
		cJSON_AddStringToObject(t, "error", d.error);
	cJSON_AddNumberToObject(t, "drifted", (double)d.ndrifted);
	a = cJSON_AddArrayToObject(t, "settings");
	for (i = 0; i < d.n; i++) {
		if ((o = cJSON_CreateObject()) == NULL)
			fatalx("%s: cJSON", __func__);
		cJSON_AddStringToObject(o, "name", d.v[i].name);
		cJSON_AddStringToObject(o, "set", d.v[i].set);
		cJSON_AddStringToObject(o, "now", d.v[i].now);
		cJSON_AddBoolToObject(o, "drifted", d.v[i].drifted);
		cJSON_AddItemToArray(a, o);
	}
	tune_drift_free(&d);
	return (t);
}

static int
conditions_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	struct cond_report	r;

	conditions_check(&cfg->cond, getpid(), &r);
	*result = conditions_report_json(&r);
	conditions_report_free(&r);
	cJSON_AddStringToObject(*result, "policy",
	    policy_names[cfg->cond.policy]);
	cJSON_AddItemToObject(*result, "tune", conditions_tune());
	return (0);
}

const struct rpc_method method_conditions_check = { "conditions.check", 0,
    conditions_exec };
