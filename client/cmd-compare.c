/*
 * cmd-compare.c -- compare A B [--force]: session B against session A.
 *
 * One aligned table, the metrics (wall, user, sys, maxrss, cpu) first,
 * then the phases under a "Phases:" line with the same columns, so their
 * numbers line up; then the wall-time verdict in words, with the
 * threshold it was held against and where that came from. The daemon
 * decides every verdict; benchctl only words it. A regressed wall time is
 * a finding (exit 1), so a script can gate on "benchctl compare $base
 * $new".
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

static int	cmd_compare_exec(struct cmd *);

static const struct cmd_option	cmd_compare_options[] = {
	{ "force", CMD_ARG_NONE, 0, 0 },
	{ NULL, 0, 0, 0 }
};

const struct cmd_entry	cmd_compare_entry = {
	"compare", "A B [--force]",
	"session B against A: change with 95% CI, Welch and MWU p, verdict",
	2, 2, cmd_compare_options, 0, cmd_compare_exec
};

/* A signed time, "+12.8 ms", in the unit that suits it. */
static const char *
cmd_compare_delta(char *buf, size_t len, double v)
{
	char	tmp[OUTPUT_LEN];

	output_seconds(tmp, sizeof tmp, v, v);
	/* A cut "+" on a full buffer is harmless; say so to the compiler. */
	if (snprintf(buf, len, "%s%s", isfinite(v) && v >= 0 ? "+" : "",
	    tmp) < 0)
		buf[0] = '\0';
	return (buf);
}

/* One side of a row, {"n", "mean", "stddev"}, as "mean ± sd" in unit. */
static const char *
cmd_compare_side(char *buf, size_t len, const cJSON *side, const char *unit)
{
	char	a[OUTPUT_LEN], b[OUTPUT_LEN];
	double	mean, sd;

	if (unit != NULL && strcmp(unit, "KiB") == 0) {
		if (json_number(side, "mean", &mean) == -1)
			snprintf(buf, len, "-");
		else if (json_number(side, "stddev", &sd) == -1)
			output_kib(buf, len, mean, mean);
		else
			snprintf(buf, len, "%s ± %s",
			    output_kib(a, sizeof a, mean, mean),
			    output_kib(b, sizeof b, sd, mean));
		return (buf);
	}
	if (unit != NULL && strcmp(unit, "s") != 0) {
		if (json_number(side, "mean", &mean) == -1)
			snprintf(buf, len, "-");
		else if (json_number(side, "stddev", &sd) == -1)
			snprintf(buf, len, "%.4g %s", mean, unit);
		else
			snprintf(buf, len, "%.4g ± %.4g %s", mean, sd, unit);
		return (buf);
	}
	return (output_stats_pm(buf, len, side));
}

/* A number member, NaN when absent or null. */
static double
cmd_compare_num(const cJSON *obj, const char *name)
{
	double	v;

	return (json_number(obj, name, &v) == 0 ? v : NAN);
}

static void
cmd_compare_row(struct table *t, const cJSON *row, int multi)
{
	const char	*unit = json_string(row, "unit");
	char		 buf[OUTPUT_LEN * 3];

	if (multi)
		table_cell(t, "%s/%s", json_text(row, "prefix"),
		    json_text(row, "name"));
	else
		table_cell(t, "%s", json_text(row, "name"));
	table_cell(t, "%s", cmd_compare_side(buf, sizeof buf,
	    json_object(row, "a"), unit));
	table_cell(t, "%s", cmd_compare_side(buf, sizeof buf,
	    json_object(row, "b"), unit));
	table_cell(t, "%s", output_change_ci(buf, sizeof buf,
	    cmd_compare_num(row, "change"), cmd_compare_num(row, "ci_low"),
	    cmd_compare_num(row, "ci_high")));
	table_cell(t, "%s", output_pvalue(buf, sizeof buf,
	    cmd_compare_num(row, "p_welch")));
	table_cell(t, "%s", output_pvalue(buf, sizeof buf,
	    cmd_compare_num(row, "p_mwu")));
	if (json_string(row, "reason") != NULL)
		table_cell(t, "%s — runs disturbed", json_text(row, "verdict"));
	else
		table_cell(t, "%s", output_verdict(json_string(row,
		    "verdict")));
}

static void
cmd_compare_table(const cJSON *r)
{
	const cJSON	*row, *phases = json_array(r, "phases");
	struct table	*t;
	int		 multi = cmd_phases_multi(phases);

	t = table_create();
	table_column(t, "METRIC", TABLE_LEFT);
	table_column(t, "A (mean ± sd)", TABLE_RIGHT);
	table_column(t, "B (mean ± sd)", TABLE_RIGHT);
	table_column(t, "CHANGE", TABLE_LEFT);
	table_column(t, "p (Welch)", TABLE_RIGHT);
	table_column(t, "p (MWU)", TABLE_RIGHT);
	table_column(t, "VERDICT", TABLE_LEFT);
	cJSON_ArrayForEach(row, json_array(r, "metrics"))
		cmd_compare_row(t, row, 0);
	cJSON_ArrayForEach(row, phases) {
		if (row == phases->child && cJSON_GetArraySize(
		    json_array(r, "metrics")) > 0) {
			table_note(t, 0, "%s", "");
			table_note(t, 0, "Phases:");
		}
		cmd_compare_row(t, row, multi);
	}
	table_print(t);
	table_free(t);
}

/* The metrics row named name, or NULL. */
static const cJSON *
cmd_compare_metric(const cJSON *r, const char *name)
{
	const cJSON	*row;
	const char	*n;

	cJSON_ArrayForEach(row, json_array(r, "metrics")) {
		if ((n = json_string(row, "name")) != NULL &&
		    strcmp(n, name) == 0)
			return (row);
	}
	return (NULL);
}

/*
 * "Wall time regressed by +14.5% (+12.8 ms); accounted for by: link
 * +12.0 ms (94% of the change), ...": the phases the daemon named.
 */
static void
cmd_compare_explain(const cJSON *r)
{
	const cJSON	*wall = cmd_compare_metric(r, "wall"), *e;
	const cJSON	*explain = json_array(r, "explain");
	char		*line = NULL, a[OUTPUT_LEN], b[OUTPUT_LEN];
	double		 ma, mb, share;
	int		 multi = cmd_phases_multi(explain);

	if (cJSON_GetArraySize(explain) == 0)
		return;
	ma = cmd_compare_num(json_object(wall, "a"), "mean");
	mb = cmd_compare_num(json_object(wall, "b"), "mean");
	output_append(&line, "Wall time %s by %s (%s); accounted for by: ",
	    json_text(wall, "verdict"),
	    output_change(a, sizeof a, cmd_compare_num(wall, "change")),
	    cmd_compare_delta(b, sizeof b, mb - ma));
	cJSON_ArrayForEach(e, explain) {
		share = cmd_compare_num(e, "share");
		output_append(&line, "%s%s%s%s %s", e == explain->child ? "" :
		    ", ", multi ? json_text(e, "prefix") : "", multi ? "/" : "",
		    json_text(e, "phase"), cmd_compare_delta(a, sizeof a,
		    cmd_compare_num(e, "delta")));
		if (isfinite(share))
			output_append(&line, " (%.0f%% of the change)",
			    share * 100.0);
	}
	output_printf("\n");
	output_line("%s", line);
	free(line);
}

/*
 * "Wall time: regressed, wall +3.1% [+1.8%, +4.4%] beyond the 2.40%
 * threshold learned from 23 sessions", after a line on the disturbed runs
 * left out when there were any.
 */
static void
cmd_compare_verdict(const cJSON *r, const char *threshold)
{
	const cJSON	*wall = cmd_compare_metric(r, "wall");
	const cJSON	*dist = json_object(r, "disturbed");
	const char	*v;
	char		*words;
	int64_t		 da = 0, db = 0;

	(void)json_int(dist, "a", &da);
	(void)json_int(dist, "b", &db);
	if (da > 0 || db > 0)
		output_printf("\nDisturbed runs, left out: %lld of A, %lld of "
		    "B\n", (long long)da, (long long)db);
	if ((v = json_string(wall, "verdict")) == NULL)
		return;
	words = output_wall_verdict(v, json_string(wall, "reason"),
	    cmd_compare_num(wall, "change"), cmd_compare_num(wall, "ci_low"),
	    cmd_compare_num(wall, "ci_high"), threshold);
	output_clean(&words, 0);
	output_printf("%sWall time: %s\n", da > 0 || db > 0 ? "" : "\n",
	    words);
	free(words);
}

static void
cmd_compare_print(const cJSON *r)
{
	const cJSON	*wall = cmd_compare_metric(r, "wall");
	const char	*th;
	char		*flags, buf[OUTPUT_LEN * 2];
	double		 t;
	int64_t		 a = 0, b = 0, na = 0, nb = 0;

	if (cJSON_GetArraySize(json_array(r, "flags")) > 0) {
		flags = json_join(json_array(r, "flags"), ", ");
		output_line("warning: compared anyway (--force): %s", flags);
		output_printf("\n");
		free(flags);
	}
	(void)json_int(r, "a", &a);
	(void)json_int(r, "b", &b);
	(void)json_int(json_object(wall, "a"), "n", &na);
	(void)json_int(json_object(wall, "b"), "n", &nb);
	/* A benchd from before "threshold" sent only "noise". */
	if (json_number(r, "threshold", &t) == -1 &&
	    json_number(r, "noise", &t) == -1)
		t = NAN;
	th = output_threshold(buf, sizeof buf, t, json_string(r, "rule"),
	    json_object(r, "learned"));
	output_printf("B #%lld (%lld runs) against A #%lld (%lld runs), "
	    "verdicts against %s\n\n", (long long)b, (long long)nb,
	    (long long)a, (long long)na, th != NULL ? th : "a threshold not "
	    "known");
	cmd_compare_table(r);
	cmd_compare_verdict(r, th);
	cmd_compare_explain(r);
}

/* 1 when wall time regressed: the command's finding. */
static int
cmd_compare_exit(const cJSON *r)
{
	const char	*v = json_string(cmd_compare_metric(r, "wall"),
			    "verdict");

	return (v != NULL && strcmp(v, "regressed") == 0 ? EXIT_FINDING :
	    EXIT_OK);
}

static int
cmd_compare_exec(struct cmd *cmd)
{
	cJSON	*params, *result;
	int64_t	 a, b;
	int	 rc;

	if ((rc = cmd_id(cmd, 0, &a)) != 0 || (rc = cmd_id(cmd, 1, &b)) != 0)
		return (rc);
	if ((params = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	cJSON_AddNumberToObject(params, "a", (double)a);
	cJSON_AddNumberToObject(params, "b", (double)b);
	if (cmd_flag(cmd, "force"))
		cJSON_AddBoolToObject(params, "force", 1);
	if ((rc = rpc_call(cmd->rpc, "session.compare", params, &result)) != 0)
		return (rc);
	if (benchctl_json)
		json_print(result);
	else
		cmd_compare_print(result);
	rc = cmd_compare_exit(result);
	cJSON_Delete(result);
	return (rc);
}
