/*
 * tune-drift.c -- what benchd-tune set, as the daemon sees it: for each
 * setting of the state file, the values benchd-tune set, the values now,
 * and whether they drifted apart.  Read only; benchd runs as its own user
 * and reads the file root wrote.  A file gone since (a CPU taken offline,
 * an IRQ freed) has not drifted; a directory that went away has.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "tune.h"
#include "xmalloc.h"

/* The drift entry of setting, made when new. */
static struct tune_drift *
drift_for(struct tune_drifts *d, const char *setting)
{
	struct tune_drift	*t;
	size_t			 i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->v[i].name, setting) == 0)
			return (&d->v[i]);
	d->v = xreallocarray(d->v, d->n + 1, sizeof *d->v);
	t = &d->v[d->n++];
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", setting);
	return (t);
}

/* The set and current values of one setting's items, summed up. */
static void
drift_sum(const struct config_tune *conf, const struct tune_state *st,
    struct tune_drift *t)
{
	const struct tune_item	*it;
	char			**labels, **set, **now;
	size_t			  i, n = 0;
	int			  err;

	labels = xcalloc(st->n + 1, sizeof *labels);
	set = xcalloc(st->n + 1, sizeof *set);
	now = xcalloc(st->n + 1, sizeof *now);
	for (i = 0; i < st->n; i++) {
		it = &st->items[i];
		if (strcmp(it->setting, t->name) != 0)
			continue;
		labels[n] = it->label;
		set[n] = it->set;
		now[n] = tune_item_read(conf, it, &err);
		if (!tune_item_same(now[n], it->set) && !(now[n] == NULL &&
		    err == ENOENT && it->kind != TUNE_DIR))
			t->drifted = 1;
		n++;
	}
	t->set = tune_summary(labels, set, n);
	t->now = tune_summary(labels, now, n);
	for (i = 0; i < n; i++)
		free(now[i]);
	free(labels);
	free(set);
	free(now);
}

void
tune_drift(const struct config_tune *conf, struct tune_drifts *d)
{
	struct tune_state	 st;
	size_t			 i;

	memset(d, 0, sizeof *d);
	d->state = xstrdup(conf->state);
	if (tune_state_load(conf->state, 0, &st, &d->error) != 1)
		return;
	d->tuned = 1;
	for (i = 0; i < st.n; i++)
		drift_for(d, st.items[i].setting);
	for (i = 0; i < d->n; i++) {
		drift_sum(conf, &st, &d->v[i]);
		d->ndrifted += d->v[i].drifted;
	}
	tune_state_free(&st);
}

void
tune_drift_free(struct tune_drifts *d)
{
	size_t	i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].set);
		free(d->v[i].now);
	}
	free(d->v);
	free(d->state);
	free(d->error);
	memset(d, 0, sizeof *d);
}
