/*
 * conf-value.c -- the values of benchd.conf that are more than a word or a
 * number: a kernel-style CPU list ([suite] cpus, and the isolated CPUs
 * benchd reads from /sys) and a listen address ([http] listen).
 */
#include "config.h"

#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "xmalloc.h"

/* Parse one CPU number of a list; *p moves past it. */
static int
cpu_number(const char **p, unsigned long *cpu)
{
	char	*end;

	if (**p < '0' || **p > '9')
		return (-1);
	errno = 0;
	*cpu = strtoul(*p, &end, 10);
	if (errno == ERANGE || *cpu >= CPU_SETSIZE)
		*cpu = CPU_SETSIZE;
	*p = end;
	return (0);
}

int
conf_parse_cpus(const char *list, cpu_set_t *set, char **cause)
{
	const char	*p = list;
	unsigned long	 a, b, c;
	int		 len = (int)strcspn(list, "\n");

	CPU_ZERO(set);
	for (;;) {
		if (cpu_number(&p, &a) != 0)
			break;
		b = a;
		if (*p == '-' && (p++, cpu_number(&p, &b)) != 0)
			break;
		if (a >= CPU_SETSIZE || b >= CPU_SETSIZE) {
			xasprintf(cause, "bad CPU list \"%.*s\": CPUs are "
			    "numbered 0 to %d", len, list, CPU_SETSIZE - 1);
			return (-1);
		}
		if (b < a) {
			xasprintf(cause, "bad CPU list \"%.*s\": range %lu-%lu "
			    "is reversed", len, list, a, b);
			return (-1);
		}
		for (c = a; c <= b; c++)
			CPU_SET(c, set);
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '\0' || strcmp(p, "\n") == 0)
			return (0);
		break;
	}
	xasprintf(cause, "bad CPU list \"%.*s\": expected CPU numbers and "
	    "ranges like 0-3,6", len, list);
	return (-1);
}

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
