/*
 * fixture-db.h -- finished sessions written straight into a database, for
 * the tests of comparisons, thresholds and calibrations.
 */
#ifndef FIXTURE_DB_H
#define FIXTURE_DB_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* One measured run. */
struct fixture_run {
	double		 wall;		/* seconds */
	double		 user;		/* seconds; sys is 0 */
	double		 tree;		/* cgroup CPU seconds, < 0: none */
	int		 disturbed;
};

/* A session: one warmup, then its measured runs, each with phases. */
struct fixture_session {
	const char	*suite;		/* NULL: "s" */
	const char	*params;	/* NULL: "{}" */
	const char	*fingerprint;	/* NULL: "m1" */
	double		 noise;		/* the suite's when queued */
	const char	*phases;	/* per run, "parse=0.3 link=0.2" */
	const struct fixture_run *runs;
	size_t		 n;
	enum session_state end;		/* queued: never started */
};

/* A temporary database for each test: the setup and teardown. */
extern struct store	*fixture_st;
int	fixture_db_setup(void **);
int	fixture_db_teardown(void **);

int64_t	fixture_session(const struct fixture_session *);
/*
 * A completed session of suite "s" on fingerprint fp with the walls given
 * (user = wall / 2, no cgroup, nothing disturbed, noise 1%).
 */
int64_t	fixture_walls(const char *fp, const double *walls, size_t n,
	    const char *phases);

#endif
