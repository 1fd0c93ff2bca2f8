/*
 * fleet-list.c -- benchctl --fleet CONNINFO sessions|history|regressions:
 * the sessions of every box, one line each, from the fleet's PostgreSQL.
 *
 *   sessions [SUITE] [--box BOX] [--last N]   the latest sessions
 *   history SUITE [--box BOX] [--last N]      a suite's ended sessions
 *   regressions [SUITE] [--box BOX]           sessions whose verdict, on
 *                                             their own box, is regressed;
 *                                             exit 1 when any
 *
 * Oldest first, as the daemon's own lists; --last N keeps the N latest
 * (default 20; 0: all).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

static int	fleet_sessions_exec(struct cmd *);
static int	fleet_history_exec(struct cmd *);
static int	fleet_regressions_exec(struct cmd *);

static const struct cmd_option	fleet_list_options[] = {
	{ "box", CMD_ARG_STRING, 0, 0 },
	{ "last", CMD_ARG_NUMBER, 0, 1000000 },
	{ NULL, 0, 0, 0 }
};

const struct cmd_entry	fleet_sessions_entry = {
	"sessions", "[SUITE] [--box BOX] [--last N]",
	"the fleet's latest sessions, every box's", 0, 1,
	fleet_list_options, CMD_LOCAL, fleet_sessions_exec
};

const struct cmd_entry	fleet_history_entry = {
	"history", "SUITE [--box BOX] [--last N]",
	"one line per ended session of a suite, across boxes", 1, 1,
	fleet_list_options, CMD_LOCAL, fleet_history_exec
};

const struct cmd_entry	fleet_regressions_entry = {
	"regressions", "[SUITE] [--box BOX] [--last N]",
	"sessions that regressed on their box; exit 1 when any", 0, 1,
	fleet_list_options, CMD_LOCAL, fleet_regressions_exec
};

/*
 * $1 suite or NULL, $2 box or NULL, $3 how many (NULL: all); %s is the
 * kind's own condition.  The N latest, printed oldest first.
 */
#define LIST_SQL \
	"SELECT coalesce(json_agg(x ORDER BY x.finished_at NULLS FIRST, " \
	"x.box, x.id), '[]') FROM (SELECT s.box, s.session_id AS id, " \
	"s.suite, s.params, s.label, s.rev, s.state, s.reason, " \
	"s.started_at, s.finished_at, s.wall_mean, s.verdict, s.change, " \
	"s.change_ci_low, s.change_ci_high, s.baseline_id, " \
	"(SELECT count(*) FROM runs r WHERE r.box = s.box AND " \
	"r.session_id = s.session_id AND r.kind = 'measured' AND " \
	"NOT r.disturbed) AS n FROM sessions s " \
	"WHERE ($1::text IS NULL OR s.suite = $1) AND " \
	"($2::text IS NULL OR s.box = $2) %s " \
	"ORDER BY s.finished_at DESC NULLS LAST, s.box, s.session_id " \
	"LIMIT $3::bigint) x"

static void
fleet_list_print(const cJSON *list, int regressions)
{
	const cJSON	*s;
	struct table	*t = table_create();
	char		 buf[OUTPUT_LEN], *params;
	double		 v, lo, hi;

	if (cJSON_GetArraySize(list) == 0) {
		output_line(regressions ? "no regressions" : "no sessions");
		table_free(t);
		return;
	}
	table_column(t, "BOX", TABLE_LEFT);
	table_column(t, "ID", TABLE_RIGHT);
	table_column(t, "SUITE", TABLE_LEFT);
	table_column(t, "PARAMS", TABLE_LEFT);
	table_column(t, "REV", TABLE_LEFT);
	table_column(t, "STATE", TABLE_LEFT);
	table_column(t, "FINISHED", TABLE_LEFT);
	table_column(t, "N", TABLE_RIGHT);
	table_column(t, "WALL", TABLE_RIGHT);
	table_column(t, regressions ? "CHANGE" : "VERDICT", TABLE_LEFT);
	cJSON_ArrayForEach(s, list) {
		table_cell(t, "%s", json_text(s, "box"));
		table_cell_int(t, s, "id");
		table_cell(t, "%s", json_text(s, "suite"));
		params = json_params_text(json_object(s, "params"));
		table_cell(t, "%s", params);
		free(params);
		table_cell(t, "%.12s", json_text(s, "rev"));
		table_cell(t, "%s", json_text(s, "state"));
		table_cell(t, "%.19s", json_text(s, "finished_at"));
		table_cell_int(t, s, "n");
		if (json_number(s, "wall_mean", &v) == 0)
			table_cell(t, "%s", output_seconds(buf, sizeof buf, v,
			    v));
		else
			table_cell(t, "-");
		if (regressions && json_number(s, "change", &v) == 0 &&
		    json_number(s, "change_ci_low", &lo) == 0 &&
		    json_number(s, "change_ci_high", &hi) == 0)
			table_cell(t, "%s", output_change_ci(buf, sizeof buf,
			    v, lo, hi));
		else
			table_cell(t, "%s", json_text(s, "verdict"));
	}
	table_print(t);
	table_free(t);
}

static int
fleet_list(struct cmd *cmd, const char *suite, const char *cond,
    const char *key, int regressions)
{
	const char	*p[3];
	char		*sql, last[32];
	cJSON		*doc;
	long long	 n = cmd_number(cmd, "last", 20);
	int		 rc;

	snprintf(last, sizeof last, "%lld", n);
	p[0] = suite;
	p[1] = cmd_value(cmd, "box");
	p[2] = n > 0 ? last : NULL;
	xasprintf(&sql, LIST_SQL, cond);
	rc = fleet_query(sql, 3, p, &doc);
	free(sql);
	if (rc != 0)
		return (rc);
	if (benchctl_json) {
		rc = regressions && cJSON_GetArraySize(doc) > 0 ?
		    EXIT_FINDING : EXIT_OK;
		fleet_json_print(key, doc);
		return (rc);
	}
	fleet_list_print(doc, regressions);
	rc = regressions && cJSON_GetArraySize(doc) > 0 ? EXIT_FINDING :
	    EXIT_OK;
	cJSON_Delete(doc);
	return (rc);
}

static int
fleet_sessions_exec(struct cmd *cmd)
{
	return (fleet_list(cmd, cmd->argc > 0 ? cmd->argv[0] : NULL, "",
	    "sessions", 0));
}

static int
fleet_history_exec(struct cmd *cmd)
{
	return (fleet_list(cmd, cmd->argv[0], "AND s.state IN "
	    "('completed', 'unstable')", "history", 0));
}

static int
fleet_regressions_exec(struct cmd *cmd)
{
	return (fleet_list(cmd, cmd->argc > 0 ? cmd->argv[0] : NULL,
	    "AND s.verdict = 'regressed'", "regressions", 1));
}
