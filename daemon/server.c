/*
 * server.c -- the control socket: connections, framing, subscriptions.
 *
 * Each connection is a bufferevent.  Requests are lines; a line longer
 * than RPC_MAX_LINE gets one error and the connection is closed once the
 * error is written.  The bufferevent's read high-water mark stops libevent
 * from reading far past the limit, and a client that lets more than
 * CLIENT_MAX_PENDING bytes of replies pile up is dropped, so no client can
 * grow benchd's memory without bound.  Who may connect, and for how long
 * a connection may stay without asking anything, is server-limits.c.
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
#include "server-int.h"
#include "xmalloc.h"

#define CLOSE_GRACE	5	/* seconds a hang-up waits for its error line */

#ifndef TAILQ_FOREACH_SAFE
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)			\
	for ((var) = TAILQ_FIRST(head);					\
	    (var) != NULL && ((tvar) = TAILQ_NEXT(var, field), 1);	\
	    (var) = (tvar))
#endif

static TAILQ_HEAD(, client)	 clients = TAILQ_HEAD_INITIALIZER(clients);
static int			 nclients;

static void	client_more_cb(evutil_socket_t, short, void *);
static struct evconnlistener	*listener;
static char			*bound_path;
static dev_t			 bound_dev;	/* of the socket file we made */
static ino_t			 bound_ino;

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

/* A line of text made already (a batch's reply). */
void
server_send_text(struct client *c, const char *s, size_t len)
{
	client_send_raw(c, s, len);
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
			server_client_free(c);
	}
	free(s);
}

void
server_client_free(struct client *c)
{
	TAILQ_REMOVE(&clients, c, entry);
	nclients--;
	server_limits_leave(c);
	event_free(c->timer);
	if (c->more != NULL)
		event_free(c->more);
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

/*
 * Send a last error line and close once it is written, or after
 * CLOSE_GRACE seconds when the client does not read it.
 */
void
server_client_hangup(struct client *c, cJSON *err)
{
	struct timeval	tv = { CLOSE_GRACE, 0 };

	server_send(c, err);
	if (c->closing == 2) {
		server_client_free(c);
		return;
	}
	c->closing = 1;
	bufferevent_disable(c->bev, EV_READ);
	evtimer_add(c->timer, &tv);
}

/* Answer an oversized line, then hang up. */
static void
client_too_long(struct client *c)
{
	server_client_hangup(c, rpc_error_response(NULL, RPC_INVALID_REQUEST,
	    "line-too-long", "request line longer than 1048576 bytes"));
}

/*
 * Handle every complete line in the input; 1 when the client went away
 * (or is going: it must not be touched again).
 */
/*
 * One request line of the input, then back to the event loop: a client
 * with many lines queued is answered one line per turn of the loop, and
 * none while the replies it has not read pile up (its write callback
 * picks up again as it reads), so no client holds the loop, or benchd's
 * memory, for more than one request.  1 when the client went away.
 */
static int
client_process(struct client *c, int eof)
{
	struct evbuffer		*in = bufferevent_get_input(c->bev);
	struct evbuffer		*out = bufferevent_get_output(c->bev);
	struct evbuffer_ptr	 p;
	size_t			 len;
	char			*line;
	int			 requests = 0;

	c->eof |= eof;
	if (c->closing)
		return (0);
	if (evbuffer_get_length(out) > CLIENT_BACKLOG)
		return (0);	/* until it reads: client_write_cb */
	p = evbuffer_search_eol(in, NULL, NULL, EVBUFFER_EOL_LF);
	len = p.pos == -1 ? evbuffer_get_length(in) : (size_t)p.pos;
	if (len > RPC_MAX_LINE) {
		client_too_long(c);
		return (1);
	}
	if (p.pos != -1 || (c->eof && len > 0)) {
		line = xmalloc(len + 1);
		evbuffer_remove(in, line, len);
		if (p.pos != -1)
			evbuffer_drain(in, 1);
		line[len] = '\0';
		requests = rpc_line(c, line, len);
		free(line);
		client_flush_deferred(c);
		if (c->closing == 2) {
			server_client_free(c);
			return (1);
		}
		/* More to answer: on the next turn of the loop. */
		if (!c->closing && evbuffer_get_length(in) > 0 &&
		    (c->eof || evbuffer_search_eol(in, NULL, NULL,
		    EVBUFFER_EOL_LF).pos != -1)) {
			if (c->more == NULL)
				c->more = event_new(ev_base, -1, 0,
				    client_more_cb, c);
			event_active(c->more, 0, 0);
		}
	}
	if (c->eof && evbuffer_get_length(in) == 0 && !c->closing) {
		/* Half-closed and all answered: close once it is written. */
		if (evbuffer_get_length(out) == 0) {
			server_client_free(c);
			return (1);
		}
		c->closing = 1;
		return (0);
	}
	if (!c->closing)
		server_limits_read(c, requests, evbuffer_get_length(in) > 0);
	return (0);
}

static void
client_read_cb(struct bufferevent *bev, void *arg)
{
	client_process(arg, 0);
}

/* The next queued line of a client, a turn of the loop later. */
static void
client_more_cb(evutil_socket_t fd, short events, void *arg)
{
	client_process(arg, 0);
}

/* Its replies went out: close, or answer what it sent meanwhile. */
static void
client_write_cb(struct bufferevent *bev, void *arg)
{
	struct client	*c = arg;

	if (c->closing)
		server_client_free(c);
	else if (evbuffer_get_length(bufferevent_get_input(bev)) > 0)
		client_process(c, 0);
}

static void
client_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct client	*c = arg;

	if (what & BEV_EVENT_EOF) {
		/* Half-closed: answer what it sent, then close. */
		client_process(c, 1);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT)
		log_info("client pid %ld uid %ld: no reply read for %d s; "
		    "disconnecting", (long)c->pid, (long)c->uid,
		    cfg->idle_timeout);
	server_client_free(c);
}

/* Refuse a connection with one busy error line. */
static void
server_refuse(evutil_socket_t fd, const char *why)
{
	cJSON	*err;
	char	*busy;

	err = rpc_error_response(NULL, RPC_APP_ERROR, "busy", why);
	busy = cJSON_PrintUnformatted(err);
	if (write(fd, busy, strlen(busy)) == -1 || write(fd, "\n", 1) == -1)
		log_debug("busy reply: %s", strerror(errno));
	free(busy);
	cJSON_Delete(err);
	close(fd);
}

static void
server_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int socklen, void *arg)
{
	struct client	*c;
	struct ucred	 cred;
	socklen_t	 len = sizeof cred;
	char		*why;

	c = xcalloc(1, sizeof *c);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
		c->uid = cred.uid;
		c->gid = cred.gid;
		c->pid = cred.pid;
	} else {
		c->uid = (uid_t)-1;
		c->gid = (gid_t)-1;
	}
	if (server_limits_admit(c, nclients, &why) != 0) {
		log_debug("client pid %ld uid %ld refused: %s", (long)c->pid,
		    (long)c->uid, why);
		server_refuse(fd, why);
		free(why);
		free(c);
		return;
	}
	c->bev = bufferevent_socket_new(ev_base, fd, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(c->bev, client_read_cb, client_write_cb,
	    client_event_cb, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, RPC_MAX_LINE + 65536);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	server_limits_start(c);
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

/* What a file's mode says it is, for errors. */
static const char *
server_file_kind(mode_t mode)
{
	if (S_ISREG(mode))
		return ("a regular file");
	if (S_ISDIR(mode))
		return ("a directory");
	if (S_ISLNK(mode))
		return ("a symbolic link");
	if (S_ISFIFO(mode))
		return ("a FIFO");
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return ("a device");
	return ("not a socket");
}

/*
 * Make way for our socket at path.  Only a socket nobody answers on is
 * removed: anything else there (a regular file, a directory, a symbolic
 * link, even one to a socket) is left alone and benchd refuses to start.
 */
static int
server_clear_path(int fd, const struct sockaddr_un *sun, char **cause)
{
	const char	*path = sun->sun_path;
	struct stat	 sb;

	if (lstat(path, &sb) == -1) {
		if (errno == ENOENT)
			return (0);
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (!S_ISSOCK(sb.st_mode)) {
		xasprintf(cause, "%s: %s is there, not a socket; benchd only "
		    "ever removes a stale socket (choose another socket path)",
		    path, server_file_kind(sb.st_mode));
		return (-1);
	}
	if (connect(fd, (const struct sockaddr *)sun, sizeof *sun) == 0) {
		xasprintf(cause, "%s: another benchd is already listening",
		    path);
		return (-1);
	}
	if (errno != ECONNREFUSED) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (unlink(path) == -1 && errno != ENOENT) {
		xasprintf(cause, "%s: cannot remove stale socket: %s", path,
		    strerror(errno));
		return (-1);
	}
	return (0);
}

/*
 * Bind the socket ourselves.  Connect first: if another benchd answers,
 * refuse to start; if nobody does, the old socket is stale and goes.
 */
int
server_listen(const char *path, const char *group, char **cause)
{
	struct sockaddr_un	 sun;
	struct group		*gr;
	struct stat		 sb;
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
	if (server_clear_path(fd, &sun, cause) != 0) {
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
	if (lstat(path, &sb) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		close(fd);
		return (-1);
	}
	bound_dev = sb.st_dev;
	bound_ino = sb.st_ino;
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

/* Remove our socket, unless something else has taken its place. */
static void
server_unlink(void)
{
	struct stat	sb;

	if (lstat(bound_path, &sb) == -1) {
		if (errno != ENOENT)
			log_warn("%s", bound_path);
		return;
	}
	if (!S_ISSOCK(sb.st_mode) || sb.st_dev != bound_dev ||
	    sb.st_ino != bound_ino) {
		log_warnx("%s: no longer the socket benchd bound; left in "
		    "place", bound_path);
		return;
	}
	if (unlink(bound_path) == -1)
		log_warn("unlink %s", bound_path);
}

void
server_close(void)
{
	struct client	*c, *next;

	TAILQ_FOREACH_SAFE(c, &clients, entry, next)
		server_client_free(c);
	if (listener != NULL) {
		evconnlistener_free(listener);
		listener = NULL;
	}
	if (bound_path != NULL) {
		server_unlink();
		free(bound_path);
		bound_path = NULL;
	}
}
