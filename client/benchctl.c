/*
 * benchctl.c -- command-line client of benchd.
 *
 * benchctl [-S SOCKET] [--json] COMMAND [ARG ...]
 * benchctl --fleet CONNINFO [--json]
 * sessions|history|compare|regressions|queue|jobs
 *
 * Global options come before the command; the command's own options are
 * parsed from its cmd_entry (cmd.c). Each command sends one or a few
 * JSON-RPC requests to benchd and prints the result as text or, with
 * --json, as the result object itself.
 *
 * Exit status (see client.h and benchctl(1)):
 *   0  ok
 *   1  a finding: the session failed, is unstable, cancelled or
 *      interrupted; (variance) the last two sessions disagree;
 *      (compare) wall time regressed; (regressions) a session regressed
 *   2  not canonical (conditions)
 *   3  benchd reported an error, or sent a reply benchctl cannot read
 *  64  usage error (EX_USAGE)
 *  69  benchd unreachable (EX_UNAVAILABLE)
 *  74  standard output could not be written (EX_IOERR)
 */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

int	benchctl_json;

static int	benchctl_usage(const char *, ...)
		    __attribute__((format(printf, 1, 2)));

/* A usage error in the global options or the command name. */
static int
benchctl_usage(const char *fmt, ...)
{
	char	msg[1024];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_warnx("%s", msg);
	fprintf(stderr,
	    "usage: benchctl [-S SOCKET] [--json] COMMAND [ARG ...]\n"
	    "Run \"benchctl help\" for the list of commands.\n");
	return (EX_USAGE);
}

/*
 * argv[0] names a group of subcommands ("baseline") and argv[1] none of
 * them: their usages, as help with -h, else as a usage error.
 */
static int
benchctl_group(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		cmd_print_group(stdout, argv[0]);
		return (EXIT_OK);
	}
	if (argc > 1)
		log_warnx("%s: unknown subcommand \"%s\"", argv[0], argv[1]);
	else
		log_warnx("%s: missing subcommand", argv[0]);
	cmd_print_group(stderr, argv[0]);
	return (EX_USAGE);
}

int
main(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "json",	no_argument,	NULL,	'j' },
		{ "help",	no_argument,	NULL,	'h' },
		{ "version",	no_argument,	NULL,	'V' },
		{ "fleet",	required_argument, NULL, 'F' },
		{ NULL,		0,		NULL,	0 }
	};
	const struct cmd_entry		*entry;
	struct cmd			 cmd;
	const char			*socket;
	int				 ch, rc, words;

	log_init("benchctl", 0);
	if ((socket = getenv("BENCHD_SOCKET")) == NULL || *socket == '\0')
		socket = BENCHCTL_SOCKET;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:S:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'S':
			if (*optarg == '\0')
				return (benchctl_usage("-S needs a socket path"));
			socket = optarg;
			break;
		case 'j':
			benchctl_json = 1;
			break;
		case 'F':
			benchctl_fleet = optarg;
			break;
		case 'h':
			cmd_print_help(stdout);
			return (EXIT_OK);
		case 'V':
			printf("benchctl %s (protocol %d)\n", PACKAGE_VERSION,
			    BENCHCTL_PROTOCOL);
			return (EXIT_OK);
		case ':':
			return (benchctl_usage("%s needs a value",
			    argv[optind - 1]));
		default:
			if (optopt != 0)
				return (benchctl_usage("unknown option -%c",
				    optopt));
			return (benchctl_usage("unknown option %s",
			    argv[optind - 1]));
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		return (benchctl_usage("no command given"));
	if (benchctl_fleet != NULL && strcmp(argv[0], "commands") != 0) {
		/* The fleet's PostgreSQL answers, not a benchd. */
		if ((entry = fleet_lookup(argv[0])) == NULL)
			return (benchctl_usage("--fleet answers sessions, "
			    "history, compare, regressions, queue and jobs, "
			    "not \"%s\"", argv[0]));
		words = 1;
	} else if ((entry = cmd_lookup(argc, argv, &words)) == NULL) {
		if (words == 0)
			return (benchctl_usage("unknown command \"%s\"",
			    argv[0]));
		return (benchctl_group(argc, argv));
	}

	/* cmd_parse wants the last word of the name in argv[0]. */
	argc -= words - 1;
	argv += words - 1;
	memset(&cmd, 0, sizeof cmd);
	if ((rc = cmd_parse(&cmd, entry, argc, argv)) != 0) {
		free(cmd.argv);
		return (rc == -1 ? EXIT_OK : rc);
	}
	cmd.socket = socket;
	if (!(entry->flags & CMD_LOCAL))
		cmd.rpc = rpc_create(socket);
	rc = entry->exec(&cmd);

	rpc_free(cmd.rpc);
	free(cmd.argv);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		log_warn("stdout");
		if (rc == EXIT_OK)
			rc = EX_IOERR;
	}
	return (rc);
}
