/* store.h -- the SQLite database: sessions, runs, migrations. */
#ifndef BENCHD_STORE_H
#define BENCHD_STORE_H

#include <sys/resource.h>

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

struct store;

/* A session as queued. */
struct session_new {
	const char	*suite;
	const char	*params;	/* JSON object text */
	const char	*label;
	const char	*rev;
	int		 warmup;
	int		 runs;
	int		 max_runs;
	double		 cv_target;
	int64_t		 queued_by;
};

/* One finished execution of the measured command. */
struct run_row {
	int		 seq;
	int		 warmup;	/* 1 warmup, 0 measured */
	int		 iteration;
	int64_t		 started_at;	/* ms since the epoch */
	uint64_t	 wall_ns;
	struct rusage	 ru;
	int		 exit_code;	/* -1 when killed by a signal */
	int		 signal;
	int		 timed_out;
	const char	*stdout_tail;	/* NULL unless the run failed */
	size_t		 stdout_len;
	const char	*stderr_tail;
	size_t		 stderr_len;
	int		 canonical;	/* the gate passed (or policy wait) */
	const char	*conditions;	/* JSON snapshot before the run */
	int64_t		 throttle_delta;/* -1: not available */
	uint64_t	 timing_malformed;
	const char	*timing_example;
	const struct run_phase *phases;
	size_t		 nphases;
};

/* One (prefix, phase) of a run's timing lines. */
struct run_phase {
	const char	*prefix;
	const char	*phase;
	uint64_t	 count;
	uint64_t	 total_ns;
	uint64_t	 max_ns;
};

/* What a session records as it starts. */
struct session_start {
	const char	*text;		/* the suite definition */
	const char	*hash;
	const char	*rev;
	int		 dirty;		/* -1 unknown */
	const char	*cpus;		/* workload affinity, NULL: any */
	int		 nice;
};

/* A session's profile (store-profile.c). */
struct profile_row {
	const char	*state;		/* requested recorded unavailable failed */
	const char	*reason;
	const char	*event;
	int		 frequency;
	uint64_t	 samples;
	uint64_t	 stacks;
	uint64_t	 skipped;
	uint64_t	 wall_ns;
	unsigned char	*folded;	/* zlib */
	size_t		 folded_len;
	size_t		 folded_size;	/* uncompressed */
};

int	store_profile_request(struct store *, int64_t);
int	store_profile_requested(struct store *, int64_t);
int	store_profile_put(struct store *, int64_t, const struct profile_row *);
int	store_profile_get(struct store *, int64_t, int with_folded,
	    struct profile_row *);
void	store_profile_free(struct profile_row *);

/* Called per phase row: measured run seq, prefix, phase, count, ns. */
typedef void	(*store_phase_cb)(void *, int seq, const char *prefix,
		    const char *phase, uint64_t count, uint64_t total_ns,
		    uint64_t max_ns);

int64_t		 store_now_ms(void);

struct store	*store_open(const char *path, char **cause);
void		 store_close(struct store *);
const char	*store_errmsg(struct store *);
int		 store_fault(struct store *);
void		 store_refresh(struct store *);
int		 store_begin(struct store *);
int		 store_commit(struct store *);
void		 store_rollback(struct store *);
int		 store_recover(struct store *, int64_t **ids, size_t *n);

int64_t		 store_session_insert(struct store *, const struct session_new *);
int		 store_session_start(struct store *, int64_t id,
		     const struct session_start *);
int		 store_session_finish(struct store *, int64_t id,
		     const char *state, const char *reason);
int		 store_session_state(struct store *, int64_t id, char *state,
		     size_t len);
int64_t		 store_next_queued(struct store *);
int		 store_run_insert(struct store *, int64_t session,
		     const struct run_row *);

cJSON		*store_session_json(struct store *, int64_t id);
cJSON		*store_session_list(struct store *, const char *suite, int last);
cJSON		*store_queue_list(struct store *);
cJSON		*store_runs_json(struct store *, int64_t id);
int		 store_session_phases(struct store *, int64_t id,
		     store_phase_cb, void *);
void		 store_session_malformed(struct store *, int64_t id,
		     double *n, char **example);
cJSON		*store_first_conditions(struct store *, int64_t id);
/* store-baseline.c */
struct session_meta {
	char		*suite;
	char		*fingerprint;
	char		*suite_hash;
	char		*state;
	char		*params;	/* JSON text */
};
int		 store_session_identity(struct store *, int64_t,
		     const char *fingerprint, const char *command);
int		 store_session_verdict(struct store *, int64_t, int64_t base,
		     const char *verdict, double change, double lo, double hi);
int		 store_session_meta(struct store *, int64_t,
		     struct session_meta *);
void		 store_session_meta_free(struct session_meta *);
int		 store_baseline_set(struct store *, const char *suite,
		     const char *params, int64_t session, int64_t uid);
int64_t		 store_baseline_current(struct store *, const char *suite,
		     const char *params);
int64_t		 store_latest_completed(struct store *, const char *suite,
		     const char *params);
cJSON		*store_baseline_history(struct store *, const char *suite,
		     const char *params);
cJSON		*store_baseline_suites(struct store *, const char *suite);
cJSON		*store_regressions(struct store *, const char *suite);
size_t		 store_suite_means(struct store *, const char *suite,
		     const char *params, int64_t **ids, double **means);
/* One set of parameter values of a suite: its sessions and wall means. */
typedef void	(*store_series_cb)(void *, const char *params,
		    const int64_t *ids, const double *means, size_t n);
void		 store_suite_series(struct store *, const char *suite,
		     store_series_cb, void *);

int		 store_measured(struct store *, int64_t id, double **wall,
		     double **user, double **sys, double **maxrss, size_t *n);

#endif
