/*
 * store.c -- the SQLite database.
 *
 * One connection, WAL, prepared statements made once and reused.  Each
 * write is its own short transaction so a run is durable the moment it
 * ends; a crash loses at most the run in flight.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "log.h"
#include "schema.h"
#include "store-int.h"
#include "store.h"
#include "xmalloc.h"

static const char *state_names[] = {
	[SESSION_QUEUED] = "queued",
	[SESSION_RUNNING] = "running",
	[SESSION_COMPLETED] = "completed",
	[SESSION_UNSTABLE] = "unstable",
	[SESSION_FAILED] = "failed",
	[SESSION_CANCELLED] = "cancelled",
	[SESSION_INTERRUPTED] = "interrupted",
};

const char *
session_state_name(enum session_state st)
{
	return (state_names[st]);
}

int
session_state_parse(const char *name)
{
	size_t	i;

	for (i = 0; name != NULL &&
	    i < sizeof state_names / sizeof state_names[0]; i++)
		if (strcmp(name, state_names[i]) == 0)
			return ((int)i);
	return (-1);
}

int
session_state_done(enum session_state st)
{
	return (st == SESSION_COMPLETED || st == SESSION_UNSTABLE);
}

int64_t
store_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

const char *
store_errmsg(struct store *st)
{
	if (sqlite3_errcode(st->db) == SQLITE_OK && st->last_code != SQLITE_OK)
		return (st->last_msg);
	return (sqlite3_errmsg(st->db));
}

static void
bind_blob(sqlite3_stmt *s, const char *name, const char *v, size_t len)
{
	int	idx = sqlite3_bind_parameter_index(s, name);

	if (v == NULL)
		sqlite3_bind_null(s, idx);
	else
		sqlite3_bind_blob64(s, idx, v, len, SQLITE_TRANSIENT);
}

static int
store_exec(struct store *st, const char *sql, char **cause)
{
	char	*err = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		xasprintf(cause, "%s", err != NULL ? err : "unknown error");
		sqlite3_free(err);
		return (-1);
	}
	return (0);
}

static int
store_user_version(struct store *st)
{
	sqlite3_stmt	*s;
	int		 v = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s,
	    NULL) != SQLITE_OK)
		return (-1);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return (v);
}

/* Apply the schema steps the database lacks, each in its own transaction. */
static int
store_migrate(struct store *st, const char *path, char **cause)
{
	char	*err = NULL, *sql;
	int	 v;
	size_t	 i;

	if ((v = store_user_version(st)) < 0) {
		xasprintf(cause, "%s: %s", path, sqlite3_errmsg(st->db));
		return (-1);
	}
	if ((size_t)v > schema_nsteps) {
		xasprintf(cause, "%s: database schema version %d is newer than "
		    "this benchd knows (%zu); upgrade benchd", path, v,
		    schema_nsteps);
		return (-1);
	}
	for (i = v; i < schema_nsteps; i++) {
		xasprintf(&sql, "BEGIN IMMEDIATE; %s PRAGMA user_version = %zu; "
		    "COMMIT;", schema_steps[i].sql, i + 1);
		if (store_exec(st, sql, &err) != 0) {
			xasprintf(cause, "%s: schema %s: %s", path,
			    schema_steps[i].name, err);
			free(err);
			free(sql);
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			return (-1);
		}
		free(sql);
		log_info("database %s: applied %s", path, schema_steps[i].name);
	}
	return (0);
}

/*
 * Short: a database another process holds locked must not stall the
 * event loop; the write is held and retried instead (sched-hold.c).
 */
#define STORE_BUSY_MS	200
#define STORE_MODE	0640		/* the database, -wal and -shm */

int
store_connect(const char *path, sqlite3 **db, char **cause)
{
	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		xasprintf(cause, "%s: %s", path, *db != NULL ?
		    sqlite3_errmsg(*db) : "out of memory");
		sqlite3_close(*db);
		*db = NULL;
		return (-1);
	}
	sqlite3_busy_timeout(*db, STORE_BUSY_MS);
	return (0);
}

/*
 * A new database is made here, 0640 whatever the umask: SQLite would make
 * it 0644 less the umask, and gives its -wal and -shm files the mode of
 * the database.  An existing file keeps the mode it has.
 */
static void
store_create(const char *path)
{
	int	fd;

	/* Names SQLite does not take as a file (tests and fuzzers use them). */
	if (*path == '\0' || strcmp(path, ":memory:") == 0 ||
	    strncmp(path, "file:", 5) == 0)
		return;
	if ((fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
	    STORE_MODE)) == -1)
		return;		/* there already, or SQLite says why not */
	if (fchmod(fd, STORE_MODE) == -1)
		log_warn("%s: fchmod", path);
	close(fd);
}

struct store *
store_open(const char *path, char **cause)
{
	struct store	*st = xcalloc(1, sizeof *st);
	char		*err = NULL;

	st->path = xstrdup(path);
	store_create(path);
	if (store_connect(path, &st->db, cause) != 0)
		goto fail;
	if (store_exec(st, "PRAGMA journal_mode = WAL; "
	    "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
	    &err) != 0) {
		xasprintf(cause, "%s: %s", path, err);
		free(err);
		goto fail;
	}
	if (store_migrate(st, path, cause) != 0)
		goto fail;
	return (st);
fail:
	store_close(st);
	return (NULL);
}

void
store_close(struct store *st)
{
	int	i;

	if (st == NULL)
		return;
	for (i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

/*
 * At start: sessions left running by a previous benchd were interrupted.
 * Their ids go to *ids (caller frees) so their leftovers can be killed.
 */
int
store_recover(struct store *st, int64_t **ids, size_t *n)
{
	sqlite3_stmt	*s;
	char		*err = NULL;

	*ids = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT id FROM sessions WHERE "
	    "state = 'running'", -1, &s, NULL) != SQLITE_OK)
		return (-1);
	while (sqlite3_step(s) == SQLITE_ROW) {
		*ids = xreallocarray(*ids, *n + 1, sizeof **ids);
		(*ids)[(*n)++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	if (*n == 0)
		return (0);	/* no write, so a locked database is no matter */
	if (store_exec(st, "UPDATE sessions SET state = 'interrupted', "
	    "reason = 'benchd stopped while the session ran', "
	    "finished_at = CAST(strftime('%s','now') AS INTEGER) * 1000, "
	    "pgid = NULL, wall_mean = (" WALL_MEAN ") WHERE state = 'running'",
	    &err) != 0) {
		free(err);	/* the caller reports store_errmsg() */
		return (-1);
	}
	return (0);
}

int64_t
store_session_insert(struct store *st, const struct session_new *sn)
{
	sqlite3_stmt	*s = store_stmt(st, S_SESSION_INSERT);

	bind_text(s, ":suite", sn->suite);
	bind_text(s, ":params", sn->params);
	bind_text(s, ":label", sn->label);
	bind_text(s, ":rev", sn->rev);
	bind_int(s, ":warmup", sn->warmup);
	bind_int(s, ":runs", sn->runs);
	bind_int(s, ":max_runs", sn->max_runs);
	bind_real(s, ":cv", sn->cv_target);
	bind_real(s, ":noise", sn->noise);
	bind_int(s, ":now", store_now_ms());
	bind_int(s, ":by", sn->queued_by);
	if (sn->commit_time > 0)
		bind_int(s, ":ctime", sn->commit_time);
	bind_text(s, ":subject", sn->commit_subject);
	if (sn->ab_id > 0)
		bind_int(s, ":ab", sn->ab_id);
	bind_text(s, ":arm", sn->ab_arm);
	bind_text(s, ":follow", sn->follow);
	return (store_insert(st, s));
}

/* The session starts: what it runs, where and on what machine. */
int
store_session_start(struct store *st, int64_t id, const struct session_start *ss)
{
	sqlite3_stmt	*s = store_stmt(st, S_SESSION_START);

	bind_int(s, ":id", id);
	bind_int(s, ":now", store_now_ms());
	bind_text(s, ":text", ss->text);
	bind_text(s, ":hash", ss->hash);
	bind_text(s, ":rev", ss->rev);
	bind_text(s, ":cpus", ss->cpus);
	bind_int(s, ":nice", ss->nice);
	if (ss->dirty >= 0)
		bind_int(s, ":dirty", ss->dirty);
	bind_text(s, ":fp", ss->fingerprint);
	bind_text(s, ":cmd", ss->command);
	bind_text(s, ":cgroup", ss->cgroup);
	bind_real(s, ":max_stall", ss->max_stall);
	return (store_step_done(st, s));
}

int
store_session_finish(struct store *st, int64_t id, enum session_state state,
    const char *reason)
{
	sqlite3_stmt	*s = store_stmt(st, S_SESSION_FINISH);

	bind_int(s, ":id", id);
	bind_text(s, ":state", session_state_name(state));
	bind_text(s, ":reason", reason);
	bind_int(s, ":now", store_now_ms());
	return (store_step_done(st, s));
}

int64_t
store_next_queued(struct store *st)
{
	sqlite3_stmt	*s = store_stmt(st, S_NEXT_QUEUED);
	int64_t		 id = 0;

	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return (id);
}

static int64_t
tv_us(const struct timeval *tv)
{
	return ((int64_t)tv->tv_sec * 1000000 + tv->tv_usec);
}

/* A figure that may be unavailable (-1): NULL then. */
static void
bind_known(sqlite3_stmt *s, const char *name, int64_t v)
{
	if (v >= 0)
		bind_int(s, name, v);
}

/* Bind the run's columns; the phases follow in the same transaction. */
static void
bind_run(sqlite3_stmt *s, int64_t session, const struct run_row *r)
{
	bind_int(s, ":session", session);
	bind_int(s, ":seq", r->seq);
	bind_text(s, ":kind", r->warmup ? "warmup" : "measured");
	bind_int(s, ":iter", r->iteration);
	bind_int(s, ":started", r->started_at);
	bind_int(s, ":wall", (int64_t)r->wall_ns);
	bind_int(s, ":utime", tv_us(&r->ru.ru_utime));
	bind_int(s, ":stime", tv_us(&r->ru.ru_stime));
	bind_int(s, ":maxrss", r->ru.ru_maxrss);
	bind_int(s, ":minflt", r->ru.ru_minflt);
	bind_int(s, ":majflt", r->ru.ru_majflt);
	bind_int(s, ":nvcsw", r->ru.ru_nvcsw);
	bind_int(s, ":nivcsw", r->ru.ru_nivcsw);
	bind_int(s, ":inblock", r->ru.ru_inblock);
	bind_int(s, ":oublock", r->ru.ru_oublock);
	if (r->exit_code >= 0)
		bind_int(s, ":exit", r->exit_code);
	if (r->signal > 0)
		bind_int(s, ":signal", r->signal);
	bind_int(s, ":timedout", r->timed_out);
	bind_blob(s, ":out", r->stdout_tail, r->stdout_len);
	bind_blob(s, ":err", r->stderr_tail, r->stderr_len);
	bind_int(s, ":canonical", r->canonical);
	bind_text(s, ":conditions", r->conditions);
	if (r->throttle_delta >= 0)
		bind_int(s, ":throttle", r->throttle_delta);
	bind_int(s, ":malformed", (int64_t)r->timing_malformed);
	bind_text(s, ":example", r->timing_example);
	bind_known(s, ":cg_user", r->cg_user_us);
	bind_known(s, ":cg_system", r->cg_system_us);
	bind_known(s, ":stall", r->cpu_stall_us);
	bind_known(s, ":io_stall", r->io_stall_us);
	bind_known(s, ":mem_peak", r->mem_peak_kb);
	bind_known(s, ":others", r->others_cpu_us);
	if (r->others_cpu_us >= 0)
		bind_int(s, ":busy_cpus", r->busy_cpus);
	bind_int(s, ":disturbed", r->disturbed);
}

/* SQLite integers are signed: a saturated total stays the largest one. */
static int64_t
clamp64(uint64_t v)
{
	return (v > INT64_MAX ? INT64_MAX : (int64_t)v);
}

/* One run and its phases, committed together the moment the run ends. */
int
store_run_insert(struct store *st, int64_t session, const struct run_row *r)
{
	sqlite3_stmt	*s;
	int64_t		 run;
	size_t		 i;

	if (store_begin(st) != 0)
		return (-1);
	s = store_stmt(st, S_RUN_INSERT);
	bind_run(s, session, r);
	if (store_step_done(st, s) != 0)
		goto fail;
	run = sqlite3_last_insert_rowid(st->db);
	for (i = 0; i < r->nphases; i++) {
		s = store_stmt(st, S_PHASE_INSERT);
		bind_int(s, ":run", run);
		bind_text(s, ":prefix", r->phases[i].prefix);
		bind_text(s, ":phase", r->phases[i].phase);
		bind_int(s, ":ord", (int64_t)i);
		bind_int(s, ":count", (int64_t)r->phases[i].count);
		bind_int(s, ":total", clamp64(r->phases[i].total_ns));
		bind_int(s, ":max", clamp64(r->phases[i].max_ns));
		if (store_step_done(st, s) != 0)
			goto fail;
	}
	return (store_commit(st));
fail:
	store_rollback(st);
	return (-1);
}

