/*
 * cmd-sessions.c -- sessions [SUITE] [--last N]: one row per session.
 *
 * The WALL column comes from each Session's "wall" member. A daemon older
 * than that member sends none: then one session.get per session that has
 * measured runs fills it in, pipelined a window at a time (benchd answers
 * in order). VERDICT is the comparison with the suite's baseline made when
 * the session finished ("-": there was none). --json prints session.list's
 * result only.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

#define SESSIONS_WINDOW	32		/* session.get requests in flight */

static int	cmd_sessions_exec(struct cmd *);

static const struct cmd_option	cmd_sessions_options[] = {
	{ "last", CMD_ARG_NUMBER, 1, 10000 },
	{ NULL, 0, 0, 0 }
};

const struct cmd_entry	cmd_sessions_entry = {
	"sessions", "[SUITE] [--last N]",
	"list the last N sessions (default 20), of one suite or all",
	0, 1, cmd_sessions_options, 0, cmd_sessions_exec
};

static int
cmd_sessions_get(struct rpc *rpc, int64_t id, int64_t *reqp)
{
	cJSON	*params;

	if ((params = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	cJSON_AddNumberToObject(params, "id", (double)id);
	cJSON_AddBoolToObject(params, "runs", 0);
	return (rpc_send(rpc, "session.get", params, reqp));
}

/*
 * Fetch session.get for each session with measured runs but no "wall"
 * member at all (null means no measured run yet); NULL for the others.
 */
static int
cmd_sessions_fetch(struct rpc *rpc, const cJSON *sessions, cJSON **got)
{
	const cJSON	*s;
	int64_t		*ids, *reqs, measured;
	int		*slots, n, k = 0, sent = 0, done = 0, i = 0, rc = 0;

	n = cJSON_GetArraySize(sessions);
	ids = xcalloc((size_t)n + 1, sizeof *ids);
	reqs = xcalloc((size_t)n + 1, sizeof *reqs);
	slots = xcalloc((size_t)n + 1, sizeof *slots);
	cJSON_ArrayForEach(s, sessions) {
		if (cJSON_GetObjectItemCaseSensitive(s, "wall") == NULL &&
		    json_int(s, "measured", &measured) == 0 && measured > 0 &&
		    json_int(s, "id", &ids[k]) == 0)
			slots[k++] = i;
		i++;
	}
	while (rc == 0 && done < k) {
		while (rc == 0 && sent < k && sent - done < SESSIONS_WINDOW) {
			rc = cmd_sessions_get(rpc, ids[sent], &reqs[sent]);
			sent++;
		}
		if (rc == 0)
			rc = rpc_recv(rpc, reqs[done], &got[slots[done]]);
		done++;
	}
	free(slots);
	free(reqs);
	free(ids);
	return (rc);
}

/* The table; got[i] is session i's session.get result, or NULL. */
static void
cmd_sessions_print(const cJSON *sessions, cJSON **got)
{
	const cJSON	*s, *wall;
	struct table	*t;
	char		*params, buf[OUTPUT_LEN * 2];
	int		 i = 0;

	t = table_create();
	table_column(t, "ID", TABLE_RIGHT);
	table_column(t, "SUITE", TABLE_LEFT);
	table_column(t, "PARAMS", TABLE_LEFT);
	table_column(t, "LABEL", TABLE_LEFT);
	table_column(t, "STATE", TABLE_LEFT);
	table_column(t, "RUNS", TABLE_RIGHT);
	table_column(t, "WALL(mean±sd)", TABLE_RIGHT);
	table_column(t, "VERDICT", TABLE_LEFT);
	table_column(t, "QUEUED", TABLE_LEFT);
	cJSON_ArrayForEach(s, sessions) {
		table_cell_int(t, s, "id");
		table_cell(t, "%s", json_text(s, "suite"));
		params = json_params_text(json_object(s, "params"));
		table_cell(t, "%s", params);
		free(params);
		table_cell(t, "%s", json_text(s, "label"));
		table_cell(t, "%s", json_text(s, "state"));
		table_cell_int(t, s, "measured");
		if ((wall = json_object(s, "wall")) == NULL)
			wall = json_object(json_object(got[i], "summary"),
			    "wall");
		table_cell(t, "%s", output_stats_pm(buf, sizeof buf, wall));
		table_cell(t, "%s", json_text(json_object(s, "verdict"),
		    "verdict"));
		table_cell(t, "%s", json_text(s, "queued_at"));
		i++;
	}
	table_print(t);
	table_free(t);
}

static int
cmd_sessions_exec(struct cmd *cmd)
{
	cJSON		*result, **got;
	const cJSON	*sessions;
	int		 rc, n, i;

	if ((rc = cmd_list_call(cmd, "session.list", &result)) != 0 ||
	    result == NULL)
		return (rc);
	sessions = json_array(result, "sessions");
	if ((n = cJSON_GetArraySize(sessions)) == 0) {
		output_printf("no sessions\n");
		cJSON_Delete(result);
		return (EXIT_OK);
	}
	got = xcalloc((size_t)n, sizeof *got);
	if ((rc = cmd_sessions_fetch(cmd->rpc, sessions, got)) == 0)
		cmd_sessions_print(sessions, got);
	for (i = 0; i < n; i++)
		cJSON_Delete(got[i]);
	free(got);
	cJSON_Delete(result);
	return (rc);
}
