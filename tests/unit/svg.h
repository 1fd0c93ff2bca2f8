/*
 * svg.h -- for the flame graph tests: flame_svg on stacks written as
 * "a;b;c 12" lines, a well-formedness check of the document (so the tests
 * need no xmllint) and lookups of a frame's attributes.
 */
#ifndef SVG_H
#define SVG_H

#include <stddef.h>

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

struct flame_opts;

char		*svg_render(const char *const *, size_t, const char *const *,
		    size_t, const struct flame_opts *);
void		 svg_check(const char *);
size_t		 svg_count(const char *, const char *);
const char	*svg_frame(const char *, const char *);
double		 svg_attr(const char *, const char *);
void		 svg_fill(const char *, int [3]);

#endif /* SVG_H */
