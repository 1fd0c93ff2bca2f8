/*
 * sched-recover.c -- at start, the sessions a previous benchd left
 * running: marked interrupted (their finished runs stay), and what their
 * workloads left running killed.  The scheduler does this before it starts
 * anything, and holds it like any write the database refuses.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "benchd.h"
#include "calibrate.h"
#include "conf.h"
#include "leftover.h"
#include "log.h"
#include "sched-int.h"
#include "store.h"

/* A crash left this session's workload running: find it by its workdir. */
static void
recover_leftovers(int64_t id)
{
	struct session_row	 r;
	const struct suite	*su;

	if (store_session_get(db, id, &r) != 0)
		return;
	if ((su = conf_suite(cfg, r.suite)) != NULL)
		leftover_kill(id, 0, su->workdir);
	session_row_free(&r);
}

/*
 * Sessions a previous benchd left running were interrupted: mark them so
 * and kill what their workloads left.  -1 when the database refused (the
 * caller holds the queue and calls again); 0 otherwise.
 */
int
sched_recover(void)
{
	int64_t	*ids;
	size_t	 nids, i;

	if (store_recover(db, &ids, &nids) != 0) {
		free(ids);
		if (store_fault(db))
			return (-1);
		log_warnx("database: cannot mark the sessions left running "
		    "interrupted: %s", store_errmsg(db));
		return (0);
	}
	if (nids > 0)
		log_warnx("%zu session(s) left running were marked interrupted",
		    nids);
	sched_cgroup_sweep();
	for (i = 0; i < nids; i++)
		recover_leftovers(ids[i]);
	free(ids);
	/* A calibration whose last session was the one interrupted ends. */
	if (nids > 0)
		calibration_settle(db);
	return (0);
}
