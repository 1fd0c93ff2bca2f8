/*
 * changepoint.c -- change points in a suite's history of session means.
 *
 * E-divisive means with a Student t-test, windowed, in the manner of
 * Apache Otava (formerly datastax-labs/hunter; Fleming et al., "Hunter:
 * Using Change Point Detection to Hunt for Performance Regressions",
 * ICPE 2023, after Matteson and James, JASA 2014).  Written from the
 * description, not from their code.  The algorithm, exactly:
 *
 * 1. Divergence.  For a segment x[s..e) and s < tau < kappa <= e, let
 *    X = x[s..tau) (n values) and Y = x[tau..kappa) (m values), and
 *
 *      Q(tau, kappa) = 2/(n+m)            sum_i,j  |X_i - Y_j|
 *                    - 2m/((n+m)(n-1))    sum_i<k  |X_i - X_k|
 *                    - 2n/((n+m)(m-1))    sum_j<k  |Y_j - Y_k|
 *
 *    (a within-sample term is 0 when its side has one value): the energy
 *    distance of X and Y with exponent 1, scaled by nm/(n+m).  The
 *    segment's candidate is the tau of the pair (tau, kappa) with the
 *    largest Q; ties go to the smaller tau, then the smaller kappa.
 *
 * 2. Detection in a window w = x[start..end).  The window starts as one
 *    segment.  Take the candidate with the largest Q over all segments of
 *    two or more values (the earliest segment on ties) and run Student's
 *    t-test (stats_student_p) between [s, tau) and [tau, e) of its
 *    segment.  If p <= p1, tau is a change point and splits the segment;
 *    repeat.  Otherwise the window is done.
 *
 * 3. Split step.  Windows of W values (default 50) start at 0; the next
 *    one starts at max(last change point found in this window, or 0;
 *    start + floor(W/2)), until the start reaches n.  The union of the
 *    change points of all windows is the set of "weak" change points.  p1
 *    is the relaxed first-pass threshold: 10 max_p when max_p < 0.05,
 *    2 max_p when max_p < 0.5, else max_p.
 *
 * 4. Scoring.  Every weak point gets the t-test of the two segments that
 *    touch it, from the previous weak point (or 0) to the next (or n).
 *
 * 5. Merge step.  While the point with the largest p (the first on ties)
 *    has p >= max_p, remove it and rescore its two neighbours.  The points
 *    left all have p < max_p; they are the answer, with the means of the
 *    two segments each one separates.
 *
 * Deliberate differences from Otava: the t-test uses sample variances
 * (Otava hands population standard deviations to scipy's
 * ttest_ind_from_stats, which expects sample ones, so its p comes out a
 * little smaller); after a removal both neighbours are rescored (Otava
 * rescores the right neighbour and the one after it, leaving the left one
 * stale); there is no minimum-magnitude filter (Otava's default of 0 makes
 * it a no-op); W is capped at STATS_CP_WINDOW_MAX since memory is O(W^2).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "xmalloc.h"

/* One window, with cum[j * (n + 1) + t] = sum_{i < t} |x_i - x_j|. */
struct cp_window {
	const double	*x;
	size_t		 n;
	double		*cum;
};

/* Weak change points and their scores, ordered by index. */
struct cp_set {
	size_t		*idx;
	double		*p;
	size_t		 n;
};

/* sum_{a <= i < b} |x_i - x_j| */
static double
cp_dist(const struct cp_window *w, size_t j, size_t a, size_t b)
{
	const double	*row = w->cum + j * (w->n + 1);

	return (row[b] - row[a]);
}

static void
cp_window_init(struct cp_window *w, const double *x, size_t n)
{
	double	*row;
	size_t	 i, j;

	w->x = x;
	w->n = n;
	w->cum = xreallocarray(NULL, n * (n + 1), sizeof(*w->cum));
	for (j = 0; j < n; j++) {
		row = w->cum + j * (n + 1);
		row[0] = 0;
		for (i = 0; i < n; i++)
			row[i + 1] = row[i] + fabs(x[i] - x[j]);
	}
}

/*
 * Best split of segment [s, e) by Q, in O((e - s)^2): the three sums of
 * Q grow by one row of cum each time kappa or tau moves.
 */
static size_t
cp_candidate(const struct cp_window *w, size_t s, size_t e, double *qbest)
{
	double	sxx = 0, sxy, syy, nx, ny, q;
	size_t	tau, kappa, best = s + 1;

	*qbest = -INFINITY;
	for (tau = s + 1; tau < e; tau++) {
		sxx += cp_dist(w, tau - 1, s, tau - 1);
		nx = (double)(tau - s);
		sxy = syy = 0;
		for (kappa = tau + 1; kappa <= e; kappa++) {
			sxy += cp_dist(w, kappa - 1, s, tau);
			syy += cp_dist(w, kappa - 1, tau, kappa - 1);
			ny = (double)(kappa - tau);
			q = 2 / (nx + ny) * sxy;
			if (nx > 1)
				q -= 2 * ny / ((nx + ny) * (nx - 1)) * sxx;
			if (ny > 1)
				q -= 2 * nx / ((nx + ny) * (ny - 1)) * syy;
			if (q > *qbest) {
				*qbest = q;
				best = tau;
			}
		}
	}
	return (best);
}

/* Insert v into the sorted array a of *n elements unless present. */
static void
cp_insert(size_t *a, size_t *n, size_t v)
{
	size_t	i;

	for (i = 0; i < *n && a[i] < v; i++)
		;
	if (i < *n && a[i] == v)
		return;
	memmove(a + i + 1, a + i, (*n - i) * sizeof(*a));
	a[i] = v;
	(*n)++;
}

/*
 * Step 2: change points of one window, relative to it, sorted, into idx
 * (room for n - 1).  Returns how many.
 */
static size_t
cp_detect(const double *x, size_t n, double p1, size_t *idx)
{
	struct cp_window	w;
	size_t			k = 0, i, s, e, tau, best_tau, best_s, best_e;
	double			q, best_q, p;

	if (n < 3)
		return (0);
	cp_window_init(&w, x, n);
	for (;;) {
		best_q = -INFINITY;
		best_tau = best_s = best_e = 0;
		for (i = 0; i <= k; i++) {
			s = i == 0 ? 0 : idx[i - 1];
			e = i == k ? n : idx[i];
			if (e - s < 2)
				continue;
			tau = cp_candidate(&w, s, e, &q);
			if (q > best_q) {
				best_q = q;
				best_tau = tau;
				best_s = s;
				best_e = e;
			}
		}
		if (best_tau == 0)
			break;
		p = stats_student_p(x + best_s, best_tau - best_s,
		    x + best_tau, best_e - best_tau);
		if (!(p <= p1))
			break;
		cp_insert(idx, &k, best_tau);
	}
	free(w.cum);
	return (k);
}

/*
 * Step 4 for one point: the t-test of the segments either side, and their
 * means, summed relative to x[lo] so that the change survives values near
 * 1e9.
 */
static void
cp_score(const double *x, size_t n, struct cp_set *set, size_t i,
    struct stats_cp *cp)
{
	size_t	lo, hi, at = set->idx[i], j;
	double	before = 0, after = 0, c;

	lo = i == 0 ? 0 : set->idx[i - 1];
	hi = i + 1 == set->n ? n : set->idx[i + 1];
	set->p[i] = stats_student_p(x + lo, at - lo, x + at, hi - at);
	if (cp == NULL)
		return;
	c = x[lo];
	for (j = lo; j < at; j++)
		before += x[j] - c;
	for (j = at; j < hi; j++)
		after += x[j] - c;
	before /= (double)(at - lo);
	after /= (double)(hi - at);
	cp->index = at;
	cp->p = set->p[i];
	cp->mean_before = c + before;
	cp->mean_after = c + after;
	cp->rel = cp->mean_before != 0 ?
	    (after - before) / cp->mean_before : NAN;
}

/* Step 3: the weak change points of the whole series. */
static void
cp_split(const double *x, size_t n, size_t window, double p1,
    struct cp_set *set)
{
	size_t	*tmp, start = 0, end, k, i, last;

	tmp = xreallocarray(NULL, window, sizeof(*tmp));
	while (start < n) {
		end = start + window < n ? start + window : n;
		k = cp_detect(x + start, end - start, p1, tmp);
		for (i = 0; i < k; i++)
			cp_insert(set->idx, &set->n, start + tmp[i]);
		last = k > 0 ? start + tmp[k - 1] : 0;
		start = last > start + window / 2 ? last : start + window / 2;
	}
	free(tmp);
}

/* Step 5: drop the weakest point until every one left is significant. */
static void
cp_merge(const double *x, size_t n, double max_p, struct cp_set *set)
{
	size_t	i, w;

	while (set->n > 0) {
		w = 0;
		for (i = 1; i < set->n; i++) {
			if (set->p[i] > set->p[w])
				w = i;
		}
		if (set->p[w] < max_p)
			break;
		set->n--;
		memmove(set->idx + w, set->idx + w + 1,
		    (set->n - w) * sizeof(*set->idx));
		memmove(set->p + w, set->p + w + 1,
		    (set->n - w) * sizeof(*set->p));
		if (w > 0)
			cp_score(x, n, set, w - 1, NULL);
		if (w < set->n)
			cp_score(x, n, set, w, NULL);
	}
}

size_t
stats_change_points(const double *x, size_t n, size_t window, double max_p,
    struct stats_cp *out, size_t maxout)
{
	struct cp_set	set;
	double		p1;
	size_t		i, found;

	if (window == 0)
		window = STATS_CP_WINDOW;
	if (window < 2)
		window = 2;
	if (window > STATS_CP_WINDOW_MAX)
		window = STATS_CP_WINDOW_MAX;
	if (!(max_p > 0))
		max_p = STATS_CP_MAX_P;
	if (n < 3)
		return (0);
	for (i = 0; i < n; i++) {
		if (!isfinite(x[i]))
			return (0);
	}
	if (max_p < 0.05)
		p1 = max_p * 10;
	else if (max_p < 0.5)
		p1 = max_p * 2;
	else
		p1 = max_p;

	set.idx = xreallocarray(NULL, n, sizeof(*set.idx));
	set.p = xreallocarray(NULL, n, sizeof(*set.p));
	set.n = 0;
	cp_split(x, n, window, p1, &set);
	for (i = 0; i < set.n; i++)
		cp_score(x, n, &set, i, NULL);
	cp_merge(x, n, max_p, &set);

	found = set.n;
	for (i = 0; i < found && i < maxout; i++)
		cp_score(x, n, &set, i, &out[i]);
	free(set.idx);
	free(set.p);
	return (found);
}
