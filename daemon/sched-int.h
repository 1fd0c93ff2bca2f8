/* sched-int.h -- the session in flight, shared by sched*.c only. */
#ifndef BENCHD_SCHED_INT_H
#define BENCHD_SCHED_INT_H

#include <sched.h>
#include <stdint.h>
#include <time.h>

#include <event2/event.h>

#include "cgroup.h"
#include "fsm.h"
#include "runner.h"

struct profile_fold;
struct profile_row;

/*
 * The session in flight: its state machine (fsm.c decides every step)
 * and what the scheduler holds to carry the steps out.
 */
struct srun {
	int64_t		 id;
	struct fsm	 fsm;
	struct config	*conf;		/* the config it started with */
	const struct suite *suite;
	char		**build_argv;
	char		**argv;
	struct runner	*runner;	/* the child of the step under way */
	char		*cg_dir;	/* its cgroup, NULL: none */
	int		 children;	/* spawned so far, naming cgroups */
	struct timing	*timing;
	int64_t		 run_started;	/* ms since the epoch */
	struct run_result rr;		/* the run that ended */
	char		*out_tail;	/* its output, when it failed */
	size_t		 out_len;
	char		*err_tail;
	size_t		 err_len;
	int64_t		 throttle_delta;/* -1: not available */
	struct cgroup_usage usage;	/* from its cgroup; -1: none */
	int64_t		 busy_before;	/* its CPUs' busy time at the spawn */
	int		 busy_ncpus;	/* how many; 0: not known */
	int64_t		 others_us;	/* CPU others took there; -1: ? */
	const char	*progress_key;	/* what the last progress said */
	struct timespec	 progress_at;	/* and when (CLOCK_MONOTONIC) */

	/* CPU placement. */
	int		 have_cpus;
	cpu_set_t	 cpus;
	char		*cpus_text;

	/* The canonical-conditions gate. */
	int		 canonical;	/* for the next run */
	char		*snapshot;	/* JSON of the last check */
	int		 throttle_ok;
	uint64_t	 throttle_before;
	int		 waiting;
	int64_t		 wait_since;	/* ms since the epoch */
	struct timespec	 wait_start;	/* CLOCK_MONOTONIC */
	char		*wait_reason;
	int		 wait_told;	/* the wait's alert made */
	struct event	*recheck;

	/* queue --profile: one more run under perf, not measured. */
	char		*perf;
	char		*perf_dir;	/* private, 0700 */
	char		*perf_data;
	const char	*perf_event;
	uint64_t	 profile_wall;
	struct profile_fold *fold;
	struct profile_row *prof_row;	/* the outcome, until stored */

	/* On a repository (sched-rev.c): per arm, 0 A and 1 B. */
	int64_t		 ab_id;		/* 0: not an A/B test */
	int64_t		 arm_id[2];	/* the arms' sessions */
	char		*commit[2];
	char		*wt[2];		/* worktrees */
	char		*build_dir[2];	/* kept between revisions */
	char		*metric;	/* an A/B test's, NULL: wall */
};

/* sched.c */
struct srun *sched_current(void);
void	sched_step(struct srun *, const struct fsm_input *);
void	sched_drive(struct srun *, enum fsm_event, const char *reason);
void	sched_notify_progress(struct srun *);
void	sched_notify_start(struct srun *);

/* sched-cgroup.c */
void	sched_cgroup_init(void);
const char *sched_cgroup_where(void);
void	sched_cgroup_sweep(void);
void	sched_cgroup_open(struct srun *);
void	sched_cgroup_close(struct srun *, int joined, struct cgroup_usage *);

/* sched-stall.c */
void	sched_stall_init(void);
void	sched_stall_moved(void);

/* sched-recover.c */
int	sched_recover(void);

/* sched-run.c: the actions that spawn, stop and record. */
int	sched_spawn(struct srun *, char **, const char *, int,
	    runner_output_cb, runner_done_cb, char **);
int	sched_spawn_build(struct srun *, struct fsm_input *);
int	sched_spawn_run(struct srun *, struct fsm_input *);
int	sched_record_run(struct srun *, struct fsm_input *);
void	sched_exited(struct srun *, const struct run_result *, int ok,
	    int disturbed, char *reason);
void	sched_cleanup(struct srun *);
char	*sched_stderr_excerpt(struct srun *);

/* sched-profile.c */
int	sched_profile_record(struct srun *, struct fsm_input *);
int	sched_profile_script(struct srun *, struct fsm_input *);
int	sched_profile_store(struct srun *, struct fsm_input *);
void	sched_profile_free(struct srun *);

/* sched-hold.c */
void	sched_hold(struct srun *, const char *what);
void	sched_hold_clear(void);
void	sched_hold_forget(struct srun *);
int	sched_store_answer(struct srun *, int rc, struct fsm_input *);

/* sched-verdict.c */
void	sched_verdict(struct srun *);
struct ab_decision;
void	sched_verdict_confirmed(int64_t, const struct ab_decision *, double);

/* sched-rev.c */
struct session_start;
struct session_row;
const char *sched_cwd(const struct srun *);
int64_t	sched_arm_id(const struct srun *);
double	sched_metric(struct srun *, const struct run_result *);
char	*sched_rev_setup(struct srun *, const struct session_row *);
void	sched_rev_free(struct srun *);
void	sched_rev_orphan(struct srun *, const struct session_row *,
	    const char *);
int	sched_rev_cancel_pair(const struct session_row *, const char *,
	    int64_t *);
int	sched_checkout(struct srun *, struct fsm_input *);
void	sched_rev_env(const struct srun *, char ***);
int	sched_rev_start(struct srun *, struct session_start *);
int	sched_rev_finish(struct srun *);
void	sched_rev_end(struct srun *);
void	sched_confirm(struct srun *, int64_t base);

/* sched-gate.c */
void	sched_gate(struct srun *, struct fsm_input *);
void	sched_gate_wait(struct srun *);
void	sched_snapshot(struct srun *);
void	sched_place(struct srun *);
void	sched_unplace(struct srun *);
void	sched_gate_init(void);

#endif
