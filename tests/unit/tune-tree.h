/*
 * tune-tree.h -- for test-tune.c: a fake machine with every setting
 * benchd-tune knows, a config for it, the tree as text, apply and reset.
 */
#ifndef TUNE_TREE_H
#define TUNE_TREE_H

#include "fake-tree.h"
#include "tune.h"

/* A config for f's tree with settings (NULL-terminated), state in var/. */
void			 tree_conf(struct fixture *, struct config *, char **,
			     const char *cpus);
/* 4 CPUs, 3 IRQs, a cgroup2 with cpuset: every setting can be set. */
void			 tree_full(struct fixture *);
/* Every file, link and directory with its contents, sorted; var/ out. */
char			*tree_snapshot(struct fixture *);
/* A file whole, or its first line; NULL when absent.  Static buffer. */
char			*tree_slurp(struct fixture *, const char *);
char			*tree_val(struct fixture *, const char *);
/* apply (or reset), killed after crash_after writes when >= 0. */
int			 tree_run(const struct config *, int reset,
			     long crash_after, struct tune_report *);
const struct tune_line	*tree_line(const struct tune_report *, const char *);

#endif /* TUNE_TREE_H */
