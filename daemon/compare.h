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

struct store;

/* Why two sessions should not be compared (a bit each). */
#define CMP_DIFF_SUITE		0x1
#define CMP_DIFF_PARAMS		0x2
#define CMP_DIFF_DEFINITION	0x4
#define CMP_DIFF_MACHINE	0x8
#define CMP_NFLAGS		4

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
#define CMP_NMETRICS	4

struct comparison {
	int64_t		  a;
	int64_t		  b;
	double		  noise;
	unsigned int	  flags;	/* CMP_DIFF_*: why not comparable */
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
 * Compare session b with session a against the noise threshold.  On
 * COMPARE_INCOMPARABLE only a, b and flags are set; free with
 * comparison_free whatever is returned.
 */
enum compare_result compare_sessions(struct store *, int64_t a, int64_t b,
		     int force, double noise, struct comparison *);
void		 comparison_free(struct comparison *);
/* "different suites", ... for one CMP_DIFF_* bit. */
const char	*compare_flag_text(unsigned int);

#endif
