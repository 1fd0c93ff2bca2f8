/*
 * loadconf.c -- for the conf tests: benchd.conf text written to files in
 * a temporary directory (made by the group setup) and loaded.
 */
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

#include "conf.h"
#include "xmalloc.h"
#include "loadconf.h"

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

/* Loading text succeeds; the config remembers its file. */
struct config *
loadconf(const char *text)
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
void
loadconf_fails(const char *text, const char *want)
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

int
loadconf_setup(void **state)
{
	unsetenv("STATE_DIRECTORY");
	return (mkdtemp(dir) == NULL ? -1 : 0);
}

int
loadconf_teardown(void **state)
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
