/*
 * conf-listen.c -- a listen address of benchd.conf ([http] listen):
 * ADDRESS:PORT, IPv4 or IPv6 in brackets, and whether it is loopback;
 * and the Host names the dashboard answers ([http] hosts).
 */
#include "config.h"

#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "xmalloc.h"

/* A port: 1 to 65535, decimal digits only. */
static int
listen_port(const char *s, int *port)
{
	char	*end;
	long	 v;

	if (*s < '0' || *s > '9')
		return (-1);
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0' || errno == ERANGE || v < 1 || v > 65535)
		return (-1);
	*port = (int)v;
	return (0);
}

int
conf_listen_parse(const char *text, char *host, size_t hostlen, int *port,
    int *loopback, char **cause)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;
	const char	*orig = text, *colon, *p;
	size_t		 len;
	int		 v6;

	v6 = *text == '[';
	if (v6) {
		if ((p = strchr(text, ']')) == NULL || p[1] != ':')
			goto bad;
		text++;
		len = p - text;
		colon = p + 1;
	} else {
		if ((colon = strrchr(text, ':')) == NULL)
			goto bad;
		len = colon - text;
	}
	if (len == 0 || len >= hostlen)
		goto bad;
	memcpy(host, text, len);
	host[len] = '\0';
	if (v6 ? inet_pton(AF_INET6, host, &a6) != 1 :
	    inet_pton(AF_INET, host, &a4) != 1)
		goto bad;
	if (listen_port(colon + 1, port) != 0) {
		xasprintf(cause, "the port must be a number from 1 to 65535, "
		    "got \"%s\"", colon + 1);
		return (-1);
	}
	if (v6)
		*loopback = IN6_IS_ADDR_LOOPBACK(&a6);
	else
		*loopback = (ntohl(a4.s_addr) >> 24) == 127;
	return (0);
bad:
	xasprintf(cause, "expected ADDRESS:PORT with an IPv4 address or an "
	    "IPv6 address in brackets (127.0.0.1:8080, [::1]:8080), got \"%s\"",
	    orig);
	return (-1);
}

/*
 * A page a browser loads from a name the attacker's DNS first resolves to
 * its own server, then to 127.0.0.1 (DNS rebinding), reaches the
 * dashboard with that name as its Host: only names benchd was told of are
 * answered.  An address cannot be rebound, and clients other than
 * browsers (HTTP/1.0) may send no Host at all.
 */
int
conf_listen_host_ok(const char *host, char *const *names, size_t n)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;
	char		 name[256];
	const char	*end;
	size_t		 len, i;

	if (host == NULL)
		return (1);
	if (*host == '[') {
		if ((end = strchr(host, ']')) == NULL ||
		    (end[1] != '\0' && end[1] != ':'))
			return (0);
		len = end - host - 1;
		if (len >= sizeof name)
			return (0);
		memcpy(name, host + 1, len);
		name[len] = '\0';
		return (inet_pton(AF_INET6, name, &a6) == 1);
	}
	if ((end = strchr(host, ':')) == NULL)
		end = host + strlen(host);
	else if (end[1] == '\0' || listen_port(end + 1, &(int){ 0 }) != 0)
		return (0);
	len = end - host;
	if (len == 0 || len >= sizeof name)
		return (0);
	memcpy(name, host, len);
	name[len] = '\0';
	/* A fully qualified name's final dot names the same host. */
	if (len > 1 && name[len - 1] == '.')
		name[--len] = '\0';
	if (inet_pton(AF_INET, name, &a4) == 1 ||
	    strcasecmp(name, "localhost") == 0)
		return (1);
	for (i = 0; i < n; i++)
		if (strcasecmp(name, names[i]) == 0)
			return (1);
	return (0);
}
