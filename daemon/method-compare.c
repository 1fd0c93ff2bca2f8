/* method-compare.c -- "session.compare": two sessions side by side. */
#include "config.h"

#include <stdlib.h>

#include "benchd.h"
#include "compare.h"
#include "conf.h"
#include "store.h"

#define NOISE_DEFAULT	0.01	/* [suite] noise, when b's suite is gone */

/*
 * The noise setting of b's suite, or the default when it is gone: for a
 * session from before its own noise was recorded with it.
 */
static double
suite_noise(int64_t b)
{
	const struct suite	*su;
	struct session_row	 r;
	double			 noise = NOISE_DEFAULT;

	if (store_session_get(db, b, &r) == 0) {
		if ((su = conf_suite(cfg, r.suite)) != NULL)
			noise = su->noise;
		session_row_free(&r);
	}
	return (noise);
}

static int
compare_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	struct comparison	 cmp;
	int64_t			 a = 0, b = 0;
	int			 force = 0, rc = 0;
	char			*why;
	cJSON			*flags;

	if (rpc_param_int(params, "a", 1, INT64_MAX / 2, &a, e) < 0 ||
	    rpc_param_int(params, "b", 1, INT64_MAX / 2, &b, e) < 0 ||
	    rpc_param_bool(params, "force", &force, e) < 0)
		return (-1);
	if (a == 0 || b == 0)
		return (rpc_fail(e, RPC_INVALID_PARAMS, NULL,
		    "a and b are required"));
	switch (compare_sessions(db, a, b, CMP_LEARN | (force ? CMP_FORCE : 0),
	    suite_noise(b), &cmp)) {
	case COMPARE_OK:
		*result = wire_comparison(&cmp);
		break;
	case COMPARE_NO_A:
		rc = rpc_fail(e, RPC_APP_ERROR, "no-such-session",
		    "no session %lld", (long long)a);
		break;
	case COMPARE_NO_B:
		rc = rpc_fail(e, RPC_APP_ERROR, "no-such-session",
		    "no session %lld", (long long)b);
		break;
	case COMPARE_INCOMPARABLE:
		flags = wire_compare_flags(cmp.flags);
		why = cJSON_PrintUnformatted(flags);
		rc = rpc_fail(e, RPC_APP_ERROR, "incomparable", "sessions "
		    "%lld and %lld are not comparable: %s (use force)",
		    (long long)a, (long long)b, why);
		free(why);
		cJSON_Delete(flags);
		break;
	}
	comparison_free(&cmp);
	return (rc);
}

const struct rpc_method method_session_compare = { "session.compare", 0,
    compare_exec };
