/*
 * conf-listen.c -- a listen address of benchd.conf ([http] listen):
 * ADDRESS:PORT, IPv4 or IPv6 in brackets, and whether it is loopback.
 */
#include "config.h"

#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
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
