/*
 * fleet-pg.c -- the push thread's PostgreSQL connection: connect, bring
 * the fleet's schema up to date (schema/pg/, recorded in fleet_schema),
 * say who this box is, and run statements, turning libpq's failures into
 * the fleet's last error.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "fleet-int.h"
#include "log.h"
#include "schema.h"
#include "xmalloc.h"

/* Any number: the lock two boxes migrating at once take in turn. */
#define FLEET_MIGRATE_LOCK	"6263686400"

/* libpq's message without its trailing newline. */
static void
fleet_pg_fail(struct fleet *f, const char *what, const char *msg)
{
	size_t	len = strlen(msg);

	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		len--;
	fleet_error(f, "%s: %.*s", what, (int)len, msg);
}

/*
 * A statement with text parameters; its result when it succeeded, else
 * NULL with the fleet's last error set.
 */
PGresult *
fleet_pg_exec(struct fleet *f, const char *sql, int n,
    const char *const *params, const char *what)
{
	PGresult	*r;
	ExecStatusType	 rc;

	r = PQexecParams(f->pg, sql, n, NULL, params, NULL, NULL, 0);
	rc = r != NULL ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (rc == PGRES_COMMAND_OK || rc == PGRES_TUPLES_OK)
		return (r);
	fleet_pg_fail(f, what, PQerrorMessage(f->pg));
	PQclear(r);
	return (NULL);
}

/* A statement whose result does not matter: 0, or -1. */
int
fleet_pg_command(struct fleet *f, const char *sql, int n,
    const char *const *params, const char *what)
{
	PGresult	*r;

	if ((r = fleet_pg_exec(f, sql, n, params, what)) == NULL)
		return (-1);
	PQclear(r);
	return (0);
}

/* 1 when the connection is gone (the server down or restarted). */
int
fleet_pg_lost(struct fleet *f)
{
	return (f->pg == NULL || PQstatus(f->pg) != CONNECTION_OK);
}

void
fleet_pg_close(struct fleet *f)
{
	if (f->pg != NULL)
		PQfinish(f->pg);
	f->pg = NULL;
}

/* The steps of schema/pg/ the server has not had, under a lock. */
static int
fleet_pg_migrate(struct fleet *f)
{
	PGresult	*r;
	const char	*p[1];
	char		 v[32];
	long		 have;
	size_t		 i;

	if (fleet_pg_command(f, "BEGIN", 0, NULL, "begin") != 0)
		return (-1);
	if (fleet_pg_command(f, "SELECT pg_advisory_xact_lock("
	    FLEET_MIGRATE_LOCK ")", 0, NULL, "schema lock") != 0 ||
	    fleet_pg_command(f, "CREATE TABLE IF NOT EXISTS fleet_schema ("
	    "version integer NOT NULL, applied_at timestamptz NOT NULL "
	    "DEFAULT now())", 0, NULL, "fleet_schema") != 0 ||
	    (r = fleet_pg_exec(f, "SELECT coalesce(max(version), 0) FROM "
	    "fleet_schema", 0, NULL, "schema version")) == NULL)
		goto fail;
	have = strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	if (have > (long)pg_schema_nsteps) {
		fleet_error(f, "the fleet's schema is version %ld, newer than "
		    "this benchd knows (%zu)", have, pg_schema_nsteps);
		goto fail;
	}
	for (i = (size_t)have; i < pg_schema_nsteps; i++) {
		r = PQexec(f->pg, pg_schema_steps[i].sql);
		if (PQresultStatus(r) != PGRES_COMMAND_OK &&
		    PQresultStatus(r) != PGRES_TUPLES_OK) {
			fleet_pg_fail(f, pg_schema_steps[i].name,
			    PQerrorMessage(f->pg));
			PQclear(r);
			goto fail;
		}
		PQclear(r);
		snprintf(v, sizeof v, "%zu", i + 1);
		p[0] = v;
		if (fleet_pg_command(f, "INSERT INTO fleet_schema (version) "
		    "VALUES ($1)", 1, p, "schema version") != 0)
			goto fail;
		log_info("fleet: PostgreSQL schema step %s applied",
		    pg_schema_steps[i].name);
	}
	return (fleet_pg_command(f, "COMMIT", 0, NULL, "commit"));
fail:
	(void)fleet_pg_command(f, "ROLLBACK", 0, NULL, "rollback");
	return (-1);
}

/* Connect, migrate, and say this box is here with its labels. */
int
fleet_pg_connect(struct fleet *f)
{
	const char	*p[2];

	fleet_pg_close(f);
	f->pg = PQconnectdb(f->conninfo);
	if (f->pg == NULL) {
		fleet_error(f, "PostgreSQL: out of memory");
		return (-1);
	}
	if (PQstatus(f->pg) != CONNECTION_OK) {
		fleet_pg_fail(f, "PostgreSQL", PQerrorMessage(f->pg));
		fleet_pg_close(f);
		return (-1);
	}
	p[0] = f->box;
	p[1] = f->labels;
	if (fleet_pg_command(f, "SET application_name = 'benchd'", 0, NULL,
	    "application_name") != 0 || fleet_pg_migrate(f) != 0 ||
	    fleet_pg_command(f, "INSERT INTO boxes (box, labels) VALUES "
	    "($1, $2::text[]) ON CONFLICT (box) DO UPDATE SET labels = "
	    "EXCLUDED.labels, seen_at = now()", 2, p, "boxes") != 0) {
		fleet_pg_close(f);
		return (-1);
	}
	return (0);
}
