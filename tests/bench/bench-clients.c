/*
 * bench-clients.c -- N clients of benchd at once: each connects to the
 * socket and sends one status request; every connection stays open until
 * all have been answered (or 60 s have passed).  A client's latency runs
 * from just before its connect() to the newline that ends its reply.
 * Replies are read while later clients are still connecting, so a
 * client's latency never includes the time spent starting the others.
 *
 * Prints one line: clients answered errors p50_ms p99_ms max_ms wall_ms.
 * An answer is a reply holding "result"; anything else (a "busy" error, a
 * closed connection) counts as an error.
 */
#include "config.h"

#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define REQUEST		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\"}\n"
#define REPLY_MAX	16384
#define DEADLINE_S	60

struct client {
	int	 fd;
	double	 start;
	char	*buf;
	size_t	 len;
};

static struct client	*clients;
static double		*lat;
static int		 nanswered, nerrors, ndone;

static double
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1e3 + ts.tv_nsec / 1e6);
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return ((x > y) - (x < y));
}

/* Nearest rank: the smallest value with at least q of them at or below. */
static double
rank(const double *sorted, int n, double q)
{
	int	k = (int)(q * n);

	if (k < q * n)
		k++;		/* the ceiling */
	return (sorted[k < 1 ? 0 : k - 1]);
}

/* Read what a client has; at its newline (or end) it is done. */
static void
client_read(struct client *c, int ep)
{
	ssize_t	 r;
	char	*nl;

	r = read(c->fd, c->buf + c->len, REPLY_MAX - 1 - c->len);
	if (r == -1 && errno == EAGAIN)
		return;
	if (r > 0) {
		c->len += r;
		c->buf[c->len] = '\0';
		if ((nl = strchr(c->buf, '\n')) == NULL &&
		    c->len < REPLY_MAX - 1)
			return;
	}
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	if (r > 0 && strstr(c->buf, "\"result\":") != NULL &&
	    strstr(c->buf, "\"error\":") == NULL)
		lat[nanswered++] = now_ms() - c->start;
	else
		nerrors++;
	ndone++;
}

/* Read the replies that have come, waiting up to timeout ms for one. */
static void
drain(int ep, int timeout)
{
	struct epoll_event	ev[64];
	int			i, n;

	n = epoll_wait(ep, ev, 64, timeout);
	for (i = 0; i < n; i++)
		client_read(ev[i].data.ptr, ep);
}

/* Connect, send the request, and watch for the reply. */
static void
client_start(struct client *c, const struct sockaddr_un *sun, int ep)
{
	struct epoll_event	ev;

	c->buf = calloc(1, REPLY_MAX);
	c->start = now_ms();
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(c->fd, (const struct sockaddr *)sun, sizeof *sun) == -1 ||
	    write(c->fd, REQUEST, strlen(REQUEST)) != (ssize_t)strlen(REQUEST)) {
		perror("bench-clients: connect");
		exit(1);
	}
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN;
	ev.data.ptr = c;
	epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
}

int
main(int argc, char **argv)
{
	struct sockaddr_un	sun;
	struct rlimit		rl;
	double			t0, wall;
	int			i, n, ep;

	if (argc != 3 || (n = atoi(argv[2])) < 1 ||
	    strlen(argv[1]) >= sizeof sun.sun_path) {
		fprintf(stderr, "usage: bench-clients socket N\n");
		return (64);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n +
	    64) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, argv[1]);
	clients = calloc(n, sizeof *clients);
	lat = calloc(n, sizeof *lat);
	if (clients == NULL || lat == NULL || (ep = epoll_create1(0)) == -1)
		return (1);
	t0 = now_ms();
	for (i = 0; i < n; i++) {
		client_start(&clients[i], &sun, ep);
		drain(ep, 0);
	}
	while (ndone < n && now_ms() - t0 < DEADLINE_S * 1e3)
		drain(ep, 100);
	wall = now_ms() - t0;
	nerrors += n - ndone;
	qsort(lat, nanswered, sizeof *lat, cmp_double);
	printf("%d %d %d %.3f %.3f %.3f %.3f\n", n, nanswered, nerrors,
	    nanswered > 0 ? rank(lat, nanswered, 0.5) : -1,
	    nanswered > 0 ? rank(lat, nanswered, 0.99) : -1,
	    nanswered > 0 ? lat[nanswered - 1] : -1, wall);
	for (i = 0; i < n; i++) {
		close(clients[i].fd);
		free(clients[i].buf);
	}
	free(clients);
	free(lat);
	return (0);
}
