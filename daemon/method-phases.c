/*
 * method-phases.c -- "session.phases": the per-phase breakdown of a
 * session's measured runs, in the shape of the users' "AOT Test Pipeline
 * Timing" table, checked against wall and CPU time (session_phases).
 */
#include "config.h"

#include "benchd.h"
#include "session.h"
#include "store.h"

/* The session.phases result for a session that exists. */
cJSON *
method_phases_json(int64_t id)
{
	struct phase_report	 r;
	cJSON			*out;

	session_phases(db, id, &r);
	out = wire_phases(id, &r);
	session_phases_free(&r);
	return (out);
}

static int
phases_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	struct session_row	r;
	int64_t			id = 0;

	if (rpc_param_id(params, &id, e) != 0)
		return (-1);
	switch (store_session_get(db, id, &r)) {
	case 1:
		return (rpc_fail(e, RPC_APP_ERROR, "no-such-session",
		    "no session %lld", (long long)id));
	case -1:
		return (rpc_storage_read(e));
	}
	session_row_free(&r);
	*result = method_phases_json(id);
	return (0);
}

const struct rpc_method method_session_phases = { "session.phases", 0,
    phases_exec };
