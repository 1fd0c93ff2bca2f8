/*
 * conf-cpus.c -- kernel-style CPU lists ("2-3,5"), as the cpus key of a
 * suite and /sys/devices/system/cpu/isolated write them.
 */
#include "config.h"

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
