/*
 * fake-tree.c -- fake /proc and /sys trees for the conditions tests, built
 * in a fresh temporary directory for each test.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake-tree.h"

/*
 * Write len bytes of data to f->root/REL, making its directories; with data
 * NULL, make REL as a directory.
 */
void
tree_putn(struct fixture *f, const char *data, size_t len, const char *fmt,
    ...)
{
	char	path[512], *p;
	va_list	ap;
	int	fd, n;

	n = snprintf(path, sizeof path, "%s/", f->root);
	va_start(ap, fmt);
	vsnprintf(path + n, sizeof path - n, fmt, ap);
	va_end(ap);
	if (data == NULL)
		strncat(path, "/", sizeof path - strlen(path) - 1);
	for (p = strchr(path + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0755) == -1 && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
	if (data == NULL)
		return;
	if ((fd = open(path, O_WRONLY|O_CREAT|O_TRUNC, 0644)) == -1)
		fail_msg("open %s: %s", path, strerror(errno));
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* A process: comm; stat with state and PPid; NUL-separated cmdline. */
void
tree_proc(struct fixture *f, long pid, const char *comm, char state,
    long ppid, const char *cmdline, size_t cmdlen)
{
	char	stat[256];

	snprintf(stat, sizeof stat, "%ld (%s) %c %ld %ld %ld 0 -1 4194304 "
	    "100 0 0 0 1 2 0 0 20 0 1 0 100\n", pid, comm, state, ppid, pid,
	    pid);
	put(f, stat, "proc/%ld/stat", pid);
	snprintf(stat, sizeof stat, "%s\n", comm);
	put(f, stat, "proc/%ld/comm", pid);
	tree_putn(f, cmdline, cmdlen, "proc/%ld/cmdline", pid);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return (remove(path));
}

int
tree_setup(void **state)
{
	struct fixture	*f;
	const char	*tmp;

	f = calloc(1, sizeof *f);
	assert_non_null(f);
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(f->root, sizeof f->root, "%s/test-conditions.XXXXXX", tmp);
	assert_non_null(mkdtemp(f->root));
	f->cc.proc_root = f->root;
	f->cc.sys_root = f->root;
	f->cc.forbid_processes = f->forbid;
	f->cc.max_runnable = -1;
	f->cc.max_cpu_pressure = 1;
	*state = f;
	return (0);
}

int
tree_teardown(void **state)
{
	struct fixture	*f = *state;

	conditions_layout_forget();	/* if a test failed while keeping */
	nftw(f->root, rm_one, 16, FTW_DEPTH|FTW_PHYS);
	free(f);
	return (0);
}

/* The check called name in r; fails the test if there is none. */
const struct cond_check *
tree_find(const struct cond_report *r, const char *name)
{
	size_t	i;

	for (i = 0; i < r->nchecks; i++) {
		if (strcmp(r->checks[i].name, name) == 0)
			return (&r->checks[i]);
	}
	fail_msg("no check %s", name);
	return (NULL);
}

/* Run the gate on f's tree: one check's status; value, advice in f. */
enum cond_status
tree_check(struct fixture *f, pid_t self, const char *name)
{
	struct cond_report	 r;
	const struct cond_check	*c;
	enum cond_status	 st;

	conditions_check(&f->cc, self, &r);
	assert_int_equal(r.nchecks, 11);
	c = tree_find(&r, name);
	st = c->status;
	snprintf(f->v, sizeof f->v, "%s", c->value);
	snprintf(f->adv, sizeof f->adv, "%s", c->advice);
	if (st == COND_FAIL)
		assert_true(c->advice[0] != '\0');
	conditions_report_free(&r);
	return (st);
}
