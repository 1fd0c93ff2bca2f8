/*
 * chart.c -- benchctl history --svg: a suite's sessions as one standalone
 * SVG trend chart.  This file lays the chart out; chart-draw.c writes it.
 *
 * Top to bottom: the title, a legend, the plot, the date axis.  Each
 * session's wall-time mean is a marker with its 95% CI as a whiskered bar,
 * a line joins the means, the baseline is a grey band with a line, and a
 * change point is a dashed vertical line between the session it starts at
 * and the one before.  A regression is a larger red triangle pointing up
 * (slower), an improvement a green triangle pointing down, an unstable
 * session is hollow.  Each marker has a <title> tooltip.
 *
 * X placement: sessions sit at their start time when that reads well:
 * two or more sessions, in time order, spanning some time, and not
 * crowded -- at most a quarter of the gaps shorter than a quarter of the
 * even spacing (bursts of sessions queued together would pile up).
 * Otherwise they are spaced evenly by index and the axis labels the dates
 * of the sessions under its ticks.
 *
 * Crowding: when sessions are closer than CHART_GROUP_PX on average,
 * neighbours in the same CHART_GROUP_PX column with the same verdict are
 * drawn as one marker whose bar spans their CIs and whose tooltip gives
 * their range and counts; a change point is always drawn alone.  10,000
 * sessions make a few hundred markers, so the file stays small and quick
 * to render.
 *
 * Numbers are printed in the C locale whatever the caller's, as SVG needs.
 * A point whose mean is NaN, infinite or absurd is skipped; a CI bound
 * that is not finite counts as unknown.
 */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "chart-int.h"
#include "html.h"
#include "log.h"
#include "xmalloc.h"

#define MAX_SECONDS	1e12	/* a longer wall time is garbage */
#define TIME_MAX	INT64_C(253402300799)	/* 9999-12-31 23:59:59 */
#define TWO_DAYS	(2 * 86400)
#define ELLIPSIS	"\xe2\x80\xa6"
#define REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD */

/*
 * s as XML character data: markup escaped, what XML 1.0 cannot carry
 * (invalid UTF-8, control characters, U+FFFE/U+FFFF) replaced by U+FFFD,
 * line breaks and tabs as spaces, cut after max characters.
 */
void
chart_xml(struct svgbuf *b, const char *s, size_t max)
{
	const unsigned char	*p = (const unsigned char *)s;
	const char		*e;
	size_t			 n, count = 0;

	for (; *p != '\0'; p += n) {
		if (count++ == max) {
			svgbuf_puts(b, ELLIPSIS);
			return;
		}
		if ((n = html_utf8(p, SIZE_MAX)) == 0 || (n == 1 && *p < 0x20 &&
		    *p != '\t' && *p != '\n' && *p != '\r') || (n == 3 &&
		    p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe)) {
			svgbuf_puts(b, REPLACEMENT);
			n = n == 0 ? 1 : n;
			continue;
		}
		if ((e = html_entity(*p)) != NULL) {
			svgbuf_puts(b, e);
			continue;
		}
		switch (*p) {
		case '\t':
		case '\n':
		case '\r':
			svgbuf_puts(b, " ");
			break;
		default:
			svgbuf_add(b, (const char *)p, n);
			break;
		}
	}
}

/* Characters (not bytes) in a UTF-8 string, to guess its width. */
size_t
chart_chars(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return (n);
}

static int
usable_seconds(double x)
{
	return (isfinite(x) && fabs(x) < MAX_SECONDS);
}

/* The points that can be drawn, and the baseline if it can be. */
static void
plot_collect(struct chart_plot *p)
{
	const struct chart		*c = p->c;
	const struct chart_point	*cp;
	struct chart_vpt		*v;
	size_t				 i;

	p->v = xreallocarray(NULL, c->npts + 1, sizeof(*p->v));
	for (i = 0; i < c->npts; i++) {
		cp = &c->pts[i];
		if (!usable_seconds(cp->mean))
			continue;
		v = &p->v[p->nv++];
		v->cp = cp;
		v->mean = cp->mean;
		v->lo = usable_seconds(cp->lo) ? fmin(cp->lo, cp->mean) :
		    cp->mean;
		v->hi = usable_seconds(cp->hi) ? fmax(cp->hi, cp->mean) :
		    cp->mean;
	}
	if (!c->has_baseline || !usable_seconds(c->base_mean))
		return;
	p->baseline = 1;
	if (usable_seconds(c->base_lo) && usable_seconds(c->base_hi) &&
	    c->base_lo != c->base_hi) {
		p->band = 1;
		p->blo = fmin(c->base_lo, c->base_hi);
		p->bhi = fmax(c->base_lo, c->base_hi);
	}
}

/*
 * The y range in seconds: every CI bar and the baseline band, padded by
 * 5% (5% of the value when the range is flat), not below zero unless the
 * data is; then widened to whole ticks in the unit the range calls for.
 */
static void
plot_yrange(struct chart_plot *p, double top)
{
	double	lo = INFINITY, hi = -INFINITY, datalo, m, pad, v;
	size_t	i;
	int	maxt, d, len, maxc = 0;
	char	label[64];

	for (i = 0; i < p->nv; i++) {
		lo = fmin(lo, p->v[i].lo);
		hi = fmax(hi, p->v[i].hi);
	}
	if (p->baseline) {
		lo = fmin(lo, p->c->base_mean);
		hi = fmax(hi, p->c->base_mean);
	}
	if (p->band) {
		lo = fmin(lo, p->blo);
		hi = fmax(hi, p->bhi);
	}
	datalo = lo;
	m = fmax(fabs(lo), fabs(hi));
	if (hi - lo <= m * 1e-9)
		pad = m > 0 ? m * 0.05 : 1;
	else
		pad = (hi - lo) * 0.05;
	lo -= pad;
	hi += pad;
	if (datalo >= 0 && lo < 0)
		lo = 0;
	p->unit = chart_unit(fmax(fabs(lo), fabs(hi)), &p->scale);

	p->y0 = top;
	p->y1 = p->h - 48;
	maxt = (int)((p->y1 - p->y0) / 28);
	maxt = maxt < 2 ? 2 : maxt > CHART_MAX_TICKS ? CHART_MAX_TICKS : maxt;
	p->ny = chart_ticks(lo * p->scale, hi * p->scale, maxt, &p->yfirst,
	    &p->ystep);
	if (p->ny >= 2) {
		p->vlo = p->yfirst;
		p->vhi = p->yfirst + (p->ny - 1) * p->ystep;
	} else {
		p->ny = 0;
		p->vlo = lo * p->scale;
		p->vhi = hi * p->scale;
	}
	if (!(p->vhi > p->vlo))
		p->vhi = p->vlo + 1;
	d = chart_decimals(p->ystep);
	for (i = 0; i < (size_t)p->ny; i++) {
		v = p->yfirst + i * p->ystep;
		len = snprintf(label, sizeof(label), "%.*f", d, v);
		maxc = len > maxc ? len : maxc;
	}
	p->x0 = 30 + maxc * CHART_CHAR_W;
	p->x0 = p->x0 < 50 ? 50 : p->x0;
	p->x1 = p->w - 16;
}

/* Whether placing the sessions by start time reads well (see the top). */
static int
plot_bytime(const struct chart_plot *p)
{
	double	even;
	size_t	i, small = 0;
	int64_t	t;

	if (p->nv < 2 || p->tmax <= p->tmin)
		return (0);
	even = ((double)p->tmax - (double)p->tmin) / (p->nv - 1);
	for (i = 0; i < p->nv; i++) {
		t = p->v[i].cp->when;
		if (t < 0 || t > TIME_MAX)
			return (0);
		if (i == 0)
			continue;
		if (t < p->v[i - 1].cp->when)
			return (0);
		if ((double)(t - p->v[i - 1].cp->when) < even / 4)
			small++;
	}
	return (small * 4 <= p->nv - 1);
}

/* Each point's x: by start time or by index (see the top). */
static void
plot_x(struct chart_plot *p)
{
	struct chart_vpt	*v;
	double			 usable, span;
	size_t			 i;

	p->tmin = p->tmax = p->v[0].cp->when;
	for (i = 1; i < p->nv; i++) {
		p->tmin = p->v[i].cp->when < p->tmin ? p->v[i].cp->when :
		    p->tmin;
		p->tmax = p->v[i].cp->when > p->tmax ? p->v[i].cp->when :
		    p->tmax;
	}
	/* In doubles: times need not be sane, and must not overflow. */
	span = (double)p->tmax - (double)p->tmin;
	p->longdates = span >= TWO_DAYS;
	p->bytime = plot_bytime(p);
	usable = p->x1 - p->x0 - 2 * CHART_INNER;
	p->grouped = p->nv >= 2 && usable / (p->nv - 1) < CHART_GROUP_PX;
	for (i = 0; i < p->nv; i++) {
		v = &p->v[i];
		if (p->bytime)
			v->x = p->x0 + CHART_INNER + (v->cp->when - p->tmin) /
			    span * usable;
		else if (p->nv == 1)
			v->x = (p->x0 + p->x1) / 2;
		else
			v->x = p->x0 + CHART_INNER + usable * i / (p->nv - 1);
		v->bin = (long)floor((v->x - p->x0) / CHART_GROUP_PX);
		v->verdict = v->cp->regressed ? CHART_REGRESSED :
		    v->cp->improved ? CHART_IMPROVED : 0;
	}
}

/* Adds point i to the marker of its column and verdict, if any. */
static int
plot_join(struct chart_plot *p, size_t i)
{
	struct chart_vpt	*v = &p->v[i];
	struct chart_mark	*mk;
	size_t			 k;

	if (!p->grouped || v->cp->changepoint)
		return (0);
	for (k = p->nm; k > 0 && p->m[k - 1].bin == v->bin; k--) {
		mk = &p->m[k - 1];
		if (mk->alone || mk->verdict != v->verdict)
			continue;
		mk->last = i;
		mk->n++;
		mk->x += v->x;
		mk->mean += v->mean;
		mk->lo = fmin(mk->lo, v->lo);
		mk->hi = fmax(mk->hi, v->hi);
		v->mark = k - 1;
		return (1);
	}
	return (0);
}

/*
 * The markers: one per point, or when crowded one per column and verdict
 * (a change point stays alone).  Columns only grow from point to point,
 * so a point's group, if it has one, is among the last markers.
 */
static void
plot_marks(struct chart_plot *p)
{
	struct chart_vpt	*v;
	struct chart_mark	*mk;
	size_t			 i, k;

	p->m = xreallocarray(NULL, p->nv, sizeof(*p->m));
	for (i = 0; i < p->nv; i++) {
		if (plot_join(p, i))
			continue;
		v = &p->v[i];
		v->mark = p->nm;
		mk = &p->m[p->nm++];
		mk->first = mk->last = i;
		mk->n = 1;
		mk->x = v->x;
		mk->mean = v->mean;
		mk->lo = v->lo;
		mk->hi = v->hi;
		mk->bin = v->bin;
		mk->verdict = v->verdict;
		mk->alone = v->cp->changepoint != 0;
	}
	for (k = 0; k < p->nm; k++) {
		p->m[k].x /= p->m[k].n;
		p->m[k].mean /= p->m[k].n;
	}
}

/* The chart as an SVG document, laid out here and written by chart-draw.c. */
char *
chart_svg(const struct chart *c)
{
	static const struct chart	 none;
	struct chart_plot		 p;
	locale_t			 cloc, old = (locale_t)0;

	cloc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	if (cloc != (locale_t)0)
		old = uselocale(cloc);
	memset(&p, 0, sizeof(p));
	p.c = c != NULL ? c : &none;
	p.w = p.c->width <= 0 ? CHART_WIDTH : p.c->width;
	p.h = p.c->height <= 0 ? CHART_HEIGHT : p.c->height;
	p.w = p.w < 320 ? 320 : p.w > 20000 ? 20000 : p.w;
	p.h = p.h < 200 ? 200 : p.h > 20000 ? 20000 : p.h;

	p.b.cap = 4096;
	p.b.p = xmalloc(p.b.cap);
	p.b.p[0] = '\0';

	if (p.c->pts != NULL)
		plot_collect(&p);
	chart_draw_head(&p);
	if (p.nv == 0)
		chart_draw_empty(&p);
	else {
		plot_yrange(&p, chart_draw_legend(&p));
		plot_x(&p);
		plot_marks(&p);
		chart_draw_plot(&p);
	}
	chart_draw_end(&p);
	free(p.v);
	free(p.m);
	if (cloc != (locale_t)0) {
		uselocale(old);
		freelocale(cloc);
	}
	return (p.b.p);
}
