/*
 * chart-draw.c -- the SVG text of a laid-out chart (chart.c lays it out).
 *
 * Shapes carry presentation attributes rather than a stylesheet, so any
 * renderer shows the same chart; each marker is a <g class="pt ..."> with a
 * <title> tooltip, its CI bar and its shape, classes naming its flags
 * (reg, imp, uns, chg, grp) for whoever wants to restyle them.  With a
 * link, each marker is also a link to its session (a group's: its first).
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "chart-int.h"

#define COL_POINT	"#1f77b4"
#define COL_REGRESSED	"#d62728"
#define COL_IMPROVED	"#2ca02c"
#define COL_CHANGE	"#9467bd"
#define COL_BASE	"#7f7f7f"

#define DOT		" \xc2\xb7 "
#define DASH		"\xe2\x80\x93"

enum shape { SHAPE_CIRCLE, SHAPE_SMALL, SHAPE_UP, SHAPE_DOWN };

/* The y pixel of a value in seconds. */
static double
ypos(const struct chart_plot *p, double secs)
{
	return (p->y1 - (secs * p->scale - p->vlo) / (p->vhi - p->vlo) *
	    (p->y1 - p->y0));
}

/* A marker shape centred on x, y: a circle or a triangle. */
static void
svg_shape(struct svgbuf *b, enum shape s, double x, double y,
    const char *fill)
{
	double	r = s == SHAPE_UP ? 7 : 6;

	switch (s) {
	case SHAPE_CIRCLE:
	case SHAPE_SMALL:
		svgbuf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\"", x,
		    y, s == SHAPE_CIRCLE ? "3.5" : "2.5");
		break;
	case SHAPE_UP:
	case SHAPE_DOWN:
		if (s == SHAPE_DOWN)
			r = -r;
		svgbuf_printf(b, "<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fZ\"",
		    x, y - r, x + 0.866 * fabs(r), y + 0.5 * r,
		    x - 0.866 * fabs(r), y + 0.5 * r);
		break;
	}
	if (fill != NULL)
		svgbuf_printf(b, " fill=\"%s\"", fill);
	svgbuf_puts(b, "/>");
}

/* The XML declaration, the <svg> root, a white background, the title. */
void
chart_draw_head(struct chart_plot *p)
{
	const char	*title = p->c->title;

	svgbuf_printf(&p->b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" "
	    "font-size=\"11\">\n", p->w, p->h, p->w, p->h);
	svgbuf_printf(&p->b, "<rect width=\"%d\" height=\"%d\" "
	    "fill=\"#ffffff\"/>\n", p->w, p->h);
	if (title == NULL || *title == '\0')
		return;
	svgbuf_printf(&p->b, "<text class=\"title\" x=\"%.1f\" y=\"22\" "
	    "text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">",
	    p->w / 2.0);
	chart_xml(&p->b, title, (size_t)((p->w - 20) / 9.5));
	svgbuf_puts(&p->b, "</text>\n");
}

/* The legend under the title, wrapped to the width; returns its bottom. */
double
chart_draw_legend(struct chart_plot *p)
{
	static const char	*labels[] = { "session mean", "95% CI",
	    "regressed", "improved", "unstable", "change point", "baseline" };
	struct svgbuf	*b = &p->b;
	double			 x = 12, y = 46, iw, sx;
	int			 i, n = p->baseline ? 7 : 6;

	svgbuf_puts(b, "<g class=\"legend\">\n");
	for (i = 0; i < n; i++) {
		iw = 24 + chart_chars(labels[i]) * CHART_CHAR_W + 16;
		if (x > 12 && x + iw > p->w - 12) {
			x = 12;
			y += 18;
		}
		sx = x + 9;
		switch (i) {
		case 0:
			svgbuf_printf(b, "<path d=\"M%.1f %.1fh18\" "
			    "stroke=\"%s\" stroke-opacity=\"0.5\"/>", x, y - 4,
			    COL_POINT);
			svg_shape(b, SHAPE_CIRCLE, sx, y - 4, COL_POINT);
			break;
		case 1:
			svgbuf_printf(b, "<path d=\"M%.1f %.1fV%.1fM%.1f %.1fh6"
			    "M%.1f %.1fh6\" stroke=\"%s\"/>", sx, y - 10, y + 2,
			    sx - 3, y - 10, sx - 3, y + 2, COL_POINT);
			break;
		case 2:
			svg_shape(b, SHAPE_UP, sx, y - 4, COL_REGRESSED);
			break;
		case 3:
			svg_shape(b, SHAPE_DOWN, sx, y - 4, COL_IMPROVED);
			break;
		case 4:
			svgbuf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" "
			    "r=\"3.5\" fill=\"#ffffff\" stroke=\"%s\" "
			    "stroke-width=\"1.2\"/>", sx, y - 4, COL_POINT);
			break;
		case 5:
			svgbuf_printf(b, "<path d=\"M%.1f %.1fV%.1f\" "
			    "stroke=\"%s\" stroke-dasharray=\"4 3\"/>", sx,
			    y - 12, y + 4, COL_CHANGE);
			break;
		case 6:
			svgbuf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" "
			    "width=\"18\" height=\"10\" fill=\"%s\" "
			    "fill-opacity=\"0.2\"/><path d=\"M%.1f %.1fh18\" "
			    "stroke=\"%s\"/>", x, y - 9, COL_BASE, x, y - 4,
			    COL_BASE);
			break;
		}
		svgbuf_printf(b, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n",
		    x + 24, y, labels[i]);
		x += iw;
	}
	svgbuf_puts(b, "</g>\n");
	return (y + 16);
}

/* The plot frame, a grid line and a label per tick, the unit's title. */
static void
svg_yaxis(struct chart_plot *p)
{
	struct svgbuf	*b = &p->b;
	double		 v, y;
	int		 i, d = chart_decimals(p->ystep);

	svgbuf_printf(b, "<g class=\"yaxis\">\n<rect x=\"%.1f\" y=\"%.1f\" "
	    "width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#cccccc\"/>"
	    "\n", p->x0, p->y0, p->x1 - p->x0, p->y1 - p->y0);
	if (p->ny > 0) {
		svgbuf_puts(b, "<path d=\"");
		for (i = 0; i < p->ny; i++) {
			y = p->y1 - i * (p->y1 - p->y0) / (p->ny - 1);
			svgbuf_printf(b, "M%.1f %.1fH%.1f", p->x0 - 4, y, p->x1);
		}
		svgbuf_puts(b, "\" stroke=\"#e5e5e5\"/>\n");
	}
	for (i = 0; i < p->ny; i++) {
		v = p->yfirst + i * p->ystep;
		if (fabs(v) < p->ystep * 1e-6)
			v = 0;
		y = p->y1 - i * (p->y1 - p->y0) / (p->ny - 1);
		svgbuf_printf(b, "<text class=\"ytick\" x=\"%.1f\" y=\"%.1f\" "
		    "text-anchor=\"end\">%.*f</text>\n", p->x0 - 6, y + 4, d,
		    v);
	}
	svgbuf_printf(b, "<text class=\"ytitle\" transform=\"rotate(-90)\" "
	    "x=\"%.1f\" y=\"14\" text-anchor=\"middle\">wall time (%s)</text>"
	    "\n</g>\n", -(p->y0 + p->y1) / 2, p->unit);
}

/* One date label under the axis unless it would overlap the last one. */
static void
svg_xlabel(struct chart_plot *p, double x, int64_t t, double *right)
{
	char	label[64];
	double	half;

	chart_date(label, sizeof(label), t, p->longdates ? CHART_DATE_DAY :
	    CHART_DATE_SHORT);
	half = chart_chars(label) * CHART_CHAR_W / 2;
	if (x - half < 2)
		x = 2 + half;
	if (x + half > p->w - 2)
		x = p->w - 2 - half;
	if (x - half < *right + 6)
		return;
	*right = x + half;
	svgbuf_printf(&p->b, "<path d=\"M%.1f %.1fv5\" stroke=\"#999999\"/>"
	    "<text class=\"xtick\" x=\"%.1f\" y=\"%.1f\" "
	    "text-anchor=\"middle\">%s</text>\n", x, p->y1, x, p->y1 + 18,
	    label);
}

/* Label every 1, 2, 5, 10, 20... sessions: at most maxt labels. */
static size_t
index_step(size_t n, int maxt)
{
	static const size_t	mant[] = { 1, 2, 5 };
	size_t			base, i;

	for (base = 1; base < SIZE_MAX / 10; base *= 10) {
		for (i = 0; i < 3; i++) {
			if ((n - 1) / (mant[i] * base) + 1 <= (size_t)maxt)
				return (mant[i] * base);
		}
	}
	return (n);
}

/*
 * Date ticks: on a calendar grid when placed by time, else under evenly
 * spaced sessions (every 1, 2, 5, 10... sessions); at most as many as fit.
 */
static void
svg_xaxis(struct chart_plot *p)
{
	int64_t	ticks[CHART_MAX_TIME_TICKS], tlo, thi;
	double	usable = p->x1 - p->x0 - 2 * CHART_INNER, right = -1e9, span;
	size_t	step, i;
	int	maxt, nt = 0, k;

	maxt = (int)((p->x1 - p->x0) / ((p->longdates ? 10 : 11) *
	    CHART_CHAR_W + 14));
	maxt = maxt < 1 ? 1 : maxt > CHART_MAX_TICKS ? CHART_MAX_TICKS : maxt;
	svgbuf_puts(&p->b, "<g class=\"xaxis\">\n");
	if (p->bytime) {
		span = (double)(p->tmax - p->tmin);
		tlo = p->tmin - (int64_t)(CHART_INNER / usable * span);
		thi = p->tmax + (int64_t)(CHART_INNER / usable * span);
		nt = chart_time_ticks(tlo, thi, maxt, p->longdates, ticks);
		for (k = 0; k < nt; k++)
			svg_xlabel(p, p->x0 + CHART_INNER + (ticks[k] -
			    p->tmin) / span * usable, ticks[k], &right);
	}
	if (nt == 0) {
		step = index_step(p->nv, maxt);
		for (i = 0; i < p->nv; i += step)
			svg_xlabel(p, p->v[i].x, p->v[i].cp->when, &right);
	}
	svgbuf_printf(&p->b, "<text class=\"xtitle\" x=\"%.1f\" y=\"%d\" "
	    "text-anchor=\"middle\">%s</text>\n", (p->x0 + p->x1) / 2,
	    p->h - 10, p->bytime || p->nv == 1 ? "date (UTC)" :
	    "date (UTC), sessions evenly spaced");
	if (p->grouped && p->w >= 640)
		svgbuf_printf(&p->b, "<text x=\"%.1f\" y=\"%d\" "
		    "text-anchor=\"end\" font-size=\"10\">nearby sessions "
		    "grouped</text>\n", p->x1, p->h - 10);
	svgbuf_puts(&p->b, "</g>\n");
}

/* The baseline: its band, its line, a label and a tooltip. */
static void
svg_baseline(struct chart_plot *p)
{
	struct svgbuf	*b = &p->b;
	char		 mean[64], lo[64], hi[64];
	double		 y = ypos(p, p->c->base_mean);

	if (!p->baseline)
		return;
	chart_value(mean, sizeof(mean), p->c->base_mean, 0, p->unit,
	    p->scale);
	svgbuf_printf(b, "<g class=\"baseline\"><title>baseline #%" PRId64 DOT
	    "%s", p->c->baseline_id, mean);
	if (p->band) {
		chart_value(lo, sizeof(lo), p->blo, 0, p->unit, p->scale);
		chart_value(hi, sizeof(hi), p->bhi, 0, p->unit, p->scale);
		svgbuf_printf(b, DOT "band %s " DASH " %s", lo, hi);
	}
	svgbuf_puts(b, "</title>\n");
	if (p->band)
		svgbuf_printf(b, "<rect class=\"band\" x=\"%.1f\" y=\"%.1f\" "
		    "width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
		    "fill-opacity=\"0.2\"/>\n", p->x0, ypos(p, p->bhi),
		    p->x1 - p->x0, ypos(p, p->blo) - ypos(p, p->bhi),
		    COL_BASE);
	svgbuf_printf(b, "<path d=\"M%.1f %.1fH%.1f\" stroke=\"%s\" "
	    "stroke-width=\"1.5\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
	    "text-anchor=\"end\" fill=\"%s\">baseline #%" PRId64 "</text>\n"
	    "</g>\n", p->x0, y, p->x1, COL_BASE, p->x1 - 4, y - 4, COL_BASE,
	    p->c->baseline_id);
}

/* A dashed line where each change point starts, labelled if room. */
static void
svg_changes(struct chart_plot *p)
{
	struct svgbuf	*b = &p->b;
	double		 x, lastlabel = -1e9;
	size_t		 i;
	int		 right;

	svgbuf_printf(b, "<g class=\"changes\" stroke=\"%s\">\n", COL_CHANGE);
	for (i = 0; i < p->nv; i++) {
		if (!p->v[i].cp->changepoint)
			continue;
		x = i > 0 ? (p->v[i - 1].x + p->v[i].x) / 2 : p->v[i].x;
		svgbuf_printf(b, "<path class=\"change\" d=\"M%.1f %.1fV%.1f\" "
		    "stroke-dasharray=\"4 3\"><title>change point at session %"
		    PRId64 "</title></path>\n", x, p->y0, p->y1,
		    p->v[i].cp->id);
		if (x - lastlabel < 44)
			continue;
		lastlabel = x;
		right = x + 40 > p->x1;
		svgbuf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" stroke=\"none\" "
		    "fill=\"%s\" font-size=\"10\"%s>change</text>\n",
		    right ? x - 3 : x + 3, p->y0 + 11, COL_CHANGE,
		    right ? " text-anchor=\"end\"" : "");
	}
	svgbuf_puts(b, "</g>\n");
}

/* The line through the means, or through each column's mean if crowded. */
static void
svg_trend(struct chart_plot *p)
{
	double	sx, sm;
	size_t	i, j;

	if (p->nv < 2)
		return;
	svgbuf_puts(&p->b, "<path class=\"trend\" d=\"M");
	for (i = 0; i < p->nv; i = j) {
		sx = sm = 0;
		for (j = i; j < p->nv && (j == i || (p->grouped &&
		    p->v[j].bin == p->v[i].bin)); j++) {
			sx += p->v[j].x;
			sm += p->v[j].mean;
		}
		svgbuf_printf(&p->b, "%s%.1f %.1f", i == 0 ? "" : " ",
		    sx / (j - i), ypos(p, sm / (j - i)));
	}
	svgbuf_printf(&p->b, "\" fill=\"none\" stroke=\"%s\" "
	    "stroke-opacity=\"0.5\" stroke-width=\"1.2\"/>\n", COL_POINT);
}

/* The tooltip of a marker: one session, or the range of a group. */
static void
svg_tooltip(struct chart_plot *p, const struct chart_mark *mk)
{
	const struct chart_vpt	*a = &p->v[mk->first], *z = &p->v[mk->last];
	char			 when[64], until[64], val[96], top[96];
	double			 lo = a->mean, hi = a->mean;
	size_t			 i, unstable = 0, n = mk->n;

	chart_date(when, sizeof(when), a->cp->when, CHART_DATE_FULL);
	if (mk->n == 1) {
		chart_value(val, sizeof(val), a->mean, (a->hi - a->lo) / 2,
		    p->unit, p->scale);
		svgbuf_printf(&p->b, "<title>session %" PRId64 DOT "%s UTC" DOT
		    "%s", a->cp->id, when, val);
		if (a->cp->commit[0] != '\0') {
			svgbuf_printf(&p->b, DOT "%s ", a->cp->commit);
			chart_xml(&p->b, a->cp->subject, 60);
		}
		svgbuf_printf(&p->b, "%s%s%s%s</title>",
		    a->cp->regressed ? DOT "regressed" : "",
		    a->cp->improved ? DOT "improved" : "",
		    a->cp->unstable ? DOT "unstable" : "",
		    a->cp->changepoint ? DOT "change point" : "");
		return;
	}
	chart_date(until, sizeof(until), z->cp->when, CHART_DATE_FULL);
	for (i = mk->first; i <= mk->last; i++) {
		if (&p->m[p->v[i].mark] != mk)
			continue;
		unstable += p->v[i].cp->unstable != 0;
		lo = fmin(lo, p->v[i].mean);
		hi = fmax(hi, p->v[i].mean);
	}
	chart_value(val, sizeof(val), lo, 0, p->unit, p->scale);
	chart_value(top, sizeof(top), hi, 0, p->unit, p->scale);
	svgbuf_printf(&p->b, "<title>sessions %" PRId64 DASH "%" PRId64 " (%zu)"
	    DOT "%s " DASH " %s UTC" DOT "means %s " DASH " %s", a->cp->id,
	    z->cp->id, n, when, until, val, top);
	if (mk->verdict != 0)
		svgbuf_printf(&p->b, DOT "%zu %s", n, mk->verdict ==
		    CHART_REGRESSED ? "regressed" : "improved");
	if (unstable > 0)
		svgbuf_printf(&p->b, DOT "%zu unstable", unstable);
	svgbuf_puts(&p->b, "</title>");
}

/* One marker: its tooltip, CI bar and shape, coloured by its verdict. */
static void
svg_mark(struct chart_plot *p, const struct chart_mark *mk)
{
	struct svgbuf	*b = &p->b;
	const char		*col = NULL;
	enum shape		 s;
	double			 ylo, yhi;
	size_t			 i;
	int			 group, hollow = 1;

	group = mk->n > 1;
	for (i = mk->first; i <= mk->last; i++) {
		if (&p->m[p->v[i].mark] == mk)
			hollow = hollow && p->v[i].cp->unstable;
	}
	s = group ? SHAPE_SMALL : SHAPE_CIRCLE;
	if (mk->verdict == CHART_REGRESSED) {
		s = SHAPE_UP;
		col = COL_REGRESSED;
	} else if (mk->verdict == CHART_IMPROVED) {
		s = SHAPE_DOWN;
		col = COL_IMPROVED;
	}
	if (p->c->link != NULL) {
		svgbuf_puts(b, "<a href=\"");
		chart_xml(b, p->c->link, SIZE_MAX);
		svgbuf_printf(b, "%" PRId64 "\">", p->v[mk->first].cp->id);
	}
	svgbuf_printf(b, "<g class=\"pt%s%s%s%s%s\"", group ? " grp" : "",
	    s == SHAPE_UP ? " reg" : "", s == SHAPE_DOWN ? " imp" : "",
	    hollow ? " uns" : "", mk->alone ? " chg" : "");
	if (col != NULL)
		svgbuf_printf(b, " fill=\"%s\" stroke=\"%s\"", col, col);
	svgbuf_puts(b, ">");
	svg_tooltip(p, mk);
	ylo = ypos(p, mk->lo);
	yhi = ypos(p, mk->hi);
	if (ylo - yhi >= 0.05) {
		svgbuf_printf(b, "<path d=\"M%.1f %.1fV%.1f", mk->x, ylo, yhi);
		if (!p->grouped)
			svgbuf_printf(b, "M%.1f %.1fh6M%.1f %.1fh6\"/>",
			    mk->x - 3, ylo, mk->x - 3, yhi);
		else
			svgbuf_puts(b, "\" stroke-opacity=\"0.5\"/>");
	}
	svg_shape(b, s, mk->x, ypos(p, mk->mean), hollow ? "#ffffff" : NULL);
	svgbuf_puts(b, p->c->link != NULL ? "</g></a>\n" : "</g>\n");
}

/* Markers without a verdict first, so red and green ones stay on top. */
static void
svg_marks(struct chart_plot *p)
{
	size_t	k;
	int	pass;

	svgbuf_printf(&p->b, "<g class=\"points\" fill=\"%s\" stroke=\"%s\" "
	    "stroke-width=\"1.2\">\n", COL_POINT, COL_POINT);
	for (pass = 0; pass < 2; pass++) {
		for (k = 0; k < p->nm; k++) {
			if ((p->m[k].verdict != 0) == pass)
				svg_mark(p, &p->m[k]);
		}
	}
	svgbuf_puts(&p->b, "</g>\n");
}

void
chart_draw_plot(struct chart_plot *p)
{
	svg_yaxis(p);
	svg_xaxis(p);
	svg_baseline(p);
	svg_changes(p);
	svg_trend(p);
	svg_marks(p);
}

void
chart_draw_empty(struct chart_plot *p)
{
	svgbuf_printf(&p->b, "<text class=\"empty\" x=\"%.1f\" y=\"%.1f\" "
	    "text-anchor=\"middle\" font-size=\"14\" fill=\"#777777\">"
	    "no sessions</text>\n", p->w / 2.0, p->h / 2.0);
}

void
chart_draw_end(struct chart_plot *p)
{
	svgbuf_puts(&p->b, "</svg>\n");
}
