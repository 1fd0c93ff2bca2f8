/*
 * http.c -- the read-only web dashboard: libevent's evhttp on benchd's
 * own event loop, off unless [http] listen is set (benchd.conf(5)).
 *
 * Read-only: GET and HEAD only (405 with Allow otherwise), and the pages
 * and /api call only the reading methods (rpc_local).  Every answer says
 * what it is (nosniff) and carries a strict Content-Security-Policy: no
 * script, style, image or connection from anywhere but here, no inline
 * script or style, no framing.
 *
 * Bounds:
 * - at most max_connections at once: at the cap the listener stops
 *   accepting and newcomers wait in the kernel's backlog;
 * - headers (request line included) of at most HTTP_MAX_HEADERS bytes,
 *   no body;
 * - a deadline per connection: a request must arrive whole within
 *   timeout seconds of the connection's start or of the previous answer
 *   (so a client sending its headers a byte at a time is cut off), and
 *   evhttp's own timeout closes a connection idle that long;
 * - a page's method calls run one per turn of the event loop (page.c),
 *   each after a fresh look at the descriptors, so the reap of a measured
 *   run, at priority 0, never waits for more than one call, as with a
 *   socket request.
 *
 * evhttp (libevent 2.1) has no limit on connections and no hook for a new
 * one.  So each connection's bufferevent is made here (evhttp_set_bevcb),
 * counted, and held by a reference until the next turn of the loop, when
 * its evhttp connection is known (the argument of the callbacks evhttp
 * sets on it) and gets a close callback: from then on evhttp says when
 * the connection goes.  A connection evhttp freed before that turn is
 * seen by its callbacks, which bufferevent_free clears.
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/time.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "benchd.h"
#include "conf.h"
#include "http.h"
#include "log.h"
#include "xmalloc.h"

#define HTTP_MAX_HEADERS	8192	/* bytes, request line included */
#define HTTP_PATH_MAX		1024	/* bytes of a decoded path */

#define HTTP_CSP	"default-src 'none'; script-src 'self'; " \
			"style-src 'self'; img-src 'self'; " \
			"connect-src 'self'; form-action 'self'; " \
			"base-uri 'none'; frame-ancestors 'none'"

/* One connection; evcon is NULL until it is adopted. */
struct hconn {
	struct bufferevent		*bev;
	struct evhttp_connection	*evcon;
	struct event			*deadline;
	int				 busy;	/* answering a request */
	TAILQ_ENTRY(hconn)		 entry;
};

static TAILQ_HEAD(, hconn)	 conns = TAILQ_HEAD_INITIALIZER(conns);
static int			 nconns;
static int			 max_conns;
static struct timeval		 conn_limit;
static struct evhttp		*http;
static struct evconnlistener	*listener;
static struct event		*resume;	/* accepting after EMFILE */

static const struct page *const pages[] = {
	&page_overview,
	&page_suite,
	&page_session,
	&page_flame,
	&page_compare,
	&page_feed,
};
#define NPAGES	(sizeof pages / sizeof pages[0])

static void
http_conn_free(struct hconn *hc)
{
	TAILQ_REMOVE(&conns, hc, entry);
	if (hc->deadline != NULL)
		event_free(hc->deadline);
	free(hc);
	if (nconns-- == max_conns && listener != NULL &&
	    !evtimer_pending(resume, NULL))
		evconnlistener_enable(listener);
}

/* Out of descriptors: stop accepting, and try again in a second. */
static void
http_accept_error_cb(struct evconnlistener *l, void *arg)
{
	static const struct timeval	 second = { 1, 0 };
	int				 err = EVUTIL_SOCKET_ERROR();

	log_warnx("http: accept: %s", evutil_socket_error_to_string(err));
	if (err == EMFILE || err == ENFILE) {
		evconnlistener_disable(l);
		evtimer_add(resume, &second);
	}
}

static void
http_resume_cb(evutil_socket_t fd, short events, void *arg)
{
	if (listener != NULL && nconns < max_conns)
		evconnlistener_enable(listener);
}

/* evhttp frees a connection. */
static void
http_closed_cb(struct evhttp_connection *evcon, void *arg)
{
	http_conn_free(arg);
}

/*
 * Learn a connection's evhttp connection, from the request or from its
 * bufferevent's callbacks, and let go of the bufferevent.  0, or -1 when
 * evhttp has already freed it (and so has hc gone).
 */
static int
http_adopt(struct hconn *hc, struct evhttp_connection *evcon)
{
	bufferevent_event_cb	 eventcb;
	void			*arg;

	if (evcon == NULL) {
		bufferevent_getcb(hc->bev, NULL, NULL, &eventcb, &arg);
		if (eventcb == NULL) {
			bufferevent_decref(hc->bev);
			http_conn_free(hc);
			return (-1);
		}
		evcon = arg;
	}
	hc->evcon = evcon;
	evhttp_connection_set_closecb(evcon, http_closed_cb, hc);
	bufferevent_decref(hc->bev);
	return (0);
}

/* Adopt a new connection; later, cut off one that is too slow. */
static void
http_deadline_cb(evutil_socket_t fd, short events, void *arg)
{
	struct hconn	*hc = arg;

	if (hc->evcon == NULL) {
		if (http_adopt(hc, NULL) == 0)
			evtimer_add(hc->deadline, &conn_limit);
		return;
	}
	if (hc->busy)
		return;
	log_debug("http: a connection missed its deadline; closing it");
	evhttp_connection_free(hc->evcon);	/* and hc, by http_closed_cb */
}

/* A new connection's bufferevent, counted; adopted at the next turn. */
static struct bufferevent *
http_bev_cb(struct event_base *base, void *arg)
{
	static const struct timeval	 now = { 0, 0 };
	struct hconn			*hc = xcalloc(1, sizeof *hc);

	if ((hc->bev = bufferevent_socket_new(base, -1,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL)
		fatalx("%s: bufferevent_socket_new", __func__);
	bufferevent_incref(hc->bev);
	if ((hc->deadline = evtimer_new(base, http_deadline_cb, hc)) == NULL)
		fatalx("%s: evtimer_new", __func__);
	evtimer_add(hc->deadline, &now);
	TAILQ_INSERT_TAIL(&conns, hc, entry);
	if (++nconns == max_conns && listener != NULL) {
		log_debug("http: %d connections; accepting no more for now",
		    nconns);
		evconnlistener_disable(listener);
	}
	return (hc->bev);
}

/* The connection of a request, adopted now if it is not yet. */
static struct hconn *
http_conn_of(struct evhttp_request *req)
{
	struct evhttp_connection	*evcon;
	struct bufferevent		*bev;
	struct hconn			*hc;

	if ((evcon = evhttp_request_get_connection(req)) == NULL)
		return (NULL);
	bev = evhttp_connection_get_bufferevent(evcon);
	TAILQ_FOREACH(hc, &conns, entry) {
		if (hc->bev != bev)
			continue;
		if (hc->evcon == NULL)
			http_adopt(hc, evcon);
		return (hc);
	}
	return (NULL);
}

/*
 * Answer a request: the headers every answer has, the body (only its
 * length for HEAD), and the connection's deadline from now on.
 */
void
http_send(struct evhttp_request *req, int status, const char *type,
    struct svgbuf *body)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	struct evbuffer		*out = NULL;
	struct hconn		*hc;
	char			 len[32];

	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "Content-Security-Policy", HTTP_CSP);
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	evhttp_add_header(h, "Cross-Origin-Opener-Policy", "same-origin");
	evhttp_add_header(h, "Cross-Origin-Resource-Policy", "same-origin");
	if (evhttp_find_header(h, "Cache-Control") == NULL)
		evhttp_add_header(h, "Cache-Control", "no-store");
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		snprintf(len, sizeof len, "%zu", body->len);
		evhttp_add_header(h, "Content-Length", len);
	} else {
		if ((out = evbuffer_new()) == NULL)
			fatalx("%s: evbuffer_new", __func__);
		evbuffer_add(out, body->p != NULL ? body->p : "", body->len);
	}
	log_debug("http: answered %d, %zu bytes", status, body->len);
	if ((hc = http_conn_of(req)) != NULL) {
		hc->busy = 0;
		evtimer_add(hc->deadline, &conn_limit);
	}
	evhttp_send_reply(req, status, NULL, out);
	if (out != NULL)
		evbuffer_free(out);
	free(body->p);
	memset(body, 0, sizeof *body);
}

/* A short plain-text answer (errors outside the pages). */
void
http_send_text(struct evhttp_request *req, int status, const char *text)
{
	struct svgbuf	b;

	memset(&b, 0, sizeof b);
	svgbuf_puts(&b, text);
	svgbuf_puts(&b, "\n");
	http_send(req, status, "text/plain; charset=utf-8", &b);
}

/*
 * The request's path, percent-decoded: it must start with "/" and hold
 * no control character, NUL, "." or ".." segment.  NULL when it does not.
 */
static char *
http_path(const char *raw)
{
	char	*p, *s;
	size_t	 len;

	if (raw == NULL || *raw != '/' ||
	    (p = evhttp_uridecode(raw, 0, &len)) == NULL)
		return (NULL);
	if (len != strlen(p) || len > HTTP_PATH_MAX)
		goto bad;
	for (s = p; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f || *s == '\\')
			goto bad;
	for (s = p; s != NULL; s = strchr(s + 1, '/'))
		if (strncmp(s, "/./", 3) == 0 || strcmp(s, "/.") == 0 ||
		    strncmp(s, "/../", 4) == 0 || strcmp(s, "/..") == 0 ||
		    strncmp(s, "//", 2) == 0)
			goto bad;
	return (p);
bad:
	free(p);
	return (NULL);
}

/* GET /static/NAME: a file of daemon/www, cached for an hour. */
static void
http_static(struct evhttp_request *req, const char *name)
{
	struct svgbuf	 b;
	size_t		 i;

	for (i = 0; i < www_nfiles; i++) {
		if (strcmp(www_files[i].name, name) != 0)
			continue;
		memset(&b, 0, sizeof b);
		svgbuf_add(&b, www_files[i].data, www_files[i].len);
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Cache-Control", "max-age=3600");
		http_send(req, 200, www_files[i].type, &b);
		return;
	}
	http_send_text(req, 404, "no such file");
}

/* Route one request; everything it does not know is 404. */
static void
http_route(struct evhttp_request *req, const char *path, const char *query)
{
	const struct page	*pg;
	char			*cause = NULL;
	cJSON			*q;
	size_t			 i, n;

	if (strncmp(path, "/static/", 8) == 0) {
		http_static(req, path + 8);
		return;
	}
	if (strncmp(path, "/api/", 5) == 0) {
		http_api(req, path + 5, query);
		return;
	}
	for (i = 0; i < NPAGES; i++) {
		pg = pages[i];
		n = strlen(pg->prefix);
		if (pg->exact ? strcmp(path, pg->prefix) != 0 :
		    strncmp(path, pg->prefix, n) != 0 || path[n] == '\0')
			continue;
		if ((q = http_query(query, &cause)) == NULL) {
			http_send_text(req, 400, cause);
			free(cause);
			return;
		}
		page_start(req, pg, path + n, q);
		return;
	}
	http_send_text(req, 404, "no such page");
}

static void
http_request_cb(struct evhttp_request *req, void *arg)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	enum evhttp_cmd_type	 cmd = evhttp_request_get_command(req);
	struct hconn		*hc;
	char			*path;

	if ((hc = http_conn_of(req)) != NULL) {
		hc->busy = 1;
		evtimer_del(hc->deadline);
	}
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET, HEAD");
		http_send_text(req, 405, "the dashboard is read-only: "
		    "GET and HEAD only");
		return;
	}
	if (!conf_listen_host_ok(evhttp_find_header(
	    evhttp_request_get_input_headers(req), "Host"), cfg->http.hosts,
	    cfg->http.nhosts)) {
		http_send_text(req, 403, "this dashboard does not answer to "
		    "that Host: name it in [http] hosts (benchd.conf(5))");
		return;
	}
	if (uri == NULL || (path = http_path(evhttp_uri_get_path(uri))) ==
	    NULL) {
		http_send_text(req, 400, "bad path");
		return;
	}
	http_route(req, path, evhttp_uri_get_query(uri));
	free(path);
}

/* What benchd -n and the start say about [http]: off, or where. */
void
http_check(const struct config *c)
{
	char	 host[64], *cause;
	int	 port, loopback;

	if (c->http.listen == NULL)
		return;
	if (conf_listen_parse(c->http.listen, host, sizeof host, &port,
	    &loopback, &cause) != 0) {
		log_warnx("http: %s", cause);	/* conf_load checked it */
		free(cause);
		return;
	}
	if (!loopback)
		log_warnx("http: listen = %s is not a loopback address: the "
		    "dashboard has no authentication and no TLS, put it "
		    "behind a reverse proxy (benchd.conf(5))", c->http.listen);
}

int
http_start(const struct config *c, char **cause)
{
	struct evhttp_bound_socket	*bound;
	char				 host[64];
	int				 port, loopback;

	if (c->http.listen == NULL)
		return (0);
	if (conf_listen_parse(c->http.listen, host, sizeof host, &port,
	    &loopback, cause) != 0)
		return (-1);
	http_check(c);
	max_conns = c->http.max_connections;
	conn_limit.tv_sec = c->http.timeout;
	conn_limit.tv_usec = 0;
	if ((http = evhttp_new(ev_base)) == NULL)
		fatalx("evhttp_new failed");
	evhttp_set_max_headers_size(http, HTTP_MAX_HEADERS);
	evhttp_set_max_body_size(http, 0);
	evhttp_set_timeout(http, c->http.timeout);
	/* Every method reaches us, so that the others get 405 and Allow. */
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	evhttp_set_bevcb(http, http_bev_cb, NULL);
	evhttp_set_gencb(http, http_request_cb, NULL);
	if ((bound = evhttp_bind_socket_with_handle(http, host,
	    (ev_uint16_t)port)) == NULL) {
		xasprintf(cause, "http: cannot listen on %s", c->http.listen);
		evhttp_free(http);
		http = NULL;
		return (-1);
	}
	listener = evhttp_bound_socket_get_listener(bound);
	evconnlistener_set_error_cb(listener, http_accept_error_cb);
	if ((resume = evtimer_new(ev_base, http_resume_cb, NULL)) == NULL)
		fatalx("%s: evtimer_new", __func__);
	log_info("http: dashboard on http://%s/", c->http.listen);
	return (0);
}

void
http_stop(void)
{
	struct hconn	*hc;

	if (http == NULL)
		return;
	page_cancel_all();
	listener = NULL;
	event_free(resume);
	resume = NULL;
	/* Adopted connections go with evhttp's, by http_closed_cb. */
	evhttp_free(http);
	http = NULL;
	while ((hc = TAILQ_FIRST(&conns)) != NULL) {
		bufferevent_decref(hc->bev);
		http_conn_free(hc);
	}
}
