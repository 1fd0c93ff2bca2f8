/*
 * fake-tree.h -- fake /proc and /sys trees for the conditions tests: each
 * test gets a fresh temporary directory as both roots.
 */
#ifndef FAKE_TREE_H
#define FAKE_TREE_H

#include <sys/types.h>

#include <stddef.h>
#include <string.h>

#include "conditions.h"
#include "conf.h"

struct fixture {
	char				 root[256];
	char				 v[256];	/* of the last check */
	char				 adv[256];
	char				*forbid[4];
	struct config_conditions	 cc;
};

#define CPU	"sys/devices/system/cpu/"
#define TZ	"sys/class/thermal/thermal_zone"
#define PS	"sys/class/power_supply/"

/* The tests' setup and teardown: a fixture with its tree. */
int	tree_setup(void **);
int	tree_teardown(void **);
#define T(fn)	cmocka_unit_test_setup_teardown(fn, tree_setup, tree_teardown)

void	tree_putn(struct fixture *, const char *, size_t, const char *, ...)
	    __attribute__((format(printf, 4, 5)));
#define put(f, s, ...)	tree_putn((f), (s), strlen(s), __VA_ARGS__)
#define mkdirs(f, ...)	tree_putn((f), NULL, 0, __VA_ARGS__)
#define governor(f, cpu, gov)	\
	put((f), gov "\n", CPU "cpu%d/cpufreq/scaling_governor", (cpu))
void	tree_proc(struct fixture *, long, const char *, char, long,
	    const char *, size_t);

const struct cond_check	*tree_find(const struct cond_report *, const char *);
enum cond_status	 tree_check(struct fixture *, pid_t, const char *);

#endif /* FAKE_TREE_H */
