/*
 * git.c -- the git program, spawned with plumbing commands and machine
 * formats only (docs/METHODOLOGY.md §10 says why not libgit2).  Each call
 * is short and synchronous: resolving a name, preparing a worktree; one
 * that has not ended within GIT_TIMEOUT_MS (a repository whose config
 * reads a FIFO, a lock on a network file system) is killed, with its
 * process group, and fails.
 * The user's checkout and branches are never touched: benchd's worktrees
 * are detached, under its state directory.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "git.h"
#include "xmalloc.h"

#define GIT_OUT_MAX	(16 * 1024 * 1024)
#define GIT_ERR_MAX	400
#define GIT_TIMEOUT_MS	10000
#define GIT_SILENT	"no answer within"	/* in a timeout's cause */

extern char **environ;

struct git_out {
	char	*out;
	size_t	 len;
	char	 err[GIT_ERR_MAX + 1];
	size_t	 errlen;
};

static void
git_out_free(struct git_out *o)
{
	free(o->out);
	memset(o, 0, sizeof *o);
}

static int64_t
git_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/*
 * Read both pipes to their ends; stdout whole (bounded), stderr's start.
 * -1 when GIT_TIMEOUT_MS passed first.
 */
static int
drain(int ofd, int efd, struct git_out *o)
{
	struct pollfd	 p[2];
	char		 buf[4096];
	ssize_t		 n;
	size_t		 cap = 0, k;
	int64_t		 end = git_now_ms() + GIT_TIMEOUT_MS, left;
	int		 open = 2, i, rc = 0;

	p[0].fd = ofd;
	p[1].fd = efd;
	p[0].events = p[1].events = POLLIN;
	while (open > 0) {
		if ((left = end - git_now_ms()) <= 0) {
			rc = -1;
			break;
		}
		if (poll(p, 2, (int)left) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < 2; i++) {
			if (p[i].fd < 0 || p[i].revents == 0)
				continue;
			n = read(p[i].fd, buf, sizeof buf);
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0) {
				p[i].fd = -1;
				open--;
				continue;
			}
			if (i == 1) {
				k = GIT_ERR_MAX - o->errlen;
				if ((size_t)n < k)
					k = (size_t)n;
				memcpy(o->err + o->errlen, buf, k);
				o->errlen += k;
				continue;
			}
			if (o->len + n > GIT_OUT_MAX)
				continue;
			if (o->len + n + 1 > cap) {
				cap = (o->len + n + 1) * 2;
				o->out = xreallocarray(o->out, cap, 1);
			}
			memcpy(o->out + o->len, buf, n);
			o->len += n;
		}
	}
	if (o->out == NULL)
		o->out = xstrdup("");
	o->out[o->len] = '\0';
	o->err[o->errlen] = '\0';
	o->err[strcspn(o->err, "\n")] = '\0';
	return (rc);
}

/*
 * git -C dir ARGS: 0 when it exits 0 (o holds its output), else -1 (-2
 * when it was killed for its time) and *cause.  The environment is a fixed small one, as the workload's is.
 */
static int
git_run(const char *dir, const char *const *args, struct git_out *o,
    char **cause)
{
	char *const	 envp[] = { "PATH=/usr/local/bin:/usr/bin:/bin",
	    "LC_ALL=C", "GIT_OPTIONAL_LOCKS=0", "GIT_TERMINAL_PROMPT=0",
	    "GIT_CONFIG_NOSYSTEM=1", "HOME=/nonexistent", NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	char		*argv[32];
	int		 ofd[2], efd[2], status, rc, late;
	size_t		 i, n = 0;
	pid_t		 pid;

	memset(o, 0, sizeof *o);
	argv[n++] = "git";
	argv[n++] = "-c";
	argv[n++] = "safe.directory=*";
	argv[n++] = "-C";
	argv[n++] = (char *)dir;
	for (i = 0; args[i] != NULL && n < 31; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	if (pipe2(ofd, O_CLOEXEC) == -1)
		goto syserr;
	if (pipe2(efd, O_CLOEXEC) == -1) {
		close(ofd[0]);
		close(ofd[1]);
		goto syserr;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, ofd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, efd[1], 2);
	/* A group of its own, so that a late one goes with its helpers. */
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	rc = posix_spawnp(&pid, "git", &fa, &attr, argv, envp);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(ofd[1]);
	close(efd[1]);
	if (rc != 0) {
		close(ofd[0]);
		close(efd[0]);
		xasprintf(cause, "cannot run git: %s", strerror(rc));
		return (-1);
	}
	if ((late = drain(ofd[0], efd[0], o)) != 0)
		kill(-pid, SIGKILL);
	close(ofd[0]);
	close(efd[0]);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			status = -1;
			break;
		}
	if (late) {
		xasprintf(cause, "git %s: " GIT_SILENT " %d s, killed",
		    args[0], GIT_TIMEOUT_MS / 1000);
		git_out_free(o);
		return (-2);
	} else if (status != -1 && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0)
		return (0);
	else
		xasprintf(cause, "git %s: %s", args[0], o->errlen > 0 ?
		    o->err : "failed");
	git_out_free(o);
	return (-1);
syserr:
	xasprintf(cause, "pipe: %s", strerror(errno));
	return (-1);
}

int
git_resolve(const char *repo, const char *rev, struct git_commit *c,
    char **cause)
{
	struct git_out	 o;
	const char	*args[8];
	char		*spec, *p, *t;
	int		 rc;

	memset(c, 0, sizeof *c);
	if (*rev == '-' || strlen(rev) > 200) {
		xasprintf(cause, "\"%.200s\" is not a revision", rev);
		return (-1);
	}
	xasprintf(&spec, "%s^{commit}", rev);
	args[0] = "rev-parse";
	args[1] = "--verify";
	args[2] = "--quiet";
	args[3] = "--end-of-options";
	args[4] = spec;
	args[5] = NULL;
	if ((rc = git_run(repo, args, &o, cause)) != 0) {
		if (rc != -2) {	/* a timeout says so; else no such commit */
			free(*cause);
			xasprintf(cause, "no commit \"%.200s\" in %s", rev,
			    repo);
		}
		free(spec);
		return (-1);
	}
	free(spec);
	o.out[strcspn(o.out, "\n")] = '\0';
	if (strlen(o.out) < 40) {
		xasprintf(cause, "git rev-parse: unexpected \"%.60s\"", o.out);
		git_out_free(&o);
		return (-1);
	}
	snprintf(c->id, sizeof c->id, "%s", o.out);
	git_out_free(&o);
	/* Committer time and subject, NUL-separated: a machine format. */
	args[0] = "log";
	args[1] = "-1";
	args[2] = "--no-show-signature";
	args[3] = "--format=%ct%x00%s";
	args[4] = c->id;
	args[5] = "--";
	args[6] = NULL;
	if (git_run(repo, args, &o, cause) != 0)
		return (-1);
	c->time = strtoll(o.out, &p, 10);
	if (p < o.out + o.len && *p == '\0') {
		t = p + 1;
		t[strcspn(t, "\n")] = '\0';
		c->subject = xstrdup(t);
	} else
		c->subject = xstrdup("");
	git_out_free(&o);
	return (0);
}

int
git_cause_timeout(const char *cause)
{
	return (cause != NULL && strncmp(cause, "git ", 4) == 0 &&
	    strstr(cause, ": " GIT_SILENT " ") != NULL);
}

void
git_commit_free(struct git_commit *c)
{
	free(c->subject);
	memset(c, 0, sizeof *c);
}

/* mkdir -p of dir's parents (and of dir with last), 0700 for what is made. */
int
git_mkdirs(const char *dir, int last, char **cause)
{
	char	*p, *s;
	int	 end = 0;

	xasprintf(&s, "%s%s", dir, last ? "/" : "");
	for (p = s + 1; !end && (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(s, 0700) == -1 && errno != EEXIST) {
			xasprintf(cause, "mkdir %s: %s", s, strerror(errno));
			free(s);
			return (-1);
		}
		*p = '/';
		end = p[1] == '\0';
	}
	free(s);
	return (0);
}

/*
 * The worktree dir at commit, detached and cleaned of everything
 * untracked or ignored, made the first time (after a prune, for one
 * removed by hand is still registered) and reused after: one sh -c of
 * git plumbing, so that it runs as a child the event loop waits for.
 */
static const char checkout_script[] =
    "set -e\n"
    "g() { git -c safe.directory='*' \"$@\"; }\n"
    "if [ ! -e \"$2/.git\" ]; then\n"
    "  g -C \"$1\" worktree prune\n"
    "  mkdir -p \"$2\"\n"
    "  rmdir \"$2\"\n"
    "  g -C \"$1\" worktree add --detach --force --no-checkout -q \"$2\" \"$3\"\n"
    "fi\n"
    "g -C \"$2\" checkout --detach --force --quiet \"$3\" --\n"
    "g -C \"$2\" clean -fdxq\n";

char **
git_checkout_argv(const char *repo, const char *dir, const char *commit)
{
	char	**argv = xcalloc(8, sizeof *argv);

	argv[0] = xstrdup("/bin/sh");
	argv[1] = xstrdup("-c");
	argv[2] = xstrdup(checkout_script);
	argv[3] = xstrdup("benchd-checkout");
	argv[4] = xstrdup(repo);
	argv[5] = xstrdup(dir);
	argv[6] = xstrdup(commit);
	return (argv);
}

int
git_first_parents(const char *repo, const char *from, const char *to,
    char ***ids, size_t *n, char **cause)
{
	struct git_out	 o;
	const char	*args[] = { "rev-list", "--first-parent", "--reverse",
	    NULL, "--", NULL };
	char		*range, *line, *p;

	*ids = NULL;
	*n = 0;
	if (from != NULL)
		xasprintf(&range, "%s..%s", from, to);
	else
		range = xstrdup(to);
	args[3] = range;
	if (git_run(repo, args, &o, cause) != 0) {
		free(range);
		return (-1);
	}
	free(range);
	for (p = o.out; (line = strsep(&p, "\n")) != NULL;) {
		if (*line == '\0')
			continue;
		*ids = xreallocarray(*ids, *n + 1, sizeof **ids);
		(*ids)[(*n)++] = xstrdup(line);
	}
	git_out_free(&o);
	return (0);
}

char *
git_parent(const char *repo, const char *commit)
{
	struct git_commit	 c;
	char			*spec, *cause = NULL, *id = NULL;

	xasprintf(&spec, "%s^1", commit);
	if (git_resolve(repo, spec, &c, &cause) == 0) {
		id = xstrdup(c.id);
		git_commit_free(&c);
	} else
		free(cause);
	free(spec);
	return (id);
}

void
git_ids_free(char **ids, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}
