/* store-int.h -- what the store-*.c files share, and nothing else. */
#ifndef BENCHD_STORE_INT_H
#define BENCHD_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

/* A session's wall mean as 005-indexes.sql keeps it (sessions.wall_mean). */
#define WALL_MEAN \
	"SELECT avg(r.wall_ns) / 1e9 FROM runs r WHERE r.session_id = " \
	"sessions.id AND r.kind = 'measured' AND r.disturbed = 0"

enum stmt_id {
	S_SESSION_INSERT,
	S_SESSION_START,
	S_SESSION_FINISH,
	S_NEXT_QUEUED,
	S_RUN_INSERT,
	S_PHASE_INSERT,
	S_SESSION_GET,
	S_SESSION_LIST,
	S_SESSION_LIST_SUITE,
	S_QUEUE_LIST,
	S_RUNS,
	S_MEASURED,
	S_TREE_CPU,
	S_DISTURBED,
	S_RUN_PHASES,
	S_SESSION_PHASES,
	S_SESSION_VERDICT,
	S_BASELINE_INSERT,
	S_BASELINE_CURRENT,
	S_BASELINE_HISTORY,
	S_BASELINE_SUITES,
	S_LATEST_COMPLETED,
	S_REGRESSIONS,
	S_SUITE_MEANS,
	S_SUITE_HISTORY,
	S_SUITE_SERIES,
	S_SESSION_MALFORMED,
	S_FIRST_CONDITIONS,
	S_PROFILE_REQUEST,
	S_PROFILE_REQUESTED,
	S_PROFILE_PUT,
	S_PROFILE_GET,
	S_CALIBRATION_INSERT,
	S_CALIBRATION_PAIR_INSERT,
	S_CALIBRATION_GET,
	S_CALIBRATION_PAIRS,
	S_CALIBRATION_LIST,
	S_CALIBRATION_RUNNING,
	S_CALIBRATION_SAVE,
	S_CALIBRATION_PAIR_SAVE,
	S_CALIBRATION_LEARNED,
	S_AB_INSERT,
	S_AB_ARMS,
	S_AB_GET,
	S_AB_DECIDE,
	S_CONFIRMATION_SET,
	S_AB_LIST,
	S_BISECT_INSERT,
	S_BISECT_GET,
	S_BISECT_SAVE,
	S_BISECT_RUNNING,
	S_BISECT_LIST,
	S_SESSION_OF_COMMIT,
	S_FOLLOW_GET,
	S_FOLLOW_SET,
	S_FLEET_NEXT,
	S_FLEET_SESSION,
	S_FLEET_PUSHED,
	S_FLEET_FAILED,
	S_FLEET_BACKLOG,
	S_FLEET_BUSY,
	S_FLEET_JOB_ADD,
	S_FLEET_JOBS,
	S_FLEET_JOB_SETTLED,
	S_COUNT
};

struct store {
	sqlite3		*db;
	sqlite3_stmt	*stmt[S_COUNT];
	char		*path;
	int		 savepoint;	/* store_begin nested in a transaction */
	int		 last_code;	/* of the failure a rollback undid */
	char		 last_msg[256];
};

int		 store_connect(const char *, sqlite3 **, char **);
sqlite3_stmt	*store_stmt(struct store *, enum stmt_id);
int		 store_step_done(struct store *, sqlite3_stmt *);
int64_t		 store_insert(struct store *, sqlite3_stmt *);
void		 bind_int(sqlite3_stmt *, const char *, int64_t);
void		 bind_real(sqlite3_stmt *, const char *, double);
void		 bind_text(sqlite3_stmt *, const char *, const char *);
char		*column_dup(sqlite3_stmt *, int);
double		 column_real(sqlite3_stmt *, int);
int64_t		 column_int_or(sqlite3_stmt *, int, int64_t);
int		 session_rows(sqlite3_stmt *, struct session_list *);

extern const char *const stmt_sql[S_COUNT];

#endif
