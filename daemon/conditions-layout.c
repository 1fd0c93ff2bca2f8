/*
 * conditions-layout.c -- the part of /sys the gate may keep for a session.
 *
 * The gate runs between two measured runs, and every microsecond it takes
 * there is time the machine spends going cold before the next spawn.  Most
 * of what it looks through cannot change while a session runs, short of a
 * CPU hotplug or a driver load: which CPUs, thermal zones and power
 * supplies exist, and which files under /sys this machine does not have
 * (cpufreq and throttle counters on a VM, the turbo controls of the other
 * vendor).  Between conditions_layout_keep and conditions_layout_forget the
 * listings of those directories and the absence of those files are
 * remembered; the values are read again every time.  Nothing under /proc
 * is kept: processes come and go and pids are reused.
 */
#include "config.h"

#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conditions.h"
#include "xmalloc.h"

struct kept {
	char	 *path;		/* root included */
	int	  dir;		/* a listing, or a file known absent */
	char	**names;	/* NULL for a directory that is absent */
	size_t	  n;
};

static int		 keeping;
static struct kept	*kept;
static size_t		 nkept;

void
conditions_layout_keep(void)
{
	keeping = 1;
}

void
conditions_layout_forget(void)
{
	size_t	i, j;

	for (i = 0; i < nkept; i++) {
		for (j = 0; j < kept[i].n; j++)
			free(kept[i].names[j]);
		free(kept[i].names);
		free(kept[i].path);
	}
	free(kept);
	kept = NULL;
	nkept = 0;
	keeping = 0;
}

/* Only /sys holds still; rel is the path after the root. */
static int
layout_kept(const char *rel)
{
	return (keeping && strncmp(rel, "/sys/", 5) == 0);
}

static struct kept *
layout_find(const char *path, int dir)
{
	size_t	i;

	for (i = 0; i < nkept; i++)
		if (kept[i].dir == dir && strcmp(kept[i].path, path) == 0)
			return (&kept[i]);
	return (NULL);
}

static struct kept *
layout_add(const char *path, int dir)
{
	struct kept	*k;

	kept = xreallocarray(kept, nkept + 1, sizeof *kept);
	k = &kept[nkept++];
	memset(k, 0, sizeof *k);
	k->path = xstrdup(path);
	k->dir = dir;
	return (k);
}

int
cond_layout_absent(const char *path, const char *rel)
{
	return (layout_kept(rel) && layout_find(path, 0) != NULL);
}

void
cond_layout_note_absent(const char *path, const char *rel)
{
	if (layout_kept(rel) && layout_find(path, 0) == NULL)
		layout_add(path, 0);
}

static int
dir_read(const char *path, char ***names, size_t *n)
{
	DIR		*d;
	struct dirent	*de;
	size_t		 cap = 0;

	*names = NULL;
	*n = 0;
	if ((d = opendir(path)) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (*n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			*names = xreallocarray(*names, cap, sizeof **names);
		}
		(*names)[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (*names == NULL)
		*names = xcalloc(1, sizeof **names);	/* present, empty */
	return (0);
}

int
cond_dir_open(struct cond_dir *cd, const char *path, const char *rel)
{
	struct kept	*k;
	int		 rv;

	memset(cd, 0, sizeof *cd);
	if (layout_kept(rel) && (k = layout_find(path, 1)) != NULL) {
		cd->names = k->names;
		cd->n = k->n;
		cd->kept = 1;
		return (k->names == NULL ? -1 : 0);
	}
	rv = dir_read(path, &cd->names, &cd->n);
	if (layout_kept(rel) && (rv == 0 || errno == ENOENT)) {
		k = layout_add(path, 1);
		k->names = cd->names;
		k->n = cd->n;
		cd->kept = 1;
	}
	return (rv);
}

void
cond_dir_close(struct cond_dir *cd)
{
	size_t	i;

	if (!cd->kept) {
		for (i = 0; i < cd->n; i++)
			free(cd->names[i]);
		free(cd->names);
	}
	memset(cd, 0, sizeof *cd);
}
