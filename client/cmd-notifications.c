/*
 * cmd-notifications.c -- notifications [pending|sent|failed]: the alerts
 * benchd made and what became of each at each target ([notify] in
 * benchd.conf): sent, pending (and when it is tried next), or failed
 * (with the last error).  Newest first.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

static int	cmd_notifications_exec(struct cmd *);

static const struct cmd_option	cmd_notifications_options[] = {
	{ "last", CMD_ARG_NUMBER, 1, 10000 },
	{ NULL, 0, 0, 0 }
};

const struct cmd_entry	cmd_notifications_entry = {
	"notifications", "[pending|sent|failed] [--last N]",
	"the alerts benchd made, and what was sent, pending and failed",
	0, 1, cmd_notifications_options, 0, cmd_notifications_exec
};

static void
cmd_notifications_table(const cJSON *list)
{
	const cJSON	*n;
	const char	*state, *err;
	struct table	*t;
	int64_t		 v;

	t = table_create();
	table_column(t, "ID", TABLE_RIGHT);
	table_column(t, "EVENT", TABLE_LEFT);
	table_column(t, "TARGET", TABLE_LEFT);
	table_column(t, "STATE", TABLE_LEFT);
	table_column(t, "TRIES", TABLE_RIGHT);
	table_column(t, "WHEN", TABLE_LEFT);
	table_column(t, "SUMMARY", TABLE_LEFT);
	cJSON_ArrayForEach(n, list) {
		if (json_int(n, "id", &v) == 0)
			table_cell(t, "%lld", (long long)v);
		else
			table_cell(t, "-");
		table_cell(t, "%s", json_text(n, "event"));
		table_cell(t, "%s", json_string(n, "target") != NULL ?
		    json_text(n, "target") : "-");
		state = json_text(n, "state");
		table_cell(t, "%s", state);
		table_cell_int(t, n, "attempts");
		/* When it went, when it goes next, or when it was made. */
		if (json_string(n, "done_at") != NULL)
			table_cell(t, "%s", json_text(n, "done_at"));
		else if (json_string(n, "next_attempt") != NULL)
			table_cell(t, "next %s", json_text(n, "next_attempt"));
		else
			table_cell(t, "%s", json_text(n, "created"));
		table_cell(t, "%s", json_text(n, "summary"));
		if ((err = json_string(n, "error")) != NULL)
			table_note(t, 1, "%s: %s", strcmp(state, "failed") ==
			    0 ? "failed" : "last error", err);
	}
	table_print(t);
	table_free(t);
}

static int
cmd_notifications_exec(struct cmd *cmd)
{
	cJSON		*params, *result;
	const cJSON	*list;
	const char	*state;
	int		 rc;

	if ((params = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	if (cmd->argc == 1) {
		state = cmd->argv[0];
		if (strcmp(state, "pending") != 0 && strcmp(state, "sent") !=
		    0 && strcmp(state, "failed") != 0) {
			cJSON_Delete(params);
			return (cmd_usage_error(cmd, "expected pending, sent "
			    "or failed, not \"%s\"", state));
		}
		cJSON_AddStringToObject(params, "state", state);
	}
	if (cmd_value(cmd, "last") != NULL)
		cJSON_AddNumberToObject(params, "limit",
		    (double)cmd_number(cmd, "last", 0));
	if ((rc = rpc_call(cmd->rpc, "notifications.list", params,
	    &result)) != 0)
		return (rc);
	list = json_array(result, "notifications");
	if (benchctl_json)
		json_print(result);
	else if (cJSON_GetArraySize(json_array(result, "targets")) == 0 &&
	    cJSON_GetArraySize(list) == 0)
		output_printf("no notifications: [notify] in benchd.conf "
		    "names no target\n");
	else if (cJSON_GetArraySize(list) == 0)
		output_printf("no notifications\n");
	else
		cmd_notifications_table(list);
	cJSON_Delete(result);
	return (EXIT_OK);
}
