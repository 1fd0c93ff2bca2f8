/*
 * cmd-conditions.c -- conditions: is this machine fit to measure on now?
 *
 * One row per check as benchd orders them (failing first), the advice for
 * every check that is not ok under its row, what benchd-tune set and
 * whether it drifted since, and a verdict line. Like pyperf's "system
 * show", the exit status is 2 when the conditions are not canonical, so a
 * script can gate on it; a drift alone does not change it.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

static int	cmd_conditions_exec(struct cmd *);

static const struct cmd_option	cmd_conditions_options[] = {
	{ NULL, 0, 0, 0 }
};

const struct cmd_entry	cmd_conditions_entry = {
	"conditions", "",
	"check the canonical measurement conditions now (exit 2 when not met)",
	0, 0, cmd_conditions_options, 0, cmd_conditions_exec
};

/* What each policy does to a session while a check fails. */
static const char *
cmd_conditions_policy(const char *policy)
{
	if (strcmp(policy, "wait") == 0)
		return ("a session waits until every check passes");
	if (strcmp(policy, "warn") == 0)
		return ("sessions run; their runs are flagged not canonical");
	if (strcmp(policy, "refuse") == 0)
		return ("a session fails at once");
	return (NULL);
}

/* The status column: failures and warnings in capitals, to stand out. */
static const char *
cmd_conditions_status(const char *status)
{
	if (status == NULL)
		return ("-");
	if (strcmp(status, "fail") == 0)
		return ("FAIL");
	if (strcmp(status, "warn") == 0)
		return ("WARN");
	return (status);
}

/* What benchd-tune set, one row per setting; nothing from an old benchd. */
static void
cmd_conditions_tune(const cJSON *tune)
{
	const cJSON	*c;
	struct table	*t;
	int64_t		 drifted = 0;
	int		 d;

	if (tune == NULL)
		return;
	if (json_string(tune, "error") != NULL) {
		output_printf("Tuning: state file unreadable: %s\n",
		    json_text(tune, "error"));
		return;
	}
	if (!json_bool(tune, "tuned")) {
		output_printf("Tuning: not applied (no %s)\n",
		    json_text(tune, "state"));
		return;
	}
	json_int(tune, "drifted", &drifted);
	output_printf("Tuning: by benchd-tune (%s), %lld of %d settings "
	    "drifted since\n", json_text(tune, "state"), (long long)drifted,
	    cJSON_GetArraySize(json_array(tune, "settings")));
	t = table_create();
	table_column(t, "TUNED", TABLE_LEFT);
	table_column(t, "NAME", TABLE_LEFT);
	table_column(t, "SET", TABLE_LEFT);
	table_column(t, "NOW", TABLE_LEFT);
	cJSON_ArrayForEach(c, json_array(tune, "settings")) {
		d = json_bool(c, "drifted");
		table_cell(t, "%s", d ? "DRIFTED" : "set");
		table_cell(t, "%s", json_text(c, "name"));
		table_cell(t, "%s", json_text(c, "set"));
		table_cell(t, "%s", d ? json_text(c, "now") : "same");
	}
	table_print(t);
	table_free(t);
}

/* The report; returns the number of failing checks. */
static int
cmd_conditions_print(const cJSON *result)
{
	const cJSON	*c;
	const char	*status, *advice, *policy, *what;
	struct table	*t;
	int		 failing = 0;

	t = table_create();
	table_column(t, "STATUS", TABLE_LEFT);
	table_column(t, "NAME", TABLE_LEFT);
	table_column(t, "VALUE", TABLE_LEFT);
	cJSON_ArrayForEach(c, json_array(result, "checks")) {
		status = json_string(c, "status");
		if (status != NULL && strcmp(status, "fail") == 0)
			failing++;
		table_cell(t, "%s", cmd_conditions_status(status));
		table_cell(t, "%s", json_text(c, "name"));
		table_cell(t, "%s", json_text(c, "value"));
		advice = json_string(c, "advice");
		if (status != NULL && strcmp(status, "ok") != 0 &&
		    advice != NULL && *advice != '\0')
			table_note(t, 1, "advice: %s", advice);
	}
	if (cJSON_GetArraySize(json_array(result, "checks")) == 0)
		output_printf("no checks\n");
	else
		table_print(t);
	table_free(t);

	output_printf("\n");
	if (json_object(result, "tune") != NULL) {
		cmd_conditions_tune(json_object(result, "tune"));
		output_printf("\n");
	}
	if ((policy = json_string(result, "policy")) != NULL) {
		if ((what = cmd_conditions_policy(policy)) != NULL)
			output_printf("Policy: %s (%s)\n", policy, what);
		else
			output_printf("Policy: %s\n", policy);
	}
	return (failing);
}

static int
cmd_conditions_exec(struct cmd *cmd)
{
	cJSON		*result;
	const cJSON	*canonical;
	int		 rc, failing;

	if ((rc = rpc_call(cmd->rpc, "conditions.check", NULL, &result)) != 0)
		return (rc);
	canonical = cJSON_GetObjectItemCaseSensitive(result, "canonical");
	if (!cJSON_IsBool(canonical)) {
		log_warnx("reply from benchd has no canonical flag");
		cJSON_Delete(result);
		return (EXIT_DAEMON);
	}
	rc = cJSON_IsTrue(canonical) ? EXIT_OK : EXIT_NOTCANON;
	if (benchctl_json)
		json_print(result);
	else {
		failing = cmd_conditions_print(result);
		if (rc == EXIT_OK)
			output_printf("canonical\n");
		else if (failing > 0)
			output_printf("NOT canonical (%d failing)\n", failing);
		else
			output_printf("NOT canonical\n");
	}
	cJSON_Delete(result);
	return (rc);
}
