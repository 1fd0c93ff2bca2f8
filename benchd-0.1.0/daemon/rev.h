/* rev.h -- the git revision of a suite's working directory. */
#ifndef BENCHD_REV_H
#define BENCHD_REV_H

/* 0 and *rev (caller frees), *dirty 0/1; -1 when not a git checkout. */
int	rev_detect(const char *workdir, char **rev, int *dirty);

#endif
