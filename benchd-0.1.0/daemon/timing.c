/*
 * timing.c -- phase-timing lines parsed from a workload's output streams.
 *
 * The runner feeds stdout and stderr here in whatever chunks the pipes
 * give.  Each stream keeps its own unfinished line, at most TIMING_LINE_MAX
 * bytes of it; a longer line is classified by its first TIMING_LINE_MAX
 * bytes and the rest is skipped without being held, so a workload can
 * print anything at any length and our memory stays fixed.  The result
 * does not depend on where the chunks were cut.
 *
 * Rules, in the order they are applied to a line (the bytes before '\n',
 * a trailing '\r' removed):
 *   - Leading blanks (space, tab) are skipped.  The line is a timing line
 *     only when PREFIX is followed at once by ':'; anything else, including
 *     a line that merely contains the prefix later, is ignored.
 *   - After the ':' come words separated by blanks.  KEY=VALUE words with
 *     keys phase, time_ms, time_us, time_ns are used; other keys and words
 *     without '=' are ignored, so producers may add fields.
 *   - Malformed (counted, first one kept, never fatal): more than
 *     TIMING_LINE_MAX bytes; no phase or phase given twice; a phase name
 *     that is empty, longer than TIMING_PHASE_MAX bytes, not UTF-8 or holds
 *     a control character; no time or more than one time key; a time that
 *     is not DIGITS or DIGITS.DIGITS (no sign, no exponent, no unit) or
 *     does not fit 64-bit nanoseconds; a new phase when TIMING_PHASES_MAX
 *     are already known.
 *   - Times are exact: the decimal is converted digit by digit to
 *     nanoseconds and rounded half up on the first digit beyond the
 *     nanosecond (time_ns=1.5 is 2 ns, time_us=0.0004 is 0 ns).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "timing.h"
#include "xmalloc.h"

#define TIMING_SLOTS	(2 * TIMING_PHASES_MAX)	/* power of two */

struct timing_ent {
	struct timing_phase	 pub;
	size_t			 prefix;	/* index into prefixes */
	size_t			 len;
	struct timing_ent	*next;		/* seen after this one last */
	char			 name[TIMING_PHASE_MAX + 1];
};

struct timing_stream {
	char		 buf[TIMING_LINE_MAX];
	size_t		 used;
	int		 skipping;	/* inside an overlong line */
};

struct timing {
	char			**prefixes;
	size_t			 *prefixlen;
	size_t			  nprefixes;
	unsigned char		  first[256];	/* first bytes of prefixes */

	struct timing_stream	  streams[2];

	struct timing_ent	 *ents;		/* TIMING_PHASES_MAX of them */
	size_t			  nents;
	uint16_t		  slots[TIMING_SLOTS];	/* ents index + 1 */
	struct timing_ent	 *last;		/* last phase hit */

	uint64_t		  malformed;
	const char		 *reason;
	char			  example[TIMING_EXAMPLE_MAX * 4 + 4];
};

/* The parts of one timing line. */
struct timing_words {
	const char	*phase;
	size_t		 phaselen;
	const char	*time;
	size_t		 timelen;
	int		 places;	/* decimal places from unit to ns */
	uint64_t	 ns;
};

static const char *const timing_defaults[] = {
	TIMING_PREFIX_BUILD,
	TIMING_PREFIX_TEST
};

/*
 * Length of the valid, printable UTF-8 character at s (1 to 4), or 0 for
 * a control character, a malformed or truncated sequence, an overlong
 * form or a surrogate.
 */
static size_t
timing_utf8(const unsigned char *s, size_t avail)
{
	unsigned char	c = s[0], lo = 0x80, hi = 0xbf;
	size_t		n, i;

	if (c < 0x80)
		return (c >= 0x20 && c != 0x7f);
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		if (c == 0xc2)
			lo = 0xa0;	/* U+0080 to U+009F are controls */
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return (0);
	if (avail < n || s[1] < lo || s[1] > hi)
		return (0);
	for (i = 2; i < n; i++) {
		if (s[i] < 0x80 || s[i] > 0xbf)
			return (0);
	}
	return (n);
}

/* A phase name we are willing to store and show: printable UTF-8. */
static int
timing_phase_ok(const char *name, size_t len)
{
	const unsigned char	*s = (const unsigned char *)name;
	size_t			 i, n;

	if (len == 0 || len > TIMING_PHASE_MAX)
		return (0);
	for (i = 0; i < len; i += n) {
		n = 1;
		if (s[i] > 0x20 && s[i] < 0x7f)
			continue;
		if ((n = timing_utf8(s + i, len - i)) == 0)
			return (0);
	}
	return (1);
}

/* Keep the first bad line, cut short and escaped so any JSON may hold it. */
static void
timing_keep_example(struct timing *t, const char *line, size_t len)
{
	const unsigned char	*s = (const unsigned char *)line;
	char			*out = t->example;
	size_t			 i, n, cut = len;

	if (cut > TIMING_EXAMPLE_MAX)
		cut = TIMING_EXAMPLE_MAX;
	for (i = 0; i < cut; i += n) {
		n = timing_utf8(s + i, cut - i);
		if (n == 0) {
			out += sprintf(out, "\\x%02x", s[i]);
			n = 1;
		} else if (s[i] == '\\') {
			*out++ = '\\';
			*out++ = '\\';
		} else {
			memcpy(out, s + i, n);
			out += n;
		}
	}
	if (cut < len) {
		memcpy(out, "...", 3);
		out += 3;
	}
	*out = '\0';
}

static void
timing_bad(struct timing *t, const char *line, size_t len, const char *why)
{
	t->malformed++;
	if (t->reason != NULL)
		return;
	t->reason = why;
	timing_keep_example(t, line, len);
}

/* v = v * 10 + d, or -1 past 64 bits. */
static inline int
timing_shift(uint64_t *v, unsigned int d)
{
	if (*v > UINT64_MAX / 10 ||
	    (*v == UINT64_MAX / 10 && d > UINT64_MAX % 10))
		return (-1);
	*v = *v * 10 + d;
	return (0);
}

/*
 * Convert DIGITS[.DIGITS] to nanoseconds exactly: places is how far the
 * decimal point moves (6 for ms, 3 for us, 0 for ns), the digit after
 * that rounds half up.  -1 when malformed or beyond 64 bits.
 */
static int
timing_number(const char *s, size_t len, int places, uint64_t *out)
{
	const char	*end = s + len, *frac = NULL, *p;
	uint64_t	 v = 0;
	unsigned int	 d;
	int		 i;

	if (len == 0)
		return (-1);
	for (p = s; p < end; p++) {
		if (*p == '.' && frac == NULL && p != s && p + 1 < end) {
			frac = p + 1;
			continue;
		}
		if (*p < '0' || *p > '9')
			return (-1);
		if (frac != NULL)
			continue;
		if (timing_shift(&v, *p - '0') == -1)
			return (-1);
	}
	for (i = 0; i < places; i++) {
		d = 0;
		if (frac != NULL && frac + i < end)
			d = frac[i] - '0';
		if (timing_shift(&v, d) == -1)
			return (-1);
	}
	if (frac != NULL && frac + places < end && frac[places] >= '5') {
		if (v == UINT64_MAX)
			return (-1);
		v++;
	}
	*out = v;
	return (0);
}

static uint32_t
timing_hash(size_t prefix, const char *name, size_t len)
{
	uint32_t	h = 2166136261u ^ (uint32_t)prefix;
	size_t		i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	return (h);
}

static inline int
timing_is(const struct timing_ent *e, size_t prefix, const char *name,
    size_t len)
{
	return (e != NULL && e->prefix == prefix && e->len == len &&
	    memcmp(e->name, name, len) == 0);
}

/*
 * Find or add a phase; NULL when the table is full.  Producers print their
 * phases in a fixed cycle (parse, typeck, ..., link, parse, ...), so the
 * phase that followed the last one last time is tried before the hash.
 */
static struct timing_ent *
timing_lookup(struct timing *t, size_t prefix, const char *name, size_t len)
{
	struct timing_ent	*last = t->last, *e;
	uint32_t		 slot;

	if (last != NULL) {
		if (timing_is(last->next, prefix, name, len))
			return (t->last = last->next);
		if (timing_is(last, prefix, name, len))
			return (last);
	}
	slot = timing_hash(prefix, name, len) & (TIMING_SLOTS - 1);
	for (;; slot = (slot + 1) & (TIMING_SLOTS - 1)) {
		if (t->slots[slot] == 0)
			break;
		e = &t->ents[t->slots[slot] - 1];
		if (timing_is(e, prefix, name, len))
			goto found;
	}
	if (t->nents == TIMING_PHASES_MAX)
		return (NULL);
	e = &t->ents[t->nents++];
	t->slots[slot] = t->nents;
	memset(e, 0, sizeof *e);
	e->prefix = prefix;
	e->len = len;
	memcpy(e->name, name, len);
	e->name[len] = '\0';
	e->pub.prefix = t->prefixes[prefix];
	e->pub.phase = e->name;
found:
	if (last != NULL)
		last->next = e;
	return (t->last = e);
}

/*
 * Which prefix starts the line (after blanks), with its ':' skipped;
 * -1 for none.  The first-byte table rejects most output at one load.
 */
static int
timing_match(const struct timing *t, const char **pp, const char *end)
{
	const char	*p = *pp;
	size_t		 i, n;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || !t->first[(unsigned char)*p])
		return (-1);
	for (i = 0; i < t->nprefixes; i++) {
		n = t->prefixlen[i];
		if ((size_t)(end - p) > n && p[n] == ':' &&
		    memcmp(p, t->prefixes[i], n) == 0) {
			*pp = p + n + 1;
			return ((int)i);
		}
	}
	return (-1);
}

/* Where the word at p ends: the next blank or the end of the line. */
static inline const char *
timing_word_end(const char *p, const char *end)
{
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	return (p);
}

/*
 * Split the words after the prefix into the phase and time values.
 * Returns why the line is malformed, or NULL.
 */
static const char *
timing_words(const char *p, const char *end, struct timing_words *w)
{
	const char	*v;

	while (p < end) {
		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		if (end - p >= 6 && memcmp(p, "phase=", 6) == 0) {
			if (w->phase != NULL)
				return ("phase given twice");
			w->phase = v = p + 6;
			p = timing_word_end(v, end);
			w->phaselen = p - v;
		} else if (end - p >= 8 && memcmp(p, "time_", 5) == 0 &&
		    p[6] == 's' && p[7] == '=' &&
		    (p[5] == 'm' || p[5] == 'u' || p[5] == 'n')) {
			if (w->time != NULL)
				return ("more than one time");
			w->places = p[5] == 'm' ? 6 : (p[5] == 'u' ? 3 : 0);
			w->time = v = p + 8;
			p = timing_word_end(v, end);
			w->timelen = p - v;
		} else
			p = timing_word_end(p, end);
	}
	if (w->phase == NULL)
		return ("no phase");
	if (w->time == NULL)
		return ("no time");
	if (!timing_phase_ok(w->phase, w->phaselen))
		return ("bad phase name");
	if (timing_number(w->time, w->timelen, w->places, &w->ns) == -1)
		return ("bad time");
	return (NULL);
}

/* One complete line of at most TIMING_LINE_MAX bytes. */
static void
timing_line(struct timing *t, const char *line, size_t len)
{
	struct timing_words	 w;
	struct timing_ent	*e;
	const char		*p = line, *why;
	int			 prefix;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if ((prefix = timing_match(t, &p, line + len)) == -1)
		return;
	memset(&w, 0, sizeof w);
	if ((why = timing_words(p, line + len, &w)) != NULL) {
		timing_bad(t, line, len, why);
		return;
	}
	e = timing_lookup(t, prefix, w.phase, w.phaselen);
	if (e == NULL) {
		timing_bad(t, line, len, "too many phases");
		return;
	}
	e->pub.count++;
	if (e->pub.total_ns > UINT64_MAX - w.ns)
		e->pub.total_ns = UINT64_MAX;
	else
		e->pub.total_ns += w.ns;
	if (w.ns > e->pub.max_ns)
		e->pub.max_ns = w.ns;
}

/* A line over TIMING_LINE_MAX bytes, judged by its first len bytes. */
static void
timing_overlong(struct timing *t, const char *start, size_t len)
{
	const char	*p = start;

	if (timing_match(t, &p, start + len) != -1)
		timing_bad(t, start, len, "line too long");
}

int
timing_prefix_valid(const char *prefix)
{
	size_t	i, len = strlen(prefix);

	if (len == 0 || len > TIMING_PREFIX_MAX)
		return (0);
	for (i = 0; i < len; i++) {
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789_.-", prefix[i]) == NULL)
			return (0);
	}
	return (1);
}

struct timing *
timing_new(char *const *prefixes, size_t nprefixes)
{
	struct timing	*t;
	const char	*s;
	size_t		 i;

	t = xcalloc(1, sizeof *t);
	t->ents = xcalloc(TIMING_PHASES_MAX, sizeof *t->ents);
	if (nprefixes == 0)
		nprefixes = sizeof timing_defaults / sizeof timing_defaults[0];
	t->prefixes = xcalloc(nprefixes, sizeof *t->prefixes);
	t->prefixlen = xcalloc(nprefixes, sizeof *t->prefixlen);
	t->nprefixes = nprefixes;
	for (i = 0; i < nprefixes; i++) {
		s = prefixes != NULL ? prefixes[i] : timing_defaults[i];
		if (!timing_prefix_valid(s))
			fatalx("%s: bad timing prefix \"%s\"", __func__, s);
		t->prefixes[i] = xstrdup(s);
		t->prefixlen[i] = strlen(s);
		t->first[(unsigned char)s[0]] = 1;
	}
	return (t);
}

void
timing_free(struct timing *t)
{
	size_t	i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nprefixes; i++)
		free(t->prefixes[i]);
	free(t->prefixes);
	free(t->prefixlen);
	free(t->ents);
	free(t);
}

void
timing_reset(struct timing *t)
{
	t->streams[0].used = t->streams[1].used = 0;
	t->streams[0].skipping = t->streams[1].skipping = 0;
	t->nents = 0;
	memset(t->slots, 0, sizeof t->slots);
	t->last = NULL;
	t->malformed = 0;
	t->reason = NULL;
	t->example[0] = '\0';
}

static void
timing_check_stream(int stream)
{
	if (stream != TIMING_STDOUT && stream != TIMING_STDERR)
		fatalx("timing: bad stream %d", stream);
}

void
timing_feed(struct timing *t, int stream, const void *data, size_t len)
{
	struct timing_stream	*s;
	const char		*p = data, *end = p + len, *nl;
	size_t			 n;

	timing_check_stream(stream);
	s = &t->streams[stream];

	while (p < end) {
		nl = memchr(p, '\n', end - p);
		if (s->skipping) {
			if (nl == NULL)
				return;
			s->skipping = 0;
			p = nl + 1;
			continue;
		}
		n = (nl != NULL ? nl : end) - p;
		if (s->used == 0 && nl != NULL) {
			/* The common case: a whole line inside the chunk. */
			if (n > TIMING_LINE_MAX)
				timing_overlong(t, p, TIMING_LINE_MAX);
			else
				timing_line(t, p, n);
			p = nl + 1;
			continue;
		}
		if (s->used + n <= TIMING_LINE_MAX) {
			memcpy(s->buf + s->used, p, n);
			s->used += n;
			if (nl == NULL)
				return;
			timing_line(t, s->buf, s->used);
			s->used = 0;
			p = nl + 1;
			continue;
		}
		/* Overlong: judge it by its first bytes, then let it go. */
		memcpy(s->buf + s->used, p, TIMING_LINE_MAX - s->used);
		timing_overlong(t, s->buf, TIMING_LINE_MAX);
		s->used = 0;
		if (nl == NULL) {
			s->skipping = 1;
			return;
		}
		p = nl + 1;
	}
}

void
timing_finish(struct timing *t)
{
	struct timing_stream	*s;
	int			 i;

	for (i = 0; i < 2; i++) {
		s = &t->streams[i];
		if (!s->skipping && s->used > 0)
			timing_line(t, s->buf, s->used);
		s->used = 0;
		s->skipping = 0;
	}
}

size_t
timing_count(const struct timing *t)
{
	return (t->nents);
}

const struct timing_phase *
timing_get(const struct timing *t, size_t i)
{
	if (i >= t->nents)
		return (NULL);
	return (&t->ents[i].pub);
}

uint64_t
timing_malformed(const struct timing *t)
{
	return (t->malformed);
}

const char *
timing_malformed_example(const struct timing *t)
{
	return (t->reason != NULL ? t->example : NULL);
}

const char *
timing_malformed_reason(const struct timing *t)
{
	return (t->reason);
}

size_t
timing_pending(const struct timing *t, int stream)
{
	timing_check_stream(stream);
	return (t->streams[stream].used);
}
