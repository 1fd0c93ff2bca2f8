/* method-status.c -- "status": the daemon, the session in flight, the queue. */
#include "config.h"

#include <time.h>
#include <unistd.h>

#include "benchd.h"
#include "conf.h"
#include "fleet.h"
#include "store.h"

static int
status_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	struct session_row	 r;
	struct session_list	 q;
	struct sched_progress	 p;
	struct hold_status	 h;
	struct fleet_status	 fs;
	struct timespec		 now;
	cJSON			*o, *running, *a;
	size_t			 i;

	if (store_queue_list(db, &q) != 0)
		return (rpc_storage_read(e));
	clock_gettime(CLOCK_MONOTONIC, &now);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "version", PACKAGE_VERSION);
	cJSON_AddNumberToObject(o, "protocol", PROTOCOL_VERSION);
	cJSON_AddNumberToObject(o, "pid", getpid());
	cJSON_AddNumberToObject(o, "uptime", (now.tv_sec - start_time.tv_sec) +
	    (now.tv_nsec - start_time.tv_nsec) / 1e9);
	cJSON_AddStringToObject(o, "database", db_path);
	cJSON_AddStringToObject(o, "socket", socket_path);
	if (sched_progress(&p) && store_session_get(db, sched_running(),
	    &r) == 0) {
		running = wire_session(&r);
		cJSON_AddItemToObject(running, "progress", wire_progress(&p));
		method_add_brief(running, r.id, 0);
		session_row_free(&r);
		cJSON_AddItemToObject(o, "running", running);
	} else
		cJSON_AddNullToObject(o, "running");
	a = cJSON_AddArrayToObject(o, "queue");
	for (i = 0; i < q.n; i++)
		cJSON_AddItemToArray(a, wire_session(&q.v[i]));
	session_list_free(&q);
	sched_hold_status(&h);
	cJSON_AddItemToObject(o, "storage", wire_hold(&h));
	fleet_status(&fs);
	cJSON_AddItemToObject(o, "fleet", wire_fleet(&fs));
	fleet_status_free(&fs);
	*result = o;
	return (0);
}

const struct rpc_method method_status = { "status", 0, status_exec };
