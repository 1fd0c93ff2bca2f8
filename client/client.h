/* client.h -- benchctl, the command-line client of benchd. */
#ifndef BENCHCTL_CLIENT_H
#define BENCHCTL_CLIENT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sysexits.h>

#include <cjson/cJSON.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION	"unknown"
#endif

#define BENCHCTL_PROTOCOL	1		/* docs/PROTOCOL.md version */
#define BENCHCTL_SOCKET		"/run/benchd.sock"

/*
 * Exit statuses, documented in benchctl(1):
 *   0  ok
 *   1  a finding: a failed, unstable, cancelled or interrupted session;
 *      (variance) the last two sessions disagree; (compare) wall time
 *      regressed; (regressions) some session regressed; (calibrate) the
 *      noise setting called more than 1% of the A/A pairs, or none could
 *      be compared
 *   2  not canonical (conditions)
 *   3  benchd answered with an error, or with a reply benchctl cannot read
 *  64  usage error: unknown command or option, bad number (EX_USAGE)
 *  69  benchd unreachable: cannot connect, or it hung up (EX_UNAVAILABLE)
 *  74  standard output could not be written (EX_IOERR)
 */
#define EXIT_OK		0
#define EXIT_FINDING	1
#define EXIT_NOTCANON	2
#define EXIT_DAEMON	3

/* benchctl.c */
extern int	 benchctl_json;		/* --json: print result objects */

/* rpc.c */
struct rpc;
struct rpc	*rpc_create(const char *);
void		 rpc_free(struct rpc *);
int		 rpc_send(struct rpc *, const char *, cJSON *, int64_t *);
int		 rpc_recv(struct rpc *, int64_t, cJSON **);
int		 rpc_call(struct rpc *, const char *, cJSON *, cJSON **);
int		 rpc_notification(struct rpc *, char **, cJSON **);

/* json.c */
const char	*json_string(const cJSON *, const char *);
const char	*json_text(const cJSON *, const char *);
int		 json_number(const cJSON *, const char *, double *);
int		 json_int(const cJSON *, const char *, int64_t *);
int		 json_bool(const cJSON *, const char *);
const cJSON	*json_object(const cJSON *, const char *);
const cJSON	*json_array(const cJSON *, const char *);
char		*json_params_text(const cJSON *);
char		*json_join(const cJSON *, const char *);
void		 json_print(const cJSON *);

/* output.c */
#define OUTPUT_LEN	64		/* fits every formatted number */
char		*output_vformat(const char *, va_list)
		     __attribute__((format(printf, 1, 0)));
char		*output_escape(const char *, int);
void		 output_clean(char **, int);
void		 output_printf(const char *, ...)
		     __attribute__((format(printf, 1, 2)));
void		 output_line(const char *, ...)
		     __attribute__((format(printf, 1, 2)));
size_t		 output_width(const char *);
const char	*output_seconds(char *, size_t, double, double);
const char	*output_seconds_pm(char *, size_t, double, const double *);
const char	*output_kib(char *, size_t, double, double);
const char	*output_percent(char *, size_t, double);
const char	*output_share(char *, size_t, double);
const char	*output_change(char *, size_t, double);
const char	*output_duration(char *, size_t, double);
int		 output_elapsed(const char *, const char *, double *);
const char	*output_stats_pm(char *, size_t, const cJSON *);
char		*output_progress(int64_t, const char *, const cJSON *, int);
const char	*output_pvalue(char *, size_t, double);
const char	*output_change_ci(char *, size_t, double, double, double);
const char	*output_verdict(const char *);
const char	*output_threshold(char *, size_t, double, const char *,
		     const cJSON *);
char		*output_wall_verdict(const char *, const char *, double, double,
		     double, const char *);
char		*output_against(const cJSON *);
void		 output_append(char **, const char *, ...)
		     __attribute__((format(printf, 2, 3)));

/* table.c */
#define TABLE_LEFT	0
#define TABLE_RIGHT	1
struct table;
struct table	*table_create(void);
void		 table_column(struct table *, const char *, int);
void		 table_cell(struct table *, const char *, ...)
		     __attribute__((format(printf, 2, 3)));
void		 table_note(struct table *, int, const char *, ...)
		     __attribute__((format(printf, 3, 4)));
void		 table_print(struct table *);
void		 table_free(struct table *);
void		 table_cell_int(struct table *, const cJSON *, const char *);
void		 table_cell_params(struct table *, const cJSON *);

/* cmd.c */
#define CMD_ARG_NONE	0		/* a flag: --all */
#define CMD_ARG_STRING	1		/* --label TEXT */
#define CMD_ARG_NUMBER	2		/* --runs N, checked against min/max */
#define CMD_MAXOPTS	8

struct cmd_option {
	const char	*name;		/* without the leading "--" */
	int		 arg;
	long long	 min;
	long long	 max;
};

#define CMD_HIDDEN	0x1		/* left out of help */
#define CMD_LOCAL	0x2		/* never talks to benchd */

struct cmd;
struct cmd_entry {
	const char		*name;
	const char		*usage;		/* arguments, after the name */
	const char		*about;		/* one line for help */
	int			 args_min;
	int			 args_max;	/* -1: no limit */
	const struct cmd_option	*options;	/* ends with a NULL name */
	int			 flags;
	int			(*exec)(struct cmd *);
};

struct cmd {
	const struct cmd_entry	*entry;
	int			 argc;		/* positional arguments */
	char			**argv;
	const char		*optval[CMD_MAXOPTS];	/* NULL: not given */
	long long		 optnum[CMD_MAXOPTS];
	const char		*socket;
	struct rpc		*rpc;		/* connects on first call */
};

const struct cmd_entry	*cmd_lookup(int, char **, int *);
void		 cmd_print_group(FILE *, const char *);
int		 cmd_params(struct cmd *, int, cJSON *);
int		 cmd_parse(struct cmd *, const struct cmd_entry *, int,
		     char **);
int		 cmd_flag(const struct cmd *, const char *);
const char	*cmd_value(const struct cmd *, const char *);
long long	 cmd_number(const struct cmd *, const char *, long long);
int		 cmd_id(struct cmd *, int, int64_t *);
int		 cmd_list_call(struct cmd *, const char *, cJSON **);
int		 cmd_id_text(struct cmd *, const char *, int64_t *);
int		 cmd_usage_error(const struct cmd *, const char *, ...)
		     __attribute__((format(printf, 2, 3)));
void		 cmd_print_usage(FILE *, const struct cmd_entry *);
void		 cmd_print_help(FILE *);
extern const struct cmd_entry	*cmd_table[];

/* cmd-profile.c */
extern const struct cmd_entry	 cmd_flamegraph_entry;
extern const struct cmd_entry	 cmd_hot_entry;
int		 cmd_write_file(const char *, const char *);

/* cmd-status.c */
extern const struct cmd_entry	 cmd_status_entry;

/* cmd-conditions.c */
extern const struct cmd_entry	 cmd_conditions_entry;

/* cmd-suites.c */
extern const struct cmd_entry	 cmd_suites_entry;

/* cmd-queue.c */
extern const struct cmd_entry	 cmd_queue_entry;

/* cmd-cancel.c */
extern const struct cmd_entry	 cmd_cancel_entry;

/* cmd-sessions.c */
extern const struct cmd_entry	 cmd_sessions_entry;

/* cmd-show.c */
extern const struct cmd_entry	 cmd_show_entry;
int		 cmd_show_phases(struct rpc *, const cJSON *, cJSON **);
void		 cmd_show_print(const cJSON *, const cJSON *);
void		 cmd_show_phase_line(const cJSON *);
int		 cmd_show_exit(const cJSON *);

/* cmd-runs.c */
extern const struct cmd_entry	 cmd_runs_entry;

/* cmd-phases.c */
extern const struct cmd_entry	 cmd_phases_entry;
int		 cmd_phases_multi(const cJSON *);

/* cmd-variance.c */
extern const struct cmd_entry	 cmd_variance_entry;

/* cmd-calibrate.c */
extern const struct cmd_entry	 cmd_calibrate_entry;

/* cmd-ab.c */
extern const struct cmd_entry	 cmd_ab_entry;
int		 cmd_rev_pair_params(struct cmd *, const char *,
		     const char *, cJSON **);
int		 cmd_follow(struct cmd *, const char *method, int64_t id,
		     int (*)(const cJSON *, void *), void *, cJSON **);

/* cmd-bisect.c */
extern const struct cmd_entry	 cmd_bisect_entry;

/* cmd-history.c */
extern const struct cmd_entry	 cmd_history_entry;

/* cmd-baseline.c */
extern const struct cmd_entry	 cmd_baseline_show_entry;
extern const struct cmd_entry	 cmd_baseline_set_entry;

/* cmd-compare.c */
extern const struct cmd_entry	 cmd_compare_entry;

/* cmd-regressions.c */
extern const struct cmd_entry	 cmd_regressions_entry;
extern const struct cmd_entry	 cmd_notifications_entry;

/* cmd-export.c */
extern const struct cmd_entry	 cmd_export_entry;
size_t		 export_measured(const cJSON *, const cJSON ***);
double		 export_mean(const double *, size_t);
double		 export_median(const double *, size_t);
double		 export_stddev(const double *, size_t, double);
double		*export_column(const cJSON **, size_t, const char *);
char		*export_name(const cJSON *);
void		 export_left_out(const cJSON *);

/* fleet.c */
extern const char	*benchctl_fleet;
const struct cmd_entry	*fleet_lookup(const char *);
const struct cmd_entry *const *fleet_commands(void);
int		 fleet_query(const char *, int, const char *const *, cJSON **);
int		 fleet_session_name(const char *, char **, int64_t *);
void		 fleet_json_print(const char *, cJSON *);

/* fleet-list.c */
extern const struct cmd_entry	 fleet_sessions_entry;
extern const struct cmd_entry	 fleet_history_entry;
extern const struct cmd_entry	 fleet_regressions_entry;

/* fleet-compare.c */
extern const struct cmd_entry	 fleet_compare_entry;
extern const struct cmd_entry	 fleet_queue_entry;
extern const struct cmd_entry	 fleet_jobs_entry;

/* export-lnt.c */
int		 export_lnt(cJSON **, int);

/* export-bmf.c */
int		 export_bmf(cJSON **, int);

/* export-conbench.c */
int		 export_conbench(cJSON **, int);

/* cmd-complete.c */
extern const struct cmd_entry	 cmd_complete_suites_entry;
extern const struct cmd_entry	 cmd_complete_params_entry;

#endif
