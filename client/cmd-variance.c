/*
 * cmd-variance.c -- variance SUITE [k=v ...] [--last N]: how noisy is this
 * suite, for one set of parameter values (the newest, unless given)?
 *
 * Run-to-run noise (each session's CV), session-to-session noise (the CV of
 * the sessions' wall means), the noise threshold comparisons use, and the
 * seed's reproducibility check: the last two sessions agree when their
 * wall means differ by less than 10%. Two that disagree are a finding
 * (exit 1), as an unstable session is.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

#define VARIANCE_LABEL	"%-18s"		/* "Between sessions: " */

static int	cmd_variance_exec(struct cmd *);

static const struct cmd_option	cmd_variance_options[] = {
	{ "last", CMD_ARG_NUMBER, 1, 10000 },
	{ NULL, 0, 0, 0 }
};

const struct cmd_entry	cmd_variance_entry = {
	"variance", "SUITE [k=v ...] [--last N]",
	"run-to-run and between-session noise of SUITE; do the last two agree?",
	1, -1, cmd_variance_options, 0, cmd_variance_exec
};

static void
cmd_variance_table(const cJSON *sessions)
{
	const cJSON	*s;
	struct table	*t;
	char		 buf[OUTPUT_LEN];
	double		 v, max = 0;
	int64_t		 i;

	cJSON_ArrayForEach(s, sessions) {
		if (json_number(s, "mean", &v) == 0 && fabs(v) > max)
			max = fabs(v);
	}
	t = table_create();
	table_column(t, "ID", TABLE_RIGHT);
	table_column(t, "N", TABLE_RIGHT);
	table_column(t, "WALL MEAN", TABLE_RIGHT);
	table_column(t, "CV", TABLE_RIGHT);
	cJSON_ArrayForEach(s, sessions) {
		if (json_int(s, "id", &i) == 0)
			table_cell(t, "%lld", (long long)i);
		else
			table_cell(t, "-");
		if (json_int(s, "n", &i) == 0)
			table_cell(t, "%lld", (long long)i);
		else
			table_cell(t, "-");
		table_cell(t, "%s", json_number(s, "mean", &v) == 0 ?
		    output_seconds(buf, sizeof buf, v, max) : "-");
		if (json_number(s, "cv", &v) == -1)
			v = NAN;
		table_cell(t, "%s", output_percent(buf, sizeof buf, v));
	}
	table_print(t);
	table_free(t);
}

/* 1 when the last two sessions disagree: the command's finding. */
static int
cmd_variance_exit(const cJSON *r)
{
	const cJSON	*rep = json_object(r, "reproducible");

	if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(rep, "agree")))
		return (EXIT_FINDING);
	return (EXIT_OK);
}

/* "last two sessions #11 and #12 differ by +1.4%: agree (limit 10%)" */
static void
cmd_variance_reproducible(const cJSON *rep)
{
	const cJSON	*agree;
	char		 change[OUTPUT_LEN], lim[OUTPUT_LEN];
	double		 c, limit;
	int64_t		 a = 0, b = 0;

	agree = cJSON_GetObjectItemCaseSensitive(rep, "agree");
	if (!cJSON_IsBool(agree)) {
		output_printf(VARIANCE_LABEL "fewer than two sessions\n",
		    "Reproducibility:");
		return;
	}
	(void)json_int(rep, "a", &a);
	(void)json_int(rep, "b", &b);
	if (json_number(rep, "change", &c) == -1)
		c = NAN;
	if (json_number(rep, "limit", &limit) == 0)
		snprintf(lim, sizeof lim, "%.4g%%", limit * 100.0);
	else
		snprintf(lim, sizeof lim, "-");
	output_printf(VARIANCE_LABEL "last two sessions #%lld and #%lld differ "
	    "by %s: %s (limit %s)\n", "Reproducibility:", (long long)a,
	    (long long)b, output_change(change, sizeof change, c),
	    cJSON_IsTrue(agree) ? "agree" : "DISAGREE", lim);
}

/* Where the noise threshold came from, in words. */
static const char *
cmd_variance_source(const char *source)
{
	if (source == NULL)
		return ("");
	if (strcmp(source, "history") == 0)
		return ("learned from the suite's history");
	if (strcmp(source, "default") == 0)
		return ("the suite's noise setting");
	return (source);
}

static void
cmd_variance_print(const cJSON *r, const char *suite)
{
	const cJSON	*sessions = json_array(r, "sessions");
	const char	*source;
	char		*params, buf[OUTPUT_LEN];
	double		 v;

	if (cJSON_GetArraySize(json_object(r, "params")) > 0) {
		params = json_params_text(json_object(r, "params"));
		output_line("Sessions of %s with %s:", suite, params);
		free(params);
	}
	if (cJSON_GetArraySize(sessions) == 0)
		output_printf("no completed sessions of %s\n", suite);
	else
		cmd_variance_table(sessions);
	output_printf("\n");
	if (json_number(r, "run_cv_mean", &v) == 0)
		output_printf(VARIANCE_LABEL "%s (mean of the sessions' CVs)\n",
		    "Run-to-run CV:", output_percent(buf, sizeof buf, v));
	else
		output_printf(VARIANCE_LABEL "-\n", "Run-to-run CV:");
	if (json_number(r, "between_cv", &v) == 0)
		output_printf(VARIANCE_LABEL "%s (CV of the sessions' wall "
		    "means)\n", "Between sessions:",
		    output_percent(buf, sizeof buf, v));
	else
		output_printf(VARIANCE_LABEL "-\n", "Between sessions:");
	if (json_number(r, "noise_threshold", &v) == -1)
		v = NAN;
	source = cmd_variance_source(json_string(r, "noise_source"));
	output_printf(VARIANCE_LABEL "%s%s%s%s\n", "Noise threshold:",
	    output_percent(buf, sizeof buf, v), *source != '\0' ? " (" : "",
	    source, *source != '\0' ? ")" : "");
	cmd_variance_reproducible(json_object(r, "reproducible"));
}

static int
cmd_variance_exec(struct cmd *cmd)
{
	cJSON	*params, *result;
	int	 rc;

	if ((params = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	cJSON_AddStringToObject(params, "suite", cmd->argv[0]);
	if (cmd_value(cmd, "last") != NULL)
		cJSON_AddNumberToObject(params, "last",
		    (double)cmd_number(cmd, "last", 0));
	if (cmd->argc > 1 && (rc = cmd_params(cmd, 1,
	    cJSON_AddObjectToObject(params, "params"))) != 0) {
		cJSON_Delete(params);
		return (rc);
	}
	if ((rc = rpc_call(cmd->rpc, "suite.variance", params, &result)) != 0)
		return (rc);
	if (benchctl_json)
		json_print(result);
	else
		cmd_variance_print(result, cmd->argv[0]);
	rc = cmd_variance_exit(result);
	cJSON_Delete(result);
	return (rc);
}
