/* argv.h -- command lines without a shell; the workload's environment. */
#ifndef BENCHD_ARGV_H
#define BENCHD_ARGV_H

#include <stddef.h>

struct config;
struct suite;

/*
 * Split a command line into words like a POSIX shell would, but with no
 * expansion at all: quotes and backslashes only.  Anything that would need
 * a shell (| & ; < > ( ) $ ` * ? [ unquoted, # or ~ starting a word, a
 * leading VAR=value) is refused.  *argv is NULL-terminated.  Returns 0, or
 * -1 with *cause set (caller frees).
 */
int	 argv_split(const char *line, char ***argv, char **cause);

/* The same quoting for a list of values: nothing refused, may be empty. */
int	 argv_split_list(const char *line, char ***argv, size_t *n,
	     char **cause);

/*
 * The {NAME} placeholders of a build or command template, in order (a name
 * may repeat).  {{ and }} are literal braces; any other brace is an error.
 */
int	 argv_placeholders(const char *template, char ***names, size_t *n,
	     char **cause);

/* A word quoted so that argv_split and /bin/sh read it back unchanged. */
char	*argv_quote(const char *word);

/*
 * The argv for a suite's command or build template with the queued
 * parameters filled in.  Every parameter of the suite must be given, once,
 * with one of its listed values.  shell = no: each {NAME} is replaced inside
 * the word it stands in, so a value is always exactly one word.  shell =
 * yes: { "/bin/sh", "-c", template } with each value shell-quoted.
 */
int	 argv_build(const struct suite *, const char *template,
	     char *const *keys, char *const *values, size_t n, char ***argv,
	     char **cause);

/*
 * The workload's whole environment: PATH, HOME, LANG, TMPDIR from
 * [daemon], the suite's env (replacing a base entry of the same name),
 * BENCHD_SESSION and BENCHD_ITERATION.  Nothing from benchd's own
 * environment.  Returns 0.
 */
int	 argv_env(const struct config *, const struct suite *,
	     const char *session_id, const char *iteration, char ***envp);

size_t	 argv_count(char *const *);
void	 argv_free(char **);

#endif
