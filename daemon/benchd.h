/* benchd.h -- the daemon's program header, sectioned per file. */
#ifndef BENCHD_H
#define BENCHD_H

#include <sys/types.h>

#include <stdint.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <event2/event.h>

#define PROTOCOL_VERSION	1
#define RPC_MAX_LINE		(1024 * 1024)	/* bytes, newline excluded */
#define CLIENT_MAX_PENDING	(4 * 1024 * 1024)

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

/* server.c */
int		 server_listen(const char *path, const char *group, char **cause);
int		 server_adopt(int fd, char **cause);
void		 server_close(void);
void		 server_send(struct client *, cJSON *);
void		 server_notify(int64_t session, const char *method, cJSON *);
int		 client_is_admin(const struct client *);
uid_t		 client_uid(const struct client *);
void		 client_subscribe(struct client *, int64_t session);
void		 client_defer(struct client *, cJSON *);
int		 server_nclients(void);

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
int		 rpc_fail(struct rpc_error *, int code, const char *data_code,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int		 rpc_param_int(const cJSON *, const char *, int64_t min,
		     int64_t max, int64_t *, struct rpc_error *);
int		 rpc_param_string(const cJSON *, const char *, size_t maxlen,
		     const char **, struct rpc_error *);
int		 rpc_param_bool(const cJSON *, const char *, int *,
		     struct rpc_error *);
const struct rpc_method *const *rpc_methods(size_t *);
int		 rpc_clip(const char *, size_t);

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

/* method-profile.c */
cJSON		*profile_json(int64_t);

/* sched.c */
void		 sched_init(void);
void		 sched_kick(void);
int64_t		 sched_running(void);
int		 sched_holding(void);
cJSON		*sched_hold_json(void);
void		 sched_hold_free(void);
cJSON		*sched_progress(void);
int		 sched_cancel(int64_t, uid_t, struct rpc_error *);
void		 sched_shutdown(const char *reason);
int		 sched_config_in_use(const struct config *);

/* session.c: what a finished session's numbers say. */
cJSON		*session_summary(int64_t id, cJSON **warnings);
void		 session_add_brief(cJSON *session, int cpu, double *mean);
struct suite;
char		*session_params_text(const struct suite *, const cJSON *);
char		*session_params_pick(const struct suite *, const cJSON *,
		    struct rpc_error *);

struct phase_series {
	char		*prefix;
	char		*phase;
	double		*x;		/* per measured run, seconds */
	size_t		 nseen;		/* runs that printed the phase */
	double		 count;		/* lines, over all runs */
	double		 max;		/* longest line, seconds */
};
size_t		 session_phase_series(int64_t, size_t runs,
		     struct phase_series **);
void		 session_phase_series_free(struct phase_series *, size_t);

/* method-phases.c */
cJSON		*session_phases_json(int64_t);

#endif
