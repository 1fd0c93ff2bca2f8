/*
 * page-feed.c -- GET /feed.atom: the regressions (regressions.list's
 * sessions that regressed against the baseline in force when they
 * finished) as an Atom feed (RFC 4287), one entry a session.  Links are
 * relative to the feed; an entry's id is a tag URI of the machine the
 * session ran on and the session.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "html.h"
#include "http.h"

static int
feed_plan(struct page_req *r, int round)
{
	if (round > 0)
		return (0);
	page_call(r, "regressions.list", NULL);
	return (1);
}

static void
feed_entry(struct svgbuf *b, const cJSON *s)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(s, "verdict");
	const cJSON	*params = cJSON_GetObjectItemCaseSensitive(s, "params");
	const char	*host, *when = fmt_str(s, "finished_at");
	int64_t		 id = fmt_int(s, "id");

	host = fmt_str(cJSON_GetObjectItemCaseSensitive(s, "fingerprint"),
	    "hostname");
	svgbuf_puts(b, "<entry>\n<id>tag:");
	html_url(b, host != NULL ? host : "localhost");
	svgbuf_printf(b, ",%.10s:benchd/session/%lld</id>\n<title>",
	    when != NULL ? when : "1970-01-01", (long long)id);
	html_text(b, fmt_str(s, "suite"));
	if (cJSON_GetArraySize(params) > 0) {
		svgbuf_puts(b, " ");
		fmt_params(b, params);
	}
	svgbuf_puts(b, ": wall time ");
	fmt_ratio(b, fmt_num(v, "change"), 1, 1);
	svgbuf_printf(b, " in session %lld</title>\n"
	    "<link href=\"/session/%lld\"/>\n<updated>", (long long)id,
	    (long long)id);
	html_text(b, when != NULL ? when : "1970-01-01T00:00:00Z");
	svgbuf_printf(b, "</updated>\n<summary type=\"text\">Session %lld of ",
	    (long long)id);
	html_text(b, fmt_str(s, "suite"));
	if (fmt_str(s, "label") != NULL) {
		svgbuf_puts(b, " (");
		html_text(b, fmt_str(s, "label"));
		svgbuf_puts(b, ")");
	}
	svgbuf_printf(b, " regressed against baseline %lld: wall ",
	    (long long)fmt_int(v, "baseline"));
	fmt_change_ci(b, v);
	svgbuf_puts(b, ", not yet confirmed.</summary>\n</entry>\n");
}

static int
feed_render(struct page_req *r, struct svgbuf *b)
{
	const cJSON	*list = r->calls[0].result, *regs, *s;
	const char	*when, *newest = NULL;
	char		 now[32], host[256];
	time_t		 t = time(NULL);
	struct tm	 tm;

	if (list == NULL)
		return (page_error(r, b, &r->calls[0]));
	regs = cJSON_GetObjectItemCaseSensitive(list, "regressions");
	cJSON_ArrayForEach(s, regs)
		if ((when = fmt_str(s, "finished_at")) != NULL &&
		    (newest == NULL || strcmp(when, newest) > 0))
			newest = when;
	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	svgbuf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
	    "<title>benchd: regressions</title>\n<id>tag:");
	html_url(b, host);
	svgbuf_puts(b, ",2026:benchd/regressions</id>\n"
	    "<link rel=\"self\" href=\"/feed.atom\"/>\n"
	    "<link rel=\"alternate\" type=\"text/html\" href=\"/\"/>\n"
	    "<updated>");
	html_text(b, newest != NULL ? newest : now);
	svgbuf_puts(b, "</updated>\n<author><name>benchd</name></author>\n"
	    "<generator version=\"" PACKAGE_VERSION "\">benchd</generator>\n");
	cJSON_ArrayForEach(s, regs)
		feed_entry(b, s);
	svgbuf_puts(b, "</feed>\n");
	return (200);
}

const struct page page_feed = { "/feed.atom", 1,
    "application/atom+xml; charset=utf-8", feed_plan, feed_render };
