/* method-queue.c -- "session.queue" and "session.cancel". */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "benchd.h"
#include "conf.h"
#include "git.h"
#include "store.h"
#include "xmalloc.h"

#define LABEL_MAX	200

struct queue_req {
	const struct suite	*suite;
	const cJSON		*given;		/* params the client fixed */
	const char		*label;
	const char		*rev;
	int			 all;
	int			 profile;	/* one more run under perf */
	int64_t			 runs;
	int64_t			 warmup;
	struct git_commit	 commit;	/* a suite on a repository */
	uid_t			 uid;
	cJSON			*out;		/* sessions queued */
};

static int
value_listed(const struct suite_param *p, const char *v)
{
	size_t	i;

	for (i = 0; i < p->nvalues; i++)
		if (strcmp(p->values[i], v) == 0)
			return (1);
	return (0);
}

/*
 * Every given parameter must be the suite's, with one of its values; and
 * unless all (one session per value), every parameter must be given.
 */
int
method_params_check(const struct suite *su, const cJSON *given, int all,
    struct rpc_error *e)
{
	const struct suite_param	*p;
	const cJSON			*v;
	const char			*val;
	size_t				 i;

	if (given != NULL && !cJSON_IsObject(given))
		return (rpc_fail(e, RPC_INVALID_PARAMS, NULL,
		    "params must be an object"));
	cJSON_ArrayForEach(v, given) {
		if ((p = suite_param(su, v->string)) == NULL)
			return (rpc_fail(e, RPC_APP_ERROR, "bad-param",
			    "suite %s has no parameter \"%.*s\"",
			    su->name, rpc_clip(v->string, 64), v->string));
		val = cJSON_IsString(v) ? v->valuestring : "?";
		if (!cJSON_IsString(v) || !value_listed(p, val))
			return (rpc_fail(e, RPC_APP_ERROR, "bad-param",
			    "%s: \"%.*s\" is not one of the listed values",
			    p->name, rpc_clip(val, 64), val));
	}
	for (i = 0; i < su->nparams && !all; i++) {
		p = &su->params[i];
		if (cJSON_GetObjectItemCaseSensitive(given, p->name) == NULL)
			return (rpc_fail(e, RPC_APP_ERROR, "bad-param",
			    "suite %s needs %s=VALUE (or --all)",
			    su->name, p->name));
	}
	return (0);
}

/*
 * A new session of su as its suite plans it: runs (0: the suite's) and
 * warmup (-1: the suite's), max_runs at least runs, the suite's CV target
 * and noise.
 */
void
method_session_plan(const struct suite *su, int64_t runs, int64_t warmup,
    struct session_new *sn)
{
	sn->suite = su->name;
	sn->warmup = warmup >= 0 ? warmup : su->warmup;
	sn->runs = runs > 0 ? runs : su->runs;
	sn->max_runs = sn->runs > su->max_runs ? sn->runs : su->max_runs;
	sn->cv_target = su->cv_target;
	sn->noise = su->noise;
}

/* "crate=ori_arc", optionally after the client's label. */
static char *
queue_label(const struct queue_req *q, const cJSON *params)
{
	const cJSON	*v;
	char		*l = NULL, *t;

	if (!q->all || q->suite->nparams == 0)
		return (q->label != NULL ? xstrdup(q->label) : NULL);
	cJSON_ArrayForEach(v, params) {
		xasprintf(&t, "%s%s%s=%s", l != NULL ? l : "",
		    l != NULL ? "," : "", v->string, v->valuestring);
		free(l);
		l = t;
	}
	if (q->label != NULL) {
		xasprintf(&t, "%s %s", q->label, l);
		free(l);
		l = t;
	}
	return (l);
}

static int
queue_one(struct queue_req *q, cJSON *params, struct rpc_error *e)
{
	struct session_new	 sn;
	struct session_row	 r;
	char			*ptext, *label;
	int64_t			 id;

	ptext = wire_params_text(q->suite, params);
	label = queue_label(q, params);
	memset(&sn, 0, sizeof sn);
	method_session_plan(q->suite, q->runs, q->warmup, &sn);
	sn.params = ptext;
	sn.label = label;
	sn.rev = q->rev;
	sn.queued_by = q->uid;
	if (q->suite->repo != NULL) {
		sn.rev = q->commit.id;
		sn.commit_time = q->commit.time;
		sn.commit_subject = q->commit.subject;
	}
	id = store_session_insert(db, &sn);
	free(ptext);
	free(label);
	if (id < 0 || (q->profile && store_profile_request(db, id) != 0))
		return (rpc_storage(e));
	if (store_session_get(db, id, &r) == 0) {
		cJSON_AddItemToArray(q->out, wire_session(&r));
		session_row_free(&r);
	}
	return (0);
}

/* With --all: one session per combination of the unfixed parameters. */
static int
queue_expand(struct queue_req *q, cJSON *params, size_t i,
    struct rpc_error *e)
{
	const struct suite_param	*p;
	size_t				 k;
	int				 rc;

	if (i == q->suite->nparams)
		return (queue_one(q, params, e));
	p = &q->suite->params[i];
	if (cJSON_GetObjectItemCaseSensitive(params, p->name) != NULL)
		return (queue_expand(q, params, i + 1, e));
	for (k = 0; k < p->nvalues; k++) {
		cJSON_AddStringToObject(params, p->name, p->values[k]);
		rc = queue_expand(q, params, i + 1, e);
		cJSON_DeleteItemFromObjectCaseSensitive(params, p->name);
		if (rc != 0)
			return (rc);
	}
	return (0);
}

static int
queue_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	struct queue_req	 q;
	const char		*name = NULL;
	const cJSON		*v;
	cJSON			*p;
	char			*cause = NULL;
	size_t			 i;
	int			 rc;

	memset(&q, 0, sizeof q);
	q.warmup = -1;
	if (rpc_param_string(params, "suite", 200, &name, e) < 0)
		return (-1);
	if (name == NULL)
		return (rpc_fail(e, RPC_INVALID_PARAMS, NULL,
		    "suite is required"));
	if ((q.suite = conf_suite(cfg, name)) == NULL)
		return (rpc_fail(e, RPC_APP_ERROR, "no-such-suite",
		    "no suite named \"%.200s\"", name));
	q.given = cJSON_GetObjectItemCaseSensitive(params, "params");
	if (rpc_param_bool(params, "all", &q.all, e) < 0 ||
	    rpc_param_bool(params, "profile", &q.profile, e) < 0 ||
	    rpc_param_int(params, "runs", 1, 10000, &q.runs, e) < 0 ||
	    rpc_param_int(params, "warmup", 0, 100, &q.warmup, e) < 0 ||
	    rpc_param_string(params, "label", LABEL_MAX, &q.label, e) < 0 ||
	    rpc_param_string(params, "rev", 200, &q.rev, e) < 0)
		return (-1);
	if (method_params_check(q.suite, q.given, q.all, e) != 0)
		return (-1);
	/* On a repository, the commit is fixed now: HEAD means today's. */
	if (q.suite->repo != NULL && git_resolve(q.suite->repo, q.rev != NULL ?
	    q.rev : "HEAD", &q.commit, &cause) != 0)
		return (method_rev_fail(cause, e));
	q.uid = client_uid(c);
	q.out = cJSON_CreateArray();
	/* In the suite's order, so equal values give equal JSON text. */
	p = cJSON_CreateObject();
	for (i = 0; i < q.suite->nparams; i++) {
		v = cJSON_GetObjectItemCaseSensitive(q.given,
		    q.suite->params[i].name);
		if (v != NULL)
			cJSON_AddStringToObject(p, v->string, v->valuestring);
	}
	/* All the sessions of a request, or none of them. */
	store_refresh(db);
	if (store_begin(db) != 0)
		rc = rpc_storage(e);
	else if ((rc = queue_expand(&q, p, 0, e)) == 0 && store_commit(db) != 0)
		rc = rpc_storage(e);
	else if (rc != 0)
		store_rollback(db);
	cJSON_Delete(p);
	git_commit_free(&q.commit);
	if (rc != 0) {
		cJSON_Delete(q.out);
		return (-1);
	}
	sched_kick();
	*result = cJSON_CreateObject();
	cJSON_AddItemToObject(*result, "sessions", q.out);
	return (0);
}

static int
cancel_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	int64_t	id = 0;
	char	state[32];

	if (rpc_param_id(params, &id, e) != 0)
		return (-1);
	switch (sched_cancel(id, client_uid(c), state, sizeof state)) {
	case CANCEL_OK:
		break;
	case CANCEL_STOPPING:
		*result = cJSON_CreateObject();
		cJSON_AddNumberToObject(*result, "id", (double)id);
		cJSON_AddStringToObject(*result, "state", "cancelling");
		return (0);
	case CANCEL_NO_SESSION:
		return (rpc_fail(e, RPC_APP_ERROR, "no-such-session",
		    "no session %lld", (long long)id));
	case CANCEL_ENDING:
		return (rpc_fail(e, RPC_APP_ERROR, "not-cancellable",
		    "session %lld is ending (%s); its end waits for the "
		    "database", (long long)id, state));
	case CANCEL_NOT_QUEUED:
		return (rpc_fail(e, RPC_APP_ERROR, "not-cancellable",
		    "session %lld is %s", (long long)id, state));
	case CANCEL_STORAGE:
		return (rpc_storage(e));
	}
	*result = cJSON_CreateObject();
	cJSON_AddNumberToObject(*result, "id", (double)id);
	cJSON_AddStringToObject(*result, "state", "cancelled");
	return (0);
}

const struct rpc_method method_session_queue = { "session.queue", 1,
    queue_exec };
const struct rpc_method method_session_cancel = { "session.cancel", 1,
    cancel_exec };
