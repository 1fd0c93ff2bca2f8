/*
 * test-cond-report.c -- the canonical-conditions gate on fake /proc and
 * /sys trees: the forbidden-process scan and what it excludes, the report
 * as JSON and as text, and separate proc and sys roots.  Not named
 * test-conditions-*: test-conditions forbids its own name on the real
 * /proc, where a comm is cut at 15 characters, so a program of that name
 * running beside it (make check -j) would be found.
 */
#include "config.h"

#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "fake-tree.h"

static void
test_processes(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(tree_check(f, 0, "processes"), COND_OK);
	assert_string_equal(f->v, "no forbidden processes configured");
	f->forbid[0] = "cargo";
	f->forbid[1] = "verylongprocessname";
	f->cc.nforbid_processes = 2;
	assert_int_equal(tree_check(f, 0, "processes"), COND_UNAVAILABLE);
	/* Not a process directory. */
	mkdirs(f, "proc/sys/kernel");
	tree_proc(f, 1, "init", 'S', 0, "/sbin/init\0", 11);
	tree_proc(f, 10, "bash", 'S', 1, "-bash\0", 6);
	tree_proc(f, 11, "cargo-helper", 'S', 1, "cargo-helper\0x\0", 15);
	tree_proc(f, 12, "kworker/0:1", 'I', 2, "", 0);
	assert_int_equal(tree_check(f, 0, "processes"), COND_OK);
	assert_string_equal(f->v, "none of 2 forbidden names among 4 processes");

	/* comm renamed by a thread, argv[0] says cargo. */
	tree_proc(f, 4242, "tokio-runtime-w", 'S', 10,
	    "/usr/bin/cargo\0build\0--release\0", 31);
	assert_int_equal(tree_check(f, 0, "processes"), COND_FAIL);
	assert_string_equal(f->v, "cargo[4242]");
	assert_int_equal(tree_check(f, 0, "processes"), COND_FAIL);

	/* comm cut at 15 characters: only cmdline can match. */
	tree_proc(f, 4242, "bash", 'S', 10, "bash\0", 5);
	tree_proc(f, 77, "verylongprocess", 'R', 1,
	    "/opt/x/verylongprocessname\0", 27);
	assert_int_equal(tree_check(f, 0, "processes"), COND_FAIL);
	assert_string_equal(f->v, "verylongprocessname[77]");

	/* Zombies use no CPU. */
	tree_proc(f, 77, "cargo", 'Z', 1, "", 0);
	assert_int_equal(tree_check(f, 0, "processes"), COND_OK);

	/* comm alone (empty cmdline) matches too. */
	tree_proc(f, 78, "cargo", 'R', 1, "", 0);
	assert_int_equal(tree_check(f, 0, "processes"), COND_FAIL);
	assert_string_equal(f->v, "cargo[78]");
}

static void
test_processes_descendants(void **state)
{
	struct fixture	*f = *state;
	const char	*p;
	long		 pid;

	f->forbid[0] = "cargo";
	f->cc.nforbid_processes = 1;
	tree_proc(f, 1, "init", 'S', 0, "/sbin/init\0", 11);
	tree_proc(f, 50, "benchd", 'S', 1, "/usr/sbin/benchd\0", 17);
	tree_proc(f, 60, "sh", 'S', 50, "/bin/sh\0-c\0", 11);
	tree_proc(f, 70, "cargo", 'R', 60, "/usr/bin/cargo\0", 15);
	/* benchd's grandchild is its workload: excluded. */
	assert_int_equal(tree_check(f, 50, "processes"), COND_OK);
	/* Without self, the same process fails. */
	assert_int_equal(tree_check(f, 0, "processes"), COND_FAIL);
	assert_string_equal(f->v, "cargo[70]");
	/* benchd itself, if it were named so, is excluded. */
	f->forbid[0] = "benchd";
	assert_int_equal(tree_check(f, 50, "processes"), COND_OK);
	f->forbid[0] = "cargo";

	/* A PPid loop and a vanished parent end the walk: not excluded. */
	tree_proc(f, 90, "cargo", 'S', 91, "cargo\0", 6);
	tree_proc(f, 91, "sh", 'S', 90, "sh\0", 3);
	tree_proc(f, 95, "cargo", 'S', 96, "/usr/bin/cargo\0", 15);
	assert_int_equal(tree_check(f, 50, "processes"), COND_FAIL);
	assert_non_null(strstr(f->v, "cargo[90]"));
	assert_non_null(strstr(f->v, "cargo[95]"));
	assert_null(strstr(f->v, "cargo[70]"));

	/* A vanished process directory is skipped, not an error. */
	mkdirs(f, "proc/99");
	assert_int_equal(tree_check(f, 50, "processes"), COND_FAIL);

	/* A long list shows 16 and counts the rest. */
	for (pid = 200; pid < 220; pid++)
		tree_proc(f, pid, "cargo", 'R', 1, "", 0);
	assert_int_equal(tree_check(f, 50, "processes"), COND_FAIL);
	assert_non_null(strstr(f->v, "] (+6 more)"));
	for (pid = 0, p = f->v; (p = strchr(p, '[')) != NULL; p++)
		pid++;
	assert_int_equal(pid, 16);
}

#define JSTR(o, k)	(cJSON_GetObjectItem((o), (k))->valuestring)

static void
test_json_and_failing(void **state)
{
	struct fixture		*f = *state;
	struct cond_report	 r;
	cJSON			*j, *c, *item;
	char			*s;
	const char		*expect[] = {
		"processes", "governor",		/* fail */
		"aslr", "smt",				/* warn */
		"thermal", "throttle", "runnable",	/* unavailable */
		"pressure", "turbo", "power",
		"swap"					/* ok */
	};
	int			 i;

	f->cc.governor = "performance";
	f->forbid[0] = "cargo";
	f->cc.nforbid_processes = 1;
	governor(f, 0, "performance");
	governor(f, 1, "powersave");
	tree_proc(f, 42, "cargo", 'R', 1, "cargo\0", 6);
	put(f, "2\n", "proc/sys/kernel/randomize_va_space");
	put(f, "1\n", CPU "smt/active");
	put(f, "Filename Type Size Used Priority\n", "proc/swaps");

	conditions_check(&f->cc, 0, &r);
	assert_false(conditions_canonical(&r));
	s = conditions_report_failing(&r);
	assert_string_equal(s, "processes: cargo[42]; governor: cpu1=powersave");
	free(s);

	/* Failures, warnings, unavailable, ok; table order within each. */
	j = conditions_report_json(&r);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(j, "canonical")));
	c = cJSON_GetObjectItem(j, "checks");
	assert_int_equal(cJSON_GetArraySize(c), 11);
	for (i = 0; i < 11; i++) {
		item = cJSON_GetArrayItem(c, i);
		assert_int_equal(cJSON_GetArraySize(item), 4);
		assert_string_equal(JSTR(item, "name"), expect[i]);
		assert_string_equal(JSTR(item, "status"), i < 2 ? "fail" :
		    i < 4 ? "warn" : i < 10 ? "unavailable" : "ok");
		assert_non_null(JSTR(item, "value"));
		assert_non_null(JSTR(item, "advice"));
	}
	assert_string_equal(JSTR(cJSON_GetArrayItem(c, 1), "value"),
	    "cpu1=powersave");
	cJSON_Delete(j);
	conditions_report_free(&r);

	/* Warnings and unavailable checks leave it canonical. */
	governor(f, 1, "performance");
	tree_proc(f, 42, "bash", 'S', 1, "bash\0", 5);
	conditions_check(&f->cc, 0, &r);
	assert_true(conditions_canonical(&r));
	assert_null(conditions_report_failing(&r));
	j = conditions_report_json(&r);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "canonical")));
	cJSON_Delete(j);
	conditions_report_free(&r);
}

/* proc_root and sys_root are separate trees; each check reads its own. */
static void
test_roots(void **state)
{
	struct fixture	*f = *state;
	char		 proc[300], sys[300];

	snprintf(proc, sizeof proc, "%s/p/", f->root);
	snprintf(sys, sizeof sys, "%s/s", f->root);
	f->cc.proc_root = proc;
	f->cc.sys_root = sys;
	f->cc.governor = "performance";
	f->cc.max_runnable = 0;
	governor(f, 0, "powersave");
	put(f, "0 0 0 5/9 1\n", "proc/loadavg");
	assert_int_equal(tree_check(f, 0, "governor"), COND_UNAVAILABLE);
	assert_int_equal(tree_check(f, 0, "runnable"), COND_UNAVAILABLE);

	put(f, "powersave\n", "s/" CPU "cpu0/cpufreq/scaling_governor");
	put(f, "0 0 0 2/9 1\n", "p/proc/loadavg");
	assert_int_equal(tree_check(f, 0, "governor"), COND_FAIL);
	assert_string_equal(f->v, "cpu0=powersave");
	assert_int_equal(tree_check(f, 0, "runnable"), COND_FAIL);
	assert_string_equal(f->v, "1 runnable besides benchd (R/T 2/9)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_processes),
		T(test_processes_descendants),
		T(test_json_and_failing),
		T(test_roots),
	};

	/* Bound the whole run: a hang is a failure. */
	alarm(60);
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
