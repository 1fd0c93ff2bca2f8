/*
 * fleet.c -- benchctl --fleet CONNINFO COMMAND: the fleet's questions,
 * answered from its shared PostgreSQL (the tables benchd's pushes fill;
 * docs/SCHEMA.md, "The fleet's PostgreSQL") instead of one benchd.
 *
 * The commands that read across boxes: sessions, history, regressions
 * (fleet-list.c) and compare (fleet-compare.c); and the shared queue's
 * queue and jobs (fleet-jobs.c).
 * Each query makes its JSON in PostgreSQL (json_agg), so the text and
 * --json outputs come from the same document.  A session of the fleet
 * is named BOX:ID.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

const char	*benchctl_fleet;	/* --fleet CONNINFO, NULL: none */

static const struct cmd_entry	*fleet_table[] = {
	&fleet_sessions_entry,
	&fleet_history_entry,
	&fleet_compare_entry,
	&fleet_regressions_entry,
	&fleet_queue_entry,
	&fleet_jobs_entry,
	NULL
};

/* The fleet's commands, NULL-terminated: what "commands" lists. */
const struct cmd_entry *const *
fleet_commands(void)
{
	return (fleet_table);
}

/* The fleet's command named name, or NULL. */
const struct cmd_entry *
fleet_lookup(const char *name)
{
	size_t	i;

	for (i = 0; fleet_table[i] != NULL; i++) {
		if (strcmp(fleet_table[i]->name, name) == 0)
			return (fleet_table[i]);
	}
	return (NULL);
}

/* The connection, or NULL (said why; exit EX_UNAVAILABLE). */
static PGconn *
fleet_connect(void)
{
	PGconn	*pg;

	if ((pg = PQconnectdb(benchctl_fleet)) == NULL)
		fatalx("out of memory");
	if (PQstatus(pg) != CONNECTION_OK) {
		log_warnx("--fleet: %s", PQerrorMessage(pg));
		PQfinish(pg);
		return (NULL);
	}
	return (pg);
}

/*
 * Run a query whose one row and column is a JSON document; *doc is it
 * parsed, NULL when there is no row.  0, EX_UNAVAILABLE when the server
 * cannot be reached, or EXIT_DAEMON when it refuses the query.
 */
int
fleet_query(const char *sql, int n, const char *const *params, cJSON **doc)
{
	PGconn		*pg;
	PGresult	*r;
	int		 rc = 0;

	*doc = NULL;
	if ((pg = fleet_connect()) == NULL)
		return (EX_UNAVAILABLE);
	r = PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		log_warnx("--fleet: %s", PQerrorMessage(pg));
		rc = EXIT_DAEMON;
	} else if (PQntuples(r) == 0)
		rc = 0;
	else if ((*doc = cJSON_Parse(PQgetvalue(r, 0, 0))) == NULL) {
		log_warnx("--fleet: the server's answer is not JSON");
		rc = EXIT_DAEMON;
	}
	PQclear(r);
	PQfinish(pg);
	return (rc);
}

/* Print {"key": doc} as --json does, and free doc. */
void
fleet_json_print(const char *key, cJSON *doc)
{
	cJSON	*out;

	if ((out = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	cJSON_AddItemToObject(out, key, doc);
	json_print(out);
	cJSON_Delete(out);
}

/* "BOX:ID" into box (caller frees) and id; -1 when it is not one. */
int
fleet_session_name(const char *name, char **box, int64_t *id)
{
	const char	*colon = strrchr(name, ':');
	char		*end;
	long long	 v;

	if (colon == NULL || colon == name)
		return (-1);
	v = strtoll(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || v <= 0)
		return (-1);
	*box = xstrndup(name, (size_t)(colon - name));
	*id = v;
	return (0);
}
