/* store-int.h -- what store.c shares with store-read.c, and nothing else. */
#ifndef BENCHD_STORE_INT_H
#define BENCHD_STORE_INT_H

#include <sqlite3.h>

#include <cjson/cJSON.h>

enum stmt_id {
	S_SESSION_INSERT,
	S_SESSION_START,
	S_SESSION_FINISH,
	S_SESSION_STATE,
	S_NEXT_QUEUED,
	S_RUN_INSERT,
	S_PHASE_INSERT,
	S_SESSION_GET,
	S_SESSION_LIST,
	S_SESSION_LIST_SUITE,
	S_QUEUE_LIST,
	S_RUNS,
	S_MEASURED,
	S_RUN_PHASES,
	S_SESSION_PHASES,
	S_SESSION_IDENTITY,
	S_SESSION_VERDICT,
	S_SESSION_META,
	S_BASELINE_INSERT,
	S_BASELINE_CURRENT,
	S_BASELINE_HISTORY,
	S_BASELINE_SUITES,
	S_LATEST_COMPLETED,
	S_REGRESSIONS,
	S_SUITE_MEANS,
	S_SUITE_SERIES,
	S_SESSION_MALFORMED,
	S_FIRST_CONDITIONS,
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
void		 bind_int(sqlite3_stmt *, const char *, int64_t);
void		 bind_text(sqlite3_stmt *, const char *, const char *);
cJSON		*session_rows(sqlite3_stmt *);
cJSON		*json_time(sqlite3_stmt *, int);

#endif
