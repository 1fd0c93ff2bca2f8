/* cmd-cancel.c -- cancel ID: cancel a queued or running session. */
#include "config.h"

#include <stdio.h>

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

static int
cmd_cancel_exec(struct cmd *cmd)
{
	cJSON	*params, *result;
	int64_t	 id, rid;
	int	 rc;

	if ((rc = cmd_id(cmd, 0, &id)) != 0)
		return (rc);
	if ((params = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	cJSON_AddNumberToObject(params, "id", (double)id);
	if ((rc = rpc_call(cmd->rpc, "session.cancel", params, &result)) != 0)
		return (rc);
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
