/*
 * test-conditions.c -- the canonical-conditions checks against fake /proc
 * and /sys trees built in a fresh temporary directory for each test, and
 * once against the real root.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
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
#include <cjson/cJSON.h>

#include "conditions.h"
#include "conf.h"

struct fixture {
	char				 root[256];
	char				 v[256];	/* of the last check1 */
	char				 adv[256];
	char				*forbid[4];
	struct config_conditions	 cc;
};

#define CPU	"sys/devices/system/cpu/"
#define TZ	"sys/class/thermal/thermal_zone"
#define PS	"sys/class/power_supply/"

/*
 * Write len bytes of data to f->root/REL, making its directories; with data
 * NULL, make REL as a directory.
 */
static void __attribute__((format(printf, 4, 5)))
putn(struct fixture *f, const char *data, size_t len, const char *fmt, ...)
{
	char	path[512], *p;
	va_list	ap;
	int	fd, n;

	n = snprintf(path, sizeof path, "%s/", f->root);
	va_start(ap, fmt);
	vsnprintf(path + n, sizeof path - n, fmt, ap);
	va_end(ap);
	if (data == NULL)
		strncat(path, "/", sizeof path - strlen(path) - 1);
	for (p = strchr(path + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0755) == -1 && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
	if (data == NULL)
		return;
	if ((fd = open(path, O_WRONLY|O_CREAT|O_TRUNC, 0644)) == -1)
		fail_msg("open %s: %s", path, strerror(errno));
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}
#define put(f, s, ...)	putn((f), (s), strlen(s), __VA_ARGS__)
#define mkdirs(f, ...)	putn((f), NULL, 0, __VA_ARGS__)

/* A process: comm; stat with state and PPid; NUL-separated cmdline. */
static void
fake_proc(struct fixture *f, long pid, const char *comm, char state,
    long ppid, const char *cmdline, size_t cmdlen)
{
	char	stat[256];

	snprintf(stat, sizeof stat, "%ld (%s) %c %ld %ld %ld 0 -1 4194304 "
	    "100 0 0 0 1 2 0 0 20 0 1 0 100\n", pid, comm, state, ppid, pid,
	    pid);
	put(f, stat, "proc/%ld/stat", pid);
	snprintf(stat, sizeof stat, "%s\n", comm);
	put(f, stat, "proc/%ld/comm", pid);
	putn(f, cmdline, cmdlen, "proc/%ld/cmdline", pid);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return (remove(path));
}

static int
setup(void **state)
{
	struct fixture	*f;
	const char	*tmp;

	f = calloc(1, sizeof *f);
	assert_non_null(f);
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(f->root, sizeof f->root, "%s/test-conditions.XXXXXX", tmp);
	assert_non_null(mkdtemp(f->root));
	f->cc.proc_root = f->root;
	f->cc.sys_root = f->root;
	f->cc.forbid_processes = f->forbid;
	f->cc.max_runnable = -1;
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	nftw(f->root, rm_one, 16, FTW_DEPTH|FTW_PHYS);
	free(f);
	return (0);
}

static const struct cond_check *
find(const struct cond_report *r, const char *name)
{
	size_t	i;

	for (i = 0; i < r->nchecks; i++) {
		if (strcmp(r->checks[i].name, name) == 0)
			return (&r->checks[i]);
	}
	fail_msg("no check %s", name);
	return (NULL);
}

/* Run the gate on f's tree: one check's status; value, advice in f. */
static enum cond_status
check1(struct fixture *f, pid_t self, const char *name)
{
	struct cond_report	 r;
	const struct cond_check	*c;
	enum cond_status	 st;

	conditions_check(&f->cc, self, &r);
	assert_int_equal(r.nchecks, 10);
	c = find(&r, name);
	st = c->status;
	snprintf(f->v, sizeof f->v, "%s", c->value);
	snprintf(f->adv, sizeof f->adv, "%s", c->advice);
	if (st == COND_FAIL)
		assert_true(c->advice[0] != '\0');
	conditions_report_free(&r);
	return (st);
}

#define governor(f, cpu, gov)	\
	put((f), gov "\n", CPU "cpu%d/cpufreq/scaling_governor", (cpu))

static void
test_governor(void **state)
{
	struct fixture	*f = *state;

	/* No cpufreq at all, or CPUs without it: unavailable, not ok. */
	f->cc.governor = "performance";
	assert_int_equal(check1(f, 0, "governor"), COND_UNAVAILABLE);
	mkdirs(f, CPU "cpu0");
	assert_int_equal(check1(f, 0, "governor"), COND_UNAVAILABLE);
	assert_string_equal(f->v, "no scaling_governor");

	governor(f, 0, "performance");
	governor(f, 1, "performance");
	assert_int_equal(check1(f, 0, "governor"), COND_OK);
	assert_string_equal(f->v, "performance on 2 CPUs");

	governor(f, 1, "powersave");
	governor(f, 2, "performance");
	governor(f, 10, "schedutil");
	/* An offline CPU has no cpufreq directory: not counted. */
	mkdirs(f, CPU "cpu3");
	assert_int_equal(check1(f, 0, "governor"), COND_FAIL);
	assert_string_equal(f->v, "cpu1=powersave cpu10=schedutil");
	assert_string_equal(f->adv, "cpupower frequency-set -g performance");

	/* Not configured: nothing fails, the mix is reported. */
	f->cc.governor = NULL;
	assert_int_equal(check1(f, 0, "governor"), COND_OK);
	assert_string_equal(f->v, "cpu0=performance cpu1=powersave "
	    "cpu2=performance cpu10=schedutil");
}

static void
test_thermal(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(check1(f, 0, "thermal"), COND_UNAVAILABLE);
	mkdirs(f, "sys/class/thermal/cooling_device0");
	assert_int_equal(check1(f, 0, "thermal"), COND_UNAVAILABLE);

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
	assert_int_equal(check1(f, 0, "thermal"), COND_OK);
	assert_string_equal(f->v, "thermal_zone0=45.0C thermal_zone1=38.5C");

	/* At or above the passive trip. */
	put(f, "72000\n", TZ "0/temp");
	assert_int_equal(check1(f, 0, "thermal"), COND_FAIL);
	assert_string_equal(f->v, "thermal_zone0=72.0C (passive 70.0C)");

	/* Above max_temp_c, under its trips. */
	put(f, "50000\n", TZ "0/temp");
	f->cc.max_temp_c = 49.5;
	assert_int_equal(check1(f, 0, "thermal"), COND_FAIL);
	assert_string_equal(f->v, "thermal_zone0=50.0C (max 49.5C)");

	/* A hot trip; an unreadable zone is skipped. */
	f->cc.max_temp_c = 0;
	put(f, "38000\n", TZ "1/trip_point_0_temp");
	mkdirs(f, TZ "2");
	assert_int_equal(check1(f, 0, "thermal"), COND_FAIL);
	assert_string_equal(f->v, "thermal_zone1=38.5C (hot 38.0C)");
}

static void
test_processes(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(check1(f, 0, "processes"), COND_OK);
	assert_string_equal(f->v, "no forbidden processes configured");
	f->forbid[0] = "cargo";
	f->forbid[1] = "verylongprocessname";
	f->cc.nforbid_processes = 2;
	assert_int_equal(check1(f, 0, "processes"), COND_UNAVAILABLE);
	/* Not a process directory. */
	mkdirs(f, "proc/sys/kernel");
	fake_proc(f, 1, "init", 'S', 0, "/sbin/init\0", 11);
	fake_proc(f, 10, "bash", 'S', 1, "-bash\0", 6);
	fake_proc(f, 11, "cargo-helper", 'S', 1, "cargo-helper\0x\0", 15);
	fake_proc(f, 12, "kworker/0:1", 'I', 2, "", 0);
	assert_int_equal(check1(f, 0, "processes"), COND_OK);
	assert_string_equal(f->v, "none of 2 forbidden names among 4 processes");

	/* comm renamed by a thread, argv[0] says cargo. */
	fake_proc(f, 4242, "tokio-runtime-w", 'S', 10,
	    "/usr/bin/cargo\0build\0--release\0", 31);
	assert_int_equal(check1(f, 0, "processes"), COND_FAIL);
	assert_string_equal(f->v, "cargo[4242]");
	assert_int_equal(check1(f, 0, "processes"), COND_FAIL);

	/* comm cut at 15 characters: only cmdline can match. */
	fake_proc(f, 4242, "bash", 'S', 10, "bash\0", 5);
	fake_proc(f, 77, "verylongprocess", 'R', 1,
	    "/opt/x/verylongprocessname\0", 27);
	assert_int_equal(check1(f, 0, "processes"), COND_FAIL);
	assert_string_equal(f->v, "verylongprocessname[77]");

	/* Zombies use no CPU. */
	fake_proc(f, 77, "cargo", 'Z', 1, "", 0);
	assert_int_equal(check1(f, 0, "processes"), COND_OK);

	/* comm alone (empty cmdline) matches too. */
	fake_proc(f, 78, "cargo", 'R', 1, "", 0);
	assert_int_equal(check1(f, 0, "processes"), COND_FAIL);
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
	fake_proc(f, 1, "init", 'S', 0, "/sbin/init\0", 11);
	fake_proc(f, 50, "benchd", 'S', 1, "/usr/sbin/benchd\0", 17);
	fake_proc(f, 60, "sh", 'S', 50, "/bin/sh\0-c\0", 11);
	fake_proc(f, 70, "cargo", 'R', 60, "/usr/bin/cargo\0", 15);
	/* benchd's grandchild is its workload: excluded. */
	assert_int_equal(check1(f, 50, "processes"), COND_OK);
	/* Without self, the same process fails. */
	assert_int_equal(check1(f, 0, "processes"), COND_FAIL);
	assert_string_equal(f->v, "cargo[70]");
	/* benchd itself, if it were named so, is excluded. */
	f->forbid[0] = "benchd";
	assert_int_equal(check1(f, 50, "processes"), COND_OK);
	f->forbid[0] = "cargo";

	/* A PPid loop and a vanished parent end the walk: not excluded. */
	fake_proc(f, 90, "cargo", 'S', 91, "cargo\0", 6);
	fake_proc(f, 91, "sh", 'S', 90, "sh\0", 3);
	fake_proc(f, 95, "cargo", 'S', 96, "/usr/bin/cargo\0", 15);
	assert_int_equal(check1(f, 50, "processes"), COND_FAIL);
	assert_non_null(strstr(f->v, "cargo[90]"));
	assert_non_null(strstr(f->v, "cargo[95]"));
	assert_null(strstr(f->v, "cargo[70]"));

	/* A vanished process directory is skipped, not an error. */
	mkdirs(f, "proc/99");
	assert_int_equal(check1(f, 50, "processes"), COND_FAIL);

	/* A long list shows 16 and counts the rest. */
	for (pid = 200; pid < 220; pid++)
		fake_proc(f, pid, "cargo", 'R', 1, "", 0);
	assert_int_equal(check1(f, 50, "processes"), COND_FAIL);
	assert_non_null(strstr(f->v, "] (+6 more)"));
	for (pid = 0, p = f->v; (p = strchr(p, '[')) != NULL; p++)
		pid++;
	assert_int_equal(pid, 16);
}

static void
test_runnable(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(check1(f, 0, "runnable"), COND_UNAVAILABLE);
	put(f, "0.50 0.40 0.30 4/120 999\n", "proc/loadavg");
	f->cc.max_runnable = 2;
	assert_int_equal(check1(f, 0, "runnable"), COND_FAIL);
	assert_string_equal(f->v, "3 runnable besides benchd (R/T 4/120)");
	f->cc.max_runnable = 3;
	assert_int_equal(check1(f, 0, "runnable"), COND_OK);

	put(f, "some avg10=1.25 avg60=0.50 avg300=0.10 total=12345\n"
	    "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n",
	    "proc/pressure/cpu");
	assert_int_equal(check1(f, 0, "runnable"), COND_OK);
	assert_string_equal(f->v, "3 runnable besides benchd (R/T 4/120), "
	    "cpu pressure some avg10=1.25");

	/* max_runnable < 0 skips the limit, still reports. */
	f->cc.max_runnable = -1;
	put(f, "9.00 9.00 9.00 40/120 999\n", "proc/loadavg");
	assert_int_equal(check1(f, 0, "runnable"), COND_OK);
	assert_string_equal(f->adv, "not checked: max_runnable < 0");
}

static void
test_turbo_aslr_smt(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(check1(f, 0, "turbo"), COND_UNAVAILABLE);
	assert_int_equal(check1(f, 0, "aslr"), COND_UNAVAILABLE);
	assert_int_equal(check1(f, 0, "smt"), COND_UNAVAILABLE);

	put(f, "1\n", CPU "cpufreq/boost");
	assert_int_equal(check1(f, 0, "turbo"), COND_WARN);
	assert_string_equal(f->v, "cpufreq boost=1");
	put(f, "0\n", CPU "cpufreq/boost");
	assert_int_equal(check1(f, 0, "turbo"), COND_OK);
	put(f, "0\n", CPU "intel_pstate/no_turbo");
	assert_int_equal(check1(f, 0, "turbo"), COND_WARN);
	assert_string_equal(f->v, "intel_pstate no_turbo=0");
	put(f, "1\n", CPU "intel_pstate/no_turbo");
	assert_int_equal(check1(f, 0, "turbo"), COND_OK);
	assert_string_equal(f->v, "intel_pstate no_turbo=1");

	put(f, "2\n", "proc/sys/kernel/randomize_va_space");
	assert_int_equal(check1(f, 0, "aslr"), COND_WARN);
	assert_string_equal(f->v, "randomize_va_space=2");
	put(f, "0\n", "proc/sys/kernel/randomize_va_space");
	assert_int_equal(check1(f, 0, "aslr"), COND_OK);

	put(f, "1\n", CPU "smt/active");
	assert_int_equal(check1(f, 0, "smt"), COND_WARN);
	put(f, "0\n", CPU "smt/active");
	assert_int_equal(check1(f, 0, "smt"), COND_OK);
}

#define SWAPS_HEAD	"Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"

static void
test_swap(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(check1(f, 0, "swap"), COND_UNAVAILABLE);
	put(f, SWAPS_HEAD, "proc/swaps");
	put(f, "MemTotal: 16000000 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n",
	    "proc/meminfo");
	assert_int_equal(check1(f, 0, "swap"), COND_OK);
	assert_string_equal(f->v, "no swap");

	put(f, SWAPS_HEAD "/dev/sda2\tpartition\t1000\t0\t-2\n",
	    "proc/swaps");
	assert_int_equal(check1(f, 0, "swap"), COND_WARN);
	assert_string_equal(f->v, "devices=1 used=0kB");

	/* No device listed, but meminfo shows swap in use. */
	put(f, SWAPS_HEAD, "proc/swaps");
	put(f, "MemTotal: 16000000 kB\nSwapTotal:    2048 kB\n"
	    "SwapFree:     1024 kB\n", "proc/meminfo");
	assert_int_equal(check1(f, 0, "swap"), COND_WARN);
	assert_string_equal(f->v, "devices=0 used=1024kB");
}

static void
test_power(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(check1(f, 0, "power"), COND_UNAVAILABLE);
	mkdirs(f, "sys/class/power_supply");
	assert_int_equal(check1(f, 0, "power"), COND_UNAVAILABLE);

	/* A wireless mouse's battery says nothing. */
	put(f, "Battery\n", PS "hidpp_battery_0/type");
	put(f, "Device\n", PS "hidpp_battery_0/scope");
	put(f, "Discharging\n", PS "hidpp_battery_0/status");
	assert_int_equal(check1(f, 0, "power"), COND_UNAVAILABLE);

	put(f, "Battery\n", PS "BAT0/type");
	put(f, "Discharging\n", PS "BAT0/status");
	assert_int_equal(check1(f, 0, "power"), COND_WARN);
	assert_string_equal(f->v, "BAT0=Discharging");

	put(f, "Charging\n", PS "BAT0/status");
	put(f, "Mains\n", PS "AC/type");
	put(f, "0\n", PS "AC/online");
	assert_int_equal(check1(f, 0, "power"), COND_WARN);
	assert_non_null(strstr(f->v, "AC=offline"));
	put(f, "1\n", PS "AC/online");
	assert_int_equal(check1(f, 0, "power"), COND_OK);
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
	assert_int_equal(check1(f, 0, "throttle"), COND_UNAVAILABLE);

	throttle_cpu(f, 0, 0, 0, 0);
	throttle_cpu(f, 1, 0, 0, 0);
	assert_int_equal(conditions_throttle_total(&f->cc, &total), 0);
	assert_int_equal(total, 0);
	assert_int_equal(check1(f, 0, "throttle"), COND_OK);

	/* Core counters add up; each package's counter counts once. */
	throttle_cpu(f, 0, 0, 1, 10);
	throttle_cpu(f, 1, 0, 2, 10);
	throttle_cpu(f, 2, 1, 3, 20);
	throttle_cpu(f, 3, 1, 4, 20);
	assert_int_equal(conditions_throttle_total(&f->cc, &total), 0);
	assert_int_equal(total, 40);
	assert_int_equal(check1(f, 0, "throttle"), COND_WARN);
	assert_string_equal(f->v, "40 events since boot");
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
		"turbo", "power",
		"swap"					/* ok */
	};
	int			 i;

	f->cc.governor = "performance";
	f->forbid[0] = "cargo";
	f->cc.nforbid_processes = 1;
	governor(f, 0, "performance");
	governor(f, 1, "powersave");
	fake_proc(f, 42, "cargo", 'R', 1, "cargo\0", 6);
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
	assert_int_equal(cJSON_GetArraySize(c), 10);
	for (i = 0; i < 10; i++) {
		item = cJSON_GetArrayItem(c, i);
		assert_int_equal(cJSON_GetArraySize(item), 4);
		assert_string_equal(JSTR(item, "name"), expect[i]);
		assert_string_equal(JSTR(item, "status"), i < 2 ? "fail" :
		    i < 4 ? "warn" : i < 9 ? "unavailable" : "ok");
		assert_non_null(JSTR(item, "value"));
		assert_non_null(JSTR(item, "advice"));
	}
	assert_string_equal(JSTR(cJSON_GetArrayItem(c, 1), "value"),
	    "cpu1=powersave");
	cJSON_Delete(j);
	conditions_report_free(&r);

	/* Warnings and unavailable checks leave it canonical. */
	governor(f, 1, "performance");
	fake_proc(f, 42, "bash", 'S', 1, "bash\0", 5);
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
	assert_int_equal(check1(f, 0, "governor"), COND_UNAVAILABLE);
	assert_int_equal(check1(f, 0, "runnable"), COND_UNAVAILABLE);

	put(f, "powersave\n", "s/" CPU "cpu0/cpufreq/scaling_governor");
	put(f, "0 0 0 2/9 1\n", "p/proc/loadavg");
	assert_int_equal(check1(f, 0, "governor"), COND_FAIL);
	assert_string_equal(f->v, "cpu0=powersave");
	assert_int_equal(check1(f, 0, "runnable"), COND_FAIL);
	assert_string_equal(f->v, "1 runnable besides benchd (R/T 2/9)");
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
	clock_gettime(CLOCK_MONOTONIC, &t0);
	conditions_check(&cc, getpid(), &r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# conditions_check on / took %.2f ms\n",
	    (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	assert_int_equal(r.nchecks, 10);
	for (i = 0; i < r.nchecks; i++) {
		assert_in_range(r.checks[i].status, COND_OK, COND_UNAVAILABLE);
		assert_non_null(r.checks[i].value);
		assert_non_null(r.checks[i].advice);
	}
	/* This test process is self: excluded. */
	assert_int_equal(find(&r, "processes")->status, COND_OK);
	/* Where the file is absent (a VM), the check must say so. */
	for (i = 0; i < sizeof absent / sizeof absent[0]; i++) {
		if (access(absent[i][1], F_OK) == -1)
			assert_int_equal(find(&r, absent[i][0])->status,
			    COND_UNAVAILABLE);
	}
	conditions_report_free(&r);

	/* With no self, the real /proc scan finds this very process. */
	conditions_check(&cc, 0, &r);
	snprintf(me, sizeof me, "%s[%ld]", program_invocation_short_name,
	    (long)getpid());
	assert_int_equal(find(&r, "processes")->status, COND_FAIL);
	assert_non_null(strstr(find(&r, "processes")->value, me));
	conditions_report_free(&r);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_governor),
		T(test_thermal),
		T(test_processes),
		T(test_processes_descendants),
		T(test_runnable),
		T(test_turbo_aslr_smt),
		T(test_swap),
		T(test_power),
		T(test_throttle),
		T(test_json_and_failing),
		T(test_roots),
		cmocka_unit_test(test_real_root),
	};

	/* Bound the whole run: a hang is a failure. */
	alarm(60);
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
