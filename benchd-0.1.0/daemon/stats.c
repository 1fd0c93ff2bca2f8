/*
 * stats.c -- summaries, outliers and two-sample tests.
 *
 * The formulas are written out in stats.h; this file follows numpy and
 * scipy (1.10) to the last rounding where it can, so the reference values
 * in tests/data/stats/ hold to 1e-9 relative.  Distribution functions come
 * from GSL.  The change-point detector lives in changepoint.c.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>

#include "stats.h"
#include "xmalloc.h"

/* scipy leaves the exact U distribution to samples this small. */
#define MWU_EXACT_MAX	8

struct mwu_obs {
	double	v;
	int	in_a;
};

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return ((x > y) - (x < y));
}

static int
all_finite(const double *x, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (!isfinite(x[i]))
			return (0);
	}
	return (1);
}

static double *
sorted_copy(const double *x, size_t n)
{
	double	*s;

	s = xreallocarray(NULL, n, sizeof(*s));
	memcpy(s, x, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	return (s);
}

/*
 * Mean of x - c and sample variance of x, by the corrected two-pass
 * algorithm: the second pass measures deviations from the first mean and
 * folds their sum back in.  Working relative to c (a value of the sample)
 * keeps the low digits of values near 1e9, and lets two samples shifted by
 * the same c give their difference of means without the rounding of 1e9.
 * A constant sample is answered exactly.
 */
static void
mean_var(const double *x, size_t n, double c, double *mean, double *var)
{
	double	sum = 0, m, d, e = 0, ss = 0;
	size_t	i;
	int	flat = 1;

	for (i = 0; i < n; i++) {
		sum += x[i] - c;
		if (x[i] != x[0])
			flat = 0;
	}
	if (flat) {
		*mean = x[0] - c;
		*var = 0;
		return;
	}
	m = sum / n;
	for (i = 0; i < n; i++) {
		d = (x[i] - c) - m;
		e += d;
		ss += d * d;
	}
	*mean = m + e / n;
	*var = (ss - e * e / n) / (n - 1);
	if (*var < 0)
		*var = 0;
}

/* numpy.median of sorted values. */
static double
median_sorted(const double *s, size_t n)
{
	if (n % 2 == 1)
		return (s[n / 2]);
	return ((s[n / 2 - 1] + s[n / 2]) / 2);
}

/*
 * numpy's "linear" percentile, including its way of interpolating from
 * the upper neighbour when the fraction is 0.5 or more.
 */
double
stats_quantile_sorted(const double *s, size_t n, double p)
{
	double	h, g, d;
	size_t	k;

	if (n == 0 || !(p >= 0 && p <= 1))
		return (NAN);
	h = (double)(n - 1) * p;
	k = (size_t)floor(h);
	if (k >= n - 1)
		return (s[n - 1]);
	g = h - (double)k;
	d = s[k + 1] - s[k];
	if (g >= 0.5)
		return (s[k + 1] - d * (1 - g));
	return (s[k] + d * g);
}

/* GSL aborts the process on a domain error unless told otherwise. */
static void
stats_gsl_quiet(void)
{
	gsl_set_error_handler_off();
}

double
stats_t_quantile(double p, double df)
{
	if (!(p >= 0 && p <= 1) || !(df > 0))
		return (NAN);
	if (p == 0)
		return (-INFINITY);
	if (p == 1)
		return (INFINITY);
	stats_gsl_quiet();
	return (gsl_cdf_tdist_Pinv(p, df));
}

/*
 * Two-sided p of a t statistic, 2 P(T_df > |t|), as the regularised
 * incomplete beta function I_{df/(df+t^2)}(df/2, 1/2); when that is above
 * 1/2, as 1 - I_{t^2/(df+t^2)}(1/2, df/2), whose argument keeps its digits
 * for small t.  (gsl_cdf_tdist_Q drifts by 1e-8 relative at p = 1e-33;
 * this agrees with scipy's stdtr to the last digits.)
 */
static double
t_two_sided(double t, double df)
{
	double	t2 = t * t, p;

	stats_gsl_quiet();
	p = gsl_sf_beta_inc(df / 2, 0.5, df / (df + t2));
	if (p > 0.5)
		p = 1 - gsl_sf_beta_inc(0.5, df / 2, t2 / (df + t2));
	return (p > 1 ? 1 : p);
}

int
stats_summarize(const double *x, size_t n, struct stats_summary *out)
{
	double	*s, *dev, var, half;
	size_t	 i;

	memset(out, 0, sizeof(*out));
	if (n == 0 || !all_finite(x, n))
		return (-1);
	s = sorted_copy(x, n);
	out->n = n;
	mean_var(x, n, x[0], &out->mean, &var);
	out->mean += x[0];
	out->min = s[0];
	out->max = s[n - 1];
	out->median = median_sorted(s, n);
	out->q1 = stats_quantile_sorted(s, n, 0.25);
	out->q3 = stats_quantile_sorted(s, n, 0.75);

	dev = xreallocarray(NULL, n, sizeof(*dev));
	for (i = 0; i < n; i++)
		dev[i] = fabs(x[i] - out->median);
	qsort(dev, n, sizeof(*dev), cmp_double);
	out->mad = median_sorted(dev, n);
	free(dev);
	free(s);

	if (n == 1) {
		out->stddev = out->cv = NAN;
		out->ci_low = out->ci_high = out->ci_half = NAN;
		return (0);
	}
	out->stddev = sqrt(var);
	out->cv = out->mean != 0 ? out->stddev / out->mean : NAN;
	half = 0;
	if (out->stddev != 0) {
		half = stats_t_quantile(0.975, (double)(n - 1)) * out->stddev /
		    sqrt((double)n);
	}
	out->ci_half = half;
	out->ci_low = out->mean - half;
	out->ci_high = out->mean + half;
	return (0);
}

int
stats_outliers(const double *x, size_t n, int *flags)
{
	double	*s, q1, q3, iqr;
	size_t	 i;
	int	 count = 0;

	if (n == 0)
		return (0);
	memset(flags, 0, n * sizeof(*flags));
	if (!all_finite(x, n))
		return (-1);
	s = sorted_copy(x, n);
	q1 = stats_quantile_sorted(s, n, 0.25);
	q3 = stats_quantile_sorted(s, n, 0.75);
	free(s);
	iqr = q3 - q1;
	for (i = 0; i < n; i++) {
		if (x[i] > q3 + 3 * iqr)
			flags[i] = 2;
		else if (x[i] > q3 + 1.5 * iqr)
			flags[i] = 1;
		else if (x[i] < q1 - 3 * iqr)
			flags[i] = -2;
		else if (x[i] < q1 - 1.5 * iqr)
			flags[i] = -1;
		if (flags[i] != 0)
			count++;
	}
	return (count);
}

int
stats_welch(const double *a, size_t na, const double *b, size_t nb,
    struct stats_welch *out)
{
	double	ma, mb, va, vb, se2, se, half;

	memset(out, 0, sizeof(*out));
	if (na < 2 || nb < 2 || !all_finite(a, na) || !all_finite(b, nb))
		return (-1);
	mean_var(a, na, a[0], &ma, &va);
	mean_var(b, nb, a[0], &mb, &vb);
	out->diff = mb - ma;
	out->mean_a = a[0] + ma;
	out->mean_b = a[0] + mb;
	va /= na;
	vb /= nb;
	se2 = va + vb;
	if (se2 == 0) {
		/* Two constant samples: certain either way. */
		out->df = (double)(na + nb - 2);
		if (out->diff == 0) {
			out->t = 0;
			out->p = 1;
		} else {
			out->t = out->diff > 0 ? INFINITY : -INFINITY;
			out->p = 0;
		}
		half = 0;
	} else {
		se = sqrt(se2);
		out->df = se2 * se2 /
		    (va * va / (na - 1) + vb * vb / (nb - 1));
		out->t = out->diff / se;
		out->p = t_two_sided(out->t, out->df);
		half = stats_t_quantile(0.975, out->df) * se;
	}
	out->diff_ci_low = out->diff - half;
	out->diff_ci_high = out->diff + half;
	if (out->mean_a == 0) {
		out->rel = out->rel_ci_low = out->rel_ci_high = NAN;
		return (0);
	}
	out->rel = out->diff / out->mean_a;
	out->rel_ci_low = out->diff_ci_low / out->mean_a;
	out->rel_ci_high = out->diff_ci_high / out->mean_a;
	if (out->mean_a < 0) {
		half = out->rel_ci_low;
		out->rel_ci_low = out->rel_ci_high;
		out->rel_ci_high = half;
	}
	return (0);
}

double
stats_student_p(const double *a, size_t na, const double *b, size_t nb)
{
	double	ma, mb, va, vb, sp2, t;

	if (na == 0 || nb == 0 || !all_finite(a, na) || !all_finite(b, nb))
		return (NAN);
	if (na + nb <= 2)
		return (1);
	mean_var(a, na, a[0], &ma, &va);
	mean_var(b, nb, a[0], &mb, &vb);
	sp2 = ((na - 1) * va + (nb - 1) * vb) / (double)(na + nb - 2);
	if (sp2 == 0)
		return (ma == mb ? 1 : 0);
	t = (mb - ma) / sqrt(sp2 * (1.0 / na + 1.0 / nb));
	return (t_two_sided(t, (double)(na + nb - 2)));
}

static int
cmp_obs(const void *a, const void *b)
{
	return (cmp_double(&((const struct mwu_obs *)a)->v,
	    &((const struct mwu_obs *)b)->v));
}

/*
 * P(U <= k) for samples of m and n values without ties.  The number of
 * arrangements with U = j is the coefficient of q^j in the Gaussian
 * binomial prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i); multiplying by one
 * numerator factor and dividing by one denominator factor at a time
 * (Harding, 1984) needs only the coefficients up to k.
 */
static double
mwu_exact_cdf(size_t m, size_t n, size_t k)
{
	double	*c, sum = 0, total = 1;
	size_t	 i, j, t;

	if (m > n) {
		t = m;
		m = n;
		n = t;
	}
	c = xcalloc(k + 1, sizeof(*c));
	c[0] = 1;
	for (i = 1; i <= m; i++) {
		for (j = k + 1; j > n + i; j--)
			c[j - 1] -= c[j - 1 - (n + i)];
		for (j = i; j <= k; j++)
			c[j] += c[j - i];
		total = total * (double)(n + i) / (double)i;
	}
	for (j = 0; j <= k; j++)
		sum += c[j];
	free(c);
	return (sum / total);
}

double
stats_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb)
{
	struct mwu_obs	*o;
	size_t		 nn = na + nb, i, j, k;
	double		 r1 = 0, ties = 0, t, u1, u, mn, v, z, p;

	if (na == 0 || nb == 0 || !all_finite(a, na) || !all_finite(b, nb))
		return (NAN);
	o = xreallocarray(NULL, nn, sizeof(*o));
	for (i = 0; i < nn; i++) {
		o[i].in_a = i < na;
		o[i].v = i < na ? a[i] : b[i - na];
	}
	qsort(o, nn, sizeof(*o), cmp_obs);
	for (i = 0; i < nn; i = j) {
		for (j = i + 1; j < nn && o[j].v == o[i].v; j++)
			;
		t = (double)(j - i);
		ties += t * t * t - t;
		for (k = i; k < j; k++) {
			if (o[k].in_a)
				r1 += (double)(i + 1 + j) / 2;
		}
	}
	free(o);

	mn = (double)na * (double)nb;
	u1 = r1 - (double)na * (double)(na + 1) / 2;
	u = u1 > mn - u1 ? u1 : mn - u1;
	if ((na <= MWU_EXACT_MAX || nb <= MWU_EXACT_MAX) && ties == 0)
		p = 2 * mwu_exact_cdf(na, nb, (size_t)(mn - u));
	else {
		v = mn / 12 * ((double)(nn + 1) -
		    ties / ((double)nn * (double)(nn - 1)));
		if (!(v > 0))
			return (1);
		z = (u - mn / 2 - 0.5) / sqrt(v);
		stats_gsl_quiet();
		p = 2 * gsl_cdf_ugaussian_Q(z);
	}
	if (p > 1)
		p = 1;
	return (p < 0 ? 0 : p);
}

size_t
stats_rel_changes(const double *x, size_t n, double *out)
{
	size_t	i;

	if (n < 2)
		return (0);
	for (i = 0; i + 1 < n; i++)
		out[i] = x[i] != 0 ? (x[i + 1] - x[i]) / x[i] : NAN;
	return (n - 1);
}

double
stats_noise_threshold(const double *rel, size_t n, size_t min_n, double dflt)
{
	double	*a, q1, q3;
	size_t	 i, m = 0;

	if (n == 0 || n < min_n)
		return (dflt);
	a = xreallocarray(NULL, n, sizeof(*a));
	for (i = 0; i < n; i++) {
		if (isfinite(rel[i]))
			a[m++] = fabs(rel[i]);
	}
	if (m == 0 || m < min_n) {
		free(a);
		return (dflt);
	}
	qsort(a, m, sizeof(*a), cmp_double);
	q1 = stats_quantile_sorted(a, m, 0.25);
	q3 = stats_quantile_sorted(a, m, 0.75);
	free(a);
	return (q3 + 3 * (q3 - q1));
}
