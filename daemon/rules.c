/*
 * rules.c -- the stopping rule, the verdict rule and the gate's decision.
 * Each is a pure function of its arguments; docs/METHODOLOGY.md states
 * them and tests/unit/test-rules.c holds them to it.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "stats.h"
#include "xmalloc.h"

#define NELEM(a)	(sizeof (a) / sizeof (a)[0])

static const char *verdict_names[] = {
	[VERDICT_NONE] = "none",
	[VERDICT_SAME] = "same",
	[VERDICT_REGRESSED] = "regressed",
	[VERDICT_IMPROVED] = "improved",
	[VERDICT_INCONCLUSIVE] = "inconclusive",
	[VERDICT_INCOMPARABLE] = "incomparable",
};

static const char *rule_names[] = {
	[RULE_NONE] = NULL,
	[RULE_NOISE] = "noise",
	[RULE_HISTORY] = "history",
	[RULE_CALIBRATION] = "calibration",
	[RULE_DISTURBED] = "disturbed",
};

/* The index of s among names[1 ..]; 0 (none) for NULL or unknown. */
static size_t
name_index(const char *const *names, size_t n, const char *s)
{
	size_t	i;

	for (i = 1; s != NULL && i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return (i);
	return (0);
}

const char *
verdict_name(enum verdict v)
{
	return (verdict_names[v]);
}

enum verdict
verdict_parse(const char *s)
{
	return ((enum verdict)name_index(verdict_names, NELEM(verdict_names),
	    s));
}

const char *
verdict_rule_name(enum verdict_rule r)
{
	return (rule_names[r]);
}

enum verdict_rule
verdict_rule_parse(const char *s)
{
	return ((enum verdict_rule)name_index(rule_names, NELEM(rule_names),
	    s));
}

enum verdict
rule_verdict(double p, double change, double lo, double hi, double noise,
    double t, enum verdict_why *why)
{
	enum verdict_why	w;
	enum verdict		v;

	if (!(t >= noise))
		t = noise;
	if (!isfinite(p) || !isfinite(change) || !isfinite(lo) ||
	    !isfinite(hi)) {
		w = WHY_UNDEFINED;
		v = VERDICT_INCONCLUSIVE;
	} else if (p < RULE_SIGNIFICANCE && lo > noise && change > t) {
		w = WHY_ABOVE_NOISE;
		v = VERDICT_REGRESSED;
	} else if (p < RULE_SIGNIFICANCE && hi < -noise && change < -t) {
		w = WHY_BELOW_NOISE;
		v = VERDICT_IMPROVED;
	} else if (p >= RULE_SIGNIFICANCE && lo >= -t && hi <= t) {
		w = WHY_WITHIN_NOISE;
		v = VERDICT_SAME;
	} else {
		w = WHY_STRADDLES;
		v = VERDICT_INCONCLUSIVE;
	}
	if (why != NULL)
		*why = w;
	return (v);
}

double
rule_threshold(double noise, double history, double calibration,
    enum verdict_rule *rule)
{
	double	t = noise;

	*rule = RULE_NOISE;
	if (isfinite(history) && !(history <= t)) {
		t = history;
		*rule = RULE_HISTORY;
	}
	if (isfinite(calibration) && !(calibration <= t)) {
		t = calibration;
		*rule = RULE_CALIBRATION;
	}
	return (t);
}

enum verdict
rule_disturbed_verdict(enum verdict wall, enum verdict cpu, size_t disturbed,
    enum verdict_why *why)
{
	if ((wall != VERDICT_REGRESSED && wall != VERDICT_IMPROVED) ||
	    disturbed == 0 || cpu == wall)
		return (wall);
	if (why != NULL)
		*why = WHY_DISTURBED;
	return (VERDICT_INCONCLUSIVE);
}

int
rule_suspect(enum verdict v, enum verdict_why why, double p, double change,
    double noise)
{
	return (v == VERDICT_INCONCLUSIVE && why == WHY_STRADDLES &&
	    p < RULE_SIGNIFICANCE && isfinite(change) &&
	    fabs(change) >= noise && noise > 0);
}

const char *
rule_confirmation(enum verdict session, double change, enum verdict ab)
{
	enum verdict	want;

	if (session == VERDICT_REGRESSED)
		want = VERDICT_REGRESSED;
	else if (isfinite(change) && change != 0)
		want = change > 0 ? VERDICT_REGRESSED : VERDICT_IMPROVED;
	else
		return ("inconclusive");
	if (ab == want)
		return ("confirmed");
	if (ab == VERDICT_SAME || ab == VERDICT_REGRESSED ||
	    ab == VERDICT_IMPROVED)
		return ("refuted");
	return ("inconclusive");
}

double
rule_rss_noise(double noise, const double *a_kib, size_t n)
{
	double	mean = 0, grain;
	size_t	i;

	for (i = 0; i < n; i++)
		mean += a_kib[i] / n;
	if (!(mean > 0))
		return (noise);
	grain = RULE_RSS_GRAIN_KIB / mean;
	return (grain > noise ? grain : noise);
}

enum verdict
rule_grain_verdict(enum verdict v, double lo, double hi, double threshold,
    enum verdict_why *why)
{
	if (v != VERDICT_INCONCLUSIVE || !isfinite(lo) || !isfinite(hi) ||
	    !(lo >= -threshold && hi <= threshold))
		return (v);
	if (why != NULL)
		*why = WHY_WITHIN_GRAIN;
	return (VERDICT_SAME);
}

enum stop_decision
rule_stop(const double *wall, size_t n, size_t measured, int runs,
    int max_runs, double cv_target, char **why)
{
	struct stats_summary	 sum;
	size_t			 disturbed = measured - n;
	char			*also = NULL;

	*why = NULL;
	if (n < (size_t)runs) {
		if (measured < (size_t)max_runs)
			return (STOP_MORE);
		if (n == 0) {
			xasprintf(why, "all %zu measured runs were disturbed "
			    "(other processes took their CPU)", measured);
			return (STOP_NO_RUN);
		}
		xasprintf(why, "only %zu undisturbed runs of the %d asked for: "
		    "%zu of %zu measured runs were disturbed", n, runs,
		    disturbed, measured);
		return (STOP_UNSTABLE);
	}
	if (n < 2 || stats_summarize(wall, n, &sum) != 0 ||
	    !(sum.cv > cv_target))
		return (STOP_DONE);
	if (measured < (size_t)max_runs)
		return (STOP_MORE);
	if (disturbed > 0)
		xasprintf(&also, "; %zu more disturbed", disturbed);
	xasprintf(why, "CV %.2f%% still above the %.2f%% target after "
	    "%zu runs (95%% CI of the mean ±%.2f%%)%s", sum.cv * 100,
	    cv_target * 100, n, sum.ci_half / sum.mean * 100,
	    also != NULL ? also : "");
	free(also);
	return (STOP_UNSTABLE);
}

int64_t
rule_interference(int64_t stall_us, int64_t others_us, int ncpus)
{
	int64_t	others;

	if (stall_us < 0 || others_us < 0)
		return (stall_us);
	others = others_us - (int64_t)ncpus * RULE_BUSY_GRAIN_US;
	if (others < 0)
		others = 0;
	return (others < stall_us ? others : stall_us);
}

int
rule_disturbed(int64_t stall_us, int64_t others_us, int ncpus,
    uint64_t wall_ns, double max_stall)
{
	int64_t	us = rule_interference(stall_us, others_us, ncpus);

	if (us < 0 || wall_ns == 0)
		return (0);
	return (us * 1000.0 / wall_ns > max_stall);
}

enum gate_decision
rule_gate(enum gate_policy policy, int canonical, const char *failing,
    double waited, int wait_timeout, char **reason)
{
	*reason = NULL;
	if (canonical || policy == POLICY_WARN)
		return (GATE_PASS);
	if (policy == POLICY_REFUSE) {
		xasprintf(reason, "conditions not canonical: %s", failing);
		return (GATE_FAIL);
	}
	if (waited >= wait_timeout) {
		xasprintf(reason, "conditions not canonical after waiting "
		    "%d s: %s", wait_timeout, failing);
		return (GATE_FAIL);
	}
	return (GATE_WAIT);
}
