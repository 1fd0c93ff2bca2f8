/*
 * sched-bisect.c -- bisections carried out: each step an A/B test queued
 * when the one before has ended (sched_rev_end calls
 * sched_bisect_advance), its outcome marked by bisect.c's rules and saved
 * at once.  Everything a bisection knows is in its row, so after a
 * restart sched_bisect_resume takes up each running one where it was: a
 * step the restart interrupted is queued again.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchd.h"
#include "bisect.h"
#include "conf.h"
#include "git.h"
#include "log.h"
#include "store.h"
#include "xmalloc.h"

/* The commit at index i of the range, or NULL. */
static char *
commit_at(const struct bisect_row *b, int i)
{
	const char	*p = b->commits;
	size_t		 len;

	while (i-- > 0 && p != NULL)
		if ((p = strchr(p, ' ')) != NULL)
			p++;
	if (p == NULL || *p == '\0')
		return (NULL);
	len = strcspn(p, " ");
	return (xstrndup(p, len));
}

static void
set_state(struct bisect_row *b, const char *state, const char *reason)
{
	char	*r = reason != NULL ? xstrdup(reason) : NULL;

	free(b->state);
	b->state = xstrdup(state);
	free(b->reason);
	b->reason = r;
}

/* Queue the A/B test of a against the commit at index (-1: final). */
static void
queue_step(struct bisect_row *b, const struct suite *su, const char *a,
    const char *bc, int index, int max_runs)
{
	struct ab_row	 meta;
	int64_t		 ids[2], id;
	char		*cause, *r;

	memset(&meta, 0, sizeof meta);
	meta.purpose = "bisect";
	meta.bisect_id = b->id;
	meta.metric = b->metric;
	id = rev_ab_queue(su, b->params, a, bc, &meta, b->queued_by ==
	    STORE_NONE ? 0 : b->queued_by, max_runs, ids, &cause);
	if (id < 0) {
		xasprintf(&r, "cannot queue a step: %s", cause);
		set_state(b, "failed", r);
		free(r);
		free(cause);
		return;
	}
	b->step_ab = id;
	b->step_index = index;
	log_info("bisection %lld: A/B test %lld of %.12s", (long long)b->id,
	    (long long)id, bc);
}

/*
 * The range narrowed down: the first bad commit against its parent, or
 * with skipped commits in between (which may not build), the last good.
 */
static void
queue_final(struct bisect_row *b, const struct suite *su, int first_bad,
    int unsure)
{
	char	*parent, *bad, *why = NULL;
	int	 i = first_bad - 1 - unsure;

	b->first_bad = first_bad;
	parent = i < 0 ? xstrdup(b->good) : commit_at(b, i);
	bad = commit_at(b, first_bad);
	if (unsure > 0)
		xasprintf(&why, "%d skipped commit(s) before it may be the "
		    "first bad one instead", unsure);
	free(b->reason);
	b->reason = why;
	b->retries = 0;
	queue_step(b, su, parent, bad, -1, 0);
	free(parent);
	free(bad);
}

/* The step under way has ended (or not): mark it, queue the next. */
static void
advance(struct bisect_row *b, const struct suite *su)
{
	struct ab_row		 ab;
	enum bisect_outcome	 o;
	enum verdict		 v;
	char			*c, mark;
	int			 next, first_bad, unsure;

	if (b->step_ab > 0) {
		if (store_ab_get(db, b->step_ab, &ab) != 0)
			return;
		switch (ab.state) {
		case SESSION_QUEUED:
		case SESSION_RUNNING:
			ab_row_free(&ab);
			return;
		case SESSION_INTERRUPTED:
			/* benchd stopped during the step: take it again. */
			c = b->step_index >= 0 ? commit_at(b, b->step_index) :
			    NULL;
			if (b->step_index >= 0)
				queue_step(b, su, b->good, c, b->step_index, 0);
			else {
				(void)bisect_next(b->marks, &first_bad,
				    &unsure);
				queue_final(b, su, first_bad, unsure);
			}
			free(c);
			ab_row_free(&ab);
			return;
		case SESSION_CANCELLED:
			set_state(b, "cancelled", "a step was cancelled");
			ab_row_free(&ab);
			return;
		default:
			break;
		}
		if (b->step_index < 0) {
			b->final_ab = ab.id;
			set_state(b, "completed", b->reason);
			ab_row_free(&ab);
			return;
		}
		v = ab.state == SESSION_COMPLETED ? ab.verdict : VERDICT_NONE;
		o = bisect_outcome(v, ab.failed_arm, b->retries, ab.change,
		    ab.threshold, &mark);
		ab_row_free(&ab);
		if (o == BISECT_BROKEN) {
			set_state(b, "failed", "the good commit does not build");
			return;
		}
		if (o == BISECT_AGAIN) {
			/* Inconclusive: again, with twice the pairs. */
			b->retries++;
			c = commit_at(b, b->step_index);
			queue_step(b, su, b->good, c, b->step_index,
			    su->max_runs * 2 * b->retries);
			free(c);
			return;
		}
		b->marks[b->step_index] = mark;
		b->retries = 0;
	}
	if ((next = bisect_next(b->marks, &first_bad, &unsure)) >= 0) {
		c = commit_at(b, next);
		queue_step(b, su, b->good, c, next, 0);
		free(c);
	} else
		queue_final(b, su, first_bad, unsure);
}

void
sched_bisect_advance(int64_t id)
{
	struct bisect_row	 b;
	const struct suite	*su;
	int64_t			 before;

	if (store_bisect_get(db, id, &b) != 0)
		return;
	if (strcmp(b.state, "running") != 0) {
		bisect_row_free(&b);
		return;
	}
	before = b.step_ab;
	if ((su = conf_suite(cfg, b.suite)) == NULL || su->repo == NULL)
		set_state(&b, "failed", "its suite is no longer configured "
		    "with a repo");
	else
		advance(&b, su);
	if ((b.step_ab != before || strcmp(b.state, "running") != 0) &&
	    store_bisect_save(db, &b) != 0)
		log_warnx("bisection %lld: cannot save its step: %s",
		    (long long)id, store_errmsg(db));
	if (strcmp(b.state, "running") != 0)
		log_info("bisection %lld %s%s%s", (long long)id, b.state,
		    b.reason != NULL ? ": " : "", b.reason != NULL ? b.reason :
		    "");
	bisect_row_free(&b);
}

void
sched_bisect_resume(void)
{
	int64_t	*ids;
	size_t	 n, i;

	n = store_bisect_running(db, &ids);
	for (i = 0; i < n; i++)
		sched_bisect_advance(ids[i]);
	free(ids);
}

/*
 * A bisection of su between good and bad: the first-parent commits after
 * good up to bad, bad marked bad; its first step queued.  Its id, or -1
 * and *cause.
 */
int64_t
bisect_start(const struct suite *su, const char *params, const char *good,
    const char *bad, const char *metric, int64_t uid, char **cause)
{
	struct git_commit	 g, x;
	struct bisect_row	 b;
	char			**ids = NULL, *list;
	size_t			 n = 0, i;
	int64_t			 id = -1;

	*cause = NULL;
	if (git_resolve(su->repo, good, &g, cause) != 0)
		return (-1);
	if (git_resolve(su->repo, bad, &x, cause) != 0) {
		git_commit_free(&g);
		return (-1);
	}
	if (git_first_parents(su->repo, g.id, x.id, &ids, &n, cause) != 0)
		goto out;
	if (n == 0 || strcmp(ids[n - 1], x.id) != 0) {
		xasprintf(cause, "%.12s is not after %.12s on its first "
		    "parents", x.id, g.id);
		goto out;
	}
	memset(&b, 0, sizeof b);
	b.suite = su->name;
	b.params = (char *)params;
	b.good = g.id;
	b.bad = x.id;
	b.metric = (char *)metric;
	b.commits = xstrdup("");
	b.marks = xmalloc(n + 1);
	for (i = 0; i < n; i++) {
		xasprintf(&list, "%s%s%s", b.commits, i > 0 ? " " : "",
		    ids[i]);
		free(b.commits);
		b.commits = list;
		b.marks[i] = i == n - 1 ? BISECT_BAD : BISECT_UNTESTED;
	}
	b.marks[n] = '\0';
	b.queued_by = uid;
	if ((id = store_bisect_insert(db, &b)) < 0)
		xasprintf(cause, "storage: %s", store_errmsg(db));
	free(b.commits);
	free(b.marks);
	if (id > 0)
		sched_bisect_advance(id);
out:
	git_ids_free(ids, n);
	git_commit_free(&g);
	git_commit_free(&x);
	return (id);
}

/*
 * Cancel a running bisection.  It is marked cancelled before its step is,
 * so that the end of the step takes no next one.  0; 1 when it is not
 * running (state says what it is); -1 no such bisection; -2 the database
 * failed.
 */
int
sched_bisect_cancel(int64_t id, uid_t uid, char *state, size_t len)
{
	struct bisect_row	 b;
	struct ab_row		 ab;
	char			*reason, st[32];
	int64_t			 step;

	switch (store_bisect_get(db, id, &b)) {
	case 1:
		return (-1);
	case -1:
		return (-2);
	}
	snprintf(state, len, "%s", b.state);
	if (strcmp(b.state, "running") != 0) {
		bisect_row_free(&b);
		return (1);
	}
	xasprintf(&reason, "cancelled by uid %ld", (long)uid);
	set_state(&b, "cancelled", reason);
	free(reason);
	step = b.step_ab;
	if (store_bisect_save(db, &b) != 0) {
		bisect_row_free(&b);
		return (-2);
	}
	bisect_row_free(&b);
	if (step > 0 && store_ab_get(db, step, &ab) == 0) {
		if (ab.state == SESSION_QUEUED || ab.state == SESSION_RUNNING)
			(void)sched_cancel(ab.session_a, uid, st, sizeof st);
		ab_row_free(&ab);
	}
	log_info("bisection %lld cancelled by uid %ld", (long long)id,
	    (long)uid);
	return (0);
}
