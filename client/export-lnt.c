/*
 * export-lnt.c -- export --format lnt: an LNT report, format version 2,
 * as "lnt submit" and the server's /submitRun take it (LNT's
 * docs/importing_data.rst).
 *
 * One report is one run of one machine at one order, so the sessions
 * exported together must share a revision: that is the run's order,
 * under the field the "nts" schema orders by, "llvm_project_revision"
 * (a session without a revision gives its id, "benchd-ID", so that a
 * report can still be made).  Each session is one test, named
 * "suite" or "suite/k=v,...", with the samples of its measured runs:
 * "execution_time" (wall seconds) and "mem_bytes" (peak resident set).
 * The machine is named by the fingerprint's hostname; its other fields
 * go along as the machine's info, as strings.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

/* "2026-01-02T03:04:05Z" as LNT writes it, without the zone. */
static void
lnt_time(cJSON *o, const char *name, const char *iso)
{
	char	buf[32];

	if (iso == NULL)
		iso = "1970-01-01T00:00:00Z";
	snprintf(buf, sizeof buf, "%s", iso);
	buf[strcspn(buf, "Z")] = '\0';
	if (cJSON_AddStringToObject(o, name, buf) == NULL)
		fatalx("out of memory");
}

/* The machine: the first session's fingerprint, every field a string. */
static cJSON *
lnt_machine(const cJSON *s)
{
	const cJSON	*fp = json_object(s, "fingerprint"), *f;
	const char	*host = json_string(fp, "hostname");
	cJSON		*m;
	char		*text;

	if ((m = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	cJSON_AddStringToObject(m, "name", host != NULL ? host : "benchd");
	cJSON_ArrayForEach(f, fp) {
		if (f->string == NULL || strcmp(f->string, "hostname") == 0)
			continue;
		if (cJSON_IsString(f))
			cJSON_AddStringToObject(m, f->string, f->valuestring);
		else {
			if ((text = cJSON_PrintUnformatted(f)) == NULL)
				fatalx("out of memory");
			cJSON_AddStringToObject(m, f->string, text);
			cJSON_free(text);
		}
	}
	return (m);
}

/* One test: the session's measured runs as samples. */
static cJSON *
lnt_test(const cJSON *s, const cJSON *runs)
{
	const cJSON	**v;
	cJSON		*t, *wall, *mem;
	double		 x;
	size_t		 n, i;
	char		*name;

	n = export_measured(runs, &v);
	if ((t = cJSON_CreateObject()) == NULL ||
	    (wall = cJSON_CreateArray()) == NULL ||
	    (mem = cJSON_CreateArray()) == NULL)
		fatalx("out of memory");
	name = export_name(s);
	cJSON_AddStringToObject(t, "name", name);
	free(name);
	for (i = 0; i < n; i++) {
		(void)json_number(v[i], "wall", &x);
		cJSON_AddItemToArray(wall, cJSON_CreateNumber(x));
		if (json_number(v[i], "maxrss_kb", &x) == 0)
			cJSON_AddItemToArray(mem, cJSON_CreateNumber(x * 1024));
	}
	cJSON_AddItemToObject(t, "execution_time", wall);
	cJSON_AddItemToObject(t, "mem_bytes", mem);
	free(v);
	return (t);
}

/* The revision a session was measured at, or "benchd-ID". Caller frees. */
static char *
lnt_order(const cJSON *s)
{
	const char	*rev = json_string(s, "rev");
	int64_t		 id = 0;
	char		*order;

	if (rev != NULL)
		return (xstrdup(rev));
	(void)json_int(s, "id", &id);
	xasprintf(&order, "benchd-%lld", (long long)id);
	return (order);
}

int
export_lnt(cJSON **got, int count)
{
	const cJSON	*s;
	const char	*first = NULL, *last = NULL, *t;
	cJSON		*doc, *run, *tests;
	char		*order = NULL, *o;
	int		 i;

	for (i = 0; i < count; i++) {
		s = json_object(got[i], "session");
		o = lnt_order(s);
		if (order != NULL && strcmp(order, o) != 0) {
			log_warnx("an LNT report holds one order: sessions "
			    "have revisions %s and %s", order, o);
			free(order);
			free(o);
			return (EX_USAGE);
		}
		free(order);
		order = o;
		/* ISO 8601 UTC strings sort as the times they are. */
		if ((t = json_string(s, "started_at")) != NULL &&
		    (first == NULL || strcmp(t, first) < 0))
			first = t;
		if ((t = json_string(s, "finished_at")) != NULL &&
		    (last == NULL || strcmp(t, last) > 0))
			last = t;
	}
	if ((doc = cJSON_CreateObject()) == NULL ||
	    (run = cJSON_CreateObject()) == NULL ||
	    (tests = cJSON_CreateArray()) == NULL)
		fatalx("out of memory");
	cJSON_AddStringToObject(doc, "format_version", "2");
	cJSON_AddItemToObject(doc, "machine",
	    lnt_machine(json_object(got[0], "session")));
	lnt_time(run, "start_time", first);
	lnt_time(run, "end_time", last != NULL ? last : first);
	cJSON_AddStringToObject(run, "llvm_project_revision", order);
	cJSON_AddItemToObject(doc, "run", run);
	for (i = 0; i < count; i++)
		cJSON_AddItemToArray(tests, lnt_test(json_object(got[i],
		    "session"), json_array(got[i], "runs")));
	cJSON_AddItemToObject(doc, "tests", tests);
	json_print(doc);
	cJSON_Delete(doc);
	free(order);
	return (0);
}
