/*
 * cmd-baseline.c -- baseline show [SUITE] and baseline set SUITE ID|latest:
 * the sessions that comparisons and regressions measure against.
 *
 * "show" prints each baseline the way the seed asks for it to be recorded
 * ("Baseline (date): Wall time: X +/- Y, User time, System time"), then
 * what makes it trustworthy or not: n and CV, where the time went, the
 * conditions its first measured run ran under, and who set it when.
 */
#include "config.h"

#include <sys/types.h>

#include <math.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

#define BASELINE_LABEL	"%-13s"		/* "System time: ", as show */

static int	cmd_baseline_show_exec(struct cmd *);
static int	cmd_baseline_set_exec(struct cmd *);

static const struct cmd_option	cmd_baseline_options[] = {
	{ NULL, 0, 0, 0 }
};

const struct cmd_entry	cmd_baseline_show_entry = {
	"baseline show", "[SUITE]",
	"the current baseline of SUITE or of every suite, with its history",
	0, 1, cmd_baseline_options, 0, cmd_baseline_show_exec
};

const struct cmd_entry	cmd_baseline_set_entry = {
	"baseline set", "SUITE ID|latest [k=v ...]",
	"make a session (or the newest completed one) SUITE's baseline",
	2, -1, cmd_baseline_options, 0, cmd_baseline_set_exec
};

/* "uid 1000 (alice)", or "uid 1000" when no user has that uid here. */
static const char *
cmd_baseline_who(char *buf, size_t len, const cJSON *obj, const char *name)
{
	struct passwd	*pw;
	int64_t		 uid;

	if (json_int(obj, name, &uid) == -1 || uid < 0)
		snprintf(buf, len, "-");
	else if ((pw = getpwuid((uid_t)uid)) != NULL)
		snprintf(buf, len, "uid %lld (%s)", (long long)uid,
		    pw->pw_name);
	else
		snprintf(buf, len, "uid %lld", (long long)uid);
	return (buf);
}

/* "Baseline (2026-11-27): crate, session #12" and the seed's three lines. */
static void
cmd_baseline_seed(const cJSON *b, const cJSON *s, const cJSON *summary)
{
	const char	*when;
	char		 buf[OUTPUT_LEN * 2];
	int64_t		 id = 0;

	if ((when = json_string(s, "finished_at")) == NULL &&
	    (when = json_string(s, "started_at")) == NULL)
		when = "-";
	(void)json_int(s, "id", &id);
	output_printf("Baseline (%.10s): %s, session #%lld\n", when,
	    json_text(b, "suite"), (long long)id);
	output_printf("  " BASELINE_LABEL "%s\n", "Wall time:",
	    output_stats_pm(buf, sizeof buf, json_object(summary, "wall")));
	output_printf("  " BASELINE_LABEL "%s\n", "User time:",
	    output_stats_pm(buf, sizeof buf, json_object(summary, "user")));
	output_printf("  " BASELINE_LABEL "%s\n", "System time:",
	    output_stats_pm(buf, sizeof buf, json_object(summary, "sys")));
}

/*
 * "canonical", "canonical (warnings: aslr, smt)" or "NOT canonical:
 * governor (cpu1=powersave)": the snapshot's verdict and its failing
 * checks, each with the value that failed.
 */
static void
cmd_baseline_conditions(const cJSON *cond)
{
	const cJSON	*c, *canon;
	const char	*status;
	char		*fails = NULL, *warns = NULL;

	canon = cJSON_GetObjectItemCaseSensitive(cond, "canonical");
	if (!cJSON_IsBool(canon)) {
		output_printf("  " BASELINE_LABEL "-\n", "Conditions:");
		return;
	}
	cJSON_ArrayForEach(c, json_array(cond, "checks")) {
		if ((status = json_string(c, "status")) == NULL)
			continue;
		if (strcmp(status, "fail") == 0)
			output_append(&fails, "%s%s (%s)", fails == NULL ? "" :
			    ", ", json_text(c, "name"), json_text(c, "value"));
		else if (strcmp(status, "warn") == 0)
			output_append(&warns, "%s%s", warns == NULL ? "" : ", ",
			    json_text(c, "name"));
	}
	if (cJSON_IsTrue(canon))
		output_line("  " BASELINE_LABEL "canonical%s%s%s",
		    "Conditions:", warns != NULL ? " (warnings: " : "",
		    warns != NULL ? warns : "", warns != NULL ? ")" : "");
	else
		output_line("  " BASELINE_LABEL "NOT canonical%s%s",
		    "Conditions:", fails != NULL ? ": " : "",
		    fails != NULL ? fails : "");
	free(fails);
	free(warns);
}

/* Every baseline the suite has had, newest (the current one) first. */
static void
cmd_baseline_history(const cJSON *history)
{
	const cJSON	*h;
	const char	*label = "History:";
	char		 who[OUTPUT_LEN];
	int64_t		 id;

	cJSON_ArrayForEach(h, history) {
		if (json_int(h, "session", &id) == -1)
			continue;
		output_printf("  " BASELINE_LABEL "#%lld set %s by %s\n", label,
		    (long long)id, json_text(h, "set_at"),
		    cmd_baseline_who(who, sizeof who, h, "set_by"));
		label = "";
	}
}

static void
cmd_baseline_print(const cJSON *b)
{
	const cJSON	*s = json_object(b, "session");
	const cJSON	*summary = json_object(b, "summary");
	const cJSON	*wall = json_object(summary, "wall");
	const char	*label;
	char		*params, buf[OUTPUT_LEN];
	double		 cv;
	int64_t		 n = 0, warmups = 0;

	cmd_baseline_seed(b, s, summary);
	output_printf("\n");
	if (cJSON_GetArraySize(json_object(b, "params")) > 0) {
		params = json_params_text(json_object(b, "params"));
		output_line("  " BASELINE_LABEL "%s", "Params:", params);
		free(params);
	}
	if ((label = json_string(s, "label")) != NULL && *label != '\0')
		output_line("  " BASELINE_LABEL "%s", "Label:", label);
	(void)json_int(wall, "n", &n);
	(void)json_int(s, "warmups_done", &warmups);
	output_printf("  " BASELINE_LABEL "%lld measured, %lld warmup%s\n",
	    "n:", (long long)n, (long long)warmups, warmups == 1 ? "" : "s");
	if (json_number(wall, "cv", &cv) == -1)
		cv = NAN;
	output_printf("  " BASELINE_LABEL "%s\n", "CV:",
	    output_percent(buf, sizeof buf, cv));
	cmd_show_phase_line(json_object(b, "phases"));
	cmd_baseline_conditions(json_object(b, "conditions"));
	output_printf("  " BASELINE_LABEL "%s by %s\n", "Set:",
	    json_text(b, "set_at"), cmd_baseline_who(buf, sizeof buf, b,
	    "set_by"));
	cmd_baseline_history(json_array(b, "history"));
}

static int
cmd_baseline_show_exec(struct cmd *cmd)
{
	cJSON		*params, *result;
	const cJSON	*b;
	int		 rc, first = 1;

	if ((params = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	if (cmd->argc == 1)
		cJSON_AddStringToObject(params, "suite", cmd->argv[0]);
	if ((rc = rpc_call(cmd->rpc, "baseline.show", params, &result)) != 0)
		return (rc);
	if (benchctl_json) {
		json_print(result);
		cJSON_Delete(result);
		return (EXIT_OK);
	}
	cJSON_ArrayForEach(b, json_array(result, "baselines")) {
		if (!first)
			output_printf("\n");
		cmd_baseline_print(b);
		first = 0;
	}
	if (first && cmd->argc == 1)
		output_printf("no baseline for %s\n", cmd->argv[0]);
	else if (first)
		output_printf("no baselines\n");
	cJSON_Delete(result);
	return (EXIT_OK);
}

/* SUITE ID|latest [k=v ...]: parameters only pick among "latest". */
static int
cmd_baseline_set_params(struct cmd *cmd, cJSON *params)
{
	cJSON	*kv;
	int64_t	 id;
	int	 rc;

	cJSON_AddStringToObject(params, "suite", cmd->argv[0]);
	if (strcmp(cmd->argv[1], "latest") != 0) {
		if ((rc = cmd_id(cmd, 1, &id)) != 0)
			return (rc);
		if (cmd->argc > 2)
			return (cmd_usage_error(cmd, "k=v goes with latest "
			    "only: session %lld has its own parameters",
			    (long long)id));
		cJSON_AddNumberToObject(params, "id", (double)id);
		return (0);
	}
	cJSON_AddStringToObject(params, "id", "latest");
	if (cmd->argc == 2)
		return (0);
	if ((kv = cJSON_AddObjectToObject(params, "params")) == NULL)
		fatalx("out of memory");
	return (cmd_params(cmd, 2, kv));
}

static int
cmd_baseline_set_exec(struct cmd *cmd)
{
	cJSON	*params, *result;
	char	 who[OUTPUT_LEN];
	int64_t	 id = 0;
	int	 rc;

	if ((params = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	if ((rc = cmd_baseline_set_params(cmd, params)) != 0) {
		cJSON_Delete(params);
		return (rc);
	}
	if ((rc = rpc_call(cmd->rpc, "baseline.set", params, &result)) != 0)
		return (rc);
	if (benchctl_json)
		json_print(result);
	else {
		(void)json_int(result, "session", &id);
		output_printf("baseline of %s is now session #%lld (set by "
		    "%s)\n", json_text(result, "suite"), (long long)id,
		    cmd_baseline_who(who, sizeof who, result, "set_by"));
	}
	cJSON_Delete(result);
	return (EXIT_OK);
}
