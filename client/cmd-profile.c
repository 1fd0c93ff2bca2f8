/*
 * cmd-profile.c -- the profile of a session queued with --profile:
 * flamegraph ID [-o FILE] [--diff BASE] writes benchd's SVG flame graph;
 * hot ID [--top N] prints the hottest functions and the categories.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

static int	cmd_flamegraph_exec(struct cmd *);
static int	cmd_hot_exec(struct cmd *);

static const struct cmd_option	cmd_flamegraph_options[] = {
	{ "output",	CMD_ARG_STRING,	0, 0 },
	{ "diff",	CMD_ARG_STRING,	0, 0 },
	{ "width",	CMD_ARG_NUMBER,	200, 100000 },
	{ NULL, 0, 0, 0 }
};

const struct cmd_entry	cmd_flamegraph_entry = {
	"flamegraph", "ID [-o FILE.svg] [--diff BASE_ID] [--width PX]",
	"write the SVG flame graph of a profiled session (against BASE_ID: "
	"red grew, blue shrank)",
	1, 1, cmd_flamegraph_options, 0, cmd_flamegraph_exec
};

static const struct cmd_option	cmd_hot_options[] = {
	{ "top",	CMD_ARG_NUMBER,	1, 1000 },
	{ NULL, 0, 0, 0 }
};

const struct cmd_entry	cmd_hot_entry = {
	"hot", "ID [--top N]",
	"the hottest functions of a profiled session, by self and by total "
	"samples, and the time per category",
	1, 1, cmd_hot_options, 0, cmd_hot_exec
};

/* text to file ("-": standard output), whole or not at all. */
int
cmd_write_file(const char *file, const char *text)
{
	FILE	*f;
	size_t	 len = strlen(text);

	if (strcmp(file, "-") == 0) {
		if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
			return (EX_IOERR);
		return (EXIT_OK);
	}
	if ((f = fopen(file, "w")) == NULL) {
		log_warn("%s", file);
		return (EX_CANTCREAT);
	}
	if (fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		log_warn("%s", file);
		(void)remove(file);
		return (EX_IOERR);
	}
	return (EXIT_OK);
}

static int
cmd_flamegraph_exec(struct cmd *cmd)
{
	cJSON		*params, *result;
	const char	*file = cmd_value(cmd, "output"), *svg;
	char		*dflt = NULL;
	int64_t		 id, base, samples = 0;
	int		 rc;

	if ((rc = cmd_id(cmd, 0, &id)) != 0)
		return (rc);
	params = cJSON_CreateObject();
	cJSON_AddNumberToObject(params, "id", (double)id);
	if (cmd_value(cmd, "diff") != NULL) {
		if ((rc = cmd_id_text(cmd, cmd_value(cmd, "diff"),
		    &base)) != 0) {
			cJSON_Delete(params);
			return (rc);
		}
		cJSON_AddNumberToObject(params, "base", (double)base);
	}
	if (cmd_value(cmd, "width") != NULL)
		cJSON_AddNumberToObject(params, "width",
		    (double)cmd_number(cmd, "width", 0));
	if ((rc = rpc_call(cmd->rpc, "profile.flamegraph", params,
	    &result)) != 0)
		return (rc);
	if ((svg = json_string(result, "svg")) == NULL)
		fatalx("profile.flamegraph: no svg in the reply");
	(void)json_int(result, "samples", &samples);
	if (file == NULL) {
		xasprintf(&dflt, "flamegraph-%lld.svg", (long long)id);
		file = dflt;
	}
	if ((rc = cmd_write_file(file, svg)) == EXIT_OK &&
	    strcmp(file, "-") != 0)
		output_printf("%s: %lld samples of session %lld\n", file,
		    (long long)samples, (long long)id);
	free(dflt);
	cJSON_Delete(result);
	return (rc);
}

/* One table: rank, samples, share, category, function. */
static void
cmd_hot_table(const char *title, const cJSON *list, const char *key)
{
	const cJSON	*f;
	struct table	*t;
	char		 buf[OUTPUT_LEN];
	double		 share;
	int		 rank = 0;

	output_printf("%s\n", title);
	t = table_create();
	table_column(t, "#", TABLE_RIGHT);
	table_column(t, "SAMPLES", TABLE_RIGHT);
	table_column(t, "SHARE", TABLE_RIGHT);
	table_column(t, "CATEGORY", TABLE_LEFT);
	table_column(t, "FUNCTION", TABLE_LEFT);
	cJSON_ArrayForEach(f, list) {
		table_cell(t, "%d", ++rank);
		table_cell_int(t, f, key);
		if (json_number(f, "share", &share) == -1)
			share = 0;
		table_cell(t, "%s", output_percent(buf, sizeof buf, share));
		table_cell(t, "%s", json_text(f, "category"));
		table_cell(t, "%s", json_text(f, "name"));
	}
	table_print(t);
	table_free(t);
}

static int
cmd_hot_exec(struct cmd *cmd)
{
	cJSON		*params, *result;
	const cJSON	*c;
	struct table	*t;
	char		 buf[OUTPUT_LEN];
	int64_t		 id, samples = 0;
	double		 share;
	int		 rc;

	if ((rc = cmd_id(cmd, 0, &id)) != 0)
		return (rc);
	params = cJSON_CreateObject();
	cJSON_AddNumberToObject(params, "id", (double)id);
	if (cmd_value(cmd, "top") != NULL)
		cJSON_AddNumberToObject(params, "top",
		    (double)cmd_number(cmd, "top", 10));
	if ((rc = rpc_call(cmd->rpc, "profile.hot", params, &result)) != 0)
		return (rc);
	if (benchctl_json) {
		json_print(result);
		cJSON_Delete(result);
		return (EXIT_OK);
	}
	(void)json_int(result, "samples", &samples);
	output_printf("Session %lld: %lld samples\n\n", (long long)id,
	    (long long)samples);
	cmd_hot_table("By self samples (the function itself):",
	    json_array(result, "self"), "self");
	output_printf("\n");
	cmd_hot_table("By total samples (the function and what it calls):",
	    json_array(result, "total"), "total");
	output_printf("\nBy category (self samples):\n");
	t = table_create();
	table_column(t, "CATEGORY", TABLE_LEFT);
	table_column(t, "SAMPLES", TABLE_RIGHT);
	table_column(t, "SHARE", TABLE_RIGHT);
	cJSON_ArrayForEach(c, json_array(result, "categories")) {
		table_cell(t, "%s", json_text(c, "name"));
		table_cell_int(t, c, "self");
		if (json_number(c, "share", &share) == -1)
			share = 0;
		table_cell(t, "%s", output_percent(buf, sizeof buf, share));
	}
	table_print(t);
	table_free(t);
	cJSON_Delete(result);
	return (EXIT_OK);
}
