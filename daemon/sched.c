/*
 * sched.c -- the queue and the session in flight.
 *
 * Sessions run one at a time, oldest queued first; the queue is the
 * sessions table, so it survives a restart.  A session is a chain of
 * runner callbacks: build (not measured) -> warmups -> measured runs until
 * the stopping rule holds -> finished.  Each run is committed when it
 * ends; nothing is written while a measured run is in flight.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <sched.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argv.h"
#include "compare.h"
#include "benchd.h"
#include "conditions.h"
#include "conf.h"
#include "log.h"
#include "notify.h"
#include "rev.h"
#include "runner.h"
#include "sched-int.h"
#include "timing.h"
#include "store.h"
#include "xmalloc.h"

#define PROGRESS_INTERVAL_MS	250

static const char *phase_names[] = { "build", "warmup", "measured",
    "summary", "profile" };

static struct srun	*cur;
static void		 sched_verdict(struct srun *);
static struct event	*kick_ev;
static int		 shutting_down;
static int		 recovered;	/* sessions left running settled */


int64_t
sched_running(void)
{
	return (cur != NULL ? cur->id : 0);
}

int
sched_config_in_use(const struct config *c)
{
	return (cur != NULL && cur->conf == c);
}

static int
srun_index(const struct srun *s)
{
	if (s->phase == PH_WARMUP)
		return (s->warmups_done + (s->runner != NULL));
	if (s->phase == PH_MEASURED)
		return (s->measured + (s->runner != NULL));
	return (0);
}

/* Runs planned in this phase: past `runs` only as the rule adds them. */
static int
srun_total(const struct srun *s)
{
	if (s->phase == PH_WARMUP)
		return (s->warmup);
	if (s->phase == PH_MEASURED)
		return (srun_index(s) > s->runs ? srun_index(s) : s->runs);
	return (1);
}

cJSON *
sched_progress(void)
{
	cJSON		*p;
	char		 since[32];
	struct tm	 tm;
	time_t		 t;

	if (cur == NULL)
		return (NULL);
	p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "phase", cur->waiting ?
	    "waiting-conditions" : phase_names[cur->phase]);
	if (cur->waiting) {
		cJSON_AddStringToObject(p, "waiting", cur->wait_reason);
		t = cur->wait_since / 1000;
		gmtime_r(&t, &tm);
		strftime(since, sizeof since, "%Y-%m-%dT%H:%M:%SZ", &tm);
		cJSON_AddStringToObject(p, "since", since);
	}
	cJSON_AddNumberToObject(p, "run", srun_index(cur));
	cJSON_AddNumberToObject(p, "of", srun_total(cur));
	if (cur->last_wall > 0)
		cJSON_AddNumberToObject(p, "last_wall", cur->last_wall);
	else
		cJSON_AddNullToObject(p, "last_wall");
	return (p);
}

/* What a progress notification is about: the phase, or a wait. */
static int
progress_key(const struct srun *s)
{
	return (s->waiting ? -1 : (int)s->phase);
}

/*
 * A run has just started: tell subscribers only when that changes the
 * phase (the first warmup, the first measured run, the end of a wait);
 * the end of the last run already said which run comes next.
 */
void
sched_notify_start(struct srun *s)
{
	if (progress_key(s) != s->progress_key)
		sched_notify_progress(s);
}

/*
 * Tell subscribers (and systemd's STATUS=) what the session is doing: at
 * once when the phase changes or a wait for the conditions begins or ends,
 * otherwise at most every PROGRESS_INTERVAL_MS.  A subscriber wakes for
 * each notification and its CPU time is taken beside the workload's, so a
 * session of short runs must not wake it at every run.
 */
void
sched_notify_progress(struct srun *s)
{
	struct timespec	 now;
	cJSON		*p;
	int		 key = progress_key(s);
	int64_t		 ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - s->progress_at.tv_sec) * 1000 +
	    (now.tv_nsec - s->progress_at.tv_nsec) / 1000000;
	if (key == s->progress_key && ms < PROGRESS_INTERVAL_MS)
		return;
	s->progress_key = key;
	s->progress_at = now;

	p = sched_progress();
	cJSON_AddNumberToObject(p, "id", (double)s->id);
	cJSON_AddStringToObject(p, "state", "running");
	server_notify(s->id, "session.progress", p);
	/* systemctl status shows what the box is doing. */
	if (s->waiting)
		notify_status("Session #%lld (%s) waiting for canonical "
		    "conditions: %s", (long long)s->id, s->suite->name,
		    s->wait_reason);
	else
		notify_status("Session #%lld (%s): %s run %d of %d",
		    (long long)s->id, s->suite->name, phase_names[s->phase],
		    srun_index(s), srun_total(s));
}

static void
srun_free(struct srun *s)
{
	size_t	i;

	sched_hold_forget(s);
	sched_profile_free(s);
	free(s->fin_state);
	free(s->fin_reason);

	for (i = 0; i < s->nparams; i++) {
		free(s->keys[i]);
		free(s->values[i]);
	}
	free(s->keys);
	free(s->values);
	argv_free(s->build_argv);
	argv_free(s->argv);
	free(s->walls);
	free(s->stop_reason);
	free(s->snapshot);
	free(s->wait_reason);
	free(s->cpus_text);
	if (s->recheck != NULL)
		event_free(s->recheck);
	if (s->timing != NULL)
		timing_free(s->timing);
	runner_free(s->runner);
	if (s->conf != cfg)
		conf_free(s->conf);	/* replaced by a reload meanwhile */
	free(s);
}

/* A held end of session, retried. */
static void
sched_finish_retry(struct srun *s)
{
	char	*state = xstrdup(s->fin_state);
	char	*reason = s->fin_reason != NULL ? xstrdup(s->fin_reason) : NULL;

	sched_finish(s, state, reason);
	free(state);
	free(reason);
}

void
sched_finish(struct srun *s, const char *state, const char *reason)
{
	cJSON	*p;
	char	*what;

	if (store_session_finish(db, s->id, state, reason) != 0) {
		if (store_fault(db)) {
			if (s->fin_state == NULL) {
				s->fin_state = xstrdup(state);
				s->fin_reason = reason != NULL ?
				    xstrdup(reason) : NULL;
			}
			xasprintf(&what, "the end of session %lld (%s)",
			    (long long)s->id, state);
			sched_hold(s, what, sched_finish_retry);
			free(what);
			return;
		}
		log_warnx("session %lld: cannot record %s: %s",
		    (long long)s->id, state, store_errmsg(db));
	}
	sched_hold_clear();
	sched_unplace(s);
	conditions_layout_forget();
	log_info("session %lld %s%s%s", (long long)s->id, state,
	    reason != NULL ? ": " : "", reason != NULL ? reason : "");
	if (strcmp(state, "completed") == 0 || strcmp(state, "unstable") == 0)
		sched_verdict(s);
	p = cJSON_CreateObject();
	cJSON_AddNumberToObject(p, "id", (double)s->id);
	cJSON_AddStringToObject(p, "state", state);
	if (reason != NULL)
		cJSON_AddStringToObject(p, "reason", reason);
	else
		cJSON_AddNullToObject(p, "reason");
	server_notify(s->id, "session.finished", p);
	if (cur == s)
		cur = NULL;
	notify_status("Idle; session #%lld %s", (long long)s->id, state);
	srun_free(s);
	sched_kick();
}

/* The queued parameter values as parallel key/value arrays. */
static void
srun_params(struct srun *s, const cJSON *params)
{
	const cJSON	*p;
	size_t		 n = 0;

	cJSON_ArrayForEach(p, params)
		n++;
	s->keys = xcalloc(n + 1, sizeof *s->keys);
	s->values = xcalloc(n + 1, sizeof *s->values);
	cJSON_ArrayForEach(p, params) {
		if (!cJSON_IsString(p))
			continue;
		s->keys[s->nparams] = xstrdup(p->string);
		s->values[s->nparams++] = xstrdup(p->valuestring);
	}
}

/* The measured command line as a person would type it. */
static char *
command_text(char **argv)
{
	char	*out = xstrdup(""), *q, *t;
	size_t	 i;

	for (i = 0; argv[i] != NULL; i++) {
		q = argv_quote(argv[i]);
		xasprintf(&t, "%s%s%s", out, i > 0 ? " " : "", q);
		free(q);
		free(out);
		out = t;
	}
	return (out);
}

static double
num_or_nan(const cJSON *v)
{
	return (cJSON_IsNumber(v) ? v->valuedouble : NAN);
}

/* Compare a finished session with its suite's baseline; store the verdict. */
static void
sched_verdict(struct srun *s)
{
	struct rpc_error	 e = { 0, NULL, NULL };
	int64_t			 base;
	cJSON			*r, *wall;
	struct session_meta	 m;

	if (store_session_meta(db, s->id, &m) != 0)
		return;
	base = store_baseline_current(db, s->suite->name, m.params);
	store_session_meta_free(&m);
	if (base == 0 || base == s->id)
		return;
	if ((r = compare_sessions(base, s->id, 0, s->suite->noise,
	    &e)) == NULL) {
		if (e.data_code != NULL && strcmp(e.data_code,
		    "incomparable") == 0)
			store_session_verdict(db, s->id, base, "incomparable",
			    NAN, NAN, NAN);
		free(e.message);
		return;
	}
	wall = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "metrics"), 0);
	store_session_verdict(db, s->id, base,
	    cJSON_GetObjectItem(wall, "verdict")->valuestring,
	    num_or_nan(cJSON_GetObjectItem(wall, "change")),
	    num_or_nan(cJSON_GetObjectItem(wall, "ci_low")),
	    num_or_nan(cJSON_GetObjectItem(wall, "ci_high")));
	log_info("session %lld against baseline %lld: %s", (long long)s->id,
	    (long long)base, cJSON_GetObjectItem(wall, "verdict")->valuestring);
	cJSON_Delete(r);
}

/* FNV-1a over the suite definition: equal text, equal hash. */
static void
suite_hash(const char *text, char out[17])
{
	uint64_t	h = 0xcbf29ce484222325ULL;

	for (; *text != '\0'; text++) {
		h ^= (unsigned char)*text;
		h *= 0x100000001b3ULL;
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* The gate before the session, re-entered on each recheck, then the build. */
static void
sched_begin(struct srun *s)
{
	if (sched_gate(s, sched_begin) > 0)
		sched_build(s);
}

static void
sched_start(int64_t id)
{
	struct srun	*s;
	cJSON		*row;
	const char	*suite, *rev;
	char		*cause = NULL, *reason, *detected = NULL, hash[17];
	char		*fp, *cmd;
	int		 dirty = -1, rc;
	struct session_start ss;

	if ((row = store_session_json(db, id)) == NULL)
		return;
	s = xcalloc(1, sizeof *s);
	s->id = id;
	s->progress_key = -2;		/* nothing said yet */
	s->conf = cfg;
	s->warmup = cJSON_GetObjectItem(row, "warmup")->valueint;
	s->runs = cJSON_GetObjectItem(row, "runs")->valueint;
	s->max_runs = cJSON_GetObjectItem(row, "max_runs")->valueint;
	s->cv_target = cJSON_GetObjectItem(row, "cv_target")->valuedouble;
	srun_params(s, cJSON_GetObjectItem(row, "params"));
	s->profile = store_profile_requested(db, id) == 1;
	suite = cJSON_GetObjectItem(row, "suite")->valuestring;
	cur = s;
	if ((s->suite = conf_suite(cfg, suite)) == NULL) {
		xasprintf(&reason, "suite \"%s\" is no longer configured",
		    suite);
		goto fail;
	}
	if (access(s->suite->workdir, X_OK) != 0) {
		xasprintf(&reason, "workdir %s: %s", s->suite->workdir,
		    strerror(errno));
		goto fail;
	}
	if ((s->suite->build != NULL && argv_build(s->suite, s->suite->build,
	    s->keys, s->values, s->nparams, &s->build_argv, &cause) != 0) ||
	    argv_build(s->suite, s->suite->command, s->keys, s->values,
	    s->nparams, &s->argv, &cause) != 0) {
		xasprintf(&reason, "%s", cause);
		free(cause);
		goto fail;
	}
	rev = cJSON_GetObjectItem(row, "rev")->valuestring;
	if (rev != NULL)
		detected = xstrdup(rev);	/* --rev overrides git */
	else
		rev_detect(s->suite->workdir, &detected, &dirty);
	if (s->suite->ntiming_prefixes > 0)
		s->timing = timing_new(s->suite->timing_prefixes,
		    s->suite->ntiming_prefixes);
	sched_place(s);
	memset(&ss, 0, sizeof ss);
	ss.text = s->suite->text;
	ss.hash = hash;
	ss.rev = detected;
	ss.dirty = dirty;
	ss.cpus = s->cpus_text;
	ss.nice = s->suite->nice;
	suite_hash(s->suite->text, hash);
	fp = fingerprint_json(s->conf->cond.sys_root);
	cmd = command_text(s->argv);
	if ((rc = store_begin(db)) == 0 &&
	    (rc = store_session_start(db, id, &ss)) == 0 &&
	    (rc = store_session_identity(db, id, fp, cmd)) == 0)
		rc = store_commit(db);
	else
		store_rollback(db);
	free(detected);
	free(fp);
	free(cmd);
	if (rc != 0 && store_fault(db)) {
		/* Still queued: started again when the database is back. */
		cJSON_Delete(row);
		xasprintf(&reason, "the start of session %lld", (long long)id);
		sched_unplace(s);
		cur = NULL;
		srun_free(s);
		sched_hold(NULL, reason, NULL);
		free(reason);
		return;
	}
	if (rc != 0) {
		xasprintf(&reason, "storage: %s", store_errmsg(db));
		goto fail;
	}
	sched_hold_clear();
	cJSON_Delete(row);
	log_info("session %lld: suite %s started", (long long)id,
	    s->suite->name);
	conditions_layout_keep();
	sched_begin(s);
	return;
fail:
	cJSON_Delete(row);
	sched_finish(s, "failed", reason);
	free(reason);
}

static void
sched_kick_cb(evutil_socket_t fd, short events, void *arg)
{
	int64_t	id;

	if (cur != NULL || shutting_down)
		return;
	/* Sessions left running are settled before any other starts. */
	if (!recovered) {
		if (sched_recover() != 0) {
			sched_hold(NULL, "the sessions left running, as "
			    "interrupted", NULL);
			return;
		}
		recovered = 1;
		sched_hold_clear();
	}
	if ((id = store_next_queued(db)) > 0)
		sched_start(id);
}

/* Look at the queue from the event loop, never from inside a callback. */
void
sched_kick(void)
{
	event_active(kick_ev, 0, 0);
}

void
sched_init(void)
{
	sched_gate_init();
	kick_ev = event_new(ev_base, -1, 0, sched_kick_cb, NULL);
	sched_kick();
}

int
sched_cancel(int64_t id, uid_t uid, struct rpc_error *e)
{
	char	state[32], *reason;

	xasprintf(&reason, "cancelled by uid %ld", (long)uid);
	if (cur != NULL && cur->id == id && cur->fin_state != NULL) {
		free(reason);
		return (rpc_fail(e, RPC_APP_ERROR, "not-cancellable",
		    "session %lld is ending (%s); its end waits for the "
		    "database", (long long)id, cur->fin_state));
	}
	if (cur != NULL && cur->id == id) {
		cur->stopping = 1;
		free(cur->stop_reason);
		cur->stop_reason = reason;
		if (cur->held)
			;	/* the run is recorded first, then it stops */
		else if (cur->runner != NULL)
			runner_stop(cur->runner);
		else
			sched_finish(cur, "cancelled", reason);
		return (0);
	}
	switch (store_session_state(db, id, state, sizeof state)) {
	case 1:
		free(reason);
		return (rpc_fail(e, RPC_APP_ERROR, "no-such-session",
		    "no session %lld", (long long)id));
	case -1:
		free(reason);
		return (rpc_storage(e));
	}
	if (strcmp(state, "queued") != 0) {
		free(reason);
		return (rpc_fail(e, RPC_APP_ERROR, "not-cancellable",
		    "session %lld is %s", (long long)id, state));
	}
	store_refresh(db);
	if (store_session_finish(db, id, "cancelled", reason) != 0) {
		free(reason);
		return (rpc_storage(e));
	}
	free(reason);
	return (0);
}

/*
 * SIGTERM: stop the workload's whole process group, give it the grace
 * period to go, and record the session as interrupted.
 */
void
sched_shutdown(const char *reason)
{
	pid_t		pid;
	int		status, i, grace;
	struct rusage	ru;

	shutting_down = 1;
	if (cur == NULL)
		return;
	if (cur->runner != NULL && (pid = runner_pid(cur->runner)) > 0) {
		kill(-pid, SIGTERM);
		/* kill_grace, but never so long that systemd loses patience. */
		grace = cur->conf->kill_grace < 4 ? cur->conf->kill_grace : 4;
		for (i = 0; i < grace * 10; i++) {
			if (wait4(pid, &status, WNOHANG, &ru) == pid)
				break;
			usleep(100000);
		}
		kill(-pid, SIGKILL);
		while (waitpid(-1, &status, WNOHANG) > 0)
			;
	}
	store_session_finish(db, cur->id, "interrupted", reason);
	log_info("session %lld interrupted: %s", (long long)cur->id, reason);
	runner_free(cur->runner);
	cur->runner = NULL;
	srun_free(cur);
	cur = NULL;
	conditions_layout_forget();
}
