/* test-argv.c -- command splitting, placeholders, the workload environment. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "argv.h"
#include "conf.h"
#include "xmalloc.h"

/* Split line and compare with the expected words (NULL-terminated). */
static void
split_is(const char *line, ...)
{
	va_list		 ap;
	char		**argv, *cause = NULL;
	const char	*want;
	size_t		 i = 0;

	if (argv_split(line, &argv, &cause) != 0)
		fail_msg("split \"%s\": %s", line, cause);
	va_start(ap, line);
	while ((want = va_arg(ap, const char *)) != NULL) {
		if (argv[i] == NULL)
			fail_msg("split \"%s\": only %zu words", line, i);
		assert_string_equal(argv[i], want);
		i++;
	}
	va_end(ap);
	assert_null(argv[i]);
	argv_free(argv);
}

static char *
split_error(const char *line)
{
	char	**argv = NULL, *cause = NULL;

	if (argv_split(line, &argv, &cause) == 0)
		fail_msg("split \"%s\" should fail", line);
	assert_null(argv);
	assert_non_null(cause);
	return (cause);
}

static void
test_split(void **state)
{
	split_is("cargo t --workspace", "cargo", "t", "--workspace", NULL);
	split_is("  a\t b  ", "a", "b", NULL);
	split_is("a 'b c' \"d \\\"e\\\" \\$f \\` \\\\\" g\\ h",
	    "a", "b c", "d \"e\" $f ` \\", "g h", NULL);
	split_is("a'b'\"c\"d", "abcd", NULL);
	split_is("x '' \"\"", "x", "", "", NULL);
	/* In "...", a backslash before anything else stays. */
	split_is("\"a\\nb\"", "a\\nb", NULL);
	/* Quoted or escaped, shell characters are plain characters. */
	split_is("'a|b;c' \"*?[\" \\$HOME \\# '~' a#b a~b x=y",
	    "a|b;c", "*?[", "$HOME", "#", "~", "a#b", "a~b", "x=y", NULL);
	split_is("sh -c 'echo $HOME && ls *'", "sh", "-c",
	    "echo $HOME && ls *", NULL);
}

static void
test_split_errors(void **state)
{
	const char	*meta = "|&;<>()$`*?[";
	char		 line[32], *cause;
	size_t		 i;

	cause = split_error("cargo t | tee log");
	assert_string_equal(cause,
	    "unquoted \"|\" needs a shell: quote it, or set shell = yes");
	free(cause);
	for (i = 0; meta[i] != '\0'; i++) {
		snprintf(line, sizeof line, "cmd a%cb", meta[i]);
		cause = split_error(line);
		assert_non_null(strstr(cause, "set shell = yes"));
		free(cause);
	}
	free(split_error("cmd #comment"));
	free(split_error("ls ~/x"));
	free(split_error("echo \"$HOME\""));
	free(split_error("echo \"`id`\""));

	cause = split_error("");
	assert_string_equal(cause, "empty command");
	free(cause);
	free(split_error(" \t "));
	cause = split_error("echo 'abc");
	assert_string_equal(cause, "unterminated ' quote");
	free(cause);
	cause = split_error("echo \"abc\\\"");
	assert_string_equal(cause, "unterminated \" quote");
	free(cause);
	cause = split_error("echo abc\\");
	assert_string_equal(cause, "ends with a backslash");
	free(cause);
	cause = split_error("CARGO_INCREMENTAL=0 cargo t");
	assert_string_equal(cause, "\"CARGO_INCREMENTAL=0\" is a variable "
	    "assignment: put it in env =, or set shell = yes");
	free(cause);
}

static void
test_split_list(void **state)
{
	char	**v, *cause;
	size_t	  n;

	assert_int_equal(argv_split_list("A=x|y 'B=two words' C=", &v, &n,
	    &cause), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0], "A=x|y");
	assert_string_equal(v[1], "B=two words");
	assert_string_equal(v[2], "C=");
	assert_null(v[3]);
	argv_free(v);
	assert_int_equal(argv_split_list("  ", &v, &n, &cause), 0);
	assert_int_equal(n, 0);
	assert_null(v[0]);
	argv_free(v);
	assert_int_equal(argv_split_list("a 'b", &v, &n, &cause), -1);
	assert_string_equal(cause, "unterminated ' quote");
	free(cause);
}

/* argv_quote reads back unchanged through argv_split and /bin/sh. */
static void
test_quote(void **state)
{
	const char	*words[] = { "plain-1.0_x", "two words", "it's",
	    "$HOME `id` *", "", "a\\b\"c", "{}" };
	char		**argv, *q, *cause, cmd[256], out[256];
	FILE		*f;
	size_t		 i, len;

	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		q = argv_quote(words[i]);
		snprintf(cmd, sizeof cmd, "printf %%s %s", q);
		if (argv_split(cmd, &argv, &cause) != 0)
			fail_msg("%s: %s", cmd, cause);
		assert_string_equal(argv[2], words[i]);
		argv_free(argv);
		if ((f = popen(cmd, "r")) == NULL)
			fail_msg("popen");
		len = fread(out, 1, sizeof out - 1, f);
		out[len] = '\0';
		assert_int_equal(pclose(f), 0);
		assert_string_equal(out, words[i]);
		free(q);
	}
	q = argv_quote("ori_arc");
	assert_string_equal(q, "ori_arc");
	free(q);
	q = argv_quote("it's");
	assert_string_equal(q, "'it'\\''s'");
	free(q);
}

static void
test_placeholders(void **state)
{
	char	**names, *cause;
	size_t	  n;

	assert_int_equal(argv_placeholders("a {x} -{y}={x} {{lit}} }}", &names,
	    &n, &cause), 0);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "x");
	assert_string_equal(names[1], "y");
	assert_string_equal(names[2], "x");
	argv_free(names);
	assert_int_equal(argv_placeholders("{}", &names, &n, &cause), -1);
	assert_string_equal(cause, "stray \"{\" at \"{}\": a placeholder is "
	    "{NAME}, a literal brace is {{ or }}");
	free(cause);
	assert_int_equal(argv_placeholders("a } b", &names, &n, &cause), -1);
	free(cause);
	assert_int_equal(argv_placeholders("{a b}", &names, &n, &cause), -1);
	free(cause);
}

static char	*crate_values[] = { "ori_arc", "ori_types", "two words",
		    "it's", NULL };
static char	*mode_values[] = { "debug", "release", NULL };

static void
make_suite(struct suite *s, struct suite_param *p, int shell)
{
	memset(s, 0, sizeof *s);
	s->name = "crate";
	s->shell = shell;
	p[0].name = "crate";
	p[0].values = crate_values;
	p[0].nvalues = 4;
	p[1].name = "mode";
	p[1].values = mode_values;
	p[1].nvalues = 2;
	s->params = p;
	s->nparams = 2;
}

static void
test_build(void **state)
{
	struct suite		 s;
	struct suite_param	 p[2];
	char			*keys[] = { "mode", "crate" };
	char			*vals[] = { "release", "two words" };
	char			**argv, *cause;

	make_suite(&s, p, 0);
	assert_int_equal(argv_build(&s, "cargo test -p {crate} "
	    "--profile={mode} '{{x}}'", keys, vals, 2, &argv, &cause), 0);
	assert_int_equal(argv_count(argv), 6);
	assert_string_equal(argv[0], "cargo");
	assert_string_equal(argv[1], "test");
	assert_string_equal(argv[2], "-p");
	assert_string_equal(argv[3], "two words");
	assert_string_equal(argv[4], "--profile=release");
	assert_string_equal(argv[5], "{x}");
	argv_free(argv);

	/* The value is data: its quote and semicolon reach argv as is. */
	vals[1] = "it's";
	assert_int_equal(argv_build(&s, "echo {crate};x", keys, vals, 2,
	    &argv, &cause), -1);
	free(cause);
	assert_int_equal(argv_build(&s, "echo {crate}", keys, vals, 2,
	    &argv, &cause), 0);
	assert_string_equal(argv[1], "it's");
	argv_free(argv);

	/* A build template that does not use every parameter. */
	assert_int_equal(argv_build(&s, "cargo b -q", keys, vals, 2, &argv,
	    &cause), 0);
	assert_int_equal(argv_count(argv), 3);
	argv_free(argv);
}

static void
test_build_errors(void **state)
{
	struct suite		 s;
	struct suite_param	 p[2];
	char			*keys[] = { "crate", "mode", "crate" };
	char			*vals[] = { "ori_evil", "debug", "ori_arc" };
	char			**argv = NULL, *cause;

	make_suite(&s, p, 0);
	assert_int_equal(argv_build(&s, "t {crate}", keys, vals, 2, &argv,
	    &cause), -1);
	assert_string_equal(cause, "crate: \"ori_evil\" is not one of "
	    "ori_arc ori_types 'two words' 'it'\\''s'");
	free(cause);
	vals[0] = "ori_arc";
	assert_int_equal(argv_build(&s, "t {crate}", keys, vals, 1, &argv,
	    &cause), -1);
	assert_string_equal(cause, "mode: a value is required, one of "
	    "debug release");
	free(cause);
	assert_int_equal(argv_build(&s, "t {crate}", keys, vals, 3, &argv,
	    &cause), -1);
	assert_string_equal(cause, "crate: given twice");
	free(cause);
	keys[1] = "flavour";
	assert_int_equal(argv_build(&s, "t {crate}", keys, vals, 2, &argv,
	    &cause), -1);
	assert_string_equal(cause, "suite \"crate\" has no parameter "
	    "\"flavour\"");
	free(cause);
	assert_null(argv);
}

static void
test_build_shell(void **state)
{
	struct suite		 s;
	struct suite_param	 p[2];
	char			*keys[] = { "crate", "mode" };
	char			*vals[] = { "two words", "debug" };
	char			**argv, *cause;

	make_suite(&s, p, 1);
	assert_int_equal(argv_build(&s, "cargo test -p {crate} | tee "
	    "{mode}.log; echo {{}}", keys, vals, 2, &argv, &cause), 0);
	assert_int_equal(argv_count(argv), 3);
	assert_string_equal(argv[0], "/bin/sh");
	assert_string_equal(argv[1], "-c");
	assert_string_equal(argv[2],
	    "cargo test -p 'two words' | tee debug.log; echo {}");
	argv_free(argv);
}

static void
test_env(void **state)
{
	struct config	 cf;
	struct suite	 s;
	char		*env[] = { "LANG=en_US.UTF-8", "ORI_TEST_TIMING=1",
			    "RUSTFLAGS=-C opt-level=3", NULL };
	char		**envp;
	size_t		 i;

	/* What benchd itself might have inherited must not reach workloads. */
	setenv("BENCHD_TEST_CANARY", "leaked", 1);
	setenv("LD_PRELOAD", "/leaked.so", 1);
	setenv("PATH", "/leaked/bin", 1);

	memset(&cf, 0, sizeof cf);
	cf.env_path = "/usr/bin:/bin";
	cf.env_home = "/var/lib/benchd";
	cf.env_lang = "C.UTF-8";
	cf.env_tmpdir = "/tmp";
	memset(&s, 0, sizeof s);
	s.env = env;
	s.nenv = 3;
	assert_int_equal(argv_env(&cf, &s, "17", "warmup-1", &envp), 0);
	assert_int_equal(argv_count(envp), 8);
	assert_string_equal(envp[0], "PATH=/usr/bin:/bin");
	assert_string_equal(envp[1], "HOME=/var/lib/benchd");
	assert_string_equal(envp[2], "LANG=en_US.UTF-8");
	assert_string_equal(envp[3], "TMPDIR=/tmp");
	assert_string_equal(envp[4], "ORI_TEST_TIMING=1");
	assert_string_equal(envp[5], "RUSTFLAGS=-C opt-level=3");
	assert_string_equal(envp[6], "BENCHD_SESSION=17");
	assert_string_equal(envp[7], "BENCHD_ITERATION=warmup-1");
	for (i = 0; envp[i] != NULL; i++) {
		assert_null(strstr(envp[i], "CANARY"));
		assert_null(strstr(envp[i], "leaked"));
	}
	argv_free(envp);

	s.nenv = 0;
	assert_int_equal(argv_env(&cf, &s, "18", "build", &envp), 0);
	assert_int_equal(argv_count(envp), 6);
	assert_string_equal(envp[2], "LANG=C.UTF-8");
	assert_string_equal(envp[5], "BENCHD_ITERATION=build");
	argv_free(envp);
	unsetenv("BENCHD_TEST_CANARY");
	unsetenv("LD_PRELOAD");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_split_errors),
		cmocka_unit_test(test_split_list),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_placeholders),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_build_shell),
		cmocka_unit_test(test_env),
	};

	alarm(60);
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
