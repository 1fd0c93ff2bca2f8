/*
 * test-conditions.c -- the canonical-conditions checks of the machine's
 * state (governor, temperature, load, turbo, ASLR, SMT, swap, power,
 * throttling) against fake /proc and /sys trees built in a fresh temporary
 * directory for each test, and once against the real root; and what a
 * session keeps of /sys between its runs.  The process
 * scan and the report are in test-cond-report.c.
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake-tree.h"

static void
test_governor(void **state)
{
	struct fixture	*f = *state;

	/* No cpufreq at all, or CPUs without it: unavailable, not ok. */
	f->cc.governor = "performance";
	assert_int_equal(tree_check(f, 0, "governor"), COND_UNAVAILABLE);
	mkdirs(f, CPU "cpu0");
	assert_int_equal(tree_check(f, 0, "governor"), COND_UNAVAILABLE);
	assert_string_equal(f->v, "no scaling_governor");

	governor(f, 0, "performance");
	governor(f, 1, "performance");
	assert_int_equal(tree_check(f, 0, "governor"), COND_OK);
	assert_string_equal(f->v, "performance on 2 CPUs");

	governor(f, 1, "powersave");
	governor(f, 2, "performance");
	governor(f, 10, "schedutil");
	/* An offline CPU has no cpufreq directory: not counted. */
	mkdirs(f, CPU "cpu3");
	assert_int_equal(tree_check(f, 0, "governor"), COND_FAIL);
	assert_string_equal(f->v, "cpu1=powersave cpu10=schedutil");
	assert_string_equal(f->adv, "cpupower frequency-set -g performance");

	/* Not configured: nothing fails, the mix is reported. */
	f->cc.governor = NULL;
	assert_int_equal(tree_check(f, 0, "governor"), COND_OK);
	assert_string_equal(f->v, "cpu0=performance cpu1=powersave "
	    "cpu2=performance cpu10=schedutil");
}

static void
test_thermal(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(tree_check(f, 0, "thermal"), COND_UNAVAILABLE);
	mkdirs(f, "sys/class/thermal/cooling_device0");
	assert_int_equal(tree_check(f, 0, "thermal"), COND_UNAVAILABLE);

	put(f, "45000\n", TZ "0/temp");
	put(f, "critical\n", TZ "0/trip_point_0_type");
	put(f, "40000\n", TZ "0/trip_point_0_temp");
	put(f, "passive\n", TZ "0/trip_point_1_type");
	put(f, "70000\n", TZ "0/trip_point_1_temp");
	put(f, "38500\n", TZ "1/temp");
	put(f, "hot\n", TZ "1/trip_point_0_type");
	put(f, "0\n", TZ "1/trip_point_0_temp");
	f->cc.max_temp_c = 80;
	/* Below every limit; a critical trip and a 0 trip do not count. */
	assert_int_equal(tree_check(f, 0, "thermal"), COND_OK);
	assert_string_equal(f->v, "thermal_zone0=45.0C thermal_zone1=38.5C");

	/* At or above the passive trip. */
	put(f, "72000\n", TZ "0/temp");
	assert_int_equal(tree_check(f, 0, "thermal"), COND_FAIL);
	assert_string_equal(f->v, "thermal_zone0=72.0C (passive 70.0C)");

	/* Above max_temp_c, under its trips. */
	put(f, "50000\n", TZ "0/temp");
	f->cc.max_temp_c = 49.5;
	assert_int_equal(tree_check(f, 0, "thermal"), COND_FAIL);
	assert_string_equal(f->v, "thermal_zone0=50.0C (max 49.5C)");

	/* A hot trip; an unreadable zone is skipped. */
	f->cc.max_temp_c = 0;
	put(f, "38000\n", TZ "1/trip_point_0_temp");
	mkdirs(f, TZ "2");
	assert_int_equal(tree_check(f, 0, "thermal"), COND_FAIL);
	assert_string_equal(f->v, "thermal_zone1=38.5C (hot 38.0C)");
}

static void
test_runnable(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(tree_check(f, 0, "runnable"), COND_UNAVAILABLE);
	put(f, "0.50 0.40 0.30 4/120 999\n", "proc/loadavg");
	f->cc.max_runnable = 2;
	assert_int_equal(tree_check(f, 0, "runnable"), COND_FAIL);
	assert_string_equal(f->v, "3 runnable besides benchd (R/T 4/120)");
	f->cc.max_runnable = 3;
	assert_int_equal(tree_check(f, 0, "runnable"), COND_OK);

	/* max_runnable < 0 skips the limit, still reports. */
	f->cc.max_runnable = -1;
	put(f, "9.00 9.00 9.00 40/120 999\n", "proc/loadavg");
	assert_int_equal(tree_check(f, 0, "runnable"), COND_OK);
	assert_string_equal(f->adv, "not checked: max_runnable < 0");
}

/* CPU pressure: the share of the last 10 s tasks waited for a CPU. */
static void
test_pressure(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(tree_check(f, 0, "pressure"), COND_UNAVAILABLE);
	put(f, "some avg10=25.00 avg60=10.50 avg300=2.10 total=12345\n"
	    "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n",
	    "proc/pressure/cpu");
	/* max_cpu_pressure = 100%: reported, never judged. */
	assert_int_equal(tree_check(f, 0, "pressure"), COND_OK);
	assert_string_equal(f->adv, "not checked: max_cpu_pressure = 100%");
	f->cc.max_cpu_pressure = 0.10;
	assert_int_equal(tree_check(f, 0, "pressure"), COND_FAIL);
	assert_string_equal(f->v, "some avg10=25.00%");
	assert_non_null(strstr(f->adv, "max_cpu_pressure = 10%"));
	put(f, "some avg10=1.25 avg60=0.50 avg300=0.10 total=12345\n"
	    "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n",
	    "proc/pressure/cpu");
	assert_int_equal(tree_check(f, 0, "pressure"), COND_OK);
	/* Right after a child of benchd: its own waiting, not judged. */
	put(f, "some avg10=80.00 avg60=0.50 avg300=0.10 total=12345\n",
	    "proc/pressure/cpu");
	conditions_child_ended();
	assert_int_equal(tree_check(f, 0, "pressure"), COND_OK);
	assert_non_null(strstr(f->v, "not judged: a run of benchd's ended"));
}

static void
test_turbo_aslr_smt(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(tree_check(f, 0, "turbo"), COND_UNAVAILABLE);
	assert_int_equal(tree_check(f, 0, "aslr"), COND_UNAVAILABLE);
	assert_int_equal(tree_check(f, 0, "smt"), COND_UNAVAILABLE);

	put(f, "1\n", CPU "cpufreq/boost");
	assert_int_equal(tree_check(f, 0, "turbo"), COND_WARN);
	assert_string_equal(f->v, "cpufreq boost=1");
	put(f, "0\n", CPU "cpufreq/boost");
	assert_int_equal(tree_check(f, 0, "turbo"), COND_OK);
	put(f, "0\n", CPU "intel_pstate/no_turbo");
	assert_int_equal(tree_check(f, 0, "turbo"), COND_WARN);
	assert_string_equal(f->v, "intel_pstate no_turbo=0");
	put(f, "1\n", CPU "intel_pstate/no_turbo");
	assert_int_equal(tree_check(f, 0, "turbo"), COND_OK);
	assert_string_equal(f->v, "intel_pstate no_turbo=1");

	put(f, "2\n", "proc/sys/kernel/randomize_va_space");
	assert_int_equal(tree_check(f, 0, "aslr"), COND_WARN);
	assert_string_equal(f->v, "randomize_va_space=2");
	put(f, "0\n", "proc/sys/kernel/randomize_va_space");
	assert_int_equal(tree_check(f, 0, "aslr"), COND_OK);

	put(f, "1\n", CPU "smt/active");
	assert_int_equal(tree_check(f, 0, "smt"), COND_WARN);
	put(f, "0\n", CPU "smt/active");
	assert_int_equal(tree_check(f, 0, "smt"), COND_OK);
}

#define SWAPS_HEAD	"Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"

static void
test_swap(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(tree_check(f, 0, "swap"), COND_UNAVAILABLE);
	put(f, SWAPS_HEAD, "proc/swaps");
	put(f, "MemTotal: 16000000 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n",
	    "proc/meminfo");
	assert_int_equal(tree_check(f, 0, "swap"), COND_OK);
	assert_string_equal(f->v, "no swap");

	put(f, SWAPS_HEAD "/dev/sda2\tpartition\t1000\t0\t-2\n",
	    "proc/swaps");
	assert_int_equal(tree_check(f, 0, "swap"), COND_WARN);
	assert_string_equal(f->v, "devices=1 used=0kB");

	/* No device listed, but meminfo shows swap in use. */
	put(f, SWAPS_HEAD, "proc/swaps");
	put(f, "MemTotal: 16000000 kB\nSwapTotal:    2048 kB\n"
	    "SwapFree:     1024 kB\n", "proc/meminfo");
	assert_int_equal(tree_check(f, 0, "swap"), COND_WARN);
	assert_string_equal(f->v, "devices=0 used=1024kB");
}

static void
test_power(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(tree_check(f, 0, "power"), COND_UNAVAILABLE);
	mkdirs(f, "sys/class/power_supply");
	assert_int_equal(tree_check(f, 0, "power"), COND_UNAVAILABLE);

	/* A wireless mouse's battery says nothing. */
	put(f, "Battery\n", PS "hidpp_battery_0/type");
	put(f, "Device\n", PS "hidpp_battery_0/scope");
	put(f, "Discharging\n", PS "hidpp_battery_0/status");
	assert_int_equal(tree_check(f, 0, "power"), COND_UNAVAILABLE);

	put(f, "Battery\n", PS "BAT0/type");
	put(f, "Discharging\n", PS "BAT0/status");
	assert_int_equal(tree_check(f, 0, "power"), COND_WARN);
	assert_string_equal(f->v, "BAT0=Discharging");

	put(f, "Charging\n", PS "BAT0/status");
	put(f, "Mains\n", PS "AC/type");
	put(f, "0\n", PS "AC/online");
	assert_int_equal(tree_check(f, 0, "power"), COND_WARN);
	assert_non_null(strstr(f->v, "AC=offline"));
	put(f, "1\n", PS "AC/online");
	assert_int_equal(tree_check(f, 0, "power"), COND_OK);
	assert_non_null(strstr(f->v, "AC=online"));
}

static void
throttle_cpu(struct fixture *f, int cpu, int pkg, int core, int pkgcount)
{
	char	v[3][16];

	snprintf(v[0], sizeof v[0], "%d\n", core);
	snprintf(v[1], sizeof v[1], "%d\n", pkgcount);
	snprintf(v[2], sizeof v[2], "%d\n", pkg);
	put(f, v[0], CPU "cpu%d/thermal_throttle/core_throttle_count",
	    cpu);
	put(f, v[1], CPU "cpu%d/thermal_throttle/package_throttle_count",
	    cpu);
	put(f, v[2], CPU "cpu%d/topology/physical_package_id", cpu);
}

static void
test_throttle(void **state)
{
	struct fixture	*f = *state;
	uint64_t	 total = 99;

	mkdirs(f, CPU "cpu0");
	assert_int_equal(conditions_throttle_total(&f->cc, &total), -1);
	assert_int_equal(tree_check(f, 0, "throttle"), COND_UNAVAILABLE);

	throttle_cpu(f, 0, 0, 0, 0);
	throttle_cpu(f, 1, 0, 0, 0);
	assert_int_equal(conditions_throttle_total(&f->cc, &total), 0);
	assert_int_equal(total, 0);
	assert_int_equal(tree_check(f, 0, "throttle"), COND_OK);

	/* Core counters add up; each package's counter counts once. */
	throttle_cpu(f, 0, 0, 1, 10);
	throttle_cpu(f, 1, 0, 2, 10);
	throttle_cpu(f, 2, 1, 3, 20);
	throttle_cpu(f, 3, 1, 4, 20);
	assert_int_equal(conditions_throttle_total(&f->cc, &total), 0);
	assert_int_equal(total, 40);
	assert_int_equal(tree_check(f, 0, "throttle"), COND_WARN);
	assert_string_equal(f->v, "40 events since boot");
}

/*
 * While a session keeps the layout, the CPUs, zones and supplies listed
 * and the /sys files found absent stay as they were at the first check;
 * every value is read again, and nothing under /proc is kept.
 */
static void
test_layout_kept(void **state)
{
	struct fixture	*f = *state;
	uint64_t	 total;

	governor(f, 0, "performance");
	governor(f, 1, "performance");
	f->cc.governor = "performance";
	conditions_layout_keep();
	assert_int_equal(tree_check(f, 0, "governor"), COND_OK);
	assert_string_equal(f->v, "performance on 2 CPUs");
	assert_int_equal(tree_check(f, 0, "turbo"), COND_UNAVAILABLE);
	assert_int_equal(tree_check(f, 0, "thermal"), COND_UNAVAILABLE);
	assert_int_equal(tree_check(f, 0, "power"), COND_UNAVAILABLE);
	assert_int_equal(conditions_throttle_total(&f->cc, &total), -1);
	assert_int_equal(tree_check(f, 0, "runnable"), COND_UNAVAILABLE);

	/* Values are read again: a governor change is seen at once. */
	governor(f, 1, "powersave");
	assert_int_equal(tree_check(f, 0, "governor"), COND_FAIL);
	assert_string_equal(f->v, "cpu1=powersave");
	governor(f, 1, "performance");

	/* The layout is not: a CPU, a file, a zone, a supply appearing. */
	governor(f, 2, "powersave");
	put(f, "1\n", CPU "cpufreq/boost");
	put(f, "90000\n", TZ "0/temp");
	put(f, "Mains\n", PS "AC/type");
	put(f, "1\n", PS "AC/online");
	put(f, "3\n", CPU "cpu0/thermal_throttle/core_throttle_count");
	put(f, "0\n", CPU "cpu0/thermal_throttle/package_throttle_count");
	f->cc.max_temp_c = 80;
	assert_int_equal(tree_check(f, 0, "governor"), COND_OK);
	assert_string_equal(f->v, "performance on 2 CPUs");
	assert_int_equal(tree_check(f, 0, "turbo"), COND_UNAVAILABLE);
	assert_int_equal(tree_check(f, 0, "thermal"), COND_UNAVAILABLE);
	assert_int_equal(tree_check(f, 0, "power"), COND_UNAVAILABLE);
	assert_int_equal(conditions_throttle_total(&f->cc, &total), -1);

	/* /proc is never kept. */
	put(f, "0.50 0.40 0.30 1/200 4242\n", "proc/loadavg");
	assert_int_equal(tree_check(f, 0, "runnable"), COND_OK);

	/* Forgotten at the session's end: all of it is seen. */
	conditions_layout_forget();
	assert_int_equal(tree_check(f, 0, "governor"), COND_FAIL);
	assert_string_equal(f->v, "cpu2=powersave");
	assert_int_equal(tree_check(f, 0, "turbo"), COND_WARN);
	assert_int_equal(tree_check(f, 0, "thermal"), COND_FAIL);
	assert_int_equal(tree_check(f, 0, "power"), COND_OK);
	assert_int_equal(conditions_throttle_total(&f->cc, &total), 0);
	assert_int_equal(total, 3);
}

static void
test_real_root(void **state)
{
	struct config_conditions cc = { .proc_root = "/", .sys_root = "/" };
	struct cond_report	 r;
	struct timespec		 t0, t1;
	char			*forbid[] = { program_invocation_short_name };
	const char		*absent[][2] = {
		{ "governor", "/" CPU "cpu0/cpufreq/scaling_governor" },
		{ "thermal", "/" TZ "0/temp" },
		{ "throttle", "/" CPU "cpu0/thermal_throttle" },
		{ "smt", "/" CPU "smt/active" },
		{ "power", "/" PS },
		{ "runnable", "/proc/loadavg" },
	};
	char			 me[64];
	size_t			 i;

	cc.forbid_processes = forbid;
	cc.nforbid_processes = 1;
	cc.governor = "performance";
	cc.max_runnable = -1;
	cc.max_cpu_pressure = 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	conditions_check(&cc, getpid(), &r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# conditions_check on / took %.2f ms\n",
	    (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	assert_int_equal(r.nchecks, 11);
	for (i = 0; i < r.nchecks; i++) {
		assert_in_range(r.checks[i].status, COND_OK, COND_UNAVAILABLE);
		assert_non_null(r.checks[i].value);
		assert_non_null(r.checks[i].advice);
	}
	/* This test process is self: excluded. */
	assert_int_equal(tree_find(&r, "processes")->status, COND_OK);
	/* Where the file is absent (a VM), the check must say so. */
	for (i = 0; i < sizeof absent / sizeof absent[0]; i++) {
		if (access(absent[i][1], F_OK) == -1)
			assert_int_equal(tree_find(&r, absent[i][0])->status,
			    COND_UNAVAILABLE);
	}
	conditions_report_free(&r);

	/* With no self, the real /proc scan finds this very process. */
	conditions_check(&cc, 0, &r);
	snprintf(me, sizeof me, "%s[%ld]", program_invocation_short_name,
	    (long)getpid());
	assert_int_equal(tree_find(&r, "processes")->status, COND_FAIL);
	assert_non_null(strstr(tree_find(&r, "processes")->value, me));
	conditions_report_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_governor),
		T(test_thermal),
		T(test_runnable),
		T(test_pressure),
		T(test_turbo_aslr_smt),
		T(test_swap),
		T(test_power),
		T(test_throttle),
		T(test_layout_kept),
		cmocka_unit_test(test_real_root),
	};

	/* Bound the whole run: a hang is a failure. */
	alarm(60);
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
