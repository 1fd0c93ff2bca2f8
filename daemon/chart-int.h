/* chart-int.h -- what chart.c shares with chart-draw.c, and nothing else. */
#ifndef BENCHD_CHART_INT_H
#define BENCHD_CHART_INT_H

#include <stddef.h>
#include <stdint.h>

#include "svgbuf.h"

#define CHART_INNER	12	/* px between the plot frame and a marker */
#define CHART_GROUP_PX	3	/* crowded: one marker per column this wide */
#define CHART_CHAR_W	6.6	/* px per character at font-size 11, a guess */

#define CHART_REGRESSED	1
#define CHART_IMPROVED	2

/* A point that can be drawn: seconds, CI ordered around the mean. */
struct chart_vpt {
	const struct chart_point	*cp;
	double				 mean, lo, hi, x;
	long				 bin;	/* CHART_GROUP_PX column */
	int				 verdict;
	size_t				 mark;	/* in chart_plot.m */
};

/* A marker: one point, or a group of crowded neighbours. */
struct chart_mark {
	size_t	first, last;		/* in chart_plot.v; members between */
	size_t	n;
	double	x, mean, lo, hi;
	long	bin;
	int	verdict;		/* CHART_REGRESSED, _IMPROVED, 0 */
	int	alone;			/* a change point: never grouped */
};

/* The chart being drawn: its input, layout and output. */
struct chart_plot {
	const struct chart	*c;
	struct svgbuf	 b;
	int			 w, h;
	double			 x0, x1, y0, y1;	/* plot frame */
	double			 vlo, vhi;	/* y range, display unit */
	double			 scale;		/* display unit per second */
	const char		*unit;
	double			 yfirst, ystep;
	int			 ny;
	struct chart_vpt	*v;
	size_t			 nv;
	struct chart_mark	*m;
	size_t			 nm;
	int			 bytime, grouped, longdates;
	int64_t			 tmin, tmax;
	int			 baseline, band;
	double			 blo, bhi;
};

/* chart.c: text checked and escaped for XML. */
void	chart_xml(struct svgbuf *, const char *, size_t);
size_t	chart_chars(const char *);

/* chart-draw.c */
void	chart_draw_head(struct chart_plot *);
double	chart_draw_legend(struct chart_plot *);
void	chart_draw_plot(struct chart_plot *);
void	chart_draw_empty(struct chart_plot *);
void	chart_draw_end(struct chart_plot *);

#endif
