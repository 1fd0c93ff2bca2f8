/*
 * http-api.c -- GET /api/METHOD?QUERY: a reading method of the protocol,
 * answered with exactly the JSON the socket puts in "result" (or in
 * "error"), and the query strings of the pages read the same way.
 *
 * Query to params: each key=value is a member; the value is JSON when it
 * reads as JSON (12, true, null, "12", {"crate":"ori_ir"}) and a string
 * otherwise; a key with a dot sets a member of an object
 * (params.crate=ori_ir is {"params": {"crate": "ori_ir"}}).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "html.h"
#include "http.h"
#include "log.h"
#include "xmalloc.h"

/* Whether s is valid UTF-8, as a request to the socket must be. */
static int
query_utf8(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n, len = strlen(s);

	for (; *p != '\0'; p += n, len -= n)
		if ((n = html_utf8(p, len)) == 0)
			return (0);
	return (1);
}

/* One key=value into params; -1 with *cause when it cannot go in. */
static int
query_member(cJSON *params, const char *key, const char *value, char **cause)
{
	const char	*dot = strchr(key, '.');
	char		*outer;
	cJSON		*v, *o;

	if ((v = cJSON_ParseWithOpts(value, NULL, 1)) == NULL)
		v = cJSON_CreateString(value);
	if (dot == NULL) {
		if (cJSON_GetObjectItemCaseSensitive(params, key) != NULL)
			goto twice;
		cJSON_AddItemToObject(params, key, v);
		return (0);
	}
	outer = xstrndup(key, dot - key);
	o = cJSON_GetObjectItemCaseSensitive(params, outer);
	if (o == NULL)
		o = cJSON_AddObjectToObject(params, outer);
	free(outer);
	if (!cJSON_IsObject(o)) {
		xasprintf(cause, "%.*s is not an object", (int)(dot - key),
		    key);
		cJSON_Delete(v);
		return (-1);
	}
	if (dot[1] == '\0' ||
	    cJSON_GetObjectItemCaseSensitive(o, dot + 1) != NULL)
		goto twice;
	cJSON_AddItemToObject(o, dot + 1, v);
	return (0);
twice:
	xasprintf(cause, "%.100s is given twice or empty", key);
	cJSON_Delete(v);
	return (-1);
}

/* A query string as an object of params; NULL with *cause if it is bad. */
cJSON *
http_query(const char *query, char **cause)
{
	struct evkeyvalq	 kv;
	struct evkeyval		*h;
	cJSON			*params = cJSON_CreateObject();
	int			 n = 0;

	if (query == NULL)
		return (params);
	if (evhttp_parse_query_str(query, &kv) != 0) {
		xasprintf(cause, "bad query string: use key=value&...");
		cJSON_Delete(params);
		return (NULL);
	}
	TAILQ_FOREACH(h, &kv, next) {
		if (++n > HTTP_QUERY_MAX) {
			xasprintf(cause, "more than %d members in the query",
			    HTTP_QUERY_MAX);
			break;
		}
		if (!query_utf8(h->key) || !query_utf8(h->value)) {
			xasprintf(cause, "the query is not valid UTF-8");
			break;
		}
		if (query_member(params, h->key, h->value, cause) != 0)
			break;
	}
	evhttp_clear_headers(&kv);
	if (h != NULL) {
		cJSON_Delete(params);
		return (NULL);
	}
	return (params);
}

/* The HTTP status that says what a method's error says. */
int
http_status_of(const struct rpc_error *e)
{
	static const char *const missing[] = { "no-such-suite",
	    "no-such-session", "no-profile" };
	size_t	i;

	switch (e->code) {
	case RPC_METHOD_NOT_FOUND:
		return (404);
	case RPC_INTERNAL_ERROR:
		return (500);
	case RPC_APP_ERROR:
		if (e->data_code == NULL)
			break;
		for (i = 0; i < sizeof missing / sizeof missing[0]; i++)
			if (strcmp(e->data_code, missing[i]) == 0)
				return (404);
		if (strcmp(e->data_code, "storage") == 0)
			return (503);
		break;
	}
	return (400);
}

void
http_api(struct evhttp_request *req, const char *method, const char *query)
{
	struct rpc_error	 e = { 0, NULL, NULL };
	struct svgbuf		 b;
	cJSON			*params, *result, *err;
	char			*cause = NULL, *text;
	int			 status = 200;

	if (method[strspn(method, "abcdefghijklmnopqrstuvwxyz.")] != '\0') {
		params = NULL;
		rpc_fail(&e, RPC_METHOD_NOT_FOUND, NULL, "no such method");
	} else if ((params = http_query(query, &cause)) == NULL) {
		rpc_fail(&e, RPC_INVALID_PARAMS, NULL, "%s", cause);
		free(cause);
	}
	if (params != NULL && rpc_local(method, params, &result, &e) == 0)
		text = cJSON_PrintUnformatted(result);
	else {
		status = http_status_of(&e);
		result = rpc_error_response(NULL, e.code, e.data_code,
		    e.message);
		err = cJSON_GetObjectItemCaseSensitive(result, "error");
		text = cJSON_PrintUnformatted(err);
	}
	if (text == NULL)
		fatalx("cJSON_PrintUnformatted: out of memory");
	memset(&b, 0, sizeof b);
	b.p = text;
	b.len = strlen(text);
	b.cap = b.len + 1;
	http_send(req, status, "application/json", &b);
	cJSON_Delete(result);
	cJSON_Delete(params);
	free(e.message);
}
