/*
 * fleet-jobs.c -- benchctl --fleet CONNINFO queue|jobs: the fleet's shared
 * queue (docs/SCHEMA.md, "The shared queue") without writing SQL.
 *
 *   queue SUITE [k=v ...] [--labels L,...] [--boxes B,...] [--rev R]
 *         [--label TEXT]        a job, through benchd_enqueue: one slot
 *                               for any box with the labels, or one per
 *                               box named
 *   jobs [SUITE] [--last N]     the N latest jobs (default 20, 0: all),
 *                               oldest first, each with its slots
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

static int	fleet_queue_exec(struct cmd *);
static int	fleet_jobs_exec(struct cmd *);

static const struct cmd_option	fleet_queue_options[] = {
	{ "labels", CMD_ARG_STRING, 0, 0 },
	{ "boxes", CMD_ARG_STRING, 0, 0 },
	{ "rev", CMD_ARG_STRING, 0, 0 },
	{ "label", CMD_ARG_STRING, 0, 0 },
	{ NULL, 0, 0, 0 }
};

static const struct cmd_option	fleet_jobs_options[] = {
	{ "last", CMD_ARG_NUMBER, 0, 1000000 },
	{ NULL, 0, 0, 0 }
};

const struct cmd_entry	fleet_queue_entry = {
	"queue", "SUITE [k=v ...] [--labels L,...] [--boxes B,...] [--rev R] "
	"[--label TEXT]", "a job for the fleet's shared queue", 1, -1,
	fleet_queue_options, CMD_LOCAL, fleet_queue_exec
};

const struct cmd_entry	fleet_jobs_entry = {
	"jobs", "[SUITE] [--last N]",
	"the shared queue's latest jobs and where each ran", 0, 1,
	fleet_jobs_options, CMD_LOCAL, fleet_jobs_exec
};

/* One job with its slots, as a JSON object: %s is the job's alias. */
#define JOB_JSON(j) \
	"json_build_object('id', " j ".id, 'suite', " j ".suite, " \
	"'params', " j ".params, 'labels', " j ".labels, 'boxes', " \
	j ".boxes, 'rev', " j ".rev, 'label', " j ".label, 'created_at', " \
	j ".created_at, 'slots', (SELECT coalesce(json_agg(json_build_object(" \
	"'box', s.box, 'state', s.state, 'holder', s.holder, 'attempts', " \
	"s.attempts, 'session', s.session_id, 'outcome', s.outcome, " \
	"'done_at', s.done_at) ORDER BY s.id), '[]') FROM job_slots s " \
	"WHERE s.job_id = " j ".id))"

/* $1 suite, $2 params (JSON), $3 labels, $4 boxes (comma-separated, NULL:
 * any box), $5 rev, $6 label: the new job's id.  (The job's rows are
 * not visible to the statement that made them: JOB_SQL reads them.) */
#define QUEUE_SQL \
	"SELECT json_build_object('id', benchd_enqueue($1, $2::jsonb, " \
	"coalesce(string_to_array(nullif($3, ''), ','), '{}'), " \
	"string_to_array(nullif($4, ''), ','), $5, $6))"

/* $1 a job's id. */
#define JOB_SQL	"SELECT " JOB_JSON("j") " FROM jobs j WHERE j.id = $1::bigint"

/* $1 suite or NULL, $2 how many (NULL: all): oldest first. */
#define JOBS_SQL \
	"SELECT coalesce(json_agg(x.o ORDER BY x.id), '[]') FROM (SELECT " \
	"j.id, " JOB_JSON("j") " AS o FROM jobs j WHERE $1::text IS NULL " \
	"OR j.suite = $1 ORDER BY j.id DESC LIMIT $2::bigint) x"

/* "box state" for each slot, or "any state": where the job is. */
static void
fleet_job_slots(char *buf, size_t len, const cJSON *job)
{
	const cJSON	*s;
	const char	*who;
	size_t		 off = 0;
	int		 n;

	buf[0] = '\0';
	cJSON_ArrayForEach(s, json_array(job, "slots")) {
		who = json_string(s, "holder");
		if (who == NULL)
			who = json_string(s, "box");
		n = snprintf(buf + off, len - off, "%s%s %s%s%s", off > 0 ?
		    ", " : "", who != NULL ? who : "any", json_text(s, "state"),
		    json_string(s, "outcome") != NULL ? ":" : "",
		    json_string(s, "outcome") != NULL ? json_text(s,
		    "outcome") : "");
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
}

static void
fleet_jobs_print(const cJSON *jobs)
{
	const cJSON	*j;
	struct table	*t;
	char		*params, where[OUTPUT_LEN];

	if (cJSON_GetArraySize(jobs) == 0) {
		output_line("no jobs");
		return;
	}
	t = table_create();
	table_column(t, "JOB", TABLE_RIGHT);
	table_column(t, "SUITE", TABLE_LEFT);
	table_column(t, "PARAMS", TABLE_LEFT);
	table_column(t, "REV", TABLE_LEFT);
	table_column(t, "CREATED", TABLE_LEFT);
	table_column(t, "SLOTS", TABLE_LEFT);
	cJSON_ArrayForEach(j, jobs) {
		table_cell_int(t, j, "id");
		table_cell(t, "%s", json_text(j, "suite"));
		params = json_params_text(json_object(j, "params"));
		table_cell(t, "%s", params);
		free(params);
		table_cell(t, "%.12s", json_text(j, "rev"));
		table_cell(t, "%.19s", json_text(j, "created_at"));
		fleet_job_slots(where, sizeof where, j);
		table_cell(t, "%s", where);
	}
	table_print(t);
	table_free(t);
}

static int
fleet_queue_exec(struct cmd *cmd)
{
	const char	*p[6];
	cJSON		*kv, *doc, *out;
	char		*params, idtext[32];
	int64_t		 id;
	int		 rc;

	if ((kv = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	if ((rc = cmd_params(cmd, 1, kv)) != 0) {
		cJSON_Delete(kv);
		return (rc);
	}
	if ((params = cJSON_PrintUnformatted(kv)) == NULL)
		fatalx("out of memory");
	cJSON_Delete(kv);
	p[0] = cmd->argv[0];
	p[1] = params;
	p[2] = cmd_value(cmd, "labels");
	p[3] = cmd_value(cmd, "boxes");
	p[4] = cmd_value(cmd, "rev");
	p[5] = cmd_value(cmd, "label");
	rc = fleet_query(QUEUE_SQL, 6, p, &doc);
	free(params);
	if (rc != 0)
		return (rc);
	if (doc == NULL || json_int(doc, "id", &id) != 0)
		id = 0;
	snprintf(idtext, sizeof idtext, "%lld", (long long)id);
	p[0] = idtext;
	rc = fleet_query(JOB_SQL, 1, p, &out);
	cJSON_Delete(doc);
	doc = out;
	if (rc != 0)
		return (rc);
	if (doc == NULL) {
		log_warnx("--fleet: the job was not queued");
		return (EXIT_DAEMON);
	}
	if (benchctl_json) {
		fleet_json_print("job", doc);
		return (EXIT_OK);
	}
	output_printf("job %lld queued for %s\n", (long long)id,
	    cmd_value(cmd, "boxes") != NULL ? cmd_value(cmd, "boxes") :
	    "any box with its labels");
	cJSON_Delete(doc);
	return (EXIT_OK);
}

static int
fleet_jobs_exec(struct cmd *cmd)
{
	const char	*p[2];
	char		 last[32];
	cJSON		*doc;
	long long	 n = cmd_number(cmd, "last", 20);
	int		 rc;

	snprintf(last, sizeof last, "%lld", n);
	p[0] = cmd->argc > 0 ? cmd->argv[0] : NULL;
	p[1] = n > 0 ? last : NULL;
	if ((rc = fleet_query(JOBS_SQL, 2, p, &doc)) != 0)
		return (rc);
	if (benchctl_json) {
		fleet_json_print("jobs", doc);
		return (EXIT_OK);
	}
	fleet_jobs_print(doc);
	cJSON_Delete(doc);
	return (EXIT_OK);
}
