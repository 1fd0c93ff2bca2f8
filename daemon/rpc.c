/*
 * rpc.c -- JSON-RPC 2.0: parse a request line, dispatch it through the
 * method table, answer it.  Every protocol method lives in its own
 * method-*.c file and has one line in the table below.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>		/* malloc_trim */
#endif

#include <unistd.h>

#include "benchd.h"
#include "conf.h"
#include "log.h"
#include "store.h"
#include "xmalloc.h"

#define RPC_TRIM_AFTER	(1024 * 1024)

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
	&method_suite_calibrate,
	&method_calibration_get,
	&method_calibration_list,
	&method_ab_queue,
	&method_ab_get,
	&method_ab_list,
	&method_bisect_start,
	&method_bisect_get,
	&method_bisect_list,
	&method_bisect_cancel,
	&method_notifications_list,
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

/*
 * The id of a reply: the request's, a number printed with the fewest
 * digits that read back as the same double (cJSON prints 15 digits, which
 * turns 9007199254740992 into 9.00719925474099e+15).
 */
static cJSON *
rpc_id_copy(const cJSON *id)
{
	char	buf[32];
	int	prec;

	if (id == NULL)
		return (cJSON_CreateNull());
	if (!cJSON_IsNumber(id))
		return (cJSON_Duplicate(id, 1));
	if (id->valuedouble == floor(id->valuedouble)) {
		/* rpc_id_valid: an integer within 2^53, every digit exact. */
		snprintf(buf, sizeof buf, "%.0f", id->valuedouble);
		return (cJSON_CreateRaw(buf));
	}
	for (prec = 15; prec < 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, id->valuedouble);
		if (strtod(buf, NULL) == id->valuedouble)
			break;
	}
	snprintf(buf, sizeof buf, "%.*g", prec, id->valuedouble);
	return (cJSON_CreateRaw(buf));
}

cJSON *
rpc_error_response(const cJSON *id, int code, const char *data_code,
    const char *message)
{
	cJSON	*r = cJSON_CreateObject(), *err, *data;

	cJSON_AddStringToObject(r, "jsonrpc", "2.0");
	cJSON_AddItemToObject(r, "id", rpc_id_copy(id));
	err = cJSON_AddObjectToObject(r, "error");
	cJSON_AddNumberToObject(err, "code", code);
	cJSON_AddStringToObject(err, "message", message);
	if (data_code != NULL) {
		data = cJSON_AddObjectToObject(err, "data");
		cJSON_AddStringToObject(data, "code", data_code);
	}
	return (r);
}

/* The required "id" of a session or calibration: 0, or -1 with *e. */
int
rpc_param_id(const cJSON *params, int64_t *id, struct rpc_error *e)
{
	*id = 0;
	if (rpc_param_int(params, "id", 1, INT64_MAX / 2, id, e) < 0)
		return (-1);
	if (*id == 0)
		return (rpc_fail(e, RPC_INVALID_PARAMS, NULL,
		    "id is required"));
	return (0);
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

/*
 * U+0000.  cJSON ends a string at a \u0000 escape, so "a\u0000b" would
 * read as "a".  Before parsing, each such escape is replaced by RPC_NUL, a
 * byte that valid UTF-8 never holds (the line has been checked) and that
 * cJSON copies as it is: after parsing, a string holds RPC_NUL exactly
 * when it held U+0000, and the request that carries it is refused.
 */
#define RPC_NUL		'\xff'

/*
 * A copy of line with its \u0000 escapes replaced by RPC_NUL; NULL when it
 * has none.  In valid JSON a backslash only occurs inside a string and
 * starts an escape, so escapes are taken whole from left to right: in
 * "\\u0000" the first escape is "\\" and "u0000" is text.  Invalid JSON
 * stays invalid, since RPC_NUL, like the escape, is only valid in a string.
 */
static char *
rpc_mark_nul(const char *line, size_t *lenp)
{
	const char	*p = line, *end = line + *lenp, *bs;
	char		*copy = NULL;
	size_t		 n = 0;

	while ((bs = memchr(p, '\\', end - p)) != NULL && end - bs >= 2) {
		if (bs[1] != 'u' || end - bs < 6 ||
		    memcmp(bs + 2, "0000", 4) != 0) {
			p = bs + 2;
			continue;
		}
		if (copy == NULL)
			copy = xmalloc(*lenp);
		memcpy(copy + n, p, bs - p);
		n += bs - p;
		copy[n++] = RPC_NUL;
		p = bs + 6;
	}
	if (copy == NULL)
		return (NULL);
	memcpy(copy + n, p, end - p);
	*lenp = n + (end - p);
	return (copy);
}

/* Whether a value, or any key or value inside it, held U+0000. */
static int
rpc_has_nul(const cJSON *v)
{
	const cJSON	*c;

	if (v->string != NULL && strchr(v->string, RPC_NUL) != NULL)
		return (1);
	if (cJSON_IsString(v))
		return (strchr(v->valuestring, RPC_NUL) != NULL);
	for (c = v->child; c != NULL; c = c->next)
		if (rpc_has_nul(c))
			return (1);
	return (0);
}

/*
 * An id is echoed as a double: a number must be finite and within 2^53,
 * where a double holds every integer exactly (1e400 would be inf, and come
 * back as null; 2^64 would come back as another integer).
 */
static int
rpc_id_valid(const cJSON *id, int nul)
{
	if (cJSON_IsNull(id))
		return (1);
	if (cJSON_IsString(id))
		return (!nul || strchr(id->valuestring, RPC_NUL) == NULL);
	return (cJSON_IsNumber(id) && fabs(id->valuedouble) <= 0x1p53);
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

/*
 * Execute one request object; NULL when no answer is due (notification).
 * nul: the line held U+0000 somewhere (rpc_mark_nul).
 */
static cJSON *
rpc_call(struct client *c, const cJSON *req, int nul)
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
	if (id != NULL && !rpc_id_valid(id, nul))
		return (rpc_error_response(NULL, RPC_INVALID_REQUEST, NULL,
		    "id must be a string without U+0000, null, or a number "
		    "from -2^53 to 2^53"));
	ver = cJSON_GetObjectItemCaseSensitive(req, "jsonrpc");
	method = cJSON_GetObjectItemCaseSensitive(req, "method");
	params = cJSON_GetObjectItemCaseSensitive(req, "params");
	if (!cJSON_IsString(ver) || strcmp(ver->valuestring, "2.0") != 0)
		return (rpc_error_response(id, RPC_INVALID_REQUEST, NULL,
		    "jsonrpc must be \"2.0\""));
	if (!cJSON_IsString(method))
		return (rpc_error_response(id, RPC_INVALID_REQUEST, NULL,
		    "method must be a string"));
	if (nul && rpc_has_nul(method))
		return (rpc_error_response(id, RPC_INVALID_REQUEST, NULL,
		    "method must not contain U+0000"));
	if (params != NULL && !cJSON_IsObject(params) &&
	    !cJSON_IsNull(params))
		return (rpc_error_response(id, RPC_INVALID_PARAMS, NULL,
		    "params must be an object"));
	if (nul && params != NULL && rpc_has_nul(params))
		return (rpc_error_response(id, RPC_INVALID_PARAMS, NULL,
		    "params: no string or name may contain U+0000"));
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
		cJSON_AddItemToObject(resp, "id", rpc_id_copy(id));
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

/*
 * After a reply of several MiB the C library keeps the memory its tree
 * took; hand it back to the system, so one big answer does not leave
 * benchd holding hundreds of MiB.
 */
static void
rpc_trim(size_t reply)
{
#ifdef __GLIBC__
	if (reply >= RPC_TRIM_AFTER)
		malloc_trim(0);
#endif
}

/*
 * The replies to a batch, each printed as soon as it is made, so that
 * only one reply's tree is ever held; past RPC_MAX_REPLY bytes of
 * replies, the requests left are answered "too-large" and not run.
 */
static void
rpc_batch(struct client *c, const cJSON *req, int nul)
{
	const cJSON	*item;
	cJSON		*resp;
	char		*out = NULL, *s;
	size_t		 len = 0, n;

	cJSON_ArrayForEach(item, req) {
		if (len > RPC_MAX_REPLY)
			resp = rpc_error_response(cJSON_GetObjectItemCaseSensitive(
			    item, "id"), RPC_APP_ERROR, "too-large", "the "
			    "batch's replies went past 8 MiB: send it again "
			    "alone");
		else if ((resp = rpc_call(c, item, nul)) == NULL)
			continue;
		if ((s = cJSON_PrintUnformatted(resp)) == NULL)
			fatalx("cJSON_PrintUnformatted: out of memory");
		cJSON_Delete(resp);
		n = strlen(s);
		out = xreallocarray(out, len + n + 2, 1);
		out[len] = len == 0 ? '[' : ',';
		len++;
		memcpy(out + len, s, n);
		len += n;
		free(s);
	}
	if (len == 0)
		return;		/* notifications only */
	out[len++] = ']';
	server_send_text(c, out, len);
	free(out);
	rpc_trim(len);
}

/*
 * One request line from a client: a request object or a batch.  Returns 0
 * for a blank line, which is no request, else 1.
 */
int
rpc_line(struct client *c, const char *line, size_t len)
{
	cJSON	*req, *resp;
	char	*marked, *s;
	int	 nul;

	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' '))
		len--;
	if (len == 0)
		return (0);
	if (!utf8_valid((const unsigned char *)line, len) ||
	    memchr(line, '\0', len) != NULL) {
		server_send(c, rpc_error_response(NULL, RPC_PARSE_ERROR,
		    NULL, "request is not valid UTF-8 text without NUL"));
		return (1);
	}
	marked = rpc_mark_nul(line, &len);
	if ((nul = marked != NULL))
		line = marked;
	req = cJSON_ParseWithLength(line, len);
	free(marked);
	if (req == NULL) {
		server_send(c, rpc_error_response(NULL, RPC_PARSE_ERROR, NULL,
		    "request is not valid JSON"));
		return (1);
	}
	if (!cJSON_IsArray(req)) {
		if ((resp = rpc_call(c, req, nul)) != NULL) {
			if ((s = cJSON_PrintUnformatted(resp)) == NULL)
				fatalx("cJSON_PrintUnformatted: out of memory");
			cJSON_Delete(resp);
			server_send_text(c, s, strlen(s));
			rpc_trim(strlen(s));
			free(s);
		}
		cJSON_Delete(req);
		return (1);
	}
	if (cJSON_GetArraySize(req) == 0) {
		server_send(c, rpc_error_response(NULL, RPC_INVALID_REQUEST,
		    NULL, "empty batch"));
		cJSON_Delete(req);
		return (1);
	}
	if (cJSON_GetArraySize(req) > RPC_MAX_BATCH) {
		server_send(c, rpc_error_response(NULL, RPC_INVALID_REQUEST,
		    "batch-too-large", "a batch holds at most 64 requests"));
		cJSON_Delete(req);
		return (1);
	}
	rpc_batch(c, req, nul);
	cJSON_Delete(req);
	return (1);
}
