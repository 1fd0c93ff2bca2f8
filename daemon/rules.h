/*
 * rules.h -- the rules that decide benchd's words about numbers: when a
 * session has run enough, whether a change is a regression, whether the
 * conditions let a run go.  Pure functions, no globals: unit-tested in
 * tests/unit/test-rules.c.
 */
#ifndef BENCHD_RULES_H
#define BENCHD_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

#define RULE_SIGNIFICANCE	0.05	/* p below this is significant */

/* What a comparison says of one metric (and what a session stores). */
enum verdict {
	VERDICT_NONE,		/* no comparison was made */
	VERDICT_SAME,
	VERDICT_REGRESSED,
	VERDICT_IMPROVED,
	VERDICT_INCONCLUSIVE,
	VERDICT_INCOMPARABLE
};

/* Why a verdict was given, for logs and for the reasons of a verdict. */
enum verdict_why {
	WHY_UNDEFINED,		/* a figure is missing: fewer than 2 runs */
	WHY_ABOVE_NOISE,	/* p < 0.05, CI above +noise, change above +t */
	WHY_BELOW_NOISE,	/* p < 0.05, CI below -noise, change below -t */
	WHY_WITHIN_NOISE,	/* p >= 0.05, the whole CI within +-t */
	WHY_STRADDLES,		/* anything else: queue more runs */
	WHY_WITHIN_GRAIN,	/* the whole CI within what can be measured */
	WHY_DISTURBED		/* wall moved, CPU did not, runs disturbed */
};

/* The reason a verdict of WHY_DISTURBED gives, word for word. */
#define RULE_DISTURBED_REASON \
	"wall time moved, CPU time did not, and runs were disturbed"

/*
 * Which rule decided a verdict: the source of the threshold it was held
 * against, or the disturbed rule, which overrides it.
 */
enum verdict_rule {
	RULE_NONE,		/* nothing was compared */
	RULE_NOISE,		/* the suite's noise setting */
	RULE_HISTORY,		/* the noise learned from the suite's history */
	RULE_CALIBRATION,	/* the noise its latest calibration learned */
	RULE_DISTURBED		/* wall moved, CPU did not, runs disturbed */
};

const char	*verdict_name(enum verdict);
/* The verdict a name stands for; VERDICT_NONE for NULL or unknown. */
enum verdict	 verdict_parse(const char *);
/* "noise", "history", ...; NULL for RULE_NONE. */
const char	*verdict_rule_name(enum verdict_rule);
/* The rule a name stands for; RULE_NONE for NULL or unknown. */
enum verdict_rule verdict_rule_parse(const char *);

/*
 * The verdict on a relative change (higher is worse) with Welch's p and
 * the 95% CI [lo, hi] of the change, against the suite's noise setting
 * and the threshold t (rule_threshold: at least noise):
 *
 *   regressed	p < 0.05, lo > +noise and change > +t
 *   improved	p < 0.05, hi < -noise and change < -t
 *   same	p >= 0.05 and -t <= lo, hi <= +t
 *   inconclusive	anything else, or any figure not finite
 *
 * The CI is held against the noise setting, the change itself against
 * t: a learned t is a fence of changes between sessions, which already
 * hold the runs' own noise that the CI stands for, so the whole CI
 * beyond it would count that noise twice (METHODOLOGY.md section 8).
 * With t = noise the rule is the CI's alone.  *why (may be NULL) says
 * which line applied.
 */
enum verdict	 rule_verdict(double p, double change, double lo, double hi,
		     double noise, double t, enum verdict_why *why);

/*
 * The threshold a verdict is held against: the largest of the suite's
 * noise setting, the between-session noise learned from the suite's
 * history and the noise its latest calibration learned (NAN: not known,
 * left out).  *rule says which one it is: RULE_NOISE, RULE_HISTORY or
 * RULE_CALIBRATION; a tie goes to the first of them.
 */
double		 rule_threshold(double noise, double history,
		     double calibration, enum verdict_rule *rule);

/*
 * The disturbed rule of a verdict.  A wall-time verdict of regressed or
 * improved stands when no run of either session was disturbed (disturbed
 * is how many were), or when the CPU time's own verdict says the same;
 * otherwise
 * the wall time moved while the CPU time did not move with it, on a
 * machine that took CPU from the runs, and the verdict is inconclusive
 * (*why, which may be NULL, becomes WHY_DISTURBED).  Any other verdict is
 * returned as it is, *why untouched.
 */
enum verdict	 rule_disturbed_verdict(enum verdict wall, enum verdict cpu,
		     size_t disturbed, enum verdict_why *why);

/*
 * A suspected change: a wall verdict that is inconclusive although it is
 * significant (p < 0.05) with a change of at least the suite's noise:
 * the change fell short of the learned threshold, or its CI of the
 * noise (rule_verdict).  Two sessions
 * taken apart cannot tell such a change from the drift between them; an
 * interleaved A/B test can (METHODOLOGY.md section 10).  1 or 0.
 */
int		 rule_suspect(enum verdict v, enum verdict_why why, double p,
		     double change, double noise);
/*
 * What an A/B test that checked a session's finding says of it: the
 * session's verdict (regressed, or inconclusive for a suspicion, whose
 * direction is change's sign) against the test's ab.  "confirmed" when
 * the test found the same direction, "refuted" when it found same or the
 * other direction, "inconclusive" otherwise.
 */
const char	*rule_confirmation(enum verdict session, double change,
		     enum verdict ab);

/*
 * The kernel counts a process's resident pages per CPU, in batches, so
 * the peak resident set it reports is exact only to a few hundred KiB
 * (the same program, the same page faults, varies by as much from run to
 * run).  A peak-memory change must clear that as well as the noise.
 */
#define RULE_RSS_GRAIN_KIB	512

/* The threshold for maxrss: max(noise, the grain over a's mean KiB). */
double		 rule_rss_noise(double noise, const double *a_kib, size_t n);
/*
 * The verdict of a metric counted in a grain coarser than its changes
 * (maxrss): a change whose whole CI lies within +-threshold, which holds
 * the grain, is same even when it is significant -- sessions can differ
 * by a few pages systematically, and that is below what the kernel
 * measures.  Any other verdict is v's.
 */
enum verdict	 rule_grain_verdict(enum verdict v, double lo, double hi,
		     double threshold, enum verdict_why *why);

/* What the stopping rule says after a measured run. */
enum stop_decision {
	STOP_MORE,		/* run another */
	STOP_DONE,		/* enough runs, and stable */
	STOP_UNSTABLE,		/* max_runs reached short of the target */
	STOP_NO_RUN		/* max_runs reached, every run disturbed */
};

/*
 * The stopping rule over the wall times of the n undisturbed measured
 * runs among the `measured` runs so far: `runs` undisturbed runs, then one
 * more while their coefficient of variation is above cv_target; at most
 * max_runs measured runs in all, disturbed ones included.  With
 * STOP_UNSTABLE and STOP_NO_RUN, *why (caller frees) says why.
 */
enum stop_decision rule_stop(const double *wall, size_t n, size_t measured,
		     int runs, int max_runs, double cv_target, char **why);

/*
 * A measured run is disturbed when other processes took its CPUs from it
 * for more than max_stall of its wall time.  Its tasks waited for a CPU
 * stall_us in all (-1: not known), which counts the waits of a workload
 * with more threads than CPUs for itself too; other processes can have
 * caused no more of it than the CPU time they used on its CPUs meanwhile,
 * others_us (-1: not known), less what the kernel's count of it cannot
 * resolve, RULE_BUSY_GRAIN_US for each of the ncpus CPUs it was read on.
 * rule_interference is that part of the stall, in microseconds.
 */
#define RULE_BUSY_GRAIN_US	10000	/* a USER_HZ tick */
int64_t		 rule_interference(int64_t stall_us, int64_t others_us,
		     int ncpus);
int		 rule_disturbed(int64_t stall_us, int64_t others_us, int ncpus,
		     uint64_t wall_ns, double max_stall);

/* What the canonical-conditions gate does next. */
enum gate_decision {
	GATE_PASS,		/* run (canonical, or policy=warn) */
	GATE_WAIT,		/* policy=wait: check again later */
	GATE_FAIL		/* refuse: the session fails */
};

/*
 * The gate's decision: canonical runs; otherwise policy warn runs, refuse
 * fails at once, wait waits until waited (seconds) reaches wait_timeout.
 * On GATE_FAIL, *reason (caller frees) says why, quoting failing.
 */
enum gate_decision rule_gate(enum gate_policy, int canonical,
		     const char *failing, double waited, int wait_timeout,
		     char **reason);

#endif
