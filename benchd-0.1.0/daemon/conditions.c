/*
 * conditions.c -- the canonical-conditions gate.
 *
 * Every check reads small files under the configured sys and proc roots, so
 * a test's fake tree and the real "/" take the same code path.  A file that
 * is absent (a VM has no cpufreq, no thermal zones) makes its check
 * "unavailable", never "ok".  The gate runs before every measured run, so
 * files are read with open/read into stack buffers and nothing is cached.
 * The checks under proc_root live in conditions-proc.c.
 */
#include "config.h"

#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "conditions.h"
#include "conf.h"
#include "log.h"
#include "xmalloc.h"

#define CPU_DIR		"/sys/devices/system/cpu"
#define THERMAL_DIR	"/sys/class/thermal"
#define POWER_DIR	"/sys/class/power_supply"
#define MAX_TRIPS	64	/* trip points looked at per zone */

static const char *cond_status_names[] = {
	"ok", "warn", "fail", "unavailable"
};

const char *
cond_status_name(enum cond_status st)
{
	if ((unsigned)st >= sizeof cond_status_names /
	    sizeof cond_status_names[0])
		return ("unknown");
	return (cond_status_names[st]);
}

/* root with its trailing slashes dropped, then fmt (which starts "/"). */
static int
cond_vpath(char *buf, size_t len, const char *root, const char *fmt,
    va_list ap)
{
	size_t	rl;
	int	n;

	rl = (root == NULL) ? 0 : strlen(root);
	while (rl > 0 && root[rl - 1] == '/')
		rl--;
	if (rl >= len) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	if (rl > 0)
		memcpy(buf, root, rl);
	n = vsnprintf(buf + rl, len - rl, fmt, ap);
	if (n < 0 || (size_t)n >= len - rl) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	return (0);
}

int
cond_path(char *buf, size_t len, const char *root, const char *fmt, ...)
{
	va_list	ap;
	int	rv;

	va_start(ap, fmt);
	rv = cond_vpath(buf, len, root, fmt, ap);
	va_end(ap);
	return (rv);
}

/* Read path into buf (NUL-terminated, trailing whitespace dropped). */
static ssize_t
cond_vread(char *buf, size_t len, const char *root, const char *fmt,
    va_list ap)
{
	char	path[PATH_MAX];
	size_t	got = 0;
	ssize_t	n;
	int	fd, saved;

	if (cond_vpath(path, sizeof path, root, fmt, ap) == -1)
		return (-1);
	if ((fd = open(path, O_RDONLY|O_CLOEXEC)) == -1)
		return (-1);
	while (got < len - 1) {
		n = read(fd, buf + got, len - 1 - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			saved = errno;
			close(fd);
			errno = saved;
			return (-1);
		}
		if (n == 0)
			break;
		got += n;
		/*
		 * procfs, sysfs and regular files return all they have: a
		 * short read is the end, so spare the extra read(2).
		 */
		if ((size_t)n < len - 1 - (got - n))
			break;
	}
	close(fd);
	buf[got] = '\0';
	while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == ' ' ||
	    buf[got - 1] == '\t'))
		buf[--got] = '\0';
	return ((ssize_t)got);
}

/*
 * Read root+path into buf.  Returns the length, or -1 with errno set (a
 * vanished /proc entry gives ENOENT or ESRCH).
 */
ssize_t
cond_read(char *buf, size_t len, const char *root, const char *fmt, ...)
{
	va_list	ap;
	ssize_t	rv;

	va_start(ap, fmt);
	rv = cond_vread(buf, len, root, fmt, ap);
	va_end(ap);
	return (rv);
}

void
cond_set(struct cond_check *c, enum cond_status st, const char *advice,
    const char *fmt, ...)
{
	va_list	ap;

	free(c->value);
	free(c->advice);
	va_start(ap, fmt);
	if (vasprintf(&c->value, fmt, ap) == -1)
		fatalx("%s: vasprintf", __func__);
	va_end(ap);
	c->advice = xstrdup(advice != NULL ? advice : "");
	c->status = st;
}

/* Items past COND_LIST_SHOWN, or past a full buffer, are only counted. */
void
cond_list_add(struct cond_list *l, const char *fmt, ...)
{
	char	item[256];
	va_list	ap;
	size_t	ilen;

	if (++l->n > l->shown + 1 || l->shown == COND_LIST_SHOWN)
		return;
	va_start(ap, fmt);
	vsnprintf(item, sizeof item, fmt, ap);
	va_end(ap);
	ilen = strlen(item);
	/* Keep room for the " (+N more)" cond_list_str may add. */
	if (l->len + 1 + ilen + 32 >= sizeof l->buf)
		return;
	if (l->len > 0)
		l->buf[l->len++] = ' ';
	memcpy(l->buf + l->len, item, ilen + 1);
	l->len += ilen;
	l->shown++;
}

const char *
cond_list_str(struct cond_list *l)
{
	l->buf[l->len] = '\0';
	if (l->n > l->shown)
		snprintf(l->buf + l->len, sizeof l->buf - l->len,
		    " (+%zu more)", l->n - l->shown);
	return (l->buf);
}

static int
cond_cmp_long(const void *a, const void *b)
{
	long	x = *(const long *)a, y = *(const long *)b;

	return ((x > y) - (x < y));
}

/*
 * Every N of the "prefixN" entries of root+dir, sorted, so values list
 * cpu2 before cpu10.  Returns the count, or -1 when dir is absent.
 */
static int
cond_numbered(const char *root, const char *dir, const char *prefix,
    long **out)
{
	char		 path[PATH_MAX], *end;
	DIR		*d;
	struct dirent	*de;
	size_t		 n = 0, cap = 0, pl = strlen(prefix);
	long		 v;

	*out = NULL;
	if (cond_path(path, sizeof path, root, "%s", dir) == -1)
		return (-1);
	if ((d = opendir(path)) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, pl) != 0 ||
		    de->d_name[pl] < '0' || de->d_name[pl] > '9')
			continue;
		v = strtol(de->d_name + pl, &end, 10);
		if (*end != '\0' || v < 0 || n == INT_MAX)
			continue;
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			*out = xreallocarray(*out, cap, sizeof **out);
		}
		(*out)[n++] = v;
	}
	closedir(d);
	if (n > 0)
		qsort(*out, n, sizeof **out, cond_cmp_long);
	return ((int)n);
}

/* A decimal integer file; -1 when absent or not a number. */
static int __attribute__((format(printf, 3, 4)))
cond_read_ll(long long *v, const char *root, const char *fmt, ...)
{
	char	 buf[64], *end;
	va_list	 ap;
	ssize_t	 n;

	va_start(ap, fmt);
	n = cond_vread(buf, sizeof buf, root, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return (-1);
	errno = 0;
	*v = strtoll(buf, &end, 10);
	if (errno != 0 || end == buf)
		return (-1);
	return (0);
}

static void
cond_check_governor(const struct config_conditions *cc, pid_t self,
    struct cond_check *c)
{
	struct cond_list	 differ = { .len = 0 }, all = { .len = 0 };
	char			 gov[64], first[64] = "", advice[128];
	long			*cpus;
	int			 ncpus, i, nread = 0, mixed = 0;

	ncpus = cond_numbered(cc->sys_root, CPU_DIR, "cpu", &cpus);
	for (i = 0; i < ncpus; i++) {
		/* Offline CPUs have no cpufreq directory: skip them. */
		if (cond_read(gov, sizeof gov, cc->sys_root,
		    CPU_DIR "/cpu%ld/cpufreq/scaling_governor", cpus[i]) <= 0)
			continue;
		if (nread++ == 0)
			snprintf(first, sizeof first, "%s", gov);
		else if (strcmp(gov, first) != 0)
			mixed = 1;
		cond_list_add(&all, "cpu%ld=%s", cpus[i], gov);
		if (cc->governor != NULL && strcmp(gov, cc->governor) != 0)
			cond_list_add(&differ, "cpu%ld=%s", cpus[i], gov);
	}
	free(cpus);

	if (nread == 0) {
		cond_set(c, COND_UNAVAILABLE, "no cpufreq here (a VM?): the "
		    "governor cannot be checked", "no scaling_governor");
	} else if (differ.n > 0) {
		snprintf(advice, sizeof advice,
		    "cpupower frequency-set -g %s", cc->governor);
		cond_set(c, COND_FAIL, advice, "%s", cond_list_str(&differ));
	} else if (mixed)
		cond_set(c, COND_OK, "", "%s", cond_list_str(&all));
	else
		cond_set(c, COND_OK, "", "%s on %d CPUs", first, nread);
}

/* The first passive or hot trip point the zone's temperature has reached. */
static int
cond_zone_trip(const char *root, long zone, long long temp, char *why,
    size_t len)
{
	char		type[32];
	long long	trip;
	int		i;

	for (i = 0; i < MAX_TRIPS; i++) {
		if (cond_read(type, sizeof type, root, THERMAL_DIR
		    "/thermal_zone%ld/trip_point_%d_type", zone, i) == -1)
			break;
		if (strcmp(type, "passive") != 0 && strcmp(type, "hot") != 0)
			continue;
		/* Firmware often leaves unused trips at 0 or below. */
		if (cond_read_ll(&trip, root, THERMAL_DIR
		    "/thermal_zone%ld/trip_point_%d_temp", zone, i) == -1 ||
		    trip <= 0)
			continue;
		if (temp >= trip) {
			snprintf(why, len, "%s %.1fC", type, trip / 1000.0);
			return (1);
		}
	}
	return (0);
}

/*
 * A zone fails above max_temp_c or at its passive/hot trip, where the
 * kernel starts throttling.
 */
static void
cond_check_thermal(const struct config_conditions *cc, pid_t self,
    struct cond_check *c)
{
	struct cond_list	 hot = { .len = 0 }, all = { .len = 0 };
	char			 why[64];
	long			*zones;
	long long		 t;
	int			 nzones, i, nread = 0;

	nzones = cond_numbered(cc->sys_root, THERMAL_DIR, "thermal_zone",
	    &zones);
	for (i = 0; i < nzones; i++) {
		/* Some zones answer EIO or ENODATA: not a reading. */
		if (cond_read_ll(&t, cc->sys_root,
		    "%s/thermal_zone%ld/temp", THERMAL_DIR, zones[i]) == -1)
			continue;
		nread++;
		cond_list_add(&all, "thermal_zone%ld=%.1fC", zones[i],
		    t / 1000.0);
		if (cc->max_temp_c > 0 && t / 1000.0 > cc->max_temp_c)
			snprintf(why, sizeof why, "max %.1fC", cc->max_temp_c);
		else if (!cond_zone_trip(cc->sys_root, zones[i], t, why,
		    sizeof why))
			continue;
		cond_list_add(&hot, "thermal_zone%ld=%.1fC (%s)", zones[i],
		    t / 1000.0, why);
	}
	free(zones);

	if (nread == 0)
		cond_set(c, COND_UNAVAILABLE, "no thermal zones here (a VM?): "
		    "temperature cannot be checked", "no thermal zones");
	else if (hot.n > 0)
		cond_set(c, COND_FAIL, "let the machine cool down; check "
		    "cooling and background load", "%s", cond_list_str(&hot));
	else
		cond_set(c, COND_OK, "", "%s", cond_list_str(&all));
}

int
conditions_throttle_total(const struct config_conditions *cc,
    uint64_t *total)
{
	long		*cpus, *pkgs = NULL;
	long long	 v, pkg;
	size_t		 npkgs = 0, j;
	int		 ncpus, i, found = 0;

	*total = 0;
	ncpus = cond_numbered(cc->sys_root, CPU_DIR, "cpu", &cpus);
	if (ncpus > 0)
		pkgs = xreallocarray(NULL, ncpus, sizeof *pkgs);
	for (i = 0; i < ncpus; i++) {
		if (cond_read_ll(&v, cc->sys_root, "%s/cpu%ld/thermal_throttle/"
		    "core_throttle_count", CPU_DIR, cpus[i]) == 0 && v > 0)
			*total += v;
		if (cond_read_ll(&v, cc->sys_root, "%s/cpu%ld/thermal_throttle/"
		    "package_throttle_count", CPU_DIR, cpus[i]) == -1)
			continue;
		found = 1;
		/* Every CPU of a package shows the package's counter. */
		if (cond_read_ll(&pkg, cc->sys_root, "%s/cpu%ld/topology/"
		    "physical_package_id", CPU_DIR, cpus[i]) == -1)
			pkg = -1 - cpus[i];
		for (j = 0; j < npkgs && pkgs[j] != pkg; j++)
			;
		if (j < npkgs)
			continue;
		pkgs[npkgs++] = pkg;
		if (v > 0)
			*total += v;
	}
	free(pkgs);
	free(cpus);
	return (found ? 0 : -1);
}

static void
cond_check_throttle(const struct config_conditions *cc, pid_t self,
    struct cond_check *c)
{
	uint64_t	total;

	if (conditions_throttle_total(cc, &total) == -1)
		cond_set(c, COND_UNAVAILABLE, "no thermal_throttle counters "
		    "here: throttling cannot be seen", "no throttle counters");
	else if (total > 0)
		cond_set(c, COND_WARN, "the CPU has throttled since boot; each "
		    "run records its own delta, check cooling",
		    "%llu events since boot", (unsigned long long)total);
	else
		cond_set(c, COND_OK, "", "0 events since boot");
}

static void
cond_check_turbo(const struct config_conditions *cc, pid_t self,
    struct cond_check *c)
{
	char	nt[16], boost[16];
	int	hnt, hboost;

	hnt = cond_read(nt, sizeof nt, cc->sys_root,
	    "%s/intel_pstate/no_turbo", CPU_DIR) > 0;
	hboost = cond_read(boost, sizeof boost, cc->sys_root,
	    "%s/cpufreq/boost", CPU_DIR) > 0;
	if (hnt && strcmp(nt, "0") == 0)
		cond_set(c, COND_WARN, "echo 1 > " CPU_DIR
		    "/intel_pstate/no_turbo", "intel_pstate no_turbo=0");
	else if (hboost && strcmp(boost, "1") == 0)
		cond_set(c, COND_WARN, "echo 0 > " CPU_DIR "/cpufreq/boost",
		    "cpufreq boost=1");
	else if (hnt)
		cond_set(c, COND_OK, "", "intel_pstate no_turbo=%s", nt);
	else if (hboost)
		cond_set(c, COND_OK, "", "cpufreq boost=%s", boost);
	else
		cond_set(c, COND_UNAVAILABLE, "no turbo/boost control here",
		    "no no_turbo or boost file");
}

/* Mains offline (or a discharging battery and no mains) means battery. */
static void
cond_check_power(const struct config_conditions *cc, pid_t self,
    struct cond_check *c)
{
	struct cond_list	 l = { .len = 0 };
	char			 path[PATH_MAX], type[32], v[32];
	DIR			*d;
	struct dirent		*de;
	int			 mains = 0, online = 0, discharging = 0;

	if (cond_path(path, sizeof path, cc->sys_root, POWER_DIR) == -1 ||
	    (d = opendir(path)) == NULL) {
		cond_set(c, COND_UNAVAILABLE, "", "no power supplies");
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || cond_read(type, sizeof type,
		    cc->sys_root, POWER_DIR "/%s/type", de->d_name) <= 0)
			continue;
		if (strcmp(type, "Mains") == 0) {
			if (cond_read(v, sizeof v, cc->sys_root,
			    POWER_DIR "/%s/online", de->d_name) <= 0)
				continue;
			mains++;
			online += strcmp(v, "0") != 0;
			cond_list_add(&l, "%s=%s", de->d_name,
			    strcmp(v, "0") != 0 ? "online" : "offline");
		} else if (strcmp(type, "Battery") == 0) {
			/* A mouse's battery says nothing about ours. */
			if (cond_read(v, sizeof v, cc->sys_root,
			    POWER_DIR "/%s/scope", de->d_name) > 0 &&
			    strcmp(v, "Device") == 0)
				continue;
			if (cond_read(v, sizeof v, cc->sys_root,
			    POWER_DIR "/%s/status", de->d_name) <= 0)
				continue;
			discharging += strcmp(v, "Discharging") == 0;
			cond_list_add(&l, "%s=%s", de->d_name, v);
		}
	}
	closedir(d);
	if ((mains > 0 && online == 0) || (mains == 0 && discharging > 0))
		cond_set(c, COND_WARN, "on battery: plug in mains power "
		    "(laptops slow down on battery)", "%s", cond_list_str(&l));
	else if (mains > 0)
		cond_set(c, COND_OK, "", "%s", cond_list_str(&l));
	else
		cond_set(c, COND_UNAVAILABLE, "", "no mains supply reported");
}

static void
cond_check_smt(const struct config_conditions *cc, pid_t self,
    struct cond_check *c)
{
	char	v[16];

	if (cond_read(v, sizeof v, cc->sys_root, CPU_DIR "/smt/active") <= 0)
		cond_set(c, COND_UNAVAILABLE, "", "no smt/active");
	else if (strcmp(v, "0") != 0)
		cond_set(c, COND_WARN, "sibling threads share a core: echo off "
		    "> " CPU_DIR "/smt/control, or give the suite one thread "
		    "per core (cpus=)", "smt active=%s", v);
	else
		cond_set(c, COND_OK, "", "smt active=0");
}

typedef void	(*cond_fn)(const struct config_conditions *, pid_t,
		    struct cond_check *);

/* The report's fixed order; names are stable identifiers. */
static const struct {
	const char	*name;
	cond_fn		 fn;
} cond_table[] = {
	{ "processes",	cond_check_processes },
	{ "governor",	cond_check_governor },
	{ "thermal",	cond_check_thermal },
	{ "throttle",	cond_check_throttle },
	{ "runnable",	cond_check_runnable },
	{ "turbo",	cond_check_turbo },
	{ "aslr",	cond_check_aslr },
	{ "swap",	cond_check_swap },
	{ "power",	cond_check_power },
	{ "smt",	cond_check_smt },
};
#define NCHECKS	(sizeof cond_table / sizeof cond_table[0])

void
conditions_check(const struct config_conditions *cc, pid_t self,
    struct cond_report *r)
{
	size_t	i;

	r->nchecks = NCHECKS;
	r->checks = xcalloc(NCHECKS, sizeof *r->checks);
	for (i = 0; i < NCHECKS; i++) {
		snprintf(r->checks[i].name, sizeof r->checks[i].name, "%s",
		    cond_table[i].name);
		cond_table[i].fn(cc, self, &r->checks[i]);
		if (r->checks[i].value == NULL)
			fatalx("%s: check %s set nothing", __func__,
			    cond_table[i].name);
	}
}

int
conditions_canonical(const struct cond_report *r)
{
	size_t	i;

	for (i = 0; i < r->nchecks; i++) {
		if (r->checks[i].status == COND_FAIL)
			return (0);
	}
	return (1);
}

void
conditions_report_free(struct cond_report *r)
{
	size_t	i;

	for (i = 0; i < r->nchecks; i++) {
		free(r->checks[i].value);
		free(r->checks[i].advice);
	}
	free(r->checks);
	r->checks = NULL;
	r->nchecks = 0;
}

cJSON *
conditions_report_json(const struct cond_report *r)
{
	static const enum cond_status order[] = {
		COND_FAIL, COND_WARN, COND_UNAVAILABLE, COND_OK
	};
	const struct cond_check	*c;
	cJSON			*root, *checks, *o;
	size_t			 i, k;

	if ((root = cJSON_CreateObject()) == NULL)
		fatalx("%s: cJSON", __func__);
	cJSON_AddBoolToObject(root, "canonical", conditions_canonical(r));
	checks = cJSON_AddArrayToObject(root, "checks");
	for (k = 0; k < sizeof order / sizeof order[0]; k++) {
		for (i = 0; i < r->nchecks; i++) {
			c = &r->checks[i];
			if (c->status != order[k])
				continue;
			if ((o = cJSON_CreateObject()) == NULL)
				fatalx("%s: cJSON", __func__);
			cJSON_AddStringToObject(o, "name", c->name);
			cJSON_AddStringToObject(o, "status",
			    cond_status_name(c->status));
			cJSON_AddStringToObject(o, "value", c->value);
			cJSON_AddStringToObject(o, "advice", c->advice);
			cJSON_AddItemToArray(checks, o);
		}
	}
	return (root);
}

char *
conditions_report_failing(const struct cond_report *r)
{
	char	*s = NULL, *t;
	size_t	 i;

	for (i = 0; i < r->nchecks; i++) {
		if (r->checks[i].status != COND_FAIL)
			continue;
		xasprintf(&t, "%s%s%s: %s", s != NULL ? s : "",
		    s != NULL ? "; " : "", r->checks[i].name,
		    r->checks[i].value);
		free(s);
		s = t;
	}
	return (s);
}
