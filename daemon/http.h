/*
 * http.h -- what the web dashboard's files (http*.c, page*.c) share, and
 * nothing else.  The rest of benchd sees http_start and http_stop.
 */
#ifndef BENCHD_HTTP_H
#define BENCHD_HTTP_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "benchd.h"
#include "svgbuf.h"

#define HTTP_CALLS_MAX	8	/* method calls behind one page */
#define HTTP_QUERY_MAX	32	/* members of a query string */

struct evhttp_request;
struct event;

/* A file under daemon/www/, embedded at build time (www.c). */
struct www_file {
	const char	*name;
	const char	*type;
	const char	*data;
	size_t		 len;
};

extern const struct www_file	www_files[];
extern const size_t		www_nfiles;

/* One method call behind a page, and its answer. */
struct page_call {
	const char		*method;
	cJSON			*params;
	cJSON			*result;	/* NULL: failed, e says why */
	struct rpc_error	 e;
};

struct page;

/* A page being made: its calls run one per turn of the event loop. */
struct page_req {
	struct evhttp_request	*req;
	const struct page	*page;
	char			*arg;		/* the path after the prefix */
	cJSON			*query;		/* the query string as params */
	struct page_call	 calls[HTTP_CALLS_MAX];
	size_t			 ncalls;
	size_t			 done;
	int			 round;
	int			 status;	/* set by page_fail */
	char			*error;
	struct event		*step;
	TAILQ_ENTRY(page_req)	 entry;
};

/*
 * A page: the paths it answers (prefix, or exactly prefix), the calls it
 * needs round by round (plan returns how many it queued; 0: render now)
 * and the document made from their answers (render returns the status).
 */
struct page {
	const char	*prefix;
	int		 exact;
	const char	*type;		/* NULL: HTML */
	int		(*plan)(struct page_req *, int round);
	int		(*render)(struct page_req *, struct svgbuf *);
};

/* http.c */
void		 http_send(struct evhttp_request *, int status,
		     const char *type, struct svgbuf *);
void		 http_send_text(struct evhttp_request *, int status,
		     const char *text);

/* http-api.c: /api/METHOD, and query strings as params. */
cJSON		*http_query(const char *, char **cause);
void		 http_api(struct evhttp_request *, const char *method,
		     const char *query);
int		 http_status_of(const struct rpc_error *);

/* page.c: the calls behind a page, its frame and its error page. */
extern const struct page	page_overview;
extern const struct page	page_suite;
extern const struct page	page_session;
extern const struct page	page_flame;
extern const struct page	page_compare;
extern const struct page	page_feed;

void		 page_start(struct evhttp_request *, const struct page *,
		     const char *arg, cJSON *query);
void		 page_cancel_all(void);
struct page_call *page_call(struct page_req *, const char *method, cJSON *);
void		 page_fail(struct page_req *, int status, const char *, ...)
		     __attribute__((format(printf, 3, 4)));
int		 page_error(struct page_req *, struct svgbuf *,
		     const struct page_call *);
void		 page_head(struct svgbuf *, const char *title);
void		 page_foot(struct svgbuf *);
int64_t		 page_id(const char *);
const cJSON	*page_query(const struct page_req *, const char *);
int64_t		 page_query_int(const struct page_req *, const char *,
		     int64_t dflt);

/* page-runs.c: a session's runs as a table, flags and failures shown. */
void		 page_runs(struct svgbuf *, const cJSON *runs);

/* page-fmt.c: numbers, times, names and links, as benchctl shows them. */
const char	*fmt_str(const cJSON *, const char *);
double		 fmt_num(const cJSON *, const char *);
int64_t		 fmt_int(const cJSON *, const char *);
void		 fmt_seconds(struct svgbuf *, double, double ref);
void		 fmt_seconds_pm(struct svgbuf *, const cJSON *stats);
void		 fmt_kib(struct svgbuf *, double);
void		 fmt_ratio(struct svgbuf *, double, int decimals, int sign);
void		 fmt_pvalue(struct svgbuf *, double);
void		 fmt_time(struct svgbuf *, const char *iso);
void		 fmt_session(struct svgbuf *, int64_t);
void		 fmt_suite(struct svgbuf *, const char *, const cJSON *params);
void		 fmt_params(struct svgbuf *, const cJSON *params);
void		 fmt_params_query(struct svgbuf *, const cJSON *params);
void		 fmt_state(struct svgbuf *, const char *);
void		 fmt_verdict(struct svgbuf *, const char *);
void		 fmt_checks(struct svgbuf *, const cJSON *report);
void		 fmt_progress(struct svgbuf *, const cJSON *session);
void		 fmt_svg(struct svgbuf *, const char *svg);
void		 fmt_change_ci(struct svgbuf *, const cJSON *);
void		 fmt_against(struct svgbuf *, const cJSON *session);
void		 fmt_sessions(struct svgbuf *, const cJSON *, int with_suite);

#endif
