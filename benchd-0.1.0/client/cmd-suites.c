/* cmd-suites.c -- suites: the configured suites and their run policies. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

static int	cmd_suites_exec(struct cmd *);

static const struct cmd_option	cmd_suites_options[] = {
	{ NULL, 0, 0, 0 }
};

const struct cmd_entry	cmd_suites_entry = {
	"suites", "",
	"list the configured suites and their run policies",
	0, 0, cmd_suites_options, 0, cmd_suites_exec
};

/* An integer member as text, "-" when absent. */
static const char *
cmd_suites_int(char *buf, size_t len, const cJSON *s, const char *name)
{
	int64_t	v;

	if (json_int(s, name, &v) == -1)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%lld", (long long)v);
	return (buf);
}

/* "warmup 3, runs 5 (up to 30 while CV > 5.00%), timeout 15m 00s" */
static void
cmd_suites_policy(const cJSON *s)
{
	char	w[OUTPUT_LEN], r[OUTPUT_LEN], m[OUTPUT_LEN];
	char	cv[OUTPUT_LEN], to[OUTPUT_LEN];
	double	d;

	if (json_number(s, "cv_target", &d) == -1)
		d = NAN;
	output_percent(cv, sizeof cv, d);
	if (json_number(s, "timeout", &d) == -1 || d <= 0)
		snprintf(to, sizeof to, "none");
	else
		output_duration(to, sizeof to, d);
	output_printf("  policy    warmup %s, runs %s (up to %s while CV > %s),"
	    " timeout %s\n", cmd_suites_int(w, sizeof w, s, "warmup"),
	    cmd_suites_int(r, sizeof r, s, "runs"),
	    cmd_suites_int(m, sizeof m, s, "max_runs"), cv, to);
	if (json_number(s, "noise", &d) == -1)
		d = NAN;
	output_printf("  noise     %s\n", output_percent(cv, sizeof cv, d));
}

static void
cmd_suites_one(const cJSON *s)
{
	const cJSON	*params, *p, *cpus;
	char		*text;
	int64_t		 nice = 0;

	output_printf("%s\n", json_text(s, "name"));
	output_printf("  workdir   %s\n", json_text(s, "workdir"));
	output_printf("  build     %s\n", json_text(s, "build"));
	output_printf("  command   %s%s\n", json_text(s, "command"),
	    json_bool(s, "shell") ? "  (via /bin/sh -c)" : "");
	text = json_join(json_array(s, "env"), " ");
	output_printf("  env       %s\n", *text == '\0' ? "-" : text);
	free(text);
	cmd_suites_policy(s);
	text = json_join(json_array(s, "timing_prefixes"), " ");
	output_printf("  timing    %s\n", *text == '\0' ? "-" : text);
	free(text);

	params = json_object(s, "params");
	cJSON_ArrayForEach(p, params) {
		text = json_join(p, " ");
		output_printf("  param     %s: %s\n", p->string, text);
		free(text);
	}
	cpus = cJSON_GetObjectItemCaseSensitive(s, "cpus");
	if (cJSON_IsString(cpus))
		text = xstrdup(cpus->valuestring);
	else if (cJSON_IsArray(cpus))
		text = json_join(cpus, ",");
	else if (cJSON_IsNumber(cpus))
		xasprintf(&text, "%g", cpus->valuedouble);
	else
		text = xstrdup("any");
	(void)json_int(s, "nice", &nice);
	output_printf("  cpus      %s, nice %lld\n", text, (long long)nice);
	free(text);
}

static int
cmd_suites_exec(struct cmd *cmd)
{
	cJSON		*result;
	const cJSON	*suites, *s;
	int		 rc, n = 0;

	if ((rc = rpc_call(cmd->rpc, "suites.list", NULL, &result)) != 0)
		return (rc);
	if (benchctl_json) {
		json_print(result);
		cJSON_Delete(result);
		return (EXIT_OK);
	}
	suites = json_array(result, "suites");
	cJSON_ArrayForEach(s, suites) {
		if (n++ != 0)
			output_printf("\n");
		cmd_suites_one(s);
	}
	if (n == 0)
		output_printf("no suites configured\n");
	cJSON_Delete(result);
	return (EXIT_OK);
}
