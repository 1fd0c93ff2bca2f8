/*
 * calibrate.c -- a calibration's A/A pairs compared: the false-verdict
 * rate of the suite's noise setting and the noise learned from the pairs
 * (docs/METHODOLOGY.md, "Calibration").
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate.h"
#include "compare.h"
#include "log.h"
#include "stats.h"
#include "store.h"
#include "xmalloc.h"

/* A session's state; a session that is gone counts as failed. */
static enum session_state
calibration_session(struct store *st, int64_t id)
{
	struct session_row	r;
	enum session_state	s;

	if (store_session_get(st, id, &r) != 0)
		return (SESSION_FAILED);
	s = r.state;
	session_row_free(&r);
	return (s);
}

/* b against a with the noise alone; 0 when compared. */
static int
calibration_compare(struct store *st, double noise,
    struct calibration_pair *p)
{
	const struct cmp_metric	*w;
	struct comparison	 c;
	int			 rc = -1;

	if (compare_sessions(st, p->a, p->b, 0, noise, &c) == COMPARE_OK) {
		w = &c.metrics[CMP_WALL];
		p->verdict = w->verdict;
		p->change = w->change;
		p->ci_low = w->ci_low;
		p->ci_high = w->ci_high;
		rc = 0;
	}
	comparison_free(&c);
	return (rc);
}

/* Why pairs are missing, or why no noise was learned; NULL if neither. */
static char *
calibration_reason(const struct calibration_row *c)
{
	char	*r = NULL;

	if (c->counted == 0)
		xasprintf(&r, "no pair of sessions completed");
	else if (c->counted < c->pairs && isnan(c->learned))
		xasprintf(&r, "%d of %d pairs compared (a session failed, "
		    "was cancelled or is incomparable); fewer than %d: no "
		    "noise learned", c->counted, c->pairs,
		    CALIBRATION_MIN_PAIRS);
	else if (c->counted < c->pairs)
		xasprintf(&r, "%d of %d pairs compared (a session failed, "
		    "was cancelled or is incomparable)", c->counted, c->pairs);
	else if (isnan(c->learned))
		xasprintf(&r, "fewer than %d pairs compared: no noise learned",
		    CALIBRATION_MIN_PAIRS);
	return (r);
}

/*
 * Compare pair p if it has not been and both its sessions are done; 1
 * when it was compared now, 0 when it was before or cannot be, -1 while
 * a session of it is queued or running.
 */
static int
calibration_pair(struct store *st, double noise, struct calibration_pair *p)
{
	enum session_state	sa, sb;

	if (p->verdict != VERDICT_NONE)
		return (0);	/* ended sessions do not change */
	sa = calibration_session(st, p->a);
	sb = calibration_session(st, p->b);
	if (sa == SESSION_QUEUED || sa == SESSION_RUNNING ||
	    sb == SESSION_QUEUED || sb == SESSION_RUNNING)
		return (-1);
	if (!session_state_done(sa) || !session_state_done(sb) ||
	    calibration_compare(st, noise, p) != 0) {
		p->change = p->ci_low = p->ci_high = NAN;
		return (0);
	}
	return (1);
}

size_t
calibration_tally(struct store *st, struct calibration_row *c)
{
	struct calibration_pair	*p;
	double			*changes;
	size_t			 i, nchanges = 0, open = 0, fresh = 0;
	int			 rc;

	changes = xcalloc(c->nv + 1, sizeof *changes);
	c->counted = c->regressed = c->improved = 0;
	for (i = 0; i < c->nv; i++) {
		p = &c->v[i];
		if ((rc = calibration_pair(st, c->noise, p)) < 0)
			open++;
		else if (rc > 0)
			fresh++;
		if (p->verdict == VERDICT_NONE)
			continue;
		c->counted++;
		if (p->verdict == VERDICT_REGRESSED)
			c->regressed++;
		else if (p->verdict == VERDICT_IMPROVED)
			c->improved++;
		if (isfinite(p->change))
			changes[nchanges++] = p->change;
	}
	c->false_rate = c->counted > 0 ? (double)(c->regressed +
	    c->improved) / c->counted : NAN;
	c->learned = stats_noise_threshold(changes, nchanges,
	    CALIBRATION_MIN_PAIRS, NAN);
	free(changes);
	free(c->reason);
	c->reason = NULL;
	if (open > 0) {
		c->state = CALIBRATION_RUNNING;
		c->finished_at = 0;
		return (fresh);
	}
	c->state = c->counted > 0 ? CALIBRATION_COMPLETED : CALIBRATION_FAILED;
	c->reason = calibration_reason(c);
	c->finished_at = store_now_ms();
	return (fresh);
}

size_t
calibration_settle(struct store *st)
{
	struct calibration_row	 c;
	int64_t			*ids;
	size_t			 i, n, fresh, settled = 0;
	char			 learned[32];

	n = store_calibrations_running(st, &ids);
	for (i = 0; i < n; i++) {
		if (store_calibration_get(st, ids[i], &c) != 0)
			continue;
		fresh = calibration_tally(st, &c);
		/* The pairs compared so far are kept as they go. */
		if (c.state == CALIBRATION_RUNNING) {
			if (fresh > 0)
				store_calibration_save(st, &c);
		} else if (store_calibration_save(st, &c) == 0) {
			snprintf(learned, sizeof learned, isfinite(c.learned) ?
			    "%.2f%%" : "none", c.learned * 100);
			log_info("calibration %lld of %s %s: %d of %d pairs "
			    "compared, %d regressed, %d improved; noise "
			    "learned: %s", (long long)c.id, c.suite,
			    calibration_state_name(c.state), c.counted,
			    c.pairs, c.regressed, c.improved, learned);
			settled++;
		}
		calibration_row_free(&c);
	}
	free(ids);
	return (settled);
}
