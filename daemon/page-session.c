/*
 * page-session.c -- GET /session/ID: what session.get, session.phases and
 * profile.hot say of one session: its summary and statistics, every run
 * with its flags, the phases against the wall time, the conditions its
 * runs saw, and its profile's hot functions.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "http.h"

#define SESSION_HOT	20	/* functions in the hot list */

enum { C_GET, C_PHASES, C_HOT };

static cJSON *
session_params(int64_t id)
{
	cJSON	*p = cJSON_CreateObject();

	cJSON_AddNumberToObject(p, "id", (double)id);
	return (p);
}

static int
session_plan(struct page_req *r, int round)
{
	const cJSON	*prof;
	const char	*state;
	int64_t		 id = page_id(r->arg);
	cJSON		*p;

	if (id < 0) {
		page_fail(r, 404, "no session \"%.50s\"", r->arg);
		return (0);
	}
	if (round == 0) {
		page_call(r, "session.get", session_params(id));
		page_call(r, "session.phases", session_params(id));
		return (2);
	}
	prof = cJSON_GetObjectItemCaseSensitive(r->calls[C_GET].result,
	    "session");
	prof = cJSON_GetObjectItemCaseSensitive(prof, "profile");
	if (round > 1 || (state = fmt_str(prof, "state")) == NULL ||
	    strcmp(state, "recorded") != 0)
		return (0);
	p = session_params(id);
	cJSON_AddNumberToObject(p, "top", SESSION_HOT);
	page_call(r, "profile.hot", p);
	return (1);
}

/* A term and its description, the description as escaped text. */
static void
session_dd(struct svgbuf *b, const char *term, const char *text)
{
	svgbuf_printf(b, "<dt>%s</dt><dd>", term);
	html_text(b, text != NULL ? text : "-");
	svgbuf_puts(b, "</dd>\n");
}

static void
session_summary(struct svgbuf *b, const cJSON *s)
{
	const cJSON	*fp, *dirty;

	fp = cJSON_GetObjectItemCaseSensitive(s, "fingerprint");
	dirty = cJSON_GetObjectItemCaseSensitive(s, "dirty");

	svgbuf_puts(b, "<dl class=\"summary\">\n<dt>suite</dt><dd>");
	fmt_suite(b, fmt_str(s, "suite"), cJSON_GetObjectItemCaseSensitive(s,
	    "params"));
	svgbuf_puts(b, " ");
	fmt_params(b, cJSON_GetObjectItemCaseSensitive(s, "params"));
	svgbuf_puts(b, "</dd>\n<dt>state</dt><dd>");
	fmt_state(b, fmt_str(s, "state"));
	if (fmt_str(s, "reason") != NULL) {
		svgbuf_puts(b, ": ");
		html_text(b, fmt_str(s, "reason"));
	}
	svgbuf_puts(b, "</dd>\n<dt>against the baseline</dt><dd>");
	fmt_against(b, s);
	svgbuf_puts(b, "</dd>\n");
	session_dd(b, "label", fmt_str(s, "label"));
	svgbuf_puts(b, "<dt>revision</dt><dd>");
	html_text(b, fmt_str(s, "rev") != NULL ? fmt_str(s, "rev") : "-");
	if (cJSON_IsTrue(dirty))
		svgbuf_puts(b, " (dirty)");
	if (fmt_str(s, "subject") != NULL) {
		svgbuf_puts(b, " ");
		html_text(b, fmt_str(s, "subject"));
	}
	if (fmt_str(s, "arm") != NULL)
		svgbuf_printf(b, " (arm %s of A/B test %lld)",
		    fmt_str(s, "arm")[0] == 'A' ? "A" : "B",
		    (long long)fmt_int(s, "ab"));
	svgbuf_puts(b, "</dd>\n<dt>command</dt><dd><code>");
	html_text(b, fmt_str(s, "command"));
	svgbuf_printf(b, "</code></dd>\n<dt>runs</dt><dd>%lld measured, %lld "
	    "warmup (asked %lld + %lld, at most %lld; CV target ",
	    (long long)fmt_int(s, "measured"),
	    (long long)fmt_int(s, "warmups_done"),
	    (long long)fmt_int(s, "runs"), (long long)fmt_int(s, "warmup"),
	    (long long)fmt_int(s, "max_runs"));
	fmt_ratio(b, fmt_num(s, "cv_target"), 1, 0);
	svgbuf_puts(b, ")</dd>\n<dt>queued, started, finished</dt><dd>");
	fmt_time(b, fmt_str(s, "queued_at"));
	svgbuf_puts(b, ", ");
	fmt_time(b, fmt_str(s, "started_at"));
	svgbuf_puts(b, ", ");
	fmt_time(b, fmt_str(s, "finished_at"));
	svgbuf_printf(b, "</dd>\n<dt>queued by</dt><dd>uid %lld</dd>\n",
	    (long long)fmt_int(s, "queued_by"));
	session_dd(b, "workload CPUs", fmt_str(s, "cpus"));
	session_dd(b, "machine", fmt_str(fp, "hostname"));
	session_dd(b, "kernel", fmt_str(fp, "kernel"));
	session_dd(b, "CPU", fmt_str(fp, "cpu_model"));
	session_dd(b, "governor", fmt_str(fp, "governor"));
	session_dd(b, "benchd", fmt_str(fp, "benchd"));
	svgbuf_puts(b, "</dl>\n");
}

static void
session_stats(struct svgbuf *b, const cJSON *summary)
{
	static const char *const names[] = { "wall", "user", "sys",
	    "maxrss_kb" };
	static const char *const shown[] = { "wall", "user", "sys",
	    "max RSS" };
	static const char *const keys[] = { "mean", "stddev", "median", "mad",
	    "min", "max", "ci_low", "ci_high" };
	const cJSON	*st;
	size_t		 i, k;
	double		 ref;

	svgbuf_puts(b, "<section id=\"stats\"><h2>Statistics of the measured "
	    "runs</h2>\n");
	if (!cJSON_IsObject(summary)) {
		svgbuf_puts(b, "<p>No measured run yet.</p>\n</section>\n");
		return;
	}
	svgbuf_puts(b, "<table>\n<thead><tr><th>metric</th><th>n</th>"
	    "<th>mean</th><th>sd</th><th>median</th><th>MAD</th><th>min</th>"
	    "<th>max</th><th>95% CI low</th><th>95% CI high</th><th>CV</th>"
	    "</tr></thead>\n<tbody>\n");
	for (i = 0; i < 4; i++) {
		st = cJSON_GetObjectItemCaseSensitive(summary, names[i]);
		ref = fmt_num(st, "mean");
		svgbuf_printf(b, "<tr><td>%s</td><td class=\"num\">%lld</td>",
		    shown[i], (long long)fmt_int(st, "n"));
		for (k = 0; k < 8; k++) {
			svgbuf_printf(b, "<td class=\"num\" "
			    "data-stat=\"%s.%s\">", names[i], keys[k]);
			if (i == 3)
				fmt_kib(b, fmt_num(st, keys[k]));
			else
				fmt_seconds(b, fmt_num(st, keys[k]), ref);
			svgbuf_puts(b, "</td>");
		}
		svgbuf_puts(b, "<td class=\"num\">");
		fmt_ratio(b, fmt_num(st, "cv"), 2, 0);
		svgbuf_puts(b, "</td></tr>\n");
	}
	svgbuf_puts(b, "</tbody></table>\n</section>\n");
}

static void
session_phases(struct svgbuf *b, const cJSON *ph)
{
	const cJSON	*p, *agrees = cJSON_GetObjectItemCaseSensitive(ph,
			    "agrees");
	double		 wall = fmt_num(ph, "wall");

	svgbuf_puts(b, "<section id=\"phases\"><h2>Phases</h2>\n");
	if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(ph,
	    "phases")) == 0) {
		svgbuf_puts(b, "<p>No timing lines were seen.</p>\n"
		    "</section>\n");
		return;
	}
	svgbuf_puts(b, "<table>\n<thead><tr><th>prefix</th><th>phase</th>"
	    "<th>lines per run</th><th>mean</th><th>sd</th><th>longest line"
	    "</th><th>share</th></tr></thead>\n<tbody>\n");
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(ph, "phases")) {
		svgbuf_puts(b, "<tr><td>");
		html_text(b, fmt_str(p, "prefix"));
		svgbuf_puts(b, "</td><td>");
		html_text(b, fmt_str(p, "phase"));
		svgbuf_printf(b, "</td><td class=\"num\">%.0f</td>"
		    "<td class=\"num\">", fmt_num(p, "count"));
		fmt_seconds(b, fmt_num(p, "mean"), wall);
		svgbuf_puts(b, "</td><td class=\"num\">");
		fmt_seconds(b, fmt_num(p, "stddev"), wall);
		svgbuf_puts(b, "</td><td class=\"num\">");
		fmt_seconds(b, fmt_num(p, "max"), fmt_num(p, "max"));
		svgbuf_puts(b, "</td><td class=\"num\">");
		fmt_ratio(b, fmt_num(p, "share"), 1, 0);
		svgbuf_puts(b, "</td></tr>\n");
	}
	svgbuf_puts(b, "</tbody></table>\n<p>Phases total ");
	fmt_seconds(b, fmt_num(ph, "total"), wall);
	svgbuf_puts(b, " of a wall time of ");
	fmt_seconds(b, wall, wall);
	svgbuf_puts(b, ": coverage <span data-f=\"coverage\">");
	fmt_ratio(b, fmt_num(ph, "coverage"), 1, 0);
	svgbuf_printf(b, "</span> (%s); of the CPU time ",
	    cJSON_IsTrue(agrees) ? "agrees with the wall time within 5%" :
	    cJSON_IsFalse(agrees) ? "does not agree with the wall time" : "-");
	fmt_ratio(b, fmt_num(ph, "cpu_coverage"), 1, 0);
	svgbuf_printf(b, ". Malformed timing lines: %.0f", fmt_num(ph,
	    "malformed"));
	if (fmt_str(ph, "malformed_example") != NULL) {
		svgbuf_puts(b, ", such as <code>");
		html_text(b, fmt_str(ph, "malformed_example"));
		svgbuf_puts(b, "</code>");
	}
	svgbuf_puts(b, ".</p>\n</section>\n");
}

static void
session_profile(struct svgbuf *b, const cJSON *s, const cJSON *hot)
{
	const cJSON	*prof = cJSON_GetObjectItemCaseSensitive(s, "profile");
	const cJSON	*f;

	svgbuf_puts(b, "<section id=\"profile\"><h2>Profile</h2>\n");
	if (!cJSON_IsObject(prof)) {
		svgbuf_puts(b, "<p>Not asked for (<code>benchctl queue "
		    "--profile</code>).</p>\n</section>\n");
		return;
	}
	svgbuf_puts(b, "<p>");
	fmt_state(b, fmt_str(prof, "state"));
	if (fmt_str(prof, "reason") != NULL) {
		svgbuf_puts(b, ": ");
		html_text(b, fmt_str(prof, "reason"));
	}
	if (!cJSON_IsObject(hot)) {
		svgbuf_puts(b, "</p>\n</section>\n");
		return;
	}
	svgbuf_printf(b, " \xc2\xb7 %lld samples of ",
	    (long long)fmt_int(hot, "samples"));
	html_text(b, fmt_str(prof, "event"));
	svgbuf_printf(b, " in a run of ");
	fmt_seconds(b, fmt_num(prof, "wall"), fmt_num(prof, "wall"));
	svgbuf_printf(b, " \xc2\xb7 <a href=\"/flamegraph/%lld\">flame graph"
	    "</a></p>\n<table class=\"hot\">\n<thead><tr><th>function</th>"
	    "<th>category</th><th>self</th><th>total</th><th>share (self)"
	    "</th></tr></thead>\n<tbody>\n", (long long)fmt_int(hot, "id"));
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(hot, "self")) {
		svgbuf_puts(b, "<tr><td><code>");
		html_text(b, fmt_str(f, "name"));
		svgbuf_puts(b, "</code></td><td>");
		html_text(b, fmt_str(f, "category"));
		svgbuf_printf(b, "</td><td class=\"num\">%lld</td>"
		    "<td class=\"num\">%lld</td><td class=\"num\">",
		    (long long)fmt_int(f, "self"),
		    (long long)fmt_int(f, "total"));
		fmt_ratio(b, fmt_num(f, "share"), 1, 0);
		svgbuf_puts(b, "</td></tr>\n");
	}
	svgbuf_puts(b, "</tbody></table>\n<p>By category:");
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(hot,
	    "categories")) {
		svgbuf_puts(b, " ");
		html_text(b, fmt_str(f, "name"));
		svgbuf_puts(b, " ");
		fmt_ratio(b, fmt_num(f, "share"), 1, 0);
		svgbuf_puts(b, ";");
	}
	svgbuf_puts(b, "</p>\n</section>\n");
}

/* The conditions the first measured run (else the first run) ran under. */
static void
session_conditions(struct svgbuf *b, const cJSON *runs)
{
	const cJSON	*run, *pick = cJSON_GetArrayItem(runs, 0);
	const char	*kind;

	cJSON_ArrayForEach(run, runs)
		if ((kind = fmt_str(run, "kind")) != NULL &&
		    strcmp(kind, "measured") == 0) {
			pick = run;
			break;
		}
	svgbuf_puts(b, "<section id=\"conditions\"><h2>Conditions</h2>\n");
	if (pick == NULL) {
		svgbuf_puts(b, "<p>No run yet.</p>\n</section>\n");
		return;
	}
	svgbuf_printf(b, "<p>As run %lld found them before it started.</p>\n",
	    (long long)fmt_int(pick, "seq"));
	fmt_checks(b, cJSON_GetObjectItemCaseSensitive(pick, "conditions"));
	svgbuf_puts(b, "</section>\n");
}

static int
session_render(struct page_req *r, struct svgbuf *b)
{
	const cJSON	*got = r->calls[C_GET].result, *s, *w;
	char		 title[64];

	if (got == NULL)
		return (page_error(r, b, &r->calls[C_GET]));
	if (r->calls[C_PHASES].result == NULL)
		return (page_error(r, b, &r->calls[C_PHASES]));
	s = cJSON_GetObjectItemCaseSensitive(got, "session");
	snprintf(title, sizeof title, "Session %lld",
	    (long long)fmt_int(s, "id"));
	page_head(b, title);
	svgbuf_printf(b, "<h1>Session %lld</h1>\n", (long long)fmt_int(s,
	    "id"));
	if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(s, "progress")))
		fmt_progress(b, s);
	session_summary(b, s);
	w = cJSON_GetObjectItemCaseSensitive(got, "warnings");
	if (cJSON_GetArraySize(w) > 0) {
		svgbuf_puts(b, "<ul class=\"warnings\">\n");
		cJSON_ArrayForEach(s, w) {
			svgbuf_puts(b, "<li>");
			html_text(b, cJSON_IsString(s) ? s->valuestring : "");
			svgbuf_puts(b, "</li>\n");
		}
		svgbuf_puts(b, "</ul>\n");
		s = cJSON_GetObjectItemCaseSensitive(got, "session");
	}
	session_stats(b, cJSON_GetObjectItemCaseSensitive(got, "summary"));
	page_runs(b, cJSON_GetObjectItemCaseSensitive(got, "runs"));
	session_phases(b, r->calls[C_PHASES].result);
	session_conditions(b, cJSON_GetObjectItemCaseSensitive(got, "runs"));
	session_profile(b, s, r->ncalls > C_HOT ? r->calls[C_HOT].result :
	    NULL);
	page_foot(b);
	return (200);
}

const struct page page_session = { "/session/", 0, NULL, session_plan,
    session_render };
