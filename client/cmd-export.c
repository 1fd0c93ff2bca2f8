/*
 * cmd-export.c -- export ID... [--format json|hyperfine|csv]: sessions for
 * other tools.
 *
 *   json       a JSON array of the sessions' session.get results, runs
 *              included: everything benchd knows about them.
 *   hyperfine  the document "hyperfine --export-json" writes, one result
 *              per session, so the scripts and plots made for hyperfine
 *              read it: the keys of hyperfine 1.15 (Debian's; see its
 *              src/benchmark/benchmark_result.rs), in its order and
 *              layout. hyperfine 1.20 adds "memory_usage_byte", left out
 *              so that the shape is that of the hyperfine users have.
 *              The statistics are computed here from the measured runs
 *              with hyperfine's definitions (mean, sample stddev or null
 *              with one run, the median of an even count as the mean of
 *              the middle two), so that they agree with "times".
 *              A session at a commit benchd checked out (a suite with
 *              repo) has its short id as the parameter "commit".
 *   csv        one row per run, warmups included, quoted as RFC 4180
 *              says (fields with a comma, quote or line break are quoted,
 *              quotes doubled); records end with \n.
 *   lnt, bmf, conbench
 *              the documents LNT, Bencher and Conbench servers take in
 *              (export-lnt.c, export-bmf.c, export-conbench.c).
 *
 * One session.get per ID, pipelined; any error prints nothing but the
 * error, so a partial document never reaches a pipe.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

#define EXPORT_WINDOW	32		/* session.get requests in flight */

static int	cmd_export_exec(struct cmd *);

static const struct cmd_option	cmd_export_options[] = {
	{ "format", CMD_ARG_STRING, 0, 0 },
	{ NULL, 0, 0, 0 }
};

const struct cmd_entry	cmd_export_entry = {
	"export", "ID... [--format json|hyperfine|csv|lnt|bmf|conbench]",
	"print sessions for other tools: JSON, hyperfine, CSV, LNT, Bencher, "
	"Conbench",
	1, -1, cmd_export_options, 0, cmd_export_exec
};

/*
 * A whole number as digits, else the shortest "%.*g" that reads back as
 * v: exact, and short.
 */
static const char *
export_double(char *buf, size_t len, double v)
{
	int	prec;

	if (v == floor(v) && fabs(v) < 1e15) {
		snprintf(buf, len, "%.0f", v);
		return (buf);
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	return (buf);
}

/* A JSON number that stays a float ("2.0", as serde_json writes f64). */
static const char *
export_float(char *buf, size_t len, double v)
{
	if (!isfinite(v)) {
		snprintf(buf, len, "null");
		return (buf);
	}
	export_double(buf, len, v);
	if (strspn(buf, "-0123456789") == strlen(buf) &&
	    strlen(buf) + 3 <= len)
		strcat(buf, ".0");
	return (buf);
}

/* s as a JSON string, quotes and escapes included. */
static void
export_json_string(const char *s)
{
	cJSON	*item;
	char	*text;

	if ((item = cJSON_CreateString(s)) == NULL ||
	    (text = cJSON_PrintUnformatted(item)) == NULL)
		fatalx("out of memory");
	fputs(text, stdout);
	cJSON_free(text);
	cJSON_Delete(item);
}

/*
 * The measured runs that have a wall time, in the order they ran, but
 * those another process disturbed: what benchd's statistics count.
 */
size_t
export_measured(const cJSON *runs, const cJSON ***vp)
{
	const cJSON	*r, **v;
	const char	*kind;
	size_t		 n = 0;
	double		 wall;

	v = xreallocarray(NULL, (size_t)cJSON_GetArraySize(runs) + 1,
	    sizeof *v);
	cJSON_ArrayForEach(r, runs) {
		kind = json_string(r, "kind");
		if (kind != NULL && strcmp(kind, "measured") == 0 &&
		    json_number(r, "wall", &wall) == 0 &&
		    !json_bool(r, "disturbed"))
			v[n++] = r;
	}
	*vp = v;
	return (n);
}

/* Sum in order, over n: the statistical crate's mean, as hyperfine's. */
double
export_mean(const double *x, size_t n)
{
	double	sum = 0;
	size_t	i;

	for (i = 0; i < n; i++)
		sum += x[i];
	return (sum / (double)n);
}

static int
export_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

/* The middle value, or the mean of the middle two of an even count. */
double
export_median(const double *x, size_t n)
{
	double	*s, m;

	s = xreallocarray(NULL, n, sizeof *s);
	memcpy(s, x, n * sizeof *s);
	qsort(s, n, sizeof *s, export_cmp);
	m = n % 2 == 1 ? s[n / 2] : (s[n / 2] + s[n / 2 - 1]) / 2;
	free(s);
	return (m);
}

/* One member of a run as a double; 0 when missing, as rusage would be. */
static double
export_run_num(const cJSON *r, const char *name)
{
	double	v;

	return (json_number(r, name, &v) == 0 ? v : 0);
}

static void
export_float_array(const char *name, const double *x, size_t n)
{
	char	buf[OUTPUT_LEN];
	size_t	i;

	printf("      \"%s\": [%s", name, n == 0 ? "]" : "\n");
	for (i = 0; i < n; i++)
		printf("        %s%s\n", export_float(buf, sizeof buf, x[i]),
		    i + 1 < n ? "," : "");
	printf("%s,\n", n == 0 ? "" : "      ]");
}

/* hyperfine's exit code: the status, or 128 + the signal, else null. */
static void
export_exit_codes(const cJSON **runs, size_t n)
{
	int64_t	v;
	size_t	i;

	printf("      \"exit_codes\": [%s", n == 0 ? "]" : "\n");
	for (i = 0; i < n; i++) {
		if (json_int(runs[i], "exit_code", &v) == 0)
			printf("        %lld", (long long)v);
		else if (json_int(runs[i], "signal", &v) == 0)
			printf("        %lld", (long long)v + 128);
		else
			printf("        null");
		printf("%s\n", i + 1 < n ? "," : "");
	}
	printf("%s", n == 0 ? "" : "      ]");
}

static int
export_key_cmp(const void *a, const void *b)
{
	return (strcmp((*(const cJSON *const *)a)->string,
	    (*(const cJSON *const *)b)->string));
}

/* "parameters", sorted by name as hyperfine's BTreeMap; none: left out. */
static void
export_parameters(const cJSON *params)
{
	const cJSON	*p, **v;
	char		*text;
	size_t		 n = 0, i;

	v = xreallocarray(NULL, (size_t)cJSON_GetArraySize(params) + 1,
	    sizeof *v);
	cJSON_ArrayForEach(p, params) {
		if (p->string != NULL)
			v[n++] = p;
	}
	if (n > 0) {
		qsort(v, n, sizeof *v, export_key_cmp);
		printf(",\n      \"parameters\": {\n");
		for (i = 0; i < n; i++) {
			printf("        ");
			export_json_string(v[i]->string);
			printf(": ");
			if (cJSON_IsString(v[i]))
				export_json_string(v[i]->valuestring);
			else {
				if ((text = cJSON_PrintUnformatted(v[i])) ==
				    NULL)
					fatalx("out of memory");
				export_json_string(text);
				cJSON_free(text);
			}
			printf("%s\n", i + 1 < n ? "," : "");
		}
		printf("      }");
	}
	free(v);
}

/* Sample standard deviation about mean: sum of squares over n - 1. */
double
export_stddev(const double *x, size_t n, double mean)
{
	double	sum = 0;
	size_t	i;

	for (i = 0; i < n; i++)
		sum += (x[i] - mean) * (x[i] - mean);
	return (sqrt(sum / (double)(n - 1)));
}

/* The member name of each of n runs, into a new array. */
double *
export_column(const cJSON **runs, size_t n, const char *name)
{
	double	*x;
	size_t	 i;

	x = xcalloc(n, sizeof *x);
	for (i = 0; i < n; i++)
		x[i] = export_run_num(runs[i], name);
	return (x);
}

/* One element of "results", from the session's n measured runs. */
static void
export_hyperfine_one(const cJSON *s, const cJSON **runs, size_t n)
{
	const char	*command;
	cJSON		*params;
	double		*wall, *user, *sys, *sorted, mean;
	char		 buf[OUTPUT_LEN];

	wall = export_column(runs, n, "wall");
	user = export_column(runs, n, "user");
	sys = export_column(runs, n, "sys");
	sorted = export_column(runs, n, "wall");
	qsort(sorted, n, sizeof *sorted, export_cmp);
	if ((command = json_string(s, "command")) == NULL)
		command = json_text(s, "suite");
	printf("    {\n      \"command\": ");
	export_json_string(command);
	mean = export_mean(wall, n);
	printf(",\n      \"mean\": %s,\n", export_float(buf, sizeof buf, mean));
	printf("      \"stddev\": %s,\n", n > 1 ? export_float(buf, sizeof buf,
	    export_stddev(wall, n, mean)) : "null");
	printf("      \"median\": %s,\n", export_float(buf, sizeof buf,
	    export_median(wall, n)));
	printf("      \"user\": %s,\n", export_float(buf, sizeof buf,
	    export_mean(user, n)));
	printf("      \"system\": %s,\n", export_float(buf, sizeof buf,
	    export_mean(sys, n)));
	printf("      \"min\": %s,\n", export_float(buf, sizeof buf,
	    sorted[0]));
	printf("      \"max\": %s,\n", export_float(buf, sizeof buf,
	    sorted[n - 1]));
	export_float_array("times", wall, n);
	export_exit_codes(runs, n);
	/* At a commit benchd checked out: its short id is a parameter. */
	if ((params = cJSON_Duplicate(json_object(s, "params"), 1)) == NULL)
		params = cJSON_CreateObject();
	if (params == NULL)
		fatalx("out of memory");
	if (json_string(s, "subject") != NULL) {
		snprintf(buf, sizeof buf, "%.12s", json_text(s, "rev"));
		cJSON_AddStringToObject(params, "commit", buf);
	}
	export_parameters(params);
	cJSON_Delete(params);
	printf("\n    }");
	free(wall);
	free(user);
	free(sys);
	free(sorted);
}

/* A session.get result that has no measured runs, left out: says so. */
void
export_left_out(const cJSON *got)
{
	int64_t	id = 0;

	(void)json_int(json_object(got, "session"), "id", &id);
	log_warnx("session %lld has no measured runs: left out",
	    (long long)id);
}

/* {"results": [...]}; a session without measured runs is left out. */
static void
export_hyperfine(cJSON **got, int count)
{
	const cJSON	**runs;
	size_t		  n;
	int		  i, first = 1;

	printf("{\n  \"results\": [");
	for (i = 0; i < count; i++) {
		n = export_measured(json_array(got[i], "runs"), &runs);
		if (n == 0)
			export_left_out(got[i]);
		else {
			printf("%s", first ? "\n" : ",\n");
			export_hyperfine_one(json_object(got[i], "session"),
			    runs, n);
			first = 0;
		}
		free(runs);
	}
	printf("%s]\n}\n", first ? "" : "\n  ");
}

/* One CSV field and its separator: quoted when it must be (RFC 4180). */
static void
export_csv_field(const char *s, int last)
{
	const char	*p;

	if (strpbrk(s, ",\"\r\n") == NULL)
		fputs(s, stdout);
	else {
		putchar('"');
		for (p = s; *p != '\0'; p++) {
			if (*p == '"')
				putchar('"');
			putchar(*p);
		}
		putchar('"');
	}
	putchar(last ? '\n' : ',');
}

/* A number member as a CSV field, empty when absent or null. */
static void
export_csv_number(const cJSON *r, const char *name)
{
	char	buf[OUTPUT_LEN];
	double	v;

	export_csv_field(json_number(r, name, &v) == 0 ?
	    export_double(buf, sizeof buf, v) : "", 0);
}

/* A string member of o as a field, empty when absent or null. */
static void
export_csv_text(const cJSON *o, const char *name, int last)
{
	const char	*v = json_string(o, name);

	export_csv_field(v != NULL ? v : "", last);
}

static void
export_csv(cJSON **got, int count)
{
	const cJSON	*s, *r, *canon;
	const char	*kind;
	char		*params, id[OUTPUT_LEN];
	double		 v;
	int		 i;

	printf("session,suite,params,seq,kind,iteration,wall,user,sys,"
	    "maxrss_kb,exit_code,signal,canonical,stall_share,"
	    "interference_share,disturbed,commit,subject,arm\n");
	for (i = 0; i < count; i++) {
		s = json_object(got[i], "session");
		if (json_number(s, "id", &v) == 0)
			export_double(id, sizeof id, v);
		else
			id[0] = '\0';
		if (cJSON_GetArraySize(json_object(s, "params")) > 0)
			params = json_params_text(json_object(s, "params"));
		else
			params = xstrdup("");
		cJSON_ArrayForEach(r, json_array(got[i], "runs")) {
			export_csv_field(id, 0);
			export_csv_field(json_string(s, "suite") != NULL ?
			    json_string(s, "suite") : "", 0);
			export_csv_field(params, 0);
			export_csv_number(r, "seq");
			kind = json_string(r, "kind");
			export_csv_field(kind != NULL ? kind : "", 0);
			export_csv_number(r, "iteration");
			export_csv_number(r, "wall");
			export_csv_number(r, "user");
			export_csv_number(r, "sys");
			export_csv_number(r, "maxrss_kb");
			export_csv_number(r, "exit_code");
			export_csv_number(r, "signal");
			canon = cJSON_GetObjectItemCaseSensitive(r,
			    "canonical");
			export_csv_field(!cJSON_IsBool(canon) ? "" :
			    cJSON_IsTrue(canon) ? "true" : "false", 0);
			export_csv_number(r, "stall_share");
			export_csv_number(r, "interference_share");
			export_csv_field(json_bool(r, "disturbed") ? "true" :
			    "false", 0);
			export_csv_text(s, "rev", 0);
			export_csv_text(s, "subject", 0);
			export_csv_text(s, "arm", 1);
		}
		free(params);
	}
}

static int
export_get(struct rpc *rpc, int64_t id, int64_t *reqp)
{
	cJSON	*params;

	if ((params = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	cJSON_AddNumberToObject(params, "id", (double)id);
	cJSON_AddBoolToObject(params, "runs", 1);
	return (rpc_send(rpc, "session.get", params, reqp));
}

/* session.get of each id into got[], a window of requests at a time. */
static int
export_fetch(struct rpc *rpc, const int64_t *ids, int n, cJSON **got)
{
	int64_t	*reqs;
	int	 sent = 0, done = 0, rc = 0;

	reqs = xcalloc((size_t)n, sizeof *reqs);
	while (rc == 0 && done < n) {
		while (rc == 0 && sent < n && sent - done < EXPORT_WINDOW) {
			rc = export_get(rpc, ids[sent], &reqs[sent]);
			sent++;
		}
		if (rc == 0)
			rc = rpc_recv(rpc, reqs[done], &got[done]);
		done++;
	}
	free(reqs);
	return (rc);
}

/* A format other tools' servers take: its name and its writer. */
static const struct {
	const char	*name;
	int		(*print)(cJSON **, int);
} export_servers[] = {
	{ "lnt", export_lnt },
	{ "bmf", export_bmf },
	{ "conbench", export_conbench },
};
#define EXPORT_SERVERS	(sizeof export_servers / sizeof export_servers[0])

/* The name a benchmark goes by elsewhere: "suite", or "suite/k=v,k=v". */
char *
export_name(const cJSON *s)
{
	const cJSON	*p;
	const char	*suite = json_text(s, "suite");
	char		*name, *next, *value;
	int		 first = 1;

	name = xstrdup(suite);
	cJSON_ArrayForEach(p, json_object(s, "params")) {
		if (p->string == NULL)
			continue;
		if (cJSON_IsString(p))
			value = xstrdup(p->valuestring);
		else if ((value = cJSON_PrintUnformatted(p)) == NULL)
			fatalx("out of memory");
		xasprintf(&next, "%s%s%s=%s", name, first ? "/" : ",",
		    p->string, value);
		if (cJSON_IsString(p))
			free(value);
		else
			cJSON_free(value);
		free(name);
		name = next;
		first = 0;
	}
	return (name);
}

static int
cmd_export_exec(struct cmd *cmd)
{
	const char	*format = cmd_value(cmd, "format");
	cJSON		**got, *all;
	int64_t		 *ids;
	int		  i, rc = 0;
	size_t		  k, server = EXPORT_SERVERS;

	if (format == NULL)
		format = "json";
	for (k = 0; k < EXPORT_SERVERS; k++) {
		if (strcmp(format, export_servers[k].name) == 0)
			server = k;
	}
	if (strcmp(format, "json") != 0 && strcmp(format, "hyperfine") != 0 &&
	    strcmp(format, "csv") != 0 && server == EXPORT_SERVERS)
		return (cmd_usage_error(cmd, "--format: expected json, "
		    "hyperfine, csv, lnt, bmf or conbench, not \"%s\"",
		    format));
	ids = xcalloc((size_t)cmd->argc, sizeof *ids);
	for (i = 0; i < cmd->argc && rc == 0; i++)
		rc = cmd_id(cmd, i, &ids[i]);
	got = xcalloc((size_t)cmd->argc, sizeof *got);
	if (rc == 0)
		rc = export_fetch(cmd->rpc, ids, cmd->argc, got);
	if (rc == 0 && server < EXPORT_SERVERS)
		rc = export_servers[server].print(got, cmd->argc);
	else if (rc == 0 && strcmp(format, "json") == 0) {
		if ((all = cJSON_CreateArray()) == NULL)
			fatalx("out of memory");
		for (i = 0; i < cmd->argc; i++) {
			cJSON_AddItemToArray(all, got[i]);
			got[i] = NULL;
		}
		json_print(all);
		cJSON_Delete(all);
	} else if (rc == 0 && strcmp(format, "hyperfine") == 0)
		export_hyperfine(got, cmd->argc);
	else if (rc == 0)
		export_csv(got, cmd->argc);
	for (i = 0; i < cmd->argc; i++)
		cJSON_Delete(got[i]);
	free(got);
	free(ids);
	return (rc);
}
