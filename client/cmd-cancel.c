/*
 * cmd-cancel.c -- cancel ID: cancel a queued or running session.  A
 * running one ends once its workload is gone: the command subscribes to
 * the session first, and when benchd answers "cancelling" it waits for
 * the session's end before it says so.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

static int	cmd_cancel_exec(struct cmd *);

static const struct cmd_option	cmd_cancel_options[] = {
	{ NULL, 0, 0, 0 }
};

const struct cmd_entry	cmd_cancel_entry = {
	"cancel", "ID",
	"cancel a queued session, or stop a running one",
	1, 1, cmd_cancel_options, 0, cmd_cancel_exec
};

/* Wait for the end of session id; its final state goes into result. */
static int
cmd_cancel_wait(struct cmd *cmd, int64_t id, cJSON *result)
{
	cJSON		*params;
	char		*method;
	const char	*state;
	int64_t		 nid;
	int		 rc, done = 0;

	while (!done) {
		if ((rc = rpc_notification(cmd->rpc, &method, &params)) != 0)
			return (rc);
		if (strcmp(method, "session.finished") == 0 &&
		    json_int(params, "id", &nid) == 0 && nid == id &&
		    (state = json_string(params, "state")) != NULL) {
			cJSON_ReplaceItemInObject(result, "state",
			    cJSON_CreateString(state));
			done = 1;
		}
		free(method);
		cJSON_Delete(params);
	}
	return (0);
}

static int
cmd_cancel_exec(struct cmd *cmd)
{
	cJSON		*params, *result;
	const char	*state;
	int64_t		 id, rid;
	int		 rc;

	if ((rc = cmd_id(cmd, 0, &id)) != 0)
		return (rc);
	/* Before the cancel, so that the session's end cannot be missed. */
	if ((params = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	cJSON_AddNumberToObject(params, "id", (double)id);
	if ((rc = rpc_call(cmd->rpc, "session.subscribe", params,
	    &result)) != 0)
		return (rc);
	cJSON_Delete(result);
	if ((params = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	cJSON_AddNumberToObject(params, "id", (double)id);
	if ((rc = rpc_call(cmd->rpc, "session.cancel", params, &result)) != 0)
		return (rc);
	state = json_string(result, "state");
	if (state != NULL && strcmp(state, "cancelling") == 0 &&
	    (rc = cmd_cancel_wait(cmd, id, result)) != 0) {
		cJSON_Delete(result);
		return (rc);
	}
	if (benchctl_json)
		json_print(result);
	else {
		if (json_int(result, "id", &rid) == -1)
			rid = id;
		output_printf("session #%lld %s\n", (long long)rid,
		    json_string(result, "state") != NULL ?
		    json_string(result, "state") : "cancelled");
	}
	cJSON_Delete(result);
	return (EXIT_OK);
}
