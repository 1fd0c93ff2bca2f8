/*
 * git.h -- a suite's repository (repo =) through the git program's
 * plumbing: commits resolved, worktrees prepared, first-parent ranges.
 */
#ifndef BENCHD_GIT_H
#define BENCHD_GIT_H

#include <stddef.h>
#include <stdint.h>

struct git_commit {
	char		 id[41];	/* full SHA-1 (or the start of SHA-256) */
	int64_t		 time;		/* committer time, seconds */
	char		*subject;
};

/*
 * 0, or -1 and *cause (caller frees) for a revision that is no commit, or
 * when git gave no answer in time (git_cause_timeout tells which).
 */
int	git_resolve(const char *repo, const char *rev, struct git_commit *,
	    char **cause);
void	git_commit_free(struct git_commit *);
/* Whether a cause git.c wrote says git was killed for its silence. */
int	git_cause_timeout(const char *cause);
/*
 * The argv (for argv_free) of a child that brings the worktree dir to
 * commit: detached, cleaned of everything untracked and ignored; made
 * the first time, reused after.
 */
char	**git_checkout_argv(const char *repo, const char *dir,
	    const char *commit);
/*
 * The commits of from..to along to's first parents, oldest first (from
 * NULL: to's whole first-parent history).  0, or -1 and *cause.
 */
int	git_first_parents(const char *repo, const char *from, const char *to,
	    char ***ids, size_t *n, char **cause);
/* mkdir -p of dir's parents, and of dir itself with last.  0, or -1. */
int	git_mkdirs(const char *dir, int last, char **cause);
/* The first parent of commit, or NULL (a root commit, an error). */
char	*git_parent(const char *repo, const char *commit);
void	git_ids_free(char **, size_t);

#endif
