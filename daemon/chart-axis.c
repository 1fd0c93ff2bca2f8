/*
 * chart-axis.c -- what the chart's axes say: the unit of wall time, "nice"
 * tick steps, date ticks on a calendar grid, and the text of values and
 * dates.  All dates are UTC, so a chart reads the same on every machine.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "chart.h"

#define DAY	86400

/* Tick steps in seconds below a month; weeks start on Monday. */
static const int64_t	time_steps[] = {
	60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200,
	DAY, 2 * DAY, 7 * DAY, 14 * DAY
};
/* Then calendar months, up to a millennium. */
static const int	month_steps[] = {
	1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12000
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * The unit for values up to maxabs seconds, and the factor that turns
 * seconds into it: below a millisecond µs, below a second ms, below ten
 * minutes s, then min.
 */
const char *
chart_unit(double maxabs, double *scale)
{
	maxabs = fabs(maxabs);
	if (maxabs < 1e-3) {
		*scale = 1e6;
		return ("\xc2\xb5s");
	}
	if (maxabs < 1) {
		*scale = 1e3;
		return ("ms");
	}
	if (maxabs < 600 || !isfinite(maxabs)) {
		*scale = 1;
		return ("s");
	}
	*scale = 1.0 / 60;
	return ("min");
}

/* How many multiples of step lie in [lo, hi], tolerating rounding. */
static int64_t
ticks_between(double lo, double hi, double step, double *first)
{
	double	k0, k1;

	k0 = floor(lo / step + 1e-6);
	k1 = ceil(hi / step - 1e-6);
	*first = k0 * step;
	if (!isfinite(k0) || !isfinite(k1) || k1 - k0 > 1e6)
		return (INT32_MAX);
	return ((int64_t)(k1 - k0) + 1);
}

/*
 * Ticks covering [lo, hi]: the smallest step of 1, 2 or 5 times a power of
 * ten that needs at most maxticks ticks, the first tick at or below lo and
 * the last at or above hi.  Returns the number of ticks (first + i * step),
 * or 0 when the range is empty or not finite.  58.2..61.7 with 8 ticks
 * gives 58, 59, 60, 61, 62 (0.5 steps would need 9).
 */
int
chart_ticks(double lo, double hi, int maxticks, double *first, double *step)
{
	static const double	mant[] = { 1, 2, 5 };
	double			base;
	int64_t			n;
	int			e, i;

	*first = lo;
	*step = 0;
	if (!isfinite(lo) || !isfinite(hi) || !(hi > lo) ||
	    !isfinite(hi - lo) || maxticks < 2)
		return (0);
	e = (int)floor(log10((hi - lo) / maxticks)) - 1;
	for (; e < 400; e++) {
		base = pow(10, e);
		for (i = 0; i < (int)NELEM(mant); i++) {
			*step = mant[i] * base;
			if (!isfinite(*step))
				return (0);
			if (*step == 0)
				continue;
			n = ticks_between(lo, hi, *step, first);
			if (n <= maxticks)
				return ((int)n);
		}
	}
	return (0);
}

/* Decimals that show every tick at this step exactly: 0.5 needs 1. */
int
chart_decimals(double step)
{
	double	d;

	if (!(step > 0) || !isfinite(step))
		return (0);
	d = -floor(log10(step) + 1e-9);
	if (d < 0)
		return (0);
	return (d > 12 ? 12 : (int)d);
}

/* Floor division, right for negative times too. */
static int64_t
floordiv(int64_t a, int64_t b)
{
	return (a / b - (a % b != 0 && (a < 0) != (b < 0)));
}

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t	era, yoe, doy, doe;

	y -= m <= 2;
	era = floordiv(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

/* Unix time of the first of month index mi (year * 12 + month 0..11). */
static int64_t
month_start(int64_t mi)
{
	return (days_from_civil(floordiv(mi, 12),
	    (int)(mi - floordiv(mi, 12) * 12) + 1, 1) * DAY);
}

/* Month index (year * 12 + month 0..11) holding t, or -1. */
static int64_t
month_index(int64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL)
		return (-1);
	return (((int64_t)tm.tm_year + 1900) * 12 + tm.tm_mon);
}

/* Month ticks in [lo, hi] every step months, or -1 when too many. */
static int
month_ticks(int64_t lo, int64_t hi, int step, int maxticks, int64_t *out)
{
	int64_t	m, mend, n, i;

	if ((m = month_index(lo)) < 0 || (mend = month_index(hi)) < 0)
		return (-1);
	if (month_start(m) < lo)
		m++;
	m = floordiv(m + step - 1, step) * step;
	n = m > mend ? 0 : (mend - m) / step + 1;
	if (n > maxticks)
		return (-1);
	for (i = 0; i < n; i++)
		out[i] = month_start(m + i * step);
	return ((int)n);
}

/*
 * Date ticks in [lo, hi] (unix seconds, UTC) on a calendar grid: whole
 * minutes, hours, days, Monday weeks, first of months, years.  The
 * smallest step giving at most maxticks ticks wins; with daylong labels
 * (longform) the step is at least a day, so no two ticks read alike.
 * Writes at most maxticks (capped at CHART_MAX_TIME_TICKS) times to out and
 * returns their number, 0 when no step fits.
 */
int
chart_time_ticks(int64_t lo, int64_t hi, int maxticks, int longform,
    int64_t *out)
{
	const int64_t	monday = 4 * DAY;	/* 1970-01-05 */
	int64_t		step, off, t0, n, i;
	size_t		k;
	int		got;

	if (maxticks > CHART_MAX_TIME_TICKS)
		maxticks = CHART_MAX_TIME_TICKS;
	if (hi < lo || maxticks < 1)
		return (0);
	for (k = 0; k < NELEM(time_steps); k++) {
		step = time_steps[k];
		if (longform && step < DAY)
			continue;
		off = step % (7 * DAY) == 0 ? monday : 0;
		t0 = floordiv(lo - off + step - 1, step) * step + off;
		n = t0 > hi ? 0 : (hi - t0) / step + 1;
		if (n > maxticks)
			continue;
		for (i = 0; i < n; i++)
			out[i] = t0 + i * step;
		return ((int)n);
	}
	for (k = 0; k < NELEM(month_steps); k++) {
		got = month_ticks(lo, hi, month_steps[k], maxticks, out);
		if (got >= 0)
			return (got);
	}
	return (0);
}

/*
 * A date in UTC: CHART_DATE_DAY "2026-11-27", CHART_DATE_SHORT
 * "11-27 14:05", CHART_DATE_FULL "2026-11-27 14:05"; "?" when out of range.
 */
void
chart_date(char *buf, size_t len, int64_t t, int form)
{
	static const char	*fmts[] = {
		"%Y-%m-%d", "%m-%d %H:%M", "%Y-%m-%d %H:%M"
	};
	struct tm		 tm;
	time_t			 tt = (time_t)t;

	if (form < 0 || form > 2 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, fmts[form], &tm) == 0)
		snprintf(buf, len, "?");
}

/* Decimals giving v sig significant digits, within 0..6. */
static int
sig_decimals(double v, int sig)
{
	int	d;

	v = fabs(v);
	if (!(v > 0) || !isfinite(v))
		return (sig - 1);
	d = sig - 1 - (int)floor(log10(v));
	return (d < 0 ? 0 : d > 6 ? 6 : d);
}

/*
 * "59.81 s ± 0.42 s": secs and the CI half-width half (seconds) in unit
 * (scale per second), the mean to 4 significant digits and the half-width
 * to 2, both printed with the same decimals; no "±" part when half is 0
 * or unknown.
 */
void
chart_value(char *buf, size_t len, double secs, double half,
    const char *unit, double scale)
{
	double	v = secs * scale, h = half * scale;
	int	d, dh;

	d = sig_decimals(v, 4);
	if (!(h > 0) || !isfinite(h)) {
		snprintf(buf, len, "%.*f %s", d, v, unit);
		return;
	}
	dh = sig_decimals(h, 2);
	if (dh > d + 2)
		dh = d + 2;
	if (dh > d)
		d = dh;
	snprintf(buf, len, "%.*f %s \xc2\xb1 %.*f %s", d, v, unit, d, h, unit);
}
