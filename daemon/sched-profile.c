/*
 * sched-profile.c -- `benchctl queue SUITE --profile`: once the measured
 * runs are done, one more run of the command under `perf record -g`
 * (children followed, as perf does by default), never counted in the
 * statistics; then `perf script`, whose output is folded here as it
 * streams and stored compressed with the session.  Without perf, or when
 * perf may not record, the session still ends as its runs say, and the
 * profile records why there is none.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchd.h"
#include "conf.h"
#include "log.h"
#include "profile.h"
#include "sched-int.h"
#include "store.h"
#include "xmalloc.h"

/* perf as configured, else the first on the workloads' PATH. */
static char *
perf_find(const struct srun *s)
{
	const struct config	*cf = s->conf;
	char			*path, *cause = NULL;

	if (cf->profile.perf != NULL)
		return (access(cf->profile.perf, X_OK) == 0 ?
		    xstrdup(cf->profile.perf) : NULL);
	path = runner_find("perf", cf->env_path, s->suite->workdir, &cause);
	free(cause);
	return (path);
}

/* event = auto: cycles when the kernel shows a CPU PMU, else cpu-clock. */
static const char *
perf_event(const struct config *cf)
{
	static const char	*pmus[] = { "cpu", "cpu_core", "armv8_pmuv3" };
	char			*path;
	size_t			 i;
	int			 found = 0;

	if (strcmp(cf->profile.event, "auto") != 0)
		return (cf->profile.event);
	for (i = 0; i < sizeof pmus / sizeof pmus[0] && !found; i++) {
		xasprintf(&path, "%s/sys/bus/event_source/devices/%s",
		    strcmp(cf->cond.sys_root, "/") == 0 ? "" :
		    cf->cond.sys_root, pmus[i]);
		found = access(path, F_OK) == 0;
		free(path);
	}
	return (found ? "cycles" : "cpu-clock");
}

/* perf's data and its private directory go. */
static void
profile_data_free(struct srun *s)
{
	if (s->perf_data != NULL)
		(void)unlink(s->perf_data);
	if (s->perf_dir != NULL)
		(void)rmdir(s->perf_dir);
	free(s->perf_data);
	free(s->perf_dir);
	s->perf_data = s->perf_dir = NULL;
}

/*
 * The profile's outcome (state, reason), kept until it is stored; the
 * perf data file is no longer needed.
 */
static void
profile_outcome(struct srun *s, const char *state, const char *reason)
{
	struct profile_row	*p = s->prof_row;

	if (p == NULL)
		p = s->prof_row = xcalloc(1, sizeof *p);
	p->state = xstrdup(state);
	p->reason = reason != NULL ? xstrdup(reason) : NULL;
	p->event = s->perf_event != NULL ? xstrdup(s->perf_event) : NULL;
	p->frequency = s->conf->profile.frequency;
	p->wall_ns = s->profile_wall;
	if (reason != NULL)
		log_info("session %lld: profile %s: %s", (long long)s->id,
		    state, reason);
	else
		log_info("session %lld: profile %s, %llu samples",
		    (long long)s->id, state, (unsigned long long)p->samples);
	profile_data_free(s);
}

static void
script_output(void *arg, int stream, const char *buf, size_t len)
{
	struct srun	*s = arg;

	if (stream == 1)
		profile_fold_feed(s->fold, buf, len);
}

/* perf script is done: the folded stacks, compressed, are the profile. */
static void
script_done(void *arg, const struct run_result *rr)
{
	struct srun		*s = arg;
	struct profile_row	*p;
	char			*text, *why;
	size_t			 len;
	unsigned char		*z;
	size_t			 zlen, i;

	sched_cleanup(s);
	if (s->fsm.cancelled) {
		sched_exited(s, NULL, 0, 0, NULL);
		return;
	}
	p = s->prof_row = xcalloc(1, sizeof *p);
	text = profile_fold_finish(s->fold, &len);
	p->samples = profile_fold_samples(s->fold);
	p->skipped = profile_fold_skipped(s->fold);
	if (rr->timed_out || !WIFEXITED(rr->status) ||
	    WEXITSTATUS(rr->status) != 0) {
		why = sched_stderr_excerpt(s);
		profile_outcome(s, "failed", *why != '\0' ? why :
		    "perf script failed");
		free(why);
	} else if (p->samples == 0)
		profile_outcome(s, "failed", "perf recorded no samples");
	else if (profile_compress(text, len, &z, &zlen) != 0)
		profile_outcome(s, "failed",
		    "cannot compress the folded stacks");
	else {
		for (p->stacks = 0, i = 0; i < len; i++)
			p->stacks += text[i] == '\n';
		p->folded = z;
		p->folded_len = zlen;
		p->folded_size = len;
		profile_outcome(s, "recorded", NULL);
	}
	free(text);
	sched_exited(s, NULL, 1, 0, NULL);
}

/* perf record is done: go on to fold what it recorded, if anything. */
static void
record_done(void *arg, const struct run_result *rr)
{
	struct srun	*s = arg;
	struct stat	 sb;
	char		*why, *reason;

	sched_cleanup(s);
	if (s->fsm.cancelled) {
		sched_exited(s, NULL, 0, 0, NULL);
		return;
	}
	s->profile_wall = rr->wall_ns;
	why = sched_stderr_excerpt(s);
	if (stat(s->perf_data, &sb) != 0 || sb.st_size == 0) {
		/* perf said why on stderr: paranoia, no PMU access... */
		xasprintf(&reason, "perf record could not record: %s",
		    *why != '\0' ? why : "no data written");
		profile_outcome(s, strstr(why, "paranoid") != NULL ||
		    strstr(why, "ermission") != NULL ? "unavailable" :
		    "failed", reason);
		free(reason);
		free(why);
		sched_exited(s, NULL, 0, 0, NULL);
		return;
	}
	free(why);
	sched_exited(s, NULL, 1, 0, NULL);
}

/* FA_PROFILE_SCRIPT: perf script over what perf record wrote. */
int
sched_profile_script(struct srun *s, struct fsm_input *next)
{
	char	*argv[] = { s->perf, "script", "-i", s->perf_data, NULL };
	char	*cause = NULL, *reason;

	s->fold = profile_fold_new();
	if (sched_spawn(s, argv, "profile", s->suite->timeout, script_output,
	    script_done, &cause) != 0) {
		xasprintf(&reason, "perf script: %s", cause);
		profile_outcome(s, "failed", reason);
		free(reason);
		free(cause);
		next->ev = FE_SPAWN_FAILED;
		return (1);
	}
	return (0);
}

/*
 * FA_PROFILE_RECORD: the measured runs are over; one more run of the
 * command under perf record.
 */
int
sched_profile_record(struct srun *s, struct fsm_input *next)
{
	char	**argv, freq[16], *cause = NULL, *why;
	size_t	  n, i, k = 0;

	if ((s->perf = perf_find(s)) == NULL) {
		xasprintf(&why, "perf not found (%s); install linux-perf or "
		    "set perf = in [profile]", s->conf->profile.perf != NULL ?
		    s->conf->profile.perf : "not on the workloads' PATH");
		profile_outcome(s, "unavailable", why);
		free(why);
		next->ev = FE_SPAWN_FAILED;
		return (1);
	}
	s->perf_event = perf_event(s->conf);
	/*
	 * perf writes into a directory of ours, made 0700 with a name no one
	 * can guess: never through a path another user could have planted.
	 */
	xasprintf(&s->perf_dir, "%s/benchd-profile-XXXXXX",
	    s->conf->env_tmpdir);
	if (mkdtemp(s->perf_dir) == NULL) {
		xasprintf(&why, "cannot make a directory for perf's data: "
		    "%s: %s", s->perf_dir, strerror(errno));
		free(s->perf_dir);
		s->perf_dir = NULL;
		profile_outcome(s, "failed", why);
		free(why);
		next->ev = FE_SPAWN_FAILED;
		return (1);
	}
	xasprintf(&s->perf_data, "%s/perf.data", s->perf_dir);
	snprintf(freq, sizeof freq, "%d", s->conf->profile.frequency);
	for (n = 0; s->argv[n] != NULL; n++)
		;
	argv = xcalloc(n + 12, sizeof *argv);
	argv[k++] = s->perf;
	argv[k++] = "record";
	argv[k++] = "-g";
	argv[k++] = "-q";
	argv[k++] = "-e";
	argv[k++] = (char *)s->perf_event;
	argv[k++] = "-F";
	argv[k++] = freq;
	argv[k++] = "-o";
	argv[k++] = s->perf_data;
	argv[k++] = "--";
	for (i = 0; i < n; i++)
		argv[k++] = s->argv[i];
	if (sched_spawn(s, argv, "profile", s->suite->timeout, NULL,
	    record_done, &cause) != 0) {
		xasprintf(&why, "perf record: %s", cause);
		profile_outcome(s, "failed", why);
		free(why);
		free(cause);
		free(argv);
		next->ev = FE_SPAWN_FAILED;
		return (1);
	}
	free(argv);
	sched_notify_progress(s);
	return (0);
}

/* FA_STORE_PROFILE: a refused write is held like any other. */
int
sched_profile_store(struct srun *s, struct fsm_input *next)
{
	return (sched_store_answer(s, store_profile_put(db, s->id,
	    s->prof_row), next));
}

void
sched_profile_free(struct srun *s)
{
	profile_data_free(s);
	free(s->perf);
	if (s->fold != NULL)
		profile_fold_free(s->fold);
	if (s->prof_row != NULL) {
		store_profile_free(s->prof_row);
		free(s->prof_row);
	}
}
