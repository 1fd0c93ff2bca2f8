/*
 * stats.h -- every number benchd reports comes from here.
 *
 * The formulas are those of numpy/scipy, so a user can recompute any figure
 * from the runs table with a few lines of Python; tests/unit/test-stats.c
 * checks them against scipy to 1e-9 relative.  Inputs must be finite: a
 * NaN or infinity makes a function fail (-1, NAN or 0, as stated below)
 * rather than return a number that means nothing.
 */
#ifndef BENCHD_STATS_H
#define BENCHD_STATS_H

#include <stddef.h>

#define STATS_CP_WINDOW		50	/* change points: window length */
#define STATS_CP_WINDOW_MAX	1000	/* memory is O(window^2) */
#define STATS_CP_MAX_P		0.001	/* change points: significance */
#define STATS_NOISE_MIN_N	10	/* noise threshold: history needed */

/*
 * One sample (the measured runs of a session, one metric):
 *
 *   mean    sum(x) / n, accumulated as x[0] + sum(x - x[0]) / n with a
 *           second pass adding sum(x - mean) / n, so values near 1e9 keep
 *           their low digits
 *   stddev  sample standard deviation, sqrt(sum((x - mean)^2) / (n - 1)),
 *           computed as the corrected two-pass sum (Chan, Golub, LeVeque)
 *   cv      stddev / mean (NAN when mean is 0)
 *   median  middle of the sorted values, mean of the two middle ones when
 *           n is even (numpy.median)
 *   mad     median(|x - median|), unscaled (scipy.stats.
 *           median_abs_deviation with its default scale=1.0)
 *   q1, q3  25th and 75th percentiles, numpy's default "linear" method:
 *           h = (n - 1) p, q = x[floor h] + (h - floor h) (x[floor h + 1] -
 *           x[floor h]) on the sorted values
 *   ci_*    95% confidence interval of the mean, Student t with n - 1
 *           degrees of freedom: ci_half = t(0.975, n - 1) stddev / sqrt(n),
 *           ci_low = mean - ci_half, ci_high = mean + ci_half
 *
 * With n = 1, stddev, cv and the ci fields are NAN (undefined, not 0); mad
 * is 0 and median, min, max, q1, q3 equal the single value.  When every
 * value is equal, stddev, cv and ci_half are exactly 0.
 */
struct stats_summary {
	size_t	n;
	double	mean;
	double	stddev;
	double	cv;
	double	median;
	double	mad;
	double	min;
	double	max;
	double	q1;
	double	q3;
	double	ci_low;
	double	ci_high;
	double	ci_half;
};

/* Returns 0, or -1 when n is 0 or a value is not finite. */
int	stats_summarize(const double *, size_t, struct stats_summary *);

/* p-quantile (0 <= p <= 1) of n >= 1 sorted values, numpy "linear". */
double	stats_quantile_sorted(const double *, size_t, double);

/*
 * Tukey fences on q1/q3 (as above), IQR = q3 - q1.  flags[i] is +2 when
 * x[i] > q3 + 3 IQR (severe high), +1 when x[i] > q3 + 1.5 IQR (mild high),
 * -2 when x[i] < q1 - 3 IQR, -1 when x[i] < q1 - 1.5 IQR, else 0.  Values
 * are only flagged, never dropped.  Returns how many were flagged, or -1
 * (all flags 0) when a value is not finite.
 */
int	stats_outliers(const double *, size_t, int *);

/*
 * Student t quantile: the x with P(T <= x) = p for df degrees of freedom
 * (df need not be an integer), from GSL's gsl_cdf_tdist_Pinv.  NAN when p
 * is outside [0, 1] or df <= 0.
 */
double	stats_t_quantile(double, double);

/*
 * Welch's unequal-variance t-test of b against a (a is the baseline):
 *
 *   va, vb  sample variances (n - 1); se = sqrt(va/na + vb/nb)
 *   diff    mean_b - mean_a, so a slowdown is positive (both means taken
 *           relative to a[0], so the difference of two means near 1e9
 *           keeps its digits)
 *   t       diff / se (scipy.stats.ttest_ind(b, a, equal_var=False))
 *   df      Welch-Satterthwaite: se^4 / ((va/na)^2 / (na - 1) +
 *           (vb/nb)^2 / (nb - 1))
 *   p       two-sided, 2 P(T_df > |t|) = I_{df/(df+t^2)}(df/2, 1/2), the
 *           regularised incomplete beta function (GSL gsl_sf_beta_inc;
 *           accurate to the last digits even at p = 1e-80)
 *   diff_ci diff -+ t(0.975, df) se, the 95% CI of the difference
 *   rel     diff / mean_a; rel_ci_low/high are the diff CI divided by
 *           mean_a, i.e. mean_a is treated as exact (the usual reading of
 *           "x% slower, CI [lo%, hi%]"; no Fieller interval).  All three
 *           are NAN when mean_a is 0.
 *
 * When both variances are 0, se is 0: then t = 0 and p = 1 if the means
 * are equal, t = +-INFINITY and p = 0 if they differ; df is na + nb - 2 and
 * the CI has zero width at diff.  Returns 0, or -1 when na or nb < 2 or a
 * value is not finite.
 */
struct stats_welch {
	double	mean_a;
	double	mean_b;
	double	diff;
	double	diff_ci_low;
	double	diff_ci_high;
	double	rel;
	double	rel_ci_low;
	double	rel_ci_high;
	double	t;
	double	df;
	double	p;
};

int	stats_welch(const double *, size_t, const double *, size_t,
	    struct stats_welch *);

/*
 * Student's two-sample t-test with pooled variance (scipy.stats.ttest_ind,
 * equal_var=True): sp^2 = ((na-1) va + (nb-1) vb) / (na + nb - 2),
 * t = (mean_b - mean_a) / sqrt(sp^2 (1/na + 1/nb)), df = na + nb - 2,
 * two-sided p.  A side of one value contributes no variance.  p is 1 when
 * na + nb <= 2 or sp^2 = 0 with equal means, 0 when sp^2 = 0 and the means
 * differ; NAN when a side is empty or a value is not finite.  Used by the
 * change-point detector.
 */
double	stats_student_p(const double *, size_t, const double *, size_t);

/*
 * Mann-Whitney U test, two-sided p, as scipy.stats.mannwhitneyu(a, b,
 * alternative='two-sided', method='auto') in scipy 1.10:
 *
 *   U1 = R1 - na (na + 1) / 2 (R1 = sum of a's ranks in the pooled sample,
 *   ties get their average rank), U = max(U1, na nb - U1).
 *   Exact when min(na, nb) <= 8 and no value is repeated: p = 2 P(U' >= U)
 *   under the null permutation distribution of U' (counted exactly as the
 *   coefficients of the Gaussian binomial [na+nb choose na]_q).
 *   Otherwise normal: z = (U - na nb / 2 - 0.5) / s with
 *   s = sqrt(na nb / 12 ((N + 1) - sum(t^3 - t) / (N (N - 1)))), N = na + nb,
 *   t the size of each group of tied values; p = 2 P(Z > z).
 *   p is clipped to [0, 1]; s = 0 (every value equal) gives p = 1.
 *
 * NAN when a side is empty or a value is not finite.  (scipy's docstring
 * says "less than 8"; its code, followed here, says "not both above 8".)
 */
double	stats_mann_whitney_p(const double *, size_t, const double *, size_t);

/*
 * Change points by E-divisive means with a Student t-test, windowed, in
 * the manner of Apache Otava (formerly datastax-labs/hunter); the
 * algorithm is described in changepoint.c.  window 0 means STATS_CP_WINDOW
 * (values are clamped to [2, STATS_CP_WINDOW_MAX]); max_p <= 0 (or NaN)
 * means STATS_CP_MAX_P.  Each change point reports the two segments it
 * separates (bounded by the neighbouring change points or the ends):
 * mean_before, mean_after, rel = (after - before) / before (NAN if before
 * is 0) and p, the Student t-test of the two segments (stats_student_p),
 * always < max_p.  Writes at most maxout points, ordered by index, and
 * returns how many were found (which may exceed maxout, like snprintf);
 * 0 when n < 3 or a value is not finite.
 */
struct stats_cp {
	size_t	index;		/* first index of the new segment */
	double	p;
	double	mean_before;
	double	mean_after;
	double	rel;		/* (mean_after - mean_before) / mean_before */
};

size_t	stats_change_points(const double *, size_t, size_t, double,
	    struct stats_cp *, size_t);

/*
 * Consecutive relative changes out[i] = (x[i+1] - x[i]) / x[i] for
 * i < n - 1 (NAN where x[i] is 0); returns n - 1, or 0 when n < 2.
 */
size_t	stats_rel_changes(const double *, size_t, double *);

/*
 * Noise threshold learned from history, as rustc-perf does: with
 * a = |rel_changes| (the relative changes between consecutive sessions,
 * signs dropped, non-finite ones skipped), Q3 + 3 IQR of a when at least
 * min_n values remain, else dflt.  Quartiles are numpy "linear" as above
 * (rustc-perf takes medians of the two halves instead).
 */
double	stats_noise_threshold(const double *, size_t, size_t, double);

#endif
