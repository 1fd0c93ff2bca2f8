/*
 * method-notifications.c -- "notifications.list": the outbox, newest
 * event first, one entry per event and target: what was sent, what is
 * pending (and when it is tried next), what failed and why.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "benchd.h"
#include "conf.h"
#include "store-alert.h"
#include "store.h"

#define NOTIFICATIONS_DEFAULT	100
#define NOTIFICATIONS_MAX	10000

static cJSON *
wire_alert(const struct alert_row *r)
{
	cJSON	*o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)r->id);
	cJSON_AddStringToObject(o, "event", r->kind);
	wire_time(o, "created", r->created);
	if (r->session > 0)
		cJSON_AddNumberToObject(o, "session", (double)r->session);
	else
		cJSON_AddNullToObject(o, "session");
	cJSON_AddStringToObject(o, "summary", r->summary);
	if (r->target != NULL) {
		cJSON_AddStringToObject(o, "target", r->target);
		cJSON_AddStringToObject(o, "state", r->state);
		cJSON_AddNumberToObject(o, "attempts", r->attempts);
		wire_time(o, "next_attempt", strcmp(r->state, "pending") == 0 ?
		    r->next_attempt : 0);
		wire_time(o, "done_at", r->done_at);
	} else {
		/* Made when [notify] named no target: the journal only. */
		cJSON_AddNullToObject(o, "target");
		cJSON_AddStringToObject(o, "state", "journal");
		cJSON_AddNumberToObject(o, "attempts", 0);
		cJSON_AddNullToObject(o, "next_attempt");
		cJSON_AddNullToObject(o, "done_at");
	}
	if (r->last_error != NULL)
		cJSON_AddStringToObject(o, "error", r->last_error);
	else
		cJSON_AddNullToObject(o, "error");
	cJSON_AddItemToObject(o, "payload", wire_json_text(r->payload));
	return (o);
}

static int
notifications_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	struct alert_list	 l;
	const char		*state = NULL;
	int64_t			 limit = NOTIFICATIONS_DEFAULT;
	cJSON			*a, *t;
	size_t			 i;

	if (rpc_param_string(params, "state", 16, &state, e) < 0 ||
	    rpc_param_int(params, "limit", 1, NOTIFICATIONS_MAX, &limit,
	    e) < 0)
		return (-1);
	if (state != NULL && strcmp(state, "pending") != 0 &&
	    strcmp(state, "sent") != 0 && strcmp(state, "failed") != 0)
		return (rpc_fail(e, RPC_INVALID_PARAMS, NULL, "state must be "
		    "pending, sent or failed"));
	if (store_alert_list(db, state, (int)limit, &l) != 0)
		return (rpc_storage_read(e));
	*result = cJSON_CreateObject();
	t = cJSON_AddArrayToObject(*result, "targets");
	if (cfg->notify.exec != NULL)
		cJSON_AddItemToArray(t, cJSON_CreateString("exec"));
	if (cfg->notify.webhook != NULL)
		cJSON_AddItemToArray(t, cJSON_CreateString("webhook"));
	a = cJSON_AddArrayToObject(*result, "notifications");
	for (i = 0; i < l.n; i++)
		cJSON_AddItemToArray(a, wire_alert(&l.v[i]));
	alert_list_free(&l);
	return (0);
}

const struct rpc_method method_notifications_list = { "notifications.list",
    0, notifications_exec };
