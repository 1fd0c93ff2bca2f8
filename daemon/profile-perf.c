/*
 * profile-perf.c -- the pieces of a `perf script` line: tokens, frame
 * names, dsos and kernel addresses, for profile-fold.c.
 *
 * Nothing here keeps state or allocates; the rules these pieces serve are
 * written at the top of profile-fold.c.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "profile-int.h"

#define KERNEL_ADDR	0xffff800000000000ULL

static int
is_digit(int c)
{
	return (c >= '0' && c <= '9');
}

/*
 * Length of s without its "+0x..." offset, nor blanks before it: a name
 * ending in a blank would not read back from the folded text.
 */
size_t
fold_strip_offset(const char *s, size_t n)
{
	size_t	k = n;

	while (k > 0 && fold_hex_val(s[k - 1]) >= 0)
		k--;
	if (k == n || k < 3 || memcmp(s + k - 3, "+0x", 3) != 0)
		return (n);
	for (k -= 3; k > 0 && fold_is_space(s[k - 1]); k--)
		;
	return (k);
}

int
fold_span_eq(const char *s, size_t n, const char *lit)
{
	return (n == strlen(lit) && memcmp(s, lit, n) == 0);
}

static int
span_prefix(const char *s, size_t n, const char *lit)
{
	size_t	l = strlen(lit);

	return (n >= l && memcmp(s, lit, l) == 0);
}

int
fold_is_kernel(const char *dso, size_t dn, const char *base, size_t bn,
    uint64_t addr)
{
	if (span_prefix(dso, dn, "[kernel") ||
	    span_prefix(dso, dn, "[guest.kernel") ||
	    fold_span_eq(base, bn, "vmlinux"))
		return (1);
	/* Modules show as "[name]"; only the address tells them apart. */
	return (dn > 0 && dso[0] == '[' && addr >= KERNEL_ADDR &&
	    !fold_span_eq(dso, dn, "[unknown]") &&
	    !fold_span_eq(dso, dn, "[vsyscall]"));
}

/* Splits "sym (dso)" at the parenthesis matching the last one. */
void
fold_split_dso(const char *r, size_t rn, size_t *symlen, const char **dso,
    size_t *dsolen)
{
	size_t	p;
	int	depth = 0;

	*symlen = rn;
	*dso = r + rn;
	*dsolen = 0;
	if (rn == 0 || r[rn - 1] != ')')
		return;
	for (p = rn; p-- > 0;) {
		if (r[p] == ')')
			depth++;
		else if (r[p] == '(' && --depth == 0)
			break;
	}
	if (depth != 0 || p == 0 || r[p - 1] != ' ')
		return;
	*dso = r + p + 1;
	*dsolen = rn - p - 2;
	*symlen = p - 1;
	while (*symlen > 0 && fold_is_space(r[*symlen - 1]))
		(*symlen)--;
}

/* The next blank-separated token at or after *p, before e; 0 if none. */
int
fold_next_token(const char **p, const char *e, const char **t, size_t *tn)
{
	const char	*s = *p;

	while (s < e && fold_is_space(*s))
		s++;
	if (s == e)
		return (0);
	*t = s;
	while (s < e && !fold_is_space(*s))
		s++;
	*tn = s - *t;
	*p = s;
	return (1);
}

int
fold_tok_pid(const char *t, size_t n)
{
	size_t	i, digits = 0;
	int	slash = 0;

	for (i = 0; i < n; i++) {
		if (is_digit(t[i]))
			digits++;
		else if (t[i] == '/' && !slash && digits > 0 && i + 1 < n)
			slash = 1;
		else
			return (0);
	}
	return (digits > 0);
}

int
fold_tok_cpu(const char *t, size_t n)
{
	size_t	i;

	if (n < 3 || t[0] != '[' || t[n - 1] != ']')
		return (0);
	for (i = 1; i < n - 1; i++) {
		if (!is_digit(t[i]))
			return (0);
	}
	return (1);
}

/* "123.456:" */
int
fold_tok_time(const char *t, size_t n)
{
	size_t	i, dot = 0;

	if (n < 4 || t[n - 1] != ':' || !is_digit(t[0]))
		return (0);
	for (i = 0; i < n - 1; i++) {
		if (t[i] == '.' && dot == 0 && i + 2 < n)
			dot = i;
		else if (!is_digit(t[i]))
			return (0);
	}
	return (dot != 0);
}
