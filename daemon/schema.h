/* schema.h -- the SQL migrations from schema/, embedded at build time. */
#ifndef BENCHD_SCHEMA_H
#define BENCHD_SCHEMA_H

#include <stddef.h>

struct schema_step {
	const char	*name;	/* "001-init.sql" */
	const char	*sql;
};

/* Step i brings the database to PRAGMA user_version i + 1. */
extern const struct schema_step	schema_steps[];
extern const size_t		schema_nsteps;

/* The fleet's PostgreSQL steps (schema/pg/); step i makes version i + 1. */
extern const struct schema_step	pg_schema_steps[];
extern const size_t		pg_schema_nsteps;

#endif
