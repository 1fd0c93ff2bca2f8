/*
 * cmd-calibrate.c -- calibrate SUITE [k=v ...] [--pairs N] [--follow]:
 * how often the suite's noise setting calls a change between two sessions
 * of the same code, and the noise benchd learns from such pairs.
 *
 * With --pairs, N A/A pairs are queued (suite.calibrate) and followed to
 * their end: one line per pair as it is compared, then the result. With
 * --follow alone, the latest calibration of the suite is followed if it is
 * still running; with neither, it is shown. Following subscribes to every
 * session and asks calibration.get again each time a session ends. A
 * false-verdict rate above 1%, or a calibration that could compare no
 * pair, is a finding (exit 1).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

#define CALIBRATE_FALSE_LIMIT	0.01	/* false verdicts that are a finding */
#define CALIBRATE_LABEL		"%-16s"	/* "False verdicts: " */
#define CALIBRATE_MAX_PAIRS	1000

static int	cmd_calibrate_exec(struct cmd *);

static const struct cmd_option	cmd_calibrate_options[] = {
	{ "pairs",	CMD_ARG_NUMBER,	1, CALIBRATE_MAX_PAIRS },
	{ "follow",	CMD_ARG_NONE,	0, 0 },
	{ NULL, 0, 0, 0 }
};

const struct cmd_entry	cmd_calibrate_entry = {
	"calibrate", "SUITE [k=v ...] [--pairs N] [--follow]",
	"run N A/A pairs of SUITE: false verdicts and the noise learned",
	1, -1, cmd_calibrate_options, 0, cmd_calibrate_exec
};

/* A number member, NaN when absent or null. */
static double
cmd_calibrate_num(const cJSON *obj, const char *name)
{
	double	v;

	return (json_number(obj, name, &v) == 0 ? v : NAN);
}

/* "pair 3/10  #16 #17  +0.4% [-0.8%, +1.6%]  same" */
static void
cmd_calibrate_pair(const cJSON *cal, const cJSON *p)
{
	const char	*v = json_string(p, "verdict");
	char		 change[OUTPUT_LEN * 3];
	int64_t		 k = 0, n = 0, a = 0, b = 0;

	(void)json_int(p, "pair", &k);
	(void)json_int(cal, "pairs", &n);
	(void)json_int(p, "a", &a);
	(void)json_int(p, "b", &b);
	output_change_ci(change, sizeof change, cmd_calibrate_num(p, "change"),
	    cmd_calibrate_num(p, "ci_low"), cmd_calibrate_num(p, "ci_high"));
	output_printf("pair %lld/%lld  #%lld #%lld  %s  %s\n", (long long)k,
	    (long long)n, (long long)a, (long long)b, v != NULL ? change : "-",
	    v != NULL ? v : "not compared");
}

/* The summary of a Calibration object. */
static void
cmd_calibrate_summary(const cJSON *c)
{
	const char	*reason = json_string(c, "reason");
	char		*params, a[OUTPUT_LEN], b[OUTPUT_LEN];
	int64_t		 id = 0, pairs = 0, n = 0, reg = 0, imp = 0;
	double		 learned;

	(void)json_int(c, "id", &id);
	(void)json_int(c, "pairs", &pairs);
	(void)json_int(c, "counted", &n);
	(void)json_int(c, "regressed", &reg);
	(void)json_int(c, "improved", &imp);
	params = json_params_text(json_object(c, "params"));
	output_printf("Calibration #%lld of %s%s%s: %s%s%s\n", (long long)id,
	    json_text(c, "suite"), strcmp(params, "-") == 0 ? "" : " ",
	    strcmp(params, "-") == 0 ? "" : params, json_text(c, "state"),
	    reason != NULL ? ": " : "", reason != NULL ? reason : "");
	free(params);
	output_printf("  " CALIBRATE_LABEL "%lld of %lld A/A pairs\n",
	    "Compared:", (long long)n, (long long)pairs);
	output_printf("  " CALIBRATE_LABEL "%lld of %lld (%s) with the suite's "
	    "noise of %s: %lld regressed, %lld improved\n", "False verdicts:",
	    (long long)(reg + imp), (long long)n, output_percent(a, sizeof a,
	    cmd_calibrate_num(c, "false_rate")), output_percent(b, sizeof b,
	    cmd_calibrate_num(c, "noise")), (long long)reg, (long long)imp);
	learned = cmd_calibrate_num(c, "learned_noise");
	if (isfinite(learned))
		output_printf("  " CALIBRATE_LABEL "%s (Q3 + 3 IQR of the "
		    "pairs' |change|): later verdicts hold changes against "
		    "at least this\n", "Noise learned:", output_percent(a,
		    sizeof a, learned));
	else
		output_printf("  " CALIBRATE_LABEL "-\n", "Noise learned:");
	output_printf("  " CALIBRATE_LABEL "%s\n", "Queued:",
	    json_text(c, "created_at"));
	if (json_string(c, "finished_at") != NULL)
		output_printf("  " CALIBRATE_LABEL "%s\n", "Finished:",
		    json_text(c, "finished_at"));
}

/* 1 when the noise setting calls too many changes, or nothing compared. */
static int
cmd_calibrate_exit(const cJSON *c)
{
	const char	*state = json_string(c, "state");
	double		 rate = cmd_calibrate_num(c, "false_rate");

	if (state == NULL || strcmp(state, "running") == 0)
		return (EXIT_OK);
	if (strcmp(state, "failed") == 0)
		return (EXIT_FINDING);
	if (isfinite(rate) && rate > CALIBRATE_FALSE_LIMIT)
		return (EXIT_FINDING);
	return (EXIT_OK);
}

static int
cmd_calibrate_running(const cJSON *c)
{
	const char	*state = json_string(c, "state");

	return (state != NULL && strcmp(state, "running") == 0);
}

static int
cmd_calibrate_get(struct rpc *rpc, int64_t id, cJSON **resultp)
{
	cJSON	*params;

	if ((params = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	cJSON_AddNumberToObject(params, "id", (double)id);
	return (rpc_call(rpc, "calibration.get", params, resultp));
}

/* Print the pairs compared since the last call; done[i] marks them. */
static void
cmd_calibrate_new_pairs(const cJSON *c, char *done, size_t n, int all)
{
	const cJSON	*p;
	size_t		 i = 0;

	cJSON_ArrayForEach(p, json_array(c, "comparisons")) {
		if (i < n && !done[i] && (all ||
		    json_string(p, "verdict") != NULL)) {
			done[i] = 1;
			if (!benchctl_json)
				cmd_calibrate_pair(c, p);
		}
		i++;
	}
}

/*
 * Follow calibration id to its end on a connection of its own, printing
 * each pair once it is compared; the last calibration.get result goes to
 * *resultp. Any session's end is a reason to look again: a calibration
 * whose queued sessions were cancelled is settled when the session
 * running then ends.
 */
static int
cmd_calibrate_follow(struct cmd *cmd, int64_t id, cJSON **resultp)
{
	struct rpc	*rpc = rpc_create(cmd->socket);
	cJSON		*c = NULL, *params;
	char		*method, *done = NULL;
	size_t		 n;
	int		 rc, ended;

	if ((params = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	if ((rc = rpc_call(rpc, "session.subscribe", params, &c)) != 0)
		goto out;
	cJSON_Delete(c);
	if ((rc = cmd_calibrate_get(rpc, id, &c)) != 0)
		goto out;
	n = (size_t)cJSON_GetArraySize(json_array(c, "comparisons"));
	done = xcalloc(n + 1, 1);
	cmd_calibrate_new_pairs(c, done, n, 0);
	while (cmd_calibrate_running(c)) {
		if ((rc = rpc_notification(rpc, &method, &params)) != 0)
			goto out;
		ended = strcmp(method, "session.finished") == 0;
		free(method);
		cJSON_Delete(params);
		if (!ended)
			continue;
		cJSON_Delete(c);
		if ((rc = cmd_calibrate_get(rpc, id, &c)) != 0)
			goto out;
		cmd_calibrate_new_pairs(c, done, n, 0);
	}
	cmd_calibrate_new_pairs(c, done, n, 1);
out:
	free(done);
	rpc_free(rpc);
	if (rc != 0) {
		cJSON_Delete(c);
		c = NULL;
	}
	*resultp = c;
	return (rc);
}

/* The latest calibration of the suite (and values), or NULL. */
static int
cmd_calibrate_latest(struct cmd *cmd, cJSON *params, cJSON **resultp)
{
	cJSON		*result;
	const cJSON	*list;
	int		 rc, n;

	*resultp = NULL;
	cJSON_AddNumberToObject(params, "last", 1);
	if ((rc = rpc_call(cmd->rpc, "calibration.list", params,
	    &result)) != 0)
		return (rc);
	list = json_array(result, "calibrations");
	if ((n = cJSON_GetArraySize(list)) > 0)
		*resultp = cJSON_DetachItemFromArray((cJSON *)list, n - 1);
	cJSON_Delete(result);
	return (0);
}

/* Print c, and say what the command found. */
static int
cmd_calibrate_done(const cJSON *c, int pairs_shown)
{
	const cJSON	*p;

	if (benchctl_json) {
		json_print(c);
		return (cmd_calibrate_exit(c));
	}
	if (!pairs_shown)
		cJSON_ArrayForEach(p, json_array(c, "comparisons"))
			cmd_calibrate_pair(c, p);
	output_printf("\n");
	cmd_calibrate_summary(c);
	return (cmd_calibrate_exit(c));
}

static int
cmd_calibrate_exec(struct cmd *cmd)
{
	cJSON	*params, *kv, *result = NULL, *c = NULL;
	int64_t	 id = 0, pairs = 0;
	int	 rc, followed = 0;

	if ((params = cJSON_CreateObject()) == NULL ||
	    (kv = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	cJSON_AddStringToObject(params, "suite", cmd->argv[0]);
	cJSON_AddItemToObject(params, "params", kv);
	if ((rc = cmd_params(cmd, 1, kv)) != 0) {
		cJSON_Delete(params);
		return (rc);
	}
	if (cmd->argc == 1)
		cJSON_DeleteItemFromObjectCaseSensitive(params, "params");
	if (cmd_value(cmd, "pairs") != NULL) {
		cJSON_AddNumberToObject(params, "pairs",
		    (double)cmd_number(cmd, "pairs", 0));
		if ((rc = rpc_call(cmd->rpc, "suite.calibrate", params,
		    &result)) != 0)
			return (rc);
		(void)json_int(result, "id", &id);
		(void)json_int(result, "pairs", &pairs);
		if (!benchctl_json)
			output_printf("queued calibration #%lld of %s: %lld "
			    "A/A pairs\n", (long long)id, cmd->argv[0],
			    (long long)pairs);
		cJSON_Delete(result);
	} else if ((rc = cmd_calibrate_latest(cmd, params, &c)) != 0)
		return (rc);
	else if (c == NULL) {
		if (benchctl_json)
			printf("null\n");
		else
			output_printf("no calibration of %s\n", cmd->argv[0]);
		return (EXIT_OK);
	} else if (cmd_flag(cmd, "follow") && cmd_calibrate_running(c))
		(void)json_int(c, "id", &id);
	if (id != 0) {
		cJSON_Delete(c);
		if ((rc = cmd_calibrate_follow(cmd, id, &c)) != 0)
			return (rc);
		followed = 1;
	}
	rc = cmd_calibrate_done(c, followed);
	cJSON_Delete(c);
	return (rc);
}
