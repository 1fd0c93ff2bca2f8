/*
 * flamegraph.c -- benchd's own SVG flame graph renderer.
 *
 * Every frame of the graph is a contiguous range of the stacks, which are
 * ordered one level at a time: when a frame at depth d is laid out, only
 * its own range is ordered by frame d, so its children are the runs of
 * equal names, in name order (as flamegraph.pl orders them), and the same
 * input always gives the same bytes.  The long common prefixes of deep
 * stacks are never compared again, and ranges too narrow to draw are never
 * ordered at all.  Frames are laid out breadth first from the root without
 * building a tree.  A differential graph orders the base stacks alongside,
 * so frames match by their full path.
 *
 * Frames narrower than FLAME_MIN_PX are neither drawn nor descended into:
 * they could not be seen or hovered, and skipping them keeps the document
 * (and the work) bounded by the image size rather than by the number of
 * distinct stacks -- at most (width / FLAME_MIN_PX) frames per level.
 *
 * The document is standalone: no script, no external font or image;
 * hovering a frame shows its <title>.  Text is XML-escaped, and bytes
 * that are not valid UTF-8 (or characters XML may not carry) become '?'
 * (flamegraph-text.c).
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "flamegraph.h"
#include "flamegraph-int.h"
#include "profile.h"
#include "xmalloc.h"

#define FLAME_MIN_PX	0.1	/* narrower frames are pruned */
#define FRAME_H		16	/* px per level, including a 1 px gap */
#define XPAD		10	/* left and right margin */
#define PAD_BOTTOM	10
#define FONT_PX		12
#define CHAR_W		(FONT_PX * 0.59)	/* estimated Verdana advance */
#define LABEL_PAD	3	/* text inset on each side of its rect */
#define NEUTRAL_RGB	220	/* grey: unchanged frames, the root */

/*
 * A stack and its frame at the depth its range was last sorted by; a copy
 * of the stack's fields saves a cache miss per stack and level.
 */
struct fent {
	const char	 *key;		/* NULL: the stack ends above */
	char *const	 *frames;
	size_t		  nframes;
	uint64_t	  count;
	int		  same;		/* key equals the previous */
};

/* The stacks of one profile. */
struct fset {
	struct fent	*v;
	size_t		 n;
	uint64_t	 total;
};

/* One drawn frame: stacks [lo, hi) of cur and [blo, bhi) of base. */
struct fitem {
	size_t		 lo, hi;
	size_t		 blo, bhi;
	size_t		 depth;		/* 0: the root "all" */
	uint64_t	 off;		/* samples left of it */
	uint64_t	 count;
	uint64_t	 bcount;
	const char	*name;
	const char	*comm;
};

struct flame {
	struct fset	 cur;
	struct fset	 base;
	int		 diff;
	int		 width;
	double		 scale;		/* px per sample */
	struct fitem	*items;
	size_t		 nitems;
	size_t		 cap;
};

/* Colour family of a category name. */
struct fpalette {
	const char	*name;
	double		 h, s, l;
};

static const struct fpalette fpalettes[] = {
	{ "kernel", 32, 0.90, 0.55 },	{ "link", 280, 0.45, 0.65 },
	{ "linker", 280, 0.45, 0.65 },	{ "ld", 280, 0.45, 0.65 },
	{ "llvm", 54, 0.80, 0.55 },	{ "compiler", 110, 0.45, 0.55 },
	{ "rustc", 110, 0.45, 0.55 },	{ "other", 4, 0.70, 0.62 },
};

static uint32_t
fnv1a(const char *s)
{
	uint32_t	h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return (h);
}

static int
key_cmp(const char *x, const char *y)
{
	if (x == y)
		return (0);
	if (x == NULL || y == NULL)
		return (x == NULL ? -1 : 1);
	return (strcmp(x, y));
}

/* Stacks that end first, then by name. */
static int
fent_cmp(const void *a, const void *b)
{
	return (key_cmp(((const struct fent *)a)->key,
	    ((const struct fent *)b)->key));
}

static void
fset_init(struct fset *fs, const struct profile_stacks *ps)
{
	size_t	i;

	fs->n = ps != NULL ? ps->n : 0;
	fs->v = xreallocarray(NULL, fs->n, sizeof(*fs->v));
	fs->total = 0;
	for (i = 0; i < fs->n; i++) {
		fs->v[i].frames = ps->v[i].frames;
		fs->v[i].nframes = ps->v[i].nframes;
		fs->v[i].count = ps->v[i].count;
		fs->total += ps->v[i].count;
	}
}

/*
 * Orders [lo, hi) by frame d and marks the runs of equal names.  Deep
 * stacks share long runs of frames: a range already in order costs one
 * pass.  The names are scattered in memory: fetching a few stacks ahead
 * hides most of the wait for them.
 */
static void
fset_order(struct fset *fs, size_t lo, size_t hi, size_t d)
{
	struct fent	*v = fs->v + lo;
	size_t		 m = hi - lo, i;
	int		 c = 1;

	for (i = 0; i < m; i++) {
		if (i + 16 < m && v[i + 16].nframes > d)
			__builtin_prefetch(&v[i + 16].frames[d]);
		if (i + 8 < m && v[i + 8].nframes > d)
			__builtin_prefetch(v[i + 8].frames[d]);
		v[i].key = v[i].nframes > d ? v[i].frames[d] : NULL;
		if (i > 0 && (c = key_cmp(v[i - 1].key, v[i].key)) > 0)
			break;
		v[i].same = c == 0;
	}
	if (i == m)
		return;
	for (; i < m; i++)
		v[i].key = v[i].nframes > d ? v[i].frames[d] : NULL;
	qsort(v, m, sizeof(*v), fent_cmp);
	for (i = 0; i < m; i++)
		v[i].same = i > 0 && key_cmp(v[i - 1].key, v[i].key) == 0;
}

/* The end of the run of stacks from j sharing its name; their samples. */
static size_t
fset_group(const struct fset *fs, size_t j, size_t hi, uint64_t *count)
{
	*count = fs->v[j].count;
	for (j++; j < hi && fs->v[j].same; j++)
		*count += fs->v[j].count;
	return (j);
}

static void
flame_push(struct flame *f, const struct fitem *it)
{
	if (f->nitems == f->cap) {
		f->cap = f->cap == 0 ? 1024 : f->cap * 2;
		f->items = xreallocarray(f->items, f->cap, sizeof(*f->items));
	}
	f->items[f->nitems++] = *it;
}

/* Finds child c of parent in base, the next run of its name from *bj. */
static void
flame_match(struct flame *f, const struct fitem *parent, size_t *bj,
    struct fitem *c)
{
	const struct fset	*bs = &f->base;
	uint64_t		 skipped;
	int			 cmp = 1;

	while (*bj < parent->bhi &&
	    (cmp = key_cmp(bs->v[*bj].key, c->name)) < 0)
		*bj = fset_group(bs, *bj, parent->bhi, &skipped);
	c->blo = c->bhi = *bj;
	c->bcount = 0;
	if (*bj < parent->bhi && cmp == 0)
		*bj = c->bhi = fset_group(bs, *bj, parent->bhi, &c->bcount);
}

/* Queue the children of item k wide enough to draw. */
static void
flame_children(struct flame *f, size_t k)
{
	struct fset	*fs = &f->cur;
	struct fitem	 it = f->items[k], c;
	size_t		 d = it.depth, j, end, bj = 0;
	uint64_t	 off = it.off, count;

	/* Stacks ending at this frame sort first: its self time. */
	if (f->diff) {
		fset_order(&f->base, it.blo, it.bhi, d);
		for (bj = it.blo; bj < it.bhi && f->base.v[bj].key == NULL; bj++)
			;
	}
	fset_order(fs, it.lo, it.hi, d);
	for (j = it.lo; j < it.hi && fs->v[j].key == NULL; j++)
		;
	for (; j < it.hi; j = end) {
		end = fset_group(fs, j, it.hi, &count);
		off += count;
		if ((double)count * f->scale < FLAME_MIN_PX)
			continue;
		c = (struct fitem){ .lo = j, .hi = end, .depth = d + 1,
		    .off = off - count, .count = count, .name = fs->v[j].key };
		c.comm = d == 0 ? c.name : it.comm;
		if (f->diff)
			flame_match(f, &it, &bj, &c);
		flame_push(f, &c);
	}
}

/* Breadth first from the root: children are queued behind their level. */
static void
flame_layout(struct flame *f)
{
	struct fitem	root;
	uint64_t	total = f->cur.total;
	size_t		k;

	f->scale = total > 0 ? (double)(f->width - 2 * XPAD) / total : 0;
	root = (struct fitem){ .hi = f->cur.n, .bhi = f->base.n, .count = total,
	    .bcount = f->base.total, .name = "all" };
	flame_push(f, &root);
	for (k = 0; k < f->nitems; k++)
		flame_children(f, k);
}

static double
share(uint64_t n, uint64_t total)
{
	return (total > 0 ? (double)n / total : 0);
}

/* Change of an item's share of all samples, base to cur. */
static double
flame_delta(const struct flame *f, const struct fitem *it)
{
	return (share(it->count, f->cur.total) -
	    share(it->bcount, f->base.total));
}

/* One channel of an HSL colour (the CSS Color 4 formula). */
static int
hsl_channel(double h, double s, double l, int n)
{
	double	k = fmod(n + h / 30, 12), a = s * fmin(l, 1 - l);

	return ((int)lround(255 * (l - a * fmax(-1, fmin(fmin(k - 3, 9 - k),
	    1)))));
}

/*
 * The category's hue family, shifted a little by the function's own hash
 * so that neighbouring frames of one category stay distinguishable.
 */
static void
colour_category(const char *cat, const char *name, int rgb[3])
{
	struct fpalette	p = { NULL, 0, 0.55, 0.62 };
	uint32_t	h = fnv1a(name);
	size_t		i;

	p.h = fnv1a(cat) % 360;
	for (i = 0; i < sizeof(fpalettes) / sizeof(fpalettes[0]); i++) {
		if (strcasecmp(cat, fpalettes[i].name) == 0) {
			p = fpalettes[i];
			break;
		}
	}
	p.h += ((h & 0xff) / 255.0 - 0.5) * 16;
	p.l += (((h >> 8) & 0xff) / 255.0 - 0.5) * 0.14;
	p.s += (((h >> 16) & 0xff) / 255.0 - 0.5) * 0.10;
	p.h = fmod(p.h + 360, 360);
	rgb[0] = hsl_channel(p.h, p.s, p.l, 0);
	rgb[1] = hsl_channel(p.h, p.s, p.l, 8);
	rgb[2] = hsl_channel(p.h, p.s, p.l, 4);
}

/* Grey to red (grew) or blue (shrank) by t in [-1, 1]. */
static void
colour_delta(double t, int rgb[3])
{
	static const int	grew[3] = { 230, 40, 40 };
	static const int	shrank[3] = { 50, 90, 230 };
	const int		*end = t > 0 ? grew : shrank;
	int			 i;

	if (fabs(t) < 0.01)
		t = 0;
	for (i = 0; i < 3; i++) {
		rgb[i] = (int)lround(NEUTRAL_RGB +
		    fabs(t) * (end[i] - NEUTRAL_RGB));
	}
}

static const char *
flame_category(const struct flame_opts *opts, const struct fitem *it)
{
	const char	*cat = NULL;
	size_t		 len, klen = strlen(PROFILE_KERNEL_SUFFIX);

	/* "other" is the answer when nothing matched: kernel still shows. */
	if (opts != NULL && opts->category != NULL)
		cat = opts->category(opts->arg, it->name, it->comm);
	if (cat == NULL || strcmp(cat, "other") == 0) {
		len = strlen(it->name);
		if (len >= klen &&
		    strcmp(it->name + len - klen, PROFILE_KERNEL_SUFFIX) == 0)
			cat = "kernel";
	}
	return (cat != NULL ? cat : "other");
}

/* The label inside a frame, cut with ".." to what fits; none under 3. */
static void
flame_label(struct svgbuf *b, const char *name, double x, int y, double w)
{
	double	fit = floor((w - 2 * LABEL_PAD) / CHAR_W);
	size_t	len, n;

	if (fit < 3)
		return;
	n = fit > 1e6 ? 1000000 : (size_t)fit;
	len = fbuf_chars(name);
	svgbuf_printf(b, "<text x=\"%.2f\" y=\"%d\">", x + LABEL_PAD, y + 11);
	if (len <= n)
		fbuf_text(b, name, len);
	else {
		fbuf_text(b, name, n - 2);
		svgbuf_puts(b, "..");
	}
	svgbuf_puts(b, "</text>");
}

/* Percentage points, without a "-0.00". */
static double
pp(double d)
{
	d *= 100;
	return (fabs(d) < 0.005 ? 0 : d);
}

static void
flame_frame(struct flame *f, struct svgbuf *b, const struct flame_opts *opts,
    const struct fitem *it, int height, double maxabs)
{
	uint64_t	total = f->cur.total;
	double		x, w, d;
	int		y, rgb[3];

	x = XPAD + (double)it->off * f->scale;
	w = (double)it->count * f->scale;
	if (it->depth == 0)
		w = f->width - 2 * XPAD;	/* even with no samples */
	y = height - PAD_BOTTOM - (int)(it->depth + 1) * FRAME_H;

	svgbuf_puts(b, "<g><title>");
	fbuf_text(b, it->name, SIZE_MAX);
	svgbuf_printf(b, " (%ju samples, %.2f%%", (uintmax_t)it->count,
	    100 * share(it->count, total));
	if (f->diff) {
		d = flame_delta(f, it);
		svgbuf_printf(b, "; base %.2f%%, %+.2f pp",
		    100 * share(it->bcount, f->base.total), pp(d));
		colour_delta(maxabs > 0 ? d / maxabs : 0, rgb);
	} else if (it->depth == 0)
		rgb[0] = rgb[1] = rgb[2] = NEUTRAL_RGB;
	else
		colour_category(flame_category(opts, it), it->name, rgb);
	svgbuf_puts(b, ")</title>");
	svgbuf_printf(b, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" "
	    "fill=\"rgb(%d,%d,%d)\" rx=\"2\" ry=\"2\"/>", x, y, w, FRAME_H - 1,
	    rgb[0], rgb[1], rgb[2]);
	flame_label(b, it->name, x, y, w);
	svgbuf_puts(b, "</g>\n");
}

/* A centred line of text above the graph. */
static void
flame_heading(struct svgbuf *b, const char *class, int width, int y,
    const char *s)
{
	svgbuf_printf(b, "<text class=\"%s\" x=\"%.1f\" y=\"%d\">", class,
	    width / 2.0, y);
	fbuf_text(b, s, SIZE_MAX);
	svgbuf_puts(b, "</text>\n");
}

static void
flame_emit(struct flame *f, struct svgbuf *b, const struct flame_opts *opts)
{
	const char	*title = NULL, *subtitle = NULL;
	size_t		 k, maxdepth = 0;
	double		 maxabs = 0;
	int		 y, top, height;

	if (opts != NULL) {
		title = opts->title;
		subtitle = opts->subtitle;
	}
	if (title == NULL)
		title = f->diff ? "Differential Flame Graph" : "Flame Graph";
	for (k = 0; k < f->nitems; k++) {
		if (f->items[k].depth > maxdepth)
			maxdepth = f->items[k].depth;
		if (f->diff && fabs(flame_delta(f, &f->items[k])) > maxabs)
			maxabs = fabs(flame_delta(f, &f->items[k]));
	}
	top = 24 + (subtitle != NULL ? 20 : 0) + (f->diff ? 18 : 0) + 14;
	height = top + (int)(maxdepth + 1) * FRAME_H + PAD_BOTTOM;

	svgbuf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" "
	    "standalone=\"no\"?>\n");
	svgbuf_printf(b, "<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\""
	    " width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n", f->width,
	    height, f->width, height);
	svgbuf_puts(b, "<style type=\"text/css\">\n"
	    "text { font-family: Verdana, sans-serif; font-size: 12px; "
	    "fill: rgb(0,0,0); }\n"
	    "text.title { font-size: 17px; text-anchor: middle; }\n"
	    "text.sub { text-anchor: middle; fill: rgb(90,90,90); }\n"
	    "g:hover rect { stroke: rgb(0,0,0); stroke-width: 0.5; }\n"
	    "</style>\n");
	svgbuf_printf(b, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
	    "fill=\"rgb(255,255,255)\"/>\n", f->width, height);
	y = 24;
	flame_heading(b, "title", f->width, y, title);
	if (subtitle != NULL)
		flame_heading(b, "sub", f->width, y += 20, subtitle);
	if (f->diff) {
		flame_heading(b, "sub", f->width, y += 18, "red: grew, blue: "
		    "shrank since the base (share of all samples)");
	}
	for (k = 0; k < f->nitems; k++)
		flame_frame(f, b, opts, &f->items[k], height, maxabs);
	svgbuf_puts(b, "</svg>\n");
}

char *
flame_svg(const struct profile_stacks *cur, const struct profile_stacks *base,
    const struct flame_opts *opts)
{
	struct flame	f;
	struct svgbuf	b;

	memset(&f, 0, sizeof(f));
	memset(&b, 0, sizeof(b));
	f.width = FLAME_WIDTH;
	if (opts != NULL && opts->width > 0)
		f.width = opts->width;
	if (f.width < FLAME_MIN_WIDTH)
		f.width = FLAME_MIN_WIDTH;
	if (f.width > FLAME_MAX_WIDTH)
		f.width = FLAME_MAX_WIDTH;
	f.diff = base != NULL;
	fset_init(&f.cur, cur);
	fset_init(&f.base, base);

	flame_layout(&f);
	flame_emit(&f, &b, opts);

	free(f.items);
	free(f.cur.v);
	free(f.base.v);
	return (b.p);
}
