/*
 * cmd-runs.c -- runs ID: one row per run of a session, warmups marked,
 * with the conditions each ran under, the share of its time it waited for
 * a CPU (disturbed runs marked) and its outlier flag.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

#define RUNS_TAIL_LINES	5		/* of a failed run's output */

static int	cmd_runs_exec(struct cmd *);

static const struct cmd_option	cmd_runs_options[] = {
	{ NULL, 0, 0, 0 }
};

const struct cmd_entry	cmd_runs_entry = {
	"runs", "ID",
	"list every run of a session, warmups marked, with rusage and outliers",
	1, 1, cmd_runs_options, 0, cmd_runs_exec
};

/* The largest value of a member over the runs: the column's unit. */
static double
cmd_runs_max(const cJSON *runs, const char *name)
{
	const cJSON	*r;
	double		 v, max = 0;

	cJSON_ArrayForEach(r, runs) {
		if (json_number(r, name, &v) == 0 && fabs(v) > max)
			max = fabs(v);
	}
	return (max);
}

static void
cmd_runs_int(struct table *t, const cJSON *r, const char *name)
{
	int64_t	v;

	if (json_int(r, name, &v) == 0)
		table_cell(t, "%lld", (long long)v);
	else
		table_cell(t, "-");
}

static void
cmd_runs_exit(struct table *t, const cJSON *r)
{
	int64_t	v;

	if (json_bool(r, "timed_out"))
		table_cell(t, "timeout");
	else if (json_int(r, "signal", &v) == 0)
		table_cell(t, "signal %lld", (long long)v);
	else if (json_int(r, "exit_code", &v) == 0)
		table_cell(t, "%lld", (long long)v);
	else
		table_cell(t, "-");
}

/* Tukey's fences; a severe outlier in capitals, to stand out. */
static const char *
cmd_runs_outlier(const cJSON *r)
{
	int64_t	o;

	if (json_int(r, "outlier", &o) == -1)
		return ("");
	switch (o) {
	case -2:
		return ("SEVERE low");
	case -1:
		return ("mild low");
	case 1:
		return ("mild high");
	case 2:
		return ("SEVERE high");
	}
	return ("");
}

/*
 * The share of its wall time other processes kept the run from a CPU, as
 * a percentage (the stall share from a daemon that does not say); then
 * "disturbed" when flagged.
 */
static void
cmd_runs_stall(struct table *t, const cJSON *r)
{
	double	v;

	if (json_number(r, "interference_share", &v) != 0 &&
	    json_number(r, "stall_share", &v) != 0)
		table_cell(t, "-");
	else if (json_bool(r, "disturbed"))
		table_cell(t, "%.1f%% disturbed", v * 100);
	else
		table_cell(t, "%.1f%%", v * 100);
}

/* "yes" when the run's conditions were canonical, "no" when not. */
static void
cmd_runs_canonical(struct table *t, const cJSON *r)
{
	const cJSON	*c = cJSON_GetObjectItemCaseSensitive(r, "canonical");

	if (cJSON_IsBool(c))
		table_cell(t, "%s", cJSON_IsTrue(c) ? "yes" : "no");
	else
		table_cell(t, "-");
}

/* What the table's markers mean, said once under it. */
static void
cmd_runs_legend(const cJSON *runs)
{
	const cJSON	*r;
	const char	*kind;
	int		 warmups = 0, outliers = 0, notcanon = 0, disturbed = 0;

	cJSON_ArrayForEach(r, runs) {
		kind = json_string(r, "kind");
		if (kind != NULL && strcmp(kind, "warmup") == 0)
			warmups++;
		if (*cmd_runs_outlier(r) != '\0')
			outliers++;
		if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(r,
		    "canonical")))
			notcanon++;
		disturbed += json_bool(r, "disturbed");
	}
	if (warmups > 0 || outliers > 0 || notcanon > 0 || disturbed > 0)
		output_printf("\n");
	if (warmups > 0)
		output_printf("%d warmup run%s left out of every statistic.\n",
		    warmups, warmups == 1 ? " is" : "s are");
	if (outliers > 0)
		output_printf("Outliers by Tukey's fences on the measured wall "
		    "times: mild beyond 1.5 IQR, SEVERE beyond 3.\n");
	if (notcanon > 0)
		output_printf("CANON no: the run went ahead (policy warn) "
		    "while a condition check failed.\n");
	if (disturbed > 0)
		output_printf("STALL: the share of its wall time the run waited "
		    "for a CPU other processes\nused; %d disturbed run%s "
		    "(above max_stall) left out of every statistic\nand "
		    "replaced.\n", disturbed, disturbed == 1 ? " is" : "s are");
}

static int
cmd_runs_failed(const cJSON *r)
{
	int64_t	v;

	return (json_bool(r, "timed_out") || json_int(r, "signal", &v) == 0 ||
	    (json_int(r, "exit_code", &v) == 0 && v != 0));
}

/* The last lines of a failed run's stderr (or stdout), indented. */
static void
cmd_runs_tail(const cJSON *r)
{
	const char	*text, *start, *nl;
	size_t		 len;
	int64_t		 seq = 0;
	int		 lines = 0;

	if ((text = json_string(r, "stderr_tail")) == NULL || *text == '\0')
		text = json_string(r, "stdout_tail");
	if (text == NULL || *text == '\0')
		return;
	len = strlen(text);
	while (len > 0 && text[len - 1] == '\n')
		len--;
	for (start = text + len; start > text; start--) {
		if (start[-1] == '\n' && ++lines == RUNS_TAIL_LINES)
			break;
	}
	(void)json_int(r, "seq", &seq);
	output_printf("\nRun %lld failed; the end of its output:\n",
	    (long long)seq);
	while (start < text + len) {
		if ((nl = memchr(start, '\n', (size_t)(text + len - start))) ==
		    NULL)
			nl = text + len;
		output_printf("  | %.*s\n", (int)(nl - start), start);
		start = nl + 1;
	}
}

static void
cmd_runs_print(const cJSON *runs)
{
	const cJSON	*r;
	struct table	*t;
	char		 buf[OUTPUT_LEN];
	double		 wmax, umax, smax, rmax, v;

	wmax = cmd_runs_max(runs, "wall");
	umax = cmd_runs_max(runs, "user");
	smax = cmd_runs_max(runs, "sys");
	rmax = cmd_runs_max(runs, "maxrss_kb");
	t = table_create();
	table_column(t, "SEQ", TABLE_RIGHT);
	table_column(t, "KIND", TABLE_LEFT);
	table_column(t, "ITER", TABLE_RIGHT);
	table_column(t, "WALL", TABLE_RIGHT);
	table_column(t, "USER", TABLE_RIGHT);
	table_column(t, "SYS", TABLE_RIGHT);
	table_column(t, "MAXRSS", TABLE_RIGHT);
	table_column(t, "EXIT", TABLE_RIGHT);
	table_column(t, "CANON", TABLE_LEFT);
	table_column(t, "THROTTLE", TABLE_RIGHT);
	table_column(t, "STALL", TABLE_RIGHT);
	table_column(t, "OUTLIER", TABLE_LEFT);
	cJSON_ArrayForEach(r, runs) {
		cmd_runs_int(t, r, "seq");
		table_cell(t, "%s", json_text(r, "kind"));
		cmd_runs_int(t, r, "iteration");
		table_cell(t, "%s", json_number(r, "wall", &v) == 0 ?
		    output_seconds(buf, sizeof buf, v, wmax) : "-");
		table_cell(t, "%s", json_number(r, "user", &v) == 0 ?
		    output_seconds(buf, sizeof buf, v, umax) : "-");
		table_cell(t, "%s", json_number(r, "sys", &v) == 0 ?
		    output_seconds(buf, sizeof buf, v, smax) : "-");
		table_cell(t, "%s", json_number(r, "maxrss_kb", &v) == 0 ?
		    output_kib(buf, sizeof buf, v, rmax) : "-");
		cmd_runs_exit(t, r);
		cmd_runs_canonical(t, r);
		cmd_runs_int(t, r, "throttle_delta");
		cmd_runs_stall(t, r);
		table_cell(t, "%s", cmd_runs_outlier(r));
	}
	table_print(t);
	table_free(t);
	cmd_runs_legend(runs);
	cJSON_ArrayForEach(r, runs) {
		if (cmd_runs_failed(r))
			cmd_runs_tail(r);
	}
}

static int
cmd_runs_exec(struct cmd *cmd)
{
	cJSON		*params, *result;
	const cJSON	*runs;
	int64_t		 id;
	int		 rc;

	if ((rc = cmd_id(cmd, 0, &id)) != 0)
		return (rc);
	if ((params = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	cJSON_AddNumberToObject(params, "id", (double)id);
	cJSON_AddBoolToObject(params, "runs", 1);
	if ((rc = rpc_call(cmd->rpc, "session.get", params, &result)) != 0)
		return (rc);
	runs = json_array(result, "runs");
	if (benchctl_json)
		json_print(result);
	else if (cJSON_GetArraySize(runs) == 0)
		output_printf("no runs yet\n");
	else
		cmd_runs_print(runs);
	cJSON_Delete(result);
	return (EXIT_OK);
}
