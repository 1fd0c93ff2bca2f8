/*
 * conf-check.c -- a suite, checked once the whole file has been read.
 *
 * Only then can the required keys, max_runs against runs, the timing
 * prefixes and the {param} placeholders of build and command against the
 * param.* keys be judged.  An error names the suite's header line, or the
 * line of the key at fault.  A suite that passes gets its env and params
 * sorted and its canonical text (conf_suite_text).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "argv.h"
#include "conf.h"
#include "conf-keys.h"
#include "conf-int.h"
#include "timing.h"
#include "xmalloc.h"

/* Check one template; mark the params it uses. */
static int
check_template(struct parse *ps, struct suite *s, const char *what,
    const char *tmpl, int line, int *used)
{
	char	**words, *why;
	size_t	  n, i;
	int	  rc = 0;

	if (tmpl == NULL)
		return (0);
	if (!s->shell) {
		if (argv_split(tmpl, &words, &why) != 0)
			goto fail;
		argv_free(words);
	}
	if (argv_placeholders(tmpl, &words, &n, &why) != 0)
		goto fail;
	for (i = 0; i < n && rc == 0; i++) {
		if (suite_param(s, words[i]) != NULL)
			used[suite_param(s, words[i]) - s->params] = 1;
		else {
			conf_error(ps, line, "suite \"%s\": %s uses {%s} but "
			    "there is no param.%s", s->name, what, words[i],
			    words[i]);
			rc = -1;
		}
	}
	argv_free(words);
	return (rc);

fail:
	conf_error(ps, line, "suite \"%s\": %s: %s", s->name, what, why);
	free(why);
	return (-1);
}

static int
cmp_string(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

static int
cmp_param(const void *a, const void *b)
{
	return (strcmp(((const struct suite_param *)a)->name,
	    ((const struct suite_param *)b)->name));
}

#define SEEN(l, key)	((l)->seen[conf_key_find(CONF_SUITE, key)])

/* What can only be checked once the whole section has been read. */
int
conf_suite_finish(struct parse *ps, struct suite *s, struct lines *l)
{
	int	*used, line, rc = -1;
	size_t	 i;

	if (s->workdir == NULL || s->command == NULL) {
		conf_error(ps, s->line, "suite \"%s\": %s is required",
		    s->name, s->workdir == NULL ? "workdir" : "command");
		return (-1);
	}
	if (s->max_runs < s->runs) {
		line = SEEN(l, "runs") > SEEN(l, "max_runs") ?
		    SEEN(l, "runs") : SEEN(l, "max_runs");
		conf_error(ps, line, "suite \"%s\": max_runs (%d) must be at "
		    "least runs (%d)", s->name, s->max_runs, s->runs);
		return (-1);
	}
	for (i = 0; i < s->ntiming_prefixes; i++) {
		if (!timing_prefix_valid(s->timing_prefixes[i])) {
			conf_error(ps, SEEN(l, "timing_prefixes"), "suite \"%s\": "
			    "timing prefix \"%s\" must be 1 to %d of "
			    "[A-Za-z0-9_.-]", s->name, s->timing_prefixes[i],
			    TIMING_PREFIX_MAX);
			return (-1);
		}
	}
	used = xcalloc(s->nparams + 1, sizeof *used);
	if (check_template(ps, s, "build", s->build, SEEN(l, "build"),
	    used) != 0 || check_template(ps, s, "command", s->command,
	    SEEN(l, "command"), used) != 0)
		goto out;
	for (i = 0; i < s->nparams; i++) {
		if (!used[i]) {
			conf_error(ps, l->params[i], "suite \"%s\": param.%s "
			    "is not used in build or command", s->name,
			    s->params[i].name);
			goto out;
		}
	}
	qsort(s->env, s->nenv, sizeof *s->env, cmp_string);
	if (s->nparams > 0)
		qsort(s->params, s->nparams, sizeof *s->params, cmp_param);
	s->text = conf_suite_text(s);
	rc = 0;
out:
	free(used);
	return (rc);
}
