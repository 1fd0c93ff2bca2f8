/*
 * cmd.c -- the command table and the one argument parser.
 *
 * Every command is a struct cmd_entry in its own cmd-*.c file: its name,
 * usage, argument counts and options. help, usage errors and the hidden
 * "commands" listing (read by the bash completion) are all generated from
 * cmd_table, so adding a command is one file plus one line here. A name
 * of two words ("baseline set") is a subcommand: its first word names a
 * group that is no command by itself.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

#define CMD_ID_MAX	9007199254740992LL	/* 2^53: exact in JSON */

static int	cmd_help_exec(struct cmd *);
static int	cmd_commands_exec(struct cmd *);

static const struct cmd_option	cmd_no_options[] = {
	{ NULL, 0, 0, 0 }
};

static const struct cmd_entry	cmd_help_entry = {
	"help", "[COMMAND]",
	"list the commands, or show how to use one",
	0, 2, cmd_no_options, CMD_LOCAL, cmd_help_exec
};

static const struct cmd_entry	cmd_commands_entry = {
	"commands", "",
	"print each command and its options, for shell completion",
	0, 0, cmd_no_options, CMD_LOCAL | CMD_HIDDEN, cmd_commands_exec
};

/* In the order help lists them; later commands from SPEC go here. */
const struct cmd_entry	*cmd_table[] = {
	&cmd_status_entry,
	&cmd_conditions_entry,
	&cmd_suites_entry,
	&cmd_queue_entry,
	&cmd_cancel_entry,
	&cmd_sessions_entry,
	&cmd_show_entry,
	&cmd_runs_entry,
	&cmd_phases_entry,
	&cmd_baseline_show_entry,
	&cmd_baseline_set_entry,
	&cmd_compare_entry,
	&cmd_regressions_entry,
	&cmd_notifications_entry,
	&cmd_variance_entry,
	&cmd_calibrate_entry,
	&cmd_ab_entry,
	&cmd_bisect_entry,
	&cmd_history_entry,
	&cmd_flamegraph_entry,
	&cmd_hot_entry,
	&cmd_export_entry,
	&cmd_help_entry,
	&cmd_commands_entry,
	&cmd_complete_suites_entry,
	&cmd_complete_params_entry,
	NULL
};

/* 1 when entry's name is "word ..." and more words follow. */
static int
cmd_in_group(const struct cmd_entry *entry, const char *word)
{
	size_t	len = strlen(word);

	return (strncmp(entry->name, word, len) == 0 &&
	    entry->name[len] == ' ');
}

/*
 * The command that argv names, and in *wordsp how many words its name
 * took (1, or 2 for "baseline set"). NULL when there is none; then
 * *wordsp is 1 when argv[0] names a group ("baseline" alone, or followed
 * by no subcommand of it), else 0.
 */
const struct cmd_entry *
cmd_lookup(int argc, char **argv, int *wordsp)
{
	const struct cmd_entry	**e;
	char			 *name;

	*wordsp = 0;
	if (argc < 1)
		return (NULL);
	for (e = cmd_table; *e != NULL; e++) {
		if (strcmp((*e)->name, argv[0]) == 0) {
			*wordsp = 1;
			return (*e);
		}
		if (cmd_in_group(*e, argv[0]))
			*wordsp = 1;
	}
	if (*wordsp == 0 || argc < 2)
		return (NULL);
	xasprintf(&name, "%s %s", argv[0], argv[1]);
	for (e = cmd_table; *e != NULL; e++) {
		if (strcmp((*e)->name, name) == 0) {
			free(name);
			*wordsp = 2;
			return (*e);
		}
	}
	free(name);
	return (NULL);
}

/* The usages of every command of the group word ("baseline ..."). */
void
cmd_print_group(FILE *fp, const char *word)
{
	const struct cmd_entry	**e;
	int			  first = 1;

	for (e = cmd_table; *e != NULL; e++) {
		if (!cmd_in_group(*e, word))
			continue;
		fprintf(fp, "%s benchctl %s%s%s\n", first ? "usage:" : "      ",
		    (*e)->name, *(*e)->usage == '\0' ? "" : " ", (*e)->usage);
		first = 0;
	}
}

/* Decimal digits only, no sign or blanks, within [min, max]. */
static int
cmd_strtonum(const char *s, long long min, long long max, long long *vp)
{
	char		*end;
	long long	 v;

	if (*s < '0' || *s > '9')
		return (-1);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return (-1);
	*vp = v;
	return (0);
}

void
cmd_print_usage(FILE *fp, const struct cmd_entry *entry)
{
	fprintf(fp, "usage: benchctl %s%s%s\n", entry->name,
	    *entry->usage == '\0' ? "" : " ", entry->usage);
}

int
cmd_usage_error(const struct cmd *cmd, const char *fmt, ...)
{
	char	msg[1024];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_warnx("%s: %s", cmd->entry->name, msg);
	cmd_print_usage(stderr, cmd->entry);
	return (EX_USAGE);
}

static int
cmd_option_index(const struct cmd_entry *entry, const char *name, size_t len)
{
	int	i;

	for (i = 0; entry->options[i].name != NULL; i++) {
		if (strlen(entry->options[i].name) == len &&
		    strncmp(entry->options[i].name, name, len) == 0)
			return (i);
	}
	return (-1);
}

/* One "--name[=value]" at argv[*ip]; may consume the next word. */
static int
cmd_parse_option(struct cmd *cmd, int argc, char **argv, int *ip)
{
	const struct cmd_option	*opt;
	const char		*word = argv[*ip] + 2, *eq, *value;
	size_t			 len;
	int			 idx;

	eq = strchr(word, '=');
	len = eq == NULL ? strlen(word) : (size_t)(eq - word);
	if ((idx = cmd_option_index(cmd->entry, word, len)) == -1)
		return (cmd_usage_error(cmd, "unknown option --%.*s",
		    (int)len, word));
	opt = &cmd->entry->options[idx];
	if (opt->arg == CMD_ARG_NONE) {
		if (eq != NULL)
			return (cmd_usage_error(cmd,
			    "--%s takes no value", opt->name));
		cmd->optval[idx] = "";
		return (0);
	}
	if (eq != NULL)
		value = eq + 1;
	else if (*ip + 1 < argc)
		value = argv[++*ip];
	else
		return (cmd_usage_error(cmd, "--%s needs a value", opt->name));
	if (opt->arg == CMD_ARG_NUMBER &&
	    cmd_strtonum(value, opt->min, opt->max, &cmd->optnum[idx]) == -1)
		return (cmd_usage_error(cmd,
		    "--%s: expected a whole number from %lld to %lld, not \"%s\"",
		    opt->name, opt->min, opt->max, value));
	cmd->optval[idx] = value;
	return (0);
}

/*
 * Split argv (argv[0] is the command's name) into options and positional
 * arguments. Options may come anywhere before "--"; "--json" is accepted
 * after the command too. Returns 0, EX_USAGE, or -1 when -h/--help was
 * asked for and the usage has been printed.
 */
int
cmd_parse(struct cmd *cmd, const struct cmd_entry *entry, int argc,
    char **argv)
{
	int	i, rc, dashdash = 0, nopts, idx;

	memset(cmd->optval, 0, sizeof cmd->optval);
	memset(cmd->optnum, 0, sizeof cmd->optnum);
	cmd->entry = entry;
	cmd->argc = 0;
	cmd->argv = xreallocarray(NULL, (size_t)argc + 1, sizeof *cmd->argv);
	for (nopts = 0; entry->options[nopts].name != NULL; nopts++)
		;
	if (nopts > CMD_MAXOPTS)
		fatalx("%s: too many options", entry->name);

	for (i = 1; i < argc; i++) {
		if (dashdash || argv[i][0] != '-' || argv[i][1] == '\0') {
			cmd->argv[cmd->argc++] = argv[i];
			continue;
		}
		if (strcmp(argv[i], "--") == 0)
			dashdash = 1;
		else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			cmd_print_usage(stdout, entry);
			printf("%s\n", entry->about);
			return (-1);
		} else if (strcmp(argv[i], "--json") == 0)
			benchctl_json = 1;
		else if (strcmp(argv[i], "-o") == 0 &&
		    (idx = cmd_option_index(entry, "output", 6)) != -1) {
			if (i + 1 == argc)
				return (cmd_usage_error(cmd, "-o needs a file"));
			cmd->optval[idx] = argv[++i];
		} else if (argv[i][1] != '-')
			return (cmd_usage_error(cmd, "unknown option %s",
			    argv[i]));
		else if ((rc = cmd_parse_option(cmd, argc, argv, &i)) != 0)
			return (rc);
	}
	cmd->argv[cmd->argc] = NULL;
	if (cmd->argc < entry->args_min)
		return (cmd_usage_error(cmd, "missing argument"));
	if (entry->args_max != -1 && cmd->argc > entry->args_max)
		return (cmd_usage_error(cmd, "too many arguments"));
	return (0);
}

static int
cmd_option_lookup(const struct cmd *cmd, const char *name)
{
	int	idx;

	if ((idx = cmd_option_index(cmd->entry, name, strlen(name))) == -1)
		fatalx("%s: no option --%s in the table", cmd->entry->name,
		    name);
	return (idx);
}

int
cmd_flag(const struct cmd *cmd, const char *name)
{
	return (cmd->optval[cmd_option_lookup(cmd, name)] != NULL);
}

const char *
cmd_value(const struct cmd *cmd, const char *name)
{
	return (cmd->optval[cmd_option_lookup(cmd, name)]);
}

/* A number option's value, or dflt when it was not given. */
long long
cmd_number(const struct cmd *cmd, const char *name, long long dflt)
{
	int	idx = cmd_option_lookup(cmd, name);

	return (cmd->optval[idx] == NULL ? dflt : cmd->optnum[idx]);
}

/*
 * Call a list method with the optional SUITE (positional argument 0) as
 * "suite" and --last as "last".  With --json the answer is printed and
 * *resultp is NULL; else it is the caller's.
 */
int
cmd_list_call(struct cmd *cmd, const char *method, cJSON **resultp)
{
	cJSON	*params;
	int	 rc;

	*resultp = NULL;
	if ((params = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	if (cmd->argc == 1)
		cJSON_AddStringToObject(params, "suite", cmd->argv[0]);
	if (cmd_value(cmd, "last") != NULL)
		cJSON_AddNumberToObject(params, "last",
		    (double)cmd_number(cmd, "last", 0));
	if ((rc = rpc_call(cmd->rpc, method, params, resultp)) != 0)
		return (rc);
	if (benchctl_json) {
		json_print(*resultp);
		cJSON_Delete(*resultp);
		*resultp = NULL;
	}
	return (EXIT_OK);
}

/* Positional argument n as a session id: "12" or "#12". */
int
cmd_id(struct cmd *cmd, int n, int64_t *idp)
{
	return (cmd_id_text(cmd, cmd->argv[n], idp));
}

/* A session id ("12" or "#12") given as s: an argument or an option. */
int
cmd_id_text(struct cmd *cmd, const char *s, int64_t *idp)
{
	long long	 v;

	if (cmd_strtonum(s[0] == '#' ? s + 1 : s, 1, CMD_ID_MAX, &v) == -1)
		return (cmd_usage_error(cmd, "bad session id \"%s\"", s));
	*idp = v;
	return (0);
}

void
cmd_print_help(FILE *fp)
{
	const struct cmd_entry	**e;

	fprintf(fp,
	    "usage: benchctl [-S SOCKET] [--json] COMMAND [ARG ...]\n"
	    "       benchctl -h | --help | --version\n"
	    "\n"
	    "options:\n"
	    "  -S SOCKET   benchd's socket (default $BENCHD_SOCKET, "
	    "else %s)\n"
	    "  --json      print benchd's result as one JSON document\n"
	    "  -h, --help  print this help\n"
	    "  --version   print the version\n"
	    "\n"
	    "commands:\n", BENCHCTL_SOCKET);
	for (e = cmd_table; *e != NULL; e++) {
		if ((*e)->flags & CMD_HIDDEN)
			continue;
		fprintf(fp, "  %s%s%s\n      %s\n", (*e)->name,
		    *(*e)->usage == '\0' ? "" : " ", (*e)->usage, (*e)->about);
	}
	fprintf(fp, "\nexit status: 0 ok, 1 a finding (failed or unstable "
	    "session, sessions that\ndisagree, a regression, false verdicts in "
	    "a calibration), 2 not canonical,\n3 error from benchd, 64 usage "
	    "error, 69 benchd unreachable; see benchctl(1).\n");
}

static int
cmd_help_exec(struct cmd *cmd)
{
	const struct cmd_entry	*entry;
	int			 words;

	if (cmd->argc == 0) {
		cmd_print_help(stdout);
		return (EXIT_OK);
	}
	entry = cmd_lookup(cmd->argc, cmd->argv, &words);
	if (entry == NULL && words == 1 && cmd->argc == 1) {
		cmd_print_group(stdout, cmd->argv[0]);
		return (EXIT_OK);
	}
	if (entry == NULL || words != cmd->argc)
		return (cmd_usage_error(cmd, "unknown command \"%s%s%s\"",
		    cmd->argv[0], cmd->argc > 1 ? " " : "",
		    cmd->argc > 1 ? cmd->argv[1] : ""));
	cmd_print_usage(stdout, entry);
	printf("%s\n", entry->about);
	return (EXIT_OK);
}

/* The option that the usage word w ("--format") names, or NULL. */
static const struct cmd_option *
cmd_usage_option(const struct cmd_entry *entry, const char *w, size_t len)
{
	int	idx;

	if (len < 3 || strncmp(w, "--", 2) != 0 ||
	    (idx = cmd_option_index(entry, w + 2, len - 2)) == -1)
		return (NULL);
	return (&entry->options[idx]);
}

/*
 * What the usage says of the arguments, for "commands": each positional
 * placeholder as ":SUITE", ":ID|latest", ":k=v..." (repeated), and the
 * choices an option's value is written with ("--format json|csv") as
 * "--format=json|csv". choices[i] is set for option i.
 */
static char *
cmd_usage_args(const struct cmd_entry *entry, char **choices)
{
	const struct cmd_option	*opt;
	const char		*u = entry->usage, *w;
	char			*out = NULL;
	size_t			 len;

	while (*u != '\0') {
		while (*u == ' ' || *u == '[' || *u == ']')
			u++;
		w = u;
		while (*u != '\0' && *u != ' ' && *u != ']')
			u++;
		if ((len = (size_t)(u - w)) == 0 || (len == 1 && *w == '|'))
			continue;
		if ((opt = cmd_usage_option(entry, w, len)) != NULL) {
			if (opt->arg == CMD_ARG_NONE)
				continue;
			while (*u == ' ')
				u++;
			w = u;
			while (*u != '\0' && *u != ' ' && *u != ']')
				u++;
			if (memchr(w, '|', (size_t)(u - w)) != NULL &&
			    choices[opt - entry->options] == NULL)
				choices[opt - entry->options] =
				    xstrndup(w, (size_t)(u - w));
		} else if (len == 3 && strncmp(w, "...", 3) == 0)
			output_append(&out, "...");
		else
			output_append(&out, " :%.*s", (int)len, w);
	}
	return (out);
}

/*
 * One line per command: its name (two words for a subcommand), its
 * options ("--all", "--label=" when it takes a value, "--format=json|csv"
 * with the choices the usage lists) and its positional arguments as the
 * usage names them, each after a colon (":SUITE", ":k=v...": "..." means
 * it repeats). The bash completion reads this, so it follows the table.
 * With --fleet it lists the fleet's commands instead.
 */
static int
cmd_commands_exec(struct cmd *cmd)
{
	const struct cmd_entry	*const *e;
	const struct cmd_option	 *opt;
	char			 *choices[CMD_MAXOPTS], *args;
	int			  i;

	/* With --fleet, the commands the fleet's database answers. */
	for (e = benchctl_fleet != NULL ? fleet_commands() : cmd_table;
	    *e != NULL; e++) {
		if ((*e)->flags & CMD_HIDDEN)
			continue;
		memset(choices, 0, sizeof choices);
		args = cmd_usage_args(*e, choices);
		printf("%s", (*e)->name);
		for (i = 0; (*e)->options[i].name != NULL; i++) {
			opt = &(*e)->options[i];
			printf(" --%s%s%s", opt->name,
			    opt->arg == CMD_ARG_NONE ? "" : "=",
			    choices[i] != NULL ? choices[i] : "");
			free(choices[i]);
		}
		printf("%s\n", args != NULL ? args : "");
		free(args);
	}
	return (EXIT_OK);
}

/*
 * Arguments first .. argc-1 as "k=v" into the object kv (suite parameter
 * values). EX_USAGE after a malformed or repeated one.
 */
int
cmd_params(struct cmd *cmd, int first, cJSON *kv)
{
	const char	*eq;
	char		*key;
	int		 i;

	for (i = first; i < cmd->argc; i++) {
		if ((eq = strchr(cmd->argv[i], '=')) == NULL ||
		    eq == cmd->argv[i])
			return (cmd_usage_error(cmd, "expected k=v, not \"%s\"",
			    cmd->argv[i]));
		key = xstrndup(cmd->argv[i], (size_t)(eq - cmd->argv[i]));
		if (cJSON_GetObjectItemCaseSensitive(kv, key) != NULL) {
			free(key);
			return (cmd_usage_error(cmd, "%.*s given twice",
			    (int)(eq - cmd->argv[i]), cmd->argv[i]));
		}
		if (cJSON_AddStringToObject(kv, key, eq + 1) == NULL)
			fatalx("out of memory");
		free(key);
	}
	return (0);
}
