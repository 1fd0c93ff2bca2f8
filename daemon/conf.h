/*
 * conf.h -- benchd.conf: the [daemon], [conditions], [profile], [tune],
 * [http], [notify] and [suite] sections.
 */
#ifndef BENCHD_CONF_H
#define BENCHD_CONF_H

#include <sched.h>
#include <stddef.h>

#include "profile.h"

#define CONFIG_DEFAULT_PATH	SYSCONFDIR "/benchd/benchd.conf"

enum gate_policy {
	POLICY_WAIT = 0,
	POLICY_WARN,
	POLICY_REFUSE
};

/* [conditions]: what the canonical-conditions gate checks. */
struct config_conditions {
	char		 *proc_root;		/* "/" by default; tests use fakes */
	char		 *sys_root;		/* "/" by default */
	char		**forbid_processes;	/* argv[0] basenames */
	size_t		  nforbid_processes;
	char		 *governor;		/* NULL: not checked */
	double		  max_temp_c;		/* <= 0: trip points only */
	int		  max_runnable;		/* < 0: not checked */
	double		  max_cpu_pressure;	/* some avg10, fraction; 1: off */
	double		  max_stall;		/* a run's stall share, fraction */
	enum gate_policy  policy;
	int		  wait_timeout;		/* seconds */
	int		  recheck_interval;	/* seconds, policy=wait */
};

/* [profile]: the extra run of `benchctl queue --profile`. */
struct config_profile {
	char			 *perf;		/* NULL: perf on the PATH */
	char			 *event;	/* "auto", "cycles", ... */
	int			  frequency;	/* samples per second */
	struct profile_categories cats;	/* category.NAME, in order */
};

/*
 * [tune]: what benchd-tune(8) sets.  After conf_load every pointer but
 * cpus is set: keys left out follow the rest of the file (conf.c).
 */
struct config_tune {
	char		**settings;		/* conf_tune_settings names */
	size_t		  nsettings;
	char		 *governor;		/* else [conditions]', performance */
	char		 *cpus;			/* NULL: not set */
	cpu_set_t	  cpuset;		/* cpus parsed, when not NULL */
	char		 *state;		/* else beside database */
	char		 *sys_root;		/* else [conditions]' */
	char		 *proc_root;
	int		  perf_event_paranoid;
	int		  perf_max_sample_rate;	/* 0 in the file: [profile]'s */
};

/* The settings [tune] may name, in the order benchd-tune applies them. */
extern const char *const conf_tune_settings[];

/* [http]: the read-only web dashboard (http.c); off without listen. */
struct config_http {
	char		*listen;		/* "127.0.0.1:80", NULL: off */
	int		 max_connections;
	int		 timeout;		/* seconds per request */
	char		**hosts;		/* Host names answered */
	size_t		  nhosts;
};

/* [notify]: where alerts go (alert*.c); nowhere but the journal without
 * exec or webhook. */
enum notify_format {
	NOTIFY_JSON = 0,	/* the event itself */
	NOTIFY_SLACK		/* {"text": ...}: Slack, Mattermost */
};

struct config_notify {
	char		 *exec;		/* command, the event on stdin */
	char		 *webhook;	/* http:// or https:// URL */
	enum notify_format format;
	double		  min_change;	/* fraction; smaller is not told */
	double		  noise_rise;	/* fraction a calibration's may grow */
	int		  notify_after;	/* seconds not canonical */
	double		  retry_base;	/* seconds before the 2nd try */
	double		  retry_max;	/* seconds, the longest wait */
	int		  attempts;	/* then failed */
	int		  timeout;	/* seconds per attempt */
};

/*
 * [fleet]: sessions pushed to a shared PostgreSQL (fleet-push.c), and
 * jobs taken from its queue (fleet-queue.c); off without postgresql.
 */
struct config_fleet {
	char		*postgresql;		/* libpq conninfo, NULL: off */
	char		*box;			/* NULL: the host name */
	char		**labels;		/* what jobs may require */
	size_t		  nlabels;
	int		  queue;		/* take jobs from the fleet */
	int		  retry_min;		/* seconds, doubling on */
	int		  retry_max;		/* failures up to this */
	int		  poll;			/* seconds between looks */
	int		  lease;		/* seconds a taken job is ours */
};

/* param.NAME = v1 v2 ...: the only values {NAME} may take. */
struct suite_param {
	char		 *name;
	char		**values;
	size_t		  nvalues;
};

/* [suite NAME] */
struct suite {
	char			 *name;
	int			  line;		/* of the section header */
	char			 *workdir;
	char			 *build;	/* NULL: no build step */
	char			 *command;
	char			**env;		/* "KEY=VALUE" */
	size_t			  nenv;
	int			  shell;	/* run through /bin/sh -c */
	int			  warmup;
	int			  runs;
	int			  max_runs;
	double			  cv_target;
	int			  timeout;	/* seconds per run, 0 none */
	int			  build_timeout;/* seconds, 0 none */
	double			  noise;	/* noise threshold, fraction */
	char			**timing_prefixes;
	size_t			  ntiming_prefixes;
	struct suite_param	 *params;
	size_t			  nparams;
	char			 *cpus;		/* affinity list, "2-3", NULL */
	cpu_set_t		  cpuset;	/* cpus parsed, when not NULL */
	int			  nice;
	/* On a repository: benchd checks commits out itself (git.c). */
	char			 *repo;		/* NULL: runs in workdir */
	char			 *follow;	/* branch whose commits it runs */
	char			 *fetch;	/* run in repo before a look */
	int			  follow_interval; /* seconds between looks */
	char			 *text;		/* canonical definition, hashed */
};

struct config {
	char			 *path;
	/* [daemon] */
	char			 *socket;
	char			 *database;
	char			 *admin_group;
	char			 *env_path;	/* PATH given to workloads */
	char			 *env_home;
	char			 *env_lang;
	char			 *env_tmpdir;
	int			  max_clients;
	int			  max_clients_per_uid;	/* but admins */
	int			  admin_reserve;	/* places only admins get */
	int			  idle_timeout;		/* seconds, 0 none */
	int			  request_timeout;	/* seconds, 0 none */
	int			  kill_grace;	/* seconds between TERM and KILL */
	int			  storage_retry;/* seconds between write retries */
	char			 *cgroup;	/* auto, off, or a directory */
	/* Where socket, database and admin_group came from, for errors:
	 * "FILE:LINE", "-S", "-D", "$STATE_DIRECTORY"; NULL for a default. */
	char			 *socket_from;
	char			 *database_from;
	char			 *admin_group_from;
	struct config_conditions  cond;
	struct config_profile	  profile;
	struct config_tune	  tune;
	struct config_http	  http;
	struct config_notify	  notify;
	struct config_fleet	  fleet;
	struct suite		 *suites;
	size_t			  nsuites;
};

/*
 * Load and validate a config file.  On error returns NULL and sets *cause
 * to "FILE:LINE: reason" (caller frees).
 */
struct config		*conf_load(const char *path, char **cause);
void			 conf_free(struct config *);

/*
 * The checks that need the final paths (after -S and -D) and the machine:
 * run at start, by -n and on every reload.  On error returns -1 and sets
 * *cause to "WHERE: reason", WHERE being "FILE:LINE", "-S" or the like.
 */
int			 conf_check(const struct config *, char **cause);
const struct suite	*conf_suite(const struct config *, const char *name);
const struct suite_param *suite_param(const struct suite *, const char *name);

/*
 * Parse a kernel-style CPU list ("2-3,5", a trailing newline allowed as in
 * /sys/devices/system/cpu/isolated) into set.  Returns 0, or -1 with
 * *cause set (caller frees).
 */
int			 conf_parse_cpus(const char *list, cpu_set_t *set,
			     char **cause);
/* set as a kernel-style CPU list ("0-1,4"); "" when empty.  Caller frees. */
char			*conf_cpus_text(const cpu_set_t *set);

/*
 * conf-listen.c: a listen address "HOST:PORT", HOST an IPv4 address or
 * an IPv6 one in brackets, split into host (at least 46 bytes) and port;
 * *loopback says whether only this machine can connect.  0, or -1 with
 * *cause set (caller frees).
 */
int			 conf_listen_parse(const char *text, char *host,
			     size_t hostlen, int *port, int *loopback,
			     char **cause);
/*
 * Whether the dashboard answers a request with this Host header: absent,
 * an IP address (a name only DNS could point elsewhere), "localhost", or
 * one of names (with any port).  1 or 0.
 */
int			 conf_listen_host_ok(const char *host,
			     char *const *names, size_t n);

#endif
