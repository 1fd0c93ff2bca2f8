/*
 * json.c -- reading members of benchd's result objects.
 *
 * benchd may add members and may send null for undefined numbers, so every
 * getter tolerates a missing object, a missing member and a wrong type: the
 * caller prints "-" instead of failing.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

const char *
json_string(const cJSON *obj, const char *name)
{
	const cJSON	*item;

	if (obj == NULL)
		return (NULL);
	item = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (!cJSON_IsString(item) || item->valuestring == NULL)
		return (NULL);
	return (item->valuestring);
}

/* A string member for display: "-" when absent, null or empty. */
const char *
json_text(const cJSON *obj, const char *name)
{
	const char	*s;

	if ((s = json_string(obj, name)) == NULL || *s == '\0')
		return ("-");
	return (s);
}

/* A finite number, or -1 (absent, null, or not a number). */
int
json_number(const cJSON *obj, const char *name, double *dp)
{
	const cJSON	*item;

	if (obj == NULL)
		return (-1);
	item = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (!cJSON_IsNumber(item) || !isfinite(item->valuedouble))
		return (-1);
	*dp = item->valuedouble;
	return (0);
}

/* An integer exactly representable in a double, or -1. */
int
json_int(const cJSON *obj, const char *name, int64_t *ip)
{
	double	d;

	if (json_number(obj, name, &d) == -1)
		return (-1);
	if (d != floor(d) || fabs(d) > 9007199254740992.0)
		return (-1);
	*ip = (int64_t)d;
	return (0);
}

int
json_bool(const cJSON *obj, const char *name)
{
	if (obj == NULL)
		return (0);
	return (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, name)));
}

const cJSON *
json_object(const cJSON *obj, const char *name)
{
	const cJSON	*item;

	if (obj == NULL)
		return (NULL);
	item = cJSON_GetObjectItemCaseSensitive(obj, name);
	return (cJSON_IsObject(item) ? item : NULL);
}

const cJSON *
json_array(const cJSON *obj, const char *name)
{
	const cJSON	*item;

	if (obj == NULL)
		return (NULL);
	item = cJSON_GetObjectItemCaseSensitive(obj, name);
	return (cJSON_IsArray(item) ? item : NULL);
}

/* A session's params as "k=v k=v", "-" when it has none. Caller frees. */
char *
json_params_text(const cJSON *params)
{
	const cJSON	*item;
	char		*text = NULL, *value, *next;

	cJSON_ArrayForEach(item, params) {
		if (item->string == NULL)
			continue;
		if (cJSON_IsString(item))
			value = xstrdup(item->valuestring);
		else if ((value = cJSON_PrintUnformatted(item)) == NULL)
			fatalx("out of memory");
		xasprintf(&next, "%s%s%s=%s", text == NULL ? "" : text,
		    text == NULL ? "" : " ", item->string, value);
		if (cJSON_IsString(item))
			free(value);
		else
			cJSON_free(value);
		free(text);
		text = next;
	}
	return (text == NULL ? xstrdup("-") : text);
}

/* An array's items joined by sep, strings bare, others as JSON. */
char *
json_join(const cJSON *array, const char *sep)
{
	const cJSON	*item;
	char		*text, *value, *next;
	int		 first = 1;

	text = xstrdup("");
	cJSON_ArrayForEach(item, array) {
		if (cJSON_IsString(item))
			value = xstrdup(item->valuestring);
		else if ((value = cJSON_PrintUnformatted(item)) == NULL)
			fatalx("out of memory");
		xasprintf(&next, "%s%s%s", text, first ? "" : sep, value);
		first = 0;
		if (cJSON_IsString(item))
			free(value);
		else
			cJSON_free(value);
		free(text);
		text = next;
	}
	return (text);
}

/* --json: the daemon's result object as one pretty-printed document. */
void
json_print(const cJSON *doc)
{
	char	*text;

	if ((text = cJSON_Print(doc)) == NULL)
		fatalx("out of memory");
	printf("%s\n", text);
	cJSON_free(text);
}
