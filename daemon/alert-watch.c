/*
 * alert-watch.c -- notifications of what a suite's history and its
 * calibrations say once a session has ended: a new change point in the
 * history of its parameter values (as regressions.list finds them) when
 * they have no baseline, and a calibration that learned more noise than
 * the one before it.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "benchd.h"
#include "conf.h"
#include "log.h"
#include "stats.h"
#include "store.h"
#include "xmalloc.h"

struct cp_watch {
	struct store		*st;
	const struct suite	*su;
	struct session_row	*r;	/* the session that ended */
};

static void
cp_watch_of(void *arg, const char *ptext, const int64_t *ids,
    const double *means, size_t n)
{
	struct cp_watch		*w = arg;
	struct stats_cp		 cp[REGRESSIONS_CP_MAX];
	struct alert_event	 e;
	struct session_row	 r;
	char			*dedupe, *cmd;
	size_t			 k, i;

	if (strcmp(ptext, w->r->params) != 0 || n == 0 ||
	    ids[n - 1] != w->r->id)
		return;
	k = regressions_change_points(w->su, means, n, cp);
	for (i = 0; i < k; i++) {
		if (!alert_change_point_recent(cp[i].index, n, cp[i].rel,
		    cfg->notify.min_change))
			continue;
		if (alert_of_session(w->st, ids[cp[i].index],
		    ALERT_CHANGEPOINT, &e, &r) != 0)
			continue;
		e.before = cp[i].mean_before;
		e.after = cp[i].mean_after;
		e.change = cp[i].rel;
		e.p = cp[i].p;
		xasprintf(&cmd, "benchctl regressions %s", w->su->name);
		e.command = cmd;
		/* The same step found again later is the same finding. */
		xasprintf(&dedupe, "change-point %s %s #%lld", w->su->name,
		    ptext, (long long)ids[cp[i].index]);
		alert_emit(w->st, &e, dedupe);
		free(dedupe);
		free(cmd);
		session_row_free(&r);
	}
}

void
alert_change_points(struct store *st, int64_t id)
{
	struct session_row	 r;
	struct cp_watch		 w;

	if (store_session_get(st, id, &r) != 0)
		return;
	/*
	 * With a baseline, a level shift is told by the verdicts against
	 * it (one alert per shift); change points would tell it twice.
	 */
	if (store_baseline_current(st, r.suite, r.params) != 0) {
		session_row_free(&r);
		return;
	}
	w.st = st;
	w.r = &r;
	if ((w.su = conf_suite(cfg, r.suite)) != NULL)
		store_suite_series(st, r.suite, cp_watch_of, &w);
	session_row_free(&r);
}

/* The noise calibration c learned, against the one before it. */
static void
noise_watch(struct store *st, const struct calibration_row *c)
{
	struct alert_event	 e;
	char			*cmd, *dedupe;
	double			 before;
	int64_t			 prev = 0;

	if (c->state != CALIBRATION_COMPLETED || c->nv == 0)
		return;
	/* The latest one whose pairs all ran before this one's first. */
	before = store_calibration_learned(st, c->suite, c->params,
	    c->v[0].a - 1, &prev);
	if (prev == 0 || !alert_noise_rose(before, c->learned,
	    cfg->notify.noise_rise))
		return;
	memset(&e, 0, sizeof e);
	e.kind = ALERT_NOISE;
	e.suite = c->suite;
	e.params = c->params;
	e.calibration = c->id;
	e.before = before;
	e.after = c->learned;
	e.change = e.p = NAN;
	xasprintf(&cmd, "benchctl calibrate %s", c->suite);
	e.command = cmd;
	xasprintf(&dedupe, "noise-rose calibration #%lld", (long long)c->id);
	alert_emit(st, &e, dedupe);
	free(dedupe);
	free(cmd);
}

/* ids: the calibrations running before the session's end settled them. */
void
alert_calibrations(struct store *st, const int64_t *ids, size_t n)
{
	struct calibration_row	c;
	size_t			i;

	for (i = 0; i < n; i++) {
		if (store_calibration_get(st, ids[i], &c) != 0)
			continue;
		noise_watch(st, &c);
		calibration_row_free(&c);
	}
}
