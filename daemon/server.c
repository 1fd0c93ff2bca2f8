/*
 * server.c -- the control socket: connections, framing, subscriptions.
 *
 * Each connection is a bufferevent.  Requests are lines; a line longer
 * than RPC_MAX_LINE gets one error and the connection is closed once the
 * error is written.  The bufferevent's read high-water mark stops libevent
 * from reading far past the limit, and a client that lets more than
 * CLIENT_MAX_PENDING bytes of replies pile up is dropped, so no client can
 * grow benchd's memory without bound.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>

#include "benchd.h"
#include "conf.h"
#include "log.h"
#include "xmalloc.h"

#ifndef TAILQ_FOREACH_SAFE
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)			\
	for ((var) = TAILQ_FIRST(head);					\
	    (var) != NULL && ((tvar) = TAILQ_NEXT(var, field), 1);	\
	    (var) = (tvar))
#endif

struct client {
	struct bufferevent	*bev;
	uid_t			 uid;
	gid_t			 gid;
	pid_t			 pid;
	int			 subscribed;
	int64_t			 sub_session;	/* 0: every session */
	int			 closing;	/* close once output drains */
	cJSON			*deferred;	/* sent after the reply */
	TAILQ_ENTRY(client)	 entry;
};

static TAILQ_HEAD(, client)	 clients = TAILQ_HEAD_INITIALIZER(clients);
static int			 nclients;
static struct evconnlistener	*listener;
static char			*bound_path;

static void	client_free(struct client *);

/*
 * A method called in-process by the HTTP server has no client (NULL):
 * nobody, never admin, nothing to subscribe or defer to.
 */
uid_t
client_uid(const struct client *c)
{
	return (c != NULL ? c->uid : (uid_t)-1);
}

/* Root, benchd's own uid, or a member of admin_group may change things. */
int
client_is_admin(const struct client *c)
{
	struct group	*gr;
	struct passwd	*pw;
	char		**m;

	if (c == NULL)
		return (0);
	if (c->uid == 0 || c->uid == geteuid())
		return (1);
	if (cfg->admin_group == NULL ||
	    (gr = getgrnam(cfg->admin_group)) == NULL)
		return (0);
	if (c->gid == gr->gr_gid)
		return (1);
	if ((pw = getpwuid(c->uid)) == NULL)
		return (0);
	for (m = gr->gr_mem; *m != NULL; m++)
		if (strcmp(*m, pw->pw_name) == 0)
			return (1);
	return (0);
}

void
client_subscribe(struct client *c, int64_t session)
{
	if (c == NULL)
		return;
	c->subscribed = 1;
	c->sub_session = session;
}

void
client_defer(struct client *c, cJSON *msg)
{
	if (c == NULL) {
		cJSON_Delete(msg);
		return;
	}
	if (c->deferred == NULL)
		c->deferred = cJSON_CreateArray();
	cJSON_AddItemToArray(c->deferred, msg);
}

static void
client_send_raw(struct client *c, const char *s, size_t len)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);

	if (c->closing == 2)
		return;
	if (evbuffer_get_length(out) > CLIENT_MAX_PENDING) {
		log_info("client pid %ld is not reading; disconnecting",
		    (long)c->pid);
		c->closing = 2;	/* drop without flushing */
		return;
	}
	evbuffer_add(out, s, len);
	evbuffer_add(out, "\n", 1);
}

/* Send one JSON message (consumed) as a line. */
void
server_send(struct client *c, cJSON *msg)
{
	char	*s;

	if ((s = cJSON_PrintUnformatted(msg)) == NULL)
		fatalx("cJSON_PrintUnformatted: out of memory");
	client_send_raw(c, s, strlen(s));
	free(s);
	cJSON_Delete(msg);
}

/* Push a notification to every client following this session. */
void
server_notify(int64_t session, const char *method, cJSON *params)
{
	struct client	*c, *next;
	cJSON		*msg;
	char		*s;

	msg = cJSON_CreateObject();
	cJSON_AddStringToObject(msg, "jsonrpc", "2.0");
	cJSON_AddStringToObject(msg, "method", method);
	cJSON_AddItemToObject(msg, "params", params);
	if ((s = cJSON_PrintUnformatted(msg)) == NULL)
		fatalx("cJSON_PrintUnformatted: out of memory");
	cJSON_Delete(msg);
	TAILQ_FOREACH_SAFE(c, &clients, entry, next) {
		if (!c->subscribed || (c->sub_session != 0 &&
		    c->sub_session != session))
			continue;
		client_send_raw(c, s, strlen(s));
		if (c->closing == 2)
			client_free(c);
	}
	free(s);
}

static void
client_free(struct client *c)
{
	TAILQ_REMOVE(&clients, c, entry);
	nclients--;
	bufferevent_free(c->bev);
	cJSON_Delete(c->deferred);
	free(c);
	if (listener != NULL && nclients < cfg->max_clients)
		evconnlistener_enable(listener);
}

/* Flush replies a method asked to follow its own. */
static void
client_flush_deferred(struct client *c)
{
	cJSON	*d = c->deferred, *m;

	if (d == NULL)
		return;
	c->deferred = NULL;
	while ((m = cJSON_DetachItemFromArray(d, 0)) != NULL)
		server_send(c, m);
	cJSON_Delete(d);
}

/* Answer an oversized line, then hang up. */
static void
client_too_long(struct client *c)
{
	server_send(c, rpc_error_response(NULL, RPC_INVALID_REQUEST,
	    "line-too-long", "request line longer than 1048576 bytes"));
	c->closing = 1;
	bufferevent_disable(c->bev, EV_READ);
}

/* Handle every complete line in the input; 1 when the client went away. */
static int
client_process(struct client *c, int eof)
{
	struct evbuffer		*in = bufferevent_get_input(c->bev);
	struct evbuffer_ptr	 p;
	size_t			 len;
	char			*line;

	while (!c->closing) {
		p = evbuffer_search_eol(in, NULL, NULL, EVBUFFER_EOL_LF);
		if (p.pos == -1) {
			len = evbuffer_get_length(in);
			if (len > RPC_MAX_LINE) {
				client_too_long(c);
				break;
			}
			if (!eof || len == 0)
				break;
			p.pos = len;	/* last line without newline */
		}
		len = p.pos;
		if (len > RPC_MAX_LINE) {
			client_too_long(c);
			break;
		}
		line = xmalloc(len + 1);
		evbuffer_remove(in, line, len);
		evbuffer_drain(in, 1);
		line[len] = '\0';
		rpc_line(c, line, len);
		free(line);
		client_flush_deferred(c);
		if (c->closing == 2) {
			client_free(c);
			return (1);
		}
	}
	return (0);
}

static void
client_read_cb(struct bufferevent *bev, void *arg)
{
	client_process(arg, 0);
}

static void
client_write_cb(struct bufferevent *bev, void *arg)
{
	struct client	*c = arg;

	if (c->closing)
		client_free(c);
}

static void
client_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct client	*c = arg;

	if (what & BEV_EVENT_EOF) {
		/* Half-closed: answer what it sent, then close. */
		if (client_process(c, 1))
			return;
		if (evbuffer_get_length(bufferevent_get_output(bev)) > 0 &&
		    c->closing != 2) {
			c->closing = 1;
			return;
		}
	}
	client_free(c);
}

static void
server_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int socklen, void *arg)
{
	struct client	*c;
	struct ucred	 cred;
	socklen_t	 len = sizeof cred;
	char		*busy;
	cJSON		*err;

	if (nclients >= cfg->max_clients) {
		err = rpc_error_response(NULL, RPC_APP_ERROR, "busy",
		    "too many connections");
		busy = cJSON_PrintUnformatted(err);
		if (write(fd, busy, strlen(busy)) == -1 ||
		    write(fd, "\n", 1) == -1)
			log_debug("busy reply: %s", strerror(errno));
		free(busy);
		cJSON_Delete(err);
		close(fd);
		return;
	}
	c = xcalloc(1, sizeof *c);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
		c->uid = cred.uid;
		c->gid = cred.gid;
		c->pid = cred.pid;
	} else {
		c->uid = (uid_t)-1;
		c->gid = (gid_t)-1;
	}
	c->bev = bufferevent_socket_new(ev_base, fd, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(c->bev, client_read_cb, client_write_cb,
	    client_event_cb, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, RPC_MAX_LINE + 65536);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	TAILQ_INSERT_TAIL(&clients, c, entry);
	nclients++;
	log_debug("client pid %ld uid %ld connected", (long)c->pid,
	    (long)c->uid);
}

static void
server_error_cb(struct evconnlistener *l, void *arg)
{
	int	err = EVUTIL_SOCKET_ERROR();

	/* Out of descriptors: stop accepting until a client leaves. */
	log_warnx("accept: %s", evutil_socket_error_to_string(err));
	if (err == EMFILE || err == ENFILE)
		evconnlistener_disable(l);
}

static int
server_start(int fd, char **cause)
{
	listener = evconnlistener_new(ev_base, server_accept_cb, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd);
	if (listener == NULL) {
		xasprintf(cause, "cannot listen: %s", strerror(errno));
		close(fd);
		return (-1);
	}
	evconnlistener_set_error_cb(listener, server_error_cb);
	return (0);
}

/* Use a socket systemd passed us. */
int
server_adopt(int fd, char **cause)
{
	evutil_make_socket_nonblocking(fd);
	evutil_make_socket_closeonexec(fd);
	return (server_start(fd, cause));
}

/*
 * Bind the socket ourselves.  Connect first: if another benchd answers,
 * refuse to start; if nobody does, the old file is stale and goes.
 */
int
server_listen(const char *path, const char *group, char **cause)
{
	struct sockaddr_un	 sun;
	struct group		*gr;
	mode_t			 old;
	int			 fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		xasprintf(cause, "%s: socket path too long", path);
		return (-1);
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		xasprintf(cause, "socket: %s", strerror(errno));
		return (-1);
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0) {
		xasprintf(cause, "%s: another benchd is already listening",
		    path);
		close(fd);
		return (-1);
	}
	if (errno != ENOENT && errno != ECONNREFUSED) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		close(fd);
		return (-1);
	}
	if (errno == ECONNREFUSED && unlink(path) == -1 && errno != ENOENT) {
		xasprintf(cause, "%s: cannot remove stale socket: %s", path,
		    strerror(errno));
		close(fd);
		return (-1);
	}
	old = umask(0117);
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		xasprintf(cause, "bind %s: %s", path, strerror(errno));
		umask(old);
		close(fd);
		return (-1);
	}
	umask(old);
	if (group != NULL && (gr = getgrnam(group)) != NULL &&
	    chown(path, (uid_t)-1, gr->gr_gid) == -1)
		log_warn("%s: chown to group %s", path, group);
	if (listen(fd, SOMAXCONN) == -1) {
		xasprintf(cause, "listen %s: %s", path, strerror(errno));
		close(fd);
		return (-1);
	}
	evutil_make_socket_nonblocking(fd);
	bound_path = xstrdup(path);
	return (server_start(fd, cause));
}

void
server_close(void)
{
	struct client	*c, *next;

	TAILQ_FOREACH_SAFE(c, &clients, entry, next)
		client_free(c);
	if (listener != NULL) {
		evconnlistener_free(listener);
		listener = NULL;
	}
	if (bound_path != NULL) {
		unlink(bound_path);
		free(bound_path);
		bound_path = NULL;
	}
}
