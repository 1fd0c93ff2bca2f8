/* sched-int.h -- the session in flight, shared by sched*.c only. */
#ifndef BENCHD_SCHED_INT_H
#define BENCHD_SCHED_INT_H

#include <sched.h>
#include <stdint.h>

#include <event2/event.h>

#include "runner.h"

enum phase {
	PH_BUILD,
	PH_WARMUP,
	PH_MEASURED,
	PH_DONE,
	PH_PROFILE
};

struct profile_fold;

struct srun {
	int64_t		 id;
	struct config	*conf;		/* the config it started with */
	const struct suite *suite;
	char		**keys;		/* queued parameter values */
	char		**values;
	size_t		 nparams;
	char		**build_argv;
	char		**argv;
	int		 warmup;
	int		 runs;
	int		 max_runs;
	double		 cv_target;
	enum phase	 phase;
	int		 seq;
	int		 warmups_done;
	int		 measured;
	double		*walls;
	double		 last_wall;
	int64_t		 run_started;
	int		 progress_key;	/* what the last progress said */
	struct timespec	 progress_at;	/* and when (CLOCK_MONOTONIC) */
	struct runner	*runner;
	struct timing	*timing;
	int		 stopping;	/* 1 cancel, 2 shutdown */
	char		*stop_reason;

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
	struct event	*recheck;
	void		(*resume)(struct srun *);

	/* Writes the database refused, held until it takes them. */
	int		 held;		/* the run that ended, in held_rr */
	struct run_result held_rr;
	char		*fin_state;	/* the end of the session */
	char		*fin_reason;

	/* queue --profile: one more run under perf, not measured. */
	int		 profile;
	char		*after_state;	/* how the session ends after it */
	char		*after_reason;
	char		*perf;
	char		*perf_data;
	const char	*perf_event;
	uint64_t	 profile_wall;
	struct profile_fold *fold;
	struct profile_row *prof_row;	/* held until stored */
};

/* sched.c */
void	sched_finish(struct srun *, const char *state, const char *reason);
void	sched_notify_progress(struct srun *);
void	sched_notify_start(struct srun *);

/* sched-recover.c */
int	sched_recover(void);

/* sched-run.c */
void	sched_build(struct srun *);
void	sched_next_run(struct srun *);
int	sched_spawn(struct srun *, char **, const char *, int,
	    runner_output_cb, runner_done_cb, char **);
int	sched_stopped(struct srun *);
void	sched_cleanup(struct srun *);
char	*sched_stderr_excerpt(struct srun *);

/* sched-profile.c */
void	sched_profile(struct srun *, const char *state, const char *reason);
void	sched_profile_free(struct srun *);

/* sched-hold.c */
void	sched_hold(struct srun *, const char *,
	    void (*)(struct srun *));
void	sched_hold_clear(void);
void	sched_hold_forget(struct srun *);

/* sched-gate.c */
int	sched_gate(struct srun *, void (*resume)(struct srun *));
void	sched_snapshot(struct srun *);
void	sched_place(struct srun *);
void	sched_unplace(struct srun *);
void	sched_gate_init(void);

#endif
