/*
 * sched-verdict.c -- a finished session compared: with its first
 * parent's session when it follows a branch, else with its suite's
 * baseline, against the learned threshold; the verdict stored, and a
 * regressed one on a repository sent for confirmation (sched-rev.c), as
 * is a suspected change (rule_suspect) the sessions could not decide.
 */
#include "config.h"

#include <stdlib.h>

#include "benchd.h"
#include "abtest.h"
#include "compare.h"
#include "conf.h"
#include "git.h"
#include "log.h"
#include "sched-int.h"
#include "store.h"

/*
 * What a finished session is compared with: a session following a branch
 * with its first parent's session, when there is one; else the suite's
 * baseline.  0: nothing.
 */
static int64_t
sched_reference(struct srun *s, const struct session_row *r)
{
	int64_t	 base = 0;
	char	*parent;

	if (r->follow != NULL && s->suite->repo != NULL && r->rev != NULL &&
	    (parent = git_parent(s->suite->repo, r->rev)) != NULL) {
		base = store_session_of_commit(db, r->suite, r->params,
		    parent);
		free(parent);
	}
	if (base == 0)
		base = store_baseline_current(db, s->suite->name, r->params);
	return (base);
}

/*
 * Compare a finished session with its parent's or its suite's baseline
 * against the learned threshold; store the verdict, the threshold and
 * the rule.
 */
void
sched_verdict(struct srun *s)
{
	struct session_verdict	 v;
	struct comparison	 c;
	struct session_row	 r;
	const struct cmp_metric	*w;
	int64_t			 base;
	int			 confirm, suspect = 0;

	if (s->ab_id > 0 || store_session_get(db, s->id, &r) != 0)
		return;
	base = sched_reference(s, &r);
	if (base == 0 || base == s->id) {
		session_row_free(&r);
		return;
	}
	if (compare_verdict(compare_sessions(db, base, s->id, CMP_LEARN,
	    s->suite->noise, &c), &c, &v) == 0 &&
	    store_session_verdict(db, s->id, &v) == 0) {
		w = &c.metrics[CMP_WALL];
		suspect = s->suite->repo != NULL && rule_suspect(v.verdict,
		    w->why, w->p_welch, w->change, s->suite->noise);
		/*
		 * A regression on a repository is told once its A/B test
		 * confirms it (sched_verdict_confirmed); any other finding
		 * by the rule of alert_verdict.
		 */
		confirm = v.verdict == VERDICT_REGRESSED &&
		    s->suite->repo != NULL;
		if (!confirm)
			alert_verdict(db, &r, &v, &c, 0);
	}
	if (v.rule != RULE_NONE)
		log_info("session %lld against %lld: %s (threshold "
		    "%.2f%%, %s)", (long long)s->id, (long long)base,
		    verdict_name(v.verdict), v.threshold * 100,
		    verdict_rule_name(v.rule));
	comparison_free(&c);
	session_row_free(&r);
	if (v.verdict == VERDICT_REGRESSED || suspect)
		sched_confirm(s, base);
}

/*
 * An A/B test confirmed session id's regression, or its suspected change:
 * told now, with the comparison its verdict came from.  A suspicion's
 * verdict is the test's (ab: its decision, at threshold), which decided.
 */
void
sched_verdict_confirmed(int64_t id, const struct ab_decision *ab,
    double threshold)
{
	const struct suite	*su;
	struct session_verdict	 v;
	struct comparison	 c;
	struct session_row	 r;

	if (store_session_get(db, id, &r) != 0)
		return;
	if ((su = conf_suite(cfg, r.suite)) != NULL && r.baseline_id > 0 &&
	    compare_verdict(compare_sessions(db, r.baseline_id, id,
	    CMP_LEARN, su->noise, &c), &c, &v) == 0) {
		if (v.verdict != VERDICT_REGRESSED) {
			v.verdict = ab->verdict;
			v.change = ab->change;
			v.ci_low = ab->ci_low;
			v.ci_high = ab->ci_high;
			v.threshold = threshold;
		}
		alert_verdict(db, &r, &v, &c, 1);
		comparison_free(&c);
	}
	session_row_free(&r);
}
