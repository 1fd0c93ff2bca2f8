/*
 * conditions.c -- the canonical-conditions gate.
 *
 * Every check reads small files under the configured sys and proc roots, so
 * a test's fake tree and the real "/" take the same code path.  A file that
 * is absent (a VM has no cpufreq, no thermal zones) makes its check
 * "unavailable", never "ok".  The gate runs before every measured run, so
 * files are read with open/read into stack buffers; within a session only
 * the layout of /sys is kept (conditions-layout.c), never a value.
 * The checks under proc_root live in conditions-proc.c, those under
 * sys_root in conditions-sys.c.
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "conditions.h"
#include "conf.h"
#include "log.h"
#include "xmalloc.h"

static const char *cond_status_names[] = {
	"ok", "warn", "fail", "unavailable"
};

const char *
cond_status_name(enum cond_status st)
{
	if ((unsigned)st >= sizeof cond_status_names /
	    sizeof cond_status_names[0])
		return ("unknown");
	return (cond_status_names[st]);
}

/* The length of root without its trailing slashes. */
static size_t
cond_rootlen(const char *root)
{
	size_t	rl;

	rl = (root == NULL) ? 0 : strlen(root);
	while (rl > 0 && root[rl - 1] == '/')
		rl--;
	return (rl);
}

/* root with its trailing slashes dropped, then fmt (which starts "/"). */
static int
cond_vpath(char *buf, size_t len, const char *root, const char *fmt,
    va_list ap)
{
	size_t	rl;
	int	n;

	rl = cond_rootlen(root);
	if (rl >= len) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	if (rl > 0)
		memcpy(buf, root, rl);
	n = vsnprintf(buf + rl, len - rl, fmt, ap);
	if (n < 0 || (size_t)n >= len - rl) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	return (0);
}

int
cond_path(char *buf, size_t len, const char *root, const char *fmt, ...)
{
	va_list	ap;
	int	rv;

	va_start(ap, fmt);
	rv = cond_vpath(buf, len, root, fmt, ap);
	va_end(ap);
	return (rv);
}

/* Read path into buf (NUL-terminated, trailing whitespace dropped). */
static ssize_t
cond_vread(char *buf, size_t len, const char *root, const char *fmt,
    va_list ap)
{
	char		 path[PATH_MAX];
	const char	*rel;
	size_t		 got = 0;
	ssize_t		 n;
	int		 fd, saved;

	if (cond_vpath(path, sizeof path, root, fmt, ap) == -1)
		return (-1);
	rel = path + cond_rootlen(root);
	if (cond_layout_absent(path, rel)) {
		errno = ENOENT;
		return (-1);
	}
	if ((fd = open(path, O_RDONLY|O_CLOEXEC)) == -1) {
		if (errno == ENOENT || errno == ENOTDIR) {
			saved = errno;
			cond_layout_note_absent(path, rel);
			errno = saved;
		}
		return (-1);
	}
	while (got < len - 1) {
		n = read(fd, buf + got, len - 1 - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			saved = errno;
			close(fd);
			errno = saved;
			return (-1);
		}
		if (n == 0)
			break;
		got += n;
		/*
		 * procfs, sysfs and regular files return all they have: a
		 * short read is the end, so spare the extra read(2).
		 */
		if ((size_t)n < len - 1 - (got - n))
			break;
	}
	close(fd);
	buf[got] = '\0';
	while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == ' ' ||
	    buf[got - 1] == '\t'))
		buf[--got] = '\0';
	return ((ssize_t)got);
}

/*
 * Read root+path into buf.  Returns the length, or -1 with errno set (a
 * vanished /proc entry gives ENOENT or ESRCH).
 */
ssize_t
cond_read(char *buf, size_t len, const char *root, const char *fmt, ...)
{
	va_list	ap;
	ssize_t	rv;

	va_start(ap, fmt);
	rv = cond_vread(buf, len, root, fmt, ap);
	va_end(ap);
	return (rv);
}

void
cond_set(struct cond_check *c, enum cond_status st, const char *advice,
    const char *fmt, ...)
{
	va_list	ap;

	free(c->value);
	free(c->advice);
	va_start(ap, fmt);
	if (vasprintf(&c->value, fmt, ap) == -1)
		fatalx("%s: vasprintf", __func__);
	va_end(ap);
	c->advice = xstrdup(advice != NULL ? advice : "");
	c->status = st;
}

/* Items past COND_LIST_SHOWN, or past a full buffer, are only counted. */
void
cond_list_add(struct cond_list *l, const char *fmt, ...)
{
	char	item[256];
	va_list	ap;
	size_t	ilen;

	if (++l->n > l->shown + 1 || l->shown == COND_LIST_SHOWN)
		return;
	va_start(ap, fmt);
	vsnprintf(item, sizeof item, fmt, ap);
	va_end(ap);
	ilen = strlen(item);
	/* Keep room for the " (+N more)" cond_list_str may add. */
	if (l->len + 1 + ilen + 32 >= sizeof l->buf)
		return;
	if (l->len > 0)
		l->buf[l->len++] = ' ';
	memcpy(l->buf + l->len, item, ilen + 1);
	l->len += ilen;
	l->shown++;
}

const char *
cond_list_str(struct cond_list *l)
{
	l->buf[l->len] = '\0';
	if (l->n > l->shown)
		snprintf(l->buf + l->len, sizeof l->buf - l->len,
		    " (+%zu more)", l->n - l->shown);
	return (l->buf);
}

static int
cond_cmp_long(const void *a, const void *b)
{
	long	x = *(const long *)a, y = *(const long *)b;

	return ((x > y) - (x < y));
}

/*
 * Every N of the "prefixN" entries of root+dir, sorted, so values list
 * cpu2 before cpu10.  Returns the count, or -1 when dir is absent.
 */
int
cond_numbered(const char *root, const char *dir, const char *prefix,
    long **out)
{
	char		 path[PATH_MAX], *end;
	const char	*name;
	struct cond_dir	 cd;
	size_t		 i, n = 0, pl = strlen(prefix);
	long		 v;

	*out = NULL;
	if (cond_path(path, sizeof path, root, "%s", dir) == -1)
		return (-1);
	if (cond_dir_open(&cd, path, dir) == -1)
		return (-1);
	if (cd.n > 0)
		*out = xreallocarray(NULL, cd.n, sizeof **out);
	for (i = 0; i < cd.n; i++) {
		name = cd.names[i];
		if (strncmp(name, prefix, pl) != 0 ||
		    name[pl] < '0' || name[pl] > '9')
			continue;
		v = strtol(name + pl, &end, 10);
		if (*end != '\0' || v < 0 || n == INT_MAX)
			continue;
		(*out)[n++] = v;
	}
	cond_dir_close(&cd);
	if (n > 0)
		qsort(*out, n, sizeof **out, cond_cmp_long);
	return ((int)n);
}

/* A decimal integer file; -1 when absent or not a number. */
int
cond_read_ll(long long *v, const char *root, const char *fmt, ...)
{
	char	 buf[64], *end;
	va_list	 ap;
	ssize_t	 n;

	va_start(ap, fmt);
	n = cond_vread(buf, sizeof buf, root, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return (-1);
	errno = 0;
	*v = strtoll(buf, &end, 10);
	if (errno != 0 || end == buf)
		return (-1);
	return (0);
}

/* The report's fixed order; names are stable identifiers. */
static const struct {
	const char	*name;
	cond_check_fn	*fn;
} cond_table[] = {
	{ "processes",	cond_check_processes },
	{ "governor",	cond_check_governor },
	{ "thermal",	cond_check_thermal },
	{ "throttle",	cond_check_throttle },
	{ "runnable",	cond_check_runnable },
	{ "pressure",	cond_check_pressure },
	{ "turbo",	cond_check_turbo },
	{ "aslr",	cond_check_aslr },
	{ "swap",	cond_check_swap },
	{ "power",	cond_check_power },
	{ "smt",	cond_check_smt },
};
#define NCHECKS	(sizeof cond_table / sizeof cond_table[0])

void
conditions_check(const struct config_conditions *cc, pid_t self,
    struct cond_report *r)
{
	size_t	i;

	r->nchecks = NCHECKS;
	r->checks = xcalloc(NCHECKS, sizeof *r->checks);
	for (i = 0; i < NCHECKS; i++) {
		snprintf(r->checks[i].name, sizeof r->checks[i].name, "%s",
		    cond_table[i].name);
		cond_table[i].fn(cc, self, &r->checks[i]);
		if (r->checks[i].value == NULL)
			fatalx("%s: check %s set nothing", __func__,
			    cond_table[i].name);
	}
}

int
conditions_canonical(const struct cond_report *r)
{
	size_t	i;

	for (i = 0; i < r->nchecks; i++) {
		if (r->checks[i].status == COND_FAIL)
			return (0);
	}
	return (1);
}

void
conditions_report_free(struct cond_report *r)
{
	size_t	i;

	for (i = 0; i < r->nchecks; i++) {
		free(r->checks[i].value);
		free(r->checks[i].advice);
	}
	free(r->checks);
	r->checks = NULL;
	r->nchecks = 0;
}

cJSON *
conditions_report_json(const struct cond_report *r)
{
	static const enum cond_status order[] = {
		COND_FAIL, COND_WARN, COND_UNAVAILABLE, COND_OK
	};
	const struct cond_check	*c;
	cJSON			*root, *checks, *o;
	size_t			 i, k;

	if ((root = cJSON_CreateObject()) == NULL)
		fatalx("%s: cJSON", __func__);
	cJSON_AddBoolToObject(root, "canonical", conditions_canonical(r));
	checks = cJSON_AddArrayToObject(root, "checks");
	for (k = 0; k < sizeof order / sizeof order[0]; k++) {
		for (i = 0; i < r->nchecks; i++) {
			c = &r->checks[i];
			if (c->status != order[k])
				continue;
			if ((o = cJSON_CreateObject()) == NULL)
				fatalx("%s: cJSON", __func__);
			cJSON_AddStringToObject(o, "name", c->name);
			cJSON_AddStringToObject(o, "status",
			    cond_status_name(c->status));
			cJSON_AddStringToObject(o, "value", c->value);
			cJSON_AddStringToObject(o, "advice", c->advice);
			cJSON_AddItemToArray(checks, o);
		}
	}
	return (root);
}

/* The report as the JSON text a run stores (runs.conditions). */
char *
conditions_report_text(const struct cond_report *r)
{
	cJSON	*j = conditions_report_json(r);
	char	*s;

	if ((s = cJSON_PrintUnformatted(j)) == NULL)
		fatalx("%s: cJSON", __func__);
	cJSON_Delete(j);
	return (s);
}

char *
conditions_report_failing(const struct cond_report *r)
{
	char	*s = NULL, *t;
	size_t	 i;

	for (i = 0; i < r->nchecks; i++) {
		if (r->checks[i].status != COND_FAIL)
			continue;
		xasprintf(&t, "%s%s%s: %s", s != NULL ? s : "",
		    s != NULL ? "; " : "", r->checks[i].name,
		    r->checks[i].value);
		free(s);
		s = t;
	}
	return (s);
}
