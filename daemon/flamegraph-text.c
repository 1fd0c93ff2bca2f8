/*
 * flamegraph-text.c -- the flame graph's text: checked as UTF-8 (a bad
 * byte becomes '?') and escaped for XML.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "flamegraph-int.h"
#include "html.h"

/*
 * Length of the character at p; *ok is 0 when it is not valid UTF-8 (then
 * the length is 1: each bad byte is one '?') or not an XML 1.0 character.
 */
static size_t
utf8_char(const unsigned char *p, int *ok)
{
	size_t	n;

	if (p[0] < 0x80) {
		*ok = p[0] >= 0x20 && p[0] != 0x7f;
		return (1);
	}
	n = html_utf8(p, SIZE_MAX);
	*ok = n != 0 && !(n == 3 && p[0] == 0xef && p[1] == 0xbf &&
	    p[2] >= 0xbe);			/* U+FFFE, U+FFFF */
	return (n != 0 ? n : 1);
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
	const unsigned char	*p = (const unsigned char *)s;
	const char		*e;
	size_t			 i, n;
	int			 ok;

	for (i = 0; *p != '\0' && i < max; i++, p += n) {
		n = utf8_char(p, &ok);
		if (!ok)
			svgbuf_add(b, "?", 1);
		else if ((e = html_entity(*p)) != NULL)
			svgbuf_puts(b, e);
		else
			svgbuf_add(b, (const char *)p, n);
	}
}
