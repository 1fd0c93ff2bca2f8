/* conf-int.h -- what conf.c shares with conf-check.c, and nothing else. */
#ifndef BENCHD_CONF_INT_H
#define BENCHD_CONF_INT_H

#include <stddef.h>
#include <stdio.h>

#include "conf.h"
#include "conf-keys.h"

enum section {
	SEC_NONE,	/* before the first header */
	SEC_SKIP,	/* a bad header: its keys are ignored */
	SEC_DAEMON,
	SEC_CONDITIONS,
	SEC_PROFILE,
	SEC_TUNE,
	SEC_HTTP,
	SEC_NOTIFY,
	SEC_FLEET,
	SEC_SUITE
};

/* Lines where things were set, for errors found after parsing. */
struct lines {
	int		 seen[CONF_KEYS_MAX];
	int		*params;	/* parallel to suite->params */
};

/* One conf_load: the reader's and the handler's state. */
struct parse {
	const char	*path;
	struct config	*cf;
	FILE		*f;
	char		*buf;
	size_t		 bufsz;
	int		 lineno;
	int		 indented;	/* the current line starts blank */
	char		*prevkey;	/* the last key of this section */
	enum section	 sec;
	size_t		 suite;		/* index, SEC_SUITE */
	struct lines	 daemon;
	struct lines	 cond;
	struct lines	 profile;
	struct lines	 tune;
	struct lines	 http;
	struct lines	 notify;
	struct lines	 fleet;
	struct lines	*suites;	/* parallel to cf->suites */
	int		 daemon_line;
	int		 cond_line;
	int		 profile_line;
	int		 tune_line;
	int		 http_line;
	int		 notify_line;
	int		 fleet_line;
	char		*error;		/* the first, "FILE:LINE: reason" */
	char		*longval;	/* a value too long for inih's buffer */
	int		 errline;
};

/* conf.c: records the first error only, as "FILE:LINE: reason". */
void	conf_error(struct parse *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/* conf-check.c */
int	conf_suite_finish(struct parse *, struct suite *, struct lines *);
int	conf_daemon_finish(struct parse *);
int	conf_fleet_finish(struct parse *);

#endif
