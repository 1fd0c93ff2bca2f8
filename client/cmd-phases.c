/*
 * cmd-phases.c -- phases ID: where a session's time went, phase by phase.
 *
 * The users' "AOT Test Pipeline Timing" table (seed section 03.3): the mean
 * seconds per measured run of each phase and its share of the phases'
 * total, then whether the phases add up to the wall time within 5% (the
 * seed's check that no time went uncaptured) and what part of the CPU time
 * they are. Phases keep the order benchd first saw them in; when the
 * workload printed timing lines under more than one prefix (the compiler's
 * and the test harness's), each prefix gets its own heading.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

#define PHASES_INDENT		"  "
#define PHASES_SUBINDENT	"    "	/* a phase under its prefix */

static int	cmd_phases_exec(struct cmd *);

static const struct cmd_option	cmd_phases_options[] = {
	{ NULL, 0, 0, 0 }
};

const struct cmd_entry	cmd_phases_entry = {
	"phases", "ID",
	"per-phase timing of a session and its coverage of the wall time",
	1, 1, cmd_phases_options, 0, cmd_phases_exec
};

/* One line of the table, formatted before the widths are known. */
struct phases_line {
	char	*label;			/* "  parse:", or a prefix heading */
	char	 secs[OUTPUT_LEN];	/* empty for a heading */
	char	 share[OUTPUT_LEN];	/* "(9.1%)", or empty */
};

struct phases_table {
	struct phases_line	*v;
	size_t			 n;
};

/* 1 when the phases were printed under more than one prefix. */
int
cmd_phases_multi(const cJSON *phases)
{
	const cJSON	*p;
	const char	*first = NULL, *prefix;

	cJSON_ArrayForEach(p, phases) {
		if ((prefix = json_string(p, "prefix")) == NULL)
			continue;
		if (first == NULL)
			first = prefix;
		else if (strcmp(first, prefix) != 0)
			return (1);
	}
	return (0);
}

/* A new line labelled indent and text (with a colon when colon). */
static struct phases_line *
cmd_phases_add(struct phases_table *pt, const char *indent, const char *text,
    int colon)
{
	struct phases_line	*l;

	pt->v = xreallocarray(pt->v, pt->n + 1, sizeof *pt->v);
	l = &pt->v[pt->n++];
	memset(l, 0, sizeof *l);
	xasprintf(&l->label, "%s%s%s", indent, text, colon ? ":" : "");
	return (l);
}

/* The line of one phase: "parse:", mean seconds per run, share. */
static void
cmd_phases_row(struct phases_table *pt, const cJSON *p, const char *indent,
    double total)
{
	struct phases_line	*l;
	char			 share[OUTPUT_LEN];
	double			 v;

	l = cmd_phases_add(pt, indent, json_text(p, "phase"), 1);
	if (json_number(p, "mean", &v) == -1)
		v = NAN;
	output_seconds(l->secs, sizeof l->secs, v, total);
	if (json_number(p, "share", &v) == -1)
		v = NAN;
	snprintf(l->share, sizeof l->share, "(%s)",
	    output_share(share, sizeof share, v));
}

/* Every phase, grouped under its prefix when there are several. */
static void
cmd_phases_rows(struct phases_table *pt, const cJSON *phases, double total)
{
	const cJSON	*p, *q;
	const char	*prefix;
	int		 seen;

	if (!cmd_phases_multi(phases)) {
		cJSON_ArrayForEach(p, phases)
			cmd_phases_row(pt, p, PHASES_INDENT, total);
		return;
	}
	/* Prefixes in the order first seen; each prefix's phases in order. */
	cJSON_ArrayForEach(p, phases) {
		prefix = json_text(p, "prefix");
		seen = 0;
		for (q = phases->child; q != p; q = q->next) {
			if (strcmp(json_text(q, "prefix"), prefix) == 0)
				seen = 1;
		}
		if (seen)
			continue;
		cmd_phases_add(pt, PHASES_INDENT, prefix, 0);
		for (q = p; q != NULL; q = q->next) {
			if (strcmp(json_text(q, "prefix"), prefix) == 0)
				cmd_phases_row(pt, q, PHASES_SUBINDENT, total);
		}
	}
}

/* Print the lines aligned: labels left, seconds and shares right. */
static void
cmd_phases_table(struct phases_table *pt)
{
	struct phases_line	*l;
	size_t			 i, lw = 0, sw = 0, pw = 0, w;

	for (i = 0; i < pt->n; i++) {
		l = &pt->v[i];
		if (l->secs[0] == '\0')
			continue;
		if ((w = output_width(l->label)) > lw)
			lw = w;
		if ((w = output_width(l->secs)) > sw)
			sw = w;
		if ((w = output_width(l->share)) > pw)
			pw = w;
	}
	for (i = 0; i < pt->n; i++) {
		l = &pt->v[i];
		if (l->secs[0] == '\0') {
			output_printf("%s\n", l->label);
			continue;
		}
		output_printf("%s%*s  %*s%s", l->label,
		    (int)(lw - output_width(l->label)), "",
		    (int)(sw - output_width(l->secs)), "", l->secs);
		if (l->share[0] != '\0')
			output_printf("  %*s%s", (int)(pw -
			    output_width(l->share)), "", l->share);
		output_printf("\n");
	}
}

/* "Phases sum to 99.2% of wall time (35.600 s): within 5%", and CPU. */
static void
cmd_phases_coverage(const cJSON *r, double total)
{
	const cJSON	*agrees;
	char		 a[OUTPUT_LEN], b[OUTPUT_LEN], c[OUTPUT_LEN];
	double		 wall, cpu, cov;

	agrees = cJSON_GetObjectItemCaseSensitive(r, "agrees");
	if (json_number(r, "wall", &wall) == 0 &&
	    json_number(r, "coverage", &cov) == 0 && cJSON_IsBool(agrees)) {
		output_share(a, sizeof a, cov);
		output_seconds(b, sizeof b, wall, wall);
		if (cJSON_IsTrue(agrees))
			output_printf("Phases sum to %s of wall time (%s): "
			    "within 5%%\n", a, b);
		else if (total < wall)
			output_printf("Phases sum to %s of wall time (%s): "
			    "NOT within 5%% — uncaptured time of %s\n", a, b,
			    output_seconds(c, sizeof c, wall - total,
			    wall - total));
		else
			output_printf("Phases sum to %s of wall time (%s): "
			    "NOT within 5%% — %s more than the wall time "
			    "(phases overlap or run in parallel)\n", a, b,
			    output_seconds(c, sizeof c, total - wall,
			    total - wall));
	}
	if (json_number(r, "cpu", &cpu) == 0 &&
	    json_number(r, "cpu_coverage", &cov) == 0)
		output_printf("and %s of CPU time (user+sys, %s)\n",
		    output_share(a, sizeof a, cov),
		    output_seconds(b, sizeof b, cpu, cpu));
}

static void
cmd_phases_malformed(const cJSON *r)
{
	const char	*example;
	int64_t		 n;

	if (json_int(r, "malformed", &n) == -1 || n <= 0)
		return;
	if ((example = json_string(r, "malformed_example")) != NULL)
		output_line("%lld malformed timing line%s, e.g.: %s",
		    (long long)n, n == 1 ? "" : "s", example);
	else
		output_printf("%lld malformed timing line%s\n", (long long)n,
		    n == 1 ? "" : "s");
}

static void
cmd_phases_print(const cJSON *r, int64_t id)
{
	const cJSON		*phases = json_array(r, "phases");
	struct phases_table	 pt = { NULL, 0 };
	struct phases_line	*l;
	double			 total;
	int64_t			 runs = 0;
	size_t			 i;

	(void)json_int(r, "runs", &runs);
	if (runs <= 0) {
		output_printf("session #%lld has no measured runs yet\n",
		    (long long)id);
		return;
	}
	if (cJSON_GetArraySize(phases) == 0) {
		output_printf("no timing lines were seen; "
		    "is ORI_BUILD_TIMING=1 in the suite's env?\n");
		cmd_phases_malformed(r);
		return;
	}
	if (json_number(r, "total", &total) == -1)
		total = NAN;
	output_printf("Pipeline timing, session #%lld (%lld measured run%s):\n",
	    (long long)id, (long long)runs, runs == 1 ? "" : "s");
	cmd_phases_rows(&pt, phases, total);
	l = cmd_phases_add(&pt, PHASES_INDENT, "Total", 1);
	output_seconds(l->secs, sizeof l->secs, total, total);
	cmd_phases_table(&pt);
	for (i = 0; i < pt.n; i++)
		free(pt.v[i].label);
	free(pt.v);
	cmd_phases_coverage(r, total);
	cmd_phases_malformed(r);
}

static int
cmd_phases_exec(struct cmd *cmd)
{
	cJSON	*params, *result;
	int64_t	 id, rid;
	int	 rc;

	if ((rc = cmd_id(cmd, 0, &id)) != 0)
		return (rc);
	if ((params = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	cJSON_AddNumberToObject(params, "id", (double)id);
	if ((rc = rpc_call(cmd->rpc, "session.phases", params, &result)) != 0)
		return (rc);
	if (benchctl_json)
		json_print(result);
	else
		cmd_phases_print(result, json_int(result, "id", &rid) == 0 ?
		    rid : id);
	cJSON_Delete(result);
	return (EXIT_OK);
}
