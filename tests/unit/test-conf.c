/* test-conf.c -- loading benchd.conf: values, defaults, errors, suite text. */
#include "config.h"

#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"
#include "xmalloc.h"

#define EPS	1e-12

/* The example of SPEC.md "Config", verbatim. */
static const char spec_example[] =
"[daemon]\n"
"socket      = /run/benchd.sock\n"
"database    = /var/lib/benchd/benchd.db     ; $STATE_DIRECTORY wins when set\n"
"admin_group = benchd                        ; may queue / cancel / set baselines\n"
"\n"
"[conditions]\n"
"forbid_processes = cargo rustc              ; any such process not started by benchd = fail\n"
"governor         = performance\n"
"max_temp_c       = 70\n"
"max_runnable     = 1                        ; runnable threads besides our workload\n"
"policy           = wait                     ; wait | warn | refuse\n"
"wait_timeout     = 600                      ; seconds, then the session fails (policy=wait)\n"
"\n"
"[suite full-workspace]\n"
"workdir  = /srv/ori\n"
"build    = cargo b --workspace -q\n"
"command  = cargo t --workspace\n"
"env      = ORI_BUILD_TIMING=1 ORI_TEST_TIMING=1\n"
"warmup   = 3\n"
"runs     = 5\n"
"max_runs = 30\n"
"cv_target = 0.05\n"
"timeout  = 900\n"
"\n"
"[suite crate]\n"
"workdir  = /srv/ori\n"
"build    = cargo b --workspace -q\n"
"command  = cargo test -p {crate}\n"
"param.crate = ori_arc ori_types ori_eval ori_parse ori_lexer ori_patterns "
"ori_registry ori_ir ori_llvm ori_diagnostic ori_rt oric\n";

static const char full_workspace_text[] =
"[suite full-workspace]\n"
"workdir = /srv/ori\n"
"build = cargo b --workspace -q\n"
"command = cargo t --workspace\n"
"shell = no\n"
"env = ORI_BUILD_TIMING=1 ORI_TEST_TIMING=1\n"
"warmup = 3\n"
"runs = 5\n"
"max_runs = 30\n"
"cv_target = 0.05\n"
"noise = 0.01\n"
"timeout = 900\n"
"build_timeout = 0\n"
"timing_prefixes = ORI_BUILD_TIMING ORI_TEST_TIMING\n"
"cpus =\n"
"nice = 0\n";

static char	 dir[] = "/tmp/test-conf.XXXXXX";
static int	 nfiles;

/* Write text to a new file in the test directory; returns its path. */
static char *
write_conf(const char *text)
{
	char	*path;
	FILE	*f;

	xasprintf(&path, "%s/%d.conf", dir, nfiles++);
	if ((f = fopen(path, "w")) == NULL)
		fail_msg("fopen %s", path);
	fputs(text, f);
	fclose(f);
	return (path);
}

static struct config *
load(const char *text)
{
	struct config	*cf;
	char		*path = write_conf(text), *cause = NULL;

	if ((cf = conf_load(path, &cause)) == NULL)
		fail_msg("%s", cause);
	assert_string_equal(cf->path, path);
	free(path);
	return (cf);
}

/* Loading text fails with "FILE:" followed by want. */
static void
load_fails(const char *text, const char *want)
{
	char	*path = write_conf(text), *cause = NULL, *full;

	assert_null(conf_load(path, &cause));
	xasprintf(&full, "%s:%s", path, want);
	assert_non_null(cause);
	assert_string_equal(cause, full);
	free(cause);
	free(full);
	free(path);
}

static int
setup(void **state)
{
	unsetenv("STATE_DIRECTORY");
	return (mkdtemp(dir) == NULL ? -1 : 0);
}

static int
teardown(void **state)
{
	char	*path;
	int	 i;

	for (i = 0; i < nfiles; i++) {
		xasprintf(&path, "%s/%d.conf", dir, i);
		unlink(path);
		free(path);
	}
	return (rmdir(dir));
}

static void
test_spec_example(void **state)
{
	const char *crates[] = { "ori_arc", "ori_types", "ori_eval",
	    "ori_parse", "ori_lexer", "ori_patterns", "ori_registry",
	    "ori_ir", "ori_llvm", "ori_diagnostic", "ori_rt", "oric" };
	struct config			*cf = load(spec_example);
	const struct suite		*s;
	const struct suite_param	*p;
	size_t				 i;

	assert_string_equal(cf->socket, "/run/benchd.sock");
	assert_string_equal(cf->database, "/var/lib/benchd/benchd.db");
	assert_string_equal(cf->admin_group, "benchd");
	assert_int_equal(cf->cond.nforbid_processes, 2);
	assert_string_equal(cf->cond.forbid_processes[0], "cargo");
	assert_string_equal(cf->cond.forbid_processes[1], "rustc");
	assert_null(cf->cond.forbid_processes[2]);
	assert_string_equal(cf->cond.governor, "performance");
	assert_true(cf->cond.max_temp_c == 70);
	assert_int_equal(cf->cond.max_runnable, 1);
	assert_int_equal(cf->cond.policy, POLICY_WAIT);
	assert_int_equal(cf->cond.wait_timeout, 600);
	assert_int_equal(cf->nsuites, 2);

	s = conf_suite(cf, "full-workspace");
	assert_ptr_equal(s, &cf->suites[0]);
	assert_int_equal(s->line, 14);
	assert_string_equal(s->workdir, "/srv/ori");
	assert_string_equal(s->build, "cargo b --workspace -q");
	assert_string_equal(s->command, "cargo t --workspace");
	assert_int_equal(s->nenv, 2);
	assert_string_equal(s->env[0], "ORI_BUILD_TIMING=1");
	assert_string_equal(s->env[1], "ORI_TEST_TIMING=1");
	assert_int_equal(s->shell, 0);
	assert_int_equal(s->warmup, 3);
	assert_int_equal(s->runs, 5);
	assert_int_equal(s->max_runs, 30);
	assert_true(s->cv_target > 0.05 - EPS && s->cv_target < 0.05 + EPS);
	assert_int_equal(s->timeout, 900);
	assert_int_equal(s->nparams, 0);
	assert_string_equal(s->text, full_workspace_text);

	s = conf_suite(cf, "crate");
	assert_ptr_equal(s, &cf->suites[1]);
	assert_int_equal(s->line, 25);
	assert_string_equal(s->command, "cargo test -p {crate}");
	assert_int_equal(s->nenv, 0);
	assert_int_equal(s->timeout, 0);
	assert_int_equal(s->nparams, 1);
	p = suite_param(s, "crate");
	assert_non_null(p);
	assert_string_equal(p->name, "crate");
	assert_int_equal(p->nvalues, 12);
	for (i = 0; i < 12; i++)
		assert_string_equal(p->values[i], crates[i]);
	assert_null(p->values[12]);
	assert_null(suite_param(s, "krate"));
	assert_null(conf_suite(cf, "nope"));
	conf_free(cf);
}

static void
test_defaults(void **state)
{
	struct config		*cf;
	const struct suite	*s;

	cf = load("[suite x]\nworkdir = /w\ncommand = true\n");
	assert_string_equal(cf->socket, "/run/benchd.sock");
	assert_string_equal(cf->database, "/var/lib/benchd/benchd.db");
	assert_string_equal(cf->admin_group, "benchd");
	assert_string_equal(cf->env_path, "/usr/local/bin:/usr/bin:/bin");
	assert_string_equal(cf->env_home, "/var/lib/benchd");
	assert_string_equal(cf->env_lang, "C.UTF-8");
	assert_string_equal(cf->env_tmpdir, "/tmp");
	assert_int_equal(cf->max_clients, 256);
	assert_int_equal(cf->kill_grace, 5);
	assert_int_equal(cf->cond.nforbid_processes, 0);
	assert_null(cf->cond.forbid_processes[0]);
	assert_null(cf->cond.governor);
	assert_true(cf->cond.max_temp_c == 0);
	assert_int_equal(cf->cond.max_runnable, -1);
	assert_int_equal(cf->cond.policy, POLICY_WAIT);
	assert_int_equal(cf->cond.wait_timeout, 600);
	assert_int_equal(cf->cond.recheck_interval, 5);
	assert_string_equal(cf->cond.proc_root, "/");
	assert_string_equal(cf->cond.sys_root, "/");

	s = &cf->suites[0];
	assert_string_equal(s->name, "x");
	assert_int_equal(s->line, 1);
	assert_null(s->build);
	assert_int_equal(s->shell, 0);
	assert_int_equal(s->nenv, 0);
	assert_int_equal(s->warmup, 3);
	assert_int_equal(s->runs, 5);
	assert_int_equal(s->max_runs, 30);
	assert_true(s->cv_target > 0.05 - EPS && s->cv_target < 0.05 + EPS);
	assert_true(s->noise > 0.01 - EPS && s->noise < 0.01 + EPS);
	assert_int_equal(s->timeout, 0);
	assert_int_equal(s->build_timeout, 0);
	assert_int_equal(s->ntiming_prefixes, 2);
	assert_string_equal(s->timing_prefixes[0], "ORI_BUILD_TIMING");
	assert_string_equal(s->timing_prefixes[1], "ORI_TEST_TIMING");
	assert_null(s->cpus);
	assert_int_equal(s->nice, 0);
	conf_free(cf);

	cf = load("");
	assert_int_equal(cf->nsuites, 0);
	conf_free(cf);
}

static void
test_values(void **state)
{
	struct config		*cf;
	const struct suite	*s;

	cf = load("[daemon]\npath = /opt/bin:/usr/bin\nhome = /home/b\n"
	    "lang = en_US.UTF-8\ntmpdir = /var/tmp\nmax_clients = 8\n"
	    "kill_grace = 0\n"
	    "[conditions]\npolicy = refuse\nmax_temp_c = 72.5\n"
	    "proc_root = /tmp/fake/proc\nrecheck_interval = 1\n"
	    "[suite s]\nworkdir = /w\nshell = yes\ncommand = make | tee log\n"
	    "cv_target = 5%\nnoise = 2.5%\ncpus = 2-3,5\nnice = -5\n"
	    "timing_prefixes = A_TIMING\nmax_runs = 5\nruns = 5\n"
	    "warmup = 0\nbuild_timeout = 3600\n");
	assert_string_equal(cf->env_path, "/opt/bin:/usr/bin");
	assert_string_equal(cf->env_home, "/home/b");
	assert_string_equal(cf->env_lang, "en_US.UTF-8");
	assert_string_equal(cf->env_tmpdir, "/var/tmp");
	assert_int_equal(cf->max_clients, 8);
	assert_int_equal(cf->kill_grace, 0);
	assert_int_equal(cf->cond.policy, POLICY_REFUSE);
	assert_true(cf->cond.max_temp_c == 72.5);
	assert_string_equal(cf->cond.proc_root, "/tmp/fake/proc");
	assert_int_equal(cf->cond.recheck_interval, 1);
	s = &cf->suites[0];
	assert_int_equal(s->shell, 1);
	assert_string_equal(s->command, "make | tee log");
	assert_true(s->cv_target > 0.05 - EPS && s->cv_target < 0.05 + EPS);
	assert_true(s->noise > 0.025 - EPS && s->noise < 0.025 + EPS);
	assert_string_equal(s->cpus, "2-3,5");
	assert_int_equal(CPU_COUNT(&s->cpuset), 3);
	assert_true(CPU_ISSET(2, &s->cpuset) && CPU_ISSET(3, &s->cpuset) &&
	    CPU_ISSET(5, &s->cpuset));
	assert_int_equal(s->nice, -5);
	assert_int_equal(s->ntiming_prefixes, 1);
	assert_int_equal(s->warmup, 0);
	assert_int_equal(s->build_timeout, 3600);
	conf_free(cf);
}

/* " ;" starts a comment (inih), ';' inside a word does not. */
static void
test_inline_comments(void **state)
{
	struct config	*cf;

	cf = load("# a comment\n; another\n[daemon] ; header comment\n"
	    "admin_group = wheel ; who may queue\nlang = C;x\n"
	    "[suite x]\nworkdir = /srv\t; tab then comment\n"
	    "command = make -j4 check   ; the measured command\n");
	assert_string_equal(cf->admin_group, "wheel");
	assert_string_equal(cf->env_lang, "C;x");
	assert_string_equal(cf->suites[0].workdir, "/srv");
	assert_string_equal(cf->suites[0].command, "make -j4 check");
	conf_free(cf);
}

/* Indented lines continue lists and commands. */
static void
test_continuation(void **state)
{
	struct config			*cf;
	const struct suite		*s;
	const struct suite_param	*p;

	cf = load("[suite c]\n  workdir = /srv\ncommand = cargo test\n"
	    "    -p {crate}\nparam.crate = a 'b c'\n   d\n\n\t; note\n"
	    "\te\n  [f]\nenv = A=1\n  'B=x y'\n");
	s = &cf->suites[0];
	assert_string_equal(s->workdir, "/srv");
	assert_string_equal(s->command, "cargo test -p {crate}");
	p = suite_param(s, "crate");
	assert_int_equal(p->nvalues, 5);
	assert_string_equal(p->values[0], "a");
	assert_string_equal(p->values[1], "b c");
	assert_string_equal(p->values[2], "d");
	assert_string_equal(p->values[3], "e");
	assert_string_equal(p->values[4], "[f]");
	assert_int_equal(s->nenv, 2);
	assert_string_equal(s->env[1], "B=x y");
	conf_free(cf);
}

#define SX	"[suite x]\nworkdir = /srv\ncommand = true\n"

/* Lines longer than inih's 200-byte buffer keep their whole value. */
static void
test_long_lines(void **state)
{
	struct config	*cf;
	char		 cmd[1200], text[4096];
	int		 i;

	strcpy(cmd, "/usr/bin/true");
	for (i = 0; i < 100; i++)
		strcat(cmd, " --flag-x");
	snprintf(text, sizeof text, "[suite x]\nworkdir = /srv\ncommand = %s "
	    "; a comment\nenv = A=1\n  %s=2\nruns = 7\n", cmd,
	    "B_THAT_IS_LONG_AND_LONGER_THAN_THE_BUFFER_ON_ITS_OWN_LINE_"
	    "B_THAT_IS_LONG_AND_LONGER_THAN_THE_BUFFER_ON_ITS_OWN_LINE_"
	    "B_THAT_IS_LONG_AND_LONGER_THAN_THE_BUFFER_ON_ITS_OWN_LINE_XX");
	cf = load(text);
	assert_non_null(cf);
	assert_string_equal(cf->suites[0].command, cmd);
	assert_int_equal(cf->suites[0].nenv, 2);
	assert_int_equal(strlen(cf->suites[0].env[1]), 3 * 58 + 4);
	assert_int_equal(cf->suites[0].runs, 7);
	conf_free(cf);
}

static void
test_errors(void **state)
{
	char	 longline[256];

	load_fails("[daemon]\nsockett = /x\n",
	    "2: daemon: unknown key \"sockett\"");
	load_fails("[daemon]\n[deamon]\nsocket = /x\n",
	    "2: unknown section \"deamon\"");
	load_fails(SX "runs = abc\n",
	    "4: suite \"x\": runs must be a positive integer, got \"abc\"");
	load_fails(SX "runs = 5x\n",
	    "4: suite \"x\": runs must be a positive integer, got \"5x\"");
	load_fails(SX "warmup = 99999999999\n", "4: suite \"x\": warmup must "
	    "be a non-negative integer, got \"99999999999\"");
	load_fails(SX "max_runs = 3\nruns = 5\n",
	    "5: suite \"x\": max_runs (3) must be at least runs (5)");
	load_fails("[daemon]\n\n[suite x]\nworkdir = /srv\n",
	    "3: suite \"x\": command is required");
	load_fails("[suite x]\n", "1: suite \"x\": workdir is required");
	load_fails("[conditions]\npolicy = sometimes\n", "2: conditions: "
	    "policy must be wait, warn or refuse, got \"sometimes\"");
	load_fails(SX "[suite x]\n",
	    "4: suite \"x\" is already defined at line 1");
	load_fails(SX "param.crate = a b\n",
	    "4: suite \"x\": param.crate is not used in build or command");
	load_fails("[suite x]\nworkdir = /srv\ncommand = cargo test -p "
	    "{crate}\n", "3: suite \"x\": command uses {crate} but there is "
	    "no param.crate");
	load_fails("[suite x]\nworkdir = /srv\ncommand = t {a}\nbuild = b "
	    "{b}\nparam.a = 1\n", "4: suite \"x\": build uses {b} but there "
	    "is no param.b");
	load_fails("[suite x]\nworkdir = srv/ori\n",
	    "2: suite \"x\": workdir must be an absolute path, "
	    "got \"srv/ori\"");
	load_fails("[suite x]\ncpus = 2-a\n", "2: suite \"x\": cpus: bad CPU "
	    "list \"2-a\": expected CPU numbers and ranges like 0-3,6");
	load_fails(SX "timing_prefixes = ORI_BUILD_TIMING bad:prefix\n",
	    "4: suite \"x\": timing prefix \"bad:prefix\" must be 1 to 64 "
	    "of [A-Za-z0-9_.-]");
	load_fails("[daemon]\nsocket /x\n",
	    "2: syntax error: expected [section], key = value or a comment");
	load_fails("[daemon\nsocket = /x\n",
	    "1: syntax error: expected [section], key = value or a comment");
	load_fails("[daemon]\nsocket = /a\nsocket = /b\n",
	    "3: daemon: socket given twice (first at line 2)");
	load_fails("[daemon]\n[conditions]\n[daemon]\n",
	    "3: [daemon] repeated (first at line 1)");
	load_fails("socket = /a\n", "1: \"socket\" is outside of any section");
	snprintf(longline, sizeof longline, "[daemon]\n%0200d\n", 0);
	load_fails(longline, "2: line is too long and has no \"key = value\"");
	load_fails("[suite x]\nworkdir = /srv\n  /more\n", "3: suite \"x\": "
	    "workdir: only lists and commands may go on over indented lines");
	load_fails("[suite x]\nworkdir = /srv\ncommand = make | tee log\n",
	    "3: suite \"x\": command: unquoted \"|\" needs a shell: quote it, "
	    "or set shell = yes");
	load_fails(SX "build = echo {}\n", "4: suite \"x\": build: stray \"{\" "
	    "at \"{}\": a placeholder is {NAME}, a literal brace is {{ or }}");
	load_fails("[suite x]\nenv = FOO\n",
	    "2: suite \"x\": env: \"FOO\" is not NAME=VALUE");
	load_fails("[suite x]\nenv = A=1\n  BENCHD_SESSION=1\n",
	    "3: suite \"x\": env: BENCHD_SESSION is set by benchd itself");
	load_fails("[suite x]\nenv = A=1 B=2 A=3\n",
	    "2: suite \"x\": env: A is set twice");
	load_fails("[suite a/b]\n", "1: invalid suite name \"a/b\": use up to "
	    "64 letters, digits, '.', '_' and '-'");
	load_fails("[suite]\n", "1: invalid suite name \"\": use up to 64 "
	    "letters, digits, '.', '_' and '-'");
	load_fails(SX "nice = 20\n", "4: suite \"x\": nice must be an integer "
	    "from -20 to 19, got \"20\"");
	load_fails(SX "cv_target = abc\n", "4: suite \"x\": cv_target must be "
	    "a fraction (or percentage) from 0.001 to 1, got \"abc\"");
	load_fails(SX "noise = 150%\n", "4: suite \"x\": noise must be a "
	    "fraction (or percentage) from 0 to 1, got \"150%\"");
	load_fails(SX "shell = maybe\n",
	    "4: suite \"x\": shell must be yes or no, got \"maybe\"");
	load_fails("[suite x]\nworkdir = /srv\ncommand = t {c}\nparam.c = a "
	    "b\n  a\n", "5: suite \"x\": param.c: \"a\" listed twice");
	load_fails("[conditions]\nmax_temp_c = -1\n", "2: conditions: "
	    "max_temp_c must be a number from 0 to 200, got \"-1\"");
	load_fails("[daemon]\nadmin_group =\n",
	    "2: daemon: admin_group must not be empty");
}

/* The first error in the file is the one reported. */
static void
test_first_error(void **state)
{
	char	*cause = NULL;

	load_fails("[daemon]\nmax_clients = 0\nkill_grace = x\n", "2: daemon: "
	    "max_clients must be an integer from 1 to 65536, got \"0\"");
	load_fails("[daemon]\njunk\nmax_clients = 0\n",
	    "2: syntax error: expected [section], key = value or a comment");
	load_fails("[daemon]\nmax_clients = 0\njunk\n", "2: daemon: "
	    "max_clients must be an integer from 1 to 65536, got \"0\"");
	load_fails("[suite x]\n[nope]\n", "2: unknown section \"nope\"");
	assert_null(conf_load("/nonexistent/benchd.conf", &cause));
	assert_string_equal(cause,
	    "/nonexistent/benchd.conf: No such file or directory");
	free(cause);
}

static void
test_state_directory(void **state)
{
	struct config	*cf;

	setenv("STATE_DIRECTORY", "/var/lib/benchd-x:/var/lib/other", 1);
	cf = load("[daemon]\ndatabase = /elsewhere/b.db\n");
	assert_string_equal(cf->database, "/var/lib/benchd-x/benchd.db");
	conf_free(cf);
	setenv("STATE_DIRECTORY", "", 1);
	cf = load("[daemon]\ndatabase = /elsewhere/b.db\n");
	assert_string_equal(cf->database, "/elsewhere/b.db");
	conf_free(cf);
	unsetenv("STATE_DIRECTORY");
}

/* The same definition gives the same text, however it was written. */
static void
test_text(void **state)
{
	struct config	*a, *b, *c, *d;

	a = load("[suite p]\nworkdir = /w\ncommand = run {x} {y}\n"
	    "env = B=2 A='1 2'\nparam.x = 1 2\nparam.y = a\nruns = 5\n");
	b = load("[suite p] ; reordered, defaults spelled out\n"
	    "param.y = a\nparam.x = 1 2\nwarmup = 3\n"
	    "env = A='1 2' B=2\ncommand = run {x} {y}\nworkdir = /w\n"
	    "cv_target = 5%\n");
	c = load("[suite p]\nworkdir = /w\ncommand = run {x} {y}\n"
	    "env = B=2 A='1 2'\nparam.x = 1 2\nparam.y = a\nruns = 6\n");
	assert_string_equal(a->suites[0].text, b->suites[0].text);
	assert_string_not_equal(a->suites[0].text, c->suites[0].text);
	assert_string_equal(a->suites[0].text,
	    "[suite p]\nworkdir = /w\nbuild =\ncommand = run {x} {y}\n"
	    "shell = no\n"
	    "env = 'A=1 2' B=2\nwarmup = 3\nruns = 5\nmax_runs = 30\n"
	    "cv_target = 0.05\nnoise = 0.01\ntimeout = 0\nbuild_timeout = 0\n"
	    "timing_prefixes = ORI_BUILD_TIMING ORI_TEST_TIMING\ncpus =\n"
	    "nice = 0\nparam.x = 1 2\nparam.y = a\n");
	/* The text is itself a config section that reads back the same. */
	d = load(a->suites[0].text);
	assert_string_equal(d->suites[0].text, a->suites[0].text);
	conf_free(a);
	conf_free(b);
	conf_free(c);
	conf_free(d);
}

/* [profile]: perf, event, frequency and categories in their order. */
static void
test_profile(void **state)
{
	struct config			*cf;
	const struct profile_category	*c;

	cf = load("[daemon]\n");
	assert_null(cf->profile.perf);
	assert_string_equal(cf->profile.event, "auto");
	assert_int_equal(cf->profile.frequency, 999);
	assert_int_equal(cf->profile.cats.n, 2);
	assert_string_equal(cf->profile.cats.v[0].name, "kernel");
	assert_string_equal(cf->profile.cats.v[1].name, "link");
	assert_int_equal(cf->profile.cats.v[1].nprefixes, 4);
	assert_string_equal(cf->profile.cats.v[1].prefixes[2], "comm:collect2");
	conf_free(cf);

	cf = load("[profile]\nperf = /opt/perf\nevent = cycles\n"
	    "frequency = 4000\ncategory.LLVM = llvm:: inkwell::\n"
	    "  LLVM\ncategory.link = comm:ld\n");
	assert_string_equal(cf->profile.perf, "/opt/perf");
	assert_string_equal(cf->profile.event, "cycles");
	assert_int_equal(cf->profile.frequency, 4000);
	assert_int_equal(cf->profile.cats.n, 2);
	c = &cf->profile.cats.v[0];
	assert_string_equal(c->name, "LLVM");
	assert_int_equal(c->nprefixes, 3);
	assert_string_equal(c->prefixes[2], "LLVM");
	assert_string_equal(cf->profile.cats.v[1].prefixes[0], "comm:ld");
	conf_free(cf);

	load_fails("[profile]\ncategory.x =\n",
	    "2: profile: category.x needs at least one prefix");
	load_fails("[profile]\ncategory.a = x\ncategory.a = y\n",
	    "3: profile: category.a given twice");
	load_fails("[profile]\ncategory.a;b = x\n", "2: profile: "
	    "category.a;b: a category name is letters, digits, _ and -");
	load_fails("[profile]\nfrequency = 0\n", "2: profile: frequency "
	    "must be an integer from 1 to 100000, got \"0\"");
	load_fails("[profile]\n[profile]\n",
	    "2: [profile] repeated (first at line 1)");
}

static void
test_cpus(void **state)
{
	const char	*bad[] = { "", "a", "1,,2", "1-", "-1", "3-1", "1 2",
	    "1,", "5000", "99999999999999999999999", "1\n\n" };
	cpu_set_t	 set;
	char		*cause;
	size_t		 i;

	assert_int_equal(conf_parse_cpus("0", &set, &cause), 0);
	assert_int_equal(CPU_COUNT(&set), 1);
	assert_int_equal(conf_parse_cpus("2-3,5,8-8\n", &set, &cause), 0);
	assert_int_equal(CPU_COUNT(&set), 4);
	assert_true(CPU_ISSET(2, &set) && CPU_ISSET(3, &set) &&
	    CPU_ISSET(5, &set) && CPU_ISSET(8, &set));
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		if (conf_parse_cpus(bad[i], &set, &cause) == 0)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_non_null(cause);
		free(cause);
	}
	assert_int_equal(conf_parse_cpus("3-1", &set, &cause), -1);
	assert_string_equal(cause, "bad CPU list \"3-1\": range 3-1 is "
	    "reversed");
	free(cause);
	assert_int_equal(conf_parse_cpus("5000", &set, &cause), -1);
	assert_string_equal(cause, "bad CPU list \"5000\": CPUs are numbered "
	    "0 to 1023");
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_example),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_inline_comments),
		cmocka_unit_test(test_continuation),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_first_error),
		cmocka_unit_test(test_state_directory),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_profile),
	};

	alarm(60);
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, setup, teardown));
}
