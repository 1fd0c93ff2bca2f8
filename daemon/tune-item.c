/*
 * tune-item.c -- one value benchd-tune changes: read it, write it, sum up
 * many of them.
 *
 * A path under /proc is read under proc_root, anything else under
 * sys_root, so a test's fake tree and the real "/" take the same code.
 * Hexadecimal CPU masks (default_smp_affinity, the workqueue cpumask) are
 * read and written as CPU lists, so they compare and print like the rest.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conditions.h"
#include "conf.h"
#include "tune.h"
#include "xmalloc.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC	0x63677270
#endif
#define VALUE_MAX	4096
#define SUMMARY_SHOWN	16	/* items named in a summary */

static const char *
item_root(const struct config_tune *t, const char *path)
{
	return (strncmp(path, "/proc/", 6) == 0 ? t->proc_root : t->sys_root);
}

static int
ends_with(const char *s, const char *end)
{
	size_t	sl = strlen(s), el = strlen(end);

	return (sl >= el && strcmp(s + sl - el, end) == 0);
}

/* Files that hold a hexadecimal CPU mask rather than a list. */
static int
item_mask(const char *path)
{
	return (ends_with(path, "/default_smp_affinity") ||
	    ends_with(path, "/workqueue/cpumask"));
}

/* "ff,ffffffff" as a CPU list; NULL when it is not a mask. */
static char *
mask_to_list(const char *mask)
{
	cpu_set_t	 set;
	const char	*p;
	int		 bit = 0, d, i;

	CPU_ZERO(&set);
	if (*mask == '\0')
		return (NULL);
	for (p = mask + strlen(mask); p > mask; ) {
		p--;
		if (*p == ',')
			continue;
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			return (NULL);
		for (i = 0; i < 4; i++, bit++)
			if ((d & (1 << i)) && bit < CPU_SETSIZE)
				CPU_SET(bit, &set);
	}
	return (conf_cpus_text(&set));
}

/* A CPU list as the kernel's mask: 32-bit groups of hex, commas between. */
static char *
list_to_mask(const char *list)
{
	cpu_set_t	 set;
	char		*cause = NULL, *s, *w;
	int		 top, digits, i, d, b;

	if (conf_parse_cpus(list, &set, &cause) != 0) {
		free(cause);
		return (xstrdup(list));		/* the kernel says why */
	}
	for (top = CPU_SETSIZE - 1; top > 0 && !CPU_ISSET(top, &set); top--)
		;
	digits = top / 4 + 1;
	s = w = xmalloc(digits + digits / 8 + 1);
	for (i = digits - 1; i >= 0; i--) {
		for (d = 0, b = 0; b < 4; b++)
			if (CPU_ISSET(i * 4 + b, &set))
				d |= 1 << b;
		*w++ = "0123456789abcdef"[d];
		if (i > 0 && i % 8 == 0)
			*w++ = ',';
	}
	*w = '\0';
	return (s);
}

/* The [chosen] word of "always [madvise] never"; the text without one. */
static char *
item_word(const char *text)
{
	const char	*a, *b;

	if ((a = strchr(text, '[')) == NULL || (b = strchr(a, ']')) == NULL)
		return (xstrdup(text));
	return (xstrndup(a + 1, b - a - 1));
}

/*
 * The item's value now, or NULL with *err: ENOENT when it is absent.  A
 * directory reads "present".
 */
char *
tune_item_read(const struct config_tune *t, const struct tune_item *it,
    int *err)
{
	struct stat	 sb;
	char		 path[PATH_MAX], buf[VALUE_MAX], *v;
	const char	*root = item_root(t, it->path);

	*err = 0;
	if (it->kind == TUNE_DIR) {
		if (cond_path(path, sizeof path, root, "%s", it->path) == -1 ||
		    stat(path, &sb) == -1) {
			*err = errno;
			return (NULL);
		}
		return (xstrdup(S_ISDIR(sb.st_mode) ? "present" : "not a "
		    "directory"));
	}
	if (cond_read(buf, sizeof buf, root, "%s", it->path) == -1) {
		*err = errno == ENOTDIR ? ENOENT : errno;
		return (NULL);
	}
	if (it->kind == TUNE_WORD)
		return (item_word(buf));
	if (item_mask(it->path) && (v = mask_to_list(buf)) != NULL)
		return (v);
	return (xstrdup(buf));
}

/* Is path on a cgroup2 file system, where files go with their directory? */
static int
on_cgroup2(const char *path)
{
	struct statfs	sf;

	return (statfs(path, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC);
}

/* Write value (a line, as echo does) to an existing file, or a new one. */
static int
write_file(const char *path, const char *value, int create)
{
	char	*line;
	size_t	 len;
	ssize_t	 n;
	int	 fd, saved;

	if ((fd = open(path, O_WRONLY|O_TRUNC|O_CLOEXEC|(create ? O_CREAT :
	    0), 0644)) == -1)
		return (-1);
	len = xasprintf(&line, "%s\n", value);
	/* sysfs and procfs take a value in one write(2). */
	n = write(fd, line, len);
	saved = errno;
	free(line);
	if (n != (ssize_t)len) {
		close(fd);
		errno = n == -1 ? saved : EIO;
		return (-1);
	}
	return (close(fd));
}

/*
 * Write value to the item; NULL removes it (a directory benchd-tune made,
 * a file in it).  Every call counts as one write: with crash_after set,
 * the process kills itself before the write past it, as a crash would.
 */
int
tune_item_write(struct tune_ctx *ctx, const struct tune_item *it,
    const char *value, int *err)
{
	char	 path[PATH_MAX], *mask = NULL;
	int	 rv;

	*err = 0;
	if (ctx->crash_after >= 0 && ctx->writes >= ctx->crash_after)
		kill(getpid(), SIGKILL);
	ctx->writes++;
	if (cond_path(path, sizeof path, item_root(ctx->conf, it->path), "%s",
	    it->path) == -1) {
		*err = errno;
		return (-1);
	}
	if (it->kind == TUNE_DIR)
		rv = value != NULL ? mkdir(path, 0755) : rmdir(path);
	else if (value == NULL)
		/* In cgroupfs the files go with the directory's rmdir. */
		rv = on_cgroup2(path) ? 0 : unlink(path);
	else {
		if (item_mask(it->path))
			value = mask = list_to_mask(value);
		rv = write_file(path, value, it->orig == NULL);
	}
	if (rv == -1)
		*err = errno;
	free(mask);
	return (rv);
}

/* Two values, either maybe absent (NULL), are the same. */
int
tune_item_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == b);
	return (strcmp(a, b) == 0);
}

void
tune_item_free(struct tune_item *it)
{
	free(it->label);
	free(it->path);
	free(it->orig);
	free(it->set);
	memset(it, 0, sizeof *it);
}

/*
 * n values as one: the value when all agree ("absent" for NULL), else
 * "label=value ..." (the first SUMMARY_SHOWN, then "(+N more)").
 */
char *
tune_summary(char *const *labels, char *const *values, size_t n)
{
	char	*s, *t;
	size_t	 i;

	for (i = 1; i < n && tune_item_same(values[0], values[i]); i++)
		;
	if (n == 0)
		return (xstrdup(""));
	if (i == n)
		return (xstrdup(values[0] != NULL ? values[0] : "absent"));
	s = xstrdup("");
	for (i = 0; i < n && i < SUMMARY_SHOWN; i++) {
		xasprintf(&t, "%s%s%s=%s", s, i > 0 ? " " : "", labels[i],
		    values[i] != NULL ? values[i] : "absent");
		free(s);
		s = t;
	}
	if (n > SUMMARY_SHOWN) {
		xasprintf(&t, "%s (+%zu more)", s, n - SUMMARY_SHOWN);
		free(s);
		s = t;
	}
	return (s);
}
