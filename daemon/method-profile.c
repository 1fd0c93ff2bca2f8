/*
 * method-profile.c -- a session's profile: "profile.flamegraph" (an SVG
 * drawn here from the folded stacks, optionally against another session)
 * and "profile.hot" (the hottest functions and the categories).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchd.h"
#include "conf.h"
#include "flamegraph.h"
#include "profile.h"
#include "store.h"
#include "xmalloc.h"

#define HOT_TOP_MAX	1000

/* What session.get shows of a profile; NULL when none was asked for. */
cJSON *
method_profile_json(int64_t id)
{
	struct profile_row	 p;
	cJSON			*o;

	if (store_profile_get(db, id, 0, &p) != 0)
		return (NULL);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "state", p.state);
	if (p.reason != NULL)
		cJSON_AddStringToObject(o, "reason", p.reason);
	else
		cJSON_AddNullToObject(o, "reason");
	if (strcmp(p.state, "requested") != 0) {
		if (p.event != NULL)
			cJSON_AddStringToObject(o, "event", p.event);
		cJSON_AddNumberToObject(o, "frequency", p.frequency);
		cJSON_AddNumberToObject(o, "samples", (double)p.samples);
		cJSON_AddNumberToObject(o, "stacks", (double)p.stacks);
		cJSON_AddNumberToObject(o, "skipped", (double)p.skipped);
		cJSON_AddNumberToObject(o, "wall", p.wall_ns / 1e9);
	}
	store_profile_free(&p);
	return (o);
}

/* The stacks of session id's profile, or an error saying why not. */
static int
load_stacks(int64_t id, struct profile_stacks *st, struct rpc_error *e)
{
	struct profile_row	 p;
	char			*text = NULL, *err = NULL;
	size_t			 len;
	int			 rc;

	memset(st, 0, sizeof *st);
	if ((rc = store_profile_get(db, id, 1, &p)) == -1)
		return (rpc_storage_read(e));
	if (rc == 1)
		return (rpc_fail(e, RPC_APP_ERROR, "no-profile",
		    "session %lld has no profile (queue it with --profile)",
		    (long long)id));
	if (strcmp(p.state, "recorded") != 0) {
		rc = rpc_fail(e, RPC_APP_ERROR, "no-profile",
		    "session %lld has no profile: %s", (long long)id,
		    p.reason != NULL ? p.reason : strcmp(p.state,
		    "requested") == 0 ? "not recorded yet" : p.state);
		store_profile_free(&p);
		return (rc);
	}
	rc = 0;
	if (profile_uncompress(p.folded, p.folded_len, &text, &len) != 0)
		rc = rpc_fail(e, RPC_INTERNAL_ERROR, "storage",
		    "session %lld: the stored profile does not uncompress",
		    (long long)id);
	else if (profile_stacks_parse(text, len, st, &err) != 0) {
		rc = rpc_fail(e, RPC_INTERNAL_ERROR, "storage",
		    "session %lld: stored profile: %s", (long long)id, err);
		free(err);
	}
	free(text);
	store_profile_free(&p);
	return (rc);
}

static int
id_param(const cJSON *params, const char *name, int64_t *id,
    struct rpc_error *e)
{
	*id = 0;
	if (rpc_param_int(params, name, 1, INT64_MAX / 2, id, e) < 0)
		return (-1);
	if (*id == 0 && strcmp(name, "id") == 0)
		return (rpc_fail(e, RPC_INVALID_PARAMS, NULL, "id is required"));
	return (0);
}

static const char *
category_cb(void *arg, const char *frame, const char *comm)
{
	return (profile_category_of(arg, frame, comm));
}

static int
flamegraph_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	struct profile_stacks	 cur, base;
	struct flame_opts	 fo;
	int64_t			 id, base_id, width = 0;
	char			*title, *sub, *svg;

	if (id_param(params, "id", &id, e) != 0 ||
	    id_param(params, "base", &base_id, e) != 0 ||
	    rpc_param_int(params, "width", FLAME_MIN_WIDTH, FLAME_MAX_WIDTH,
	    &width, e) < 0)
		return (-1);
	if (load_stacks(id, &cur, e) != 0)
		return (-1);
	if (base_id != 0 && load_stacks(base_id, &base, e) != 0) {
		profile_stacks_free(&cur);
		return (-1);
	}
	if (base_id != 0)
		xasprintf(&title, "Session %lld against %lld: red grew, blue "
		    "shrank", (long long)id, (long long)base_id);
	else
		xasprintf(&title, "Session %lld", (long long)id);
	xasprintf(&sub, "%llu samples%s", (unsigned long long)cur.total,
	    base_id != 0 ? "; widths from the newer profile" : "");
	memset(&fo, 0, sizeof fo);
	fo.title = title;
	fo.subtitle = sub;
	fo.width = (int)width;
	fo.category = category_cb;
	fo.arg = &cfg->profile.cats;
	svg = flame_svg(&cur, base_id != 0 ? &base : NULL, &fo);
	*result = cJSON_CreateObject();
	cJSON_AddNumberToObject(*result, "id", (double)id);
	cJSON_AddNumberToObject(*result, "samples", (double)cur.total);
	cJSON_AddStringToObject(*result, "svg", svg);
	free(svg);
	free(title);
	free(sub);
	profile_stacks_free(&cur);
	if (base_id != 0)
		profile_stacks_free(&base);
	return (0);
}

static cJSON *
hot_list(const struct profile_hot_fn *v, size_t n, int self, uint64_t total)
{
	cJSON	*a = cJSON_CreateArray(), *o;
	size_t	 i;

	for (i = 0; i < n; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", v[i].name);
		cJSON_AddStringToObject(o, "category", v[i].category);
		cJSON_AddNumberToObject(o, "self", (double)v[i].self);
		cJSON_AddNumberToObject(o, "total", (double)v[i].total);
		cJSON_AddNumberToObject(o, "share", total > 0 ? (double)(self ?
		    v[i].self : v[i].total) / total : 0);
		cJSON_AddItemToArray(a, o);
	}
	return (a);
}

static int
hot_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	struct profile_stacks	 st;
	struct profile_hot	 h;
	int64_t			 id, top = 10;
	cJSON			*cats, *o;
	size_t			 i;

	if (id_param(params, "id", &id, e) != 0 ||
	    rpc_param_int(params, "top", 1, HOT_TOP_MAX, &top, e) < 0)
		return (-1);
	if (load_stacks(id, &st, e) != 0)
		return (-1);
	profile_hot(&st, &cfg->profile.cats, (size_t)top, &h);
	*result = cJSON_CreateObject();
	cJSON_AddNumberToObject(*result, "id", (double)id);
	cJSON_AddNumberToObject(*result, "samples", (double)h.samples);
	cJSON_AddItemToObject(*result, "self", hot_list(h.by_self, h.nby_self,
	    1, h.samples));
	cJSON_AddItemToObject(*result, "total", hot_list(h.by_total,
	    h.nby_total, 0, h.samples));
	cats = cJSON_AddArrayToObject(*result, "categories");
	for (i = 0; i < h.ncats; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", h.cats[i].name);
		cJSON_AddNumberToObject(o, "self", (double)h.cats[i].self);
		cJSON_AddNumberToObject(o, "share", h.samples > 0 ?
		    (double)h.cats[i].self / h.samples : 0);
		cJSON_AddItemToArray(cats, o);
	}
	profile_hot_free(&h);
	profile_stacks_free(&st);
	return (0);
}

const struct rpc_method method_profile_flamegraph = { "profile.flamegraph", 0,
    flamegraph_exec };
const struct rpc_method method_profile_hot = { "profile.hot", 0, hot_exec };
