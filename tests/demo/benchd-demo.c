/*
 * benchd-demo.c -- a workload whose behaviour is set by flags.
 *
 * The README demo and the integration tests measure this program instead
 * of a real build: it burns CPU, sleeps, prints filler and timing lines,
 * misbehaves on request (signals, hangs, stray grandchildren, floods) and
 * shows what it was given (environment, process group).  Plain libc only,
 * so it builds anywhere the tests run.  Flags and main() are here; the
 * output is in demo-out.c, CPU, sleep and processes in demo-work.c.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "demo.h"

#define DEMO_USAGE	64	/* EX_USAGE */
#define DEMO_NAME_MAX	64	/* phase name bytes */
#define DEMO_PHASES	"parse:4,typeck:3,arc:1,codegen:5,object:2,link:5"

static struct {
	double			 burn, sleep, slow, jitter;
	uint64_t		 out_bytes, err_bytes, flood, touch;
	uint64_t		 timing;
	int			 timing_set;	/* else one line per phase */
	const char		*phases;
	const char		*prefix;
	struct demo_out		*timing_out;
	int			 exit_code, sig;
	int			 hang, ignore_term, close_stdout;
	double			 grandchild;	/* ms, < 0 none */
	int			 grandchild_closefds;
	uint64_t		 malformed;
	int			 env_dump, pgrp, spin, help;
	char			**slow_phase;
	size_t			 nslow_phase;
	struct demo_phase	*ph;
	size_t			 nph;
} opt;

static const struct {
	const char	*name;
	int		 sig;
} demo_signals[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
	{ "ILL", SIGILL }, { "TRAP", SIGTRAP }, { "ABRT", SIGABRT },
	{ "BUS", SIGBUS }, { "FPE", SIGFPE }, { "KILL", SIGKILL },
	{ "USR1", SIGUSR1 }, { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 },
	{ "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
	{ "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },
	{ "URG", SIGURG }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
	{ "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH },
	{ "SYS", SIGSYS },
};

enum demo_kind {
	K_FLAG,		/* no argument: sets an int */
	K_MS,		/* double, 0 to 1e9 */
	K_FACTOR,	/* double, 0 to 1e6 */
	K_PCT,		/* double, 0 to 100 */
	K_SIZE,		/* uint64_t, K/M/G suffixes */
	K_TEXT,		/* const char * */
	K_LINES,	/* --timing */
	K_EXIT,
	K_SIGNAL,
	K_STREAM,
	K_SLOW_PHASE,
	K_HEADING	/* not a flag: a line of the help */
};

/* Every flag, in the order its effect happens: parsing and help. */
static const struct demo_flag {
	const char	*name;
	const char	*arg;
	enum demo_kind	 kind;
	void		*dst;
	const char	*help;
} demo_flags[] = {
	{ "Effects, in the order they happen:", NULL, K_HEADING, NULL, NULL },
	{ "ignore-term", NULL, K_FLAG, &opt.ignore_term,
	    "ignore SIGTERM (from the start)" },
	{ "pgrp", NULL, K_FLAG, &opt.pgrp,
	    "print \"pid=N pgid=N sid=N\" to stdout" },
	{ "env-dump", NULL, K_FLAG, &opt.env_dump,
	    "print the environment, sorted, to stdout" },
	{ "grandchild", "MS", K_MS, &opt.grandchild,
	    "fork a grandchild (same process group) that\n"
	    "sleeps MS ms and outlives us, holding our stdout\n"
	    "and stderr; with --pgrp print \"grandchild=N\"" },
	{ "grandchild-closefds", NULL, K_FLAG, &opt.grandchild_closefds,
	    "the grandchild closes all its descriptors first" },
	{ "close-stdout", NULL, K_FLAG, &opt.close_stdout,
	    "close fd 1 and 2 (later output is dropped)" },
	{ "touch", "BYTES", K_SIZE, &opt.touch,
	    "allocate BYTES and write every page of it" },
	{ "sleep", "MS", K_MS, &opt.sleep, "sleep MS ms of wall time" },
	{ "burn", "MS", K_MS, &opt.burn,
	    "spin until we used MS ms more CPU time" },
	{ "stdout", "BYTES", K_SIZE, &opt.out_bytes,
	    "write BYTES of 64-byte filler lines to stdout" },
	{ "stderr", "BYTES", K_SIZE, &opt.err_bytes,
	    "write BYTES of 64-byte filler lines to stderr" },
	{ "timing", "N", K_LINES, &opt.timing,
	    "print N timing lines, round-robin over the phases" },
	{ "phases", "LIST", K_TEXT, &opt.phases,
	    "NAME:MS,... total ms per phase per run (default\n"
	    DEMO_PHASES ";\n"
	    "without --timing: one line per phase; --timing,\n"
	    "--phases or --slow-phase turn timing lines on)" },
	{ "spin-phases", NULL, K_FLAG, &opt.spin,
	    "burn each line's time as CPU before printing it" },
	{ "malformed", "N", K_SIZE, &opt.malformed,
	    "print N malformed timing lines" },
	{ "flood", "BYTES", K_SIZE, &opt.flood,
	    "write BYTES to stdout as fast as possible" },
	{ "hang", NULL, K_FLAG, &opt.hang,
	    "never exit (signals keep their defaults)" },
	{ "signal", "SIG", K_SIGNAL, &opt.sig,
	    "raise SIG (name or number), default action, no\n"
	    "core file; if we live on (CHLD, URG...) exit" },
	{ "exit", "CODE", K_EXIT, &opt.exit_code, "exit status (default 0)" },
	{ "Modifiers:", NULL, K_HEADING, NULL, NULL },
	{ "prefix", "NAME", K_TEXT, &opt.prefix,
	    "timing prefix (default ORI_BUILD_TIMING)" },
	{ "timing-stream", "out|err", K_STREAM, &opt.timing_out,
	    "where timing lines go (default err)" },
	{ "slow", "FACTOR", K_FACTOR, &opt.slow,
	    "scale burn, sleep and every phase's time" },
	{ "slow-phase", "NAME:FACTOR", K_SLOW_PHASE, NULL,
	    "scale one phase's time (repeatable)" },
	{ "jitter", "PCT", K_PCT, &opt.jitter,
	    "scale burn and sleep by a random 1 +- PCT/100" },
	{ "help", NULL, K_FLAG, &opt.help, "this text" },
};
#define DEMO_NFLAGS	(sizeof demo_flags / sizeof demo_flags[0])

static void
usage(FILE *f)
{
	const struct demo_flag	*fl;
	const char		*h;
	size_t			 i;
	int			 n;

	fputs("usage: benchd-demo [options]\n", f);
	for (i = 0; i < DEMO_NFLAGS; i++) {
		fl = &demo_flags[i];
		if (fl->kind == K_HEADING) {
			fprintf(f, "%s\n", fl->name);
			continue;
		}
		n = fprintf(f, "  --%s%s%s", fl->name, fl->arg ? " " : "",
		    fl->arg ? fl->arg : "");
		fprintf(f, "%*s", n < 26 ? 26 - n : 1, "");
		for (h = fl->help; *h != '\0'; h++) {
			fputc(*h, f);
			if (*h == '\n')
				fprintf(f, "%26s", "");
		}
		fputc('\n', f);
	}
	fputs("BYTES and N take a K, M or G suffix (powers of 1024).  A phase's\n"
	    "lines print time_us= values adding up exactly to T = round(MS *\n"
	    "1000 * slow factors): with L lines, each gets T / L and the\n"
	    "first T % L one more.  Exit 64 on a bad flag.\n", f);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
bad(const char *fmt, ...)
{
	va_list	ap;

	fputs("benchd-demo: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n", stderr);
	usage(stderr);
	exit(DEMO_USAGE);
}

static double
parse_double(const char *flag, const char *s, double lo, double hi)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !isfinite(v) ||
	    v < lo || v > hi)
		bad("--%s: bad value \"%s\"", flag, s);
	return (v);
}

/* A count or size: digits with an optional K, M or G suffix. */
static uint64_t
parse_size(const char *flag, const char *s)
{
	char			*end;
	unsigned long long	 v;
	int			 shift = 0;

	errno = 0;
	if (*s < '0' || *s > '9')
		bad("--%s: bad value \"%s\"", flag, s);
	v = strtoull(s, &end, 10);
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift != 0)
		end++;
	if (errno != 0 || *end != '\0' || v > (UINT64_MAX >> shift))
		bad("--%s: bad value \"%s\"", flag, s);
	return ((uint64_t)v << shift);
}

static int
parse_int(const char *flag, const char *s, long lo, long hi)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi)
		bad("--%s: bad value \"%s\"", flag, s);
	return ((int)v);
}

static int
parse_signal(const char *s)
{
	size_t	i;

	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	for (i = 0; i < sizeof demo_signals / sizeof demo_signals[0]; i++) {
		if (strcmp(s, demo_signals[i].name) == 0)
			return (demo_signals[i].sig);
	}
	return (parse_int("signal", s, 1, SIGRTMAX));
}

/* NAME:NUMBER; the name is printable ASCII without blanks or ','. */
static char *
parse_pair(const char *flag, const char *s, double lo, double *v)
{
	const char	*colon = strrchr(s, ':'), *p;
	char		*name;

	if (colon == NULL || colon == s || colon - s > DEMO_NAME_MAX)
		bad("--%s: expected NAME:NUMBER, got \"%s\"", flag, s);
	for (p = s; p < colon; p++) {
		if (*p <= ' ' || *p >= 0x7f || *p == ',')
			bad("--%s: bad name in \"%s\"", flag, s);
	}
	*v = parse_double(flag, colon + 1, lo, 1e12);
	if ((name = strndup(s, colon - s)) == NULL)
		abort();
	return (name);
}

static void
parse_phases(void)
{
	char	*list, *item, *save = NULL;

	if ((list = strdup(opt.phases)) == NULL)
		abort();
	for (item = strtok_r(list, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		opt.ph = realloc(opt.ph, (opt.nph + 1) * sizeof *opt.ph);
		if (opt.ph == NULL)
			abort();
		memset(&opt.ph[opt.nph], 0, sizeof opt.ph[opt.nph]);
		opt.ph[opt.nph].name = parse_pair("phases", item, 0,
		    &opt.ph[opt.nph].ms);
		opt.ph[opt.nph].slow = 1;
		opt.nph++;
	}
	free(list);
	if (opt.nph == 0)
		bad("--phases: empty list");
}

/* Apply --slow-phase, then fix each phase's line count and total. */
static void
plan_phases(void)
{
	uint64_t	n;
	double		f;
	size_t		i, j;
	char		*name;

	for (i = 0; i < opt.nslow_phase; i++) {
		name = parse_pair("slow-phase", opt.slow_phase[i], 0, &f);
		for (j = 0; j < opt.nph; j++) {
			if (strcmp(opt.ph[j].name, name) == 0)
				break;
		}
		if (j == opt.nph)
			bad("--slow-phase: no phase \"%s\"", name);
		opt.ph[j].slow *= f;
		free(name);
	}
	n = opt.timing_set ? opt.timing : opt.nph;
	for (j = 0; j < opt.nph; j++) {
		opt.ph[j].lines = n / opt.nph + (j < n % opt.nph);
		f = opt.ph[j].ms * 1000 * opt.slow * opt.ph[j].slow;
		if (f > 1e18)
			bad("phase %s: time too large", opt.ph[j].name);
		opt.ph[j].total_us = (uint64_t)llround(f);
		if (asprintf(&opt.ph[j].head, "%s: phase=%s time_us=",
		    opt.prefix, opt.ph[j].name) == -1)
			abort();
		opt.ph[j].headlen = strlen(opt.ph[j].head);
	}
}

static double
jitter(void)
{
	return (1 + opt.jitter / 100 * (2 * drand48() - 1));
}

/* One flag's argument into its place in opt. */
static void
parse_flag(const struct demo_flag *fl, const char *arg)
{
	char	**v;

	switch (fl->kind) {
	case K_FLAG:
		*(int *)fl->dst = 1;
		break;
	case K_MS:
	case K_FACTOR:
	case K_PCT:
		*(double *)fl->dst = parse_double(fl->name, arg, 0,
		    fl->kind == K_MS ? 1e9 : (fl->kind == K_PCT ? 100 : 1e6));
		break;
	case K_SIZE:
	case K_LINES:
		*(uint64_t *)fl->dst = parse_size(fl->name, arg);
		opt.timing_set |= fl->kind == K_LINES;
		break;
	case K_TEXT:
		if (*arg == '\0' || strpbrk(arg, " \t\n") != NULL)
			bad("--%s: bad value \"%s\"", fl->name, arg);
		*(const char **)fl->dst = arg;
		break;
	case K_EXIT:
		*(int *)fl->dst = parse_int(fl->name, arg, 0, 255);
		break;
	case K_SIGNAL:
		*(int *)fl->dst = parse_signal(arg);
		break;
	case K_STREAM:
		if (strcmp(arg, "out") != 0 && strcmp(arg, "err") != 0)
			bad("--%s: expected out or err", fl->name);
		opt.timing_out = arg[0] == 'o' ? &out_stdout : &out_stderr;
		break;
	case K_SLOW_PHASE:
		v = realloc(opt.slow_phase, (opt.nslow_phase + 1) * sizeof *v);
		if (v == NULL)
			abort();
		v[opt.nslow_phase++] = (char *)arg;
		opt.slow_phase = v;
		break;
	case K_HEADING:
		break;
	}
}

static void
parse_args(int argc, char **argv)
{
	struct option	longopts[DEMO_NFLAGS + 1];
	size_t		i, n = 0;
	int		ch;

	for (i = 0; i < DEMO_NFLAGS; i++) {
		if (demo_flags[i].kind == K_HEADING)
			continue;
		longopts[n].name = demo_flags[i].name;
		longopts[n].has_arg = demo_flags[i].arg != NULL ?
		    required_argument : no_argument;
		longopts[n].flag = NULL;
		longopts[n++].val = 256 + (int)i;
	}
	memset(&longopts[n], 0, sizeof longopts[n]);
	opt.slow = 1;
	opt.grandchild = -1;
	opt.prefix = "ORI_BUILD_TIMING";
	opt.timing_out = &out_stderr;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch < 256)
			bad("unknown option or missing value: \"%s\"",
			    argv[optind - 1]);
		parse_flag(&demo_flags[ch - 256], optarg);
	}
	if (opt.help) {
		usage(stdout);
		exit(0);
	}
	if (optind < argc)
		bad("unexpected argument \"%s\"", argv[optind]);
	if (opt.phases != NULL || opt.timing_set || opt.nslow_phase > 0) {
		if (opt.phases == NULL)
			opt.phases = DEMO_PHASES;
		parse_phases();
		plan_phases();
	}
}

int
main(int argc, char **argv)
{
	struct timespec	ts;
	uint64_t	i;
	char		line[256];
	int		n;

	parse_args(argc, argv);
	clock_gettime(CLOCK_REALTIME, &ts);
	srand48((long)ts.tv_sec ^ ((long)getpid() << 16) ^ ts.tv_nsec);

	if (opt.ignore_term)
		signal(SIGTERM, SIG_IGN);
	if (opt.pgrp) {
		n = snprintf(line, sizeof line, "pid=%ld pgid=%ld sid=%ld\n",
		    (long)getpid(), (long)getpgrp(), (long)getsid(0));
		out_put(&out_stdout, line, n);
	}
	if (opt.env_dump)
		out_env_dump();
	if (opt.grandchild >= 0)
		work_grandchild(opt.grandchild, opt.grandchild_closefds,
		    opt.pgrp);
	out_flush_all();	/* seen before any waiting */
	if (opt.close_stdout) {
		close(1);
		close(2);
		out_stdout.dead = out_stderr.dead = 1;
	}
	if (opt.touch > 0)
		work_touch(opt.touch);
	if (opt.sleep > 0)
		work_sleep_ms(opt.sleep * opt.slow * jitter());
	if (opt.burn > 0)
		burn_until(work_user_ms() + opt.burn * opt.slow * jitter());
	if (opt.out_bytes > 0)
		out_filler(&out_stdout, "stdout", opt.out_bytes);
	if (opt.err_bytes > 0)
		out_filler(&out_stderr, "stderr", opt.err_bytes);
	if (opt.nph > 0)
		out_timing_lines(opt.timing_out, opt.ph, opt.nph,
		    opt.timing_set ? opt.timing : opt.nph, opt.spin);
	for (i = 0; i < opt.malformed; i++) {
		n = snprintf(line, sizeof line, "%.100s: phase=malformed "
		    "time_ms=not-a-number n=%llu\n", opt.prefix,
		    (unsigned long long)i + 1);
		out_put(opt.timing_out, line, n);
	}
	if (opt.flood > 0)
		out_filler(&out_stdout, "flood", opt.flood);
	out_flush_all();
	if (opt.hang) {
		for (;;)
			pause();
	}
	if (opt.sig != 0)
		work_die_by_signal(opt.sig);
	return (opt.exit_code);
}
