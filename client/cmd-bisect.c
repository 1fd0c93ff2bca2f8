/*
 * cmd-bisect.c -- bisect SUITE GOOD BAD [k=v ...] [--metric wall]
 * [--no-wait], and bisect ID: the first commit after GOOD up to BAD whose
 * interleaved A/B test against GOOD says regressed.  bisect --list
 * [SUITE] [--last N] lists bisections; bisect ID --cancel stops one.
 *
 * The bisection is started (bisect.start) and followed to its end: a
 * line per commit as its step marks it, then the first bad commit, its
 * change against its parent with the interval, and the phases that moved.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

#define BISECT_LABEL	"%-11s"		/* "First bad: " */

static int	cmd_bisect_exec(struct cmd *);

static const struct cmd_option	cmd_bisect_options[] = {
	{ "metric",	CMD_ARG_STRING,	0, 0 },
	{ "no-wait",	CMD_ARG_NONE,	0, 0 },
	{ "list",	CMD_ARG_NONE,	0, 0 },
	{ "last",	CMD_ARG_NUMBER,	1, 1000 },
	{ "cancel",	CMD_ARG_NONE,	0, 0 },
	{ NULL, 0, 0, 0 }
};

const struct cmd_entry	cmd_bisect_entry = {
	"bisect", "SUITE GOOD BAD [k=v ...] [--metric M] [--no-wait]",
	"the first commit after GOOD that regressed (bisect ID [--cancel]: "
	"show or stop one; --list [SUITE]: the last ones)",
	0, -1, cmd_bisect_options, 0, cmd_bisect_exec
};

/* The marks printed so far, so that each commit is told once. */
struct seen {
	char	*marks;
	size_t	 n;
};

static double
cmd_bisect_num(const cJSON *o, const char *name)
{
	double	v;

	return (json_number(o, name, &v) == 0 ? v : NAN);
}

/* One line per commit whose mark is new since the last look. */
static void
cmd_bisect_new(const cJSON *b, struct seen *seen)
{
	const cJSON	*c;
	const char	*m;
	size_t		 i = 0, n;

	n = (size_t)cJSON_GetArraySize(json_array(b, "commits"));
	if (seen->marks == NULL) {
		seen->marks = xcalloc(n + 1, 1);
		seen->n = n;
	}
	cJSON_ArrayForEach(c, json_array(b, "commits")) {
		m = json_text(c, "mark");
		if (i < seen->n && seen->marks[i] != m[0] && i + 1 < n &&
		    strcmp(m, "untested") != 0) {
			seen->marks[i] = m[0];
			if (!benchctl_json)
				output_printf("%.12s  %s\n", json_text(c,
				    "commit"), m);
		}
		i++;
	}
}

static int
cmd_bisect_running(const cJSON *r, void *arg)
{
	const cJSON	*b = json_object(r, "bisection");
	const char	*st = json_string(b, "state");

	cmd_bisect_new(b, arg);
	return (st != NULL && strcmp(st, "running") == 0);
}

static void
cmd_bisect_print(const cJSON *b)
{
	const cJSON	*f = json_object(b, "first_bad"), *p, *c;
	const char	*reason = json_string(b, "reason"), *v;
	char		 ch[OUTPUT_LEN * 3], *params;
	int		 n[4] = { 0, 0, 0, 0 }, any = 0;

	output_printf("Bisection #%s of %s: %s%s%s\n", json_text(b, "id"),
	    json_text(b, "suite"), json_text(b, "state"), reason != NULL ?
	    ": " : "", reason != NULL ? reason : "");
	cJSON_ArrayForEach(c, json_array(b, "commits")) {
		v = json_text(c, "mark");
		n[v[0] == 'g' ? 0 : v[0] == 'b' ? 1 : v[0] == 's' ? 2 : 3]++;
	}
	output_printf("  " BISECT_LABEL "%d commits: %d good, %d bad, "
	    "%d skipped, %d untested\n", "Range:", n[0] + n[1] + n[2] + n[3],
	    n[0], n[1], n[2], n[3]);
	if (f == NULL || cJSON_IsNull(f))
		return;
	output_printf("  " BISECT_LABEL "%.12s  %s\n", "First bad:",
	    json_text(f, "commit"), json_text(f, "subject"));
	output_change_ci(ch, sizeof ch, cmd_bisect_num(f, "change"),
	    cmd_bisect_num(f, "ci_low"), cmd_bisect_num(f, "ci_high"));
	v = json_string(f, "verdict");
	output_printf("  " BISECT_LABEL "%s  %s against its parent %.12s "
	    "(A/B test #%s)\n", "Change:", v != NULL ? output_verdict(v) :
	    "-", ch, json_text(f, "parent"), json_text(f, "ab"));
	cJSON_ArrayForEach(p, json_array(f, "phases")) {
		output_change_ci(ch, sizeof ch, cmd_bisect_num(p, "change"),
		    cmd_bisect_num(p, "ci_low"), cmd_bisect_num(p, "ci_high"));
		params = xstrdup(json_text(p, "name"));
		output_printf("  " BISECT_LABEL "%s  %s  %s\n", any++ == 0 ?
		    "Phases:" : "", params, ch, json_text(p, "verdict"));
		free(params);
	}
	if (!any)
		output_printf("  " BISECT_LABEL "none moved\n", "Phases:");
}

/* bisect --list [SUITE] [--last N]: one line a bisection. */
static int
cmd_bisect_list(struct cmd *cmd)
{
	const cJSON	*b, *f;
	cJSON		*r;
	int		 rc;

	if (cmd->argc > 1)
		return (cmd_usage_error(cmd, "bisect --list takes one SUITE at "
		    "most"));
	if ((rc = cmd_list_call(cmd, "bisect.list", &r)) != 0 || r == NULL)
		return (rc);
	output_printf("%-5s %-16s %-10s %-26s %s\n", "ID", "SUITE", "STATE",
	    "GOOD..BAD", "FIRST BAD");
	cJSON_ArrayForEach(b, json_array(r, "bisections")) {
		f = json_object(b, "first_bad");
		output_printf("%-5s %-16s %-10s %.12s..%.12s %.12s%s%s\n",
		    json_text(b, "id"), json_text(b, "suite"), json_text(b,
		    "state"), json_text(b, "good"), json_text(b, "bad"),
		    f != NULL && !cJSON_IsNull(f) ? json_text(f, "commit") :
		    "-", f != NULL && !cJSON_IsNull(f) ? "  " : "",
		    f != NULL && !cJSON_IsNull(f) ? json_text(f, "subject") :
		    "");
	}
	cJSON_Delete(r);
	return (EXIT_OK);
}

/* bisect ID --cancel. */
static int
cmd_bisect_cancel(struct cmd *cmd)
{
	cJSON	*params, *r;
	int64_t	 id;
	int	 rc;

	if (cmd->argc != 1)
		return (cmd_usage_error(cmd, "bisect --cancel takes a "
		    "bisection's ID"));
	if ((rc = cmd_id(cmd, 0, &id)) != 0)
		return (rc);
	if ((params = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	cJSON_AddNumberToObject(params, "id", (double)id);
	if ((rc = rpc_call(cmd->rpc, "bisect.cancel", params, &r)) != 0)
		return (rc);
	if (benchctl_json)
		json_print(r);
	else
		cmd_bisect_print(json_object(r, "bisection"));
	cJSON_Delete(r);
	return (EXIT_OK);
}

static int
cmd_bisect_exec(struct cmd *cmd)
{
	struct seen	 seen = { NULL, 0 };
	cJSON		*params, *r = NULL;
	const char	*st;
	int64_t		 id = 0;
	int		 rc, wait = !cmd_flag(cmd, "no-wait");

	if (cmd_flag(cmd, "list"))
		return (cmd_bisect_list(cmd));
	if (cmd_flag(cmd, "cancel"))
		return (cmd_bisect_cancel(cmd));
	if (cmd->argc == 0)
		return (cmd_usage_error(cmd, "bisect needs SUITE GOOD BAD, a "
		    "bisection's ID, or --list"));
	if (cmd->argc == 1) {
		if ((rc = cmd_id(cmd, 0, &id)) != 0)
			return (rc);
		wait = 0;
	} else {
		if (cmd->argc < 3)
			return (cmd_usage_error(cmd, "bisect needs SUITE GOOD "
			    "BAD, or a bisection's ID"));
		if ((rc = cmd_rev_pair_params(cmd, "good", "bad",
		    &params)) != 0)
			return (rc);
		if ((rc = rpc_call(cmd->rpc, "bisect.start", params,
		    &r)) != 0)
			return (rc);
		(void)json_int(json_object(r, "bisection"), "id", &id);
		if (!benchctl_json)
			output_printf("bisection #%lld of %s: %d commits after "
			    "%s up to %s\n", (long long)id, cmd->argv[0],
			    cJSON_GetArraySize(json_array(json_object(r,
			    "bisection"), "commits")), cmd->argv[1],
			    cmd->argv[2]);
		cJSON_Delete(r);
		r = NULL;
	}
	params = cJSON_CreateObject();
	if (params == NULL)
		fatalx("out of memory");
	cJSON_AddNumberToObject(params, "id", (double)id);
	if (wait)
		rc = cmd_follow(cmd, "bisect.get", id, cmd_bisect_running,
		    &seen, &r);
	else
		rc = rpc_call(cmd->rpc, "bisect.get", params, &r);
	if (wait)
		cJSON_Delete(params);
	free(seen.marks);
	if (rc != 0)
		return (rc);
	if (benchctl_json)
		json_print(r);
	else
		cmd_bisect_print(json_object(r, "bisection"));
	st = json_string(json_object(r, "bisection"), "state");
	rc = st != NULL && (strcmp(st, "running") == 0 ||
	    strcmp(st, "completed") == 0) ? EXIT_OK : EXIT_FINDING;
	cJSON_Delete(r);
	return (rc);
}
