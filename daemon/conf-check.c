/*
 * conf-check.c -- what can only be checked once the whole file is read.
 *
 * A suite: the required keys, max_runs against runs, the timing prefixes
 * and the {param} placeholders of build and command against the param.*
 * keys.  An error names the suite's header line, or the line of the key
 * at fault.  A suite that passes gets its env and params sorted and its
 * canonical text (conf_suite_text).  [daemon]: admin_reserve against
 * max_clients.
 *
 * The daemon (conf_check): the socket and database paths as they are once
 * -S and -D have been applied, and admin_group against the group database.
 * These depend on the command line and the machine, not on the file alone,
 * so they are not part of conf_load.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <grp.h>
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

	if ((s->workdir == NULL && s->repo == NULL) || s->command == NULL) {
		conf_error(ps, s->line, "suite \"%s\": %s is required",
		    s->name, s->workdir == NULL && s->repo == NULL ?
		    "workdir (or repo)" : "command");
		return (-1);
	}
	if (s->workdir != NULL && s->repo != NULL) {
		conf_error(ps, SEEN(l, "workdir"), "suite \"%s\": workdir and "
		    "repo exclude each other (a suite on a repository runs in "
		    "benchd's own worktree)", s->name);
		return (-1);
	}
	if (s->follow != NULL && s->nparams > 0) {
		conf_error(ps, SEEN(l, "follow"), "suite \"%s\": follow needs a "
		    "suite without param.NAME", s->name);
		return (-1);
	}
	if ((s->follow != NULL || s->fetch != NULL) && s->repo == NULL) {
		conf_error(ps, SEEN(l, s->follow != NULL ? "follow" : "fetch"),
		    "suite \"%s\": %s needs repo", s->name, s->follow != NULL ?
		    "follow" : "fetch");
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

#define DSEEN(ps, key)	((ps)->daemon.seen[conf_key_find(CONF_DAEMON, key)])

/*
 * [daemon], once the file is read: admin_reserve leaves non-admins some
 * of max_clients.  Left out, it is 16 or a quarter of max_clients when
 * that is less; given, it must be less than max_clients.
 */
int
conf_daemon_finish(struct parse *ps)
{
	struct config	*cf = ps->cf;
	int		 line;

	if (DSEEN(ps, "admin_reserve") == 0) {
		if (cf->admin_reserve > cf->max_clients / 4)
			cf->admin_reserve = cf->max_clients / 4;
		return (0);
	}
	if (cf->admin_reserve < cf->max_clients)
		return (0);
	line = DSEEN(ps, "admin_reserve") > DSEEN(ps, "max_clients") ?
	    DSEEN(ps, "admin_reserve") : DSEEN(ps, "max_clients");
	conf_error(ps, line, "daemon: admin_reserve (%d) must be less than "
	    "max_clients (%d)", cf->admin_reserve, cf->max_clients);
	return (-1);
}

#define FSEEN(ps, key)	((ps)->fleet.seen[conf_key_find(CONF_FLEET, key)])

/*
 * [fleet], once the file is read: labels go into a PostgreSQL array
 * literal, so none holds its syntax; the queue needs the server; a box
 * name is what PostgreSQL rows and fleet queries are keyed by, so it is
 * letters, digits and "._-"; the backoff's bounds are in order.
 */
int
conf_fleet_finish(struct parse *ps)
{
	const struct config_fleet	*f = &ps->cf->fleet;
	size_t				 i;

	for (i = 0; i < f->nlabels; i++) {
		if (strpbrk(f->labels[i], "\"\\{},") != NULL) {
			conf_error(ps, FSEEN(ps, "labels"), "fleet: label "
			    "\"%s\": no quotes, braces, commas or backslashes",
			    f->labels[i]);
			return (-1);
		}
	}
	if (f->postgresql == NULL && f->queue) {
		conf_error(ps, FSEEN(ps, "queue"), "fleet: queue needs "
		    "postgresql");
		return (-1);
	}
	if (f->box != NULL && (strlen(f->box) > 64 ||
	    f->box[strspn(f->box, NAME_CHARS ".-")] != '\0')) {
		conf_error(ps, FSEEN(ps, "box"), "fleet: box \"%s\": up to 64 "
		    "letters, digits and ._-", f->box);
		return (-1);
	}
	if (f->retry_min > f->retry_max) {
		conf_error(ps, FSEEN(ps, "retry_min"), "fleet: retry_min (%d) "
		    "is more than retry_max (%d)", f->retry_min, f->retry_max);
		return (-1);
	}
	return (0);
}

/*
 * path resolved as far as it exists: the whole of it, else its directory
 * with the last name appended.  Caller frees.
 */
static char *
check_resolve(const char *path)
{
	const char	*slash = strrchr(path, '/');
	char		*r, *dir, *full;

	if ((r = realpath(path, NULL)) != NULL)
		return (r);
	if (slash == NULL)
		dir = xstrdup(".");
	else if (slash == path)
		dir = xstrdup("/");
	else
		dir = xstrndup(path, (size_t)(slash - path));
	r = realpath(dir, NULL);
	free(dir);
	if (r == NULL)
		return (xstrdup(path));
	xasprintf(&full, "%s/%s", strcmp(r, "/") == 0 ? "" : r,
	    slash == NULL ? path : slash + 1);
	free(r);
	return (full);
}

/* Whether two paths name one file: as written, resolved, or by inode. */
static int
check_same_file(const char *a, const char *b)
{
	struct stat	 sa, sb;
	char		*ra, *rb;
	int		 same;

	if (strcmp(a, b) == 0)
		return (1);
	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return (sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino);
	ra = check_resolve(a);
	rb = check_resolve(b);
	same = strcmp(ra, rb) == 0;
	free(ra);
	free(rb);
	return (same);
}

#define ORIGIN(cf, f)	((cf)->f##_from != NULL ? (cf)->f##_from : (cf)->path)

/* The socket must not be the database, nor a file SQLite keeps beside it. */
static int
check_paths(const struct config *cf, char **cause)
{
	static const char	*suffix[] = { "", "-wal", "-shm", "-journal" };
	struct sockaddr_un	 sun;
	char			*file;
	size_t			 i;
	int			 same;

	if (strlen(cf->socket) >= sizeof sun.sun_path) {
		xasprintf(cause, "%s: socket path is %zu bytes long; a Unix "
		    "socket address holds at most %zu", ORIGIN(cf, socket),
		    strlen(cf->socket), sizeof sun.sun_path - 1);
		return (-1);
	}
	for (i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		xasprintf(&file, "%s%s", cf->database, suffix[i]);
		same = check_same_file(cf->socket, file);
		free(file);
		if (same) {
			xasprintf(cause, "%s: socket %s is the database%s%s%s "
			    "(database from %s)", ORIGIN(cf, socket),
			    cf->socket, *suffix[i] != '\0' ? "'s " : "",
			    suffix[i], *suffix[i] != '\0' ? " file" : "",
			    ORIGIN(cf, database));
			return (-1);
		}
	}
	return (0);
}

int
conf_check(const struct config *cf, char **cause)
{
	struct group	*gr;

	if (check_paths(cf, cause) != 0)
		return (-1);
	/* A group the file names must exist; the default may be missing. */
	if (cf->admin_group_from == NULL)
		return (0);
	errno = 0;
	if ((gr = getgrnam(cf->admin_group)) != NULL)
		return (0);
	if (errno == 0 || errno == ENOENT || errno == ESRCH ||
	    errno == EBADF || errno == EPERM)
		xasprintf(cause, "%s: admin_group %s: no such group",
		    cf->admin_group_from, cf->admin_group);
	else
		xasprintf(cause, "%s: admin_group %s: %s",
		    cf->admin_group_from, cf->admin_group, strerror(errno));
	return (-1);
}
