/*
 * fuzz-timing.c -- libFuzzer target for the phase-timing line parser.
 *
 * The first input byte picks the prefixes (bit 0) and where the rest is
 * cut between stdout and stderr (bits 1-7).  The same two streams are fed
 * to several parsers: whole, in chunks whose sizes come from the first
 * byte, interleaved, and again after a reset.  timing.c promises that the
 * result does not depend on where the pipes cut the output, so all of
 * them must agree; each result must also keep the documented limits.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "timing.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char *const custom_prefixes[] = {
	"P", "ORI_BUILD_TIMING", "x.y-z_9"
};
#define NCUSTOM	(sizeof custom_prefixes / sizeof custom_prefixes[0])

/* The two streams the input was cut into. */
struct input {
	const char	*s[2];
	size_t		 len[2];
	uint8_t		 ctl;
};

static int
prefix_known(const char *prefix, int custom)
{
	size_t	i;

	if (!custom)
		return (strcmp(prefix, TIMING_PREFIX_BUILD) == 0 ||
		    strcmp(prefix, TIMING_PREFIX_TEST) == 0);
	for (i = 0; i < NCUSTOM; i++)
		if (strcmp(prefix, custom_prefixes[i]) == 0)
			return (1);
	return (0);
}

static int
cmp_phase(const void *a, const void *b)
{
	const struct timing_phase	*p, *q;
	int				 d;

	p = *(const struct timing_phase *const *)a;
	q = *(const struct timing_phase *const *)b;
	if ((d = strcmp(p->prefix, q->prefix)) != 0)
		return (d);
	return (strcmp(p->phase, q->phase));
}

/* The limits timing.h documents, checked on one finished parser. */
static void
check_limits(const struct timing *t, const struct input *in, int custom)
{
	const struct timing_phase	*p, *sorted[TIMING_PHASES_MAX];
	const char			*ex, *why;
	uint64_t			 sum = 0, lines;
	size_t				 i, n = timing_count(t), len;

	lines = fuzz_lines(in->s[0], in->len[0]) +
	    fuzz_lines(in->s[1], in->len[1]);
	FUZZ_CHECK(n <= TIMING_PHASES_MAX, "%zu phases", n);
	FUZZ_CHECK(timing_get(t, n) == NULL, "phase past the end");
	for (i = 0; i < n; i++) {
		p = timing_get(t, i);
		FUZZ_CHECK(p != NULL, "phase %zu missing", i);
		FUZZ_CHECK(prefix_known(p->prefix, custom), "prefix \"%s\"",
		    p->prefix);
		len = strlen(p->phase);
		FUZZ_CHECK(len >= 1 && len <= TIMING_PHASE_MAX, "phase of %zu "
		    "bytes", len);
		FUZZ_CHECK(fuzz_utf8_bad(p->phase, len, 1) == len,
		    "phase name not printable UTF-8");
		FUZZ_CHECK(strpbrk(p->phase, " \t") == NULL, "blank in phase");
		FUZZ_CHECK(p->count >= 1, "phase with no line");
		FUZZ_CHECK(p->max_ns <= p->total_ns, "max %llu > total %llu",
		    (unsigned long long)p->max_ns,
		    (unsigned long long)p->total_ns);
		if (p->count == 1)
			FUZZ_CHECK(p->max_ns == p->total_ns, "one line, max != "
			    "total");
		sorted[i] = p;
		sum += p->count;
	}
	qsort(sorted, n, sizeof *sorted, cmp_phase);
	for (i = 1; i < n; i++)
		FUZZ_CHECK(cmp_phase(&sorted[i - 1], &sorted[i]) != 0,
		    "phase %s listed twice", sorted[i]->phase);
	sum += timing_malformed(t);
	FUZZ_CHECK(sum <= lines, "%llu lines counted out of %llu",
	    (unsigned long long)sum, (unsigned long long)lines);

	ex = timing_malformed_example(t);
	why = timing_malformed_reason(t);
	FUZZ_CHECK((timing_malformed(t) == 0) == (why == NULL),
	    "malformed count and reason disagree");
	FUZZ_CHECK((ex == NULL) == (why == NULL),
	    "example and reason disagree");
	if (ex != NULL) {
		len = strlen(ex);
		FUZZ_CHECK(len <= TIMING_EXAMPLE_MAX * 4 + 3, "example of %zu "
		    "bytes", len);
		FUZZ_CHECK(fuzz_utf8_bad(ex, len, 1) == len, "example not "
		    "printable UTF-8 at byte %zu: %s",
		    fuzz_utf8_bad(ex, len, 1), ex);
	}
	FUZZ_CHECK(timing_pending(t, TIMING_STDOUT) == 0 &&
	    timing_pending(t, TIMING_STDERR) == 0, "bytes pending at the end");
}

static int
cmp_line(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/*
 * Everything a parser reports, in its order, as one string; sorted, only
 * what cannot depend on the order lines completed in.
 */
static char *
snapshot(const struct timing *t, int sorted)
{
	const struct timing_phase	*p;
	char				*s = NULL, **lines;
	size_t				 size = 0, i, n = timing_count(t);
	FILE				*f;

	if ((f = open_memstream(&s, &size)) == NULL)
		abort();
	lines = xcalloc(n + 1, sizeof *lines);
	for (i = 0; i < n; i++) {
		p = timing_get(t, i);
		xasprintf(&lines[i], "%s/%s %llu %llu %llu\n", p->prefix,
		    p->phase, (unsigned long long)p->count,
		    (unsigned long long)p->total_ns,
		    (unsigned long long)p->max_ns);
	}
	if (sorted)
		qsort(lines, n, sizeof *lines, cmp_line);
	for (i = 0; i < n; i++) {
		fputs(lines[i], f);
		free(lines[i]);
	}
	free(lines);
	fprintf(f, "malformed %llu", (unsigned long long)timing_malformed(t));
	if (!sorted && timing_malformed_reason(t) != NULL)
		fprintf(f, " (%s) %s", timing_malformed_reason(t),
		    timing_malformed_example(t));
	fclose(f);
	return (s);
}

/*
 * Feed both streams in chunks of 1 to 64 bytes from a generator seeded by
 * the control byte; interleaved swaps streams after every chunk.
 */
static void
feed_chunked(struct timing *t, const struct input *in, int interleaved)
{
	size_t		off[2] = { 0, 0 }, n;
	uint32_t	rnd = 2166136261u ^ in->ctl;
	int		i = 0;

	while (off[0] < in->len[0] || off[1] < in->len[1]) {
		if (off[i] == in->len[i] || (!interleaved && i == 1 &&
		    off[0] < in->len[0]))
			i = !i;
		rnd = rnd * 1103515245u + 12345u;
		n = 1 + (rnd >> 16) % 64;
		if (n > in->len[i] - off[i])
			n = in->len[i] - off[i];
		timing_feed(t, i, in->s[i] + off[i], n);
		off[i] += n;
		if (interleaved)
			i = !i;
	}
	timing_finish(t);
}

static void
feed_whole(struct timing *t, const struct input *in)
{
	timing_feed(t, TIMING_STDOUT, in->s[0], in->len[0]);
	timing_feed(t, TIMING_STDERR, in->s[1], in->len[1]);
	timing_finish(t);
}

static struct timing *
parser(int custom)
{
	return (custom ? timing_new(custom_prefixes, NCUSTOM) :
	    timing_new(NULL, 0));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input	 in;
	struct timing	*whole, *chunked, *mixed;
	char		*a, *b;
	size_t		 len, cut;
	int		 custom;

	if (size == 0)
		return (0);
	in.ctl = data[0];
	custom = in.ctl & 1;
	len = size - 1;
	cut = len * (in.ctl >> 1) / 127;
	in.s[0] = (const char *)data + 1;
	in.len[0] = cut;
	in.s[1] = (const char *)data + 1 + cut;
	in.len[1] = len - cut;

	whole = parser(custom);
	feed_whole(whole, &in);
	check_limits(whole, &in, custom);
	a = snapshot(whole, 0);

	/* Same order of line ends, other cuts: exactly the same result. */
	chunked = parser(custom);
	feed_chunked(chunked, &in, 0);
	check_limits(chunked, &in, custom);
	b = snapshot(chunked, 0);
	FUZZ_CHECK(strcmp(a, b) == 0, "whole and chunked differ:\n%s\n--\n%s",
	    a, b);
	free(b);

	/* A reset parser is a new one. */
	timing_reset(chunked);
	feed_whole(chunked, &in);
	b = snapshot(chunked, 0);
	FUZZ_CHECK(strcmp(a, b) == 0, "reset parser differs:\n%s\n--\n%s",
	    a, b);
	free(b);
	free(a);

	/*
	 * Streams interleaved: lines end in another order, so only the
	 * aggregates compare, and only while the phase table never filled.
	 */
	mixed = parser(custom);
	feed_chunked(mixed, &in, 1);
	check_limits(mixed, &in, custom);
	if (timing_count(whole) < TIMING_PHASES_MAX &&
	    timing_count(mixed) < TIMING_PHASES_MAX) {
		a = snapshot(whole, 1);
		b = snapshot(mixed, 1);
		FUZZ_CHECK(strcmp(a, b) == 0, "interleaving changed the "
		    "result:\n%s\n--\n%s", a, b);
		free(a);
		free(b);
	}

	timing_free(whole);
	timing_free(chunked);
	timing_free(mixed);
	return (0);
}
