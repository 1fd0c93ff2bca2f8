/*
 * rpc.c -- JSON-RPC 2.0: parse a request line, dispatch it through the
 * method table, answer it.  Every protocol method lives in its own
 * method-*.c file and has one line in the table below.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "benchd.h"
#include "conf.h"
#include "log.h"
#include "store.h"
#include "xmalloc.h"

static const struct rpc_method *methods[] = {
	&method_status,
	&method_suites_list,
	&method_session_queue,
	&method_session_cancel,
	&method_session_list,
	&method_session_get,
	&method_session_subscribe,
	&method_conditions_check,
	&method_session_phases,
	&method_session_history,
	&method_suite_variance,
	&method_baseline_set,
	&method_baseline_show,
	&method_session_compare,
	&method_regressions_list,
	&method_profile_flamegraph,
	&method_profile_hot,
	&method_suite_chart,
};
#define NMETHODS	(sizeof methods / sizeof methods[0])

/* Fill an error and return -1, so methods can `return (rpc_fail(...))`. */
int
rpc_fail(struct rpc_error *e, int code, const char *data_code,
    const char *fmt, ...)
{
	va_list	ap;

	e->code = code;
	e->data_code = data_code;
	free(e->message);
	va_start(ap, fmt);
	if (vasprintf(&e->message, fmt, ap) == -1)
		fatalx("vasprintf");
	va_end(ap);
	return (-1);
}

/* The database refused a client's write: say so, and that nothing changed. */
int
rpc_storage(struct rpc_error *e)
{
	return (rpc_fail(e, RPC_APP_ERROR, "storage", "storage: the database "
	    "refused the write (%s); nothing was recorded", store_errmsg(db)));
}

/* The database could not be read: the same code as a refused write. */
int
rpc_storage_read(struct rpc_error *e)
{
	return (rpc_fail(e, RPC_APP_ERROR, "storage", "storage: the database "
	    "could not be read (%s)", store_errmsg(db)));
}

cJSON *
rpc_error_response(const cJSON *id, int code, const char *data_code,
    const char *message)
{
	cJSON	*r = cJSON_CreateObject(), *err, *data;

	cJSON_AddStringToObject(r, "jsonrpc", "2.0");
	cJSON_AddItemToObject(r, "id", id != NULL ? cJSON_Duplicate(id, 1) :
	    cJSON_CreateNull());
	err = cJSON_AddObjectToObject(r, "error");
	cJSON_AddNumberToObject(err, "code", code);
	cJSON_AddStringToObject(err, "message", message);
	if (data_code != NULL) {
		data = cJSON_AddObjectToObject(err, "data");
		cJSON_AddStringToObject(data, "code", data_code);
	}
	return (r);
}

/* An optional integer member within [min, max]; 0 absent, 1 set, -1 bad. */
int
rpc_param_int(const cJSON *params, const char *name, int64_t min,
    int64_t max, int64_t *out, struct rpc_error *e)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(params, name);
	double		 d;

	if (v == NULL || cJSON_IsNull(v))
		return (0);
	if (!cJSON_IsNumber(v))
		return (rpc_fail(e, RPC_INVALID_PARAMS, NULL,
		    "%s must be an integer", name));
	d = v->valuedouble;
	/* Range before the cast: a double beyond int64_t does not convert. */
	if (!(d >= -0x1p63 && d < 0x1p63) || d != (double)(int64_t)d ||
	    (int64_t)d < min || (int64_t)d > max)
		return (rpc_fail(e, RPC_INVALID_PARAMS, NULL,
		    "%s must be an integer from %lld to %lld", name,
		    (long long)min, (long long)max));
	*out = (int64_t)d;
	return (1);
}

int
rpc_param_string(const cJSON *params, const char *name, size_t maxlen,
    const char **out, struct rpc_error *e)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(params, name);

	if (v == NULL || cJSON_IsNull(v))
		return (0);
	if (!cJSON_IsString(v))
		return (rpc_fail(e, RPC_INVALID_PARAMS, NULL,
		    "%s must be a string", name));
	if (strlen(v->valuestring) > maxlen)
		return (rpc_fail(e, RPC_INVALID_PARAMS, NULL,
		    "%s is longer than %zu bytes", name, maxlen));
	*out = v->valuestring;
	return (1);
}

int
rpc_param_bool(const cJSON *params, const char *name, int *out,
    struct rpc_error *e)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(params, name);

	if (v == NULL || cJSON_IsNull(v))
		return (0);
	if (!cJSON_IsBool(v))
		return (rpc_fail(e, RPC_INVALID_PARAMS, NULL,
		    "%s must be true or false", name));
	*out = cJSON_IsTrue(v);
	return (1);
}

/* Strict UTF-8: no overlong forms, surrogates or code points past U+10FFFF. */
static int
utf8_valid(const unsigned char *p, size_t len)
{
	size_t		i = 0, n, k;
	uint32_t	cp;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf) {
			n = 1;
			cp = p[i] & 0x1f;
		} else if ((p[i] & 0xf0) == 0xe0) {
			n = 2;
			cp = p[i] & 0x0f;
		} else if (p[i] >= 0xf0 && p[i] <= 0xf4) {
			n = 3;
			cp = p[i] & 0x07;
		} else
			return (0);
		if (i + n >= len)
			return (0);
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return (0);
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return (0);
		i += n + 1;
	}
	return (1);
}

/*
 * Bytes of s to quote in a message, at most max, never ending inside a
 * UTF-8 character: "%.*s" cut by bytes would send invalid UTF-8.
 */
int
rpc_clip(const char *s, size_t max)
{
	size_t	n = strlen(s);

	if (n <= max)
		return ((int)n);
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return ((int)n);
}

static const struct rpc_method *
rpc_find(const char *name)
{
	size_t	i;

	for (i = 0; i < NMETHODS; i++)
		if (strcmp(methods[i]->name, name) == 0)
			return (methods[i]);
	return (NULL);
}

/*
 * Call a method in-process, with no client: the HTTP server's /api and
 * pages.  Only reading methods are found: those that change things
 * (admin) and session.subscribe, which pushes to its connection, are not.
 * 0 with *result set, or -1 with *e set (its message for the caller to
 * free), exactly as the socket would answer.
 */
int
rpc_local(const char *name, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	const struct rpc_method	*m;

	*result = NULL;
	if (params != NULL && !cJSON_IsObject(params))
		return (rpc_fail(e, RPC_INVALID_PARAMS, NULL,
		    "params must be an object"));
	m = rpc_find(name);
	if (m == NULL || m->admin || m == &method_session_subscribe)
		return (rpc_fail(e, RPC_METHOD_NOT_FOUND, NULL,
		    "no method named \"%.*s\"", rpc_clip(name, 100), name));
	if (m->exec(NULL, params, result, e) == 0) {
		if (*result == NULL)
			*result = cJSON_CreateObject();
		return (0);
	}
	cJSON_Delete(*result);
	*result = NULL;
	if (e->message == NULL)
		rpc_fail(e, RPC_INTERNAL_ERROR, NULL, "error");
	return (-1);
}

/* Execute one request object; NULL when no answer is due (notification). */
static cJSON *
rpc_call(struct client *c, const cJSON *req)
{
	const cJSON		*ver, *id, *method, *params;
	const struct rpc_method	*m;
	struct rpc_error	 e = { 0, NULL, NULL };
	cJSON			*result = NULL, *resp;
	int			 notification;

	if (!cJSON_IsObject(req))
		return (rpc_error_response(NULL, RPC_INVALID_REQUEST, NULL,
		    "a request must be a JSON object"));
	id = cJSON_GetObjectItemCaseSensitive(req, "id");
	notification = id == NULL;
	if (id != NULL && !cJSON_IsNumber(id) && !cJSON_IsString(id) &&
	    !cJSON_IsNull(id))
		return (rpc_error_response(NULL, RPC_INVALID_REQUEST, NULL,
		    "id must be a number, a string or null"));
	ver = cJSON_GetObjectItemCaseSensitive(req, "jsonrpc");
	method = cJSON_GetObjectItemCaseSensitive(req, "method");
	params = cJSON_GetObjectItemCaseSensitive(req, "params");
	if (!cJSON_IsString(ver) || strcmp(ver->valuestring, "2.0") != 0)
		return (rpc_error_response(id, RPC_INVALID_REQUEST, NULL,
		    "jsonrpc must be \"2.0\""));
	if (!cJSON_IsString(method))
		return (rpc_error_response(id, RPC_INVALID_REQUEST, NULL,
		    "method must be a string"));
	if (params != NULL && !cJSON_IsObject(params) &&
	    !cJSON_IsNull(params))
		return (rpc_error_response(id, RPC_INVALID_PARAMS, NULL,
		    "params must be an object"));
	if ((m = rpc_find(method->valuestring)) == NULL) {
		if (notification)
			return (NULL);
		xasprintf(&e.message, "no method named \"%.*s\"",
		    rpc_clip(method->valuestring, 100), method->valuestring);
		resp = rpc_error_response(id, RPC_METHOD_NOT_FOUND, NULL,
		    e.message);
		free(e.message);
		return (resp);
	}
	if (m->admin && !client_is_admin(c))
		rpc_fail(&e, RPC_APP_ERROR, "permission-denied",
		    "%s needs root, uid %ld or membership of group %s",
		    m->name, (long)geteuid(), cfg->admin_group);
	else if (m->exec(c, cJSON_IsObject(params) ? params : NULL, &result,
	    &e) == 0) {
		if (notification) {
			cJSON_Delete(result);
			return (NULL);
		}
		resp = cJSON_CreateObject();
		cJSON_AddStringToObject(resp, "jsonrpc", "2.0");
		cJSON_AddItemToObject(resp, "id", cJSON_Duplicate(id, 1));
		cJSON_AddItemToObject(resp, "result", result != NULL ? result :
		    cJSON_CreateObject());
		return (resp);
	}
	cJSON_Delete(result);
	resp = notification ? NULL : rpc_error_response(id, e.code,
	    e.data_code, e.message != NULL ? e.message : "error");
	free(e.message);
	return (resp);
}

/* One request line from a client: a request object or a batch. */
void
rpc_line(struct client *c, const char *line, size_t len)
{
	cJSON	*req, *resp, *batch, *item;

	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' '))
		len--;
	if (len == 0)
		return;
	if (!utf8_valid((const unsigned char *)line, len)) {
		server_send(c, rpc_error_response(NULL, RPC_PARSE_ERROR,
		    NULL, "request is not valid UTF-8"));
		return;
	}
	if ((req = cJSON_ParseWithLength(line, len)) == NULL) {
		server_send(c, rpc_error_response(NULL, RPC_PARSE_ERROR, NULL,
		    "request is not valid JSON"));
		return;
	}
	if (!cJSON_IsArray(req)) {
		if ((resp = rpc_call(c, req)) != NULL)
			server_send(c, resp);
		cJSON_Delete(req);
		return;
	}
	if (cJSON_GetArraySize(req) == 0) {
		server_send(c, rpc_error_response(NULL, RPC_INVALID_REQUEST,
		    NULL, "empty batch"));
		cJSON_Delete(req);
		return;
	}
	batch = cJSON_CreateArray();
	cJSON_ArrayForEach(item, req) {
		if ((resp = rpc_call(c, item)) != NULL)
			cJSON_AddItemToArray(batch, resp);
	}
	if (cJSON_GetArraySize(batch) > 0)
		server_send(c, batch);
	else
		cJSON_Delete(batch);
	cJSON_Delete(req);
}
