/*
 * notify.c -- speak to systemd: readiness, status, watchdog, and the
 * listening socket of benchd.socket.
 *
 * With libsystemd (HAVE_LIBSYSTEMD) the sd-daemon(3) calls do the work.
 * Without it the same protocol is spoken here, so benchd behaves the same
 * under systemd either way, and does nothing when started by hand:
 *  - NOTIFY_SOCKET names an AF_UNIX datagram socket, a path or, with a
 *    leading '@', an abstract name; a message is one datagram of
 *    newline-separated VAR=value lines.
 *  - LISTEN_PID/LISTEN_FDS pass listening sockets from fd 3 on; they are
 *    ours only when LISTEN_PID is our pid, and are unset once read so
 *    nothing we start could take them for its own.
 *  - WATCHDOG_USEC asks for WATCHDOG=1 more often than that; when
 *    WATCHDOG_PID is set it must be our pid.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "benchd.h"
#include "log.h"
#include "notify.h"
#include "xmalloc.h"

#define NOTIFY_FDS_START	3	/* SD_LISTEN_FDS_START */

static struct event	*watchdog_ev;
static char		*listen_path;
static int		 notify_warned;

#ifndef HAVE_LIBSYSTEMD
/* Parse a whole decimal number in [min, max]; -1 and errno on error. */
static int
notify_parse(const char *s, long long min, long long max, long long *v)
{
	char	*end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || errno == ERANGE || *v < min ||
	    *v > max) {
		errno = EINVAL;
		return (-1);
	}
	return (0);
}

/* One datagram to $NOTIFY_SOCKET: 1 sent, 0 no socket, -1 and errno. */
static int
notify_send_raw(const char *msg)
{
	struct sockaddr_un	 sun;
	const char		*path;
	socklen_t		 len;
	size_t			 n;
	int			 fd, saved;

	if ((path = getenv("NOTIFY_SOCKET")) == NULL || *path == '\0')
		return (0);
	n = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || n < 2) {
		errno = EAFNOSUPPORT;
		return (-1);
	}
	if (n >= sizeof sun.sun_path) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, n);
	len = offsetof(struct sockaddr_un, sun_path) + n;
	if (path[0] == '@')
		sun.sun_path[0] = '\0';	/* abstract: no NUL at the end */
	else
		len++;
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return (-1);
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, len) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return (-1);
	}
	close(fd);
	return (1);
}

/* How many sockets systemd passed us: n >= 0, or -1 and errno. */
static int
notify_listen_count(void)
{
	const char	*e;
	long long	 pid, n = 0;
	int		 fd, r = -1;

	if ((e = getenv("LISTEN_PID")) == NULL) {
		r = 0;
		goto out;
	}
	if (notify_parse(e, 1, INT_MAX, &pid) == -1)
		goto out;
	if ((pid_t)pid != getpid() || (e = getenv("LISTEN_FDS")) == NULL) {
		r = 0;
		goto out;
	}
	if (notify_parse(e, 1, INT_MAX - NOTIFY_FDS_START, &n) == -1)
		goto out;
	for (fd = NOTIFY_FDS_START; fd < NOTIFY_FDS_START + n; fd++)
		if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
			goto out;
	r = n;
out:
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return (r);
}

/* The watchdog interval asked of us: 1 on, 0 off, -1 and errno. */
static int
notify_watchdog_usec(uint64_t *usec)
{
	const char	*e;
	long long	 v, pid;

	if ((e = getenv("WATCHDOG_USEC")) == NULL)
		return (0);
	if (notify_parse(e, 1, LLONG_MAX, &v) == -1)
		return (-1);
	if ((e = getenv("WATCHDOG_PID")) != NULL) {
		if (notify_parse(e, 1, INT_MAX, &pid) == -1)
			return (-1);
		if ((pid_t)pid != getpid())
			return (0);
	}
	*usec = v;
	return (1);
}
#else
static int
notify_send_raw(const char *msg)
{
	int	r;

	if ((r = sd_notify(0, msg)) < 0) {
		errno = -r;
		return (-1);
	}
	return (r);
}

static int
notify_listen_count(void)
{
	int	n;

	if ((n = sd_listen_fds(1)) < 0) {
		errno = -n;
		return (-1);
	}
	return (n);
}

static int
notify_watchdog_usec(uint64_t *usec)
{
	int	r;

	if ((r = sd_watchdog_enabled(0, usec)) < 0) {
		errno = -r;
		return (-1);
	}
	return (r > 0);
}
#endif

/* Send a message; complain once, since a watchdog ping repeats forever. */
static void
notify_send(const char *msg)
{
	if (notify_send_raw(msg) == -1 && !notify_warned) {
		notify_warned = 1;
		log_warn("NOTIFY_SOCKET %s", getenv("NOTIFY_SOCKET"));
	}
}

/* Check that fd is a listening AF_UNIX stream socket; keep its path. */
static int
notify_check_socket(int fd, char **cause)
{
	struct sockaddr_un	 sun;
	socklen_t		 len;
	int			 type, acc;

	len = sizeof type;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1) {
		xasprintf(cause, "socket activation: fd %d: %s", fd,
		    strerror(errno));
		return (-1);
	}
	len = sizeof acc;
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) == -1)
		acc = 0;
	memset(&sun, 0, sizeof sun);
	len = sizeof sun;
	if (getsockname(fd, (struct sockaddr *)&sun, &len) == -1 ||
	    sun.sun_family != AF_UNIX || type != SOCK_STREAM || !acc) {
		xasprintf(cause, "socket activation: fd %d is not a listening "
		    "Unix stream socket (see ListenStream= in benchd.socket)",
		    fd);
		return (-1);
	}
	len -= offsetof(struct sockaddr_un, sun_path);
	if (len > 0 && sun.sun_path[0] != '\0')
		listen_path = xstrndup(sun.sun_path, len);
	return (0);
}

int
notify_listen_fd(char **cause)
{
	int	n, fd;

	if ((n = notify_listen_count()) == -1) {
		xasprintf(cause, "socket activation: bad LISTEN_PID or "
		    "LISTEN_FDS: %s", strerror(errno));
		return (-2);
	}
	if (n == 0)
		return (-1);
	if (n > 1) {
		xasprintf(cause, "socket activation: systemd passed %d "
		    "sockets but benchd listens on exactly one (check "
		    "benchd.socket)", n);
		for (fd = NOTIFY_FDS_START; fd < NOTIFY_FDS_START + n; fd++)
			close(fd);
		return (-2);
	}
	fd = NOTIFY_FDS_START;
	if (notify_check_socket(fd, cause) == -1) {
		close(fd);
		return (-2);
	}
	log_debug("socket activation: listening on fd %d (%s)", fd,
	    listen_path != NULL ? listen_path : "unnamed");
	return (fd);
}

const char *
notify_listen_path(void)
{
	return (listen_path);
}

void
notify_ready(void)
{
	char	*msg;

	xasprintf(&msg, "READY=1\nSTATUS=Accepting requests on %s",
	    socket_path != NULL ? socket_path : "its socket");
	notify_send(msg);
	free(msg);
}

void
notify_stopping(void)
{
	notify_send("STOPPING=1\nSTATUS=Stopping");
}

void
notify_status(const char *fmt, ...)
{
	char	buf[512];
	va_list	ap;
	size_t	i;

	memcpy(buf, "STATUS=", 7);
	va_start(ap, fmt);
	vsnprintf(buf + 7, sizeof buf - 7, fmt, ap);
	va_end(ap);
	/* One message line per variable: a newline would start another. */
	for (i = 7; buf[i] != '\0'; i++)
		if (buf[i] == '\n')
			buf[i] = ' ';
	notify_send(buf);
}

/* Runs only when the loop does, which is the point of the watchdog. */
static void
notify_watchdog_cb(evutil_socket_t fd, short events, void *arg)
{
	notify_send("WATCHDOG=1");
}

void
notify_watchdog_start(struct event_base *base)
{
	struct timeval	tv;
	uint64_t	usec = 0;
	int		r;

	if (watchdog_ev != NULL)
		return;
	if ((r = notify_watchdog_usec(&usec)) == -1) {
		log_warn("ignoring WATCHDOG_USEC/WATCHDOG_PID");
		return;
	}
	if (r == 0 || getenv("NOTIFY_SOCKET") == NULL)
		return;
	usec /= 2;
	if (usec == 0)
		usec = 1;
	tv.tv_sec = usec / 1000000;
	tv.tv_usec = usec % 1000000;
	watchdog_ev = event_new(base, -1, EV_PERSIST, notify_watchdog_cb,
	    NULL);
	if (watchdog_ev == NULL || event_add(watchdog_ev, &tv) == -1)
		fatalx("cannot add the watchdog timer");
	log_debug("watchdog: WATCHDOG=1 every %llu.%06llu s",
	    (unsigned long long)tv.tv_sec, (unsigned long long)tv.tv_usec);
}

void
notify_watchdog_stop(void)
{
	if (watchdog_ev == NULL)
		return;
	event_free(watchdog_ev);
	watchdog_ev = NULL;
}
