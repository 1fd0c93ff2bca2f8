/*
 * cgroup.h -- a cgroup (v2) for each child benchd measures: where they
 * live, what each one's says about its run, and the end of everything in
 * it whatever process group or session it moved to.
 */
#ifndef BENCHD_CGROUP_H
#define BENCHD_CGROUP_H

#include <stdint.h>

/* A run's figures from its cgroup; -1 when the kernel keeps none. */
struct cgroup_usage {
	int64_t		 user_us;	/* cpu.stat: the whole tree */
	int64_t		 system_us;
	int64_t		 cpu_some_us;	/* cpu.pressure "some" total */
	int64_t		 io_some_us;	/* io.pressure "some" total */
	int64_t		 mem_peak_kb;	/* memory.peak */
};

/*
 * The directory the runs' cgroups go in, made if need be (caller frees),
 * or NULL with *why (caller frees).  spec is "auto" (benchd's own cgroup
 * when systemd delegated it, else benchd/ under the cgroup2 mount), "off",
 * or a directory inside a cgroup2 mount; instance names this benchd's own
 * subdirectory there (one per database).  mountinfo and self_cgroup are
 * /proc/self/mountinfo and /proc/self/cgroup (tests give others).
 */
char	*cgroup_setup(const char *spec, const char *instance,
	    const char *mountinfo, const char *self_cgroup, char **why);
/* A child cgroup of root for one run: its directory, or NULL and *why. */
char	*cgroup_create(const char *root, const char *name, char **why);
/* The figures of a run's cgroup (after its processes are gone). */
void	 cgroup_usage(const char *dir, struct cgroup_usage *);
/* SIGKILL everything in it: 0, or -1 when the kernel cannot. */
int	 cgroup_kill(const char *dir);
/* Remove it once empty: 0, or -1 (still busy, or gone already). */
int	 cgroup_remove(const char *dir);
/* What an earlier benchd left under root: killed and removed; how many. */
int	 cgroup_sweep(const char *root);

#endif
