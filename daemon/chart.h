/*
 * chart.h -- an SVG trend chart of a suite's history: session wall-time
 * means with their 95% CI bars, the baseline band, change points and
 * verdicts, as one standalone SVG document (benchctl history --svg).
 */
#ifndef BENCHD_CHART_H
#define BENCHD_CHART_H

#include <stddef.h>
#include <stdint.h>

#define CHART_WIDTH		960	/* px, when chart.width is 0 */
#define CHART_HEIGHT		420
#define CHART_MAX_TICKS		8	/* per axis, at most */
#define CHART_MAX_TIME_TICKS	16	/* room chart_time_ticks() may fill */

#define CHART_DATE_DAY		0	/* "2026-11-27" */
#define CHART_DATE_SHORT	1	/* "11-27 14:05" */
#define CHART_DATE_FULL		2	/* "2026-11-27 14:05" */

struct chart_point {
	int64_t	 id;		/* session id */
	int64_t	 when;		/* unix seconds, session start */
	double	 mean;		/* seconds; a NaN or inf point is skipped */
	double	 lo, hi;	/* 95% CI, seconds; lo == hi == mean unknown */
	int	 regressed;	/* verdict against the baseline */
	int	 improved;
	int	 changepoint;	/* a change point starts at this session */
	int	 unstable;	/* did not meet the stopping rule */
	char	 commit[13];	/* short id at a commit benchd checked out,
				   "" otherwise */
	char	 subject[81];	/* its subject, cut */
};

struct chart {
	const char			*title;	/* UTF-8; NULL: none */
	const struct chart_point	*pts;	/* oldest first */
	size_t				 npts;
	int				 has_baseline;
	int64_t				 baseline_id;
	double				 base_mean;	/* seconds */
	double				 base_lo, base_hi; /* band, seconds */
	int				 width, height;	/* px; 0: defaults */
	const char			*link;	/* NULL, or markers link to
						   link + session id */
};

/* chart.c: the chart as a standalone SVG document; never NULL. */
char		*chart_svg(const struct chart *);

/*
 * chart-axis.c, shared with the tests:
 * - chart_unit(maxabs, &scale): "µs", "ms", "s" or "min" for values up to
 *   maxabs seconds, and the factor turning seconds into it;
 * - chart_ticks(lo, hi, maxticks, &first, &step): the count of nice ticks
 *   (1, 2 or 5 x 10^k apart) covering [lo, hi], 0 if none;
 * - chart_decimals(step): the decimals that print ticks at step exactly;
 * - chart_time_ticks(lo, hi, maxticks, longform, out): calendar date ticks
 *   in [lo, hi], UTC;
 * - chart_date(buf, len, t, CHART_DATE_*): a UTC date;
 * - chart_value(buf, len, secs, half, unit, scale): "59.81 s ± 0.42 s".
 */
const char	*chart_unit(double, double *);
int		 chart_ticks(double, double, int, double *, double *);
int		 chart_decimals(double);
int		 chart_time_ticks(int64_t, int64_t, int, int, int64_t *);
void		 chart_date(char *, size_t, int64_t, int);
void		 chart_value(char *, size_t, double, double, const char *,
		     double);

#endif
