/*
 * server-limits.c -- how many connections, from whom, and for how long.
 *
 * Admission: at most max_clients connections in all; a uid that is not an
 * admin (root, benchd's uid, admin_group: client_is_admin) at most
 * max_clients_per_uid of them; and the last admin_reserve places go to
 * admins only, so that whoever holds connections open cannot lock out
 * the administrator.  Whether a peer is an admin is only looked up when a
 * limit would refuse it.
 *
 * Time: a connection that sends no complete request for idle_timeout
 * seconds, or leaves a request line incomplete for request_timeout
 * seconds (a slow writer holding its place), gets an error line and is
 * closed.  A subscribed connection waits for notifications by design: it
 * is exempt from idle_timeout, not from request_timeout nor from the cap
 * on pending output.  Each connection has one timer, armed for its
 * nearest deadline; without connections there is none, so an idle benchd
 * never wakes.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/queue.h>

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "benchd.h"
#include "conf.h"
#include "log.h"
#include "server-int.h"
#include "xmalloc.h"

#define UID_BUCKETS	64

/* Connections per uid, for max_clients_per_uid. */
struct uid_count {
	uid_t			 uid;
	int			 n;
	LIST_ENTRY(uid_count)	 entry;
};

static LIST_HEAD(, uid_count)	 uid_counts[UID_BUCKETS];

static struct uid_count *
limits_uid(uid_t uid, int create)
{
	struct uid_count	*u;
	size_t			 b = (size_t)uid % UID_BUCKETS;

	LIST_FOREACH(u, &uid_counts[b], entry) {
		if (u->uid == uid)
			return (u);
	}
	if (!create)
		return (NULL);
	u = xcalloc(1, sizeof *u);
	u->uid = uid;
	LIST_INSERT_HEAD(&uid_counts[b], u, entry);
	return (u);
}

/*
 * Whether c may join the total connections there are.  Counts it when it
 * may; else *why says which limit refused it (caller frees).
 */
int
server_limits_admit(const struct client *c, int total, char **why)
{
	struct uid_count	*u = limits_uid(c->uid, 0);
	int			 mine = u != NULL ? u->n : 0;
	int			 open = cfg->max_clients - cfg->admin_reserve;

	if (total >= cfg->max_clients) {
		xasprintf(why, "too many connections (max_clients %d)",
		    cfg->max_clients);
		return (-1);
	}
	if ((mine >= cfg->max_clients_per_uid || total >= open) &&
	    !client_is_admin(c)) {
		if (mine >= cfg->max_clients_per_uid)
			xasprintf(why, "too many connections from uid %ld "
			    "(max_clients_per_uid %d)", (long)c->uid,
			    cfg->max_clients_per_uid);
		else
			xasprintf(why, "too many connections: the last %d of "
			    "max_clients %d are kept for admins (admin_reserve)",
			    cfg->admin_reserve, cfg->max_clients);
		return (-1);
	}
	limits_uid(c->uid, 1)->n++;
	return (0);
}

void
server_limits_leave(const struct client *c)
{
	struct uid_count	*u = limits_uid(c->uid, 0);

	if (u == NULL)
		fatalx("server_limits_leave: uid %ld not counted", (long)c->uid);
	if (--u->n == 0) {
		LIST_REMOVE(u, entry);
		free(u);
	}
}

static int64_t
limits_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* The deadline c faces now, ms; INT64_MAX for none. */
static int64_t
limits_deadline(const struct client *c, int *idle)
{
	int64_t	d = INT64_MAX, r;

	*idle = 0;
	if (!c->subscribed && cfg->idle_timeout > 0) {
		d = c->last_request + (int64_t)cfg->idle_timeout * 1000;
		*idle = 1;
	}
	if (c->partial_since != 0 && cfg->request_timeout > 0) {
		r = c->partial_since + (int64_t)cfg->request_timeout * 1000;
		if (r < d) {
			d = r;
			*idle = 0;
		}
	}
	return (d);
}

static void
limits_arm(struct client *c, int64_t now)
{
	struct timeval	tv;
	int64_t		d;
	int		idle;

	if ((d = limits_deadline(c, &idle)) == INT64_MAX) {
		evtimer_del(c->timer);
		return;
	}
	d = d > now ? d - now : 0;
	tv.tv_sec = d / 1000;
	tv.tv_usec = (d % 1000) * 1000;
	evtimer_add(c->timer, &tv);
}

/* A deadline passed: say which, and hang up; or the hang-up's grace ended. */
static void
limits_timer_cb(evutil_socket_t fd, short events, void *arg)
{
	struct client	*c = arg;
	int64_t		 now = limits_now();
	int		 idle;
	char		*msg;
	cJSON		*err;

	if (c->closing) {
		server_client_free(c);
		return;
	}
	if (limits_deadline(c, &idle) > now) {
		limits_arm(c, now);	/* the config changed meanwhile */
		return;
	}
	if (idle) {
		xasprintf(&msg, "no request for %d s: closing the connection",
		    cfg->idle_timeout);
		err = rpc_error_response(NULL, RPC_APP_ERROR, "idle-timeout",
		    msg);
	} else {
		xasprintf(&msg, "request line incomplete for %d s: closing "
		    "the connection", cfg->request_timeout);
		err = rpc_error_response(NULL, RPC_APP_ERROR,
		    "request-timeout", msg);
	}
	log_info("client pid %ld uid %ld: %s", (long)c->pid, (long)c->uid,
	    msg);
	free(msg);
	server_client_hangup(c, err);
}

/* A new connection: its timer, and the idle deadline from now. */
void
server_limits_start(struct client *c)
{
	struct timeval	tv = { cfg->idle_timeout, 0 };

	c->timer = evtimer_new(ev_base, limits_timer_cb, c);
	if (c->timer == NULL)
		fatalx("evtimer_new failed");
	/* Pending replies no client reads are idle too. */
	if (cfg->idle_timeout > 0)
		bufferevent_set_timeouts(c->bev, NULL, &tv);
	c->last_request = limits_now();
	limits_arm(c, c->last_request);
}

/*
 * After reading: whether complete requests came, and whether an
 * incomplete line is left (it began now if a request came before it).
 */
void
server_limits_read(struct client *c, int requests, int partial)
{
	int64_t	now = limits_now();

	if (requests)
		c->last_request = now;
	if (!partial)
		c->partial_since = 0;
	else if (requests || c->partial_since == 0)
		c->partial_since = now;
	limits_arm(c, now);
}
