/* method-suites.c -- "suites.list": the configured suites and policies. */
#include "config.h"

#include "benchd.h"
#include "conf.h"

static cJSON *
string_array(char *const *v, size_t n)
{
	cJSON	*a = cJSON_CreateArray();
	size_t	 i;

	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return (a);
}

static void
add_string_or_null(cJSON *o, const char *name, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

static cJSON *
suite_json(const struct suite *s)
{
	cJSON	*o = cJSON_CreateObject(), *params;
	size_t	 i;

	cJSON_AddStringToObject(o, "name", s->name);
	cJSON_AddStringToObject(o, "workdir", s->workdir);
	add_string_or_null(o, "build", s->build);
	cJSON_AddStringToObject(o, "command", s->command);
	cJSON_AddBoolToObject(o, "shell", s->shell);
	cJSON_AddItemToObject(o, "env", string_array(s->env, s->nenv));
	cJSON_AddNumberToObject(o, "warmup", s->warmup);
	cJSON_AddNumberToObject(o, "runs", s->runs);
	cJSON_AddNumberToObject(o, "max_runs", s->max_runs);
	cJSON_AddNumberToObject(o, "cv_target", s->cv_target);
	cJSON_AddNumberToObject(o, "timeout", s->timeout);
	cJSON_AddNumberToObject(o, "noise", s->noise);
	cJSON_AddItemToObject(o, "timing_prefixes",
	    string_array(s->timing_prefixes, s->ntiming_prefixes));
	params = cJSON_AddObjectToObject(o, "params");
	for (i = 0; i < s->nparams; i++)
		cJSON_AddItemToObject(params, s->params[i].name,
		    string_array(s->params[i].values, s->params[i].nvalues));
	add_string_or_null(o, "cpus", s->cpus);
	cJSON_AddNumberToObject(o, "nice", s->nice);
	return (o);
}

static int
suites_list_exec(struct client *c, const cJSON *params, cJSON **result,
    struct rpc_error *e)
{
	cJSON	*a;
	size_t	 i;

	*result = cJSON_CreateObject();
	a = cJSON_AddArrayToObject(*result, "suites");
	for (i = 0; i < cfg->nsuites; i++)
		cJSON_AddItemToArray(a, suite_json(&cfg->suites[i]));
	return (0);
}

const struct rpc_method method_suites_list = { "suites.list", 0,
    suites_list_exec };
