/* fuzz.h -- what the libFuzzer targets share: invariant checks, UTF-8. */
#ifndef BENCHD_FUZZ_H
#define BENCHD_FUZZ_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * A broken invariant is a crash: libFuzzer keeps the input that caused it.
 * abort() rather than fatalx(), so the report carries a stack trace.
 */
#define FUZZ_CHECK(cond, ...) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant (%s) broken: ",	\
		    __FILE__, __LINE__, #cond);				\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

/*
 * Length of the valid UTF-8 character at s (1 to 4), or 0 for a malformed
 * or truncated sequence, an overlong form, a surrogate or a code point
 * past U+10FFFF.  With printable, C0 and C1 controls and DEL are 0 too.
 * Written from RFC 3629's table, independently of the daemon's own code,
 * so the two can disagree.
 */
static inline size_t
fuzz_utf8_len(const unsigned char *s, size_t avail, int printable)
{
	unsigned int	cp, min;
	size_t		n, i;

	if (s[0] < 0x80) {
		if (printable && (s[0] < 0x20 || s[0] == 0x7f))
			return (0);
		return (1);
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
		min = 0x10000;
	} else
		return (0);
	if (avail < n)
		return (0);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return (0);
	if (printable && cp <= 0x9f)
		return (0);
	return (n);
}

/* Lines in p: its newlines, plus an unfinished last line. */
static inline size_t
fuzz_lines(const void *p, size_t len)
{
	const char	*s = p;
	size_t		 n = 0, i;

	for (i = 0; i < len; i++)
		n += s[i] == '\n';
	if (len > 0 && s[len - 1] != '\n')
		n++;
	return (n);
}

/* Offset of the first byte that breaks the rule, or len when none does. */
static inline size_t
fuzz_utf8_bad(const void *p, size_t len, int printable)
{
	const unsigned char	*s = p;
	size_t			 i, n;

	for (i = 0; i < len; i += n) {
		if ((n = fuzz_utf8_len(s + i, len - i, printable)) == 0)
			return (i);
	}
	return (len);
}

#endif
