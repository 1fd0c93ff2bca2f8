/*
 * cmd-ab.c -- ab SUITE REV_A REV_B [k=v ...] [--no-wait], and ab ID: an
 * interleaved A/B test of two commits of a suite on a repository.
 *
 * The test is queued (ab.queue) and followed to its end (cmd_follow: each
 * session's end is a reason to ask ab.get again).  The result is B against A with
 * its interval and the verdict; regressed is a finding (exit 1), as with
 * compare.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

#define AB_LABEL	"%-11s"		/* "Decision: " */

static int	cmd_ab_exec(struct cmd *);

static const struct cmd_option	cmd_ab_options[] = {
	{ "metric",	CMD_ARG_STRING,	0, 0 },
	{ "no-wait",	CMD_ARG_NONE,	0, 0 },
	{ NULL, 0, 0, 0 }
};

const struct cmd_entry	cmd_ab_entry = {
	"ab", "SUITE REV_A REV_B [k=v ...] [--metric M] [--no-wait]",
	"interleaved A/B test of two commits (ab ID: show one)",
	1, -1, cmd_ab_options, 0, cmd_ab_exec
};

static double
cmd_ab_num(const cJSON *o, const char *name)
{
	double	v;

	return (json_number(o, name, &v) == 0 ? v : NAN);
}

/* Ask method for id on rpc. */
static int
cmd_get(struct rpc *rpc, const char *method, int64_t id, cJSON **resultp)
{
	cJSON	*params;

	if ((params = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	cJSON_AddNumberToObject(params, "id", (double)id);
	return (rpc_call(rpc, method, params, resultp));
}

static int
cmd_ab_running(const cJSON *r, void *arg)
{
	const char	*st = json_string(json_object(r, "ab"), "state");

	(void)arg;
	return (st != NULL && (strcmp(st, "queued") == 0 ||
	    strcmp(st, "running") == 0));
}

/*
 * Ask method for id again at each session's end, on a connection of its
 * own, while running says so (it may print what is new); the last
 * result goes to *resultp.  ab and bisect follow their work with it.
 */
int
cmd_follow(struct cmd *cmd, const char *method, int64_t id,
    int (*running)(const cJSON *, void *), void *arg, cJSON **resultp)
{
	struct rpc	*rpc = rpc_create(cmd->socket);
	cJSON		*r = NULL, *params;
	char		*name;
	int		 rc, ended;

	if ((params = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	if ((rc = rpc_call(rpc, "session.subscribe", params, &r)) != 0)
		goto out;
	cJSON_Delete(r);
	if ((rc = cmd_get(rpc, method, id, &r)) != 0)
		goto out;
	while (running(r, arg)) {
		if ((rc = rpc_notification(rpc, &name, &params)) != 0)
			goto out;
		ended = strcmp(name, "session.finished") == 0;
		free(name);
		cJSON_Delete(params);
		if (!ended)
			continue;
		cJSON_Delete(r);
		if ((rc = cmd_get(rpc, method, id, &r)) != 0)
			goto out;
	}
out:
	rpc_free(rpc);
	if (rc != 0) {
		cJSON_Delete(r);
		r = NULL;
	}
	*resultp = r;
	return (rc);
}

/* One arm: its session, commit and subject, and its wall time. */
static void
cmd_ab_arm(const char *name, const cJSON *s)
{
	const char	*rev = json_string(s, "rev");
	char		 t[OUTPUT_LEN];

	output_printf("  " AB_LABEL "#%s  %.12s  %s  %s\n", name,
	    json_text(s, "id"), rev != NULL ? rev : "-",
	    json_text(s, "subject"), output_stats_pm(t, sizeof t,
	    json_object(s, "wall")));
}

static void
cmd_ab_print(const cJSON *r)
{
	const cJSON	*t = json_object(r, "ab"), *s;
	const char	*v = json_string(t, "verdict");
	const char	*reason = json_string(t, "reason");
	char		 change[OUTPUT_LEN * 3], thr[OUTPUT_LEN];
	int		 i = 0;

	output_printf("A/B test #%s of %s (%s, on %s): %s\n", json_text(t,
	    "id"), json_text(t, "suite"), json_text(t, "purpose"),
	    json_text(t, "metric"), json_text(t, "state"));
	cJSON_ArrayForEach(s, json_array(r, "sessions"))
		cmd_ab_arm(i++ == 0 ? "A:" : "B:", s);
	if (v != NULL) {
		output_change_ci(change, sizeof change, cmd_ab_num(t,
		    "change"), cmd_ab_num(t, "ci_low"), cmd_ab_num(t,
		    "ci_high"));
		output_printf("  " AB_LABEL "%s  B against A %s, %s pairs, "
		    "threshold %s\n", "Decision:", output_verdict(v), change,
		    json_text(t, "pairs"), output_percent(thr, sizeof thr,
		    cmd_ab_num(t, "threshold")));
	} else if (reason != NULL)
		output_printf("  " AB_LABEL "%s\n", "Reason:", reason);
}

static int
cmd_ab_exit(const cJSON *r)
{
	const cJSON	*t = json_object(r, "ab");
	const char	*v = json_string(t, "verdict");
	const char	*st = json_string(t, "state");

	if (v != NULL && strcmp(v, "regressed") == 0)
		return (EXIT_FINDING);
	if (st != NULL && strcmp(st, "failed") == 0)
		return (EXIT_FINDING);
	return (EXIT_OK);
}

/*
 * The params of ab.queue and bisect.start from SUITE X Y [NAME=VALUE...]
 * and --metric: x and y name the two revisions' keys.  0, or an exit
 * status with nothing made.
 */
int
cmd_rev_pair_params(struct cmd *cmd, const char *x, const char *y,
    cJSON **out)
{
	cJSON	*params, *kv;
	int	 rc;

	if ((params = cJSON_CreateObject()) == NULL ||
	    (kv = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	cJSON_AddStringToObject(params, "suite", cmd->argv[0]);
	cJSON_AddStringToObject(params, x, cmd->argv[1]);
	cJSON_AddStringToObject(params, y, cmd->argv[2]);
	if (cmd_value(cmd, "metric") != NULL)
		cJSON_AddStringToObject(params, "metric",
		    cmd_value(cmd, "metric"));
	cJSON_AddItemToObject(params, "params", kv);
	if ((rc = cmd_params(cmd, 3, kv)) != 0) {
		cJSON_Delete(params);
		return (rc);
	}
	*out = params;
	return (0);
}

static int
cmd_ab_exec(struct cmd *cmd)
{
	cJSON	*params, *r = NULL;
	int64_t	 id = 0;
	int	 rc;

	if (cmd->argc == 1) {
		if ((rc = cmd_id(cmd, 0, &id)) != 0)
			return (rc);
	} else {
		if (cmd->argc < 3)
			return (cmd_usage_error(cmd, "ab needs SUITE REV_A "
			    "REV_B, or an A/B test's ID"));
		if ((rc = cmd_rev_pair_params(cmd, "a", "b", &params)) != 0)
			return (rc);
		if ((rc = rpc_call(cmd->rpc, "ab.queue", params, &r)) != 0)
			return (rc);
		(void)json_int(json_object(r, "ab"), "id", &id);
		if (!benchctl_json)
			output_printf("queued A/B test #%lld of %s: %s against "
			    "%s\n", (long long)id, cmd->argv[0], cmd->argv[2],
			    cmd->argv[1]);
		if (cmd_flag(cmd, "no-wait")) {
			if (benchctl_json)
				json_print(r);
			cJSON_Delete(r);
			return (EXIT_OK);
		}
		cJSON_Delete(r);
		r = NULL;
	}
	if (cmd->argc == 1 || cmd_flag(cmd, "no-wait"))
		rc = cmd_get(cmd->rpc, "ab.get", id, &r);
	else
		rc = cmd_follow(cmd, "ab.get", id, cmd_ab_running, NULL, &r);
	if (rc != 0)
		return (rc);
	if (benchctl_json)
		json_print(r);
	else
		cmd_ab_print(r);
	rc = cmd_ab_exit(r);
	cJSON_Delete(r);
	return (rc);
}
