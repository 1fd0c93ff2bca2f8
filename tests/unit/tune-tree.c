/*
 * tune-tree.c -- for test-tune.c: a fake machine with every setting
 * benchd-tune knows, a config for it, the tree as text, apply and reset.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake-tree.h"
#include "tune.h"
#include "tune-tree.h"
#include "xmalloc.h"

static char	 statepath[512];

/* A config for f's tree: the settings listed, the state under var/. */
void
tree_conf(struct fixture *f, struct config *cf, char **settings,
    const char *cpus)
{
	char	*cause = NULL;

	memset(cf, 0, sizeof *cf);
	cf->tune.settings = settings;
	for (cf->tune.nsettings = 0; settings[cf->tune.nsettings] != NULL;
	    cf->tune.nsettings++)
		;
	cf->tune.governor = "performance";
	cf->tune.perf_event_paranoid = 1;
	cf->tune.perf_max_sample_rate = 999;
	cf->tune.sys_root = f->root;
	cf->tune.proc_root = f->root;
	snprintf(statepath, sizeof statepath, "%s/var/tune.state", f->root);
	cf->tune.state = statepath;
	mkdirs(f, "var");
	if (cpus != NULL) {
		cf->tune.cpus = (char *)cpus;
		assert_int_equal(conf_parse_cpus(cpus, &cf->tune.cpuset,
		    &cause), 0);
	}
}

/* A machine with every setting: 4 CPUs, 3 IRQs, a cgroup2 with cpuset. */
void
tree_full(struct fixture *f)
{
	int	i;

	for (i = 0; i < 4; i++) {
		governor(f, i, "powersave");
		put(f, "performance powersave\n",
		    CPU "cpu%d/cpufreq/scaling_available_governors", i);
	}
	put(f, "0-3\n", CPU "online");
	put(f, "0\n", CPU "intel_pstate/no_turbo");
	put(f, "on\n", CPU "smt/control");
	put(f, "2\n", "proc/sys/kernel/randomize_va_space");
	put(f, "1\n", "proc/sys/kernel/nmi_watchdog");
	put(f, "2\n", "proc/sys/kernel/perf_event_paranoid");
	put(f, "100000\n", "proc/sys/kernel/perf_event_max_sample_rate");
	put(f, "madvise\n", "sys/kernel/mm/transparent_hugepage/enabled");
	put(f, "0-3\n", "proc/irq/0/smp_affinity_list");
	put(f, "0-3\n", "proc/irq/9/smp_affinity_list");
	put(f, "0-3\n", "proc/irq/24/smp_affinity_list");
	put(f, "f\n", "proc/irq/default_smp_affinity");
	put(f, "f\n", "sys/devices/virtual/workqueue/cpumask");
	put(f, "cpuset cpu io memory pids\n", "sys/fs/cgroup/cgroup.controllers");
	put(f, "cpuset cpu memory pids\n",
	    "sys/fs/cgroup/cgroup.subtree_control");
}

static char	*snap;		/* the tree as text, built by snap_one */
static size_t	 rootlen;

static int
snap_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	char	 buf[256];
	FILE	*fp;
	size_t	 n;
	char	*t;

	if (strncmp(path + rootlen, "/var", 4) == 0)
		return (0);
	if (flag == FTW_SL) {
		xasprintf(&t, "%s%s -> link\n", snap, path + rootlen);
	} else if (flag != FTW_F) {
		xasprintf(&t, "%s%s/\n", snap, path + rootlen);
	} else {
		if ((fp = fopen(path, "r")) == NULL)
			fail_msg("%s: %s", path, strerror(errno));
		n = fread(buf, 1, sizeof buf - 1, fp);
		fclose(fp);
		buf[n] = '\0';
		xasprintf(&t, "%s%s = %s", snap, path + rootlen, buf);
	}
	free(snap);
	snap = t;
	return (0);
}

static int
cmp_line(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* Every file and directory of the tree with its contents, sorted. */
char *
tree_snapshot(struct fixture *f)
{
	char	*out, **lines = NULL, *p, *nl;
	size_t	 n = 0, i;

	snap = xstrdup("");
	rootlen = strlen(f->root);
	nftw(f->root, snap_one, 16, FTW_PHYS);
	for (p = snap; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		lines = xreallocarray(lines, n + 1, sizeof *lines);
		lines[n++] = xstrndup(p, nl - p);
	}
	qsort(lines, n, sizeof *lines, cmp_line);
	out = xstrdup("");
	for (i = 0; i < n; i++) {
		xasprintf(&p, "%s%s\n", out, lines[i]);
		free(out);
		free(lines[i]);
		out = p;
	}
	free(lines);
	free(snap);
	return (out);
}

/* A file of the tree, whole; NULL when it is absent. */
char *
tree_slurp(struct fixture *f, const char *rel)
{
	static char	 buf[8192];
	char		 path[512];
	FILE		*fp;
	size_t		 n;

	snprintf(path, sizeof path, "%s/%s", f->root, rel);
	if ((fp = fopen(path, "r")) == NULL)
		return (NULL);
	n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return (buf);
}

/* The first line of a file of the tree. */
char *
tree_val(struct fixture *f, const char *rel)
{
	char	*v;

	if ((v = tree_slurp(f, rel)) != NULL)
		v[strcspn(v, "\n")] = '\0';
	return (v);
}

/* Run apply or reset on cf; returns its status, the report freed. */
int
tree_run(const struct config *cf, int reset, long crash_after,
    struct tune_report *keep)
{
	struct tune_ctx		 ctx;
	struct tune_report	 rep;
	char			*cause = NULL;
	int			 rc;

	tune_init(&ctx, cf);
	ctx.crash_after = crash_after;
	rc = reset ? tune_reset(&ctx, &rep, &cause) : tune_apply(&ctx, &rep,
	    &cause);
	if (rc != 0)
		print_message("# %s\n", cause);
	free(cause);
	if (keep != NULL)
		*keep = rep;
	else
		tune_report_free(&rep);
	tune_ctx_free(&ctx);
	return (rc);
}

const struct tune_line *
tree_line(const struct tune_report *rep, const char *name)
{
	size_t	i;

	for (i = 0; i < rep->n; i++)
		if (strcmp(rep->lines[i].name, name) == 0)
			return (&rep->lines[i]);
	fail_msg("no line %s", name);
	return (NULL);
}
