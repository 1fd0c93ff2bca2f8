/*
 * export-conbench.c -- export --format conbench: a JSON array of
 * Conbench benchmark results, one per session, each the body of one
 * POST /api/benchmark-results/ (the fields conbench's
 * BenchmarkResultSchema requires: run_id, timestamp, stats, tags with a
 * name, context, info, machine_info).
 *
 * The run is the box at a revision ("benchd-HOST-REV", or the session's
 * id without one), the batch the session; stats carry the wall time of
 * each measured run in seconds ("data", with "unit" and "times"), their
 * count and the statistics Conbench shows (quartiles by linear
 * interpolation, as numpy's default).  The machine comes from the
 * session's fingerprint and, for what that does not record, from the
 * machine benchctl runs on: the one the socket is on.  Conbench's own
 * runner sends machine_info's numbers as strings; so does this.
 */
#include "config.h"

#include <sys/utsname.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

static int
conbench_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

/* The q-quantile of sorted x, interpolated linearly between ranks. */
static double
conbench_quantile(const double *x, size_t n, double q)
{
	double	pos = q * (double)(n - 1), lo = floor(pos);
	size_t	i = (size_t)lo;

	if (i + 1 >= n)
		return (x[n - 1]);
	return (x[i] + (pos - lo) * (x[i + 1] - x[i]));
}

static void
conbench_add_long(cJSON *o, const char *name, long v)
{
	char	buf[32];

	snprintf(buf, sizeof buf, "%ld", v < 0 ? 0 : v);
	cJSON_AddStringToObject(o, name, buf);
}

static cJSON *
conbench_machine(const cJSON *fp)
{
	struct utsname	 u;
	const char	*host = json_string(fp, "hostname");
	const char	*model = json_string(fp, "cpu_model");
	const char	*kernel = json_string(fp, "kernel");
	cJSON		*m;
	double		 cpus;
	long		 pages, page;

	if (uname(&u) == -1)
		fatal("uname");
	if ((m = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	cJSON_AddStringToObject(m, "name", host != NULL ? host : u.nodename);
	cJSON_AddStringToObject(m, "os_name", u.sysname);
	cJSON_AddStringToObject(m, "os_version",
	    kernel != NULL ? kernel : u.release);
	cJSON_AddStringToObject(m, "architecture_name", u.machine);
	cJSON_AddStringToObject(m, "kernel_name",
	    kernel != NULL ? kernel : u.release);
	cJSON_AddStringToObject(m, "cpu_model_name",
	    model != NULL ? model : "unknown");
	if (json_number(fp, "cpus", &cpus) != 0)
		cpus = (double)sysconf(_SC_NPROCESSORS_ONLN);
	conbench_add_long(m, "cpu_core_count", (long)cpus);
	conbench_add_long(m, "cpu_thread_count", (long)cpus);
	conbench_add_long(m, "cpu_frequency_max_hz", 0);
	conbench_add_long(m, "cpu_l1d_cache_bytes",
	    sysconf(_SC_LEVEL1_DCACHE_SIZE));
	conbench_add_long(m, "cpu_l1i_cache_bytes",
	    sysconf(_SC_LEVEL1_ICACHE_SIZE));
	conbench_add_long(m, "cpu_l2_cache_bytes",
	    sysconf(_SC_LEVEL2_CACHE_SIZE));
	conbench_add_long(m, "cpu_l3_cache_bytes",
	    sysconf(_SC_LEVEL3_CACHE_SIZE));
	pages = sysconf(_SC_PHYS_PAGES);
	page = sysconf(_SC_PAGESIZE);
	conbench_add_long(m, "memory_bytes", pages > 0 && page > 0 ?
	    pages * page : 0);
	conbench_add_long(m, "gpu_count", 0);
	cJSON_AddItemToObject(m, "gpu_product_names", cJSON_CreateArray());
	return (m);
}

/* stats: the measured runs' wall times and what Conbench shows of them. */
static cJSON *
conbench_stats(const double *wall, size_t n)
{
	cJSON	*st, *data, *times;
	double	*sorted, mean, q1, q3;
	size_t	 i;

	sorted = xreallocarray(NULL, n, sizeof *sorted);
	memcpy(sorted, wall, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, conbench_cmp);
	if ((st = cJSON_CreateObject()) == NULL ||
	    (data = cJSON_CreateArray()) == NULL ||
	    (times = cJSON_CreateArray()) == NULL)
		fatalx("out of memory");
	for (i = 0; i < n; i++) {
		cJSON_AddItemToArray(data, cJSON_CreateNumber(wall[i]));
		cJSON_AddItemToArray(times, cJSON_CreateNumber(wall[i]));
	}
	mean = export_mean(wall, n);
	q1 = conbench_quantile(sorted, n, 0.25);
	q3 = conbench_quantile(sorted, n, 0.75);
	cJSON_AddItemToObject(st, "data", data);
	cJSON_AddStringToObject(st, "unit", "s");
	cJSON_AddItemToObject(st, "times", times);
	cJSON_AddStringToObject(st, "time_unit", "s");
	cJSON_AddNumberToObject(st, "iterations", (double)n);
	cJSON_AddNumberToObject(st, "mean", mean);
	cJSON_AddNumberToObject(st, "median", export_median(wall, n));
	cJSON_AddNumberToObject(st, "min", sorted[0]);
	cJSON_AddNumberToObject(st, "max", sorted[n - 1]);
	cJSON_AddNumberToObject(st, "stdev", n > 1 ?
	    export_stddev(wall, n, mean) : 0);
	cJSON_AddNumberToObject(st, "q1", q1);
	cJSON_AddNumberToObject(st, "q3", q3);
	cJSON_AddNumberToObject(st, "iqr", q3 - q1);
	free(sorted);
	return (st);
}

static cJSON *
conbench_one(const cJSON *s, const double *wall, size_t n)
{
	const cJSON	*fp = json_object(s, "fingerprint"), *p;
	const char	*host = json_string(fp, "hostname");
	const char	*rev = json_string(s, "rev");
	const char	*at = json_string(s, "started_at");
	cJSON		*r, *tags, *context, *info;
	int64_t		 id = 0;
	char		*text;

	(void)json_int(s, "id", &id);
	if (host == NULL)
		host = "benchd";
	if ((r = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	if (rev != NULL)
		xasprintf(&text, "benchd-%s-%s", host, rev);
	else
		xasprintf(&text, "benchd-%s-session-%lld", host, (long long)id);
	cJSON_AddStringToObject(r, "run_id", text);
	free(text);
	xasprintf(&text, "benchd-%s-%lld", host, (long long)id);
	cJSON_AddStringToObject(r, "batch_id", text);
	free(text);
	cJSON_AddStringToObject(r, "timestamp", at != NULL ? at :
	    "1970-01-01T00:00:00Z");
	cJSON_AddItemToObject(r, "stats", conbench_stats(wall, n));
	tags = cJSON_AddObjectToObject(r, "tags");
	cJSON_AddStringToObject(tags, "name", json_text(s, "suite"));
	cJSON_ArrayForEach(p, json_object(s, "params")) {
		if (p->string != NULL && cJSON_IsString(p) &&
		    strcmp(p->string, "name") != 0)
			cJSON_AddStringToObject(tags, p->string,
			    p->valuestring);
	}
	context = cJSON_AddObjectToObject(r, "context");
	cJSON_AddStringToObject(context, "benchmark_language", "command");
	info = cJSON_AddObjectToObject(r, "info");
	cJSON_AddStringToObject(info, "benchd_version",
	    json_string(fp, "benchd") != NULL ? json_string(fp, "benchd") :
	    PACKAGE_VERSION);
	cJSON_AddNumberToObject(info, "benchd_session", (double)id);
	cJSON_AddStringToObject(info, "state", json_text(s, "state"));
	if (json_string(s, "command") != NULL)
		cJSON_AddStringToObject(info, "command",
		    json_string(s, "command"));
	cJSON_AddItemToObject(r, "machine_info", conbench_machine(fp));
	return (r);
}

int
export_conbench(cJSON **got, int count)
{
	const cJSON	**v;
	cJSON		*all;
	double		*wall;
	size_t		 n;
	int		 i;

	if ((all = cJSON_CreateArray()) == NULL)
		fatalx("out of memory");
	for (i = 0; i < count; i++) {
		n = export_measured(json_array(got[i], "runs"), &v);
		if (n == 0)
			export_left_out(got[i]);
		else {
			wall = export_column(v, n, "wall");
			cJSON_AddItemToArray(all, conbench_one(
			    json_object(got[i], "session"), wall, n));
			free(wall);
		}
		free(v);
	}
	json_print(all);
	cJSON_Delete(all);
	return (0);
}
