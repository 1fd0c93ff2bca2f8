/*
 * flamegraph-text.c -- the flame graph's text: checked as UTF-8 (a bad
 * byte becomes '?') and escaped for XML.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "flamegraph-int.h"

/*
 * Length of the character at p; *ok is 0 when it is not valid UTF-8 (then
 * the length is 1: each bad byte is one '?') or not an XML 1.0 character.
 */
static size_t
utf8_char(const unsigned char *p, int *ok)
{
	unsigned char	lo = 0x80, hi = 0xbf;
	size_t		n = 0, i;

	if (p[0] < 0x80) {
		*ok = p[0] >= 0x20 && p[0] != 0x7f;
		return (1);
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	if (p[0] == 0xe0 || p[0] == 0xf0)
		lo = p[0] == 0xe0 ? 0xa0 : 0x90;	/* overlong */
	else if (p[0] == 0xed)
		hi = 0x9f;				/* surrogates */
	else if (p[0] == 0xf4)
		hi = 0x8f;				/* > U+10FFFF */
	*ok = n != 0 && p[1] >= lo && p[1] <= hi;
	for (i = 2; *ok && i < n; i++)
		*ok = (p[i] & 0xc0) == 0x80;
	if (!*ok)
		return (1);
	if (n == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe)
		*ok = 0;				/* U+FFFE, U+FFFF */
	return (n);
}

/* Characters in s as fbuf_text counts them. */
size_t
fbuf_chars(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = 0;
	int			 ok;

	while (*p != '\0') {
		p += utf8_char(p, &ok);
		n++;
	}
	return (n);
}

/* The first max characters of s, escaped for XML text and attributes. */
void
fbuf_text(struct svgbuf *b, const char *s, size_t max)
{
	static const char	 special[] = "&<>\"'";
	static const char	*entity[] = { "&amp;", "&lt;", "&gt;", "&quot;",
	    "&apos;" };
	const unsigned char	*p = (const unsigned char *)s;
	const char		*e;
	size_t			 i, n;
	int			 ok;

	for (i = 0; *p != '\0' && i < max; i++, p += n) {
		n = utf8_char(p, &ok);
		if (!ok)
			svgbuf_add(b, "?", 1);
		else if ((e = strchr(special, *p)) != NULL)
			svgbuf_puts(b, entity[e - special]);
		else
			svgbuf_add(b, (const char *)p, n);
	}
}
