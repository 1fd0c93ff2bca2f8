/*
 * test-tune.c -- benchd-tune's apply and reset against fake /proc and /sys
 * trees: every value set and put back byte for byte, a second apply that
 * keeps the values from before the first, a crash after every possible
 * number of writes (the process is killed, then reset restores), settings
 * absent or read-only, the state file refused when it is not sound, and
 * what conditions.check reports as drifted.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
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

static char	*every[] = { "governor", "turbo", "aslr", "thp",
    "nmi_watchdog", "perf", "irq", "workqueue", "cpuset", "smt", NULL };

static void
test_apply_reset(void **state)
{
	struct fixture		*f = *state;
	struct config		 cf;
	struct tune_report	 rep;
	char			*before, *after;
	size_t			 i;

	tree_full(f);
	tree_conf(f, &cf, every, "2-3");
	before = tree_snapshot(f);
	assert_int_equal(tree_run(&cf, 0, -1, &rep), 0);
	assert_int_equal(rep.n, 10);
	for (i = 0; i < rep.n; i++)
		if (rep.lines[i].status != TUNE_SET)
			fail_msg("%s: %s %s", rep.lines[i].name,
			    tune_status_name(rep.lines[i].status),
			    rep.lines[i].why);
	assert_string_equal(tree_line(&rep, "governor")->was, "powersave");
	assert_string_equal(tree_line(&rep, "irq")->now, "0-1");
	assert_int_equal(rep.kept, 19);
	tune_report_free(&rep);
	assert_string_equal(tree_val(f, CPU "cpu3/cpufreq/scaling_governor"),
	    "performance");
	assert_string_equal(tree_val(f, CPU "intel_pstate/no_turbo"), "1");
	assert_string_equal(tree_val(f, "proc/sys/kernel/randomize_va_space"),
	    "0");
	assert_string_equal(tree_val(f, "sys/kernel/mm/transparent_hugepage/"
	    "enabled"), "never");
	assert_string_equal(tree_val(f, "proc/sys/kernel/"
	    "perf_event_max_sample_rate"), "999");
	assert_string_equal(tree_val(f, "proc/irq/24/smp_affinity_list"), "0-1");
	/* Masks are written as masks. */
	assert_string_equal(tree_val(f, "proc/irq/default_smp_affinity"), "3");
	assert_string_equal(tree_val(f, "sys/devices/virtual/workqueue/cpumask"),
	    "3");
	assert_string_equal(tree_val(f, "sys/fs/cgroup/benchd-workloads/"
	    "cpuset.cpus"), "2-3");
	assert_string_equal(tree_val(f, "sys/fs/cgroup/benchd-workloads/"
	    "cpuset.cpus.partition"), "root");
	assert_string_equal(tree_val(f, CPU "smt/control"), "off");
	assert_non_null(strstr(tree_slurp(f, "var/tune.state"),
	    "\naslr\tfile\trandomize_va_space\t"
	    "/proc/sys/kernel/randomize_va_space\t2\t0\n"));

	assert_int_equal(tree_run(&cf, 1, -1, &rep), 0);
	assert_int_equal(tree_line(&rep, "smt")->status, TUNE_RESTORED);
	assert_int_equal(rep.kept, 0);
	tune_report_free(&rep);
	after = tree_snapshot(f);
	assert_string_equal(after, before);
	assert_null(tree_slurp(f, "var/tune.state"));
	/* Nothing to reset: not an error. */
	assert_int_equal(tree_run(&cf, 1, -1, NULL), 0);
	free(before);
	free(after);
}

/* A second apply keeps the values from before the first. */
static void
test_second_apply(void **state)
{
	struct fixture	*f = *state;
	struct config	 cf;
	char		*before, *st1, *after;
	char		*some[] = { "governor", "aslr", NULL };

	tree_full(f);
	tree_conf(f, &cf, every, "2-3");
	before = tree_snapshot(f);
	assert_int_equal(tree_run(&cf, 0, -1, NULL), 0);
	st1 = xstrdup(tree_slurp(f, "var/tune.state"));
	assert_int_equal(tree_run(&cf, 0, -1, NULL), 0);
	assert_string_equal(tree_slurp(f, "var/tune.state"), st1);
	/* Someone changed a value in between: apply sets it again. */
	governor(f, 1, "schedutil");
	assert_int_equal(tree_run(&cf, 0, -1, NULL), 0);
	assert_string_equal(tree_val(f, CPU "cpu1/cpufreq/scaling_governor"),
	    "performance");
	assert_string_equal(tree_slurp(f, "var/tune.state"), st1);
	/* Settings dropped from the list are put back by the next apply. */
	tree_conf(f, &cf, some, "2-3");
	assert_int_equal(tree_run(&cf, 0, -1, NULL), 0);
	assert_string_equal(tree_val(f, CPU "smt/control"), "on");
	assert_null(tree_val(f, "sys/fs/cgroup/benchd-workloads/cpuset.cpus"));
	assert_string_equal(tree_val(f, "proc/sys/kernel/randomize_va_space"),
	    "0");
	assert_int_equal(tree_run(&cf, 1, -1, NULL), 0);
	after = tree_snapshot(f);
	assert_string_equal(after, before);
	free(before);
	free(after);
	free(st1);
}

/* Apply (or reset) in a child that is killed after n writes. */
static int
crash_after(const struct config *cf, int reset, long n)
{
	pid_t	pid;
	int	status;

	if ((pid = fork()) == -1)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0)
		_exit(tree_run(cf, reset, n, NULL) == 0 ? 0 : 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status)) {
		assert_int_equal(WTERMSIG(status), SIGKILL);
		return (1);
	}
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return (0);
}

/*
 * Killed after every possible number of writes, during apply and during
 * reset: a reset afterwards puts back every byte.
 */
static void
test_crash_between_writes(void **state)
{
	struct fixture	*f = *state;
	struct config	 cf;
	char		*before, *after;
	long		 n;
	int		 reset;

	tree_full(f);
	tree_conf(f, &cf, every, "2-3");
	before = tree_snapshot(f);
	for (reset = 0; reset < 2; reset++) {
		for (n = 0; ; n++) {
			if (reset)
				assert_int_equal(tree_run(&cf, 0, -1, NULL), 0);
			if (!crash_after(&cf, reset, n))
				break;
			/* The state was written before the first write. */
			assert_non_null(tree_slurp(f, "var/tune.state"));
			if (!reset && n % 2 == 1)	/* apply again, then */
				assert_int_equal(tree_run(&cf, 0, -1, NULL), 0);
			assert_int_equal(tree_run(&cf, 1, -1, NULL), 0);
			after = tree_snapshot(f);
			assert_string_equal(after, before);
			free(after);
			assert_null(tree_slurp(f, "var/tune.state"));
		}
		/* Apply writes 19 values; reset writes them back. */
		assert_int_equal(n, 19);
		assert_int_equal(tree_run(&cf, 1, -1, NULL), 0);
	}
	free(before);
}

/* Nothing to set here: every setting says why; no state file. */
static void
test_absent(void **state)
{
	struct fixture		*f = *state;
	struct config		 cf;
	struct tune_report	 rep;
	size_t			 i;

	tree_conf(f, &cf, every, NULL);
	assert_int_equal(tree_run(&cf, 0, -1, &rep), 0);
	assert_int_equal(rep.n, 10);
	for (i = 0; i < rep.n; i++) {
		if (strcmp(rep.lines[i].name, "irq") == 0 ||
		    strcmp(rep.lines[i].name, "workqueue") == 0)
			assert_int_equal(rep.lines[i].status, TUNE_SKIPPED);
		else
			assert_int_equal(rep.lines[i].status,
			    TUNE_UNAVAILABLE);
		assert_true(rep.lines[i].why[0] != '\0');
	}
	assert_string_equal(tree_line(&rep, "irq")->why, "no workload CPUs: set "
	    "cpus in [tune] or in a suite, or isolcpus=");
	assert_string_equal(tree_line(&rep, "turbo")->why,
	    "no intel_pstate/no_turbo or cpufreq/boost here");
	tune_report_free(&rep);
	assert_null(tree_slurp(f, "var/tune.state"));

	/* A cgroup2 without cpuset, a VM's smt/control, one governor. */
	put(f, "hugetlb\n", "sys/fs/cgroup/unified/cgroup.controllers");
	put(f, "notsupported\n", CPU "smt/control");
	put(f, "schedutil\n", CPU "cpu0/cpufreq/scaling_available_governors");
	governor(f, 0, "schedutil");
	put(f, "0\n", CPU "isolated");
	assert_int_equal(tree_run(&cf, 0, -1, &rep), 0);
	assert_string_equal(tree_line(&rep, "cpuset")->why, "the cgroup2 "
	    "hierarchy at /sys/fs/cgroup/unified has no cpuset controller "
	    "(controllers: hugetlb)");
	assert_string_equal(tree_line(&rep, "smt")->why,
	    "smt/control is notsupported");
	assert_string_equal(tree_line(&rep, "governor")->why, "governor "
	    "performance is not among the scaling_available_governors");
	/* The isolated CPU is for workloads: and the only one online. */
	assert_string_equal(rep.cpus, "0");
	assert_int_equal(tree_line(&rep, "irq")->status, TUNE_SKIPPED);
	tune_report_free(&rep);
	assert_null(tree_slurp(f, "var/tune.state"));
}

/* A value the kernel will not take: reported, not kept, others set. */
static void
test_read_only(void **state)
{
	struct fixture		*f = *state;
	struct config		 cf;
	struct tune_report	 rep;
	char			 path[512], *before, *after;
	char			*some[] = { "aslr", "nmi_watchdog", NULL };

	tree_full(f);
	snprintf(path, sizeof path, "%s/proc/sys/kernel/nmi_watchdog",
	    f->root);
	if (geteuid() == 0) {
		/* root writes any mode: a sysfs file without a store does not. */
		assert_int_equal(unlink(path), 0);
		assert_int_equal(symlink("/sys/devices/system/cpu/possible",
		    path), 0);
	} else
		assert_int_equal(chmod(path, 0444), 0);
	tree_conf(f, &cf, some, NULL);
	before = tree_snapshot(f);
	assert_int_equal(tree_run(&cf, 0, -1, &rep), 0);
	assert_int_equal(tree_line(&rep, "aslr")->status, TUNE_SET);
	assert_int_equal(tree_line(&rep, "nmi_watchdog")->status, TUNE_FAILED);
	assert_non_null(tree_line(&rep, "nmi_watchdog")->why);
	assert_int_equal(rep.kept, 1);
	tune_report_free(&rep);
	assert_null(strstr(tree_slurp(f, "var/tune.state"), "nmi_watchdog"));
	assert_int_equal(tree_run(&cf, 1, -1, NULL), 0);
	after = tree_snapshot(f);
	assert_string_equal(after, before);
	free(before);
	free(after);
}

/* A state file apply cannot trust is refused before anything changes. */
static void
test_bad_state(void **state)
{
	struct fixture	*f = *state;
	struct config	 cf;
	struct tune_ctx	 ctx;
	struct tune_report rep;
	char		*before, *after, *cause = NULL, path[512];
	const char	*bad[][2] = {
		{ "benchd-tune-state 2\n",
		  "line 1: not a benchd-tune state file" },
		{ "benchd-tune-state 1\naslr\tfile\tx\t/etc/shadow\t2\t0\n",
		  "line 2: path not under /sys or /proc" },
		{ "# c\nbenchd-tune-state 1\naslr\tfile\tx\t/proc/../etc/x"
		  "\t2\t0\n", "line 3: path not under /sys or /proc" },
		{ "benchd-tune-state 1\nnope\tfile\tx\t/proc/x\t2\t0\n",
		  "line 2: unknown setting or kind" },
		{ "benchd-tune-state 1\naslr\tfile\tx\t/proc/x\t2\n",
		  "line 2: expected six tab-separated fields" },
		{ "benchd-tune-state 1\naslr\tfile\tx\t/proc/x\t\\q\t0\n",
		  "line 2: bad label or value" },
		{ "", "empty" },
	};
	size_t		 i;

	tree_full(f);
	tree_conf(f, &cf, every, "2-3");
	before = tree_snapshot(f);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		put(f, bad[i][0], "var/tune.state");
		tune_init(&ctx, &cf);
		assert_int_equal(tune_apply(&ctx, &rep, &cause), -1);
		assert_string_equal(strstr(cause, "/var/tune.state: ") + 17,
		    bad[i][1]);
		free(cause);
		tune_report_free(&rep);
		assert_int_equal(tune_reset(&ctx, &rep, &cause), -1);
		free(cause);
		tune_report_free(&rep);
		tune_ctx_free(&ctx);
	}
	/* A file others may write is not ours to trust. */
	put(f, "benchd-tune-state 1\n", "var/tune.state");
	snprintf(path, sizeof path, "%s/var/tune.state", f->root);
	assert_int_equal(chmod(path, 0666), 0);
	assert_int_equal(tree_run(&cf, 0, -1, NULL), -1);
	after = tree_snapshot(f);
	assert_string_equal(after, before);
	free(before);
	free(after);
}

/* conditions.check's view: set, now, drifted. */
static void
test_drift(void **state)
{
	struct fixture		*f = *state;
	struct config		 cf;
	struct tune_drifts	 d;
	char			 path[512];
	size_t			 i;

	tree_full(f);
	tree_conf(f, &cf, every, "2-3");
	tune_drift(&cf.tune, &d);
	assert_false(d.tuned);
	assert_null(d.error);
	tune_drift_free(&d);
	assert_int_equal(tree_run(&cf, 0, -1, NULL), 0);
	tune_drift(&cf.tune, &d);
	assert_true(d.tuned);
	assert_int_equal(d.n, 10);
	assert_int_equal(d.ndrifted, 0);
	tune_drift_free(&d);

	governor(f, 2, "powersave");
	put(f, "2\n", "proc/sys/kernel/randomize_va_space");
	/* An IRQ freed is not a drift. */
	snprintf(path, sizeof path, "%s/proc/irq/9/smp_affinity_list",
	    f->root);
	assert_int_equal(unlink(path), 0);
	tune_drift(&cf.tune, &d);
	assert_int_equal(d.ndrifted, 2);
	for (i = 0; i < d.n; i++) {
		if (strcmp(d.v[i].name, "governor") == 0) {
			assert_true(d.v[i].drifted);
			assert_string_equal(d.v[i].set, "performance");
			assert_string_equal(d.v[i].now, "cpu0=performance "
			    "cpu1=performance cpu2=powersave cpu3=performance");
		} else if (strcmp(d.v[i].name, "aslr") == 0) {
			assert_true(d.v[i].drifted);
			assert_string_equal(d.v[i].now, "2");
		} else
			assert_false(d.v[i].drifted);
	}
	tune_drift_free(&d);
	assert_int_equal(tree_run(&cf, 1, -1, NULL), 0);
}

/* Every name [tune] accepts has a plan; masks over 32 CPUs. */
static void
test_settings_and_masks(void **state)
{
	struct fixture		*f = *state;
	struct config		 cf;
	struct tune_ctx		 ctx;
	struct tune_plan	 p;
	struct tune_report	 rep;
	char			*irq[] = { "irq", NULL };
	size_t			 i;

	tree_conf(f, &cf, every, "0-1");
	tune_init(&ctx, &cf);
	for (i = 0; conf_tune_settings[i] != NULL; i++) {
		assert_string_equal(conf_tune_settings[i], every[i]);
		tune_plan(&ctx, conf_tune_settings[i], &p);
		assert_int_equal(p.st.n, 0);
		assert_non_null(p.why);
		tune_plan_free(&p);
	}
	assert_null(every[i]);
	tune_ctx_free(&ctx);

	put(f, "0-39\n", CPU "online");
	put(f, "ff,ffffffff\n", "proc/irq/default_smp_affinity");
	tree_conf(f, &cf, irq, "0-1");
	assert_int_equal(tree_run(&cf, 0, -1, &rep), 0);
	assert_string_equal(tree_line(&rep, "irq")->was, "0-39");
	assert_string_equal(tree_line(&rep, "irq")->now, "2-39");
	tune_report_free(&rep);
	assert_string_equal(tree_val(f, "proc/irq/default_smp_affinity"),
	    "ff,fffffffc");
	assert_int_equal(tree_run(&cf, 1, -1, NULL), 0);
	assert_string_equal(tree_val(f, "proc/irq/default_smp_affinity"),
	    "ff,ffffffff");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_apply_reset),
		T(test_second_apply),
		T(test_crash_between_writes),
		T(test_absent),
		T(test_read_only),
		T(test_bad_state),
		T(test_drift),
		T(test_settings_and_masks),
	};

	alarm(60);
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
