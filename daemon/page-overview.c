/*
 * page-overview.c -- GET /: the session running now with its progress,
 * the queue, the conditions now, the suites, the latest sessions with
 * their verdicts, and the regressions.
 */
#include "config.h"

#include <math.h>

#include "html.h"
#include "http.h"

#define OVERVIEW_LATEST	20	/* sessions */

enum { C_STATUS, C_CONDITIONS, C_SUITES, C_LATEST, C_REGRESSIONS };

static int
overview_plan(struct page_req *r, int round)
{
	cJSON	*p;

	if (round > 0)
		return (0);
	page_call(r, "status", NULL);
	page_call(r, "conditions.check", NULL);
	page_call(r, "suites.list", NULL);
	p = cJSON_CreateObject();
	cJSON_AddNumberToObject(p, "last", OVERVIEW_LATEST);
	page_call(r, "session.list", p);
	page_call(r, "regressions.list", NULL);
	return (5);
}

static void
overview_running(struct svgbuf *b, const cJSON *status)
{
	const cJSON	*s;

	s = cJSON_GetObjectItemCaseSensitive(status, "running");

	svgbuf_puts(b, "<section id=\"running\" data-refresh=\"/api/status\">"
	    "<h2>Running</h2>\n");
	if (!cJSON_IsObject(s)) {
		svgbuf_puts(b, "<p data-f=\"idle\">Nothing is running.</p>\n"
		    "</section>\n");
		return;
	}
	svgbuf_puts(b, "<p>");
	fmt_session(b, fmt_int(s, "id"));
	svgbuf_puts(b, " ");
	fmt_suite(b, fmt_str(s, "suite"),
	    cJSON_GetObjectItemCaseSensitive(s, "params"));
	svgbuf_puts(b, " ");
	fmt_params(b, cJSON_GetObjectItemCaseSensitive(s, "params"));
	if (fmt_str(s, "label") != NULL) {
		svgbuf_puts(b, " \xc2\xb7 ");
		html_text(b, fmt_str(s, "label"));
	}
	svgbuf_puts(b, " \xc2\xb7 started ");
	fmt_time(b, fmt_str(s, "started_at"));
	svgbuf_puts(b, "</p>\n");
	fmt_progress(b, s);
	svgbuf_puts(b, "</section>\n");
}

static void
overview_queue(struct svgbuf *b, const cJSON *status)
{
	const cJSON	*q = cJSON_GetObjectItemCaseSensitive(status, "queue");
	const cJSON	*s;

	svgbuf_puts(b, "<section id=\"queue\"><h2>Queue</h2>\n");
	if (cJSON_GetArraySize(q) == 0) {
		svgbuf_puts(b, "<p>The queue is empty.</p>\n</section>\n");
		return;
	}
	svgbuf_puts(b, "<table>\n<thead><tr><th>session</th><th>suite</th>"
	    "<th>parameters</th><th>label</th><th>queued</th></tr></thead>\n"
	    "<tbody>\n");
	cJSON_ArrayForEach(s, q) {
		svgbuf_puts(b, "<tr><td>");
		fmt_session(b, fmt_int(s, "id"));
		svgbuf_puts(b, "</td><td>");
		fmt_suite(b, fmt_str(s, "suite"), NULL);
		svgbuf_puts(b, "</td><td>");
		fmt_params(b, cJSON_GetObjectItemCaseSensitive(s, "params"));
		svgbuf_puts(b, "</td><td>");
		html_text(b, fmt_str(s, "label"));
		svgbuf_puts(b, "</td><td>");
		fmt_time(b, fmt_str(s, "queued_at"));
		svgbuf_puts(b, "</td></tr>\n");
	}
	svgbuf_puts(b, "</tbody></table>\n</section>\n");
}

static void
overview_suites(struct svgbuf *b, const cJSON *list)
{
	const cJSON	*s, *p, *v;

	svgbuf_puts(b, "<section id=\"suites\"><h2>Suites</h2>\n<table>\n"
	    "<thead><tr><th>suite</th><th>command</th><th>parameters</th>"
	    "<th>warmup</th><th>runs</th><th>CV target</th><th>noise</th>"
	    "</tr></thead>\n<tbody>\n");
	cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(list,
	    "suites")) {
		svgbuf_puts(b, "<tr><td>");
		fmt_suite(b, fmt_str(s, "name"), NULL);
		svgbuf_puts(b, "</td><td><code>");
		html_text(b, fmt_str(s, "command"));
		svgbuf_puts(b, "</code></td><td>");
		cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(s,
		    "params")) {
			html_text(b, p->string);
			svgbuf_puts(b, ":");
			cJSON_ArrayForEach(v, p) {
				svgbuf_puts(b, " ");
				html_text(b, cJSON_IsString(v) ?
				    v->valuestring : "?");
			}
			svgbuf_puts(b, "<br>");
		}
		svgbuf_printf(b, "</td><td class=\"num\">%lld</td>"
		    "<td class=\"num\">%lld to %lld</td><td class=\"num\">",
		    (long long)fmt_int(s, "warmup"), (long long)fmt_int(s,
		    "runs"), (long long)fmt_int(s, "max_runs"));
		fmt_ratio(b, fmt_num(s, "cv_target"), 1, 0);
		svgbuf_puts(b, "</td><td class=\"num\">");
		fmt_ratio(b, fmt_num(s, "noise"), 1, 0);
		svgbuf_puts(b, "</td></tr>\n");
	}
	svgbuf_puts(b, "</tbody></table>\n</section>\n");
}

/* regressions.list: the findings against the baselines, and the steps. */
static void
overview_regressions(struct svgbuf *b, const cJSON *list)
{
	const cJSON	*a, *s;

	svgbuf_puts(b, "<section id=\"regressions\"><h2>Regressions</h2>\n"
	    "<h3>Against the baseline (not yet confirmed)</h3>\n");
	a = cJSON_GetObjectItemCaseSensitive(list, "regressions");
	if (cJSON_GetArraySize(a) == 0)
		svgbuf_puts(b, "<p>No session regressed against the baseline "
		    "in force when it finished.</p>\n");
	else
		fmt_sessions(b, a, 1);
	svgbuf_puts(b, "<h3>Change points in the history</h3>\n");
	a = cJSON_GetObjectItemCaseSensitive(list, "change_points");
	if (cJSON_GetArraySize(a) == 0) {
		svgbuf_puts(b, "<p>No change points.</p>\n</section>\n");
		return;
	}
	svgbuf_puts(b, "<table>\n<thead><tr><th>suite</th><th>parameters</th>"
	    "<th>from session</th><th>after</th><th>mean before</th>"
	    "<th>mean after</th><th>change</th><th>p</th></tr></thead>\n"
	    "<tbody>\n");
	cJSON_ArrayForEach(s, a) {
		svgbuf_puts(b, "<tr><td>");
		fmt_suite(b, fmt_str(s, "suite"),
		    cJSON_GetObjectItemCaseSensitive(s, "params"));
		svgbuf_puts(b, "</td><td>");
		fmt_params(b, cJSON_GetObjectItemCaseSensitive(s, "params"));
		svgbuf_puts(b, "</td><td>");
		fmt_session(b, fmt_int(s, "session"));
		svgbuf_puts(b, "</td><td>");
		fmt_session(b, fmt_int(s, "before"));
		svgbuf_puts(b, "</td><td class=\"num\">");
		fmt_seconds(b, fmt_num(s, "mean_before"),
		    fmt_num(s, "mean_before"));
		svgbuf_puts(b, "</td><td class=\"num\">");
		fmt_seconds(b, fmt_num(s, "mean_after"),
		    fmt_num(s, "mean_before"));
		svgbuf_puts(b, "</td><td class=\"num\">");
		fmt_ratio(b, fmt_num(s, "change"), 1, 1);
		svgbuf_puts(b, "</td><td class=\"num\">");
		fmt_pvalue(b, fmt_num(s, "p"));
		svgbuf_puts(b, "</td></tr>\n");
	}
	svgbuf_puts(b, "</tbody></table>\n</section>\n");
}

static int
overview_render(struct page_req *r, struct svgbuf *b)
{
	const cJSON	*status = r->calls[C_STATUS].result, *st;
	size_t		 i;

	for (i = 0; i < r->ncalls; i++)
		if (r->calls[i].result == NULL)
			return (page_error(r, b, &r->calls[i]));
	page_head(b, "Overview");
	svgbuf_puts(b, "<h1>benchd</h1>\n");
	st = cJSON_GetObjectItemCaseSensitive(status, "storage");
	if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(st, "ok"))) {
		svgbuf_puts(b, "<p class=\"error\">The database refuses a "
		    "write: ");
		html_text(b, fmt_str(st, "held"));
		svgbuf_puts(b, " (");
		html_text(b, fmt_str(st, "error"));
		svgbuf_puts(b, "), held since ");
		fmt_time(b, fmt_str(st, "since"));
		svgbuf_puts(b, ".</p>\n");
	}
	overview_running(b, status);
	overview_queue(b, status);
	svgbuf_puts(b, "<section id=\"conditions\"><h2>Conditions now</h2>\n");
	fmt_checks(b, r->calls[C_CONDITIONS].result);
	svgbuf_puts(b, "</section>\n");
	overview_suites(b, r->calls[C_SUITES].result);
	svgbuf_printf(b, "<section id=\"latest\"><h2>Latest sessions</h2>\n");
	fmt_sessions(b, cJSON_GetObjectItemCaseSensitive(
	    r->calls[C_LATEST].result, "sessions"), 1);
	svgbuf_puts(b, "</section>\n");
	overview_regressions(b, r->calls[C_REGRESSIONS].result);
	page_foot(b);
	return (200);
}

const struct page page_overview = { "/", 1, NULL, overview_plan,
    overview_render };
