/*
 * html.c -- text escaped for HTML and XML: the five characters markup
 * gives meaning to, the check of UTF-8 the SVG writers share, and
 * html_text, which makes any string from data safe in a document.
 *
 * Every string that comes from data (suite names, labels, reasons, phase
 * and function names, parameter values, a failed run's output) goes
 * through html_text before it reaches a page of the dashboard; markup is
 * written only by the page code itself.  Invalid UTF-8 and characters XML
 * cannot carry become U+FFFD, so the same text is valid in the XML of the
 * Atom feed.
 */
#include "config.h"

#include <string.h>

#include "html.h"
#include "svgbuf.h"

#define REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD */

size_t
html_utf8(const unsigned char *p, size_t n)
{
	unsigned char	lo = 0x80, hi = 0xbf;
	size_t		len, i;

	if (p[0] < 0x80)
		return (1);
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return (0);
	if (len > n)
		return (0);
	if (p[0] == 0xe0)
		lo = 0xa0;		/* overlong */
	else if (p[0] == 0xed)
		hi = 0x9f;		/* surrogates */
	else if (p[0] == 0xf0)
		lo = 0x90;		/* overlong */
	else if (p[0] == 0xf4)
		hi = 0x8f;		/* past U+10FFFF */
	if (p[1] < lo || p[1] > hi)
		return (0);
	for (i = 2; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return (0);
	return (len);
}

const char *
html_entity(int c)
{
	switch (c) {
	case '&':
		return ("&amp;");
	case '<':
		return ("&lt;");
	case '>':
		return ("&gt;");
	case '"':
		return ("&quot;");
	case '\'':
		return ("&apos;");
	}
	return (NULL);
}

void
html_textn(struct svgbuf *b, const char *s, size_t len)
{
	const unsigned char	*p;
	const char		*e;
	size_t			 i = 0, run = 0, n;

	/* Runs of characters that need nothing are copied whole. */
	while (i + run < len) {
		p = (const unsigned char *)s + i + run;
		if ((*p >= 0x20 && *p < 0x7f && html_entity(*p) == NULL) ||
		    *p == '\t' || *p == '\n' || *p == '\r') {
			run++;
			continue;
		}
		n = *p >= 0x80 ? html_utf8(p, len - i - run) : 0;
		if (n != 0 && !(n == 3 && p[0] == 0xef && p[1] == 0xbf &&
		    p[2] >= 0xbe)) {
			run += n;
			continue;
		}
		svgbuf_add(b, s + i, run);
		i += run;
		run = 0;
		if ((e = html_entity(*p)) != NULL)
			svgbuf_puts(b, e);
		else {
			/* U+FFFE, U+FFFF whole; a bad sequence byte by byte. */
			svgbuf_puts(b, REPLACEMENT);
			i += n != 0 ? n - 1 : 0;
		}
		i++;
	}
	svgbuf_add(b, s + i, run);
}

void
html_text(struct svgbuf *b, const char *s)
{
	if (s != NULL)
		html_textn(b, s, strlen(s));
}

void
html_url(struct svgbuf *b, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p;
	char			 esc[3];

	if (s == NULL)
		return;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL) {
			svgbuf_add(b, (const char *)p, 1);
			continue;
		}
		esc[0] = '%';
		esc[1] = hex[*p >> 4];
		esc[2] = hex[*p & 0xf];
		svgbuf_add(b, esc, 3);
	}
}
