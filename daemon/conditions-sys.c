/*
 * conditions-sys.c -- the checks read under sys_root: CPU governor,
 * temperature, thermal throttling, turbo, power supply, SMT.
 */
#include "config.h"

#include <sys/types.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conditions.h"
#include "conf.h"
#include "xmalloc.h"

#define CPU_DIR		"/sys/devices/system/cpu"
#define THERMAL_DIR	"/sys/class/thermal"
#define POWER_DIR	"/sys/class/power_supply"
#define MAX_TRIPS	64	/* trip points looked at per zone */

void
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
void
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

void
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

void
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
void
cond_check_power(const struct config_conditions *cc, pid_t self,
    struct cond_check *c)
{
	struct cond_list	 l = { .len = 0 };
	struct cond_dir		 cd;
	char			 path[PATH_MAX], type[32], v[32];
	const char		*name;
	size_t			 i;
	int			 mains = 0, online = 0, discharging = 0;

	if (cond_path(path, sizeof path, cc->sys_root, POWER_DIR) == -1 ||
	    cond_dir_open(&cd, path, POWER_DIR) == -1) {
		cond_set(c, COND_UNAVAILABLE, "", "no power supplies");
		return;
	}
	for (i = 0; i < cd.n; i++) {
		name = cd.names[i];
		if (name[0] == '.' || cond_read(type, sizeof type,
		    cc->sys_root, POWER_DIR "/%s/type", name) <= 0)
			continue;
		if (strcmp(type, "Mains") == 0) {
			if (cond_read(v, sizeof v, cc->sys_root,
			    POWER_DIR "/%s/online", name) <= 0)
				continue;
			mains++;
			online += strcmp(v, "0") != 0;
			cond_list_add(&l, "%s=%s", name,
			    strcmp(v, "0") != 0 ? "online" : "offline");
		} else if (strcmp(type, "Battery") == 0) {
			/* A mouse's battery says nothing about ours. */
			if (cond_read(v, sizeof v, cc->sys_root,
			    POWER_DIR "/%s/scope", name) > 0 &&
			    strcmp(v, "Device") == 0)
				continue;
			if (cond_read(v, sizeof v, cc->sys_root,
			    POWER_DIR "/%s/status", name) <= 0)
				continue;
			discharging += strcmp(v, "Discharging") == 0;
			cond_list_add(&l, "%s=%s", name, v);
		}
	}
	cond_dir_close(&cd);
	if ((mains > 0 && online == 0) || (mains == 0 && discharging > 0))
		cond_set(c, COND_WARN, "on battery: plug in mains power "
		    "(laptops slow down on battery)", "%s", cond_list_str(&l));
	else if (mains > 0)
		cond_set(c, COND_OK, "", "%s", cond_list_str(&l));
	else
		cond_set(c, COND_UNAVAILABLE, "", "no mains supply reported");
}

void
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
