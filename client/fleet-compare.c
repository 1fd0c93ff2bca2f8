/*
 * fleet-compare.c -- benchctl --fleet CONNINFO compare BOX:ID BOX:ID
 * [--force]: two sessions of the fleet, maybe of two boxes, compared on
 * wall, user and sys time as benchd compares (Welch's t-test and its 95%
 * CI of the change, Mann-Whitney U, the verdict against the noise
 * threshold of the second session's suite).
 *
 * Sessions of two boxes are compared only when the machines are alike:
 * their fingerprints must match but for the host name and benchd's
 * version (CPU model and count, kernel, governor).  --force compares
 * them anyway, and the output says so ("forced", and a FORCED line).
 * Exit 1 when the wall time regressed.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rules.h"
#include "stats.h"
#include "xmalloc.h"
#include "client.h"

#define FLEET_NOISE	0.01		/* when the session has none */

static int	fleet_compare_exec(struct cmd *);

static const struct cmd_option	fleet_compare_options[] = {
	{ "force", CMD_ARG_NONE, 0, 0 },
	{ NULL, 0, 0, 0 }
};

const struct cmd_entry	fleet_compare_entry = {
	"compare", "BOX:ID BOX:ID [--force]",
	"two sessions of the fleet; of two boxes only when alike", 2, 2,
	fleet_compare_options, CMD_LOCAL, fleet_compare_exec
};

/* $1 box, $2 id: the session and its undisturbed measured runs. */
#define SESSION_SQL \
	"SELECT json_build_object('box', s.box, 'id', s.session_id, " \
	"'suite', s.suite, 'params', s.params, 'rev', s.rev, " \
	"'state', s.state, 'fingerprint', s.fingerprint, " \
	"'noise', s.noise, 'wall', coalesce(json_agg(r.wall_ns / 1e9 " \
	"ORDER BY r.seq) FILTER (WHERE r.seq IS NOT NULL), '[]'), " \
	"'user', coalesce(json_agg(r.utime_us / 1e6 ORDER BY r.seq) " \
	"FILTER (WHERE r.seq IS NOT NULL), '[]'), " \
	"'sys', coalesce(json_agg(r.stime_us / 1e6 ORDER BY r.seq) " \
	"FILTER (WHERE r.seq IS NOT NULL), '[]')) " \
	"FROM sessions s LEFT JOIN runs r ON r.box = s.box AND " \
	"r.session_id = s.session_id AND r.kind = 'measured' AND " \
	"NOT r.disturbed WHERE s.box = $1 AND s.session_id = $2::bigint " \
	"GROUP BY s.box, s.session_id"

static const char *const fleet_metrics[] = { "wall", "user", "sys" };

static int
fleet_compare_get(struct cmd *cmd, const char *name, cJSON **doc)
{
	const char	*p[2];
	char		*box, id[32];
	int64_t		 n;
	int		 rc;

	if (fleet_session_name(name, &box, &n) != 0)
		return (cmd_usage_error(cmd, "\"%s\": expected BOX:ID", name));
	snprintf(id, sizeof id, "%lld", (long long)n);
	p[0] = box;
	p[1] = id;
	rc = fleet_query(SESSION_SQL, 2, p, doc);
	free(box);
	if (rc == 0 && *doc == NULL) {
		log_warnx("no session %s in the fleet", name);
		return (EXIT_DAEMON);
	}
	return (rc);
}

/*
 * The fingerprints' differences but for hostname and benchd, as
 * "key: A vs B" strings in an array; empty when the machines are alike.
 */
static cJSON *
fleet_fingerprint_diff(const cJSON *a, const cJSON *b)
{
	const cJSON	*f, *g, *pair[2] = { a, b };
	cJSON		*out;
	char		*x, *y, *line;
	int		 i;

	if ((out = cJSON_CreateArray()) == NULL)
		fatalx("out of memory");
	for (i = 0; i < 2; i++) {
		cJSON_ArrayForEach(f, pair[i]) {
			if (f->string == NULL ||
			    strcmp(f->string, "hostname") == 0 ||
			    strcmp(f->string, "benchd") == 0)
				continue;
			g = cJSON_GetObjectItemCaseSensitive(pair[1 - i],
			    f->string);
			if (i == 1 && g != NULL)
				continue;	/* seen from a's side */
			if (g != NULL && cJSON_Compare(f, g, 1))
				continue;
			x = cJSON_PrintUnformatted(i == 0 ? f : g);
			y = cJSON_PrintUnformatted(i == 0 ? g : f);
			xasprintf(&line, "%s: %s vs %s", f->string,
			    x != NULL ? x : "none", y != NULL ? y : "none");
			cJSON_AddItemToArray(out, cJSON_CreateString(line));
			free(line);
			cJSON_free(x);
			cJSON_free(y);
		}
	}
	if (a == NULL || b == NULL)
		cJSON_AddItemToArray(out, cJSON_CreateString(
		    "a session has no fingerprint"));
	return (out);
}

/* The numbers of a JSON array, into a new C array. */
static double *
fleet_numbers(const cJSON *a, size_t *n)
{
	const cJSON	*v;
	double		*x;

	x = xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *x);
	*n = 0;
	cJSON_ArrayForEach(v, a) {
		if (cJSON_IsNumber(v))
			x[(*n)++] = v->valuedouble;
	}
	return (x);
}

static void
fleet_add_num(cJSON *o, const char *name, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

/* One metric's row: means, change and its CI, p values, verdict. */
static cJSON *
fleet_metric(const char *metric, const cJSON *a, const cJSON *b,
    double noise)
{
	struct stats_welch	 w;
	double			*x, *y, p_mw = NAN;
	size_t			 nx, ny;
	enum verdict		 v = VERDICT_INCONCLUSIVE;
	cJSON			*o;

	x = fleet_numbers(json_array(a, metric), &nx);
	y = fleet_numbers(json_array(b, metric), &ny);
	if ((o = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	cJSON_AddStringToObject(o, "metric", metric);
	if (stats_welch(x, nx, y, ny, &w) != 0) {
		memset(&w, 0, sizeof w);
		w.mean_a = w.mean_b = w.rel = w.rel_ci_low = w.rel_ci_high =
		    w.p = NAN;
	} else {
		p_mw = stats_mann_whitney_p(x, nx, y, ny);
		v = rule_verdict(w.p, w.rel, w.rel_ci_low, w.rel_ci_high,
		    noise, noise, NULL);
	}
	fleet_add_num(o, "mean_a", w.mean_a);
	fleet_add_num(o, "mean_b", w.mean_b);
	fleet_add_num(o, "change", w.rel);
	fleet_add_num(o, "ci_low", w.rel_ci_low);
	fleet_add_num(o, "ci_high", w.rel_ci_high);
	fleet_add_num(o, "p", w.p);
	fleet_add_num(o, "p_mann_whitney", p_mw);
	cJSON_AddStringToObject(o, "verdict", verdict_name(v));
	free(x);
	free(y);
	return (o);
}

static void
fleet_compare_print(const cJSON *doc)
{
	const cJSON	*m, *d;
	struct table	*t;
	char		 a[OUTPUT_LEN], b[OUTPUT_LEN], c[OUTPUT_LEN];
	char		 p[OUTPUT_LEN], q[OUTPUT_LEN];
	double		 ma, mb, ch, lo, hi, pv, pm;
	const char	*side[2] = { "a", "b" };
	int64_t		 id;
	int		 i;

	for (i = 0; i < 2; i++) {
		m = json_object(doc, side[i]);
		id = 0;
		(void)json_int(m, "id", &id);
		output_line("%s  %s:%lld  %s  rev %s  %s", i == 0 ? "A" : "B",
		    json_text(m, "box"), (long long)id, json_text(m, "suite"),
		    json_text(m, "rev"), json_text(m, "state"));
	}
	if (json_bool(doc, "forced")) {
		cJSON_ArrayForEach(d, json_array(doc, "differences"))
			output_line("FORCED: the machines differ: %s",
			    d->valuestring);
	}
	t = table_create();
	table_column(t, "METRIC", TABLE_LEFT);
	table_column(t, "A", TABLE_RIGHT);
	table_column(t, "B", TABLE_RIGHT);
	table_column(t, "CHANGE [95% CI]", TABLE_LEFT);
	table_column(t, "P", TABLE_RIGHT);
	table_column(t, "P(MWU)", TABLE_RIGHT);
	table_column(t, "VERDICT", TABLE_LEFT);
	cJSON_ArrayForEach(m, json_array(doc, "metrics")) {
		table_cell(t, "%s", json_text(m, "metric"));
		if (json_number(m, "mean_a", &ma) != 0 ||
		    json_number(m, "mean_b", &mb) != 0 ||
		    json_number(m, "change", &ch) != 0 ||
		    json_number(m, "ci_low", &lo) != 0 ||
		    json_number(m, "ci_high", &hi) != 0 ||
		    json_number(m, "p", &pv) != 0) {
			table_cell(t, "-");
			table_cell(t, "-");
			table_cell(t, "-");
			table_cell(t, "-");
			table_cell(t, "-");
		} else {
			table_cell(t, "%s", output_seconds(a, sizeof a, ma,
			    ma));
			table_cell(t, "%s", output_seconds(b, sizeof b, mb,
			    ma));
			table_cell(t, "%s", output_change_ci(c, sizeof c, ch,
			    lo, hi));
			table_cell(t, "%s", output_pvalue(p, sizeof p, pv));
			if (json_number(m, "p_mann_whitney", &pm) != 0)
				pm = NAN;
			table_cell(t, "%s", output_pvalue(q, sizeof q, pm));
		}
		table_cell(t, "%s", output_verdict(json_text(m, "verdict")));
	}
	table_print(t);
	table_free(t);
}

static int
fleet_compare_exec(struct cmd *cmd)
{
	cJSON		*a = NULL, *b = NULL, *doc, *diff, *metrics;
	const char	*box_a, *box_b, *wall;
	double		 noise;
	size_t		 i;
	int		 rc, across, force = cmd_flag(cmd, "force");

	if ((rc = fleet_compare_get(cmd, cmd->argv[0], &a)) != 0 ||
	    (rc = fleet_compare_get(cmd, cmd->argv[1], &b)) != 0) {
		cJSON_Delete(a);
		cJSON_Delete(b);
		return (rc);
	}
	box_a = json_text(a, "box");
	box_b = json_text(b, "box");
	across = strcmp(box_a, box_b) != 0;
	diff = fleet_fingerprint_diff(json_object(a, "fingerprint"),
	    json_object(b, "fingerprint"));
	if (across && cJSON_GetArraySize(diff) > 0 && !force) {
		log_warnx("%s and %s are not alike: %s; --force compares them "
		    "anyway", box_a, box_b, cJSON_GetArrayItem(diff,
		    0)->valuestring);
		cJSON_Delete(diff);
		cJSON_Delete(a);
		cJSON_Delete(b);
		return (EXIT_DAEMON);
	}
	if (json_number(b, "noise", &noise) != 0 || !isfinite(noise))
		noise = FLEET_NOISE;
	if ((doc = cJSON_CreateObject()) == NULL ||
	    (metrics = cJSON_CreateArray()) == NULL)
		fatalx("out of memory");
	for (i = 0; i < sizeof fleet_metrics / sizeof fleet_metrics[0]; i++)
		cJSON_AddItemToArray(metrics, fleet_metric(fleet_metrics[i], a,
		    b, noise));
	cJSON_AddItemToObject(doc, "a", a);
	cJSON_AddItemToObject(doc, "b", b);
	cJSON_AddBoolToObject(doc, "across_boxes", across);
	cJSON_AddBoolToObject(doc, "fingerprints_match",
	    cJSON_GetArraySize(diff) == 0);
	cJSON_AddBoolToObject(doc, "forced", across &&
	    cJSON_GetArraySize(diff) > 0);
	cJSON_AddItemToObject(doc, "differences", diff);
	cJSON_AddNumberToObject(doc, "threshold", noise);
	cJSON_AddItemToObject(doc, "metrics", metrics);
	wall = json_string(cJSON_GetArrayItem(metrics, 0), "verdict");
	rc = wall != NULL && strcmp(wall, "regressed") == 0 ? EXIT_FINDING :
	    EXIT_OK;
	if (benchctl_json)
		json_print(doc);
	else
		fleet_compare_print(doc);
	cJSON_Delete(doc);
	return (rc);
}
