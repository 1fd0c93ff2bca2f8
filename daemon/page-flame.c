/*
 * page-flame.c -- GET /flamegraph/ID: the session's profile as benchd's
 * flame graph (profile.flamegraph), in the page; ?base=M draws it against
 * session M.  Hovering a frame gives its samples without any script;
 * benchd.js adds zoom (click a frame) and search.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "http.h"

#define FLAME_PAGE_WIDTH	1200	/* px */

static int
flame_plan(struct page_req *r, int round)
{
	const cJSON	*base = page_query(r, "base");
	int64_t		 id = page_id(r->arg);
	cJSON		*p;

	if (round > 0)
		return (0);
	if (id < 0) {
		page_fail(r, 404, "no session \"%.50s\"", r->arg);
		return (0);
	}
	p = cJSON_CreateObject();
	cJSON_AddNumberToObject(p, "id", (double)id);
	if (base != NULL && !(cJSON_IsString(base) && *base->valuestring ==
	    '\0'))
		cJSON_AddItemToObject(p, "base", cJSON_Duplicate(base, 1));
	cJSON_AddNumberToObject(p, "width", FLAME_PAGE_WIDTH);
	page_call(r, "profile.flamegraph", p);
	return (1);
}

static int
flame_render(struct page_req *r, struct svgbuf *b)
{
	const cJSON	*res = r->calls[0].result;
	int64_t		 id = fmt_int(res, "id"), base;
	char		 title[64];

	if (res == NULL)
		return (page_error(r, b, &r->calls[0]));
	base = page_query_int(r, "base", -1);
	snprintf(title, sizeof title, "Flame graph of session %lld",
	    (long long)id);
	page_head(b, title);
	svgbuf_printf(b, "<h1>Flame graph of session <a href=\"/session/%lld\">"
	    "%lld</a>", (long long)id, (long long)id);
	if (base > 0)
		svgbuf_printf(b, " against <a href=\"/session/%lld\">%lld</a>",
		    (long long)base, (long long)base);
	svgbuf_printf(b, "</h1>\n<p>%lld samples. Each frame is as wide as its "
	    "samples, callees above their callers; hover a frame for its "
	    "numbers.</p>\n", (long long)fmt_int(res, "samples"));
	svgbuf_printf(b, "<form method=\"get\" action=\"/flamegraph/%lld\" "
	    "class=\"base\">\n<label>against session <input type=\"number\" "
	    "name=\"base\" min=\"1\"", (long long)id);
	if (base > 0)
		svgbuf_printf(b, " value=\"%lld\"", (long long)base);
	svgbuf_puts(b, "></label>\n<button type=\"submit\">Show the "
	    "difference</button>\n</form>\n"
	    "<div class=\"fg-tools\" id=\"fg-tools\" hidden>\n"
	    "<input type=\"search\" id=\"fg-search\" placeholder=\"search "
	    "(a regular expression)\" aria-label=\"search the frames\">\n"
	    "<button type=\"button\" id=\"fg-reset\">Reset zoom</button>\n"
	    "<span id=\"fg-match\"></span>\n</div>\n"
	    "<div class=\"flame\" id=\"flame\">");
	fmt_svg(b, fmt_str(res, "svg"));
	svgbuf_puts(b, "</div>\n");
	page_foot(b);
	return (200);
}

const struct page page_flame = { "/flamegraph/", 0, NULL, flame_plan,
    flame_render };
