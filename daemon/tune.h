/*
 * tune.h -- benchd-tune: set the machine up for measuring, and put it back
 * exactly as it was, also after a crash.
 */
#ifndef BENCHD_TUNE_H
#define BENCHD_TUNE_H

#include <sched.h>
#include <stddef.h>

struct config_tune;
struct config;

/* How a value is read and written. */
enum tune_kind {
	TUNE_FILE,	/* the file's text */
	TUNE_WORD,	/* the [chosen] word of "a [b] c" */
	TUNE_DIR	/* "present", or absent: made and removed */
};

/* One file or directory benchd-tune changes: a line of the state file. */
struct tune_item {
	char		 setting[16];
	enum tune_kind	 kind;
	char		*label;		/* "cpu1", "irq24", ... */
	char		*path;		/* "/sys/..." or "/proc/...": under a root */
	char		*orig;		/* before apply; NULL: it was absent */
	char		*set;		/* wanted, then read back after the write */
};

/* What happened to a setting, or to one of its items. */
enum tune_status {
	TUNE_SET,		/* changed now */
	TUNE_ALREADY,		/* had the value: nothing written */
	TUNE_RESTORED,		/* the value before apply written back */
	TUNE_PARTLY,		/* some items changed, some refused */
	TUNE_FAILED,		/* refused: not permitted, rejected */
	TUNE_UNAVAILABLE,	/* not on this machine */
	TUNE_SKIPPED,		/* nothing to do: no workload CPUs, ... */
	TUNE_GONE,		/* the file went away since apply */
	TUNE_TUNED,		/* show: as benchd-tune set it */
	TUNE_DRIFTED,		/* show: changed since benchd-tune set it */
	TUNE_WANTED,		/* show: not tuned, already as wanted */
	TUNE_DIFFERS		/* show: not tuned, apply would change it */
};

/* One item's outcome. */
struct tune_result {
	char		*label;
	enum tune_status status;
	char		*was;		/* NULL: absent */
	char		*now;		/* NULL: absent */
	char		*why;		/* NULL, or the error */
};

/* One setting's outcome: its items summed up. */
struct tune_line {
	char			 name[16];
	int			 listed;	/* in [tune] settings */
	enum tune_status	 status;
	char			*was;		/* summed up; "" when none */
	char			*now;
	char			*want;		/* show: what apply sets */
	char			*why;		/* "" or the reason */
	struct tune_result	*res;
	size_t			 nres;
};

struct tune_report {
	struct tune_line	*lines;
	size_t			 n;
	char			*cpus;		/* workload CPUs, "" none */
	char			*cpus_from;	/* "[tune] cpus", ... */
	size_t			 kept;		/* items left in the state file */
};

/* One run of benchd-tune. */
struct tune_ctx {
	const struct config_tune *conf;
	cpu_set_t		  cpus;		/* for workloads */
	int			  have_cpus;
	char			 *cpus_text;
	const char		 *cpus_from;
	long			  crash_after;	/* tests: writes, then SIGKILL */
	long			  writes;
};

/* The state file's items, in the order they were applied. */
struct tune_state {
	struct tune_item	*items;
	size_t			  n;
};

/* tune.c */
void		 tune_init(struct tune_ctx *, const struct config *);
void		 tune_ctx_free(struct tune_ctx *);
int		 tune_apply(struct tune_ctx *, struct tune_report *,
		     char **cause);
int		 tune_reset(struct tune_ctx *, struct tune_report *,
		     char **cause);
int		 tune_show(struct tune_ctx *, struct tune_report *,
		     char **cause);

/* tune-report.c */
struct tune_plan;
int		 tune_listed(const struct tune_ctx *, const char *setting);
void		 tune_report_init(const struct tune_ctx *, struct tune_report *);
struct tune_line *tune_report_line(struct tune_report *, const char *);
void		 tune_report_add(struct tune_report *, const struct tune_item *,
		     enum tune_status, const char *was, const char *now,
		     const char *why);
void		 tune_report_plan(struct tune_report *,
		     const struct tune_plan *, const char *setting);
void		 tune_report_forwards(struct tune_report *);
#define TUNE_LINES_DONE		0	/* the settings with items done */
#define TUNE_LINES_LISTED	1	/* and every listed one */
#define TUNE_LINES_ALL		2
void		 tune_report_finish(struct tune_report *, int keep);
void		 tune_report_free(struct tune_report *);
const char	*tune_status_name(enum tune_status);

/* tune-item.c: reading and writing one item under its root. */
char		*tune_item_read(const struct config_tune *,
		     const struct tune_item *, int *err);
int		 tune_item_write(struct tune_ctx *, const struct tune_item *,
		     const char *value, int *err);
int		 tune_item_same(const char *, const char *);
void		 tune_item_free(struct tune_item *);
char		*tune_summary(char *const *labels, char *const *values,
		     size_t n);

/* tune-state.c: the state file, written before anything changes. */
int		 tune_state_load(const char *path, int own, struct tune_state *,
		     char **cause);
int		 tune_state_save(const char *path, const struct tune_state *,
		     char **cause);
int		 tune_state_remove(const char *path, char **cause);
int		 tune_state_nowhere(const char *path);
int		 tune_state_lock(const char *path, char **cause);
void		 tune_state_free(struct tune_state *);
struct tune_item *tune_state_add(struct tune_state *);

/* tune-settings.c: what each setting writes on this machine. */
struct tune_plan {
	struct tune_state	 st;		/* the items, values wanted */
	enum tune_status	 status;	/* UNAVAILABLE or SKIPPED */
	char			*why;		/* when nothing is planned */
};
void		 tune_plan(const struct tune_ctx *, const char *setting,
		     struct tune_plan *);
void		 tune_plan_free(struct tune_plan *);

/* tune-drift.c: conditions.check's view of the state file. */
struct tune_drift {
	char		 name[16];
	char		*set;		/* what benchd-tune set, summed up */
	char		*now;
	int		 drifted;
};
struct tune_drifts {
	int			 tuned;		/* a state file is there */
	char			*state;
	char			*error;		/* NULL, or why it is unreadable */
	struct tune_drift	*v;
	size_t			 n;
	size_t			 ndrifted;
};
void		 tune_drift(const struct config_tune *, struct tune_drifts *);
void		 tune_drift_free(struct tune_drifts *);

#endif
