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
#include <time.h>

#include "benchd.h"
#include "chart.h"
#include "conf.h"
#include "stats.h"
#include "store.h"
#include "xmalloc.h"

#define CHART_CP_MAX	64

static int64_t
iso_time(const cJSON *v)
{
	struct tm	tm;

	memset(&tm, 0, sizeof tm);
	if (!cJSON_IsString(v) || strptime(v->valuestring,
	    "%Y-%m-%dT%H:%M:%SZ", &tm) == NULL)
		return (0);
	return ((int64_t)timegm(&tm));
}

static double
wall_of(const cJSON *s, const char *name, double dflt)
{
	const cJSON	*v = cJSON_GetObjectItem(cJSON_GetObjectItem(s,
			    "wall"), name);

	return (cJSON_IsNumber(v) ? v->valuedouble : dflt);
}

/* The 95% CI of the mean of a session's measured runs. */
static void
session_ci(int64_t id, double *lo, double *hi)
{
	struct stats_summary	 s;
	double			*wall, *user, *sys, *maxrss;
	size_t			 n;

	store_measured(db, id, &wall, &user, &sys, &maxrss, &n);
	if (n >= 2 && stats_summarize(wall, n, &s) == 0 &&
	    isfinite(s.ci_low) && isfinite(s.ci_high)) {
		*lo = s.ci_low;
		*hi = s.ci_high;
	}
	free(wall);
	free(user);
	free(sys);
	free(maxrss);
}

/* One point per session; the change points found over all of them. */
static void
chart_points(const struct suite *su, const int64_t *ids, const double *means,
    size_t n, size_t first, struct chart_point *pts)
{
	struct stats_cp	 cp[CHART_CP_MAX];
	const cJSON	*v;
	cJSON		*s;
	size_t		 i, k;

	for (i = first; i < n; i++) {
		struct chart_point *p = &pts[i - first];

		p->id = ids[i];
		p->mean = p->lo = p->hi = means[i];
		session_ci(ids[i], &p->lo, &p->hi);
		if ((s = store_session_json(db, ids[i])) == NULL)
			continue;
		p->when = iso_time(cJSON_GetObjectItem(s, "started_at"));
		v = cJSON_GetObjectItem(cJSON_GetObjectItem(s, "verdict"),
		    "verdict");
		p->regressed = cJSON_IsString(v) &&
		    strcmp(v->valuestring, "regressed") == 0;
		p->improved = cJSON_IsString(v) &&
		    strcmp(v->valuestring, "improved") == 0;
		v = cJSON_GetObjectItem(s, "state");
		p->unstable = cJSON_IsString(v) &&
		    strcmp(v->valuestring, "unstable") == 0;
		cJSON_Delete(s);
	}
	k = n >= 2 ? stats_change_points(means, n, 0, 0, cp, CHART_CP_MAX) : 0;
	for (i = 0; i < k; i++)
		if (fabs(cp[i].rel) >= su->noise && cp[i].index >= first)
			pts[cp[i].index - first].changepoint = 1;
}

/* The baseline's mean with the suite's noise either side. */
static void
chart_baseline(const struct suite *su, const char *ptext, struct chart *ch)
{
	cJSON	*s;

	if ((ch->baseline_id = store_baseline_current(db, su->name,
	    ptext)) <= 0)
		return;
	if ((s = store_session_json(db, ch->baseline_id)) == NULL)
		return;
	session_add_brief(s, 0, NULL);
	ch->base_mean = wall_of(s, "mean", NAN);
	if (isfinite(ch->base_mean)) {
		ch->has_baseline = 1;
		ch->base_lo = ch->base_mean * (1 - su->noise);
		ch->base_hi = ch->base_mean * (1 + su->noise);
	}
	cJSON_Delete(s);
}

static int
chart_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	const struct suite	*su;
	const char		*suite = NULL;
	struct chart		 ch;
	struct chart_point	*pts;
	int64_t			 last = 100, width = 0, *ids;
	double			*means;
	size_t			 n, first;
	char			*ptext, *title, *svg;

	if (rpc_param_string(params, "suite", 200, &suite, e) < 0 ||
	    rpc_param_int(params, "last", 1, 100000, &last, e) < 0 ||
	    rpc_param_int(params, "width", 300, 10000, &width, e) < 0)
		return (-1);
	if (suite == NULL)
		return (rpc_fail(e, RPC_INVALID_PARAMS, NULL,
		    "suite is required"));
	if ((su = conf_suite(cfg, suite)) == NULL)
		return (rpc_fail(e, RPC_APP_ERROR, "no-such-suite",
		    "no suite named \"%.200s\"", suite));
	if ((ptext = session_params_pick(su, params, e)) == NULL)
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
	chart_baseline(su, ptext, &ch);
	svg = chart_svg(&ch);
	*result = cJSON_CreateObject();
	cJSON_AddStringToObject(*result, "suite", suite);
	cJSON_AddItemToObject(*result, "params", cJSON_Parse(ptext));
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
