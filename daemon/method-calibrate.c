/*
 * method-calibrate.c -- "suite.calibrate", "calibration.get" and
 * "calibration.list": N A/A pairs of sessions of one suite, queued
 * together, and what they say about the suite's noise.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "benchd.h"
#include "calibrate.h"
#include "conf.h"
#include "git.h"
#include "store.h"
#include "xmalloc.h"

/*
 * Queue the 2N sessions and the pairs of calibration c->id; on a suite
 * with repo, every session of one commit (else none could check out).
 */
static int
calibrate_queue(const struct suite *su, struct calibration_row *c,
    const struct git_commit *commit, uid_t uid)
{
	struct session_new	 sn;
	struct calibration_pair	 p;
	char			*label;
	int64_t			 id[2];
	int			 k, side, rc = 0;

	for (k = 1; k <= c->pairs && rc == 0; k++) {
		for (side = 0; side < 2 && rc == 0; side++) {
			if (commit != NULL)
				rev_session_new(su, c->params, commit, &sn);
			else {
				memset(&sn, 0, sizeof sn);
				method_session_plan(su, 0, -1, &sn);
			}
			sn.params = c->params;
			sn.queued_by = uid;
			xasprintf(&label, "calibration #%lld pair %d/%d %c",
			    (long long)c->id, k, c->pairs, "ab"[side]);
			sn.label = label;
			if ((id[side] = store_session_insert(db, &sn)) < 0)
				rc = -1;
			free(label);
		}
		memset(&p, 0, sizeof p);
		p.pair = k;
		p.a = id[0];
		p.b = id[1];
		if (rc == 0 && store_calibration_pair_insert(db, c->id,
		    &p) != 0)
			rc = -1;
	}
	return (rc);
}

static int
calibrate_exec(struct client *cl, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	const struct suite	*su;
	const cJSON		*given;
	struct calibration_row	 c;
	struct git_commit	 commit;
	const char		*name = NULL, *rev = NULL;
	char			*cause;
	int64_t			 pairs = CALIBRATION_PAIRS, id;
	int			 rc;

	if (rpc_param_string(params, "suite", 200, &name, e) < 0 ||
	    rpc_param_int(params, "pairs", 1, CALIBRATION_MAX_PAIRS, &pairs,
	    e) < 0 || rpc_param_string(params, "rev", 200, &rev, e) < 0)
		return (-1);
	if (name == NULL)
		return (rpc_fail(e, RPC_INVALID_PARAMS, NULL,
		    "suite is required"));
	if ((su = conf_suite(cfg, name)) == NULL)
		return (rpc_fail(e, RPC_APP_ERROR, "no-such-suite",
		    "no suite named \"%.200s\"", name));
	given = cJSON_GetObjectItemCaseSensitive(params, "params");
	if (method_params_check(su, given, 0, e) != 0)
		return (-1);
	if (rev != NULL && su->repo == NULL)
		return (rpc_fail(e, RPC_APP_ERROR, "no-repo",
		    "suite %s has no repo", su->name));
	/* On a repository: one commit for every pair, fixed now. */
	memset(&commit, 0, sizeof commit);
	if (su->repo != NULL && git_resolve(su->repo, rev != NULL ? rev :
	    "HEAD", &commit, &cause) != 0)
		return (method_rev_fail(cause, e));
	memset(&c, 0, sizeof c);
	c.suite = xstrdup(su->name);
	c.params = wire_params_text(su, given);
	c.pairs = (int)pairs;
	c.noise = su->noise;
	c.queued_by = client_uid(cl);
	/* The calibration, its sessions and pairs: all of them or none. */
	store_refresh(db);
	if (store_begin(db) != 0)
		rc = rpc_storage(e);
	else if ((c.id = store_calibration_insert(db, &c)) < 0 ||
	    calibrate_queue(su, &c, su->repo != NULL ? &commit : NULL,
	    c.queued_by) != 0) {
		store_rollback(db);
		rc = rpc_storage(e);
	} else if (store_commit(db) != 0)
		rc = rpc_storage(e);
	else
		rc = 0;
	if (rc == 0) {
		id = c.id;
		calibration_row_free(&c);
		if (store_calibration_get(db, id, &c) != 0)
			rc = rpc_storage_read(e);
	}
	if (rc == 0) {
		*result = wire_calibration(&c);
		sched_kick();
	}
	calibration_row_free(&c);
	git_commit_free(&commit);
	return (rc);
}

/*
 * Calibration id as the protocol shows it: what was stored once it was
 * settled, else worked out from its sessions as they are now (nothing is
 * written by a reader).  1 when there is none, -1 on error.
 */
static int
calibration_json(int64_t id, cJSON **out)
{
	struct calibration_row	c;
	int			rc;

	if ((rc = store_calibration_get(db, id, &c)) != 0)
		return (rc);
	if (c.state == CALIBRATION_RUNNING)
		calibration_tally(db, &c);
	*out = wire_calibration(&c);
	calibration_row_free(&c);
	return (0);
}

static int
get_exec(struct client *cl, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	int64_t	id = 0;

	if (rpc_param_id(params, &id, e) != 0)
		return (-1);
	switch (calibration_json(id, result)) {
	case 0:
		return (0);
	case 1:
		return (rpc_fail(e, RPC_APP_ERROR, "no-such-calibration",
		    "no calibration %lld", (long long)id));
	default:
		return (rpc_storage_read(e));
	}
}

static int
list_exec(struct client *cl, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	const struct suite	*su = NULL;
	const cJSON		*given;
	const char		*name = NULL;
	char			*ptext = NULL;
	int64_t			 last = 20, *ids;
	cJSON			*a, *o;
	size_t			 i, n;
	int			 rc;

	if (rpc_param_string(params, "suite", 200, &name, e) < 0 ||
	    rpc_param_int(params, "last", 1, 10000, &last, e) < 0)
		return (-1);
	/* With values, they must be a full set of the suite's. */
	given = cJSON_GetObjectItemCaseSensitive(params, "params");
	if (given != NULL && !cJSON_IsNull(given)) {
		if (name == NULL || (su = conf_suite(cfg, name)) == NULL)
			return (rpc_fail(e, RPC_APP_ERROR, "no-such-suite",
			    "params need a configured suite"));
		if (method_params_check(su, given, 0, e) != 0)
			return (-1);
		ptext = wire_params_text(su, given);
	}
	rc = store_calibration_list(db, name, ptext, (int)last, &ids, &n);
	free(ptext);
	if (rc != 0)
		return (rpc_storage_read(e));
	*result = cJSON_CreateObject();
	a = cJSON_AddArrayToObject(*result, "calibrations");
	for (i = 0; i < n; i++)
		if (calibration_json(ids[i], &o) == 0)
			cJSON_AddItemToArray(a, o);
	free(ids);
	return (0);
}

const struct rpc_method method_suite_calibrate = { "suite.calibrate", 1,
    calibrate_exec };
const struct rpc_method method_calibration_get = { "calibration.get", 0,
    get_exec };
const struct rpc_method method_calibration_list = { "calibration.list", 0,
    list_exec };
