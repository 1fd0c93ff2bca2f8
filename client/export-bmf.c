/*
 * export-bmf.c -- export --format bmf: Bencher Metric Format, the JSON
 * "bencher run --adapter json" takes (bencher.dev, reference/
 * bencher-metric-format): benchmark name -> measure -> value,
 * lower_value, upper_value.
 *
 * Each session is one benchmark, named "suite" or "suite/k=v,...", with
 * Bencher's built-in "latency" measure in nanoseconds: the mean wall time
 * of its measured runs, bounded by the 95% confidence interval of that
 * mean as benchd computes it (session.get's summary), or by the mean
 * itself with a single run.  Two sessions of one name keep the later.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

int
export_bmf(cJSON **got, int count)
{
	const cJSON	*wall;
	const cJSON	**v;
	cJSON		*doc, *bench, *m;
	double		 mean, lo, hi;
	size_t		 n;
	char		*name;
	int		 i;

	if ((doc = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	for (i = 0; i < count; i++) {
		n = export_measured(json_array(got[i], "runs"), &v);
		free(v);
		wall = json_object(json_object(got[i], "summary"), "wall");
		if (n == 0 || json_number(wall, "mean", &mean) != 0) {
			export_left_out(got[i]);
			continue;
		}
		if (json_number(wall, "ci_low", &lo) != 0)
			lo = mean;
		if (json_number(wall, "ci_high", &hi) != 0)
			hi = mean;
		name = export_name(json_object(got[i], "session"));
		cJSON_DeleteItemFromObjectCaseSensitive(doc, name);
		if ((bench = cJSON_AddObjectToObject(doc, name)) == NULL ||
		    (m = cJSON_AddObjectToObject(bench, "latency")) == NULL)
			fatalx("out of memory");
		cJSON_AddNumberToObject(m, "value", mean * 1e9);
		cJSON_AddNumberToObject(m, "lower_value", lo * 1e9);
		cJSON_AddNumberToObject(m, "upper_value", hi * 1e9);
		free(name);
	}
	json_print(doc);
	cJSON_Delete(doc);
	return (0);
}
