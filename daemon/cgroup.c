/*
 * cgroup.c -- a cgroup (v2) per child benchd measures.
 *
 * The runs' cgroups live under one directory: benchd's own cgroup when
 * systemd delegated it (Delegate=yes; benchd then moves itself into a
 * leaf, daemon/, since a cgroup with children and controllers may hold no
 * process), else benchd/ under the cgroup2 mount, made by hand, with one
 * subdirectory per benchd instance.  A run's cgroup gives what rusage
 * cannot: the CPU time of its whole tree (descendants that daemonised or
 * left the process group included), the time its tasks waited for a CPU
 * or for I/O (pressure stall information), its peak memory where the
 * memory controller is on, and cgroup.kill, which ends everything in it.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/xattr.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "log.h"
#include "xmalloc.h"

#define REMOVE_TRIES	20	/* 1 ms apart: killed tasks to be gone */

/* Read a small control file; -1 when it is not there. */
static ssize_t
read_file(const char *dir, const char *file, char *buf, size_t len)
{
	char	 path[4096];
	ssize_t	 n;
	int	 fd;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (-1);
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return (-1);
	buf[n] = '\0';
	return (n);
}

static int
write_file(const char *dir, const char *file, const char *value)
{
	char	path[4096];
	int	fd, rc = 0;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return (-1);
	if (write(fd, value, strlen(value)) == -1)
		rc = -1;
	close(fd);
	return (rc);
}

/* Where cgroup2 is mounted (the first such mount), or NULL. */
static char *
cgroup2_mount(const char *mountinfo)
{
	FILE	*f;
	char	*line = NULL, *sep, *mnt = NULL, *fields[6], *p;
	size_t	 len = 0;
	int	 i;

	if ((f = fopen(mountinfo, "re")) == NULL)
		return (NULL);
	while (mnt == NULL && getline(&line, &len, f) != -1) {
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ... - FSTYPE ... */
		if ((sep = strstr(line, " - ")) == NULL ||
		    strncmp(sep + 3, "cgroup2 ", 8) != 0)
			continue;
		p = line;
		for (i = 0; i < 5 && p != NULL; i++)
			fields[i] = strsep(&p, " ");
		if (i == 5 && fields[4] != NULL)
			mnt = xstrdup(fields[4]);
	}
	free(line);
	fclose(f);
	return (mnt);
}

/* benchd's own cgroup on the unified hierarchy ("/" at the top), or NULL. */
static char *
own_cgroup(const char *self_cgroup)
{
	FILE	*f;
	char	*line = NULL, *own = NULL;
	size_t	 len = 0;

	if ((f = fopen(self_cgroup, "re")) == NULL)
		return (NULL);
	while (own == NULL && getline(&line, &len, f) != -1)
		if (strncmp(line, "0::", 3) == 0) {
			line[strcspn(line, "\n")] = '\0';
			own = xstrdup(line + 3);
		}
	free(line);
	fclose(f);
	return (own);
}

/* Did systemd hand this cgroup to us (Delegate=yes)? */
static int
delegated(const char *dir)
{
	return (getxattr(dir, "trusted.delegate", NULL, 0) >= 0 ||
	    getxattr(dir, "user.delegate", NULL, 0) >= 0);
}

static int
make_dir(const char *dir, char **why)
{
	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		xasprintf(why, "unavailable: %s: %s", dir, strerror(errno));
		return (-1);
	}
	return (0);
}

/*
 * Hand the children of dir the controllers it has that give figures:
 * memory (memory.peak), cpu and io.  Each may be refused (not there, or
 * dir holds a process); the figures it gives are then unavailable.
 */
static void
enable_controllers(const char *dir)
{
	static const char	*want[] = { "+memory", "+cpu", "+io" };
	char			 have[512];
	size_t			 i;

	if (read_file(dir, "cgroup.controllers", have, sizeof have) < 0)
		return;
	for (i = 0; i < sizeof want / sizeof want[0]; i++)
		if (strstr(have, want[i] + 1) != NULL)
			(void)write_file(dir, "cgroup.subtree_control", want[i]);
}

/* Delegated: benchd moves into <own>/daemon, the runs go in <own>/runs. */
static char *
setup_delegated(const char *base, char **why)
{
	char	*leaf, *runs;

	xasprintf(&leaf, "%s/daemon", base);
	if (make_dir(leaf, why) != 0 ||
	    write_file(leaf, "cgroup.procs", "0") != 0) {
		if (*why == NULL)
			xasprintf(why, "unavailable: %s/cgroup.procs: %s",
			    leaf, strerror(errno));
		free(leaf);
		return (NULL);
	}
	free(leaf);
	enable_controllers(base);
	xasprintf(&runs, "%s/runs", base);
	if (make_dir(runs, why) != 0) {
		free(runs);
		return (NULL);
	}
	enable_controllers(runs);
	return (runs);
}

char *
cgroup_setup(const char *spec, const char *instance, const char *mountinfo,
    const char *self_cgroup, char **why)
{
	char	*mnt = NULL, *own = NULL, *base = NULL, *root = NULL;

	*why = NULL;
	if (strcmp(spec, "off") == 0) {
		*why = xstrdup("unavailable: cgroup = off");
		return (NULL);
	}
	if (strcmp(spec, "auto") != 0)
		base = xstrdup(spec);
	else if ((mnt = cgroup2_mount(mountinfo)) == NULL) {
		*why = xstrdup("unavailable: no cgroup2 mount");
		return (NULL);
	} else if ((own = own_cgroup(self_cgroup)) != NULL &&
	    strcmp(own, "/") != 0) {
		xasprintf(&base, "%s%s", mnt, own);
		if (delegated(base)) {
			root = setup_delegated(base, why);
			goto out;
		}
		free(base);
		base = NULL;
	}
	if (base == NULL)
		xasprintf(&base, "%s/benchd", mnt);
	if (make_dir(base, why) != 0)
		goto out;
	enable_controllers(base);
	xasprintf(&root, "%s/%s", base, instance);
	if (make_dir(root, why) != 0) {
		free(root);
		root = NULL;
		goto out;
	}
	enable_controllers(root);
out:
	free(mnt);
	free(own);
	free(base);
	return (root);
}

char *
cgroup_create(const char *root, const char *name, char **why)
{
	char	*dir;

	xasprintf(&dir, "%s/%s", root, name);
	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		xasprintf(why, "%s: %s", dir, strerror(errno));
		free(dir);
		return (NULL);
	}
	return (dir);
}

/* "name value" lines (cpu.stat): value of name, or -1. */
static int64_t
keyed(const char *text, const char *name)
{
	const char	*p = text;
	size_t		 len = strlen(name);

	while (p != NULL && *p != '\0') {
		if (strncmp(p, name, len) == 0 && p[len] == ' ')
			return (strtoll(p + len + 1, NULL, 10));
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return (-1);
}

/* The "some" line's total= of a pressure file, or -1. */
static int64_t
some_total(const char *dir, const char *file)
{
	char		 buf[512];
	const char	*t;

	if (read_file(dir, file, buf, sizeof buf) < 0 ||
	    strncmp(buf, "some ", 5) != 0 ||
	    (t = strstr(buf, "total=")) == NULL)
		return (-1);
	return (strtoll(t + 6, NULL, 10));
}

void
cgroup_usage(const char *dir, struct cgroup_usage *u)
{
	char	buf[1024];

	u->user_us = u->system_us = -1;
	if (read_file(dir, "cpu.stat", buf, sizeof buf) >= 0) {
		u->user_us = keyed(buf, "user_usec");
		u->system_us = keyed(buf, "system_usec");
	}
	u->cpu_some_us = some_total(dir, "cpu.pressure");
	u->io_some_us = some_total(dir, "io.pressure");
	u->mem_peak_kb = -1;
	if (read_file(dir, "memory.peak", buf, sizeof buf) > 0)
		u->mem_peak_kb = strtoll(buf, NULL, 10) / 1024;
}

int
cgroup_kill(const char *dir)
{
	return (write_file(dir, "cgroup.kill", "1"));
}

int
cgroup_remove(const char *dir)
{
	struct timespec	ms = { 0, 1000000 };
	int		i;

	for (i = 0; i < REMOVE_TRIES; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return (0);
		if (errno != EBUSY)
			break;
		nanosleep(&ms, NULL);
	}
	return (-1);
}

int
cgroup_sweep(const char *root)
{
	DIR		*d;
	struct dirent	*e;
	char		*dir;
	int		 n = 0;

	if ((d = opendir(root)) == NULL)
		return (0);
	while ((e = readdir(d)) != NULL) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		xasprintf(&dir, "%s/%s", root, e->d_name);
		(void)cgroup_kill(dir);
		if (cgroup_remove(dir) == 0)
			n++;
		else
			log_warn("cannot remove %s", dir);
		free(dir);
	}
	closedir(d);
	return (n);
}
