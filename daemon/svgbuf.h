/* svgbuf.h -- the growing text buffer the SVG writers print into. */
#ifndef BENCHD_SVGBUF_H
#define BENCHD_SVGBUF_H

#include <stddef.h>

/* p stays NUL-terminated; a zeroed svgbuf is empty and ready. */
struct svgbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

void	svgbuf_add(struct svgbuf *, const char *, size_t);
void	svgbuf_puts(struct svgbuf *, const char *);
void	svgbuf_printf(struct svgbuf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
