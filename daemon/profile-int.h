/* profile-int.h -- what profile-fold.c takes from profile-perf.c. */
#ifndef BENCHD_PROFILE_INT_H
#define BENCHD_PROFILE_INT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Called for every byte of the text, so inline: a call each costs about a
 * sixth of the folding speed.
 */

/* The value of a hex digit, or -1: no locale in the way. */
static inline int
fold_hex_val(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

static inline int
fold_is_space(int c)
{
	return (c == ' ' || (c >= '\t' && c <= '\r'));
}

/* profile-perf.c: each looks at a span (start, length) of one line. */
size_t	fold_strip_offset(const char *, size_t);
int	fold_span_eq(const char *, size_t, const char *);
int	fold_is_kernel(const char *, size_t, const char *, size_t, uint64_t);
void	fold_split_dso(const char *, size_t, size_t *, const char **,
	    size_t *);
int	fold_next_token(const char **, const char *, const char **, size_t *);
/* "pid" or "pid/tid"; "[cpu]"; "123.456:" */
int	fold_tok_pid(const char *, size_t);
int	fold_tok_cpu(const char *, size_t);
int	fold_tok_time(const char *, size_t);

#endif
