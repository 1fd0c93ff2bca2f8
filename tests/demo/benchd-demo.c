/*
 * benchd-demo.c -- a workload whose behaviour is set by flags.
 *
 * The README demo and the integration tests measure this program instead
 * of a real build: it burns CPU, sleeps, prints filler and timing lines,
 * misbehaves on request (signals, hangs, stray grandchildren, floods) and
 * shows what it was given (environment, process group).  Plain libc only,
 * so it builds anywhere the tests run.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/types.h>

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

#define DEMO_USAGE	64	/* EX_USAGE */
#define DEMO_BLOCK	65536	/* filler write size; a multiple of 64 */
#define DEMO_LINE	64	/* filler line length */
#define DEMO_NAME_MAX	64	/* phase name bytes */
#define DEMO_PHASES	"parse:4,typeck:3,arc:1,codegen:5,object:2,link:5"

extern char	**environ;

struct demo_phase {
	char		*name;
	double		 ms;		/* total per run, before slowing */
	double		 slow;		/* --slow-phase factor */
	uint64_t	 total_us;	/* what the lines add up to */
	uint64_t	 lines;
	uint64_t	 done;
	char		*head;		/* "PREFIX: phase=NAME time_us=" */
	size_t		 headlen;
};

/* Buffered output to one descriptor; a dead one swallows everything. */
struct demo_out {
	int		 fd;
	int		 dead;
	size_t		 used;
	char		 buf[DEMO_BLOCK];
};

static struct demo_out	 out_stdout = { 1, 0, 0, { 0 } };
static struct demo_out	 out_stderr = { 2, 0, 0, { 0 } };

static struct {
	double			 burn, sleep, slow, jitter;
	uint64_t		 out_bytes, err_bytes, flood;
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

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		p += n;
		len -= n;
	}
	return (0);
}

static void
out_flush(struct demo_out *o)
{
	if (!o->dead && o->used > 0 && write_all(o->fd, o->buf, o->used) == -1)
		o->dead = 1;
	o->used = 0;
}

static void
out_put(struct demo_out *o, const char *p, size_t len)
{
	if (o->used + len > sizeof o->buf)
		out_flush(o);
	if (len > sizeof o->buf) {
		if (!o->dead && write_all(o->fd, p, len) == -1)
			o->dead = 1;
		return;
	}
	memcpy(o->buf + o->used, p, len);
	o->used += len;
}

/* Keep the documented order when both streams share one pipe. */
static void
out_flush_all(void)
{
	out_flush(&out_stdout);
	out_flush(&out_stderr);
}

/*
 * Exactly bytes of 64-byte lines tagged with tag; a short last line still
 * ends in '\n'.  Written in big blocks so a flood goes at pipe speed.
 */
static void
filler(struct demo_out *o, const char *tag, uint64_t bytes)
{
	static char	block[DEMO_BLOCK];
	char		line[DEMO_LINE + 1];
	size_t		i, n;

	out_flush_all();
	snprintf(line, sizeof line, "benchd-demo %s filler ", tag);
	n = strlen(line);
	memset(line + n, '.', DEMO_LINE - 1 - n);
	line[DEMO_LINE - 1] = '\n';
	for (i = 0; i < sizeof block; i += DEMO_LINE)
		memcpy(block + i, line, DEMO_LINE);
	while (bytes > 0 && !o->dead) {
		n = bytes < sizeof block ? bytes : sizeof block;
		if (n < sizeof block)
			block[n - 1] = '\n';
		if (write_all(o->fd, block, n) == -1)
			o->dead = 1;
		bytes -= n;
	}
}

/*
 * User CPU time: a burn of N ms is N ms of user time, whatever the
 * system time around it (page faults, a sanitizer's bookkeeping).
 */
static double
user_ms(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3);
}

/*
 * Spin in user space until our CPU clock reaches until (ms).  Never
 * inlined: a profile of --burn names it as the hottest function.
 */
static void __attribute__((noinline))
burn_until(double until)
{
	static volatile uint64_t	x = 1;
	int				i;

	while (user_ms() < until) {
		for (i = 0; i < 200000; i++)
			x = x * 6364136223846793005ull + 1442695040888963407ull;
	}
}

static void
sleep_ms(double ms)
{
	struct timespec	ts;

	if (ms <= 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += (time_t)(ms / 1000);
	ts.tv_nsec += (long)(fmod(ms, 1000) * 1e6);
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	    EINTR)
		/* nothing */;
}

static double
jitter(void)
{
	return (1 + opt.jitter / 100 * (2 * drand48() - 1));
}

static int
cmp_str(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

static void
env_dump(void)
{
	char	**v;
	size_t	  n, i;

	for (n = 0; environ[n] != NULL; n++)
		/* nothing */;
	if ((v = calloc(n + 1, sizeof *v)) == NULL)
		abort();
	memcpy(v, environ, n * sizeof *v);
	qsort(v, n, sizeof *v, cmp_str);
	for (i = 0; i < n; i++) {
		out_put(&out_stdout, v[i], strlen(v[i]));
		out_put(&out_stdout, "\n", 1);
	}
	free(v);
}

/* The grandchild stays in our process group and keeps our pipes. */
static void
grandchild(void)
{
	char	line[64];
	long	fd, max;
	pid_t	pid;
	int	n;

	out_flush_all();
	if ((pid = fork()) == -1) {
		perror("benchd-demo: fork");
		exit(1);
	}
	if (pid == 0) {
		if (opt.grandchild_closefds) {
			max = sysconf(_SC_OPEN_MAX);
			if (max < 0 || max > 65536)
				max = 65536;
			for (fd = 0; fd < max; fd++)
				close((int)fd);
		}
		sleep_ms(opt.grandchild);
		_exit(0);
	}
	if (opt.pgrp) {
		n = snprintf(line, sizeof line, "grandchild=%ld\n", (long)pid);
		out_put(&out_stdout, line, n);
	}
}

/* Round-robin timing lines; with --spin-phases each costs its CPU time. */
static void
timing_lines(void)
{
	struct demo_phase	*p;
	uint64_t		 i, n, us, spent = 0;
	double			 cpu0 = user_ms();
	char			 num[24], *d;

	n = opt.timing_set ? opt.timing : opt.nph;
	for (i = 0; i < n; i++) {
		p = &opt.ph[i % opt.nph];
		us = p->total_us / p->lines +
		    (p->done++ < p->total_us % p->lines);
		if (opt.spin) {	/* formatting is by hand: 10M lines/s */
			spent += us;
			burn_until(cpu0 + spent / 1e3);
		}
		out_put(opt.timing_out, p->head, p->headlen);
		d = num + sizeof num;
		*--d = '\n';
		do
			*--d = '0' + us % 10;
		while ((us /= 10) != 0);
		out_put(opt.timing_out, d, num + sizeof num - d);
		if (opt.spin)
			out_flush_all();
	}
}

static void
die_by_signal(void)
{
	struct rlimit	rl = { 0, 0 };
	sigset_t	set;

	out_flush_all();
	setrlimit(RLIMIT_CORE, &rl);	/* no core files in test dirs */
	signal(opt.sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, opt.sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(opt.sig);
	/* A signal whose default is to be ignored: exit normally. */
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
		env_dump();
	if (opt.grandchild >= 0)
		grandchild();
	out_flush_all();	/* seen before any waiting */
	if (opt.close_stdout) {
		close(1);
		close(2);
		out_stdout.dead = out_stderr.dead = 1;
	}
	if (opt.sleep > 0)
		sleep_ms(opt.sleep * opt.slow * jitter());
	if (opt.burn > 0)
		burn_until(user_ms() + opt.burn * opt.slow * jitter());
	if (opt.out_bytes > 0)
		filler(&out_stdout, "stdout", opt.out_bytes);
	if (opt.err_bytes > 0)
		filler(&out_stderr, "stderr", opt.err_bytes);
	if (opt.nph > 0)
		timing_lines();
	for (i = 0; i < opt.malformed; i++) {
		n = snprintf(line, sizeof line, "%.100s: phase=malformed "
		    "time_ms=not-a-number n=%llu\n", opt.prefix,
		    (unsigned long long)i + 1);
		out_put(opt.timing_out, line, n);
	}
	if (opt.flood > 0)
		filler(&out_stdout, "flood", opt.flood);
	out_flush_all();
	if (opt.hang) {
		for (;;)
			pause();
	}
	if (opt.sig != 0)
		die_by_signal();
	return (opt.exit_code);
}
