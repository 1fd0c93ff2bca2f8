/*
 * follow.c -- suites that follow a branch (follow =): every
 * follow_interval seconds, the suite's fetch command runs in the
 * repository (a child the event loop waits for), then the branch is
 * resolved, and each commit on its first parents since the last one seen
 * gets a session (marked with the branch,
 * so that its verdict is taken against its parent's session, sched.c).
 * The last commit seen is kept in the follows table: a restart neither
 * repeats nor loses commits.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "argv.h"
#include "benchd.h"
#include "conf.h"
#include "git.h"
#include "log.h"
#include "runner.h"
#include "store.h"
#include "xmalloc.h"

#define FOLLOW_FETCH_TIMEOUT	600	/* seconds */
#define FOLLOW_MAX_NEW		20	/* sessions queued per look, newest */

/*
 * When each suite looks next, by name (a reload may change the suites),
 * and its fetch command in flight.
 */
struct look {
	char		*suite;
	time_t		 next;
	struct runner	*fetch;
};

static struct event	*follow_ev;
static struct look	**looks;
static size_t		 nlooks;

static void	follow_look(const struct suite *);

static struct look *
look_of(const char *suite)
{
	size_t	i;

	for (i = 0; i < nlooks; i++)
		if (strcmp(looks[i]->suite, suite) == 0)
			return (looks[i]);
	looks = xreallocarray(looks, nlooks + 1, sizeof *looks);
	looks[nlooks] = xcalloc(1, sizeof **looks);
	looks[nlooks]->suite = xstrdup(suite);
	return (looks[nlooks++]);
}

/* The fetch command has ended: look at the branch (of the suite now). */
static void
fetch_done(void *arg, const struct run_result *rr)
{
	struct look		*l = arg;
	const struct suite	*su;

	if (!WIFEXITED(rr->status) || WEXITSTATUS(rr->status) != 0)
		log_warnx("suite %s: fetch %s", l->suite, rr->timed_out ?
		    "took too long" : "failed");
	runner_free(l->fetch);
	l->fetch = NULL;
	if ((su = conf_suite(cfg, l->suite)) != NULL && su->follow != NULL &&
	    su->repo != NULL)
		follow_look(su);
}

/* The suite's fetch command in its repository; 0, or -1: look now. */
static int
follow_fetch(const struct suite *su, struct look *l)
{
	struct run_spec	  rs;
	char		**argv = NULL, **envp = NULL, *cause = NULL;

	if (l->fetch != NULL)
		return (0);	/* the last one is still running */
	if (argv_build(su, su->fetch, NULL, NULL, 0, &argv, &cause) != 0) {
		log_warnx("suite %s: fetch: %s", su->name, cause);
		free(cause);
		return (-1);
	}
	argv_env(cfg, su, NULL, NULL, &envp);
	memset(&rs, 0, sizeof rs);
	rs.argv = argv;
	rs.envp = envp;
	rs.cwd = su->repo;
	rs.timeout = FOLLOW_FETCH_TIMEOUT;
	rs.kill_grace = cfg->kill_grace;
	l->fetch = runner_start(ev_base, &rs, NULL, fetch_done, l, &cause);
	argv_free(argv);
	argv_free(envp);
	if (l->fetch == NULL) {
		log_warnx("suite %s: fetch: %s", su->name, cause);
		free(cause);
		return (-1);
	}
	return (0);
}

/* One session of su at commit id, following the branch. */
static int
follow_queue(const struct suite *su, const char *id)
{
	struct git_commit	 c;
	struct session_new	 sn;
	char			*cause = NULL, *label;
	int64_t			 sid;

	if (git_resolve(su->repo, id, &c, &cause) != 0) {
		log_warnx("suite %s: %s", su->name, cause);
		free(cause);
		return (-1);
	}
	rev_session_new(su, "{}", &c, &sn);
	xasprintf(&label, "follow %s", su->follow);
	sn.label = label;
	sn.follow = su->follow;
	sid = store_session_insert(db, &sn);
	if (sid > 0)
		log_info("suite %s: session %lld for %.12s on %s", su->name,
		    (long long)sid, c.id, su->follow);
	free(label);
	git_commit_free(&c);
	return (sid > 0 ? 0 : -1);
}

/* Look at su's branch: a session for each commit since the last seen. */
static void
follow_look(const struct suite *su)
{
	struct git_commit	 tip;
	char			*last, *cause = NULL, **ids = NULL;
	size_t			 n = 0, i;

	if (git_resolve(su->repo, su->follow, &tip, &cause) != 0) {
		log_warnx("suite %s: follow: %s", su->name, cause);
		free(cause);
		return;
	}
	store_refresh(db);
	last = store_follow_get(db, su->name, su->follow);
	if (last != NULL && strcmp(last, tip.id) == 0)
		goto out;
	if (last == NULL) {
		ids = xcalloc(1, sizeof *ids);
		ids[n++] = xstrdup(tip.id);
	} else if (git_first_parents(su->repo, last, tip.id, &ids, &n,
	    &cause) != 0) {
		log_warnx("suite %s: follow: %s", su->name, cause);
		free(cause);
		goto out;
	}
	if (store_begin(db) != 0)
		goto out;
	for (i = n > FOLLOW_MAX_NEW ? n - FOLLOW_MAX_NEW : 0; i < n; i++)
		if (follow_queue(su, ids[i]) != 0)
			break;
	if (i < n || store_follow_set(db, su->name, su->follow,
	    tip.id) != 0 || store_commit(db) != 0) {
		store_rollback(db);
		log_warnx("suite %s: follow: %s", su->name, store_errmsg(db));
		goto out;
	}
	if (n > 0)
		sched_kick();
out:
	git_ids_free(ids, n);
	free(last);
	git_commit_free(&tip);
}

/*
 * Look at the suites whose time has come, then sleep until the next
 * one's: without a suite that follows, no timer at all (an idle benchd
 * does not wake).
 */
static void
follow_tick(evutil_socket_t fd, short events, void *arg)
{
	const struct suite	*su;
	struct look		*l;
	struct timeval		 tv;
	time_t			 now = time(NULL), next = 0;
	size_t			 i;

	for (i = 0; i < cfg->nsuites; i++) {
		su = &cfg->suites[i];
		if (su->follow == NULL || su->repo == NULL)
			continue;
		l = look_of(su->name);
		if (now >= l->next) {
			if (su->fetch == NULL || follow_fetch(su, l) != 0)
				follow_look(su);
			l->next = time(NULL) + su->follow_interval;
		}
		if (next == 0 || l->next < next)
			next = l->next;
	}
	if (next == 0)
		return;
	now = time(NULL);
	tv.tv_sec = next > now ? next - now : 0;
	tv.tv_usec = 0;
	if (event_add(follow_ev, &tv) != 0)
		log_warnx("follow: cannot arm its timer");
}

/* At start and after a reload: look at once at what follows a branch. */
void
follow_init(void)
{
	if (follow_ev == NULL &&
	    (follow_ev = event_new(ev_base, -1, 0, follow_tick, NULL)) == NULL)
		fatalx("follow: cannot make its timer");
	event_del(follow_ev);
	follow_tick(-1, 0, NULL);
}

void
follow_free(void)
{
	size_t	i;

	if (follow_ev != NULL)
		event_free(follow_ev);
	for (i = 0; i < nlooks; i++) {
		if (looks[i]->fetch != NULL) {
			runner_stop(looks[i]->fetch);
			runner_free(looks[i]->fetch);
		}
		free(looks[i]->suite);
		free(looks[i]);
	}
	free(looks);
	follow_ev = NULL;
	looks = NULL;
	nlooks = 0;
}
