/* flamegraph-int.h -- what flamegraph.c takes from flamegraph-text.c. */
#ifndef BENCHD_FLAMEGRAPH_INT_H
#define BENCHD_FLAMEGRAPH_INT_H

#include <stddef.h>

#include "svgbuf.h"

/* flamegraph-text.c: text checked as UTF-8 and escaped for XML. */
void	fbuf_text(struct svgbuf *, const char *, size_t);
size_t	fbuf_chars(const char *);

#endif
