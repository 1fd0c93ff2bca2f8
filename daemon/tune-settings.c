/*
 * tune-settings.c -- what each setting of [tune] writes on this machine:
 * the files it finds, and the value each should hold while benchd
 * measures.  Nothing is written here; a setting that finds nothing to
 * write says why (not on this machine, or nothing asked of it).
 *
 * The table is in conf_tune_settings' order, which is the order of apply
 * (reset goes backwards): smt comes last, since turning it off takes CPUs
 * offline and with them their cpufreq files.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conditions.h"
#include "conf.h"
#include "log.h"
#include "tune.h"
#include "xmalloc.h"

#define CPU_DIR		"/sys/devices/system/cpu"
#define CGROUP_NAME	"benchd-workloads"

typedef void	 plan_fn(const struct tune_ctx *, struct tune_plan *);

static void
plan_none(struct tune_plan *p, enum tune_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
plan_none(struct tune_plan *p, enum tune_status st, const char *fmt, ...)
{
	va_list	ap;

	free(p->why);
	va_start(ap, fmt);
	if (vasprintf(&p->why, fmt, ap) == -1)
		fatalx("%s: vasprintf", __func__);
	va_end(ap);
	p->status = st;
}

static const char *
plan_root(const struct tune_ctx *ctx, const char *path)
{
	return (strncmp(path, "/proc/", 6) == 0 ? ctx->conf->proc_root :
	    ctx->conf->sys_root);
}

/* Does path exist under its root? */
static int
plan_exists(const struct tune_ctx *ctx, const char *path)
{
	struct stat	sb;
	char		full[PATH_MAX];

	return (cond_path(full, sizeof full, plan_root(ctx, path), "%s",
	    path) == 0 && stat(full, &sb) == 0);
}

/* Add an item that sets path to want; a file is added only if it exists. */
static int
plan_add(const struct tune_ctx *ctx, struct tune_plan *p, const char *name,
    enum tune_kind kind, const char *label, const char *path,
    const char *want, int must_exist)
{
	struct tune_item	*it;

	if (must_exist && !plan_exists(ctx, path))
		return (-1);
	it = tune_state_add(&p->st);
	snprintf(it->setting, sizeof it->setting, "%s", name);
	it->kind = kind;
	it->label = xstrdup(label);
	it->path = xstrdup(path);
	it->set = xstrdup(want);
	return (0);
}

/* One file with a fixed value; unavailable when the file is absent. */
static void
plan_one(const struct tune_ctx *ctx, struct tune_plan *p, const char *name,
    enum tune_kind kind, const char *path, const char *want)
{
	const char	*label = strrchr(path, '/') + 1;

	if (plan_add(ctx, p, name, kind, label, path, want, 1) == -1)
		plan_none(p, TUNE_UNAVAILABLE, "no %s here", path);
}

/* Does the space-separated list hold word? */
static int
has_word(const char *list, const char *word)
{
	size_t	wl = strlen(word);

	while (*list != '\0') {
		list += strspn(list, " ");
		if (strncmp(list, word, wl) == 0 &&
		    (list[wl] == ' ' || list[wl] == '\0'))
			return (1);
		list += strcspn(list, " ");
	}
	return (0);
}

static void
plan_governor(const struct tune_ctx *ctx, struct tune_plan *p)
{
	const char	*gov = ctx->conf->governor;
	char		 path[128], label[32], avail[1024];
	long		*cpus;
	int		 n, i, lacking = 0;

	n = cond_numbered(ctx->conf->sys_root, CPU_DIR, "cpu", &cpus);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, CPU_DIR "/cpu%ld/cpufreq/", cpus[i]);
		if (cond_read(avail, sizeof avail, ctx->conf->sys_root,
		    "%sscaling_available_governors", path) > 0 &&
		    !has_word(avail, gov)) {
			lacking++;
			continue;
		}
		snprintf(label, sizeof label, "cpu%ld", cpus[i]);
		strncat(path, "scaling_governor", sizeof path - strlen(path) -
		    1);
		plan_add(ctx, p, "governor", TUNE_FILE, label, path, gov, 1);
	}
	free(cpus);
	if (p->st.n == 0 && lacking > 0)
		plan_none(p, TUNE_UNAVAILABLE, "governor %s is not among the "
		    "scaling_available_governors", gov);
	else if (p->st.n == 0)
		plan_none(p, TUNE_UNAVAILABLE, "no cpufreq scaling_governor "
		    "here (a VM?)");
}

static void
plan_turbo(const struct tune_ctx *ctx, struct tune_plan *p)
{
	if (plan_add(ctx, p, "turbo", TUNE_FILE, "no_turbo", CPU_DIR
	    "/intel_pstate/no_turbo", "1", 1) == 0)
		return;
	if (plan_add(ctx, p, "turbo", TUNE_FILE, "boost", CPU_DIR
	    "/cpufreq/boost", "0", 1) == 0)
		return;
	plan_none(p, TUNE_UNAVAILABLE, "no intel_pstate/no_turbo or "
	    "cpufreq/boost here");
}

static void
plan_perf(const struct tune_ctx *ctx, struct tune_plan *p)
{
	char	v[16];

	snprintf(v, sizeof v, "%d", ctx->conf->perf_event_paranoid);
	plan_add(ctx, p, "perf", TUNE_FILE, "perf_event_paranoid",
	    "/proc/sys/kernel/perf_event_paranoid", v, 1);
	snprintf(v, sizeof v, "%d", ctx->conf->perf_max_sample_rate);
	plan_add(ctx, p, "perf", TUNE_FILE, "perf_event_max_sample_rate",
	    "/proc/sys/kernel/perf_event_max_sample_rate", v, 1);
	if (p->st.n == 0)
		plan_none(p, TUNE_UNAVAILABLE, "no /proc/sys/kernel/"
		    "perf_event_paranoid or perf_event_max_sample_rate here");
}

/*
 * The online CPUs that are not for workloads, as a list; NULL (and the
 * plan says why) when there are no workload CPUs or no others.
 */
static char *
plan_others(const struct tune_ctx *ctx, struct tune_plan *p)
{
	cpu_set_t	 online, rest;
	char		 buf[1024], *cause = NULL;
	long		*cpus;
	int		 n, i;

	if (!ctx->have_cpus) {
		plan_none(p, TUNE_SKIPPED, "no workload CPUs: set cpus in "
		    "[tune] or in a suite, or isolcpus=");
		return (NULL);
	}
	CPU_ZERO(&online);
	if (cond_read(buf, sizeof buf, ctx->conf->sys_root, CPU_DIR
	    "/online") <= 0 || conf_parse_cpus(buf, &online, &cause) != 0) {
		free(cause);
		n = cond_numbered(ctx->conf->sys_root, CPU_DIR, "cpu", &cpus);
		for (i = 0; i < n; i++)
			if (cpus[i] < CPU_SETSIZE)
				CPU_SET(cpus[i], &online);
		free(cpus);
	}
	CPU_ZERO(&rest);
	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &online) && !CPU_ISSET(i, &ctx->cpus))
			CPU_SET(i, &rest);
	if (CPU_COUNT(&rest) == 0) {
		plan_none(p, TUNE_SKIPPED, "the workload CPUs %s leave no "
		    "online CPU for the rest", ctx->cpus_text);
		return (NULL);
	}
	return (conf_cpus_text(&rest));
}

/* Every IRQ that has an affinity, and the default for new ones. */
static void
plan_irq(const struct tune_ctx *ctx, struct tune_plan *p)
{
	char	*rest, path[128], label[32];
	long	*irqs;
	int	 n, i;

	if ((rest = plan_others(ctx, p)) == NULL)
		return;
	n = cond_numbered(ctx->conf->proc_root, "/proc/irq", "", &irqs);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "/proc/irq/%ld/smp_affinity_list",
		    irqs[i]);
		snprintf(label, sizeof label, "irq%ld", irqs[i]);
		plan_add(ctx, p, "irq", TUNE_FILE, label, path, rest, 1);
	}
	free(irqs);
	plan_add(ctx, p, "irq", TUNE_FILE, "default", "/proc/irq/"
	    "default_smp_affinity", rest, 1);
	if (p->st.n == 0)
		plan_none(p, TUNE_UNAVAILABLE, "no /proc/irq here");
	free(rest);
}

static void
plan_workqueue(const struct tune_ctx *ctx, struct tune_plan *p)
{
	char	*rest;

	if ((rest = plan_others(ctx, p)) == NULL)
		return;
	plan_one(ctx, p, "workqueue", TUNE_FILE,
	    "/sys/devices/virtual/workqueue/cpumask", rest);
	free(rest);
}

/*
 * A cgroup v2 cpuset partition of the workload CPUs, under the cgroup2
 * root (/sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid system)
 * whose children may use the cpuset controller.
 */
static void
plan_cpuset(const struct tune_ctx *ctx, struct tune_plan *p)
{
	static const char	*roots[] = { "/sys/fs/cgroup",
	    "/sys/fs/cgroup/unified" };
	const char		*root = NULL;
	char			 buf[1024], path[128], *rest;
	size_t			 i;

	for (i = 0; i < sizeof roots / sizeof roots[0] && root == NULL; i++)
		if (cond_read(buf, sizeof buf, ctx->conf->sys_root,
		    "%s/cgroup.controllers", roots[i]) >= 0)
			root = roots[i];
	if (root == NULL) {
		plan_none(p, TUNE_UNAVAILABLE, "no cgroup2 hierarchy at "
		    "/sys/fs/cgroup or /sys/fs/cgroup/unified");
		return;
	}
	if (!has_word(buf, "cpuset")) {
		plan_none(p, TUNE_UNAVAILABLE, "the cgroup2 hierarchy at %s "
		    "has no cpuset controller (controllers: %s)", root,
		    *buf != '\0' ? buf : "none");
		return;
	}
	if (cond_read(buf, sizeof buf, ctx->conf->sys_root,
	    "%s/cgroup.subtree_control", root) < 0 || !has_word(buf,
	    "cpuset")) {
		plan_none(p, TUNE_UNAVAILABLE, "cpuset is not enabled for the "
		    "children of %s: echo +cpuset > %s/cgroup.subtree_control",
		    root, root);
		return;
	}
	if ((rest = plan_others(ctx, p)) == NULL)
		return;
	free(rest);
	snprintf(path, sizeof path, "%s/" CGROUP_NAME, root);
	plan_add(ctx, p, "cpuset", TUNE_DIR, CGROUP_NAME, path, "present", 0);
	strncat(path, "/cpuset.cpus", sizeof path - strlen(path) - 1);
	plan_add(ctx, p, "cpuset", TUNE_FILE, "cpuset.cpus", path,
	    ctx->cpus_text, 0);
	strncat(path, ".partition", sizeof path - strlen(path) - 1);
	plan_add(ctx, p, "cpuset", TUNE_FILE, "cpuset.cpus.partition", path,
	    "root", 0);
}

/* Sibling threads off, where the kernel lets them be switched. */
static void
plan_smt(const struct tune_ctx *ctx, struct tune_plan *p)
{
	char	v[32];

	if (cond_read(v, sizeof v, ctx->conf->sys_root, CPU_DIR
	    "/smt/control") < 0)
		plan_none(p, TUNE_UNAVAILABLE, "no " CPU_DIR "/smt/control "
		    "here");
	else if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0)
		plan_none(p, TUNE_UNAVAILABLE, "smt/control is %s", v);
	else
		plan_add(ctx, p, "smt", TUNE_FILE, "control", CPU_DIR
		    "/smt/control", "off", 1);
}

/* In conf_tune_settings' order.  Without a function: one file. */
static const struct {
	const char	*name;
	plan_fn		*fn;
	enum tune_kind	 kind;
	const char	*path;
	const char	*want;
} plans[] = {
	{ "governor",	 plan_governor, 0, NULL, NULL },
	{ "turbo",	 plan_turbo, 0, NULL, NULL },
	{ "aslr",	 NULL, TUNE_FILE, "/proc/sys/kernel/randomize_va_space",
	    "0" },
	{ "thp",	 NULL, TUNE_WORD,
	    "/sys/kernel/mm/transparent_hugepage/enabled", "never" },
	{ "nmi_watchdog", NULL, TUNE_FILE, "/proc/sys/kernel/nmi_watchdog",
	    "0" },
	{ "perf",	 plan_perf, 0, NULL, NULL },
	{ "irq",	 plan_irq, 0, NULL, NULL },
	{ "workqueue",	 plan_workqueue, 0, NULL, NULL },
	{ "cpuset",	 plan_cpuset, 0, NULL, NULL },
	{ "smt",	 plan_smt, 0, NULL, NULL },
};

void
tune_plan(const struct tune_ctx *ctx, const char *setting,
    struct tune_plan *p)
{
	size_t	i;

	memset(p, 0, sizeof *p);
	for (i = 0; i < sizeof plans / sizeof plans[0]; i++) {
		if (strcmp(plans[i].name, setting) != 0)
			continue;
		if (plans[i].fn != NULL)
			plans[i].fn(ctx, p);
		else
			plan_one(ctx, p, setting, plans[i].kind, plans[i].path,
			    plans[i].want);
		return;
	}
	fatalx("%s: no setting %s", __func__, setting);
}

void
tune_plan_free(struct tune_plan *p)
{
	tune_state_free(&p->st);
	free(p->why);
	memset(p, 0, sizeof *p);
}
