/*
 * cmd-queue.c -- queue SUITE [k=v ...] [options]: queue sessions, and with
 * --follow watch them to the end.
 *
 * Following uses one new connection per session, in the order benchd will
 * run them: session.subscribe {"id"} (benchd sends session.finished at once
 * when the session has already ended), then session.get for the state at
 * that moment, then notifications until session.finished. One connection per
 * session keeps to what docs/PROTOCOL.md promises about a subscription.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

static int	cmd_queue_exec(struct cmd *);

static const struct cmd_option	cmd_queue_options[] = {
	{ "all",	CMD_ARG_NONE,	0, 0 },
	{ "runs",	CMD_ARG_NUMBER,	1, INT_MAX },
	{ "warmup",	CMD_ARG_NUMBER,	0, 100 },
	{ "label",	CMD_ARG_STRING,	0, 0 },
	{ "rev",	CMD_ARG_STRING,	0, 0 },
	{ "follow",	CMD_ARG_NONE,	0, 0 },
	{ "profile",	CMD_ARG_NONE,	0, 0 },
	{ NULL, 0, 0, 0 }
};

const struct cmd_entry	cmd_queue_entry = {
	"queue",
	"SUITE [k=v ...] [--all] [--runs N] [--warmup N] [--label TEXT] "
	"[--rev REV] [--profile] [--follow]",
	"queue a session of SUITE (with --all, one per parameter value)",
	1, -1, cmd_queue_options, 0, cmd_queue_exec
};

/* What --follow keeps between progress lines. */
struct follow {
	int64_t		 id;
	const char	*suite;
	int		 tty;		/* redraw one line with \r */
	size_t		 width;		/* of the line on screen */
};

/* The session.queue params from the command line; NULL after an error. */
static cJSON *
cmd_queue_params(struct cmd *cmd, int *rcp)
{
	cJSON	*params, *kv;

	if ((params = cJSON_CreateObject()) == NULL ||
	    (kv = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	cJSON_AddStringToObject(params, "suite", cmd->argv[0]);
	cJSON_AddItemToObject(params, "params", kv);
	if ((*rcp = cmd_params(cmd, 1, kv)) != 0) {
		cJSON_Delete(params);
		return (NULL);
	}
	if (cmd_flag(cmd, "all"))
		cJSON_AddBoolToObject(params, "all", 1);
	if (cmd_flag(cmd, "profile"))
		cJSON_AddBoolToObject(params, "profile", 1);
	if (cmd_value(cmd, "runs") != NULL)
		cJSON_AddNumberToObject(params, "runs",
		    (double)cmd_number(cmd, "runs", 0));
	if (cmd_value(cmd, "warmup") != NULL)
		cJSON_AddNumberToObject(params, "warmup",
		    (double)cmd_number(cmd, "warmup", 0));
	if (cmd_value(cmd, "label") != NULL)
		cJSON_AddStringToObject(params, "label",
		    cmd_value(cmd, "label"));
	if (cmd_value(cmd, "rev") != NULL)
		cJSON_AddStringToObject(params, "rev", cmd_value(cmd, "rev"));
	return (params);
}

/* Draw p (a Session, its progress or a session.progress notification). */
static void
cmd_queue_draw(struct follow *f, const cJSON *p)
{
	char	*line;
	size_t	 w;

	if (benchctl_json)
		return;
	line = output_progress(f->id, f->suite, p, f->tty);
	if (f->tty) {
		w = output_width(line);
		printf("\r%s%*s", line, f->width > w ? (int)(f->width - w) : 0,
		    "");
		f->width = w;
	} else
		printf("%s\n", line);
	fflush(stdout);
	free(line);
}

static int
cmd_queue_ended(const cJSON *session)
{
	const char	*state = json_string(session, "state");

	return (state != NULL && strcmp(state, "queued") != 0 &&
	    strcmp(state, "running") != 0);
}

static int
cmd_queue_get(struct rpc *rpc, int64_t id, int runs, cJSON **resultp)
{
	cJSON	*params;

	if ((params = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	cJSON_AddNumberToObject(params, "id", (double)id);
	cJSON_AddBoolToObject(params, "runs", runs);
	return (rpc_call(rpc, "session.get", params, resultp));
}

/* Wait for session.finished for f->id, drawing progress on the way. */
static int
cmd_queue_wait(struct rpc *rpc, struct follow *f)
{
	cJSON		*params;
	char		*method;
	int64_t		 id;
	int		 rc, done = 0;

	while (!done) {
		if ((rc = rpc_notification(rpc, &method, &params)) != 0)
			return (rc);
		if (json_int(params, "id", &id) == 0 && id == f->id) {
			if (strcmp(method, "session.progress") == 0)
				cmd_queue_draw(f, params);
			else if (strcmp(method, "session.finished") == 0)
				done = 1;
		}
		free(method);
		cJSON_Delete(params);
	}
	return (0);
}

/*
 * Follow one session to its end; its session.get result goes to *resultp
 * and, for the text summary, its session.phases result to *phasesp.
 */
static int
cmd_queue_follow(struct cmd *cmd, struct follow *f, cJSON **resultp,
    cJSON **phasesp)
{
	struct rpc	*rpc;
	cJSON		*params, *result;
	const cJSON	*session;
	int		 rc, ended;

	*resultp = *phasesp = NULL;
	rpc = rpc_create(cmd->socket);
	if ((params = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	cJSON_AddNumberToObject(params, "id", (double)f->id);
	if ((rc = rpc_call(rpc, "session.subscribe", params, &result)) != 0)
		goto out;
	cJSON_Delete(result);
	if ((rc = cmd_queue_get(rpc, f->id, 0, &result)) != 0)
		goto out;
	session = json_object(result, "session");
	cmd_queue_draw(f, json_object(session, "progress") != NULL ?
	    json_object(session, "progress") : session);
	ended = cmd_queue_ended(session);
	cJSON_Delete(result);
	if (!ended && (rc = cmd_queue_wait(rpc, f)) != 0)
		goto out;
	rc = cmd_queue_get(rpc, f->id, 1, resultp);
	/* As for show: without the phases the summary still stands. */
	if (rc == 0 && !benchctl_json)
		(void)cmd_show_phases(rpc, *resultp, phasesp);
out:
	if (f->tty && f->width != 0 && !benchctl_json)
		printf("\n");
	rpc_free(rpc);
	return (rc);
}

/* --follow: each queued session in turn; 1 if any did not complete. */
static int
cmd_queue_follow_all(struct cmd *cmd, const cJSON *sessions)
{
	const cJSON	*s;
	cJSON		*all, *result, *phases;
	struct follow	 f;
	int		 rc = EXIT_OK;

	if ((all = cJSON_CreateArray()) == NULL)
		fatalx("out of memory");
	cJSON_ArrayForEach(s, sessions) {
		memset(&f, 0, sizeof f);
		if (json_int(s, "id", &f.id) == -1)
			continue;
		f.suite = json_string(s, "suite");
		f.tty = isatty(STDOUT_FILENO);
		if (!benchctl_json)
			output_printf("\n");
		if ((rc = cmd_queue_follow(cmd, &f, &result, &phases)) != 0) {
			cJSON_Delete(all);
			return (rc);
		}
		if (!benchctl_json) {
			output_printf("\n");
			cmd_show_print(result, phases);
		}
		cJSON_Delete(phases);
		if (cmd_show_exit(json_object(result, "session")) != EXIT_OK)
			rc = EXIT_FINDING;
		cJSON_AddItemToArray(all, result);
	}
	if (benchctl_json)
		json_print(all);
	cJSON_Delete(all);
	return (rc);
}

static int
cmd_queue_exec(struct cmd *cmd)
{
	cJSON		*params, *result;
	const cJSON	*sessions, *s;
	char		*text;
	int64_t		 id;
	int		 rc = 0;

	if ((params = cmd_queue_params(cmd, &rc)) == NULL)
		return (rc);
	if ((rc = rpc_call(cmd->rpc, "session.queue", params, &result)) != 0)
		return (rc);
	sessions = json_array(result, "sessions");
	if (benchctl_json && !cmd_flag(cmd, "follow"))
		json_print(result);
	else if (!benchctl_json) {
		cJSON_ArrayForEach(s, sessions) {
			text = json_params_text(json_object(s, "params"));
			if (json_int(s, "id", &id) == -1)
				id = 0;
			output_line("queued #%lld %s%s%s", (long long)id,
			    json_text(s, "suite"), strcmp(text, "-") == 0 ?
			    "" : "  ", strcmp(text, "-") == 0 ? "" : text);
			free(text);
		}
	}
	if (cmd_flag(cmd, "follow"))
		rc = cmd_queue_follow_all(cmd, sessions);
	cJSON_Delete(result);
	return (rc);
}
