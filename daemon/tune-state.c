/*
 * tune-state.c -- benchd-tune's state file: every value it changed, what
 * was there before and what it set.
 *
 * The file is written before the first write to /sys or /proc and
 * replaced atomically (a temporary file, fsync, rename, fsync of the
 * directory), so after a crash or a power cut it always holds every value
 * that may have changed.  One line an item, six tab-separated fields:
 * setting, kind, label, path, value before, value set.  In a value a
 * backslash escapes itself, tab (\t) and newline (\n); "\-" alone is "it
 * did not exist".  root runs benchd-tune, but the state directory belongs
 * to the benchd user, so apply and reset only read a file of their own
 * user that nobody else may write, and only paths under /sys and /proc.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "tune.h"
#include "xmalloc.h"

#define STATE_MAGIC	"benchd-tune-state 1"
#define STATE_MAX	(4 * 1024 * 1024)	/* bytes; IRQs are many */

static const char *kind_names[] = { "file", "word", "dir" };

struct tune_item *
tune_state_add(struct tune_state *st)
{
	struct tune_item	*it;

	st->items = xreallocarray(st->items, st->n + 1, sizeof *st->items);
	it = &st->items[st->n++];
	memset(it, 0, sizeof *it);
	return (it);
}

void
tune_state_free(struct tune_state *st)
{
	size_t	i;

	for (i = 0; i < st->n; i++)
		tune_item_free(&st->items[i]);
	free(st->items);
	st->items = NULL;
	st->n = 0;
}

/* Undo the escapes of one field in place; NULL for "\-". */
static char *
unescape(char *s, int *bad)
{
	char	*r, *w;

	if (strcmp(s, "\\-") == 0)
		return (NULL);
	for (r = w = s; *r != '\0'; r++) {
		if (*r != '\\') {
			*w++ = *r;
			continue;
		}
		switch (*++r) {
		case '\\':
			*w++ = '\\';
			break;
		case 't':
			*w++ = '\t';
			break;
		case 'n':
			*w++ = '\n';
			break;
		default:
			*bad = 1;
			return (s);
		}
	}
	*w = '\0';
	return (s);
}

/* Only what apply could have written: /sys or /proc, no "..". */
static int
path_ok(const char *p)
{
	if (strncmp(p, "/sys/", 5) != 0 && strncmp(p, "/proc/", 6) != 0)
		return (0);
	return (strstr(p, "/../") == NULL && strstr(p, "/./") == NULL &&
	    strcmp(p + strlen(p) - 3, "/..") != 0);
}

static int
kind_find(const char *s)
{
	size_t	i;

	for (i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++)
		if (strcmp(kind_names[i], s) == 0)
			return ((int)i);
	return (-1);
}

static int
setting_known(const char *s)
{
	const char *const	*w;

	for (w = conf_tune_settings; *w != NULL; w++)
		if (strcmp(*w, s) == 0)
			return (1);
	return (0);
}

/* One item line; -1 with *why set (static text). */
static int
parse_line(char *line, struct tune_state *st, const char **why)
{
	struct tune_item	*it;
	char			*f[6], *orig, *set;
	int			 i, kind, bad = 0;

	for (i = 0; i < 6; i++) {
		f[i] = line;
		if ((line = strchr(line, '\t')) != NULL)
			*line++ = '\0';
		else if (i < 5) {
			*why = "expected six tab-separated fields";
			return (-1);
		}
	}
	if (line != NULL) {
		*why = "more than six fields";
		return (-1);
	}
	if (!setting_known(f[0]) || (kind = kind_find(f[1])) == -1) {
		*why = "unknown setting or kind";
		return (-1);
	}
	if (!path_ok(f[3])) {
		*why = "path not under /sys or /proc";
		return (-1);
	}
	orig = unescape(f[4], &bad);
	set = unescape(f[5], &bad);
	if (bad || set == NULL || *f[2] == '\0') {
		*why = "bad label or value";
		return (-1);
	}
	it = tune_state_add(st);
	snprintf(it->setting, sizeof it->setting, "%s", f[0]);
	it->kind = kind;
	it->label = xstrdup(f[2]);
	it->path = xstrdup(f[3]);
	it->orig = orig != NULL ? xstrdup(orig) : NULL;
	it->set = xstrdup(set);
	return (0);
}

/* The whole file into a string; -1 with errno. */
static char *
read_all(int fd, size_t *len)
{
	char	*buf = xmalloc(STATE_MAX + 1);
	ssize_t	 n;

	*len = 0;
	while (*len < STATE_MAX) {
		n = read(fd, buf + *len, STATE_MAX - *len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			free(buf);
			return (NULL);
		}
		if (n == 0)
			break;
		*len += n;
	}
	buf[*len] = '\0';
	return (buf);
}

/* Parse the file's text into st; "LINE: reason" in *cause. */
static int
parse_all(char *buf, size_t len, struct tune_state *st, char **cause)
{
	const char	*why = NULL;
	char		*line, *next;
	int		 lineno = 0, magic = 0;

	if (len >= STATE_MAX || memchr(buf, '\0', len) != NULL) {
		xasprintf(cause, "too large, or not text");
		return (-1);
	}
	for (line = buf; line != NULL && *line != '\0'; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (*line == '#' || *line == '\0')
			continue;
		if (!magic) {
			if (strcmp(line, STATE_MAGIC) != 0)
				why = "not a benchd-tune state file";
			magic = 1;
		} else if (parse_line(line, st, &why) == 0)
			continue;
		if (why != NULL) {
			xasprintf(cause, "line %d: %s", lineno, why);
			return (-1);
		}
	}
	if (!magic) {
		xasprintf(cause, "empty");
		return (-1);
	}
	return (0);
}

/*
 * Load path into st.  Returns 1, 0 when there is no state file, or -1
 * with *cause.  With own, the file must belong to this user and be
 * writable by nobody else.
 */
int
tune_state_load(const char *path, int own, struct tune_state *st,
    char **cause)
{
	struct stat	 sb;
	char		*buf, *why = NULL;
	size_t		 len;
	int		 fd;

	memset(st, 0, sizeof *st);
	if ((fd = open(path, O_RDONLY|O_NOFOLLOW|O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return (0);
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) || (own &&
	    (sb.st_uid != geteuid() || (sb.st_mode & (S_IWGRP|S_IWOTH))))) {
		xasprintf(cause, "%s: not a regular file of user %ld that only "
		    "it may write: refused", path, (long)geteuid());
		close(fd);
		return (-1);
	}
	buf = read_all(fd, &len);
	close(fd);
	if (buf == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (parse_all(buf, len, st, &why) != 0) {
		xasprintf(cause, "%s: %s", path, why);
		free(why);
		free(buf);
		tune_state_free(st);
		return (-1);
	}
	free(buf);
	return (1);
}

/* One value, escaped as the file's header comment says. */
static void
put_value(FILE *f, const char *v)
{
	if (v == NULL) {
		fputs("\\-", f);
		return;
	}
	for (; *v != '\0'; v++) {
		if (*v == '\\')
			fputs("\\\\", f);
		else if (*v == '\t')
			fputs("\\t", f);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

/* The directory of path. */
static char *
state_dir(const char *path)
{
	char	*dir, *slash;

	if ((slash = strrchr(path, '/')) == NULL)
		return (xstrdup("."));
	dir = xstrdup(path);
	dir[slash == path ? 1 : slash - path] = '\0';
	return (dir);
}

/* fsync the directory of path, so that a rename or unlink lasts. */
static int
sync_dir(const char *path)
{
	char	*dir = state_dir(path);
	int	 fd, rv = 0;

	if ((fd = open(dir, O_RDONLY|O_DIRECTORY|O_CLOEXEC)) == -1 ||
	    fsync(fd) == -1)
		rv = -1;
	if (fd != -1)
		close(fd);
	free(dir);
	return (rv);
}

int
tune_state_save(const char *path, const struct tune_state *st, char **cause)
{
	const struct tune_item	*it;
	char			*tmp;
	FILE			*f;
	size_t			 i;
	int			 fd, saved;

	xasprintf(&tmp, "%s.XXXXXX", path);
	/* A fresh name (O_EXCL): nothing planted there is followed. */
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return (-1);
	}
	if (fchmod(fd, 0644) == -1 || (f = fdopen(fd, "w")) == NULL) {
		saved = errno;
		close(fd);
		goto fail;
	}
	fprintf(f, "# benchd-tune(8): the values `benchd-tune apply` changed, "
	    "as they were\n# before and as it set them; `benchd-tune reset` "
	    "writes them back.\n%s\n", STATE_MAGIC);
	for (i = 0; i < st->n; i++) {
		it = &st->items[i];
		fprintf(f, "%s\t%s\t", it->setting, kind_names[it->kind]);
		put_value(f, it->label);
		fprintf(f, "\t%s\t", it->path);
		put_value(f, it->orig);
		fputc('\t', f);
		put_value(f, it->set);
		fputc('\n', f);
	}
	if (fflush(f) == EOF || fsync(fileno(f)) == -1) {
		saved = errno;
		fclose(f);
		goto fail;
	}
	if (fclose(f) == EOF || rename(tmp, path) == -1) {
		saved = errno;
		goto fail;
	}
	free(tmp);
	if (sync_dir(path) == -1) {
		xasprintf(cause, "%s: fsync of its directory: %s", path,
		    strerror(errno));
		return (-1);
	}
	return (0);

fail:
	unlink(tmp);
	xasprintf(cause, "%s: %s", path, strerror(saved));
	free(tmp);
	return (-1);
}

/* No state file, nor even its directory (before benchd's first start). */
int
tune_state_nowhere(const char *path)
{
	struct stat	 sb;
	char		*dir;
	int		 rv;

	if (stat(path, &sb) == 0 || errno != ENOENT)
		return (0);
	dir = state_dir(path);
	rv = stat(dir, &sb) == -1 && errno == ENOENT;
	free(dir);
	return (rv);
}

int
tune_state_remove(const char *path, char **cause)
{
	if (unlink(path) == -1 && errno != ENOENT) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (sync_dir(path) == -1) {
		xasprintf(cause, "%s: fsync of its directory: %s", path,
		    strerror(errno));
		return (-1);
	}
	return (0);
}

/*
 * One benchd-tune at a time: an exclusive lock on the state's directory,
 * held until exit.  Returns the descriptor, or -1 with *cause.
 */
int
tune_state_lock(const char *path, char **cause)
{
	char	*dir = state_dir(path);
	int	 fd;

	if ((fd = open(dir, O_RDONLY|O_DIRECTORY|O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: %s (the directory of the state file)",
		    dir, strerror(errno));
		free(dir);
		return (-1);
	}
	if (flock(fd, LOCK_EX|LOCK_NB) == -1) {
		xasprintf(cause, "%s: %s", dir, errno == EWOULDBLOCK ?
		    "another benchd-tune is running" : strerror(errno));
		close(fd);
		free(dir);
		return (-1);
	}
	free(dir);
	return (fd);
}
