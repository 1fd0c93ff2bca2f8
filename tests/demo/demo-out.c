/*
 * demo-out.c -- benchd-demo's output: buffered writes to stdout and
 * stderr in the documented order, filler, the environment and timing
 * lines.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo.h"

#define DEMO_LINE	64	/* filler line length */

extern char	**environ;

struct demo_out	 out_stdout = { 1, 0, 0, { 0 } };
struct demo_out	 out_stderr = { 2, 0, 0, { 0 } };

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		p += n;
		len -= n;
	}
	return (0);
}

static void
out_flush(struct demo_out *o)
{
	if (!o->dead && o->used > 0 && write_all(o->fd, o->buf, o->used) == -1)
		o->dead = 1;
	o->used = 0;
}

void
out_put(struct demo_out *o, const char *p, size_t len)
{
	if (o->used + len > sizeof o->buf)
		out_flush(o);
	if (len > sizeof o->buf) {
		if (!o->dead && write_all(o->fd, p, len) == -1)
			o->dead = 1;
		return;
	}
	memcpy(o->buf + o->used, p, len);
	o->used += len;
}

/* Keep the documented order when both streams share one pipe. */
void
out_flush_all(void)
{
	out_flush(&out_stdout);
	out_flush(&out_stderr);
}

/*
 * Exactly bytes of 64-byte lines tagged with tag; a short last line still
 * ends in '\n'.  Written in big blocks so a flood goes at pipe speed.
 */
void
out_filler(struct demo_out *o, const char *tag, uint64_t bytes)
{
	static char	block[DEMO_BLOCK];
	char		line[DEMO_LINE + 1];
	size_t		i, n;

	out_flush_all();
	snprintf(line, sizeof line, "benchd-demo %s filler ", tag);
	n = strlen(line);
	memset(line + n, '.', DEMO_LINE - 1 - n);
	line[DEMO_LINE - 1] = '\n';
	for (i = 0; i < sizeof block; i += DEMO_LINE)
		memcpy(block + i, line, DEMO_LINE);
	while (bytes > 0 && !o->dead) {
		n = bytes < sizeof block ? bytes : sizeof block;
		if (n < sizeof block)
			block[n - 1] = '\n';
		if (write_all(o->fd, block, n) == -1)
			o->dead = 1;
		bytes -= n;
	}
}

static int
cmp_str(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* The environment, sorted, one variable a line. */
void
out_env_dump(void)
{
	char	**v;
	size_t	  n, i;

	for (n = 0; environ[n] != NULL; n++)
		/* nothing */;
	if ((v = calloc(n + 1, sizeof *v)) == NULL)
		abort();
	memcpy(v, environ, n * sizeof *v);
	qsort(v, n, sizeof *v, cmp_str);
	for (i = 0; i < n; i++) {
		out_put(&out_stdout, v[i], strlen(v[i]));
		out_put(&out_stdout, "\n", 1);
	}
	free(v);
}

/*
 * n round-robin timing lines over nph phases to o; with spin (for
 * --spin-phases) each costs its CPU time.
 */
void
out_timing_lines(struct demo_out *o, struct demo_phase *ph, size_t nph,
    uint64_t n, int spin)
{
	struct demo_phase	*p;
	uint64_t		 i, us, spent = 0;
	double			 cpu0 = work_user_ms();
	char			 num[24], *d;

	for (i = 0; i < n; i++) {
		p = &ph[i % nph];
		us = p->total_us / p->lines +
		    (p->done++ < p->total_us % p->lines);
		if (spin) {	/* formatting is by hand: 10M lines/s */
			spent += us;
			burn_until(cpu0 + spent / 1e3);
		}
		out_put(o, p->head, p->headlen);
		d = num + sizeof num;
		*--d = '\n';
		do
			*--d = '0' + us % 10;
		while ((us /= 10) != 0);
		out_put(o, d, num + sizeof num - d);
		if (spin)
			out_flush_all();
	}
}
