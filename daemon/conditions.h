/* conditions.h -- the canonical-conditions gate: is this box quiet enough? */
#ifndef BENCHD_CONDITIONS_H
#define BENCHD_CONDITIONS_H

#include <sys/types.h>

#include <sched.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

struct config_conditions;

/* The order is the report's sort order after failures first. */
enum cond_status {
	COND_OK,
	COND_WARN,
	COND_FAIL,
	COND_UNAVAILABLE	/* the file to read is absent or unreadable */
};

struct cond_check {
	char		 name[16];	/* "governor", "thermal", ... */
	enum cond_status status;
	char		*value;		/* what was read; never NULL */
	char		*advice;	/* one line; "" when nothing to do */
};

struct cond_report {
	struct cond_check *checks;	/* fixed order, see conditions.c */
	size_t		   nchecks;
};

/*
 * Run every check against cc->proc_root and cc->sys_root ("/" for the real
 * system).  self is benchd's pid: it and its descendants are never
 * forbidden processes (0 excludes nothing).  Fills *r; free it with
 * conditions_report_free.
 */
void		 conditions_check(const struct config_conditions *cc,
		     pid_t self, struct cond_report *r);
/* 1 when no check failed: warnings and unavailable checks do not count. */
int		 conditions_canonical(const struct cond_report *);
void		 conditions_report_free(struct cond_report *);
/*
 * {"canonical":bool,"checks":[{"name","status","value","advice"}]}, checks
 * ordered fail, warn, unavailable, ok (stable within a status).
 */
cJSON		*conditions_report_json(const struct cond_report *);
/* The same as JSON text (caller frees), as a run's snapshot is stored. */
char		*conditions_report_text(const struct cond_report *);
/*
 * "governor: cpu1=powersave; processes: cargo[42]" for a session's reason;
 * NULL when nothing failed.  Caller frees.
 */
char		*conditions_report_failing(const struct cond_report *);
/*
 * Thermal-throttle events since boot (core counters of every CPU plus each
 * package's counter once); the runner records the delta across a run.
 * Returns -1 when no CPU exposes the counters (VMs).
 */
int		 conditions_throttle_total(const struct config_conditions *,
		     uint64_t *total);
/*
 * The CPU time the kernel counted busy (user, nice, system, irq, softirq)
 * on the CPUs of cpus (every CPU when NULL), in microseconds, from
 * proc/stat; *ncpus is how many CPUs it added up.  Read before and after
 * a run, the difference less the run's own CPU time is what other
 * processes took there.  Its unit is USER_HZ, so such a difference is
 * exact to RULE_BUSY_GRAIN_US a CPU (rules.h).  -1 when proc/stat cannot
 * be read.
 */
int		 conditions_busy_us(const struct config_conditions *,
		     const cpu_set_t *, int64_t *us, int *ncpus);
const char	*cond_status_name(enum cond_status);
/*
 * For the length of a session: which CPUs, thermal zones and power
 * supplies exist and which /sys files are absent is read once and kept;
 * values are always read again (conditions-layout.c).
 */
void		 conditions_layout_keep(void);
void		 conditions_layout_forget(void);
/*
 * A child of benchd just ended: for 10 s the CPU pressure check does not
 * judge the machine by the share of time tasks waited for a CPU, which
 * then holds the child's own (conditions-proc.c).
 */
void		 conditions_child_ended(void);

/*
 * Internal: shared by conditions.c, conditions-proc.c and conditions-sys.c,
 * and by tune*.c, which read and write under the same roots.
 */
int		 cond_path(char *, size_t, const char *root,
		     const char *fmt, ...)
		     __attribute__((format(printf, 4, 5)));
ssize_t		 cond_read(char *, size_t, const char *root,
		     const char *fmt, ...)
		     __attribute__((format(printf, 4, 5)));
int		 cond_read_ll(long long *, const char *root,
		     const char *fmt, ...)
		     __attribute__((format(printf, 3, 4)));
int		 cond_numbered(const char *root, const char *dir,
		     const char *prefix, long **);
/* A directory's entries ("." and ".." left out), kept or fresh. */
struct cond_dir {
	char		**names;
	size_t		  n;
	int		  kept;		/* owned by the layout: not freed */
};
/* path is root + rel; -1 when the directory is absent. */
int		 cond_dir_open(struct cond_dir *, const char *path,
		     const char *rel);
void		 cond_dir_close(struct cond_dir *);
int		 cond_layout_absent(const char *path, const char *rel);
void		 cond_layout_note_absent(const char *path, const char *rel);
void		 cond_set(struct cond_check *, enum cond_status,
		     const char *advice, const char *fmt, ...)
		     __attribute__((format(printf, 4, 5)));
/* One check: fills in status, value and advice (conditions_check). */
typedef void	 cond_check_fn(const struct config_conditions *, pid_t,
		     struct cond_check *);
cond_check_fn	 cond_check_processes, cond_check_runnable,
		 cond_check_pressure, cond_check_aslr,
		 cond_check_swap;		/* conditions-proc.c */
cond_check_fn	 cond_check_governor, cond_check_thermal, cond_check_throttle,
		 cond_check_turbo, cond_check_power,
		 cond_check_smt;		/* conditions-sys.c */

/* A bounded, space-separated list of items for a check's value. */
#define COND_LIST_SHOWN	16
struct cond_list {
	char		 buf[1024];
	size_t		 len;
	size_t		 n;		/* items added */
	size_t		 shown;		/* items written to buf */
};
void		 cond_list_add(struct cond_list *, const char *fmt, ...)
		     __attribute__((format(printf, 2, 3)));
const char	*cond_list_str(struct cond_list *);

#endif
