/*
 * conditions-proc.c -- the checks read under proc_root: forbidden
 * processes, runnable threads, ASLR, swap.
 *
 * Processes come and go during the scan; an entry that vanishes between
 * readdir and read is simply skipped.
 */
#include "config.h"

#include <sys/types.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conditions.h"
#include "conf.h"

#define MAX_DEPTH	256	/* PPid links followed; ends loops */

/* State and PPid from /proc/PID/stat, after "(comm)" (which may hold ')'). */
static int
proc_stat(const char *root, long pid, char *state, long *ppid)
{
	char	 buf[512], *rp;

	if (cond_read(buf, sizeof buf, root, "/proc/%ld/stat", pid) <= 0)
		return (-1);
	if ((rp = strrchr(buf, ')')) == NULL ||
	    sscanf(rp + 1, " %c %ld", state, ppid) != 2)
		return (-1);
	return (0);
}

/*
 * Is pid self or one of its descendants?  Walks the PPid chain; a vanished
 * ancestor, pid 0 or MAX_DEPTH links (a loop) end it with "no".
 */
static int
proc_below(const char *root, long pid, long ppid, pid_t self)
{
	char	state;
	int	depth;

	if (self <= 0)
		return (0);
	if (pid == self)
		return (1);
	for (depth = 0; depth < MAX_DEPTH && ppid > 0; depth++) {
		if (ppid == self)
			return (1);
		if (proc_stat(root, ppid, &state, &ppid) == -1)
			return (0);
	}
	return (0);
}

/* The forbidden name equal to comm or to argv0's basename, or NULL. */
static const char *
proc_forbidden(const struct config_conditions *cc, const char *comm,
    const char *argv0)
{
	const char	*base, *name;
	size_t		 i;

	base = strrchr(argv0, '/');
	base = (base == NULL) ? argv0 : base + 1;
	for (i = 0; i < cc->nforbid_processes; i++) {
		name = cc->forbid_processes[i];
		if (name[0] == '\0')
			continue;
		if (strcmp(name, comm) == 0 || strcmp(name, base) == 0)
			return (name);
	}
	return (NULL);
}

/*
 * comm is cut at 15 characters and a program may rename itself, so a
 * process whose comm does not match is matched again on argv[0] (the first
 * NUL-terminated string of cmdline).  Only a match reads stat, for the
 * state (zombies use no CPU: skipped) and the PPid chain.
 */
void
cond_check_processes(const struct config_conditions *cc, pid_t self,
    struct cond_check *c)
{
	struct cond_list	 l = { .len = 0 };
	char			 path[PATH_MAX], comm[64], cmd[4096], *end;
	char			 state;
	const char		*name;
	DIR			*d;
	struct dirent		*de;
	long			 pid, ppid;
	int			 nproc = 0;

	if (cc->nforbid_processes == 0) {
		cond_set(c, COND_OK, "", "no forbidden processes configured");
		return;
	}
	if (cond_path(path, sizeof path, cc->proc_root, "/proc") == -1 ||
	    (d = opendir(path)) == NULL) {
		cond_set(c, COND_UNAVAILABLE, "", "cannot read /proc");
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		pid = strtol(de->d_name, &end, 10);
		if (*end != '\0' || pid <= 0)
			continue;
		if (cond_read(comm, sizeof comm, cc->proc_root,
		    "/proc/%ld/comm", pid) == -1)
			continue;
		nproc++;
		if ((name = proc_forbidden(cc, comm, "")) == NULL) {
			/* Kernel threads have an empty cmdline. */
			if (cond_read(cmd, sizeof cmd, cc->proc_root,
			    "/proc/%ld/cmdline", pid) <= 0)
				continue;
			name = proc_forbidden(cc, "", cmd);
		}
		if (name == NULL || proc_stat(cc->proc_root, pid, &state,
		    &ppid) == -1 || state == 'Z')
			continue;
		if (!proc_below(cc->proc_root, pid, ppid, self))
			cond_list_add(&l, "%s[%ld]", name, pid);
	}
	closedir(d);

	if (l.n > 0)
		cond_set(c, COND_FAIL, "stop or wait for them: they compete "
		    "with the workload", "%s", cond_list_str(&l));
	else
		cond_set(c, COND_OK, "", "none of %zu forbidden names among %d "
		    "processes", cc->nforbid_processes, nproc);
}

/*
 * The 4th field of loadavg is "R/T": R runnable threads at the moment of
 * reading, which includes the reading thread itself, hence R - 1.  The gate
 * runs while no workload is running, so that is everything besides benchd.
 */
void
cond_check_runnable(const struct config_conditions *cc, pid_t self,
    struct cond_check *c)
{
	char	 buf[256], advice[128];
	long	 r, t, others;

	if (cond_read(buf, sizeof buf, cc->proc_root, "/proc/loadavg") <= 0 ||
	    sscanf(buf, "%*s %*s %*s %ld/%ld", &r, &t) != 2) {
		cond_set(c, COND_UNAVAILABLE, "", "no /proc/loadavg");
		return;
	}
	others = (r > 0) ? r - 1 : 0;
	if (cc->max_runnable < 0)
		cond_set(c, COND_OK, "not checked: max_runnable < 0",
		    "%ld runnable besides benchd (R/T %ld/%ld)", others, r, t);
	else if (others > cc->max_runnable) {
		snprintf(advice, sizeof advice, "other work is running: wait "
		    "for it (max_runnable = %d)", cc->max_runnable);
		cond_set(c, COND_FAIL, advice,
		    "%ld runnable besides benchd (R/T %ld/%ld)", others, r, t);
	} else
		cond_set(c, COND_OK, "",
		    "%ld runnable besides benchd (R/T %ld/%ld)", others, r, t);
}

/* When the last child of benchd ended (CLOCK_MONOTONIC ns), 0: never. */
static int64_t	child_ended_ns;

void
conditions_child_ended(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	child_ended_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * CPU pressure: the share of the last 10 s in which some task waited for
 * a CPU (/proc/pressure/cpu, "some avg10").  Within 10 s of the end of a
 * child of benchd, that share holds the child's own waiting (a parallel
 * build waits for CPUs by itself), so it is not judged then: each run's
 * own stall, from its cgroup, says whether something disturbed it.
 */
void
cond_check_pressure(const struct config_conditions *cc, pid_t self,
    struct cond_check *c)
{
	struct timespec	 ts;
	char		 buf[256], advice[160], *p;
	double		 avg10, since;

	if (cond_read(buf, sizeof buf, cc->proc_root,
	    "/proc/pressure/cpu") <= 0 ||
	    (p = strstr(buf, "some avg10=")) == NULL) {
		cond_set(c, COND_UNAVAILABLE, "", "no /proc/pressure/cpu");
		return;
	}
	avg10 = strtod(p + strlen("some avg10="), NULL) / 100;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	since = child_ended_ns == 0 ? 1e9 : ((int64_t)ts.tv_sec * 1000000000 +
	    ts.tv_nsec - child_ended_ns) / 1e9;
	if (cc->max_cpu_pressure >= 1)
		cond_set(c, COND_OK, "not checked: max_cpu_pressure = 100%",
		    "some avg10=%.2f%%", avg10 * 100);
	else if (since < 10)
		cond_set(c, COND_OK, "", "some avg10=%.2f%% (not judged: a "
		    "run of benchd's ended %.1f s ago)", avg10 * 100, since);
	else if (avg10 > cc->max_cpu_pressure) {
		snprintf(advice, sizeof advice, "tasks are waiting for a CPU: "
		    "other work is running (max_cpu_pressure = %.0f%%)",
		    cc->max_cpu_pressure * 100);
		cond_set(c, COND_FAIL, advice, "some avg10=%.2f%%",
		    avg10 * 100);
	} else
		cond_set(c, COND_OK, "", "some avg10=%.2f%%", avg10 * 100);
}

/* Randomised layouts differ run to run: a source of noise, not an error. */
void
cond_check_aslr(const struct config_conditions *cc, pid_t self,
    struct cond_check *c)
{
	char	v[16];

	if (cond_read(v, sizeof v, cc->proc_root,
	    "/proc/sys/kernel/randomize_va_space") <= 0)
		cond_set(c, COND_UNAVAILABLE, "", "no randomize_va_space");
	else if (strcmp(v, "0") != 0)
		cond_set(c, COND_WARN, "address layout varies per run; for "
		    "layout-stable runs use setarch -R or sysctl "
		    "kernel.randomize_va_space=0", "randomize_va_space=%s", v);
	else
		cond_set(c, COND_OK, "", "randomize_va_space=0");
}

/* kB of a "Name:   N kB" line of meminfo; -1 when absent. */
static long long
cond_meminfo(const char *buf, const char *name)
{
	const char	*p = buf;
	size_t		 nl = strlen(name);

	while (p != NULL && *p != '\0') {
		if (strncmp(p, name, nl) == 0 && p[nl] == ':')
			return (strtoll(p + nl + 1, NULL, 10));
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return (-1);
}

void
cond_check_swap(const struct config_conditions *cc, pid_t self,
    struct cond_check *c)
{
	char		 buf[8192], *p;
	long long	 stotal = -1, sfree = -1, used = 0;
	int		 ndev = -1, hmem;

	if (cond_read(buf, sizeof buf, cc->proc_root, "/proc/swaps") >= 0) {
		/* The first line is the header. */
		ndev = 0;
		for (p = strchr(buf, '\n'); p != NULL && p[1] != '\0';
		    p = strchr(p + 1, '\n'))
			ndev++;
	}
	hmem = cond_read(buf, sizeof buf, cc->proc_root, "/proc/meminfo") > 0;
	if (hmem) {
		stotal = cond_meminfo(buf, "SwapTotal");
		sfree = cond_meminfo(buf, "SwapFree");
		if (stotal >= 0 && sfree >= 0 && stotal > sfree)
			used = stotal - sfree;
	}
	if (ndev == -1 && (stotal < 0 || sfree < 0))
		cond_set(c, COND_UNAVAILABLE, "", "no /proc/swaps or meminfo");
	else if (ndev > 0 || used > 0)
		cond_set(c, COND_WARN, "swapping makes runs slow and uneven; "
		    "swapoff -a while measuring", "devices=%d used=%lldkB",
		    ndev < 0 ? 0 : ndev, used);
	else
		cond_set(c, COND_OK, "", "no swap");
}

int
conditions_busy_us(const struct config_conditions *cc, const cpu_set_t *cpus,
    int64_t *us, int *ncpus)
{
	static char		 buf[128 * 1024];	/* the cpu lines come first */
	unsigned long long	 v[7], ticks = 0;
	long			 cpu, tck = sysconf(_SC_CLK_TCK);
	char			*p, *nl;
	int			 n = 0;

	*us = -1;
	*ncpus = 0;
	if (tck <= 0 || cond_read(buf, sizeof buf, cc->proc_root,
	    "/proc/stat") <= 0)
		return (-1);
	for (p = buf; p != NULL && *p != '\0'; p = nl != NULL ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (strncmp(p, "cpu", 3) != 0)
			break;		/* past the cpu lines */
		/* user nice system idle iowait irq softirq */
		if (sscanf(p, "cpu%ld %llu %llu %llu %llu %llu %llu %llu",
		    &cpu, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		    &v[6]) != 8 || cpu < 0 || cpu >= CPU_SETSIZE)
			continue;	/* the "cpu " total, or not a number */
		if (cpus != NULL && !CPU_ISSET(cpu, cpus))
			continue;
		ticks += v[0] + v[1] + v[2] + v[5] + v[6];
		n++;
	}
	if (n == 0)
		return (-1);
	*us = (int64_t)(ticks * (1000000.0 / tck));
	*ncpus = n;
	return (0);
}
