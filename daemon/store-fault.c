/*
 * store-fault.c -- transactions, and the database's refusals: which
 * failures are the machine's (locked, read-only, full, I/O) and may clear,
 * and a fresh connection once a read-only file is writable again.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store-int.h"

/*
 * Whether the last failure is one of the machine's (locked, read-only,
 * full, I/O) that may clear by itself, rather than a bug in a statement.
 */
int
store_fault(struct store *st)
{
	int	code = sqlite3_errcode(st->db);

	if (code == SQLITE_OK)
		code = st->last_code;
	switch (code & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_READONLY:
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
	case SQLITE_NOMEM:
		return (1);
	}
	return (0);
}

/*
 * SQLite opens a file it may not write read-only, and stays so: before a
 * retry, a read-only connection is replaced by a fresh one, which is
 * writable once the file is.
 */
void
store_refresh(struct store *st)
{
	sqlite3	*db = NULL;
	char	*cause = NULL;
	int	 i;

	if (sqlite3_db_readonly(st->db, "main") != 1)
		return;
	if (store_connect(st->path, &db, &cause) != 0) {
		free(cause);
		return;
	}
	if (sqlite3_db_readonly(db, "main") == 1) {
		sqlite3_close(db);
		return;
	}
	for (i = 0; i < S_COUNT; i++) {
		sqlite3_finalize(st->stmt[i]);
		st->stmt[i] = NULL;
	}
	sqlite3_close(st->db);
	st->db = db;
	log_info("database %s: writable again", st->path);
}

/*
 * Several writes as one: all of them or none.  Inside a transaction the
 * caller opened (a tool driving the store), a savepoint instead.
 */
int
store_begin(struct store *st)
{
	st->savepoint = !sqlite3_get_autocommit(st->db);
	if (sqlite3_exec(st->db, st->savepoint ? "SAVEPOINT store_tx" :
	    "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		log_warnx("database: %s", sqlite3_errmsg(st->db));
		return (-1);
	}
	return (0);
}

int
store_commit(struct store *st)
{
	if (sqlite3_exec(st->db, st->savepoint ? "RELEASE store_tx" :
	    "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		log_warnx("database: %s", sqlite3_errmsg(st->db));
		store_rollback(st);
		return (-1);
	}
	return (0);
}

/* Keeps the error of the failure it undoes, for store_errmsg. */
void
store_rollback(struct store *st)
{
	st->last_code = sqlite3_errcode(st->db);
	snprintf(st->last_msg, sizeof st->last_msg, "%s",
	    sqlite3_errmsg(st->db));
	if (st->savepoint)
		sqlite3_exec(st->db, "ROLLBACK TO store_tx; RELEASE store_tx",
		    NULL, NULL, NULL);
	else if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->savepoint = 0;
}
