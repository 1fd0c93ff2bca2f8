/*
 * test-conf.c -- loading benchd.conf: values, defaults, comments and
 * continuation lines, suite text, [profile], [tune], [http].  Errors are in
 * test-conf-errors.c.
 */
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
#include "loadconf.h"

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

static void
test_spec_example(void **state)
{
	const char *crates[] = { "ori_arc", "ori_types", "ori_eval",
	    "ori_parse", "ori_lexer", "ori_patterns", "ori_registry",
	    "ori_ir", "ori_llvm", "ori_diagnostic", "ori_rt", "oric" };
	struct config			*cf = loadconf(spec_example);
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

	cf = loadconf("[suite x]\nworkdir = /w\ncommand = true\n");
	assert_string_equal(cf->socket, "/run/benchd.sock");
	assert_string_equal(cf->database, "/var/lib/benchd/benchd.db");
	assert_string_equal(cf->admin_group, "benchd");
	assert_string_equal(cf->env_path, "/usr/local/bin:/usr/bin:/bin");
	assert_string_equal(cf->env_home, "/var/lib/benchd");
	assert_string_equal(cf->env_lang, "C.UTF-8");
	assert_string_equal(cf->env_tmpdir, "/tmp");
	assert_int_equal(cf->max_clients, 256);
	assert_int_equal(cf->max_clients_per_uid, 32);
	assert_int_equal(cf->admin_reserve, 16);
	assert_int_equal(cf->idle_timeout, 300);
	assert_int_equal(cf->request_timeout, 10);
	assert_int_equal(cf->kill_grace, 5);
	assert_int_equal(cf->cond.nforbid_processes, 2);
	assert_string_equal(cf->cond.forbid_processes[0], "cargo");
	assert_string_equal(cf->cond.forbid_processes[1], "rustc");
	assert_null(cf->cond.governor);
	assert_true(cf->cond.max_temp_c == 0);
	assert_int_equal(cf->cond.max_runnable, 1);
	assert_true(cf->cond.max_cpu_pressure == 0.10);
	assert_true(cf->cond.max_stall == 0.02);
	assert_string_equal(cf->cgroup, "auto");
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

	cf = loadconf("");
	assert_int_equal(cf->nsuites, 0);
	conf_free(cf);
}

static void
test_values(void **state)
{
	struct config		*cf;
	const struct suite	*s;

	cf = loadconf("[daemon]\npath = /opt/bin:/usr/bin\nhome = /home/b\n"
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
	/* Left out, admin_reserve is at most a quarter of max_clients. */
	assert_int_equal(cf->admin_reserve, 2);
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

	cf = loadconf("# a comment\n; another\n[daemon] ; header comment\n"
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

	cf = loadconf("[suite c]\n  workdir = /srv\ncommand = cargo test\n"
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
	cf = loadconf(text);
	assert_non_null(cf);
	assert_string_equal(cf->suites[0].command, cmd);
	assert_int_equal(cf->suites[0].nenv, 2);
	assert_int_equal(strlen(cf->suites[0].env[1]), 3 * 58 + 4);
	assert_int_equal(cf->suites[0].runs, 7);
	conf_free(cf);
}

static void
test_state_directory(void **state)
{
	struct config	*cf;

	setenv("STATE_DIRECTORY", "/var/lib/benchd-x:/var/lib/other", 1);
	cf = loadconf("[daemon]\ndatabase = /elsewhere/b.db\n");
	assert_string_equal(cf->database, "/var/lib/benchd-x/benchd.db");
	conf_free(cf);
	setenv("STATE_DIRECTORY", "", 1);
	cf = loadconf("[daemon]\ndatabase = /elsewhere/b.db\n");
	assert_string_equal(cf->database, "/elsewhere/b.db");
	conf_free(cf);
	unsetenv("STATE_DIRECTORY");
}

/* The same definition gives the same text, however it was written. */
static void
test_text(void **state)
{
	struct config	*a, *b, *c, *d;

	a = loadconf("[suite p]\nworkdir = /w\ncommand = run {x} {y}\n"
	    "env = B=2 A='1 2'\nparam.x = 1 2\nparam.y = a\nruns = 5\n");
	b = loadconf("[suite p] ; reordered, defaults spelled out\n"
	    "param.y = a\nparam.x = 1 2\nwarmup = 3\n"
	    "env = A='1 2' B=2\ncommand = run {x} {y}\nworkdir = /w\n"
	    "cv_target = 5%\n");
	c = loadconf("[suite p]\nworkdir = /w\ncommand = run {x} {y}\n"
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
	d = loadconf(a->suites[0].text);
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

	cf = loadconf("[daemon]\n");
	assert_null(cf->profile.perf);
	assert_string_equal(cf->profile.event, "auto");
	assert_int_equal(cf->profile.frequency, 999);
	assert_int_equal(cf->profile.cats.n, 2);
	assert_string_equal(cf->profile.cats.v[0].name, "kernel");
	assert_string_equal(cf->profile.cats.v[1].name, "link");
	assert_int_equal(cf->profile.cats.v[1].nprefixes, 4);
	assert_string_equal(cf->profile.cats.v[1].prefixes[2], "comm:collect2");
	conf_free(cf);

	cf = loadconf("[profile]\nperf = /opt/perf\nevent = cycles\n"
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

	loadconf_fails("[profile]\ncategory.x =\n",
	    "2: profile: category.x needs at least one prefix");
	loadconf_fails("[profile]\ncategory.a = x\ncategory.a = y\n",
	    "3: profile: category.a given twice");
	loadconf_fails("[profile]\ncategory.a;b = x\n", "2: profile: "
	    "category.a;b: a category name is letters, digits, _ and -");
	loadconf_fails("[profile]\nfrequency = 0\n", "2: profile: frequency "
	    "must be an integer from 1 to 100000, got \"0\"");
	loadconf_fails("[profile]\n[profile]\n",
	    "2: [profile] repeated (first at line 1)");
}

/* [tune]: what is left out follows the rest of the file. */
static void
test_tune(void **state)
{
	struct config	*cf;

	cf = loadconf("[daemon]\n");
	assert_int_equal(cf->tune.nsettings, 0);
	assert_string_equal(cf->tune.governor, "performance");
	assert_null(cf->tune.cpus);
	assert_string_equal(cf->tune.state, "/var/lib/benchd/tune.state");
	assert_string_equal(cf->tune.sys_root, "/");
	assert_string_equal(cf->tune.proc_root, "/");
	assert_int_equal(cf->tune.perf_event_paranoid, 1);
	assert_int_equal(cf->tune.perf_max_sample_rate, 999);
	conf_free(cf);

	cf = loadconf("[daemon]\ndatabase = /srv/b/benchd.db\n[conditions]\n"
	    "governor = schedutil\nsys_root = /fake\nproc_root = /fakep\n"
	    "[profile]\nfrequency = 4000\n[tune]\nsettings = smt governor\n"
	    "  irq\n");
	assert_int_equal(cf->tune.nsettings, 3);
	assert_string_equal(cf->tune.settings[0], "smt");
	assert_string_equal(cf->tune.settings[2], "irq");
	assert_string_equal(cf->tune.governor, "schedutil");
	assert_string_equal(cf->tune.state, "/srv/b/tune.state");
	assert_string_equal(cf->tune.sys_root, "/fake");
	assert_string_equal(cf->tune.proc_root, "/fakep");
	assert_int_equal(cf->tune.perf_max_sample_rate, 4000);
	conf_free(cf);

	cf = loadconf("[conditions]\nsys_root = /fake\n[tune]\ngovernor = "
	    "performance\ncpus = 2-3\nstate = /run/t.state\nsys_root = /t\n"
	    "perf_event_paranoid = -1\nperf_max_sample_rate = 1\n");
	assert_string_equal(cf->tune.governor, "performance");
	assert_string_equal(cf->tune.cpus, "2-3");
	assert_true(CPU_ISSET(3, &cf->tune.cpuset));
	assert_string_equal(cf->tune.state, "/run/t.state");
	assert_string_equal(cf->tune.sys_root, "/t");
	assert_int_equal(cf->tune.perf_event_paranoid, -1);
	assert_int_equal(cf->tune.perf_max_sample_rate, 1);
	conf_free(cf);

	/* The database moves with $STATE_DIRECTORY, and the state with it. */
	setenv("STATE_DIRECTORY", "/var/lib/benchd-x", 1);
	cf = loadconf("[daemon]\ndatabase = /elsewhere/b.db\n");
	assert_string_equal(cf->tune.state, "/var/lib/benchd-x/tune.state");
	conf_free(cf);
	unsetenv("STATE_DIRECTORY");
	cf = loadconf("[daemon]\ndatabase = /b.db\n");
	assert_string_equal(cf->tune.state, "/tune.state");
	conf_free(cf);
}

/* [http]: off without listen; the limits' defaults and values. */
static void
test_http(void **state)
{
	struct config	*cf;

	cf = loadconf("[daemon]\n");
	assert_null(cf->http.listen);
	assert_int_equal(cf->http.max_connections, 32);
	assert_int_equal(cf->http.timeout, 10);
	conf_free(cf);
	cf = loadconf("[http]\nlisten = [::1]:8080\nmax_connections = 4\n"
	    "timeout = 2\nhosts = bench.example.org\n  box7\n");
	assert_string_equal(cf->http.listen, "[::1]:8080");
	assert_int_equal(cf->http.max_connections, 4);
	assert_int_equal(cf->http.timeout, 2);
	assert_int_equal(cf->http.nhosts, 2);
	assert_string_equal(cf->http.hosts[1], "box7");
	conf_free(cf);
}

/* The Host headers the dashboard answers: no rebindable name unlisted. */
static void
test_http_hosts(void **state)
{
	char	*names[] = { "bench.example.org", "box7" };

	assert_true(conf_listen_host_ok(NULL, NULL, 0));
	assert_true(conf_listen_host_ok("127.0.0.1:8080", NULL, 0));
	assert_true(conf_listen_host_ok("10.1.2.3", NULL, 0));
	assert_true(conf_listen_host_ok("[::1]:8080", NULL, 0));
	assert_true(conf_listen_host_ok("[::1]", NULL, 0));
	assert_true(conf_listen_host_ok("localhost:8080", NULL, 0));
	assert_true(conf_listen_host_ok("LocalHost.", NULL, 0));
	assert_false(conf_listen_host_ok("evil.example.com:8080", NULL, 0));
	assert_false(conf_listen_host_ok("127.0.0.1.evil.example", NULL, 0));
	assert_false(conf_listen_host_ok("localhost.evil.example", NULL, 0));
	assert_false(conf_listen_host_ok("", NULL, 0));
	assert_false(conf_listen_host_ok(":8080", NULL, 0));
	assert_false(conf_listen_host_ok("localhost:", NULL, 0));
	assert_false(conf_listen_host_ok("localhost:80x", NULL, 0));
	assert_false(conf_listen_host_ok("[::1", NULL, 0));
	assert_false(conf_listen_host_ok("[::1]x", NULL, 0));
	assert_false(conf_listen_host_ok("[evil]", NULL, 0));
	assert_true(conf_listen_host_ok("Bench.Example.org", names, 2));
	assert_true(conf_listen_host_ok("box7:8080", names, 2));
	assert_false(conf_listen_host_ok("box", names, 2));
	assert_false(conf_listen_host_ok("box77", names, 2));
}

static void
test_fleet(void **state)
{
	struct config	*cf;

	cf = loadconf("[daemon]\n");
	assert_null(cf->fleet.postgresql);
	assert_null(cf->fleet.box);
	assert_int_equal(cf->fleet.queue, 0);
	assert_int_equal(cf->fleet.retry_min, 1);
	assert_int_equal(cf->fleet.retry_max, 300);
	assert_int_equal(cf->fleet.poll, 5);
	assert_int_equal(cf->fleet.lease, 60);
	conf_free(cf);
	cf = loadconf("[fleet]\npostgresql = host=db dbname=bench\n"
	    "box = x86-1\nlabels = x86_64 team\nqueue = yes\nlease = 9\n");
	assert_string_equal(cf->fleet.postgresql, "host=db dbname=bench");
	assert_string_equal(cf->fleet.box, "x86-1");
	assert_int_equal(cf->fleet.nlabels, 2);
	assert_string_equal(cf->fleet.labels[1], "team");
	assert_int_equal(cf->fleet.queue, 1);
	assert_int_equal(cf->fleet.lease, 9);
	conf_free(cf);
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
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_state_directory),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_profile),
		cmocka_unit_test(test_tune),
		cmocka_unit_test(test_http),
		cmocka_unit_test(test_http_hosts),
		cmocka_unit_test(test_fleet),
	};

	alarm(60);
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, loadconf_setup,
	    loadconf_teardown));
}
