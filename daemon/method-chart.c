/*
 * method-chart.c -- "suite.chart": the trend of a suite's wall-time means
 * as an SVG chart (benchctl history --svg), one set of parameter values at
 * a time: each completed or unstable session's mean with its 95% CI, the
 * current baseline's noise band, change points and verdicts marked.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "benchd.h"
#include "chart.h"
#include "conf.h"
#include "session.h"
#include "stats.h"
#include "store.h"
#include "xmalloc.h"

#define CHART_CP_MAX	64

/* The 95% CI of the mean of a session's measured runs. */
static void
session_ci(int64_t id, double *lo, double *hi)
{
	struct session_stats	ss;

	if (session_stats(db, id, SESSION_WALL, &ss) == 0 && ss.n >= 2 &&
	    isfinite(ss.wall.ci_low) && isfinite(ss.wall.ci_high)) {
		*lo = ss.wall.ci_low;
		*hi = ss.wall.ci_high;
	}
}

/* One point per session; the change points found over all of them. */
static void
chart_points(const struct suite *su, const int64_t *ids, const double *means,
    size_t n, size_t first, struct chart_point *pts)
{
	struct stats_cp		 cp[CHART_CP_MAX];
	struct session_row	 r;
	size_t			 i, k;

	for (i = first; i < n; i++) {
		struct chart_point *p = &pts[i - first];

		p->id = ids[i];
		p->mean = p->lo = p->hi = means[i];
		session_ci(ids[i], &p->lo, &p->hi);
		if (store_session_get(db, ids[i], &r) != 0)
			continue;
		p->when = r.started_at / 1000;
		p->regressed = r.verdict == VERDICT_REGRESSED;
		p->improved = r.verdict == VERDICT_IMPROVED;
		p->unstable = r.state == SESSION_UNSTABLE;
		if (r.commit_subject != NULL && r.rev != NULL) {
			snprintf(p->commit, sizeof p->commit, "%.12s", r.rev);
			snprintf(p->subject, sizeof p->subject, "%s",
			    r.commit_subject);
		}
		session_row_free(&r);
	}
	k = n >= 2 ? stats_change_points(means, n, 0, 0, cp, CHART_CP_MAX) : 0;
	if (k > CHART_CP_MAX)
		k = CHART_CP_MAX;	/* it counts all, fills in the first */
	for (i = 0; i < k; i++)
		if (fabs(cp[i].rel) >= su->noise && cp[i].index >= first)
			pts[cp[i].index - first].changepoint = 1;
}

/* The baseline's mean with the suite's noise either side. */
static void
chart_baseline(const struct suite *su, const char *ptext, struct chart *ch)
{
	struct session_stats	ss;

	if ((ch->baseline_id = store_baseline_current(db, su->name,
	    ptext)) <= 0)
		return;
	if (session_stats(db, ch->baseline_id, SESSION_WALL, &ss) != 0)
		return;
	ch->base_mean = ss.n > 0 ? ss.wall.mean : NAN;
	if (isfinite(ch->base_mean)) {
		ch->has_baseline = 1;
		ch->base_lo = ch->base_mean * (1 - su->noise);
		ch->base_hi = ch->base_mean * (1 + su->noise);
	}
}

static int
chart_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	const struct suite	*su;
	const char		*suite = NULL, *link = NULL;
	struct chart		 ch;
	struct chart_point	*pts;
	int64_t			 last = 100, width = 0, *ids;
	double			*means;
	size_t			 n, first;
	char			*ptext, *title, *svg;

	if (rpc_param_string(params, "suite", 200, &suite, e) < 0 ||
	    rpc_param_int(params, "last", 1, 100000, &last, e) < 0 ||
	    rpc_param_int(params, "width", 300, 10000, &width, e) < 0 ||
	    rpc_param_string(params, "link", 200, &link, e) < 0)
		return (-1);
	if (suite == NULL)
		return (rpc_fail(e, RPC_INVALID_PARAMS, NULL,
		    "suite is required"));
	if ((su = conf_suite(cfg, suite)) == NULL)
		return (rpc_fail(e, RPC_APP_ERROR, "no-such-suite",
		    "no suite named \"%.200s\"", suite));
	if ((ptext = method_params_pick(su, params, e)) == NULL)
		return (-1);
	n = store_suite_means(db, suite, ptext, &ids, &means);
	first = n > (size_t)last ? n - (size_t)last : 0;
	pts = xcalloc(n - first + 1, sizeof *pts);
	chart_points(su, ids, means, n, first, pts);
	memset(&ch, 0, sizeof ch);
	if (strcmp(ptext, "{}") == 0)
		xasprintf(&title, "%s: wall time per session", suite);
	else
		xasprintf(&title, "%s %s: wall time per session", suite, ptext);
	ch.title = title;
	ch.pts = pts;
	ch.npts = n - first;
	ch.width = (int)width;
	ch.link = link;
	chart_baseline(su, ptext, &ch);
	svg = chart_svg(&ch);
	*result = cJSON_CreateObject();
	cJSON_AddStringToObject(*result, "suite", suite);
	cJSON_AddItemToObject(*result, "params", wire_params(ptext));
	cJSON_AddNumberToObject(*result, "sessions", (double)ch.npts);
	cJSON_AddStringToObject(*result, "svg", svg);
	free(svg);
	free(title);
	free(pts);
	free(ids);
	free(means);
	free(ptext);
	return (0);
}

const struct rpc_method method_suite_chart = { "suite.chart", 0, chart_exec };
