/*
 * page-compare.c -- GET /compare?a=A&b=B: session B against session A, as
 * session.compare says, metric by metric and phase by phase; force=true
 * compares sessions of different suites or machines.  Without a and b,
 * the form that asks for them.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "html.h"
#include "http.h"

enum { C_COMPARE, C_A, C_B };

static int
compare_plan(struct page_req *r, int round)
{
	static const char *const sides[] = { "a", "b" };
	const cJSON	*a = page_query(r, "a"), *b = page_query(r, "b");
	const cJSON	*force = page_query(r, "force");
	cJSON		*p;
	size_t		 i;

	if (round > 0 || a == NULL || b == NULL)
		return (0);
	p = cJSON_CreateObject();
	cJSON_AddItemToObject(p, "a", cJSON_Duplicate(a, 1));
	cJSON_AddItemToObject(p, "b", cJSON_Duplicate(b, 1));
	if (force != NULL)
		cJSON_AddItemToObject(p, "force", cJSON_Duplicate(force, 1));
	page_call(r, "session.compare", p);
	for (i = 0; i < 2; i++) {
		p = cJSON_CreateObject();
		cJSON_AddItemToObject(p, "id", cJSON_Duplicate(page_query(r,
		    sides[i]), 1));
		cJSON_AddBoolToObject(p, "runs", 0);
		page_call(r, "session.get", p);
	}
	return (3);
}

static void
compare_form(struct svgbuf *b, const struct page_req *r)
{
	int64_t	a = page_query_int(r, "a", -1), bb = page_query_int(r, "b", -1);

	svgbuf_puts(b, "<form method=\"get\" action=\"/compare\" "
	    "class=\"compare\">\n<label>session A (before) "
	    "<input type=\"number\" name=\"a\" min=\"1\" required");
	if (a > 0)
		svgbuf_printf(b, " value=\"%lld\"", (long long)a);
	svgbuf_puts(b, "></label>\n<label>session B (after) <input type="
	    "\"number\" name=\"b\" min=\"1\" required");
	if (bb > 0)
		svgbuf_printf(b, " value=\"%lld\"", (long long)bb);
	svgbuf_printf(b, "></label>\n<label><input type=\"checkbox\" "
	    "name=\"force\" value=\"true\"%s> even when they are not "
	    "comparable</label>\n<button type=\"submit\">Compare</button>\n"
	    "</form>\n", cJSON_IsTrue(page_query(r, "force")) ? " checked" :
	    "");
}

static void
compare_side(struct svgbuf *b, const char *name, const cJSON *got)
{
	const cJSON	*s = cJSON_GetObjectItemCaseSensitive(got, "session");

	svgbuf_printf(b, "<dt>%s</dt><dd>", name);
	fmt_session(b, fmt_int(s, "id"));
	svgbuf_puts(b, " ");
	fmt_suite(b, fmt_str(s, "suite"), cJSON_GetObjectItemCaseSensitive(s,
	    "params"));
	svgbuf_puts(b, " ");
	fmt_params(b, cJSON_GetObjectItemCaseSensitive(s, "params"));
	if (fmt_str(s, "label") != NULL) {
		svgbuf_puts(b, " \xc2\xb7 ");
		html_text(b, fmt_str(s, "label"));
	}
	svgbuf_puts(b, " \xc2\xb7 ");
	fmt_time(b, fmt_str(s, "started_at"));
	svgbuf_puts(b, "</dd>\n");
}

/* One side of a row: "mean ± sd (n)". */
static void
compare_cell(struct svgbuf *b, const cJSON *side, int kib)
{
	double	mean = fmt_num(side, "mean"), sd = fmt_num(side, "stddev");

	svgbuf_puts(b, "<td class=\"num\">");
	if (kib)
		fmt_kib(b, mean);
	else
		fmt_seconds(b, mean, mean);
	if (isfinite(sd)) {
		svgbuf_puts(b, " \xc2\xb1 ");
		if (kib)
			fmt_kib(b, sd);
		else
			fmt_seconds(b, sd, mean);
	}
	svgbuf_printf(b, " (%lld)</td>", (long long)fmt_int(side, "n"));
}

static void
compare_rows(struct svgbuf *b, const cJSON *rows, int phases)
{
	const cJSON	*m;
	const char	*unit;

	svgbuf_printf(b, "<table class=\"compare\">\n<thead><tr>%s<th>%s"
	    "</th><th>A</th><th>B</th><th>change [95%% CI]</th>"
	    "<th>p (Welch)</th><th>p (Mann-Whitney)</th><th>verdict</th>"
	    "</tr></thead>\n<tbody>\n", phases ? "<th>prefix</th>" : "",
	    phases ? "phase" : "metric");
	cJSON_ArrayForEach(m, rows) {
		unit = fmt_str(m, "unit");
		svgbuf_puts(b, "<tr>");
		if (phases) {
			svgbuf_puts(b, "<td>");
			html_text(b, fmt_str(m, "prefix"));
			svgbuf_puts(b, "</td>");
		}
		svgbuf_puts(b, "<td>");
		html_text(b, fmt_str(m, "name"));
		svgbuf_puts(b, "</td>");
		compare_cell(b, cJSON_GetObjectItemCaseSensitive(m, "a"),
		    unit != NULL && unit[0] == 'K');
		compare_cell(b, cJSON_GetObjectItemCaseSensitive(m, "b"),
		    unit != NULL && unit[0] == 'K');
		svgbuf_puts(b, "<td class=\"num\">");
		fmt_change_ci(b, m);
		svgbuf_puts(b, "</td><td class=\"num\">");
		fmt_pvalue(b, fmt_num(m, "p_welch"));
		svgbuf_puts(b, "</td><td class=\"num\">");
		fmt_pvalue(b, fmt_num(m, "p_mwu"));
		svgbuf_puts(b, "</td><td>");
		fmt_verdict(b, fmt_str(m, "verdict"));
		svgbuf_puts(b, "</td></tr>\n");
	}
	svgbuf_puts(b, "</tbody></table>\n");
}

static void
compare_explain(struct svgbuf *b, const cJSON *ex)
{
	const cJSON	*e;

	if (cJSON_GetArraySize(ex) == 0)
		return;
	svgbuf_puts(b, "<p>The wall time's growth, phase by phase:</p>\n"
	    "<ul>\n");
	cJSON_ArrayForEach(e, ex) {
		svgbuf_puts(b, "<li>");
		html_text(b, fmt_str(e, "prefix"));
		svgbuf_puts(b, " ");
		html_text(b, fmt_str(e, "phase"));
		svgbuf_puts(b, ": ");
		fmt_seconds(b, fmt_num(e, "delta"), fmt_num(e, "delta"));
		svgbuf_puts(b, ", ");
		fmt_ratio(b, fmt_num(e, "share"), 1, 0);
		svgbuf_puts(b, " of the change (");
		fmt_verdict(b, fmt_str(e, "verdict"));
		svgbuf_puts(b, ")</li>\n");
	}
	svgbuf_puts(b, "</ul>\n");
}

static int
compare_render(struct page_req *r, struct svgbuf *b)
{
	const struct page_call	*c = &r->calls[C_COMPARE];
	const cJSON		*res, *f;

	if (r->ncalls == 0) {
		page_head(b, "Compare");
		svgbuf_puts(b, "<h1>Compare two sessions</h1>\n");
		compare_form(b, r);
		page_foot(b);
		return (200);
	}
	if (r->calls[C_A].result == NULL)
		return (page_error(r, b, &r->calls[C_A]));
	if (r->calls[C_B].result == NULL)
		return (page_error(r, b, &r->calls[C_B]));
	page_head(b, "Compare");
	svgbuf_puts(b, "<h1>Compare two sessions</h1>\n");
	compare_form(b, r);
	svgbuf_puts(b, "<dl class=\"sides\">\n");
	compare_side(b, "A", r->calls[C_A].result);
	compare_side(b, "B", r->calls[C_B].result);
	svgbuf_puts(b, "</dl>\n");
	if ((res = c->result) == NULL) {
		svgbuf_puts(b, "<p class=\"error\">");
		html_text(b, c->e.message);
		svgbuf_puts(b, "</p>\n");
		/* Not comparable is an answer, with the way to insist. */
		if (c->e.data_code == NULL ||
		    strcmp(c->e.data_code, "incomparable") != 0) {
			page_foot(b);
			return (http_status_of(&c->e));
		}
		svgbuf_printf(b, "<p><a href=\"/compare?a=%lld&amp;b=%lld&amp;"
		    "force=true\">Compare them anyway</a></p>\n",
		    (long long)page_query_int(r, "a", 0),
		    (long long)page_query_int(r, "b", 0));
		page_foot(b);
		return (200);
	}
	svgbuf_puts(b, "<p>B against A; noise threshold ");
	fmt_ratio(b, fmt_num(res, "noise"), 1, 0);
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(res, "flags")) {
		svgbuf_puts(b, " \xc2\xb7 <strong>");
		html_text(b, cJSON_IsString(f) ? f->valuestring : "");
		svgbuf_puts(b, "</strong>");
	}
	svgbuf_puts(b, ".</p>\n");
	compare_rows(b, cJSON_GetObjectItemCaseSensitive(res, "metrics"), 0);
	compare_explain(b, cJSON_GetObjectItemCaseSensitive(res, "explain"));
	if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(res,
	    "phases")) > 0) {
		svgbuf_puts(b, "<h2>Phases</h2>\n");
		compare_rows(b, cJSON_GetObjectItemCaseSensitive(res, "phases"),
		    1);
	}
	page_foot(b);
	return (200);
}

const struct page page_compare = { "/compare", 1, NULL, compare_plan,
    compare_render };
