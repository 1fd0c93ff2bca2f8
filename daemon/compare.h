/*
 * compare.h -- two sessions compared metric by metric and phase by phase,
 * as a struct; the protocol's session.compare result is shaped from it by
 * the method (wire-compare.c).
 */
#ifndef BENCHD_COMPARE_H
#define BENCHD_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "rules.h"

struct history_point;
struct session_verdict;
struct store;

/* Why two sessions should not be compared (a bit each). */
#define CMP_DIFF_SUITE		0x1
#define CMP_DIFF_PARAMS		0x2
#define CMP_DIFF_DEFINITION	0x4
#define CMP_DIFF_MACHINE	0x8
#define CMP_NFLAGS		4

/* How to compare (compare_sessions). */
#define CMP_FORCE		0x1	/* even when they should not be */
#define CMP_LEARN		0x2	/* against the learned threshold too */

/* One side of a metric: its measured runs. */
struct cmp_side {
	size_t		 n;
	double		 mean;		/* 0 without runs */
	double		 stddev;
};

/* One metric or phase, b against a (higher is worse). */
struct cmp_metric {
	const char	*name;		/* phases: owned by the comparison */
	const char	*unit;
	const char	*prefix;	/* phases only, else NULL */
	struct cmp_side	 a;
	struct cmp_side	 b;
	double		 change;	/* relative; NAN when undefined */
	double		 ci_low;
	double		 ci_high;
	double		 p_welch;
	double		 p_mwu;
	enum verdict	 verdict;
	enum verdict_why why;
	enum verdict_rule rule;		/* the threshold's, or disturbed */
};

/* A phase whose growth accounts for part of a regressed wall time. */
struct cmp_explain {
	const char	*prefix;
	const char	*phase;
	double		 delta;		/* seconds */
	double		 share;		/* of the wall change */
	enum verdict	 verdict;	/* the phase's own */
};

#define CMP_WALL	0
#define CMP_USER	1
#define CMP_SYS		2
#define CMP_MAXRSS	3
#define CMP_CPU		4	/* user + sys, or the tree's from its cgroup */
#define CMP_NMETRICS	5

/*
 * The threshold every verdict of a comparison is held against
 * (rule_threshold), and the figures it was chosen from.
 */
struct cmp_threshold {
	double		  value;	/* fraction */
	enum verdict_rule rule;		/* noise, history or calibration */
	double		  noise;	/* the suite's when b was queued */
	double		  history;	/* NAN: too little history */
	size_t		  history_n;	/* sessions in the history */
	double		  calibration;	/* NAN: no calibration */
	int64_t		  calibration_id;	/* 0: none */
};

struct comparison {
	int64_t		  a;
	int64_t		  b;
	struct cmp_threshold threshold;
	unsigned int	  flags;	/* CMP_DIFF_*: why not comparable */
	size_t		  disturbed_a;	/* measured runs disturbed */
	size_t		  disturbed_b;
	int		  cpu_tree;	/* CMP_CPU is the cgroup's figure */
	struct cmp_metric metrics[CMP_NMETRICS];
	struct cmp_metric *phases;
	size_t		  nphases;
	struct cmp_explain *explain;
	size_t		  nexplain;
	void		 *data;		/* the samples the names point into */
};

enum compare_result {
	COMPARE_OK,
	COMPARE_NO_A,			/* no session a */
	COMPARE_NO_B,
	COMPARE_INCOMPARABLE		/* flags say why; force overrides */
};

/*
 * Compare session b with session a.  The threshold is b's suite's noise
 * (as recorded when b was queued; noise for a session from before that
 * was recorded), and with CMP_LEARN the largest of it and the noise
 * learned from b's suite (compare_threshold).  On COMPARE_INCOMPARABLE
 * only a, b and flags are set; free with comparison_free whatever is
 * returned.
 */
enum compare_result compare_sessions(struct store *, int64_t a, int64_t b,
		     unsigned int how, double noise, struct comparison *);
void		 comparison_free(struct comparison *);
/* "different suites", ... for one CMP_DIFF_* bit. */
const char	*compare_flag_text(unsigned int);

/*
 * What a session stores of its comparison with its baseline (the result
 * and comparison compare_sessions gave): the wall verdict, change, CI,
 * threshold and rule, or incomparable.  0, or -1 when there was nothing
 * to compare.
 */
int		 compare_verdict(enum compare_result,
		     const struct comparison *, struct session_verdict *);

/*
 * The learned threshold of a suite and set of parameter values at
 * session upto (INT64_MAX: now): from the noise setting given, the
 * between-session noise of the history of its sessions up to upto, and
 * the noise learned by its latest calibration that had ended by then.
 */
void		 compare_threshold(struct store *, const char *suite,
		     const char *params, int64_t upto, double noise,
		     struct cmp_threshold *);
/*
 * The between-session noise of a history of wall means, oldest first:
 * Q3 + 3 IQR of the |relative changes| between consecutive means
 * (stats_noise_threshold); NAN with fewer than STATS_NOISE_MIN_N changes.
 */
double		 compare_history_noise(const double *, size_t);
/*
 * The same over a suite's history where sessions name the code they
 * measured: the changes between consecutive sessions of the same rev
 * (those without a rev count as one code, as before revs were given;
 * sessions of a dirty tree are left out).  A change between two
 * revisions is the code's, not noise.
 */
double		 compare_history_learn(const struct history_point *, size_t);

#endif
