/*
 * cmd-status.c -- status: the daemon, its running session and its queue.
 * A session's verdict (its comparison with the baseline) is made when it
 * finishes, so it is printed here only when benchd sends one.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

static int	cmd_status_exec(struct cmd *);

static const struct cmd_option	cmd_status_options[] = {
	{ NULL, 0, 0, 0 }
};

const struct cmd_entry	cmd_status_entry = {
	"status", "",
	"show benchd, the running session with its progress, and the queue",
	0, 0, cmd_status_options, 0, cmd_status_exec
};

static void
cmd_status_running(const cJSON *s)
{
	char	*line, *params;
	int64_t	 id = 0;

	if (s == NULL) {
		output_printf("Running:   nothing\n");
		return;
	}
	(void)json_int(s, "id", &id);
	if (json_object(s, "progress") != NULL)
		line = output_progress(id, json_string(s, "suite"),
		    json_object(s, "progress"), 0);
	else
		line = output_progress(id, json_string(s, "suite"), s, 0);
	params = json_params_text(json_object(s, "params"));
	output_printf("Running:   %s\n", line);
	output_line("           params %s, label %s, started %s", params,
	    json_text(s, "label"), json_text(s, "started_at"));
	free(params);
	free(line);
	if ((line = output_against(json_object(s, "verdict"))) != NULL) {
		output_printf("           %s\n", line);
		free(line);
	}
}

/* 1 when some queued session carries a verdict (benchd may add them). */
static int
cmd_status_verdicts(const cJSON *queue)
{
	const cJSON	*s;

	cJSON_ArrayForEach(s, queue) {
		if (json_string(json_object(s, "verdict"), "verdict") != NULL)
			return (1);
	}
	return (0);
}

static void
cmd_status_queue(const cJSON *queue)
{
	const cJSON	*s;
	struct table	*t;
	char		*params;
	int64_t		 id;
	int		 n, verdicts = cmd_status_verdicts(queue);

	if ((n = cJSON_GetArraySize(queue)) == 0) {
		output_printf("Queue:     empty\n");
		return;
	}
	output_printf("Queue:     %d session%s\n\n", n, n == 1 ? "" : "s");
	t = table_create();
	table_column(t, "ID", TABLE_RIGHT);
	table_column(t, "SUITE", TABLE_LEFT);
	table_column(t, "PARAMS", TABLE_LEFT);
	table_column(t, "LABEL", TABLE_LEFT);
	table_column(t, "QUEUED", TABLE_LEFT);
	if (verdicts)
		table_column(t, "VERDICT", TABLE_LEFT);
	cJSON_ArrayForEach(s, queue) {
		if (json_int(s, "id", &id) == 0)
			table_cell(t, "%lld", (long long)id);
		else
			table_cell(t, "-");
		table_cell(t, "%s", json_text(s, "suite"));
		params = json_params_text(json_object(s, "params"));
		table_cell(t, "%s", params);
		free(params);
		table_cell(t, "%s", json_text(s, "label"));
		table_cell(t, "%s", json_text(s, "queued_at"));
		if (verdicts)
			table_cell(t, "%s", json_text(json_object(s,
			    "verdict"), "verdict"));
	}
	table_print(t);
	table_free(t);
}

/* A write the database refused, held by benchd until it takes it. */
static void
cmd_status_storage(const cJSON *st)
{
	int64_t	retry = 0;

	if (st == NULL || cJSON_IsTrue(cJSON_GetObjectItem(st, "ok")))
		return;
	(void)json_int(st, "retry", &retry);
	output_line("Storage:   FAULT since %s: %s", json_text(st, "since"),
	    json_text(st, "error"));
	output_line("           holding %s, retrying every %lld s",
	    json_text(st, "held"), (long long)retry);
}

/* The box's part in a fleet: its backlog and the last error. */
static void
cmd_status_fleet(const cJSON *f)
{
	int64_t	backlog = 0, pushed = 0, retry = 0, job = 0;

	if (f == NULL)
		return;
	(void)json_int(f, "backlog", &backlog);
	(void)json_int(f, "pushed", &pushed);
	(void)json_int(f, "retry_in", &retry);
	output_line("Fleet:     box %s, PostgreSQL %s, backlog %lld, pushed "
	    "%lld", json_text(f, "box"), json_bool(f, "connected") ?
	    "connected" : "not connected", (long long)backlog,
	    (long long)pushed);
	if (json_string(f, "last_error") != NULL)
		output_line("           last error: %s%s", json_text(f,
		    "last_error"), retry > 0 ? " (retrying)" : "");
	if (json_int(f, "job", &job) == 0)
		output_line("           running job %lld of the shared queue",
		    (long long)job);
	else if (json_bool(f, "queue"))
		output_line("           taking jobs from the shared queue");
}

static int
cmd_status_exec(struct cmd *cmd)
{
	cJSON		*result;
	const cJSON	*running;
	const char	*version;
	char		 up[OUTPUT_LEN];
	double		 uptime;
	int64_t		 protocol = 0, pid = 0;
	int		 rc;

	if ((rc = rpc_call(cmd->rpc, "status", NULL, &result)) != 0)
		return (rc);
	if (json_int(result, "protocol", &protocol) == 0 &&
	    protocol != BENCHCTL_PROTOCOL)
		log_warnx("benchd speaks protocol %lld, benchctl %d",
		    (long long)protocol, BENCHCTL_PROTOCOL);
	if (benchctl_json) {
		json_print(result);
		cJSON_Delete(result);
		return (EXIT_OK);
	}

	if ((version = json_string(result, "version")) == NULL)
		version = "?";
	(void)json_int(result, "pid", &pid);
	if (json_number(result, "uptime", &uptime) == -1)
		uptime = -1;
	output_printf("benchd %s (protocol %lld), pid %lld, up %s\n", version,
	    (long long)protocol, (long long)pid,
	    output_duration(up, sizeof up, uptime));
	output_printf("Socket:    %s\n", json_text(result, "socket"));
	output_printf("Database:  %s\n", json_text(result, "database"));
	cmd_status_storage(json_object(result, "storage"));
	cmd_status_fleet(json_object(result, "fleet"));
	running = json_object(result, "running");
	cmd_status_running(running);
	cmd_status_queue(json_array(result, "queue"));
	cJSON_Delete(result);
	return (EXIT_OK);
}
