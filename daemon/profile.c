/*
 * profile.c -- folded stacks read back, compressed for the database, and
 * their frames put in the user's categories.  Folding perf's output is
 * profile-fold.c; the hottest functions are profile-hot.c.
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "profile.h"
#include "xmalloc.h"

static const char	profile_other[] = "other";

/* Sets *err for line lineno; always -1. */
static int
parse_error(char **err, size_t lineno, const char *why)
{
	if (err != NULL)
		xasprintf(err, "line %zu: %s", lineno, why);
	return (-1);
}

/* The count token t (n bytes): digits only, positive, fits 64 bits. */
static int
parse_count(const char *t, size_t n, uint64_t *count)
{
	uint64_t	v = 0;
	size_t		i;

	if (n == 0)
		return (-1);
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)t[i]))
			return (-1);
		if (v > (UINT64_MAX - (t[i] - '0')) / 10)
			return (-1);
		v = v * 10 + (t[i] - '0');
	}
	if (v == 0)
		return (-1);
	*count = v;
	return (0);
}

/*
 * One folded line into st: the stack is copied once with its ';' turned
 * into NULs, so frames[0] owns the copy.
 */
static int
parse_line(const char *s, size_t n, size_t lineno, struct profile_stack *st,
    char **err)
{
	const char	*sp;
	char		*copy, *p;
	size_t		 sn, i, nf;

	if (memchr(s, '\0', n) != NULL)
		return (parse_error(err, lineno, "NUL byte"));
	for (sp = s + n; sp > s && sp[-1] != ' ' && sp[-1] != '\t'; sp--)
		;
	if (sp == s)
		return (parse_error(err, lineno, "no count"));
	if (parse_count(sp, s + n - sp, &st->count) != 0)
		return (parse_error(err, lineno,
		    "count not a positive integer"));
	sn = sp - s;
	while (sn > 0 && isspace((unsigned char)s[sn - 1]))
		sn--;
	if (sn == 0)
		return (parse_error(err, lineno, "no stack"));

	for (i = 0, nf = 1; i < sn; i++) {
		if (s[i] == ';')
			nf++;
	}
	copy = xstrndup(s, sn);
	st->frames = xreallocarray(NULL, nf, sizeof(*st->frames));
	st->nframes = 0;
	for (p = copy;; p++) {
		st->frames[st->nframes++] = p;
		if ((p = strchr(p, ';')) == NULL)
			break;
		*p = '\0';
	}
	for (i = 0; i < st->nframes; i++) {
		if (*st->frames[i] == '\0') {
			free(copy);
			free(st->frames);
			st->frames = NULL;
			return (parse_error(err, lineno, "empty frame"));
		}
	}
	return (0);
}

int
profile_stacks_parse(const char *buf, size_t len, struct profile_stacks *ps,
    char **err)
{
	struct profile_stack	 st;
	const char		*s = buf, *e = buf + len, *nl;
	size_t			 n, lineno = 0, alloc = 0;

	memset(ps, 0, sizeof(*ps));
	if (err != NULL)
		*err = NULL;
	while (s < e) {
		lineno++;
		if ((nl = memchr(s, '\n', e - s)) == NULL)
			nl = e;
		n = nl - s;
		while (n > 0 && isspace((unsigned char)s[n - 1]))
			n--;
		if (n > 0) {
			if (parse_line(s, n, lineno, &st, err) != 0)
				goto fail;
			if (ps->total + st.count < ps->total) {
				free(st.frames[0]);
				free(st.frames);
				parse_error(err, lineno, "counts overflow");
				goto fail;
			}
			if (ps->n == alloc) {
				alloc = alloc == 0 ? 64 : alloc * 2;
				ps->v = xreallocarray(ps->v, alloc,
				    sizeof(*ps->v));
			}
			ps->v[ps->n++] = st;
			ps->total += st.count;
		}
		s = nl + 1;
	}
	return (0);
fail:
	profile_stacks_free(ps);
	return (-1);
}

void
profile_stacks_free(struct profile_stacks *ps)
{
	size_t	i;

	for (i = 0; i < ps->n; i++) {
		free(ps->v[i].frames[0]);
		free(ps->v[i].frames);
	}
	free(ps->v);
	memset(ps, 0, sizeof(*ps));
}

int
profile_compress(const char *in, size_t inlen, unsigned char **out,
    size_t *outlen)
{
	z_stream	 z;
	unsigned char	*buf;
	size_t		 sz, len = 0, left = inlen, chunk;
	int		 r;

	memset(&z, 0, sizeof(z));
	if (deflateInit(&z, Z_DEFAULT_COMPRESSION) != Z_OK)
		return (-1);
	sz = inlen / 4 + 64;
	buf = xmalloc(sz);
	z.next_in = (Bytef *)(uintptr_t)in;
	do {
		if (z.avail_in == 0) {
			chunk = left < UINT_MAX ? left : UINT_MAX;
			z.avail_in = chunk;
			left -= chunk;
		}
		if (len == sz) {
			sz *= 2;
			buf = xreallocarray(buf, sz, 1);
		}
		chunk = sz - len < UINT_MAX ? sz - len : UINT_MAX;
		z.next_out = buf + len;
		z.avail_out = chunk;
		r = deflate(&z, left == 0 ? Z_FINISH : Z_NO_FLUSH);
		len += chunk - z.avail_out;
	} while (r == Z_OK || r == Z_BUF_ERROR);
	deflateEnd(&z);
	if (r != Z_STREAM_END) {
		free(buf);
		return (-1);
	}
	*out = buf;
	*outlen = len;
	return (0);
}

/*
 * The size stored beside a blob is not trusted: the output grows as the
 * stream inflates, up to max bytes, and the stream must end exactly at
 * the end of the input.
 */
int
profile_uncompress_max(const unsigned char *in, size_t inlen, size_t max,
    char **out, size_t *outlen)
{
	z_stream	 z;
	char		*buf;
	size_t		 sz, lim, len = 0, left = inlen, chunk;
	int		 r;

	memset(&z, 0, sizeof(z));
	if (inlen == 0 || inflateInit(&z) != Z_OK)
		return (-1);
	/* Room for one byte more than max tells a stream that is too long. */
	if (max == SIZE_MAX)
		max--;
	lim = max + 1;
	sz = inlen < lim / 4 ? inlen * 4 : lim;
	if (sz < 256)
		sz = 256 < lim ? 256 : lim;
	buf = xmalloc(sz + 1);
	z.next_in = (Bytef *)(uintptr_t)in;
	for (;;) {
		if (z.avail_in == 0 && left > 0) {
			chunk = left < UINT_MAX ? left : UINT_MAX;
			z.avail_in = chunk;
			left -= chunk;
		}
		if (len == sz) {
			if (sz >= lim)
				goto fail;
			sz = sz > lim / 2 ? lim : sz * 2;
			buf = xreallocarray(buf, sz + 1, 1);
		}
		chunk = sz - len < UINT_MAX ? sz - len : UINT_MAX;
		z.next_out = (Bytef *)buf + len;
		z.avail_out = chunk;
		r = inflate(&z, Z_NO_FLUSH);
		len += chunk - z.avail_out;
		if (r == Z_STREAM_END)
			break;
		if (r == Z_BUF_ERROR && z.avail_in == 0 && left == 0)
			goto fail;	/* truncated */
		if (r != Z_OK && r != Z_BUF_ERROR)
			goto fail;
	}
	if (z.avail_in != 0 || left != 0 || len > max)
		goto fail;		/* trailing bytes, or too long */
	inflateEnd(&z);
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return (0);
fail:
	inflateEnd(&z);
	free(buf);
	return (-1);
}

int
profile_uncompress(const unsigned char *in, size_t inlen, char **out,
    size_t *outlen)
{
	return (profile_uncompress_max(in, inlen, PROFILE_UNCOMPRESS_MAX, out,
	    outlen));
}

static int
has_prefix(const char *s, const char *prefix)
{
	return (strncmp(s, prefix, strlen(prefix)) == 0);
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t	n = strlen(s), m = strlen(suffix);

	return (n >= m && strcmp(s + n - m, suffix) == 0);
}

/*
 * Precedence, so that "llvm::" wins over the process it runs in: first a
 * symbol prefix of any category (categories and prefixes in config
 * order), then "kernel" for a frame ending in "_[k]", then "comm:X" for a
 * process name starting with X, else "other".  Empty prefixes match
 * nothing.
 */
const char *
profile_category_of(const struct profile_categories *cats, const char *frame,
    const char *comm)
{
	const struct profile_category	*c;
	const char			*p;
	size_t				 i, j;

	if (cats == NULL)
		return (profile_other);
	for (i = 0; i < cats->n; i++) {
		c = &cats->v[i];
		for (j = 0; j < c->nprefixes; j++) {
			p = c->prefixes[j];
			if (*p != '\0' && strcmp(p, "kernel") != 0 &&
			    !has_prefix(p, "comm:") && has_prefix(frame, p))
				return (c->name);
		}
	}
	if (ends_with(frame, PROFILE_KERNEL_SUFFIX)) {
		for (i = 0; i < cats->n; i++) {
			c = &cats->v[i];
			for (j = 0; j < c->nprefixes; j++) {
				if (strcmp(c->prefixes[j], "kernel") == 0)
					return (c->name);
			}
		}
	}
	for (i = 0; i < cats->n; i++) {
		c = &cats->v[i];
		for (j = 0; j < c->nprefixes; j++) {
			p = c->prefixes[j];
			if (comm != NULL && has_prefix(p, "comm:") &&
			    p[5] != '\0' && has_prefix(comm, p + 5))
				return (c->name);
		}
	}
	return (profile_other);
}
