/*
 * svgbuf.c -- the growing text buffer the flame graph and the history
 * chart print into.  It never fails: memory comes from xmalloc.  What goes
 * in as text (names, labels) is checked and escaped by each writer.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "svgbuf.h"
#include "xmalloc.h"

#define SVGBUF_FIRST	16384

/* Room for n more bytes and the NUL. */
static void
svgbuf_grow(struct svgbuf *b, size_t n)
{
	if (b->len + n + 1 <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = SVGBUF_FIRST;
	while (b->len + n + 1 > b->cap)
		b->cap *= 2;
	b->p = xreallocarray(b->p, b->cap, 1);
}

void
svgbuf_add(struct svgbuf *b, const char *s, size_t n)
{
	svgbuf_grow(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
svgbuf_puts(struct svgbuf *b, const char *s)
{
	svgbuf_add(b, s, strlen(s));
}

/* Numbers and markup; text from outside goes through the escapers. */
void
svgbuf_printf(struct svgbuf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("%s: vsnprintf failed", __func__);
	svgbuf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}
