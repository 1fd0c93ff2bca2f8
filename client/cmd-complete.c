/*
 * cmd-complete.c -- hidden commands for the bash completion
 * (benchctl.bash-completion): the suites benchd has, one per line, and a
 * suite's "key=value" parameter values. Plain lines, so the completion
 * needs no JSON parser; errors go to standard error, which it discards.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

static int	cmd_complete_suites_exec(struct cmd *);
static int	cmd_complete_params_exec(struct cmd *);

static const struct cmd_option	cmd_complete_options[] = {
	{ NULL, 0, 0, 0 }
};

const struct cmd_entry	cmd_complete_suites_entry = {
	"complete-suites", "",
	"print the name of each suite, one per line, for shell completion",
	0, 0, cmd_complete_options, CMD_HIDDEN, cmd_complete_suites_exec
};

const struct cmd_entry	cmd_complete_params_entry = {
	"complete-params", "SUITE",
	"print each k=v that SUITE accepts, one per line, for shell completion",
	1, 1, cmd_complete_options, CMD_HIDDEN, cmd_complete_params_exec
};

/* A word that the shell can take as it is: no blank, quote or newline. */
static int
cmd_complete_word(const char *s)
{
	return (*s != '\0' && strpbrk(s, " \t\n\"'\\") == NULL);
}

static int
cmd_complete_list(struct rpc *rpc, cJSON **resultp)
{
	return (rpc_call(rpc, "suites.list", NULL, resultp));
}

static int
cmd_complete_suites_exec(struct cmd *cmd)
{
	cJSON		*result;
	const cJSON	*s;
	const char	*name;
	int		 rc;

	if ((rc = cmd_complete_list(cmd->rpc, &result)) != 0)
		return (rc);
	cJSON_ArrayForEach(s, json_array(result, "suites")) {
		if ((name = json_string(s, "name")) != NULL &&
		    cmd_complete_word(name))
			printf("%s\n", name);
	}
	cJSON_Delete(result);
	return (EXIT_OK);
}

static int
cmd_complete_params_exec(struct cmd *cmd)
{
	cJSON		*result;
	const cJSON	*s, *p, *v;
	const char	*name;
	int		 rc;

	if ((rc = cmd_complete_list(cmd->rpc, &result)) != 0)
		return (rc);
	cJSON_ArrayForEach(s, json_array(result, "suites")) {
		if ((name = json_string(s, "name")) == NULL ||
		    strcmp(name, cmd->argv[0]) != 0)
			continue;
		cJSON_ArrayForEach(p, json_object(s, "params")) {
			if (p->string == NULL || !cmd_complete_word(p->string))
				continue;
			cJSON_ArrayForEach(v, p) {
				if (cJSON_IsString(v) &&
				    cmd_complete_word(v->valuestring))
					printf("%s=%s\n", p->string,
					    v->valuestring);
			}
		}
	}
	cJSON_Delete(result);
	return (EXIT_OK);
}
