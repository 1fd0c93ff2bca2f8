/*
 * profile-fold.c -- `perf script` text folded into stacks, as it streams.
 *
 * The text comes in chunks of any size; only the line being cut by a
 * chunk boundary is carried over, and memory grows with the number of
 * distinct stacks, never with the input.  A sample is a header line
 *	"comm  pid[/tid] [cpu] time: period event: [frame]"
 * (comm may hold spaces, and perf right-aligns it when there is no call
 * chain), then frame lines "\t addr symbol+0xoff (dso)", leaf first, then
 * a blank line.  Rules, so that anyone can recompute a profile by hand:
 *  - the pid token is the first token after the first that is digits or
 *    digits/digits and is followed by the time ("123.456:"), maybe with
 *    "[cpu]" between; comm is the text before it, trailing blanks
 *    removed (so "rustc 2" stays whole);
 *  - the event is the first token after the time that ends in ':'; a
 *    frame after it on the header line (perf record without -g) is the
 *    sample's only frame; no frame leaves just comm;
 *  - "+0x..." offsets go, with blanks before them; kernel frames (dso
 *    "[kernel...", "[guest.kernel...", a vmlinux, or a bracketed module
 *    at a kernel address) get "_[k]"; an "[unknown]" symbol is named
 *    after its dso: "[libc.so.6]" (basename), or the dso itself when it
 *    is already bracketed ("[vdso]"), else "[unknown]";
 *  - unwinding without frame pointers ends in "[unknown] ([unknown])"
 *    frames whose addresses are garbage (or 0): they name nothing, so the
 *    run of them at the root end is dropped (the leaf always stays);
 *  - ';' in a name becomes ':' so the folded format holds;
 *  - a line that is neither blank, '#' comment, frame nor header is
 *    skipped and counted, as is one with a NUL byte or over
 *    FOLD_LINE_MAX bytes;
 *  - each sample counts 1, whatever its period.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "profile-int.h"
#include "xmalloc.h"

/* Longer lines are dropped: a bound on what one line may cost. */
#define FOLD_LINE_MAX	(256 * 1024)
/* perf's own default is 127; deeper frames (root side) are dropped. */
#define FOLD_FRAMES_MAX	4096

struct fold_entry {
	char		*key;		/* NULL: free slot */
	size_t		 len;
	uint64_t	 hash;
	uint64_t	 count;
};

struct fold_frame {
	size_t		 off;		/* into sbuf */
	size_t		 len;
	int		 junk;		/* "[unknown] ([unknown])" */
};

struct profile_fold {
	char			*line;		/* a line cut by a chunk */
	size_t			 linelen;
	size_t			 linesz;
	int			 linelong;

	int			 insample;
	char			*sbuf;		/* comm, then frame names */
	size_t			 slen;
	size_t			 ssz;
	size_t			 commlen;
	struct fold_frame	*frames;
	size_t			 nframes;
	size_t			 framesz;

	char			*kbuf;		/* the stack being looked up */
	size_t			 ksz;

	struct fold_entry	*tab;
	size_t			 tabsz;		/* a power of two */
	size_t			 ntab;

	uint64_t		 samples;
	uint64_t		 skipped;
};

struct profile_fold *
profile_fold_new(void)
{
	struct profile_fold	*pf;

	pf = xcalloc(1, sizeof(*pf));
	pf->tabsz = 1024;
	pf->tab = xcalloc(pf->tabsz, sizeof(*pf->tab));
	return (pf);
}

/* Grows *buf so that it holds at least need bytes. */
static void
fold_reserve(char **buf, size_t *sz, size_t need)
{
	size_t	n;

	if (need <= *sz)
		return;
	n = *sz == 0 ? 256 : *sz;
	while (n < need)
		n *= 2;
	*buf = xreallocarray(*buf, n, 1);
	*sz = n;
}

static uint64_t
fold_hash(const char *s, size_t n)
{
	uint64_t	h = 0xcbf29ce484222325ULL;
	size_t		i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return (h ^ (h >> 29));
}

static void
fold_grow(struct profile_fold *pf)
{
	struct fold_entry	*old = pf->tab;
	size_t			 oldsz = pf->tabsz, i, j;

	pf->tabsz *= 2;
	pf->tab = xcalloc(pf->tabsz, sizeof(*pf->tab));
	for (i = 0; i < oldsz; i++) {
		if (old[i].key == NULL)
			continue;
		j = old[i].hash & (pf->tabsz - 1);
		while (pf->tab[j].key != NULL)
			j = (j + 1) & (pf->tabsz - 1);
		pf->tab[j] = old[i];
	}
	free(old);
}

/* Counts one sample of the stack in kbuf. */
static void
fold_count(struct profile_fold *pf, size_t len)
{
	struct fold_entry	*e;
	uint64_t		 h;
	size_t			 i;

	h = fold_hash(pf->kbuf, len);
	for (i = h & (pf->tabsz - 1); (e = &pf->tab[i])->key != NULL;
	    i = (i + 1) & (pf->tabsz - 1)) {
		if (e->hash == h && e->len == len &&
		    memcmp(e->key, pf->kbuf, len) == 0) {
			e->count++;
			return;
		}
	}
	e->key = xstrndup(pf->kbuf, len);
	e->len = len;
	e->hash = h;
	e->count = 1;
	if (++pf->ntab * 10 > pf->tabsz * 7)
		fold_grow(pf);
}

/* Ends the open sample: builds its stack root first and counts it. */
static void
fold_flush(struct profile_fold *pf)
{
	struct fold_frame	*f;
	size_t			 n, i, len;

	if (!pf->insample)
		return;
	pf->insample = 0;
	n = pf->nframes;
	while (n > 1 && pf->frames[n - 1].junk)
		n--;
	len = pf->commlen;
	for (i = 0; i < n; i++)
		len += 1 + pf->frames[i].len;
	fold_reserve(&pf->kbuf, &pf->ksz, len + 1);
	memcpy(pf->kbuf, pf->sbuf, pf->commlen);
	len = pf->commlen;
	while (n-- > 0) {
		f = &pf->frames[n];
		pf->kbuf[len++] = ';';
		memcpy(pf->kbuf + len, pf->sbuf + f->off, f->len);
		len += f->len;
	}
	fold_count(pf, len);
	pf->samples++;
}

/* Appends a name to sbuf, with ';' made ':'. */
static void
fold_append(struct profile_fold *pf, const char *s, size_t n)
{
	char	*d, *e, *p;

	fold_reserve(&pf->sbuf, &pf->ssz, pf->slen + n);
	d = pf->sbuf + pf->slen;
	memcpy(d, s, n);
	pf->slen += n;
	e = d + n;
	while ((p = memchr(d, ';', e - d)) != NULL) {
		*p = ':';
		d = p + 1;
	}
}

/* Adds the frame "addr symbol (dso)" in s to the open sample, if it is one. */
static int
fold_frame(struct profile_fold *pf, const char *s, size_t n)
{
	struct fold_frame	*f;
	const char		*e = s + n, *sym, *dso, *base;
	size_t			 sn, dn, bn;
	uint64_t		 addr = 0;
	int			 unknown;

	while (s < e && fold_is_space(*s))
		s++;
	while (e > s && fold_is_space(e[-1]))
		e--;
	if (s == e || fold_hex_val(*s) < 0)
		return (0);
	for (; s < e && !fold_is_space(*s); s++) {
		if (fold_hex_val(*s) < 0)
			return (0);
		if (addr <= UINT64_MAX >> 4)
			addr = addr << 4 | (uint64_t)fold_hex_val(*s);
		else
			addr = UINT64_MAX;
	}
	while (s < e && fold_is_space(*s))
		s++;
	sym = s;
	fold_split_dso(sym, e - sym, &sn, &dso, &dn);
	sn = fold_strip_offset(sym, sn);
	if (sn == 0) {
		sym = "[unknown]";
		sn = strlen(sym);
	}
	base = dso + dn;
	while (base > dso && base[-1] != '/')
		base--;
	bn = dso + dn - base;

	if (pf->nframes == FOLD_FRAMES_MAX)
		return (1);
	if (pf->nframes == pf->framesz) {
		pf->framesz = pf->framesz == 0 ? 64 : pf->framesz * 2;
		pf->frames = xreallocarray(pf->frames, pf->framesz,
		    sizeof(*pf->frames));
	}
	f = &pf->frames[pf->nframes++];
	f->off = pf->slen;
	unknown = fold_span_eq(sym, sn, "[unknown]");
	f->junk = unknown && (dn == 0 || fold_span_eq(dso, dn, "[unknown]"));
	if (!unknown || f->junk)
		fold_append(pf, sym, sn);
	else if (dso[0] == '[')
		fold_append(pf, dso, dn);
	else {
		fold_append(pf, "[", 1);
		fold_append(pf, base, bn);
		fold_append(pf, "]", 1);
	}
	/* A name ending in a blank ("([unknown]x )") would not read back. */
	while (pf->slen > f->off && fold_is_space(pf->sbuf[pf->slen - 1]))
		pf->slen--;
	if (pf->slen == f->off)
		fold_append(pf, "[unknown]", 9);
	if (fold_is_kernel(dso, dn, base, bn, addr))
		fold_append(pf, PROFILE_KERNEL_SUFFIX,
		    strlen(PROFILE_KERNEL_SUFFIX));
	f->len = pf->slen - f->off;
	return (1);
}

/* Opens a sample from a header line; 0 if s is not one. */
static int
fold_header(struct profile_fold *pf, const char *s, size_t n)
{
	const char	*e = s + n, *p, *q, *t, *u, *pid = NULL;
	size_t		 tn, un;
	int		 first = 1;

	while (s < e && *s == ' ')
		s++;
	p = s;
	while (fold_next_token(&p, e, &t, &tn)) {
		q = p;
		if (!first && fold_tok_pid(t, tn) &&
		    fold_next_token(&q, e, &u, &un) &&
		    (!fold_tok_cpu(u, un) || fold_next_token(&q, e, &u, &un)) &&
		    fold_tok_time(u, un)) {
			pid = t;
			p = q;
			break;
		}
		first = 0;
	}
	if (pid == NULL)
		return (0);

	fold_flush(pf);
	pf->insample = 1;
	pf->slen = pf->nframes = 0;
	while (pid > s && fold_is_space(pid[-1]))
		pid--;
	fold_append(pf, s, pid - s);
	pf->commlen = pf->slen;

	while (fold_next_token(&p, e, &t, &tn)) {
		if (t[tn - 1] == ':') {
			fold_frame(pf, p, e - p);
			break;
		}
	}
	return (1);
}

/* One complete line, without its newline. */
static void
fold_line(struct profile_fold *pf, const char *s, size_t n, int toolong)
{
	size_t	i;

	if (toolong || memchr(s, '\0', n) != NULL) {
		pf->skipped++;
		return;
	}
	for (i = 0; i < n && fold_is_space(s[i]); i++)
		;
	if (i == n) {
		fold_flush(pf);
		return;
	}
	if (s[0] == '#')
		return;
	if (s[0] == '\t') {
		if (pf->insample)
			fold_frame(pf, s, n);
		return;
	}
	if (fold_header(pf, s, n))
		return;
	if (s[0] == ' ' && pf->insample && fold_frame(pf, s, n))
		return;
	fold_flush(pf);
	pf->skipped++;
}

/* Keeps up to FOLD_LINE_MAX bytes of a line cut by a chunk. */
static void
fold_carry(struct profile_fold *pf, const char *s, size_t n)
{
	if (pf->linelong || pf->linelen + n > FOLD_LINE_MAX) {
		pf->linelong = 1;
		return;
	}
	fold_reserve(&pf->line, &pf->linesz, pf->linelen + n);
	memcpy(pf->line + pf->linelen, s, n);
	pf->linelen += n;
}

/* Folds the line carried over, now that it is complete. */
static void
fold_carried(struct profile_fold *pf)
{
	fold_line(pf, pf->line, pf->linelen, pf->linelong);
	pf->linelen = 0;
	pf->linelong = 0;
}

void
profile_fold_feed(struct profile_fold *pf, const char *buf, size_t len)
{
	const char	*nl;
	size_t		 n;

	while (len > 0) {
		if ((nl = memchr(buf, '\n', len)) == NULL) {
			fold_carry(pf, buf, len);
			return;
		}
		n = nl - buf;
		if (pf->linelen > 0 || pf->linelong) {
			fold_carry(pf, buf, n);
			fold_carried(pf);
		} else
			fold_line(pf, buf, n, n > FOLD_LINE_MAX);
		buf += n + 1;
		len -= n + 1;
	}
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct fold_entry	*x = *(const struct fold_entry * const *)a;
	const struct fold_entry	*y = *(const struct fold_entry * const *)b;

	return (strcmp(x->key, y->key));
}

char *
profile_fold_finish(struct profile_fold *pf, size_t *outlen)
{
	struct fold_entry	**v;
	char			*out;
	size_t			 i, n = 0, len = 0, sz;

	if (pf->linelen > 0 || pf->linelong)
		fold_carried(pf);
	fold_flush(pf);

	v = xreallocarray(NULL, pf->ntab, sizeof(*v));
	for (i = 0; i < pf->tabsz; i++) {
		if (pf->tab[i].key != NULL) {
			v[n++] = &pf->tab[i];
			len += pf->tab[i].len + 22;
		}
	}
	qsort(v, n, sizeof(*v), cmp_entry);
	sz = len + 1;
	out = xmalloc(sz);
	len = 0;
	for (i = 0; i < n; i++) {
		memcpy(out + len, v[i]->key, v[i]->len);
		len += v[i]->len;
		len += snprintf(out + len, sz - len, " %llu\n",
		    (unsigned long long)v[i]->count);
	}
	out[len] = '\0';
	free(v);
	if (outlen != NULL)
		*outlen = len;
	return (out);
}

uint64_t
profile_fold_samples(const struct profile_fold *pf)
{
	return (pf->samples);
}

uint64_t
profile_fold_skipped(const struct profile_fold *pf)
{
	return (pf->skipped);
}

void
profile_fold_free(struct profile_fold *pf)
{
	size_t	i;

	if (pf == NULL)
		return;
	for (i = 0; i < pf->tabsz; i++)
		free(pf->tab[i].key);
	free(pf->tab);
	free(pf->line);
	free(pf->sbuf);
	free(pf->frames);
	free(pf->kbuf);
	free(pf);
}
