/*
 * page-suite.c -- GET /suite/NAME: one set of the suite's parameter values
 * at a time (params.NAME=VALUE, else the newest session's): its history
 * as benchd's trend chart, each session a link; its noise; its baseline;
 * and the suite's latest sessions.
 *
 * Query: params.NAME=VALUE, chart=N (sessions in the chart, 100), last=N
 * (sessions in the table, 50), each N at most 1,000: a page's work stays
 * bounded (the whole history is benchctl history --svg --last N).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "html.h"
#include "http.h"

#define SUITE_CHART	100	/* sessions in the chart */
#define SUITE_LAST	50	/* sessions in the table */
#define SUITE_MAX	1000	/* sessions in either, at most */
#define SUITE_SETS_MAX	64	/* parameter sets listed as links */

enum { C_SUITES, C_CHART, C_HISTORY, C_VARIANCE, C_BASELINE };

/* A count of the query: absent is dflt; 0 with the page failed if bad. */
static int64_t
suite_count(struct page_req *r, const char *name, int64_t dflt)
{
	int64_t	n = page_query_int(r, name, -1);

	if (page_query(r, name) == NULL)
		return (dflt);
	if (n < 1 || n > SUITE_MAX) {
		page_fail(r, 400, "%s must be a number of sessions from 1 "
		    "to %d", name, SUITE_MAX);
		return (0);
	}
	return (n);
}

/* {"suite": the page's, ...more}: the params of one call. */
static cJSON *
suite_params(struct page_req *r, int with_set)
{
	const cJSON	*set = page_query(r, "params");
	cJSON		*p = cJSON_CreateObject();

	cJSON_AddStringToObject(p, "suite", r->arg);
	if (with_set && set != NULL)
		cJSON_AddItemToObject(p, "params", cJSON_Duplicate(set, 1));
	return (p);
}

static int
suite_plan(struct page_req *r, int round)
{
	int64_t		 chart, last;
	cJSON		*p;

	if (round > 0)
		return (0);
	if (strchr(r->arg, '/') != NULL) {
		page_fail(r, 404, "no such page");
		return (0);
	}
	if ((chart = suite_count(r, "chart", SUITE_CHART)) == 0 ||
	    (last = suite_count(r, "last", SUITE_LAST)) == 0)
		return (0);
	page_call(r, "suites.list", NULL);
	p = suite_params(r, 1);
	cJSON_AddNumberToObject(p, "last", (double)chart);
	cJSON_AddStringToObject(p, "link", "/session/");
	page_call(r, "suite.chart", p);
	p = suite_params(r, 0);
	cJSON_AddNumberToObject(p, "last", (double)last);
	page_call(r, "session.history", p);
	page_call(r, "suite.variance", suite_params(r, 1));
	page_call(r, "baseline.show", suite_params(r, 0));
	return (5);
}

/* The suite's definition from suites.list. */
static const cJSON *
suite_def(const cJSON *list, const char *name)
{
	const cJSON	*s;
	const char	*n;

	cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(list,
	    "suites"))
		if ((n = fmt_str(s, "name")) != NULL && strcmp(n, name) == 0)
			return (s);
	return (NULL);
}

/*
 * Every set of parameter values as a link (when there are few), and a
 * form that picks one (it works without script).
 */
static void
suite_sets(struct svgbuf *b, const char *name, const cJSON *def,
    const cJSON *shown)
{
	const cJSON	*defp = cJSON_GetObjectItemCaseSensitive(def, "params");
	const cJSON	*p, *v, *cur;
	cJSON		*set;
	size_t		 total = 1, k, i;

	if (cJSON_GetArraySize(defp) == 0)
		return;
	cJSON_ArrayForEach(p, defp)
		total *= (size_t)cJSON_GetArraySize(p);
	svgbuf_puts(b, "<section id=\"sets\"><h2>Parameter values</h2>\n");
	if (total <= SUITE_SETS_MAX) {
		svgbuf_puts(b, "<ul class=\"sets\">\n");
		for (k = 0; k < total; k++) {
			set = cJSON_CreateObject();
			i = k;
			cJSON_ArrayForEach(p, defp) {
				v = cJSON_GetArrayItem(p, (int)(i %
				    (size_t)cJSON_GetArraySize(p)));
				i /= (size_t)cJSON_GetArraySize(p);
				cJSON_AddStringToObject(set, p->string,
				    cJSON_IsString(v) ? v->valuestring : "");
			}
			svgbuf_printf(b, "<li%s><a href=\"/suite/",
			    cJSON_Compare(set, shown, 1) ?
			    " class=\"current\"" : "");
			html_url(b, name);
			svgbuf_puts(b, "?");
			fmt_params_query(b, set);
			svgbuf_puts(b, "\">");
			fmt_params(b, set);
			svgbuf_puts(b, "</a></li>\n");
			cJSON_Delete(set);
		}
		svgbuf_puts(b, "</ul>\n");
	}
	svgbuf_puts(b, "<form method=\"get\" action=\"/suite/");
	html_url(b, name);
	svgbuf_puts(b, "\">\n");
	cJSON_ArrayForEach(p, defp) {
		svgbuf_puts(b, "<label>");
		html_text(b, p->string);
		svgbuf_puts(b, " <select name=\"params.");
		html_text(b, p->string);
		svgbuf_puts(b, "\">");
		cur = cJSON_GetObjectItemCaseSensitive(shown, p->string);
		cJSON_ArrayForEach(v, p) {
			svgbuf_printf(b, "<option%s>",
			    cJSON_Compare(v, cur, 1) ? " selected" : "");
			html_text(b, cJSON_IsString(v) ? v->valuestring : "");
			svgbuf_puts(b, "</option>");
		}
		svgbuf_puts(b, "</select></label>\n");
	}
	svgbuf_puts(b, "<button type=\"submit\">Show</button>\n</form>\n"
	    "</section>\n");
}

static void
suite_noise(struct svgbuf *b, const cJSON *v)
{
	const cJSON	*rep = cJSON_GetObjectItemCaseSensitive(v,
			    "reproducible");

	svgbuf_puts(b, "<section id=\"noise\"><h2>Noise</h2>\n<dl>\n"
	    "<dt>run-to-run CV (mean over the last sessions)</dt><dd>");
	fmt_ratio(b, fmt_num(v, "run_cv_mean"), 2, 0);
	svgbuf_puts(b, "</dd>\n<dt>between sessions (CV of their means)</dt>"
	    "<dd>");
	fmt_ratio(b, fmt_num(v, "between_cv"), 2, 0);
	svgbuf_puts(b, "</dd>\n<dt>noise threshold</dt><dd>");
	fmt_ratio(b, fmt_num(v, "noise_threshold"), 2, 0);
	svgbuf_puts(b, " (");
	html_text(b, fmt_str(v, "noise_source"));
	svgbuf_puts(b, ")</dd>\n<dt>reproducible</dt><dd>");
	if (cJSON_IsObject(rep)) {
		svgbuf_puts(b, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
		    rep, "agree")) ? "yes: " : "no: ");
		fmt_session(b, fmt_int(rep, "b"));
		svgbuf_puts(b, " against ");
		fmt_session(b, fmt_int(rep, "a"));
		svgbuf_puts(b, " ");
		fmt_ratio(b, fmt_num(rep, "change"), 1, 1);
		svgbuf_puts(b, ", limit ");
		fmt_ratio(b, fmt_num(rep, "limit"), 0, 0);
	} else
		svgbuf_puts(b, "- (fewer than two sessions)");
	svgbuf_puts(b, "</dd>\n</dl>\n</section>\n");
}

/* The baseline of the set shown, and its changes. */
static void
suite_baseline(struct svgbuf *b, const cJSON *list, const cJSON *shown)
{
	const cJSON	*bl, *h, *found = NULL;

	cJSON_ArrayForEach(bl, cJSON_GetObjectItemCaseSensitive(list,
	    "baselines"))
		if (cJSON_Compare(cJSON_GetObjectItemCaseSensitive(bl,
		    "params"), shown, 1))
			found = bl;
	svgbuf_puts(b, "<section id=\"baseline\"><h2>Baseline</h2>\n");
	if (found == NULL) {
		svgbuf_puts(b, "<p>No baseline for these parameter values "
		    "(<code>benchctl baseline set</code>).</p>\n</section>\n");
		return;
	}
	svgbuf_puts(b, "<p>");
	fmt_session(b, fmt_int(cJSON_GetObjectItemCaseSensitive(found,
	    "session"), "id"));
	svgbuf_puts(b, ": wall ");
	fmt_seconds_pm(b, cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(found, "summary"), "wall"));
	svgbuf_puts(b, ", set ");
	fmt_time(b, fmt_str(found, "set_at"));
	svgbuf_printf(b, " by uid %lld</p>\n<p>Changes, newest first:",
	    (long long)fmt_int(found, "set_by"));
	cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(found,
	    "history")) {
		svgbuf_puts(b, " ");
		fmt_session(b, fmt_int(h, "session"));
		svgbuf_puts(b, " (");
		fmt_time(b, fmt_str(h, "set_at"));
		svgbuf_puts(b, ")");
	}
	svgbuf_puts(b, "</p>\n</section>\n");
}

/* Links to the same page with more or fewer sessions. */
static void
suite_more(struct svgbuf *b, const char *name, const cJSON *shown,
    const char *key, const int *counts, size_t n)
{
	size_t	i;

	svgbuf_puts(b, "<p class=\"more\">Show the last");
	for (i = 0; i < n; i++) {
		svgbuf_puts(b, i > 0 ? ", " : " ");
		svgbuf_puts(b, "<a href=\"/suite/");
		html_url(b, name);
		svgbuf_printf(b, "?%s=%d", key, counts[i]);
		if (cJSON_GetArraySize(shown) > 0) {
			svgbuf_puts(b, "&amp;");
			fmt_params_query(b, shown);
		}
		svgbuf_printf(b, "\">%d</a>", counts[i]);
	}
	svgbuf_puts(b, " sessions.</p>\n");
}

static int
suite_render(struct page_req *r, struct svgbuf *b)
{
	static const int	 chart_n[] = { 100, 300, 1000 };
	static const int	 last_n[] = { 50, 200, 1000 };
	const cJSON		*chart, *shown, *def;
	size_t			 i;

	for (i = 0; i < r->ncalls; i++)
		if (r->calls[i].result == NULL)
			return (page_error(r, b, &r->calls[i]));
	chart = r->calls[C_CHART].result;
	shown = cJSON_GetObjectItemCaseSensitive(chart, "params");
	def = suite_def(r->calls[C_SUITES].result, r->arg);
	page_head(b, r->arg);
	svgbuf_puts(b, "<h1>Suite ");
	html_text(b, r->arg);
	if (cJSON_GetArraySize(shown) > 0) {
		svgbuf_puts(b, " <small>");
		fmt_params(b, shown);
		svgbuf_puts(b, "</small>");
	}
	svgbuf_puts(b, "</h1>\n<p>Command: <code>");
	html_text(b, fmt_str(def, "command"));
	svgbuf_printf(b, "</code> \xc2\xb7 %lld warmup, %lld to %lld runs"
	    " \xc2\xb7 CV target ", (long long)fmt_int(def, "warmup"),
	    (long long)fmt_int(def, "runs"),
	    (long long)fmt_int(def, "max_runs"));
	fmt_ratio(b, fmt_num(def, "cv_target"), 1, 0);
	svgbuf_puts(b, " \xc2\xb7 noise ");
	fmt_ratio(b, fmt_num(def, "noise"), 1, 0);
	svgbuf_puts(b, "</p>\n");
	suite_sets(b, r->arg, def, shown);
	svgbuf_printf(b, "<section id=\"history\"><h2>History</h2>\n"
	    "<p>Wall-time means of the last %lld completed or unstable "
	    "sessions with their 95%% CI, the baseline's noise band, change "
	    "points; each marker links to its session.</p>\n"
	    "<div class=\"chart\">", (long long)fmt_int(chart, "sessions"));
	fmt_svg(b, fmt_str(chart, "svg"));
	svgbuf_puts(b, "</div>\n");
	suite_more(b, r->arg, shown, "chart", chart_n, 3);
	svgbuf_puts(b, "</section>\n");
	suite_noise(b, r->calls[C_VARIANCE].result);
	suite_baseline(b, r->calls[C_BASELINE].result, shown);
	svgbuf_puts(b, "<section id=\"sessions\"><h2>Sessions</h2>\n");
	fmt_sessions(b, cJSON_GetObjectItemCaseSensitive(
	    r->calls[C_HISTORY].result, "sessions"), 0);
	suite_more(b, r->arg, shown, "last", last_n, 3);
	svgbuf_puts(b, "</section>\n");
	page_foot(b);
	return (200);
}

const struct page page_suite = { "/suite/", 0, NULL, suite_plan,
    suite_render };
