/*
 * cmd-history.c -- history SUITE [--last N]: one line per session of a
 * suite, oldest first, with its wall, user and system time.
 *
 * Run after "queue SUITE --all", this is the seed's per-crate table: one
 * row per parameter value. A session without parameters shows its label
 * instead.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

static int	cmd_history_exec(struct cmd *);

static const struct cmd_option	cmd_history_options[] = {
	{ "last", CMD_ARG_NUMBER, 1, 10000 },
	{ "svg", CMD_ARG_STRING, 0, 0 },
	{ NULL, 0, 0, 0 }
};

const struct cmd_entry	cmd_history_entry = {
	"history", "SUITE [k=v ...] [--last N] [--svg FILE]",
	"one row per session of SUITE (the last N, default 20): per crate; "
	"with --svg, a trend chart",
	1, -1, cmd_history_options, 0, cmd_history_exec
};

/* 1 when any session has parameters: the column is then PARAMS. */
static int
cmd_history_params(const cJSON *sessions)
{
	const cJSON	*s;

	cJSON_ArrayForEach(s, sessions) {
		if (cJSON_GetArraySize(json_object(s, "params")) > 0)
			return (1);
	}
	return (0);
}

/* 1 when any session is at a commit benchd checked out: a COMMIT column. */
static int
cmd_history_commits(const cJSON *sessions)
{
	const cJSON	*s;

	cJSON_ArrayForEach(s, sessions) {
		if (json_string(s, "subject") != NULL)
			return (1);
	}
	return (0);
}

/* "0b4d1d4c2e1f fix the arena" (the subject cut at 40 columns), or "-". */
static void
cmd_history_commit(struct table *t, const cJSON *s)
{
	const char	*rev = json_string(s, "rev");
	const char	*subject = json_string(s, "subject");

	if (rev == NULL)
		table_cell(t, "-");
	else if (subject == NULL)
		table_cell(t, "%.12s", rev);
	else if (strlen(subject) > 40)
		table_cell(t, "%.12s %.37s...", rev, subject);
	else
		table_cell(t, "%.12s %s", rev, subject);
}

static void
cmd_history_print(const cJSON *sessions)
{
	const cJSON	*s;
	struct table	*t;
	char		 buf[OUTPUT_LEN * 2];
	double		 cv;
	int		 withparams, commits;

	withparams = cmd_history_params(sessions);
	commits = cmd_history_commits(sessions);
	t = table_create();
	table_column(t, "ID", TABLE_RIGHT);
	table_column(t, withparams ? "PARAMS" : "LABEL", TABLE_LEFT);
	if (commits)
		table_column(t, "COMMIT", TABLE_LEFT);
	table_column(t, "STATE", TABLE_LEFT);
	table_column(t, "N", TABLE_RIGHT);
	table_column(t, "WALL", TABLE_RIGHT);
	table_column(t, "USER", TABLE_RIGHT);
	table_column(t, "SYS", TABLE_RIGHT);
	table_column(t, "CV", TABLE_RIGHT);
	cJSON_ArrayForEach(s, sessions) {
		table_cell_int(t, s, "id");
		table_cell_params(t, s);
		if (commits)
			cmd_history_commit(t, s);
		table_cell(t, "%s", json_text(s, "state"));
		table_cell_int(t, s, "n");
		table_cell(t, "%s", output_stats_pm(buf, sizeof buf,
		    json_object(s, "wall")));
		table_cell(t, "%s", output_stats_pm(buf, sizeof buf,
		    json_object(s, "user")));
		table_cell(t, "%s", output_stats_pm(buf, sizeof buf,
		    json_object(s, "sys")));
		if (json_number(json_object(s, "wall"), "cv", &cv) == -1)
			cv = NAN;
		table_cell(t, "%s", output_percent(buf, sizeof buf, cv));
	}
	table_print(t);
	table_free(t);
}

/* --svg FILE: the chart of one set of parameter values (k=v ...). */
static int
cmd_history_svg(struct cmd *cmd, cJSON *params)
{
	cJSON		*result, *kv;
	const char	*file = cmd_value(cmd, "svg"), *svg;
	int64_t		 n = 0;
	int		 rc;

	kv = cJSON_AddObjectToObject(params, "params");
	if ((rc = cmd_params(cmd, 1, kv)) != 0) {
		cJSON_Delete(params);
		return (rc);
	}
	if (cmd->argc == 1)
		cJSON_DeleteItemFromObject(params, "params");
	if ((rc = rpc_call(cmd->rpc, "suite.chart", params, &result)) != 0)
		return (rc);
	if ((svg = json_string(result, "svg")) == NULL)
		fatalx("suite.chart: no svg in the reply");
	(void)json_int(result, "sessions", &n);
	if ((rc = cmd_write_file(file, svg)) == EXIT_OK &&
	    strcmp(file, "-") != 0)
		output_printf("%s: %lld session%s of %s\n", file, (long long)n,
		    n == 1 ? "" : "s", cmd->argv[0]);
	cJSON_Delete(result);
	return (rc);
}

static int
cmd_history_exec(struct cmd *cmd)
{
	cJSON		*params, *result;
	const cJSON	*sessions;
	int		 rc;

	if ((params = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	cJSON_AddStringToObject(params, "suite", cmd->argv[0]);
	if (cmd_value(cmd, "svg") != NULL) {
		if (cmd_value(cmd, "last") != NULL)
			cJSON_AddNumberToObject(params, "last",
			    (double)cmd_number(cmd, "last", 0));
		return (cmd_history_svg(cmd, params));
	}
	if (cmd->argc > 1) {
		cJSON_Delete(params);
		return (cmd_usage_error(cmd, "k=v only goes with --svg"));
	}
	if (cmd_value(cmd, "last") != NULL)
		cJSON_AddNumberToObject(params, "last",
		    (double)cmd_number(cmd, "last", 0));
	if ((rc = rpc_call(cmd->rpc, "session.history", params, &result)) != 0)
		return (rc);
	sessions = json_array(result, "sessions");
	if (benchctl_json)
		json_print(result);
	else if (cJSON_GetArraySize(sessions) == 0)
		output_printf("no sessions of %s\n", cmd->argv[0]);
	else
		cmd_history_print(sessions);
	cJSON_Delete(result);
	return (EXIT_OK);
}
