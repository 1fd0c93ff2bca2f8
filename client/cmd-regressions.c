/*
 * cmd-regressions.c -- regressions [SUITE]: the sessions that regressed
 * against the baseline in force when they finished, and the change points
 * in the suites' histories.
 *
 * A regressed session is a finding (exit 1) so that CI can gate on this
 * command. Change points are shown but are no finding on their own: they
 * also mark improvements, and a new baseline does not clear them.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

static int	cmd_regressions_exec(struct cmd *);

static const struct cmd_option	cmd_regressions_options[] = {
	{ NULL, 0, 0, 0 }
};

const struct cmd_entry	cmd_regressions_entry = {
	"regressions", "[SUITE]",
	"sessions that regressed against their baseline, and change points",
	0, 1, cmd_regressions_options, 0, cmd_regressions_exec
};

/* A number member, NaN when absent or null. */
static double
cmd_regressions_num(const cJSON *obj, const char *name)
{
	double	v;

	return (json_number(obj, name, &v) == 0 ? v : NAN);
}

static void
cmd_regressions_table(const cJSON *sessions, int confirmation)
{
	const cJSON	*s, *v;
	struct table	*t;
	char		 buf[OUTPUT_LEN * 3];
	int64_t		 id;

	t = table_create();
	table_column(t, "ID", TABLE_RIGHT);
	table_column(t, "SUITE", TABLE_LEFT);
	table_column(t, "PARAMS/LABEL", TABLE_LEFT);
	table_column(t, "BASELINE", TABLE_RIGHT);
	table_column(t, "CHANGE", TABLE_LEFT);
	table_column(t, "FINISHED", TABLE_LEFT);
	if (confirmation)
		table_column(t, "CONFIRMATION", TABLE_LEFT);
	cJSON_ArrayForEach(s, sessions) {
		v = json_object(s, "verdict");
		if (json_int(s, "id", &id) == 0)
			table_cell(t, "%lld", (long long)id);
		else
			table_cell(t, "-");
		table_cell(t, "%s", json_text(s, "suite"));
		table_cell_params(t, s);
		if (json_int(v, "baseline", &id) == 0)
			table_cell(t, "#%lld", (long long)id);
		else
			table_cell(t, "-");
		table_cell(t, "%s", output_change_ci(buf, sizeof buf,
		    cmd_regressions_num(v, "change"),
		    cmd_regressions_num(v, "ci_low"),
		    cmd_regressions_num(v, "ci_high")));
		table_cell(t, "%s", json_text(s, "finished_at"));
		if (confirmation)
			table_cell(t, "%s", json_text(s, "confirmation"));
	}
	table_print(t);
	table_free(t);
}

/* "#40 (after #39)", "59.100 s → 61.000 s", "+3.2%", p per change point. */
static void
cmd_regressions_points(const cJSON *points)
{
	const cJSON	*c;
	struct table	*t;
	char		*params, a[OUTPUT_LEN], b[OUTPUT_LEN];
	double		 before, after;
	int64_t		 at, prev;

	t = table_create();
	table_column(t, "SUITE", TABLE_LEFT);
	table_column(t, "PARAMS", TABLE_LEFT);
	table_column(t, "AT", TABLE_LEFT);
	table_column(t, "MEAN BEFORE → AFTER", TABLE_LEFT);
	table_column(t, "CHANGE", TABLE_RIGHT);
	table_column(t, "p", TABLE_RIGHT);
	cJSON_ArrayForEach(c, points) {
		table_cell(t, "%s", json_text(c, "suite"));
		params = json_params_text(json_object(c, "params"));
		table_cell(t, "%s", params);
		free(params);
		if (json_int(c, "session", &at) == -1)
			table_cell(t, "-");
		else if (json_int(c, "before", &prev) == -1)
			table_cell(t, "#%lld", (long long)at);
		else
			table_cell(t, "#%lld (after #%lld)", (long long)at,
			    (long long)prev);
		before = cmd_regressions_num(c, "mean_before");
		after = cmd_regressions_num(c, "mean_after");
		table_cell(t, "%s → %s", output_seconds(a, sizeof a, before,
		    before), output_seconds(b, sizeof b, after, before));
		table_cell(t, "%s", output_change(a, sizeof a,
		    cmd_regressions_num(c, "change")));
		table_cell(t, "%s", output_pvalue(a, sizeof a,
		    cmd_regressions_num(c, "p")));
	}
	table_print(t);
	table_free(t);
}

static int
cmd_regressions_exec(struct cmd *cmd)
{
	cJSON		*params, *result;
	const cJSON	*regs, *points, *unconfirmed;
	int		 rc;

	if ((params = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	if (cmd->argc == 1)
		cJSON_AddStringToObject(params, "suite", cmd->argv[0]);
	if ((rc = rpc_call(cmd->rpc, "regressions.list", params,
	    &result)) != 0)
		return (rc);
	regs = json_array(result, "regressions");
	points = json_array(result, "change_points");
	unconfirmed = json_array(result, "unconfirmed");
	if (benchctl_json)
		json_print(result);
	else {
		if (cJSON_GetArraySize(regs) == 0)
			output_printf("no regressions\n");
		else
			cmd_regressions_table(regs, 0);
		if (cJSON_GetArraySize(unconfirmed) > 0) {
			output_printf("\nNot confirmed (an A/B test of the "
			    "baseline's commit pending, or not regressed):\n");
			cmd_regressions_table(unconfirmed, 1);
		}
		if (cJSON_GetArraySize(points) > 0) {
			output_printf("\nChange points:\n");
			cmd_regressions_points(points);
		}
	}
	rc = cJSON_GetArraySize(regs) > 0 ? EXIT_FINDING : EXIT_OK;
	cJSON_Delete(result);
	return (rc);
}
