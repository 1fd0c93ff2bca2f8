/*
 * page.c -- a page of the dashboard: the method calls behind it, one per
 * turn of the event loop, then its HTML, framed alike on every page.
 *
 * A page plans its calls (the reading methods of rpc.c, as /api calls
 * them) round by round: a round's calls may depend on the answers of the
 * round before (the session page asks profile.hot only when session.get
 * says there is a profile).  Each call runs from a zero timer, so the
 * loop polls the descriptors between two calls and the reap of a measured
 * run, at a higher priority, goes first.  Then the page renders its HTML
 * from the answers' JSON: the same data a socket client gets.
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/time.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/http.h>

#include "html.h"
#include "http.h"
#include "log.h"
#include "xmalloc.h"

static TAILQ_HEAD(, page_req)	 reqs = TAILQ_HEAD_INITIALIZER(reqs);

static void
page_free(struct page_req *r)
{
	size_t	i;

	TAILQ_REMOVE(&reqs, r, entry);
	for (i = 0; i < r->ncalls; i++) {
		cJSON_Delete(r->calls[i].params);
		cJSON_Delete(r->calls[i].result);
		free(r->calls[i].e.message);
	}
	event_free(r->step);
	cJSON_Delete(r->query);
	free(r->arg);
	free(r->error);
	free(r);
}

/* The next step of a page, after the loop has polled once more. */
static void
page_next(struct page_req *r)
{
	static const struct timeval	zero = { 0, 0 };

	evtimer_add(r->step, &zero);
}

static int
page_render_error(struct page_req *r, struct svgbuf *b)
{
	const char	*what;

	what = r->status == 404 ? "Not found" : r->status >= 500 ?
	    "benchd could not answer" : "Bad request";
	page_head(b, what);
	svgbuf_puts(b, "<h1>");
	html_text(b, what);
	svgbuf_puts(b, "</h1>\n<p class=\"error\">");
	html_text(b, r->error);
	svgbuf_puts(b, "</p>\n<p><a href=\"/\">The overview</a></p>\n");
	page_foot(b);
	return (r->status);
}

static void
page_finish(struct page_req *r)
{
	struct svgbuf	 b;
	const char	*type = r->page->type;
	int		 status;

	memset(&b, 0, sizeof b);
	if (r->status != 0)
		status = page_render_error(r, &b);
	else
		status = r->page->render(r, &b);
	if (type == NULL || status >= 400)
		type = "text/html; charset=utf-8";
	http_send(r->req, status, type, &b);
	page_free(r);
}

static void
page_step_cb(evutil_socket_t fd, short events, void *arg)
{
	struct page_req		*r = arg;
	struct page_call	*c;

	if (r->status == 0 && r->done < r->ncalls) {
		c = &r->calls[r->done++];
		rpc_local(c->method, c->params, &c->result, &c->e);
		page_next(r);
		return;
	}
	if (r->status == 0 && r->page->plan(r, ++r->round) > 0) {
		page_next(r);
		return;
	}
	page_finish(r);
}

/* Make page pg for a request; arg is its path past the prefix. */
void
page_start(struct evhttp_request *req, const struct page *pg,
    const char *arg, cJSON *query)
{
	struct page_req	*r = xcalloc(1, sizeof *r);

	r->req = req;
	r->page = pg;
	r->arg = xstrdup(arg);
	r->query = query;
	/* The default priority (1): below the reap of a child (0). */
	if ((r->step = evtimer_new(ev_base, page_step_cb, r)) == NULL)
		fatalx("%s: evtimer_new", __func__);
	TAILQ_INSERT_TAIL(&reqs, r, entry);
	pg->plan(r, 0);
	page_next(r);
}

/* benchd stops: forget the pages in flight (evhttp frees the requests). */
void
page_cancel_all(void)
{
	struct page_req	*r;

	while ((r = TAILQ_FIRST(&reqs)) != NULL)
		page_free(r);
}

/* Queue a call of a reading method; params (consumed) may be NULL. */
struct page_call *
page_call(struct page_req *r, const char *method, cJSON *params)
{
	struct page_call	*c;

	if (r->ncalls == HTTP_CALLS_MAX)
		fatalx("%s: more than %d calls for a page", __func__,
		    HTTP_CALLS_MAX);
	c = &r->calls[r->ncalls++];
	c->method = method;
	c->params = params;
	return (c);
}

/* The page cannot be made: say why instead, with this status. */
void
page_fail(struct page_req *r, int status, const char *fmt, ...)
{
	va_list	ap;

	if (r->status != 0)
		return;
	r->status = status;
	va_start(ap, fmt);
	if (vasprintf(&r->error, fmt, ap) == -1)
		fatalx("vasprintf");
	va_end(ap);
}

/* A call the page needed failed: its error as the page. */
int
page_error(struct page_req *r, struct svgbuf *b, const struct page_call *c)
{
	page_fail(r, http_status_of(&c->e), "%s", c->e.message != NULL ?
	    c->e.message : "error");
	return (page_render_error(r, b));
}

/* A session's id from a path: 1 to 15 digits; -1 when it is not one. */
int64_t
page_id(const char *arg)
{
	char		*end;
	long long	 v;

	if (*arg < '1' || *arg > '9' || strlen(arg) > 15)
		return (-1);
	v = strtoll(arg, &end, 10);
	return (*end == '\0' ? (int64_t)v : -1);
}

/* A member of the query string, or NULL. */
const cJSON *
page_query(const struct page_req *r, const char *name)
{
	return (cJSON_GetObjectItemCaseSensitive(r->query, name));
}

/* An integer of the query string; dflt when it is absent or not one. */
int64_t
page_query_int(const struct page_req *r, const char *name, int64_t dflt)
{
	const cJSON	*v = page_query(r, name);

	/* The range first: a double beyond int64_t does not convert. */
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 &&
	    v->valuedouble <= 1e15) || v->valuedouble !=
	    (double)(int64_t)v->valuedouble)
		return (dflt);
	return ((int64_t)v->valuedouble);
}

void
page_head(struct svgbuf *b, const char *title)
{
	svgbuf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<title>");
	html_text(b, title);
	svgbuf_puts(b, " \xc2\xb7 benchd</title>\n"
	    "<link rel=\"stylesheet\" href=\"/static/benchd.css\">\n"
	    "<link rel=\"alternate\" type=\"application/atom+xml\" "
	    "title=\"benchd: regressions\" href=\"/feed.atom\">\n"
	    "<script src=\"/static/benchd.js\" defer></script>\n"
	    "</head>\n<body>\n<header><a class=\"home\" href=\"/\">benchd</a>\n"
	    "<nav><a href=\"/#suites\">Suites</a> "
	    "<a href=\"/#regressions\">Regressions</a> "
	    "<a href=\"/compare\">Compare</a> "
	    "<a href=\"/feed.atom\">Feed</a></nav></header>\n<main>\n");
}

void
page_foot(struct svgbuf *b)
{
	svgbuf_puts(b, "</main>\n<footer>benchd " PACKAGE_VERSION
	    " \xc2\xb7 read-only \xc2\xb7 every page's data is also at "
	    "<a href=\"/api/status\">/api/</a></footer>\n</body>\n</html>\n");
}
