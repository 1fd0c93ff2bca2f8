/* method-conditions.c -- "conditions.check": every check, run now. */
#include "config.h"

#include <unistd.h>

#include "benchd.h"
#include "conditions.h"
#include "conf.h"

static const char *policy_names[] = { "wait", "warn", "refuse" };

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
	return (0);
}

const struct rpc_method method_conditions_check = { "conditions.check", 0,
    conditions_exec };
