/* flamegraph.h -- folded stacks drawn as a standalone SVG flame graph. */
#ifndef BENCHD_FLAMEGRAPH_H
#define BENCHD_FLAMEGRAPH_H

struct profile_stacks;

#define FLAME_WIDTH	1200	/* default image width, px */
#define FLAME_MIN_WIDTH	200	/* narrower requests are widened to this */
#define FLAME_MAX_WIDTH	100000	/* and wider ones narrowed to this */

/*
 * category names the colour family of a frame of a stack whose process
 * is comm; it is called once per drawn frame and its answer is used
 * before the next call.  Known families: "kernel" (orange), "link",
 * "linker" or "ld" (purple), "llvm" (yellow), "compiler" or "rustc"
 * (green), "other" (warm red); any other name gets a hue of its own
 * derived from the name.  NULL category (or an answer of NULL or
 * "other"): frames ending in "_[k]" are "kernel", the rest "other".
 */
struct flame_opts {
	const char	*title;		/* NULL: "Flame Graph" */
	const char	*subtitle;	/* NULL: none */
	int		 width;		/* px; 0: FLAME_WIDTH */
	const char	*(*category)(void *, const char *, const char *);
	void		*arg;
};

/*
 * The SVG document (allocated, NUL-terminated) for cur.  With base, a
 * differential graph: widths from cur, colours from the change of each
 * frame's share of all samples since base.  opts may be NULL.
 */
char	*flame_svg(const struct profile_stacks *, const struct profile_stacks *,
	    const struct flame_opts *);

#endif /* BENCHD_FLAMEGRAPH_H */
