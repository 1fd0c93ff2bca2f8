/*
 * test-conf-errors.c -- loading benchd.conf: every error's message and
 * line, the first error winning, and the parsers of CPU lists and listen
 * addresses.
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
#include "xmalloc.h"

#define SX	"[suite x]\nworkdir = /srv\ncommand = true\n"

static void
test_errors(void **state)
{
	char	 longline[256];

	loadconf_fails("[daemon]\nsockett = /x\n",
	    "2: daemon: unknown key \"sockett\"");
	loadconf_fails("[daemon]\n[deamon]\nsocket = /x\n",
	    "2: unknown section \"deamon\"");
	loadconf_fails(SX "runs = abc\n",
	    "4: suite \"x\": runs must be a positive integer, got \"abc\"");
	loadconf_fails(SX "runs = 5x\n",
	    "4: suite \"x\": runs must be a positive integer, got \"5x\"");
	loadconf_fails(SX "warmup = 99999999999\n",
	    "4: suite \"x\": warmup must be a non-negative integer, "
	    "got \"99999999999\"");
	loadconf_fails(SX "max_runs = 3\nruns = 5\n",
	    "5: suite \"x\": max_runs (3) must be at least runs (5)");
	loadconf_fails("[daemon]\n\n[suite x]\nworkdir = /srv\n",
	    "3: suite \"x\": command is required");
	loadconf_fails("[suite x]\n", "1: suite \"x\": workdir (or repo) is "
	    "required");
	loadconf_fails("[suite x]\nworkdir = /tmp\nrepo = /tmp\ncommand = c\n",
	    "2: suite \"x\": workdir and repo exclude each other (a suite on "
	    "a repository runs in benchd's own worktree)");
	loadconf_fails("[suite x]\nworkdir = /tmp\ncommand = c\n"
	    "follow = main\n", "4: suite \"x\": follow needs repo");
	loadconf_fails("[suite x]\nrepo = /tmp\ncommand = c {v}\n"
	    "param.v = a\nfollow = main\n", "5: suite \"x\": follow needs a "
	    "suite without param.NAME");
	loadconf_fails("[suite x]\nrepo = /tmp\ncommand = c\n"
	    "follow_interval = 0\n", "4: suite \"x\": follow_interval must "
	    "be an integer from 1 to 604800, got \"0\"");
	loadconf_fails("[conditions]\npolicy = sometimes\n", "2: conditions: "
	    "policy must be wait, warn or refuse, got \"sometimes\"");
	loadconf_fails(SX "[suite x]\n",
	    "4: suite \"x\" is already defined at line 1");
	loadconf_fails(SX "param.crate = a b\n",
	    "4: suite \"x\": param.crate is not used in build or command");
	loadconf_fails("[suite x]\nworkdir = /srv\ncommand = cargo test -p "
	    "{crate}\n", "3: suite \"x\": command uses {crate} but there is "
	    "no param.crate");
	loadconf_fails("[suite x]\nworkdir = /srv\ncommand = t {a}\nbuild = b "
	    "{b}\nparam.a = 1\n", "4: suite \"x\": build uses {b} but there "
	    "is no param.b");
	loadconf_fails("[suite x]\nworkdir = srv/ori\n",
	    "2: suite \"x\": workdir must be an absolute path, "
	    "got \"srv/ori\"");
	loadconf_fails("[suite x]\ncpus = 2-a\n",
	    "2: suite \"x\": cpus: bad CPU list \"2-a\": expected CPU numbers "
	    "and ranges like 0-3,6");
	loadconf_fails(SX "timing_prefixes = ORI_BUILD_TIMING bad:prefix\n",
	    "4: suite \"x\": timing prefix \"bad:prefix\" must be 1 to 64 "
	    "of [A-Za-z0-9_.-]");
	loadconf_fails("[daemon]\nsocket /x\n",
	    "2: syntax error: expected [section], key = value or a comment");
	loadconf_fails("[daemon\nsocket = /x\n",
	    "1: syntax error: expected [section], key = value or a comment");
	loadconf_fails("[daemon]\nsocket = /a\nsocket = /b\n",
	    "3: daemon: socket given twice (first at line 2)");
	loadconf_fails("[daemon]\n[conditions]\n[daemon]\n",
	    "3: [daemon] repeated (first at line 1)");
	loadconf_fails("socket = /a\n",
	    "1: \"socket\" is outside of any section");
	snprintf(longline, sizeof longline, "[daemon]\n%0200d\n", 0);
	loadconf_fails(longline,
	    "2: line is too long and has no \"key = value\"");
	loadconf_fails("[suite x]\nworkdir = /srv\n  /more\n",
	    "3: suite \"x\": workdir: only lists and commands may go on over "
	    "indented lines");
	loadconf_fails("[suite x]\nworkdir = /srv\ncommand = make | tee log\n",
	    "3: suite \"x\": command: unquoted \"|\" needs a shell: quote it, "
	    "or set shell = yes");
	loadconf_fails(SX "build = echo {}\n",
	    "4: suite \"x\": build: stray \"{\" at \"{}\": a placeholder is "
	    "{NAME}, a literal brace is {{ or }}");
	loadconf_fails("[suite x]\nenv = FOO\n",
	    "2: suite \"x\": env: \"FOO\" is not NAME=VALUE");
	loadconf_fails("[suite x]\nenv = A=1\n  BENCHD_SESSION=1\n",
	    "3: suite \"x\": env: BENCHD_SESSION is set by benchd itself");
	loadconf_fails(SX "env = A=1 LD_PRELOAD=/tmp/x.so\n",
	    "4: suite \"x\": env: LD_PRELOAD is refused: the dynamic "
	    "loader's LD_* variables change what runs, and so what is "
	    "measured");
	loadconf_fails(SX "env = A=1\n  LD_LIBRARY_PATH=/tmp\n",
	    "5: suite \"x\": env: LD_LIBRARY_PATH is refused: the dynamic "
	    "loader's LD_* variables change what runs, and so what is "
	    "measured");
	loadconf_fails("[suite x]\nenv = A=1 B=2 A=3\n",
	    "2: suite \"x\": env: A is set twice");
	loadconf_fails("[suite a/b]\n", "1: invalid suite name \"a/b\": use "
	    "up to 64 letters, digits, '.', '_' and '-'");
	loadconf_fails("[suite]\n", "1: invalid suite name \"\": use up to 64 "
	    "letters, digits, '.', '_' and '-'");
	loadconf_fails(SX "nice = 20\n", "4: suite \"x\": nice must be an "
	    "integer from -20 to 19, got \"20\"");
	loadconf_fails(SX "cv_target = abc\n", "4: suite \"x\": cv_target "
	    "must be a fraction (or percentage) from 0.001 to 1, "
	    "got \"abc\"");
	loadconf_fails(SX "noise = 150%\n", "4: suite \"x\": noise must be a "
	    "fraction (or percentage) from 0 to 1, got \"150%\"");
	loadconf_fails(SX "shell = maybe\n",
	    "4: suite \"x\": shell must be yes or no, got \"maybe\"");
	loadconf_fails("[suite x]\nworkdir = /srv\ncommand = t {c}\n"
	    "param.c = a b\n  a\n",
	    "5: suite \"x\": param.c: \"a\" listed twice");
	loadconf_fails("[conditions]\nmax_temp_c = -1\n", "2: conditions: "
	    "max_temp_c must be a number from 0 to 200, got \"-1\"");
	loadconf_fails("[daemon]\nadmin_group =\n",
	    "2: daemon: admin_group must not be empty");
	loadconf_fails("[tune]\nsettings = governor\n  turbo bogus\n",
	    "3: tune: settings: no setting \"bogus\"");
	loadconf_fails("[tune]\nsettings = aslr thp aslr\n",
	    "2: tune: settings: \"aslr\" listed twice");
	loadconf_fails("[tune]\nperf_event_paranoid = 4\n", "2: tune: "
	    "perf_event_paranoid must be an integer from -1 to 3, got \"4\"");
	loadconf_fails("[tune]\nstate = tune.state\n", "2: tune: state must "
	    "be an absolute path, got \"tune.state\"");
	loadconf_fails("[tune]\ncpus = 1-0\n", "2: tune: cpus: bad CPU list "
	    "\"1-0\": range 1-0 is reversed");
	loadconf_fails("[tune]\ngovernor = x\n  y\n", "3: tune: governor: "
	    "only lists and commands may go on over indented lines");
	loadconf_fails("[tune]\n[daemon]\n[tune]\n",
	    "3: [tune] repeated (first at line 1)");
	loadconf_fails("[daemon]\nadmin_reserve = 8\nmax_clients = 8\n",
	    "3: daemon: admin_reserve (8) must be less than max_clients (8)");
	loadconf_fails("[daemon]\nmax_clients = 20\nadmin_reserve = 30\n",
	    "3: daemon: admin_reserve (30) must be less than max_clients "
	    "(20)");
	loadconf_fails("[http]\nlisten = localhost:8080\n", "2: http: listen: "
	    "expected ADDRESS:PORT with an IPv4 address or an IPv6 address in "
	    "brackets (127.0.0.1:8080, [::1]:8080), got \"localhost:8080\"");
	loadconf_fails("[http]\nlisten = 127.0.0.1:80800\n", "2: http: "
	    "listen: the port must be a number from 1 to 65535, got \"80800\"");
	loadconf_fails("[http]\nmax_connections = 0\n", "2: http: "
	    "max_connections must be an integer from 1 to 1024, got \"0\"");
	loadconf_fails("[http]\n[http]\n", "2: [http] repeated (first at "
	    "line 1)");
	loadconf_fails("[http]\nport = 8080\n", "2: http: unknown key "
	    "\"port\"");
	loadconf_fails("[fleet]\nqueue = yes\n", "2: fleet: queue needs "
	    "postgresql");
	loadconf_fails("[fleet]\npostgresql = host=db\nbox = a/b\n",
	    "3: fleet: box \"a/b\": up to 64 letters, digits and ._-");
	loadconf_fails("[fleet]\nretry_min = 9\nretry_max = 3\n", "2: fleet: "
	    "retry_min (9) is more than retry_max (3)");
	loadconf_fails("[fleet]\nlabels = x86 a,b\n", "2: fleet: label "
	    "\"a,b\": no quotes, braces, commas or backslashes");
}

/* The first error in the file is the one reported. */
static void
test_first_error(void **state)
{
	char	*cause = NULL;

	loadconf_fails("[daemon]\nmax_clients = 0\nkill_grace = x\n",
	    "2: daemon: max_clients must be an integer from 1 to 65536, "
	    "got \"0\"");
	loadconf_fails("[daemon]\njunk\nmax_clients = 0\n",
	    "2: syntax error: expected [section], key = value or a comment");
	loadconf_fails("[daemon]\nmax_clients = 0\njunk\n", "2: daemon: "
	    "max_clients must be an integer from 1 to 65536, got \"0\"");
	loadconf_fails("[suite x]\n[nope]\n", "2: unknown section \"nope\"");
	assert_null(conf_load("/nonexistent/benchd.conf", &cause));
	assert_string_equal(cause,
	    "/nonexistent/benchd.conf: No such file or directory");
	free(cause);
}

/* Append n bytes of s, then t, to *sp. */
static void
append_n(char **sp, const char *s, size_t n, const char *t)
{
	char	*r;

	xasprintf(&r, "%s%.*s%s", *sp, (int)n, s, t);
	free(*sp);
	*sp = r;
}

/* conf_check fails on text with "FILE:" followed by want. */
static void
check_fails(const char *text, const char *want)
{
	struct config	*cf = loadconf(text);
	char		*cause = NULL, *full = xstrdup("");
	const char	*p, *file;

	assert_int_equal(conf_check(cf, &cause), -1);
	/* want names the file as FILE, each place it appears. */
	for (p = want; (file = strstr(p, "FILE")) != NULL; p = file + 4)
		append_n(&full, p, (size_t)(file - p), cf->path);
	append_n(&full, p, strlen(p), "");
	assert_string_equal(cause, full);
	free(full);
	free(cause);
	conf_free(cf);
}

/* What conf_check refuses: the final paths and a missing group. */
static void
test_check(void **state)
{
	struct config	*cf;
	char		*cause = NULL;
	char		 text[512];

	check_fails("[daemon]\nsocket = /tmp/a\ndatabase = /tmp/a\n",
	    "FILE:2: socket /tmp/a is the database (database from FILE:3)");
	check_fails("[daemon]\ndatabase = /tmp/d\nsocket = /tmp/./d-wal\n",
	    "FILE:3: socket /tmp/./d-wal is the database's -wal file "
	    "(database from FILE:2)");
	check_fails("[daemon]\nsocket = /var/lib/benchd/benchd.db\n",
	    "FILE:2: socket /var/lib/benchd/benchd.db is the database "
	    "(database from FILE)");
	snprintf(text, sizeof text, "[daemon]\nsocket = /%0120d\n", 0);
	check_fails(text, "FILE:2: socket path is 121 bytes long; a Unix "
	    "socket address holds at most 107");
	check_fails("[daemon]\nadmin_group = benchd-no-such-group\n",
	    "FILE:2: admin_group benchd-no-such-group: no such group");
	/* The default group may be missing: only root and benchd's uid. */
	cf = loadconf("[daemon]\nsocket = /tmp/s\n");
	assert_int_equal(conf_check(cf, &cause), 0);
	conf_free(cf);
	cf = loadconf("[daemon]\nadmin_group = root\n");
	assert_int_equal(conf_check(cf, &cause), 0);
	/* -S and -D as benchd.c applies them. */
	free(cf->socket);
	cf->socket = xstrdup("/tmp/same");
	cf->socket_from = xstrdup("-S");
	free(cf->database);
	cf->database = xstrdup("/tmp/same");
	cf->database_from = xstrdup("-D");
	assert_int_equal(conf_check(cf, &cause), -1);
	assert_string_equal(cause, "-S: socket /tmp/same is the database "
	    "(database from -D)");
	free(cause);
	conf_free(cf);
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

static void
test_listen(void **state)
{
	const char	*bad[] = { "", ":80", "127.0.0.1", "127.0.0.1:",
	    "::1:80", "[::1]80", "[::1]", "[127.0.0.1]:80", "127.0.0.1:0", "127.0.0.1:-1",
	    "127.0.0.1:8x", "1.2.3:80", "[]:80", "127.0.0.1:65536" };
	char		 host[64], *cause;
	int		 port, loop;
	size_t		 i;

	assert_int_equal(conf_listen_parse("127.0.0.1:8080", host, sizeof host,
	    &port, &loop, &cause), 0);
	assert_string_equal(host, "127.0.0.1");
	assert_true(port == 8080 && loop);
	assert_int_equal(conf_listen_parse("127.1.2.3:1", host, sizeof host,
	    &port, &loop, &cause), 0);
	assert_true(port == 1 && loop);
	assert_int_equal(conf_listen_parse("[::1]:65535", host, sizeof host,
	    &port, &loop, &cause), 0);
	assert_string_equal(host, "::1");
	assert_true(port == 65535 && loop);
	assert_int_equal(conf_listen_parse("0.0.0.0:80", host, sizeof host,
	    &port, &loop, &cause), 0);
	assert_false(loop);
	assert_int_equal(conf_listen_parse("[::]:80", host, sizeof host,
	    &port, &loop, &cause), 0);
	assert_false(loop);
	assert_int_equal(conf_listen_parse("192.0.2.7:8080", host,
	    sizeof host, &port, &loop, &cause), 0);
	assert_false(loop);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		if (conf_listen_parse(bad[i], host, sizeof host, &port, &loop,
		    &cause) == 0)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_non_null(cause);
		free(cause);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_first_error),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_listen),
	};

	alarm(60);
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, loadconf_setup,
	    loadconf_teardown));
}
