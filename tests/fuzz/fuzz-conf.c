/*
 * fuzz-conf.c -- libFuzzer target for benchd.conf: conf_load on any bytes.
 *
 * conf_load takes a path, so the input goes into a memfd (no file on disk
 * to leave behind) opened through /proc/self/fd.  A refused file must say
 * "PATH:LINE: reason"; an accepted one must hold what benchd relies on
 * later without checking again: each suite's commands build into argv with
 * any listed parameter value, its environment is well formed, and its
 * canonical text (hashed to decide whether two sessions are comparable)
 * reads back as the same suite; [tune] has every path benchd-tune writes
 * with (run as root) and only settings it knows, each once.
 */
#include "config.h"

#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argv.h"
#include "conf.h"
#include "fuzz.h"
#include "log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	 in_fd = -1, text_fd = -1;
static char	 in_path[64], text_path[64];

static void
fuzz_init(void)
{
	unsetenv("STATE_DIRECTORY");
	log_init("fuzz-conf", 0);
	if ((in_fd = memfd_create("fuzz-conf", 0)) == -1 ||
	    (text_fd = memfd_create("fuzz-conf-text", 0)) == -1) {
		perror("memfd_create");
		abort();
	}
	snprintf(in_path, sizeof in_path, "/proc/self/fd/%d", in_fd);
	snprintf(text_path, sizeof text_path, "/proc/self/fd/%d", text_fd);
}

/* Replace the memfd's contents. */
static void
put(int fd, const void *data, size_t size)
{
	if (ftruncate(fd, 0) == -1 || pwrite(fd, data, size, 0) !=
	    (ssize_t)size) {
		perror("memfd");
		abort();
	}
}

/* A refusal names the file and a line of it (0 when not one line). */
static void
check_cause(const char *cause, const uint8_t *data, size_t size)
{
	size_t	 plen = strlen(in_path);
	char	*end;
	long	 line;

	FUZZ_CHECK(cause != NULL, "refused without a cause");
	FUZZ_CHECK(strncmp(cause, in_path, plen) == 0 && cause[plen] == ':',
	    "cause without the path: %s", cause);
	line = strtol(cause + plen + 1, &end, 10);
	FUZZ_CHECK(end != cause + plen + 1 && strncmp(end, ": ", 2) == 0 &&
	    end[2] != '\0', "cause without a line: %s", cause);
	FUZZ_CHECK(line >= 0 && (size_t)line <= fuzz_lines(data, size) + 1,
	    "line %ld of %zu: %s", line, fuzz_lines(data, size), cause);
}

/*
 * The command with parameter p set to value v and every other parameter
 * to its first value; without shell it has as many words as the template.
 */
static void
check_build(const struct suite *s, const char *tmpl, size_t p, size_t v)
{
	char	**keys, **values, **argv, **words, *cause = NULL;
	size_t	  i;

	keys = calloc(s->nparams + 1, sizeof *keys);
	values = calloc(s->nparams + 1, sizeof *values);
	for (i = 0; i < s->nparams; i++) {
		keys[i] = s->params[i].name;
		values[i] = s->params[i].values[i == p ? v : 0];
	}
	FUZZ_CHECK(argv_build(s, tmpl, keys, values, s->nparams, &argv,
	    &cause) == 0, "suite %s: accepted template \"%s\" does not build: "
	    "%s", s->name, tmpl, cause);
	FUZZ_CHECK(argv != NULL && argv[0] != NULL, "suite %s: empty argv",
	    s->name);
	if (!s->shell) {
		FUZZ_CHECK(argv_split(tmpl, &words, &cause) == 0,
		    "suite %s: template no longer splits: %s", s->name, cause);
		FUZZ_CHECK(argv_count(words) == argv_count(argv),
		    "suite %s: \"%s\" is %zu words, built %zu", s->name, tmpl,
		    argv_count(words), argv_count(argv));
		argv_free(words);
	} else
		FUZZ_CHECK(argv_count(argv) == 3, "suite %s: shell argv of %zu",
		    s->name, argv_count(argv));
	argv_free(argv);
	free(keys);
	free(values);
}

/* The workload's environment: NAME=value entries, each name once. */
static void
check_env(const struct config *cf, const struct suite *s)
{
	char	**envp;
	size_t	  i, j, len;

	FUZZ_CHECK(argv_env(cf, s, "1", "2", &envp) == 0, "argv_env");
	for (i = 0; envp[i] != NULL; i++) {
		len = strcspn(envp[i], "=");
		FUZZ_CHECK(len > 0 && envp[i][len] == '=', "env entry \"%s\"",
		    envp[i]);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(strncmp(envp[i], envp[j], len + 1) != 0,
			    "env %.*s twice", (int)len, envp[i]);
	}
	argv_free(envp);
}

/*
 * The suite's canonical text, loaded on its own, is the same suite.  Not
 * for a shell command starting with ';' ("command =;x" is a value, "command
 * = ;x" a comment): sh refuses such a command anyway.
 */
static void
check_text(const struct suite *s)
{
	struct config	*cf;
	char		*cause = NULL;

	if (s->command[0] == ';' || (s->build != NULL && s->build[0] == ';'))
		return;
	put(text_fd, s->text, strlen(s->text));
	cf = conf_load(text_path, &cause);
	FUZZ_CHECK(cf != NULL, "suite %s: its text is refused: %s\n%s",
	    s->name, cause, s->text);
	FUZZ_CHECK(cf->nsuites == 1 && strcmp(cf->suites[0].text,
	    s->text) == 0, "suite %s: text changes when read back:\n%s--\n%s",
	    s->name, s->text, cf->nsuites == 1 ? cf->suites[0].text : "");
	FUZZ_CHECK(cf->suites[0].cv_target == s->cv_target &&
	    cf->suites[0].noise == s->noise, "suite %s: text loses "
	    "cv_target %.17g or noise %.17g", s->name, s->cv_target, s->noise);
	conf_free(cf);
}

static void
check_suite(const struct config *cf, const struct suite *s)
{
	size_t	i, v;

	FUZZ_CHECK(conf_suite(cf, s->name) == s, "suite %s twice", s->name);
	FUZZ_CHECK(s->workdir != NULL && s->workdir[0] == '/' &&
	    s->command != NULL, "suite %s: no workdir or command", s->name);
	FUZZ_CHECK(s->runs >= 1 && s->runs <= s->max_runs, "suite %s: runs "
	    "%d, max_runs %d", s->name, s->runs, s->max_runs);
	FUZZ_CHECK(s->text != NULL, "suite %s: no text", s->name);
	for (i = 0; i < s->nparams; i++) {
		FUZZ_CHECK(s->params[i].nvalues > 0, "param.%s: no values",
		    s->params[i].name);
		if (i > 0)
			FUZZ_CHECK(strcmp(s->params[i - 1].name,
			    s->params[i].name) < 0, "params not sorted");
		for (v = 0; v < s->params[i].nvalues; v++) {
			check_build(s, s->command, i, v);
			if (s->build != NULL)
				check_build(s, s->build, i, v);
		}
	}
	if (s->nparams == 0) {
		check_build(s, s->command, 0, 0);
		if (s->build != NULL)
			check_build(s, s->build, 0, 0);
	}
	check_env(cf, s);
	check_text(s);
}

/* [tune] after conf_load: defaults filled in, settings known and unique. */
static void
check_tune(const struct config_tune *t)
{
	const char *const	*w;
	size_t			 i, j;

	FUZZ_CHECK(t->state != NULL && t->state[0] == '/' &&
	    t->sys_root != NULL && t->proc_root != NULL &&
	    t->governor != NULL && t->perf_max_sample_rate > 0,
	    "[tune] left unset after loading");
	for (i = 0; i < t->nsettings; i++) {
		for (w = conf_tune_settings; *w != NULL &&
		    strcmp(*w, t->settings[i]) != 0; w++)
			;
		FUZZ_CHECK(*w != NULL, "[tune] setting \"%s\" accepted",
		    t->settings[i]);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(t->settings[i], t->settings[j]) != 0,
			    "[tune] setting %s twice", t->settings[i]);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	*cf;
	char		*cause = NULL;
	size_t		 i;

	if (in_fd == -1)
		fuzz_init();
	put(in_fd, data, size);
	if ((cf = conf_load(in_path, &cause)) == NULL) {
		check_cause(cause, data, size);
		free(cause);
		return (0);
	}
	FUZZ_CHECK(cause == NULL, "accepted, yet a cause: %s", cause);
	FUZZ_CHECK(cf->socket != NULL && cf->database != NULL &&
	    cf->cond.proc_root != NULL && cf->cond.sys_root != NULL,
	    "a path without its default");
	for (i = 0; i < cf->nsuites; i++)
		check_suite(cf, &cf->suites[i]);
	check_tune(&cf->tune);
	conf_free(cf);
	return (0);
}
