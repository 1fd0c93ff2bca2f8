/* benchd.h -- the daemon's program header, sectioned per file. */
#ifndef BENCHD_H
#define BENCHD_H

#include <sys/types.h>

#include <stdint.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <event2/event.h>

#include "store.h"

#define PROTOCOL_VERSION	1
#define RPC_MAX_LINE		(1024 * 1024)	/* bytes, newline excluded */
#define CLIENT_MAX_PENDING	(4 * 1024 * 1024)
#define CLIENT_BACKLOG		(1024 * 1024)	/* unread: answer no more */
#define RPC_MAX_BATCH		64		/* requests in one batch */
#define RPC_MAX_REPLY		(8 * 1024 * 1024)	/* a batch's reply */

struct client;
struct config;
struct store;

/* benchd.c */
extern struct event_base	*ev_base;
extern struct config		*cfg;
extern struct store		*db;
extern struct timespec		 start_time;
extern const char		*socket_path;
extern const char		*db_path;

/* http.c: the read-only web dashboard ([http] in benchd.conf). */
void		 http_check(const struct config *);
int		 http_start(const struct config *, char **cause);
void		 http_stop(void);

/* server.c */
int		 server_listen(const char *path, const char *group, char **cause);
int		 server_adopt(int fd, char **cause);
void		 server_close(void);
void		 server_send(struct client *, cJSON *);
void		 server_send_text(struct client *, const char *, size_t);
void		 server_notify(int64_t session, const char *method, cJSON *);
int		 client_is_admin(const struct client *);
uid_t		 client_uid(const struct client *);
void		 client_subscribe(struct client *, int64_t session);
void		 client_defer(struct client *, cJSON *);

/* rpc.c */
struct rpc_error {
	int		 code;
	const char	*data_code;	/* stable string, or NULL */
	char		*message;
};

struct rpc_method {
	const char	*name;
	int		 admin;		/* needs root, our uid or admin_group */
	int		(*exec)(struct client *, const cJSON *params,
			    cJSON **result, struct rpc_error *);
};

#define RPC_PARSE_ERROR		-32700
#define RPC_INVALID_REQUEST	-32600
#define RPC_METHOD_NOT_FOUND	-32601
#define RPC_INVALID_PARAMS	-32602
#define RPC_INTERNAL_ERROR	-32603
#define RPC_APP_ERROR		-32000

int		 rpc_line(struct client *, const char *, size_t);
cJSON		*rpc_error_response(const cJSON *id, int code,
		     const char *data_code, const char *message);
int		 rpc_storage(struct rpc_error *);
int		 rpc_storage_read(struct rpc_error *);
int		 rpc_fail(struct rpc_error *, int code, const char *data_code,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int		 rpc_param_int(const cJSON *, const char *, int64_t min,
		     int64_t max, int64_t *, struct rpc_error *);
int		 rpc_param_id(const cJSON *, int64_t *, struct rpc_error *);
int		 rpc_param_string(const cJSON *, const char *, size_t maxlen,
		     const char **, struct rpc_error *);
int		 rpc_param_bool(const cJSON *, const char *, int *,
		     struct rpc_error *);
int		 rpc_clip(const char *, size_t);
int		 rpc_local(const char *, const cJSON *, cJSON **,
		     struct rpc_error *);

/* method-*.c: one protocol method or family per file. */
extern const struct rpc_method	method_status;
extern const struct rpc_method	method_suites_list;
extern const struct rpc_method	method_session_queue;
extern const struct rpc_method	method_session_cancel;
extern const struct rpc_method	method_session_list;
extern const struct rpc_method	method_session_get;
extern const struct rpc_method	method_session_subscribe;
extern const struct rpc_method	method_conditions_check;
extern const struct rpc_method	method_session_phases;
extern const struct rpc_method	method_session_history;
extern const struct rpc_method	method_suite_variance;
extern const struct rpc_method	method_baseline_set;
extern const struct rpc_method	method_baseline_show;
extern const struct rpc_method	method_session_compare;
extern const struct rpc_method	method_regressions_list;
extern const struct rpc_method	method_profile_flamegraph;
extern const struct rpc_method	method_profile_hot;
extern const struct rpc_method	method_suite_chart;
extern const struct rpc_method	method_suite_calibrate;
extern const struct rpc_method	method_calibration_get;
extern const struct rpc_method	method_calibration_list;
extern const struct rpc_method	method_ab_queue;
extern const struct rpc_method	method_ab_get;
extern const struct rpc_method	method_ab_list;
extern const struct rpc_method	method_bisect_start;
extern const struct rpc_method	method_bisect_get;
extern const struct rpc_method	method_bisect_list;
extern const struct rpc_method	method_bisect_cancel;
extern const struct rpc_method	method_notifications_list;

/* method-session.c: a Session object with its brief statistics. */
void		 method_add_brief(cJSON *, int64_t, int cpu);
cJSON		*method_session_json(const struct session_row *, int cpu);
/* The suite's parameter values a reading method looks at (params). */
struct suite;
char		*method_params_pick(const struct suite *, const cJSON *params,
		     struct rpc_error *);

/* method-queue.c: what session.queue and suite.calibrate share. */
int		 method_params_check(const struct suite *, const cJSON *,
		     int all, struct rpc_error *);
void		 method_session_plan(const struct suite *, int64_t runs,
		     int64_t warmup, struct session_new *);

/* sched-rev.c: sessions at commits, A/B tests. */
int		 rev_metric_valid(const char *);
struct git_commit;
struct ab_row;
void		 rev_session_new(const struct suite *, const char *params,
		     const struct git_commit *, struct session_new *);
int64_t		 rev_ab_queue(const struct suite *, const char *params,
		     const char *a, const char *b, struct ab_row *, int64_t uid,
		     int max_runs, int64_t ids[2], char **);
/* method-ab.c: what the ab.* and bisect.* methods share. */
int		 method_repo_suite(const cJSON *, const struct suite **,
		     char **, struct rpc_error *);
int		 method_rev_fail(char *, struct rpc_error *);
int		 method_rev_list_params(const cJSON *, const char **,
		     int64_t *, int64_t, struct rpc_error *);
/* follow.c: suites that follow a branch; follow_init again on reload. */
void		 follow_init(void);
void		 follow_free(void);
/* sched-bisect.c: bisections, step after step. */
int64_t		 bisect_start(const struct suite *, const char *params,
		     const char *good, const char *bad, const char *metric,
		     int64_t uid, char **);
void		 sched_bisect_advance(int64_t);
void		 sched_bisect_resume(void);
int		 sched_bisect_cancel(int64_t, uid_t, char *state, size_t);

/* method-history.c: the suite and last params of a history's reader. */
int		 method_suite_params(const cJSON *, int64_t, const char **,
		     int64_t *, struct rpc_error *);

/* method-regressions.c: change points as regressions.list reports them. */
#define REGRESSIONS_CP_MAX	64
struct stats_cp;
struct suite;
size_t		 regressions_change_points(const struct suite *,
		     const double *means, size_t n, struct stats_cp *);

/* method-phases.c */
cJSON		*method_phases_json(int64_t);

/* method-profile.c */
cJSON		*method_profile_json(int64_t);

/* alert-event.c: notifications made where the findings are. */
struct alert_event;
struct comparison;
struct session_row;
struct session_verdict;
void		 alert_verdict(struct store *, const struct session_row *,
		     const struct session_verdict *, const struct comparison *,
		     int confirmed);
void		 alert_emit(struct store *, struct alert_event *,
		     const char *dedupe);
int		 alert_of_session(struct store *, int64_t id, int kind,
		     struct alert_event *, struct session_row *);
void		 alert_queue_stalled(struct store *, int64_t id, int64_t since,
		     int64_t seconds, const char *reason);
void		 alert_session_failed(struct store *, int64_t id,
		     const char *reason);
void		 alert_not_canonical(struct store *, int64_t id,
		     int64_t seconds, const char *reason);

/* alert-watch.c: notifications of a suite's history and calibrations. */
void		 alert_change_points(struct store *, int64_t id);
void		 alert_calibrations(struct store *, const int64_t *ids,
		     size_t n);

/* alert-deliver.c: the outbox sent from a thread of its own. */
int		 alert_start(const struct config *, const char *dbpath,
		     char **cause);
void		 alert_configure(const struct config *);
void		 alert_wake(void);
int		 alert_quiet(int);
int		 alert_between(void);

/* alert-reap.c: the exec target's status, from the loop to the thread. */
void		 alert_reaped(pid_t, int status);
void		 alert_child_begin(void);
void		 alert_child_pid(pid_t);
int		 alert_child_wait(pid_t, int64_t end, int *status);
void		 alert_reap_stop(void);
void		 alert_stop(void);

/* alert-send.c: one attempt at one target, from the delivery thread. */
int64_t		 alert_mono_ms(void);
int		 alert_post(void *curl, const char *url, const char *body,
		     int timeout, char **error);
int		 alert_exec(const char *command, const char *body,
		     const char *kind, int64_t id, const char *path,
		     const char *home, const char *lang, int timeout,
		     char **error);

/* sched.c: the queue and the session in flight. */
struct sched_progress {
	const char	*phase;		/* build warmup measured ... */
	const char	*waiting;	/* NULL, or why the gate waits */
	int64_t		 since;		/* ms since the epoch, with waiting */
	int		 run;
	int		 of;
	double		 last_wall;	/* seconds, 0: none yet */
};

enum cancel_result {
	CANCEL_OK,		/* cancelled */
	CANCEL_STOPPING,	/* cancelled once its workload is gone */
	CANCEL_NO_SESSION,
	CANCEL_ENDING,		/* its end waits for the database */
	CANCEL_NOT_QUEUED,	/* over already */
	CANCEL_STORAGE
};

void		 sched_init(void);
void		 sched_kick(void);
int64_t		 sched_running(void);
int		 sched_progress(struct sched_progress *);
enum cancel_result sched_cancel(int64_t, uid_t, char *state, size_t);
void		 sched_shutdown(const char *reason);
void		 sched_cgroup_fini(void);
int		 sched_config_in_use(const struct config *);

/* sched-hold.c: a write the database refused, held and retried. */
struct hold_status {
	int		 held;
	const char	*what;
	const char	*error;
	int64_t		 since;		/* ms since the epoch */
	int		 retry;		/* seconds */
};

void		 sched_hold_status(struct hold_status *);
void		 sched_hold_free(void);

/* wire.c, wire-report.c: the protocol's JSON, from structs. */
struct comparison;
struct phase_report;
struct run_list;
struct session_stats;
struct stats_summary;

void		 wire_num(cJSON *, const char *, double);
void		 wire_text(cJSON *, const char *, const char *);
void		 wire_int(cJSON *, const char *, int64_t);
void		 wire_time(cJSON *, const char *, int64_t);
cJSON		*wire_json_text(const char *);
cJSON		*wire_params(const char *);
char		*wire_params_text(const struct suite *, const cJSON *);
cJSON		*wire_session(const struct session_row *);
cJSON		*wire_stats(const struct stats_summary *);
void		 wire_brief(cJSON *, const struct session_stats *, int cpu);
cJSON		*wire_runs(const struct run_list *, const int *outlier);
cJSON		*wire_compare_flags(unsigned int);
cJSON		*wire_comparison(const struct comparison *);
cJSON		*wire_phases(int64_t, const struct phase_report *);
cJSON		*wire_progress(const struct sched_progress *);
cJSON		*wire_hold(const struct hold_status *);
struct fleet_status;
cJSON		*wire_fleet(const struct fleet_status *);
cJSON		*wire_finished(int64_t, enum session_state, const char *);
cJSON		*wire_calibration(const struct calibration_row *);
cJSON		*wire_ab(const struct ab_row *);
struct bisect_row;
cJSON		*wire_bisection(const struct bisect_row *, const struct ab_row *,
		     const char *subject, const struct comparison *);
void		 wire_notify_progress(int64_t, const struct sched_progress *);
void		 wire_notify_finished(int64_t, enum session_state,
		     const char *);

/* fingerprint.c: what machine and benchd a session ran on, as JSON text. */
char		*fingerprint_json(const char *sys_root);

#endif
