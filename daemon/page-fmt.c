/*
 * page-fmt.c -- what the pages show of the methods' JSON: numbers in
 * benchctl's units (common/units.c), times, names, links, states and
 * verdicts, the conditions' checks, the progress of a running session,
 * and benchd's own SVG inside a page.
 *
 * Every string from data goes through html_text or html_url; the JSON
 * may lack a member or hold null where a number is undefined, and that
 * shows as "-".
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "html.h"
#include "http.h"
#include "units.h"

/* A string member, or NULL. */
const char *
fmt_str(const cJSON *o, const char *name)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, name);

	return (cJSON_IsString(v) ? v->valuestring : NULL);
}

/* A number member, or NAN (absent, null: undefined). */
double
fmt_num(const cJSON *o, const char *name)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, name);

	return (cJSON_IsNumber(v) ? v->valuedouble : NAN);
}

/* A non-negative integer member, or -1. */
int64_t
fmt_int(const cJSON *o, const char *name)
{
	double	d = fmt_num(o, name);

	if (!(d >= 0 && d < 9007199254740992.0) || d != floor(d))
		return (-1);
	return ((int64_t)d);
}

void
fmt_seconds(struct svgbuf *b, double v, double ref)
{
	char	buf[UNITS_LEN];

	svgbuf_puts(b, units_seconds(buf, sizeof buf, v, ref));
}

/* A Stats or brief object as "mean ± stddev" in the mean's unit. */
void
fmt_seconds_pm(struct svgbuf *b, const cJSON *stats)
{
	double	mean = fmt_num(stats, "mean"), sd = fmt_num(stats, "stddev");

	fmt_seconds(b, mean, mean);
	if (isfinite(mean) && isfinite(sd)) {
		svgbuf_puts(b, " \xc2\xb1 ");
		fmt_seconds(b, sd, mean);
	}
}

void
fmt_kib(struct svgbuf *b, double kib)
{
	char	buf[UNITS_LEN];

	svgbuf_puts(b, units_kib(buf, sizeof buf, kib, kib));
}

void
fmt_ratio(struct svgbuf *b, double v, int decimals, int sign)
{
	char	buf[UNITS_LEN];

	svgbuf_puts(b, units_ratio(buf, sizeof buf, v, decimals, sign));
}

void
fmt_pvalue(struct svgbuf *b, double p)
{
	char	buf[UNITS_LEN];

	html_text(b, units_pvalue(buf, sizeof buf, p));
}

/* An ISO 8601 UTC time as "2026-11-27 18:43:06 UTC", "-" when null. */
void
fmt_time(struct svgbuf *b, const char *iso)
{
	if (iso == NULL || strlen(iso) != 20 || iso[10] != 'T') {
		svgbuf_puts(b, "-");
		return;
	}
	svgbuf_puts(b, "<time datetime=\"");
	html_text(b, iso);
	svgbuf_printf(b, "\">%.10s %.8s UTC</time>", iso, iso + 11);
}

void
fmt_session(struct svgbuf *b, int64_t id)
{
	if (id < 0)
		svgbuf_puts(b, "-");
	else
		svgbuf_printf(b, "<a href=\"/session/%lld\">#%lld</a>",
		    (long long)id, (long long)id);
}

/* params.crate=ori_ir&amp;params.opt=O2, for a link to a suite's page. */
void
fmt_params_query(struct svgbuf *b, const cJSON *params)
{
	const cJSON	*v;
	int		 first = 1;

	cJSON_ArrayForEach(v, params) {
		if (!cJSON_IsString(v))
			continue;
		svgbuf_puts(b, first ? "params." : "&amp;params.");
		html_url(b, v->string);
		svgbuf_puts(b, "=");
		html_url(b, v->valuestring);
		first = 0;
	}
}

/* A link to a suite's page, at one set of parameter values if given. */
void
fmt_suite(struct svgbuf *b, const char *name, const cJSON *params)
{
	if (name == NULL) {
		svgbuf_puts(b, "-");
		return;
	}
	svgbuf_puts(b, "<a href=\"/suite/");
	html_url(b, name);
	if (cJSON_GetArraySize(params) > 0) {
		svgbuf_puts(b, "?");
		fmt_params_query(b, params);
	}
	svgbuf_puts(b, "\">");
	html_text(b, name);
	svgbuf_puts(b, "</a>");
}

/* crate=ori_ir opt=O2 */
void
fmt_params(struct svgbuf *b, const cJSON *params)
{
	const cJSON	*v;
	int		 first = 1;

	cJSON_ArrayForEach(v, params) {
		if (!first)
			svgbuf_puts(b, " ");
		html_text(b, v->string);
		svgbuf_puts(b, "=");
		html_text(b, cJSON_IsString(v) ? v->valuestring : "?");
		first = 0;
	}
}

/* A word as a class name: letters and digits, the rest as '-'. */
static void
fmt_class(struct svgbuf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		svgbuf_add(b, (*s >= 'a' && *s <= 'z') || (*s >= '0' &&
		    *s <= '9') ? s : "-", 1);
}

/* A labelled word with a class to colour it by: a state, a verdict. */
static void
fmt_badge(struct svgbuf *b, const char *kind, const char *word,
    const char *shown)
{
	if (word == NULL) {
		svgbuf_puts(b, "-");
		return;
	}
	svgbuf_printf(b, "<span class=\"%s %s-", kind, kind);
	fmt_class(b, word);
	svgbuf_puts(b, "\">");
	html_text(b, shown != NULL ? shown : word);
	svgbuf_puts(b, "</span>");
}

void
fmt_state(struct svgbuf *b, const char *state)
{
	fmt_badge(b, "state", state, NULL);
}

/* As benchctl says it: "inconclusive" asks for more runs. */
void
fmt_verdict(struct svgbuf *b, const char *verdict)
{
	fmt_badge(b, "verdict", verdict, verdict != NULL &&
	    strcmp(verdict, "inconclusive") == 0 ?
	    "inconclusive \xe2\x80\x94 queue more runs" : NULL);
}

/* The checks of a conditions report (conditions.check, a run's). */
void
fmt_checks(struct svgbuf *b, const cJSON *report)
{
	const cJSON	*c, *checks;
	const char	*canon;

	if (!cJSON_IsObject(report)) {
		svgbuf_puts(b, "<p>No snapshot.</p>\n");
		return;
	}
	canon = cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(report,
	    "canonical")) ? "no" : "yes";
	svgbuf_printf(b, "<p>Canonical: <strong class=\"canonical-%s\">%s"
	    "</strong>", canon, canon);
	if (fmt_str(report, "policy") != NULL) {
		svgbuf_puts(b, " \xc2\xb7 policy ");
		html_text(b, fmt_str(report, "policy"));
	}
	svgbuf_puts(b, "</p>\n<table class=\"checks\">\n<thead><tr><th>check"
	    "</th><th>status</th><th>value</th><th>advice</th></tr></thead>\n"
	    "<tbody>\n");
	checks = cJSON_GetObjectItemCaseSensitive(report, "checks");
	cJSON_ArrayForEach(c, checks) {
		svgbuf_puts(b, "<tr><td>");
		html_text(b, fmt_str(c, "name"));
		svgbuf_puts(b, "</td><td>");
		fmt_badge(b, "check", fmt_str(c, "status"), NULL);
		svgbuf_puts(b, "</td><td>");
		html_text(b, fmt_str(c, "value"));
		svgbuf_puts(b, "</td><td>");
		html_text(b, fmt_str(c, "advice"));
		svgbuf_puts(b, "</td></tr>\n");
	}
	svgbuf_puts(b, "</tbody></table>\n");
}

/*
 * A running session's progress (status, session.get): its phase, the run
 * of the phase, a bar and the last wall time; or why the gate waits.
 * The elements are named for benchd.js, which refreshes them.
 */
void
fmt_progress(struct svgbuf *b, const cJSON *s)
{
	const cJSON	*p = cJSON_GetObjectItemCaseSensitive(s, "progress");
	const char	*phase = fmt_str(p, "phase");
	int64_t		 run = fmt_int(p, "run"), of = fmt_int(p, "of");

	svgbuf_printf(b, "<div class=\"progress\" data-session=\"%lld\">"
	    "<span data-f=\"phase\">", (long long)fmt_int(s, "id"));
	html_text(b, phase != NULL ? phase : "-");
	svgbuf_puts(b, "</span> <span data-f=\"runs\">");
	if (run >= 0 && of > 0)
		svgbuf_printf(b, "run %lld of %lld", (long long)run,
		    (long long)of);
	svgbuf_printf(b, "</span> <progress data-f=\"bar\" value=\"%lld\" "
	    "max=\"%lld\"></progress> <span data-f=\"last\">",
	    (long long)(run > 0 ? run : 0), (long long)(of > 0 ? of : 1));
	if (isfinite(fmt_num(p, "last_wall"))) {
		svgbuf_puts(b, "last run ");
		fmt_seconds(b, fmt_num(p, "last_wall"),
		    fmt_num(p, "last_wall"));
	}
	svgbuf_puts(b, "</span> <span data-f=\"waiting\">");
	if (fmt_str(p, "waiting") != NULL) {
		svgbuf_puts(b, "waiting for the conditions: ");
		html_text(b, fmt_str(p, "waiting"));
	}
	svgbuf_puts(b, "</span></div>\n");
}

/*
 * An SVG document of benchd's (a chart, a flame graph) inside a page:
 * without its XML declaration, and without its <style> element, which
 * the page's policy would refuse (benchd.css styles the flame graph).
 */
void
fmt_svg(struct svgbuf *b, const char *svg)
{
	const char	*start, *style, *end;

	if (svg == NULL)
		return;
	start = strstr(svg, "<svg");
	start = start != NULL ? start : svg;
	style = strstr(start, "<style");
	end = style != NULL ? strstr(style, "</style>") : NULL;
	if (end == NULL) {
		svgbuf_puts(b, start);
		return;
	}
	svgbuf_add(b, start, style - start);
	svgbuf_puts(b, end + strlen("</style>"));
}

/* "+3.1% [+1.8%, +4.4%]" from an object's change, ci_low and ci_high. */
void
fmt_change_ci(struct svgbuf *b, const cJSON *o)
{
	double	lo = fmt_num(o, "ci_low"), hi = fmt_num(o, "ci_high");

	fmt_ratio(b, fmt_num(o, "change"), 1, 1);
	if (!isfinite(lo) || !isfinite(hi))
		return;
	svgbuf_puts(b, " [");
	fmt_ratio(b, lo, 1, 1);
	svgbuf_puts(b, ", ");
	fmt_ratio(b, hi, 1, 1);
	svgbuf_puts(b, "]");
}

/* A session's verdict against its baseline, with the comparison's link. */
void
fmt_against(struct svgbuf *b, const cJSON *s)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(s, "verdict");
	const char	*verdict;
	int64_t		 base = fmt_int(v, "baseline");

	if (!cJSON_IsObject(v)) {
		svgbuf_puts(b, "-");
		return;
	}
	fmt_verdict(b, fmt_str(v, "verdict"));
	if (isfinite(fmt_num(v, "change"))) {
		svgbuf_puts(b, " ");
		fmt_change_ci(b, v);
	}
	/* Sessions that are not comparable are compared with force. */
	verdict = fmt_str(v, "verdict");
	if (base >= 0)
		svgbuf_printf(b, " <a href=\"/compare?a=%lld&amp;b=%lld%s\">"
		    "against #%lld</a>", (long long)base,
		    (long long)fmt_int(s, "id"), verdict != NULL &&
		    strcmp(verdict, "incomparable") == 0 ? "&amp;force=true" :
		    "", (long long)base);
}

/*
 * Sessions (Session objects, oldest first) as a table, newest first;
 * with_suite adds the suite's column.
 */
void
fmt_sessions(struct svgbuf *b, const cJSON *sessions, int with_suite)
{
	const cJSON	*s, *wall;
	const char	*when;
	int		 brief;

	/* regressions.list's sessions have no statistics: no such column. */
	brief = cJSON_HasObjectItem(cJSON_GetArrayItem(sessions, 0), "wall");
	svgbuf_printf(b, "<table class=\"sessions\">\n<thead><tr><th>session"
	    "</th>%s<th>parameters</th><th>label</th><th>state</th>"
	    "<th>finished</th>%s<th>against the baseline</th></tr></thead>\n"
	    "<tbody>\n", with_suite ? "<th>suite</th>" : "", brief ?
	    "<th>wall mean \xc2\xb1 sd</th><th>CV</th>" : "");
	for (s = cJSON_GetArrayItem(sessions, cJSON_GetArraySize(sessions) -
	    1); s != NULL; s = s->prev) {
		svgbuf_puts(b, "<tr><td>");
		fmt_session(b, fmt_int(s, "id"));
		if (with_suite) {
			svgbuf_puts(b, "</td><td>");
			fmt_suite(b, fmt_str(s, "suite"),
			    cJSON_GetObjectItemCaseSensitive(s, "params"));
		}
		svgbuf_puts(b, "</td><td>");
		fmt_params(b, cJSON_GetObjectItemCaseSensitive(s, "params"));
		svgbuf_puts(b, "</td><td>");
		html_text(b, fmt_str(s, "label"));
		svgbuf_puts(b, "</td><td>");
		fmt_state(b, fmt_str(s, "state"));
		svgbuf_puts(b, "</td><td>");
		when = fmt_str(s, "finished_at");
		fmt_time(b, when != NULL ? when : fmt_str(s, "started_at"));
		if (brief) {
			wall = cJSON_GetObjectItemCaseSensitive(s, "wall");
			svgbuf_puts(b, "</td><td class=\"num\">");
			fmt_seconds_pm(b, wall);
			svgbuf_puts(b, "</td><td class=\"num\">");
			fmt_ratio(b, fmt_num(wall, "cv"), 2, 0);
		}
		svgbuf_puts(b, "</td><td>");
		fmt_against(b, s);
		svgbuf_puts(b, "</td></tr>\n");
		if (s == sessions->child)
			break;
	}
	svgbuf_puts(b, "</tbody></table>\n");
}
