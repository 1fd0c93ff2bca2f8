/*
 * conf-keys.c -- the keys of benchd.conf: type, default, range, how a
 * value is read, and the canonical text of a suite.
 *
 * Each key is a row in a table; defaults are strings read by the same code
 * as the file's values, so a default can never be something the file
 * could not say, and a suite's text can be printed from the same rows.
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argv.h"
#include "conf.h"
#include "conf-keys.h"
#include "log.h"
#include "xmalloc.h"

enum ktype {
	T_STR,		/* non-empty string */
	T_OPTSTR,	/* string, empty for none */
	T_PATH,		/* absolute path */
	T_CMD,		/* command template, joined over continuation lines */
	T_INT,
	T_NUM,
	T_FRAC,		/* number or percentage */
	T_BOOL,
	T_POLICY,
	T_LIST,		/* words, extended by continuation lines */
	T_ENV,		/* KEY=VALUE words */
	T_SETTINGS,	/* conf_tune_settings words, each once */
	T_CPUS,		/* CPU list; aux is the cpu_set_t */
	T_LISTEN,	/* HOST:PORT (conf-listen.c) */
	T_EXEC,		/* a command without a shell, its program absolute */
	T_URL,		/* http:// or https:// */
	T_FORMAT	/* json or slack */
};

struct key {
	const char	*name;
	enum ktype	 type;
	size_t		 off;
	size_t		 aux;		/* count of a list, cpu_set_t of cpus */
	const char	*def;		/* default, parsed like a value */
	double		 min;
	double		 max;
};

#define D(f)	offsetof(struct config, f)
#define C(f)	offsetof(struct config_conditions, f)
#define S(f)	offsetof(struct suite, f)
#define P(f)	offsetof(struct config_profile, f)
#define U(f)	offsetof(struct config_tune, f)
#define H(f)	offsetof(struct config_http, f)
#define N(f)	offsetof(struct config_notify, f)
#define F(f)	offsetof(struct config_fleet, f)

static const struct key daemon_keys[] = {
	{ "socket", T_PATH, D(socket), 0, "/run/benchd.sock", 0, 0 },
	{ "database", T_PATH, D(database), 0, "/var/lib/benchd/benchd.db",
	    0, 0 },
	{ "admin_group", T_STR, D(admin_group), 0, "benchd", 0, 0 },
	{ "path", T_STR, D(env_path), 0, "/usr/local/bin:/usr/bin:/bin", 0, 0 },
	{ "home", T_PATH, D(env_home), 0, "/var/lib/benchd", 0, 0 },
	{ "lang", T_STR, D(env_lang), 0, "C.UTF-8", 0, 0 },
	{ "tmpdir", T_PATH, D(env_tmpdir), 0, "/tmp", 0, 0 },
	{ "max_clients", T_INT, D(max_clients), 0, "256", 1, 65536 },
	{ "max_clients_per_uid", T_INT, D(max_clients_per_uid), 0, "32", 1,
	    65536 },
	{ "admin_reserve", T_INT, D(admin_reserve), 0, "16", 0, 65535 },
	{ "idle_timeout", T_INT, D(idle_timeout), 0, "300", 0, 86400 },
	{ "request_timeout", T_INT, D(request_timeout), 0, "10", 0, 3600 },
	{ "kill_grace", T_INT, D(kill_grace), 0, "5", 0, 3600 },
	{ "storage_retry", T_INT, D(storage_retry), 0, "5", 1, 3600 },
	{ "cgroup", T_STR, D(cgroup), 0, "auto", 0, 0 },
};

static const struct key cond_keys[] = {
	{ "forbid_processes", T_LIST, C(forbid_processes),
	    C(nforbid_processes), "cargo rustc", 0, 0 },
	{ "governor", T_OPTSTR, C(governor), 0, NULL, 0, 0 },
	{ "max_temp_c", T_NUM, C(max_temp_c), 0, "0", 0, 200 },
	{ "max_runnable", T_INT, C(max_runnable), 0, "1", -1, INT_MAX },
	{ "max_cpu_pressure", T_FRAC, C(max_cpu_pressure), 0, "0.10", 0, 1 },
	{ "max_stall", T_FRAC, C(max_stall), 0, "0.02", 0, 1 },
	{ "policy", T_POLICY, C(policy), 0, "wait", 0, 0 },
	{ "wait_timeout", T_INT, C(wait_timeout), 0, "600", 0, INT_MAX },
	{ "recheck_interval", T_INT, C(recheck_interval), 0, "5", 1, 3600 },
	{ "proc_root", T_PATH, C(proc_root), 0, "/", 0, 0 },
	{ "sys_root", T_PATH, C(sys_root), 0, "/", 0, 0 },
};

/* In this order in suite->text. */
static const struct key suite_keys[] = {
	{ "workdir", T_PATH, S(workdir), 0, NULL, 0, 0 },
	{ "build", T_CMD, S(build), 0, NULL, 0, 0 },
	{ "command", T_CMD, S(command), 0, NULL, 0, 0 },
	{ "shell", T_BOOL, S(shell), 0, "no", 0, 0 },
	{ "env", T_ENV, S(env), S(nenv), "", 0, 0 },
	{ "warmup", T_INT, S(warmup), 0, "3", 0, INT_MAX },
	{ "runs", T_INT, S(runs), 0, "5", 1, INT_MAX },
	{ "max_runs", T_INT, S(max_runs), 0, "30", 1, INT_MAX },
	{ "cv_target", T_FRAC, S(cv_target), 0, "0.05", 0.001, 1 },
	{ "noise", T_FRAC, S(noise), 0, "0.01", 0, 1 },
	{ "timeout", T_INT, S(timeout), 0, "0", 0, INT_MAX },
	{ "build_timeout", T_INT, S(build_timeout), 0, "0", 0, INT_MAX },
	{ "timing_prefixes", T_LIST, S(timing_prefixes), S(ntiming_prefixes),
	    "ORI_BUILD_TIMING ORI_TEST_TIMING", 0, 0 },
	{ "cpus", T_CPUS, S(cpus), S(cpuset), NULL, 0, 0 },
	{ "nice", T_INT, S(nice), 0, "0", -20, 19 },
	{ "repo", T_PATH, S(repo), 0, NULL, 0, 0 },
	{ "follow", T_OPTSTR, S(follow), 0, NULL, 0, 0 },
	{ "fetch", T_CMD, S(fetch), 0, NULL, 0, 0 },
	{ "follow_interval", T_INT, S(follow_interval), 0, "300", 1,
	    86400 * 7 },
};

static const struct key profile_keys[] = {
	{ "perf", T_PATH, P(perf), 0, NULL, 0, 0 },
	{ "event", T_STR, P(event), 0, "auto", 0, 0 },
	{ "frequency", T_INT, P(frequency), 0, "999", 1, 100000 },
};

/* Unset keys without a default follow the rest of the file (conf.c). */
static const struct key tune_keys[] = {
	{ "settings", T_SETTINGS, U(settings), U(nsettings), "", 0, 0 },
	{ "governor", T_OPTSTR, U(governor), 0, NULL, 0, 0 },
	{ "cpus", T_CPUS, U(cpus), U(cpuset), NULL, 0, 0 },
	{ "state", T_PATH, U(state), 0, NULL, 0, 0 },
	{ "perf_event_paranoid", T_INT, U(perf_event_paranoid), 0, "1", -1, 3 },
	{ "perf_max_sample_rate", T_INT, U(perf_max_sample_rate), 0, "0", 0,
	    1000000 },
	{ "proc_root", T_PATH, U(proc_root), 0, NULL, 0, 0 },
	{ "sys_root", T_PATH, U(sys_root), 0, NULL, 0, 0 },
};

static const struct key http_keys[] = {
	{ "listen", T_LISTEN, H(listen), 0, NULL, 0, 0 },
	{ "max_connections", T_INT, H(max_connections), 0, "32", 1, 1024 },
	{ "timeout", T_INT, H(timeout), 0, "10", 1, 3600 },
	{ "hosts", T_LIST, H(hosts), H(nhosts), NULL, 0, 0 },
};

static const struct key notify_keys[] = {
	{ "exec", T_EXEC, N(exec), 0, NULL, 0, 0 },
	{ "webhook", T_URL, N(webhook), 0, NULL, 0, 0 },
	{ "format", T_FORMAT, N(format), 0, "json", 0, 0 },
	{ "min_change", T_FRAC, N(min_change), 0, "0", 0, 100 },
	{ "noise_rise", T_FRAC, N(noise_rise), 0, "25%", 0, 100 },
	{ "notify_after", T_INT, N(notify_after), 0, "300", 1, INT_MAX },
	{ "retry_base", T_NUM, N(retry_base), 0, "1", 0.01, 3600 },
	{ "retry_max", T_NUM, N(retry_max), 0, "3600", 0.01, 86400 },
	{ "attempts", T_INT, N(attempts), 0, "10", 1, 1000 },
	{ "timeout", T_INT, N(timeout), 0, "10", 1, 300 },
};

static const struct key fleet_keys[] = {
	{ "postgresql", T_OPTSTR, F(postgresql), 0, NULL, 0, 0 },
	{ "box", T_OPTSTR, F(box), 0, NULL, 0, 0 },
	{ "labels", T_LIST, F(labels), F(nlabels), NULL, 0, 0 },
	{ "queue", T_BOOL, F(queue), 0, "no", 0, 0 },
	{ "retry_min", T_INT, F(retry_min), 0, "1", 1, 3600 },
	{ "retry_max", T_INT, F(retry_max), 0, "300", 1, 86400 },
	{ "poll", T_INT, F(poll), 0, "5", 1, 3600 },
	{ "lease", T_INT, F(lease), 0, "60", 2, 86400 },
};

#define nitems(a)	(sizeof (a) / sizeof (a)[0])
_Static_assert(nitems(daemon_keys) <= CONF_KEYS_MAX, "CONF_KEYS_MAX");
_Static_assert(nitems(cond_keys) <= CONF_KEYS_MAX, "CONF_KEYS_MAX");
_Static_assert(nitems(suite_keys) <= CONF_KEYS_MAX, "CONF_KEYS_MAX");
_Static_assert(nitems(tune_keys) <= CONF_KEYS_MAX, "CONF_KEYS_MAX");
_Static_assert(nitems(notify_keys) <= CONF_KEYS_MAX, "CONF_KEYS_MAX");

static const struct {
	const struct key	*keys;
	size_t			 n;
} tables[] = {
	[CONF_DAEMON] = { daemon_keys, nitems(daemon_keys) },
	[CONF_CONDITIONS] = { cond_keys, nitems(cond_keys) },
	[CONF_SUITE] = { suite_keys, nitems(suite_keys) },
	[CONF_PROFILE] = { profile_keys, nitems(profile_keys) },
	[CONF_TUNE] = { tune_keys, nitems(tune_keys) },
	[CONF_HTTP] = { http_keys, nitems(http_keys) },
	[CONF_NOTIFY] = { notify_keys, nitems(notify_keys) },
	[CONF_FLEET] = { fleet_keys, nitems(fleet_keys) },
};

static int
parse_int(const char *s, double min, double max, int *out)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *s == ' ' || *end != '\0' || errno == ERANGE ||
	    v < min || v > max)
		return (-1);
	*out = (int)v;
	return (0);
}

/* A number, or with percent a percentage ("5%") as a fraction. */
static int
parse_num(const char *s, int percent, double min, double max, double *out)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *s == ' ' || errno == ERANGE || !isfinite(v))
		return (-1);
	if (percent && strcmp(end, "%") == 0)
		v /= 100;
	else if (*end != '\0')
		return (-1);
	if (v < min || v > max)
		return (-1);
	*out = v;
	return (0);
}

static void
int_error(const struct key *k, const char *value, char **why)
{
	char	 range[64];

	if (k->max < INT_MAX)
		snprintf(range, sizeof range, "an integer from %d to %d",
		    (int)k->min, (int)k->max);
	else if (k->min == 1)
		snprintf(range, sizeof range, "a positive integer");
	else if (k->min == 0)
		snprintf(range, sizeof range, "a non-negative integer");
	else
		snprintf(range, sizeof range, "an integer of at least %d",
		    (int)k->min);
	xasprintf(why, "%s must be %s, got \"%s\"", k->name, range, value);
}

/* env entries are NAME=value, each NAME once, BENCHD_* and LD_* refused. */
static int
check_env(char **env, size_t n, char **why)
{
	size_t	 i, j, len;

	for (i = 0; i < n; i++) {
		len = strspn(env[i], NAME_CHARS);
		if (len == 0 || env[i][len] != '=' ||
		    strchr("0123456789", env[i][0]) != NULL) {
			xasprintf(why, "env: \"%s\" is not NAME=VALUE", env[i]);
			return (-1);
		}
		if (strncmp(env[i], "BENCHD_", 7) == 0) {
			xasprintf(why, "env: %.*s is set by benchd itself",
			    (int)len, env[i]);
			return (-1);
		}
		if (strncmp(env[i], "LD_", 3) == 0) {
			xasprintf(why, "env: %.*s is refused: the dynamic "
			    "loader's LD_* variables change what runs, and so "
			    "what is measured", (int)len, env[i]);
			return (-1);
		}
		for (j = 0; j < i; j++) {
			if (strncmp(env[i], env[j], len + 1) == 0) {
				xasprintf(why, "env: %.*s is set twice",
				    (int)len, env[i]);
				return (-1);
			}
		}
	}
	return (0);
}

/* Each word a setting of conf_tune_settings, and named once. */
static int
check_settings(const struct key *k, char **list, size_t n, char **why)
{
	const char *const	*w;
	size_t			 i, j;

	for (i = 0; i < n; i++) {
		for (w = conf_tune_settings; *w != NULL &&
		    strcmp(*w, list[i]) != 0; w++)
			;
		if (*w == NULL) {
			xasprintf(why, "%s: no setting \"%s\"", k->name,
			    list[i]);
			return (-1);
		}
		for (j = 0; j < i && strcmp(list[i], list[j]) != 0; j++)
			;
		if (j < i) {
			xasprintf(why, "%s: \"%s\" listed twice", k->name,
			    list[i]);
			return (-1);
		}
	}
	return (0);
}

/* Split value into a list, or onto the end of it for a continuation. */
int
conf_set_list(char ***vp, size_t *np, const char *name, const char *value,
    int cont, char **why)
{
	char	**words, *cause;
	size_t	  n, i;

	if (argv_split_list(value, &words, &n, &cause) != 0) {
		xasprintf(why, "%s: %s", name, cause);
		free(cause);
		return (-1);
	}
	if (!cont) {
		argv_free(*vp);
		*vp = words;
		*np = n;
		return (0);
	}
	*vp = xreallocarray(*vp, *np + n + 1, sizeof **vp);
	for (i = 0; i < n; i++)
		(*vp)[(*np)++] = words[i];
	(*vp)[*np] = NULL;
	free(words);
	return (0);
}

/*
 * [notify] exec: split as a suite's command is, without a shell, and its
 * program named by an absolute path (benchd's PATH is not the one the
 * administrator tried it with).  webhook: a URL libcurl may only fetch
 * over HTTP or HTTPS.
 */
static int
check_target(const struct key *k, const char *value, char **why)
{
	char	**words, *cause;
	int	  rc = 0;

	if (k->type == T_URL) {
		if (strncmp(value, "http://", 7) != 0 &&
		    strncmp(value, "https://", 8) != 0) {
			xasprintf(why, "%s must be an http:// or https:// URL, "
			    "got \"%s\"", k->name, value);
			return (-1);
		}
		if (strpbrk(value, " \t\r\n") != NULL) {
			xasprintf(why, "%s: a URL has no blanks", k->name);
			return (-1);
		}
		return (0);
	}
	if (argv_split(value, &words, &cause) != 0) {
		xasprintf(why, "%s: %s", k->name, cause);
		free(cause);
		return (-1);
	}
	if (words[0] == NULL || words[0][0] != '/') {
		xasprintf(why, "%s must name its program by an absolute path, "
		    "got \"%s\"", k->name, value);
		rc = -1;
	}
	argv_free(words);
	return (rc);
}

static int
set_string(const struct key *k, void *base, const char *value, int cont,
    char **why)
{
	char	**sp = (char **)((char *)base + k->off);
	char	 *old = *sp;

	/* Empty means none for these: "build =" writes "no build step". */
	if (*value == '\0' && k->type != T_OPTSTR && k->type != T_CMD &&
	    k->type != T_CPUS) {
		xasprintf(why, "%s must not be empty", k->name);
		return (-1);
	}
	if (k->type == T_PATH && *value != '/') {
		xasprintf(why, "%s must be an absolute path, got \"%s\"",
		    k->name, value);
		return (-1);
	}
	if (cont)
		xasprintf(sp, "%s %s", old, value);
	else
		*sp = *value == '\0' ? NULL : xstrdup(value);
	free(old);
	return (0);
}

static int
set_value(const struct key *k, void *base, const char *value, int cont,
    char **why)
{
	void	*p = (char *)base + k->off;
	char	*cause, host[64];
	int	 port, loop;

	if (cont && k->type != T_CMD && k->type != T_LIST && k->type != T_ENV &&
	    k->type != T_SETTINGS) {
		xasprintf(why, "%s: only lists and commands may go on over "
		    "indented lines", k->name);
		return (-1);
	}
	switch (k->type) {
	case T_STR:
	case T_OPTSTR:
	case T_PATH:
	case T_CMD:
		return (set_string(k, base, value, cont, why));
	case T_LIST:
	case T_ENV:
	case T_SETTINGS:
		if (conf_set_list(p, (size_t *)((char *)base + k->aux), k->name,
		    value, cont, why) != 0)
			return (-1);
		if (k->type == T_ENV)
			return (check_env(*(char ***)p,
			    *(size_t *)((char *)base + k->aux), why));
		if (k->type == T_SETTINGS)
			return (check_settings(k, *(char ***)p,
			    *(size_t *)((char *)base + k->aux), why));
		return (0);
	case T_INT:
		if (parse_int(value, k->min, k->max, p) == 0)
			return (0);
		int_error(k, value, why);
		return (-1);
	case T_NUM:
	case T_FRAC:
		if (parse_num(value, k->type == T_FRAC, k->min, k->max,
		    p) == 0)
			return (0);
		xasprintf(why, "%s must be a %s from %g to %g, got \"%s\"",
		    k->name, k->type == T_FRAC ? "fraction (or percentage)" :
		    "number", k->min, k->max, value);
		return (-1);
	case T_BOOL:
		if (strcmp(value, "yes") == 0 || strcmp(value, "no") == 0) {
			*(int *)p = strcmp(value, "yes") == 0;
			return (0);
		}
		xasprintf(why, "%s must be yes or no, got \"%s\"", k->name,
		    value);
		return (-1);
	case T_POLICY:
		if (strcmp(value, "wait") == 0)
			*(enum gate_policy *)p = POLICY_WAIT;
		else if (strcmp(value, "warn") == 0)
			*(enum gate_policy *)p = POLICY_WARN;
		else if (strcmp(value, "refuse") == 0)
			*(enum gate_policy *)p = POLICY_REFUSE;
		else {
			xasprintf(why, "%s must be wait, warn or refuse, got "
			    "\"%s\"", k->name, value);
			return (-1);
		}
		return (0);
	case T_CPUS:
		CPU_ZERO((cpu_set_t *)((char *)base + k->aux));
		if (*value != '\0' && conf_parse_cpus(value,
		    (cpu_set_t *)((char *)base + k->aux), &cause) != 0) {
			xasprintf(why, "%s: %s", k->name, cause);
			free(cause);
			return (-1);
		}
		return (set_string(k, base, value, 0, why));
	case T_LISTEN:
		if (conf_listen_parse(value, host, sizeof host, &port, &loop,
		    &cause) != 0) {
			xasprintf(why, "%s: %s", k->name, cause);
			free(cause);
			return (-1);
		}
		return (set_string(k, base, value, 0, why));
	case T_EXEC:
	case T_URL:
		if (check_target(k, value, why) != 0)
			return (-1);
		return (set_string(k, base, value, 0, why));
	case T_FORMAT:
		if (strcmp(value, "json") == 0)
			*(enum notify_format *)p = NOTIFY_JSON;
		else if (strcmp(value, "slack") == 0)
			*(enum notify_format *)p = NOTIFY_SLACK;
		else {
			xasprintf(why, "%s must be json or slack, got \"%s\"",
			    k->name, value);
			return (-1);
		}
		return (0);
	}
	return (-1);
}

void
conf_key_defaults(enum conf_table t, void *base)
{
	const struct key	*k;
	char			*why;

	for (k = tables[t].keys; k < tables[t].keys + tables[t].n; k++) {
		if (k->def != NULL && set_value(k, base, k->def, 0, &why) != 0)
			fatalx("default %s: %s", k->name, why);
	}
}

int
conf_key_find(enum conf_table t, const char *name)
{
	size_t	 i;

	for (i = 0; i < tables[t].n; i++) {
		if (strcmp(tables[t].keys[i].name, name) == 0)
			return ((int)i);
	}
	return (-1);
}

int
conf_key_set(enum conf_table t, int key, void *base, const char *value,
    int cont, char **why)
{
	return (set_value(&tables[t].keys[key], base, value, cont, why));
}

/*
 * A number as the fewest digits that read back as the same double: "%g"
 * alone keeps six, so cv_target = 0.0533333333 and 0.0533333 would give
 * one text, and one suite hash, for two definitions.
 */
static void
text_number(FILE *f, double v)
{
	char	buf[32];
	int	prec;

	for (prec = 6; prec < 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	fprintf(f, " %.*g", prec, v);
}

/* Words quoted so that the text reads back as the same list. */
static void
text_words(FILE *f, char *const *words, size_t n)
{
	char	*q;
	size_t	 i;

	for (i = 0; i < n; i++) {
		q = argv_quote(words[i]);
		fprintf(f, " %s", q);
		free(q);
	}
}

/*
 * Keys left out of a suite's text: when to measure is not what is
 * measured, and a suite without repo hashes as it did before there was
 * one.
 */
static int
text_skips(const struct key *k, const struct suite *s)
{
	if (k->off == S(follow) || k->off == S(fetch) ||
	    k->off == S(follow_interval))
		return (1);
	return (k->off == S(repo) && s->repo == NULL);
}

/* The suite as a config section: every key, defaults spelled out. */
char *
conf_suite_text(const struct suite *s)
{
	const struct key	*k;
	const char		*base = (const char *)s;
	char			*text;
	size_t			 i, size;
	FILE			*f;

	if ((f = open_memstream(&text, &size)) == NULL)
		fatal("open_memstream");
	fprintf(f, "[suite %s]\n", s->name);
	for (k = suite_keys; k < suite_keys + nitems(suite_keys); k++) {
		if (text_skips(k, s))
			continue;
		fprintf(f, "%s =", k->name);
		switch (k->type) {
		case T_INT:
			fprintf(f, " %d", *(const int *)(base + k->off));
			break;
		case T_FRAC:
			text_number(f, *(const double *)(base + k->off));
			break;
		case T_BOOL:
			fprintf(f, " %s", *(const int *)(base + k->off) ?
			    "yes" : "no");
			break;
		case T_LIST:
		case T_ENV:
			text_words(f, *(char **const *)(base + k->off),
			    *(const size_t *)(base + k->aux));
			break;
		default:
			if (*(char *const *)(base + k->off) != NULL)
				fprintf(f, " %s",
				    *(char *const *)(base + k->off));
			break;
		}
		fputc('\n', f);
	}
	for (i = 0; i < s->nparams; i++) {
		fprintf(f, "param.%s =", s->params[i].name);
		text_words(f, s->params[i].values, s->params[i].nvalues);
		fputc('\n', f);
	}
	if (fclose(f) != 0)
		fatal("open_memstream");
	return (text);
}
