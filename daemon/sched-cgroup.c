/*
 * sched-cgroup.c -- the cgroup of each child of a session (cgroup.c):
 * made before the spawn, read and removed once the child is reaped, and
 * what an earlier benchd left swept at start.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchd.h"
#include "cgroup.h"
#include "conf.h"
#include "log.h"
#include "sched-int.h"
#include "xmalloc.h"

static char	*cg_root;	/* where the runs' cgroups go */
static char	*cg_why;	/* or why they have none */

/* One directory per database: two benchd never share their runs'. */
static char *
instance_name(const char *database)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;
	const char	*p;
	char		*name;

	for (p = database; *p != '\0'; p++) {
		h ^= (unsigned char)*p;
		h *= 0x100000001b3ULL;
	}
	xasprintf(&name, "db-%016llx", (unsigned long long)h);
	return (name);
}

void
sched_cgroup_init(void)
{
	char	*instance = instance_name(db_path);

	free(cg_root);
	free(cg_why);
	cg_root = cgroup_setup(cfg->cgroup, instance, "/proc/self/mountinfo",
	    "/proc/self/cgroup", &cg_why);
	free(instance);
	if (cg_root != NULL)
		log_info("runs get a cgroup each under %s", cg_root);
	else
		log_warnx("runs get no cgroup: %s; their CPU stall, tree CPU "
		    "time and peak memory are not measured", cg_why + strlen(
		    "unavailable: "));
}

/* At exit: this benchd's directory goes, when no run is left in it. */
void
sched_cgroup_fini(void)
{
	if (cg_root != NULL)
		(void)cgroup_remove(cg_root);
	free(cg_root);
	free(cg_why);
	cg_root = cg_why = NULL;
}

/* What a session records: the cgroups' directory, or why there is none. */
const char *
sched_cgroup_where(void)
{
	return (cg_root != NULL ? cg_root : cg_why);
}

/* At start: the cgroups a previous benchd left, and what still runs there. */
void
sched_cgroup_sweep(void)
{
	int	n;

	if (cg_root != NULL && (n = cgroup_sweep(cg_root)) > 0)
		log_warnx("removed %d cgroup(s) a previous benchd left, with "
		    "whatever ran in them", n);
}

/* A cgroup for the next child of s (s->cg_dir), when runs have them. */
void
sched_cgroup_open(struct srun *s)
{
	char	 name[64], *why = NULL;

	if (cg_root == NULL || s->cg_dir != NULL)
		return;
	snprintf(name, sizeof name, "s%lld-%d", (long long)s->id,
	    ++s->children);
	if ((s->cg_dir = cgroup_create(cg_root, name, &why)) == NULL) {
		log_warnx("session %lld: no cgroup for its child: %s",
		    (long long)s->id, why);
		free(why);
	}
}

/*
 * The child of s was reaped: what its cgroup says (into u, unless NULL),
 * then the cgroup goes.  Without one, every figure is unavailable (-1).
 */
void
sched_cgroup_close(struct srun *s, int joined, struct cgroup_usage *u)
{
	if (u != NULL)
		memset(u, 0xff, sizeof *u);	/* -1 each */
	if (s->cg_dir == NULL)
		return;
	if (u != NULL && joined)
		cgroup_usage(s->cg_dir, u);
	(void)cgroup_kill(s->cg_dir);
	if (cgroup_remove(s->cg_dir) != 0)
		log_warn("session %lld: cannot remove %s", (long long)s->id,
		    s->cg_dir);
	free(s->cg_dir);
	s->cg_dir = NULL;
}
