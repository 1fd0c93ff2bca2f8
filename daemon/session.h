/*
 * session.h -- what a session's measured runs say: the statistics of each
 * metric, the warnings a careful person would raise, the per-phase
 * breakdown.  Read from the store given; no globals.
 */
#ifndef BENCHD_SESSION_H
#define BENCHD_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "stats.h"

struct store;
struct suite;

/* Which metrics session_stats summarizes. */
#define SESSION_WALL	0x1
#define SESSION_CPU	0x2	/* user and sys */
#define SESSION_MAXRSS	0x4
#define SESSION_ALL	0x7

/* The measured runs' statistics; a metric not asked for is all zero. */
struct session_stats {
	size_t			n;	/* runs counted */
	struct stats_summary	wall;
	struct stats_summary	user;
	struct stats_summary	sys;
	struct stats_summary	maxrss;	/* KiB */
};

int	session_stats(struct store *, int64_t id, int which,
	    struct session_stats *);

/*
 * The warnings about a session's measured runs (caller frees each and the
 * array): today, a first measured run that is a slow outlier.
 */
size_t	session_warnings(struct store *, int64_t id, char ***);
void	session_warnings_free(char **, size_t);

/* One phase of a session's measured runs: a value per run, in seconds. */
struct phase_series {
	char		*prefix;
	char		*phase;
	double		*x;		/* per measured run, seconds */
	size_t		 nseen;		/* runs that printed the phase */
	double		 count;		/* lines, over all runs */
	double		 max;		/* longest line, seconds */
};

size_t	session_phase_series(struct store *, int64_t, size_t runs,
	    struct phase_series **);
void	session_phase_series_free(struct phase_series *, size_t);

/* The seed's "AOT Test Pipeline Timing" table of a session. */
#define PHASE_COVERAGE_TOLERANCE 0.05	/* phases within 5% of wall time */

struct phase_row {
	const char	*prefix;
	const char	*phase;
	double		 count;		/* lines per run */
	double		 mean;		/* seconds per run */
	double		 stddev;
	double		 max;		/* longest line */
	double		 share;		/* of the phase total, NAN when 0 */
};

struct phase_report {
	size_t		  runs;
	struct phase_row *rows;
	size_t		  nrows;
	struct phase_series *series;	/* owns the names in rows */
	size_t		  nseries;
	double		  total;	/* sum of the phase means */
	double		  wall;		/* NAN without runs */
	double		  cpu;
	double		  coverage;	/* total / wall, NAN when undefined */
	int		  agrees;	/* within 5% of wall, -1 undefined */
	double		  cpu_coverage;
	double		  malformed;	/* timing lines not understood */
	char		 *malformed_example;
};

void	session_phases(struct store *, int64_t, struct phase_report *);
void	session_phases_free(struct phase_report *);

/*
 * The parameter values of a session, from their stored JSON text, as
 * parallel NULL-terminated arrays of keys and values.  0, or -1 when the
 * text is not a JSON object of strings.
 */
int	session_params_parse(const char *text, char ***keys, char ***values,
	    size_t *n);
void	session_params_free(char **keys, char **values, size_t n);

#endif
