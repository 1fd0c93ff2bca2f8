/*
 * html.h -- text made safe for HTML and XML (the dashboard's pages, its
 * Atom feed, and the SVG charts and flame graphs), into the growing
 * buffer the SVG writers use.
 */
#ifndef BENCHD_HTML_H
#define BENCHD_HTML_H

#include <stddef.h>

#include "svgbuf.h"

/*
 * The length of the valid UTF-8 character at p (at most n bytes read), or
 * 0 when it is none: overlong forms, surrogates and code points past
 * U+10FFFF are not.  A NUL byte stops it, so n may be SIZE_MAX for a
 * NUL-terminated string.
 */
size_t	html_utf8(const unsigned char *, size_t);

/* "&amp;" for '&', and likewise < > " '; NULL for any other character. */
const char *html_entity(int);

/*
 * s as character data or a double-quoted attribute value: & < > " '
 * escaped, bytes that are not UTF-8 and characters XML 1.0 cannot carry
 * (controls but tab, newline and carriage return, U+FFFE, U+FFFF) as
 * U+FFFD.  NULL is "".
 */
void	html_text(struct svgbuf *, const char *);

/* The same for the first len bytes of s (which may hold NUL bytes). */
void	html_textn(struct svgbuf *, const char *, size_t);

/*
 * s percent-encoded for a path segment or a query value: every byte but
 * the unreserved A-Z a-z 0-9 - . _ ~ becomes %XX, so the result is also
 * safe in an attribute.
 */
void	html_url(struct svgbuf *, const char *);

#endif
