/*
 * store.h -- the SQLite database: sessions, runs, baselines, profiles.
 *
 * The only place SQL lives.  What it reads back comes as plain structs;
 * the protocol's JSON is made from them by the methods (wire.c), never
 * here.
 */
#ifndef BENCHD_STORE_H
#define BENCHD_STORE_H

#include <sys/resource.h>

#include <stddef.h>
#include <stdint.h>

#include "rules.h"

#define STORE_NONE	INT64_MIN	/* an integer column that is NULL */

struct store;

/* The states a session goes through, as the sessions table spells them. */
enum session_state {
	SESSION_QUEUED,
	SESSION_RUNNING,
	SESSION_COMPLETED,
	SESSION_UNSTABLE,
	SESSION_FAILED,
	SESSION_CANCELLED,
	SESSION_INTERRUPTED
};

const char		*session_state_name(enum session_state);
/* The state a name stands for; -1 for an unknown name. */
int			 session_state_parse(const char *);
/* Completed or unstable: a session whose runs enter comparisons. */
int			 session_state_done(enum session_state);

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
	double		 noise;		/* the suite's; NAN: unknown */
	int64_t		 queued_by;
	int64_t		 commit_time;	/* seconds, 0: not known */
	const char	*commit_subject;
	int64_t		 ab_id;		/* 0: not an arm of an A/B test */
	const char	*ab_arm;	/* "A", "B" */
	const char	*follow;	/* queued following this branch */
};

/* A session as stored (store_session_get and the lists). */
struct session_row {
	int64_t		 id;
	char		*suite;
	char		*params;	/* JSON object text, the suite's order */
	char		*label;		/* NULL: none */
	char		*rev;
	int		 dirty;		/* -1 unknown */
	enum session_state state;
	char		*reason;
	int		 warmup;
	int		 runs;
	int		 max_runs;
	double		 cv_target;
	int		 measured;	/* runs stored, of each kind */
	int		 warmups_done;
	int64_t		 queued_at;	/* ms since the epoch, 0: not yet */
	int64_t		 started_at;
	int64_t		 finished_at;
	int64_t		 queued_by;	/* uid, STORE_NONE */
	char		*command;
	char		*fingerprint;	/* JSON object text */
	char		*suite_hash;
	char		*cpus;
	int64_t		 nice;		/* STORE_NONE before the start */
	char		*cgroup;	/* where its runs ran, or why not */
	double		 max_stall;	/* NAN before the start */
	double		 noise;		/* the suite's when queued; NAN */
	/* The comparison with the baseline in force when it ended. */
	enum verdict	 verdict;	/* VERDICT_NONE: none made */
	int64_t		 baseline_id;	/* STORE_NONE */
	double		 change;	/* NAN when not known */
	double		 ci_low;
	double		 ci_high;
	double		 threshold;	/* the verdict's; NAN */
	enum verdict_rule rule;		/* what decided it; RULE_NONE */
	/* At a commit benchd checked out (010-revisions.sql). */
	int64_t		 commit_time;	/* seconds, STORE_NONE */
	char		*commit_subject;
	int64_t		 ab_id;		/* 0: not an arm of an A/B test */
	char		*ab_arm;	/* "A", "B", NULL */
	char		*confirmation;	/* of a regressed verdict, NULL */
	char		*follow;	/* queued following this branch */
};

/* The comparison of a finished session with its baseline, as stored. */
struct session_verdict {
	int64_t		 baseline;
	enum verdict	 verdict;
	double		 change;	/* NAN when not known */
	double		 ci_low;
	double		 ci_high;
	double		 threshold;	/* NAN when nothing was compared */
	enum verdict_rule rule;		/* RULE_NONE, likewise */
};

struct session_list {
	struct session_row *v;
	size_t		 n;
};

void	session_row_free(struct session_row *);
void	session_list_free(struct session_list *);

/* One (prefix, phase) of a run's timing lines. */
struct run_phase {
	const char	*prefix;
	const char	*phase;
	uint64_t	 count;
	uint64_t	 total_ns;
	uint64_t	 max_ns;
};

/*
 * One finished execution of the measured command: what the scheduler
 * records, and what store_runs reads back (then the strings and phases
 * belong to the run_list).
 */
struct run_row {
	int		 seq;
	int		 warmup;	/* 1 warmup, 0 measured */
	int		 iteration;
	int64_t		 started_at;	/* ms since the epoch */
	uint64_t	 wall_ns;
	struct rusage	 ru;
	int		 exit_code;	/* -1 when killed by a signal */
	int		 signal;	/* 0: none */
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
	/* From the run's own cgroup; -1: not available. */
	int64_t		 cg_user_us;	/* CPU time of the whole tree */
	int64_t		 cg_system_us;
	int64_t		 cpu_stall_us;	/* runnable, waiting for a CPU */
	int64_t		 io_stall_us;
	int64_t		 mem_peak_kb;
	/* CPU time others took on its CPUs (-1: not known); how many. */
	int64_t		 others_cpu_us;
	int		 busy_cpus;
	int		 disturbed;	/* interference above max_stall */
};

struct run_list {
	struct run_row	*v;
	size_t		 n;
};

void	run_list_free(struct run_list *);
/* A run the statistics count: measured, exited 0, in time, undisturbed. */
int	run_counted(const struct run_row *);

/*
 * The measured runs the statistics count, in order: wall, user and sys in
 * seconds, maxrss in KiB.
 */
struct measured {
	double		*wall;
	double		*user;
	double		*sys;
	double		*maxrss;
	size_t		 n;
};

void	measured_free(struct measured *);

/* What a session records as it starts. */
struct session_start {
	const char	*text;		/* the suite definition */
	const char	*hash;
	const char	*rev;
	int		 dirty;		/* -1 unknown */
	const char	*cpus;		/* workload affinity, NULL: any */
	int		 nice;
	const char	*fingerprint;	/* JSON text */
	const char	*command;	/* as a person would type it */
	const char	*cgroup;	/* the runs' cgroups, or why none */
	double		 max_stall;
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

/* One change of a suite's baseline. */
struct baseline_change {
	int64_t		 session;
	int64_t		 set_by;	/* uid, STORE_NONE */
	int64_t		 set_at;	/* ms since the epoch */
};

/* A suite and one set of its parameter values (JSON text). */
struct suite_params {
	char		*suite;
	char		*params;
};

/* One A/A pair of a calibration: session b against session a. */
struct calibration_pair {
	int		 pair;		/* 1 .. pairs */
	int64_t		 a;
	int64_t		 b;
	enum verdict	 verdict;	/* VERDICT_NONE: not compared */
	double		 change;	/* NAN: not compared, or undefined */
	double		 ci_low;
	double		 ci_high;
};

enum calibration_state {
	CALIBRATION_RUNNING,	/* a session is queued or running */
	CALIBRATION_COMPLETED,	/* some pair was compared */
	CALIBRATION_FAILED	/* no pair could be */
};

/* A calibration: N A/A pairs of one suite and set of parameter values. */
struct calibration_row {
	int64_t		 id;
	char		*suite;
	char		*params;	/* JSON object text, as sessions */
	int		 pairs;
	enum calibration_state state;
	char		*reason;	/* NULL: none */
	double		 noise;		/* the suite's, when queued */
	int		 counted;	/* pairs compared */
	int		 regressed;	/* of them, by the noise alone */
	int		 improved;
	double		 false_rate;	/* NAN until a pair is compared */
	double		 learned;	/* NAN: too few pairs */
	int64_t		 created_at;	/* ms since the epoch */
	int64_t		 finished_at;	/* 0: not yet */
	int64_t		 queued_by;	/* uid, STORE_NONE */
	struct calibration_pair *v;	/* its pairs, in order */
	size_t		 nv;
};

void		 calibration_row_free(struct calibration_row *);
const char	*calibration_state_name(enum calibration_state);

/* Called per phase row: measured run seq, prefix, phase, count, ns. */
typedef void	(*store_phase_cb)(void *, int seq, const char *prefix,
		    const char *phase, uint64_t count, uint64_t total_ns,
		    uint64_t max_ns);
/* One set of parameter values of a suite: its sessions and wall means. */
typedef void	(*store_series_cb)(void *, const char *params,
		    const int64_t *ids, const double *means, size_t n);

/* store.c */
int64_t		 store_now_ms(void);
struct store	*store_open(const char *path, char **cause);
void		 store_close(struct store *);
const char	*store_errmsg(struct store *);
int		 store_recover(struct store *, int64_t **ids, size_t *n);
int64_t		 store_session_insert(struct store *, const struct session_new *);
int		 store_session_start(struct store *, int64_t id,
		     const struct session_start *);
int		 store_session_finish(struct store *, int64_t id,
		     enum session_state, const char *reason);
int64_t		 store_next_queued(struct store *);
int		 store_run_insert(struct store *, int64_t session,
		     const struct run_row *);

/* store-fault.c */
int		 store_fault(struct store *);
void		 store_refresh(struct store *);
int		 store_begin(struct store *);
int		 store_commit(struct store *);
void		 store_rollback(struct store *);

/* store-read.c: 0, 1 when there is no such session, -1 on error. */
int		 store_session_get(struct store *, int64_t id,
		     struct session_row *);
int		 store_session_list(struct store *, const char *suite, int last,
		     struct session_list *);
int		 store_queue_list(struct store *, struct session_list *);
int		 store_runs(struct store *, int64_t id, struct run_list *);
int		 store_measured(struct store *, int64_t id, struct measured *);
size_t		 store_tree_cpu(struct store *, int64_t id, double **);
size_t		 store_disturbed(struct store *, int64_t id);
int		 store_session_phases(struct store *, int64_t id,
		     store_phase_cb, void *);
void		 store_session_malformed(struct store *, int64_t id,
		     double *n, char **example);
char		*store_first_conditions(struct store *, int64_t id);

/* store-baseline.c */
int		 store_session_verdict(struct store *, int64_t,
		     const struct session_verdict *);
int		 store_baseline_set(struct store *, const char *suite,
		     const char *params, int64_t session, int64_t uid);
int64_t		 store_baseline_current(struct store *, const char *suite,
		     const char *params);
int64_t		 store_latest_completed(struct store *, const char *suite,
		     const char *params);
int		 store_baseline_history(struct store *, const char *suite,
		     const char *params, struct baseline_change **, size_t *);
int		 store_baseline_suites(struct store *, const char *suite,
		     struct suite_params **, size_t *);
void		 suite_params_free(struct suite_params *, size_t);
int		 store_regressions(struct store *, const char *suite,
		     struct session_list *);
size_t		 store_suite_means(struct store *, const char *suite,
		     const char *params, int64_t **ids, double **means);

/* A session of a suite's history: its mean and the code it measured. */
struct history_point {
	int64_t		 id;
	double		 mean;		/* wall, seconds */
	char		*rev;		/* NULL: not given */
	int		 dirty;		/* -1: not known */
};
/* The history of a suite and set of parameter values, oldest first. */
size_t		 store_suite_history(struct store *, const char *suite,
		     const char *params, struct history_point **);
void		 history_points_free(struct history_point *, size_t);
void		 store_suite_series(struct store *, const char *suite,
		     store_series_cb, void *);

/* store-calibrate.c */
int64_t		 store_calibration_insert(struct store *,
		     const struct calibration_row *);
int		 store_calibration_pair_insert(struct store *, int64_t,
		     const struct calibration_pair *);
int		 store_calibration_get(struct store *, int64_t,
		     struct calibration_row *);
int		 store_calibration_list(struct store *, const char *suite,
		     const char *params, int last, int64_t **, size_t *);
size_t		 store_calibrations_running(struct store *, int64_t **);
int		 store_calibration_save(struct store *,
		     const struct calibration_row *);
double		 store_calibration_learned(struct store *, const char *suite,
		     const char *params, int64_t upto, int64_t *id);

/* An interleaved A/B test: two sessions whose runs alternate. */
struct ab_row {
	int64_t		 id;
	char		*suite;
	char		*params;
	int64_t		 session_a;	/* 0 until queued */
	int64_t		 session_b;
	char		*metric;	/* "wall" */
	char		*purpose;	/* manual confirm bisect */
	int64_t		 confirms;	/* the session it confirms, 0 */
	int64_t		 bisect_id;	/* 0 */
	enum verdict	 verdict;	/* VERDICT_NONE: not decided */
	double		 change;	/* NAN */
	double		 ci_low;
	double		 ci_high;
	double		 threshold;
	int		 pairs;
	enum session_state state;	/* session A's */
	char		*rev_a;
	char		*rev_b;
	char		*reason;	/* session A's */
	int		 failed_arm;	/* 0 A, 1 B did not build; -1 */
};

struct ab_list {
	struct ab_row	*v;
	size_t		 n;
};

void		 ab_row_free(struct ab_row *);
void		 ab_list_free(struct ab_list *);

/* store-rev.c */
int64_t		 store_ab_insert(struct store *, const struct ab_row *);
int		 store_ab_arms(struct store *, int64_t, int64_t a, int64_t b);
int		 store_ab_get(struct store *, int64_t, struct ab_row *);
int		 store_ab_decide(struct store *, int64_t, enum verdict,
		     double change, double lo, double hi, double threshold,
		     int pairs, int failed_arm);
int		 store_ab_list(struct store *, const char *suite, int last,
		     struct ab_list *);
int		 store_confirmation_set(struct store *, int64_t,
		     const char *);
int64_t		 store_ab_queue(struct store *, const struct ab_row *,
		     struct session_new *a, struct session_new *b,
		     int64_t ids[2]);

/* A bisection (store-bisect.c); see bisect.h for the marks. */
struct bisect_row {
	int64_t		 id;
	char		*suite;
	char		*params;
	char		*good;		/* full ids */
	char		*bad;
	char		*metric;
	char		*state;		/* running completed failed cancelled */
	char		*reason;
	char		*commits;	/* space-separated, oldest first */
	char		*marks;		/* one per commit */
	int64_t		 step_ab;	/* the A/B test under way, 0 */
	int		 step_index;	/* its commit; -1: the last test */
	int		 retries;
	int		 first_bad;	/* index, -1 until known */
	int64_t		 final_ab;	/* 0 */
	int64_t		 created_at;
	int64_t		 finished_at;
	int64_t		 queued_by;
};

void		 bisect_row_free(struct bisect_row *);
int64_t		 store_bisect_insert(struct store *, const struct bisect_row *);
int		 store_bisect_get(struct store *, int64_t, struct bisect_row *);
int		 store_bisect_save(struct store *, const struct bisect_row *);
size_t		 store_bisect_running(struct store *, int64_t **);
int		 store_bisect_list(struct store *, const char *suite, int last,
		     int64_t **, size_t *);
int64_t		 store_session_of_commit(struct store *, const char *suite,
		     const char *params, const char *rev);
char		*store_follow_get(struct store *, const char *suite,
		     const char *branch);
int		 store_follow_set(struct store *, const char *suite,
		     const char *branch, const char *commit);

/* store-profile.c */
int		 store_profile_request(struct store *, int64_t);
int		 store_profile_requested(struct store *, int64_t);
int		 store_profile_put(struct store *, int64_t,
		     const struct profile_row *);
int		 store_profile_get(struct store *, int64_t, int with_folded,
		     struct profile_row *);
void		 store_profile_free(struct profile_row *);

/* store-fleet.c */
struct fleet_job_row {
	int64_t		 slot_id;	/* job_slots.id in PostgreSQL */
	int64_t		 job_id;
	int64_t		 session_id;	/* 0: refused here */
	char		*state;		/* the session's; NULL: refused */
	char		*reason;
};
int		 store_fleet_next(struct store *, int64_t, int64_t *,
		     int64_t *);
char		*store_fleet_session(struct store *, int64_t);
int		 store_fleet_pushed(struct store *, int64_t, int64_t);
int		 store_fleet_failed(struct store *, int64_t, const char *);
int64_t		 store_fleet_backlog(struct store *, char **);
int		 store_fleet_busy(struct store *);
int		 store_fleet_job_add(struct store *, int64_t, int64_t,
		     int64_t, const char *);
int		 store_fleet_jobs(struct store *, struct fleet_job_row **,
		     size_t *);
void		 fleet_jobs_free(struct fleet_job_row *, size_t);
int		 store_fleet_job_settled(struct store *, int64_t);

#endif
