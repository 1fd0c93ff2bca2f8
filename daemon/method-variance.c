/*
 * method-variance.c -- "suite.variance": run-to-run and session-to-session
 * noise, the noise threshold learned from history, and the seed's
 * reproducibility check.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "benchd.h"
#include "compare.h"
#include "conf.h"
#include "session.h"
#include "stats.h"
#include "store.h"

#define REPRODUCIBLE_LIMIT	0.10	/* two sessions agree within 10% */

/* The last two sessions with runs: within 10% of each other? */
static cJSON *
reproducible_json(const double *mean, const int64_t *ids, size_t n)
{
	cJSON	*o;
	double	 change;

	if (n < 2)
		return (cJSON_CreateNull());
	change = (mean[n - 1] - mean[n - 2]) / mean[n - 2];
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "a", (double)ids[n - 2]);
	cJSON_AddNumberToObject(o, "b", (double)ids[n - 1]);
	wire_num(o, "change", change);
	cJSON_AddBoolToObject(o, "agree", fabs(change) < REPRODUCIBLE_LIMIT);
	cJSON_AddNumberToObject(o, "limit", REPRODUCIBLE_LIMIT);
	return (o);
}

/* The noise the verdicts' threshold learns from the whole history. */
static double
variance_noise(const char *suite, const char *ptext)
{
	struct history_point	*h;
	size_t			 n;
	double			 noise;

	n = store_suite_history(db, suite, ptext, &h);
	noise = compare_history_learn(h, n);
	history_points_free(h, n);
	return (noise);
}

static int
variance_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	const struct suite	*su;
	struct stats_summary	 ss;
	struct session_stats	 st;
	const char		*suite;
	char			*ptext;
	int64_t			 last, *ids;
	cJSON			*rows, *row;
	double			*means, cv_sum = 0, noise;
	size_t			 n, first, i, ncv = 0;

	if (method_suite_params(params, 10, &suite, &last, e) != 0)
		return (-1);
	su = conf_suite(cfg, suite);
	if ((ptext = method_params_pick(su, params, e)) == NULL)
		return (-1);
	/* Completed sessions of one set of parameter values, oldest first. */
	n = store_suite_means(db, suite, ptext, &ids, &means);
	first = n > (size_t)last ? n - last : 0;
	*result = cJSON_CreateObject();
	cJSON_AddStringToObject(*result, "suite", suite);
	cJSON_AddItemToObject(*result, "params", wire_params(ptext));
	rows = cJSON_AddArrayToObject(*result, "sessions");
	for (i = first; i < n; i++) {
		if (session_stats(db, ids[i], SESSION_WALL, &st) != 0)
			continue;
		row = cJSON_CreateObject();
		cJSON_AddNumberToObject(row, "id", (double)ids[i]);
		cJSON_AddNumberToObject(row, "n", (double)st.n);
		cJSON_AddNumberToObject(row, "mean", means[i]);
		wire_num(row, "cv", st.n > 0 ? st.wall.cv : NAN);
		cJSON_AddItemToArray(rows, row);
		if (st.n > 0 && isfinite(st.wall.cv)) {
			cv_sum += st.wall.cv;
			ncv++;
		}
	}
	wire_num(*result, "run_cv_mean", ncv > 0 ? cv_sum / ncv : NAN);
	if (n - first >= 2 && stats_summarize(means + first, n - first,
	    &ss) == 0)
		wire_num(*result, "between_cv", ss.cv);
	else
		cJSON_AddNullToObject(*result, "between_cv");
	/* With no session both arrays are NULL: no offset into them. */
	cJSON_AddItemToObject(*result, "reproducible", n - first >= 2 ?
	    reproducible_json(means + first, ids + first, n - first) :
	    cJSON_CreateNull());
	/*
	 * The threshold learns from the whole history, not just the last N,
	 * as the verdicts' threshold does (compare_threshold).
	 */
	noise = variance_noise(suite, ptext);
	cJSON_AddNumberToObject(*result, "noise_threshold", isfinite(noise) ?
	    noise : su->noise);
	cJSON_AddStringToObject(*result, "noise_source", isfinite(noise) ?
	    "history" : "default");
	free(means);
	free(ids);
	free(ptext);
	return (0);
}

const struct rpc_method method_suite_variance = { "suite.variance", 0,
    variance_exec };
