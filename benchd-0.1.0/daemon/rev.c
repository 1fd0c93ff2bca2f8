/*
 * rev.c -- the revision a session measured: when the suite's workdir is a
 * git checkout, its HEAD commit and whether the tree had local changes.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rev.h"
#include "xmalloc.h"

#define GIT_OUTPUT_MAX	4096

/* Run git in dir; the first GIT_OUTPUT_MAX bytes of stdout, or NULL. */
static char *
git(const char *dir, char *const argv[], size_t *len)
{
	static char *const	 envp[] = { "PATH=/usr/local/bin:/usr/bin:/bin",
	    "LC_ALL=C", "GIT_OPTIONAL_LOCKS=0", NULL };
	posix_spawn_file_actions_t fa;
	char			*out = xmalloc(GIT_OUTPUT_MAX + 1), buf[512];
	int			 fd[2], status;
	ssize_t			 n;
	pid_t			 pid;

	*len = 0;
	if (pipe2(fd, O_CLOEXEC) == -1) {
		free(out);
		return (NULL);
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addchdir_np(&fa, dir);
	if (posix_spawnp(&pid, "git", &fa, NULL, argv, envp) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(fd[0]);
		close(fd[1]);
		free(out);
		return (NULL);
	}
	posix_spawn_file_actions_destroy(&fa);
	close(fd[1]);
	while ((n = read(fd[0], buf, sizeof buf)) > 0) {
		if (*len + n > GIT_OUTPUT_MAX)
			n = GIT_OUTPUT_MAX - *len;
		memcpy(out + *len, buf, n);
		*len += n;
	}
	close(fd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		free(out);
		return (NULL);
	}
	out[*len] = '\0';
	return (out);
}

int
rev_detect(const char *workdir, char **rev, int *dirty)
{
	/* The checkout may belong to someone else: that is the point. */
	static char *const	 head[] = { "git", "-c", "safe.directory=*",
	    "rev-parse", "--verify", "HEAD", NULL };
	static char *const	 st[] = { "git", "-c", "safe.directory=*",
	    "status", "--porcelain", "--untracked-files=no", NULL };
	char			*out;
	size_t			 len;

	*rev = NULL;
	*dirty = -1;
	if ((out = git(workdir, head, &len)) == NULL)
		return (-1);
	out[strcspn(out, "\n")] = '\0';
	*rev = out;
	if ((out = git(workdir, st, &len)) != NULL) {
		*dirty = len > 0;
		free(out);
	}
	return (0);
}
