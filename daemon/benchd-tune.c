/*
 * benchd-tune.c -- set the machine up for measuring as [tune] in
 * benchd.conf says, put it back, or show where it stands (benchd-tune(8)).
 * Run as root: by benchd.service before benchd starts and after it stops,
 * or by hand.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "tune.h"

enum command { CMD_APPLY, CMD_RESET, CMD_SHOW };

static void
usage(void)
{
	fprintf(stderr, "usage: benchd-tune [-v] [-c config] apply | reset | "
	    "show\n");
	exit(64);
}

static const char *
orabsent(const char *v)
{
	return (v != NULL ? v : "absent");
}

/* What happened, in words, after the status column. */
static void
print_detail(enum tune_status st, const char *was, const char *now,
    const char *want, const char *why)
{
	switch (st) {
	case TUNE_SET:
	case TUNE_RESTORED:
	case TUNE_PARTLY:
		printf("%s -> %s", orabsent(was), orabsent(now));
		if (why != NULL && *why != '\0')
			printf("; %s", why);
		break;
	case TUNE_FAILED:
		printf("%s; it is %s", why != NULL ? why : "refused",
		    orabsent(now));
		break;
	case TUNE_UNAVAILABLE:
	case TUNE_SKIPPED:
		printf("%s", why != NULL ? why : "");
		break;
	case TUNE_TUNED:
		printf("%s (before apply: %s)", orabsent(now), orabsent(was));
		break;
	case TUNE_DRIFTED:
		printf("%s, changed since apply set %s (before apply: %s)",
		    orabsent(now), orabsent(want), orabsent(was));
		break;
	case TUNE_DIFFERS:
		printf("%s; apply sets %s", orabsent(now), orabsent(want));
		break;
	default:
		printf("%s", orabsent(now));
		break;
	}
}

static void
print_report(const struct tune_report *rep, enum command cmd,
    const char *state, int verbose)
{
	const struct tune_line		*l;
	const struct tune_result	*r;
	size_t				 i, j;

	if (*rep->cpus != '\0')
		printf("workload CPUs: %s (%s)\n", rep->cpus, rep->cpus_from);
	else
		printf("workload CPUs: none\n");
	for (i = 0; i < rep->n; i++) {
		l = &rep->lines[i];
		printf("%-13s %-12s ", l->name, tune_status_name(l->status));
		print_detail(l->status, l->was, l->now, l->want, l->why);
		if (!l->listed)
			printf(" [not in settings]");
		printf("\n");
		for (j = 0; verbose && j < l->nres; j++) {
			r = &l->res[j];
			printf("    %-26s %-12s ", r->label,
			    tune_status_name(r->status));
			print_detail(r->status, r->was, r->now, l->want,
			    r->why);
			printf("\n");
		}
	}
	if (cmd == CMD_RESET && rep->kept == 0 && rep->n > 0)
		printf("state: %s: none left\n", state);
	else if (rep->kept == 0)
		printf("state: %s: none, not tuned\n", state);
	else
		printf("state: %s: %zu value%s to put back on reset\n", state,
		    rep->kept, rep->kept == 1 ? "" : "s");
}

int
main(int argc, char **argv)
{
	struct config		*cf;
	struct tune_ctx		 ctx;
	struct tune_report	 rep;
	enum command		 cmd;
	const char		*path = CONFIG_DEFAULT_PATH, *e;
	char			*cause = NULL, *end;
	int			 ch, verbose = 0, rc;

	while ((ch = getopt(argc, argv, "c:v")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (optind + 1 != argc)
		usage();
	if (strcmp(argv[optind], "apply") == 0)
		cmd = CMD_APPLY;
	else if (strcmp(argv[optind], "reset") == 0)
		cmd = CMD_RESET;
	else if (strcmp(argv[optind], "show") == 0)
		cmd = CMD_SHOW;
	else
		usage();
	log_init("benchd-tune", 0);

	if ((cf = conf_load(path, &cause)) == NULL) {
		fprintf(stderr, "benchd-tune: %s\n", cause);
		free(cause);
		return (1);
	}
	tune_init(&ctx, cf);
	/* For tests only: die by SIGKILL before write N + 1 (tune-item.c). */
	if ((e = getenv("BENCHD_TUNE_CRASH_AFTER")) != NULL) {
		errno = 0;
		ctx.crash_after = strtol(e, &end, 10);
		if (*e == '\0' || *end != '\0' || errno != 0 ||
		    ctx.crash_after < 0)
			fatalx("BENCHD_TUNE_CRASH_AFTER: not a count: %s", e);
	}
	if (cmd == CMD_APPLY)
		rc = tune_apply(&ctx, &rep, &cause);
	else if (cmd == CMD_RESET)
		rc = tune_reset(&ctx, &rep, &cause);
	else
		rc = tune_show(&ctx, &rep, &cause);
	fflush(stderr);
	print_report(&rep, cmd, cf->tune.state, verbose);
	if (fflush(stdout) == EOF)
		log_warn("stdout");
	if (rc != 0) {
		fprintf(stderr, "benchd-tune: %s\n", cause);
		free(cause);
	}
	tune_report_free(&rep);
	tune_ctx_free(&ctx);
	conf_free(cf);
	return (rc != 0);
}
