/* method-status.c -- "status": the daemon, the session in flight, the queue. */
#include "config.h"

#include <time.h>
#include <unistd.h>

#include "benchd.h"
#include "conf.h"
#include "store.h"

static int
status_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	struct timespec	 now;
	cJSON		*r = cJSON_CreateObject(), *running;
	int64_t		 id;

	clock_gettime(CLOCK_MONOTONIC, &now);
	cJSON_AddStringToObject(r, "version", PACKAGE_VERSION);
	cJSON_AddNumberToObject(r, "protocol", PROTOCOL_VERSION);
	cJSON_AddNumberToObject(r, "pid", getpid());
	cJSON_AddNumberToObject(r, "uptime", (now.tv_sec - start_time.tv_sec) +
	    (now.tv_nsec - start_time.tv_nsec) / 1e9);
	cJSON_AddStringToObject(r, "database", db_path);
	cJSON_AddStringToObject(r, "socket", socket_path);
	if ((id = sched_running()) != 0 &&
	    (running = store_session_json(db, id)) != NULL) {
		cJSON_AddItemToObject(running, "progress", sched_progress());
		session_add_brief(running, 0, NULL);
		cJSON_AddItemToObject(r, "running", running);
	} else
		cJSON_AddNullToObject(r, "running");
	cJSON_AddItemToObject(r, "queue", store_queue_list(db));
	cJSON_AddItemToObject(r, "storage", sched_hold_json());
	*result = r;
	return (0);
}

const struct rpc_method method_status = { "status", 0, status_exec };
