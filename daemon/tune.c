/*
 * tune.c -- benchd-tune's apply, reset and show.
 *
 * apply plans every setting [tune] lists (tune-settings.c) and takes each
 * item's value from before: from the state file when the item is there
 * already, so that a second apply keeps the values from before the first,
 * else as it reads now.  It writes the state file, puts back what the
 * state holds and the plan no longer wants, writes each value, reads it
 * back, and writes the state file again with what is now set.  reset
 * writes every value of the state file back, the last applied first, and
 * removes the file once all of them are back; those that are not stay in
 * it.  A crash anywhere leaves a state file that lists every value that
 * may have changed, so a later reset (or apply, then reset) restores them.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conditions.h"
#include "conf.h"
#include "tune.h"
#include "xmalloc.h"

/* An item of the run: where it came from and whether it stays. */
struct slot {
	int	leftover;	/* in the state file, no longer planned */
	int	fresh;		/* its value before was read by this run */
	int	keep;		/* goes into the state file at the end */
};

void
tune_init(struct tune_ctx *ctx, const struct config *cf)
{
	cpu_set_t	 set;
	char		 buf[1024], *cause = NULL;
	size_t		 i;

	memset(ctx, 0, sizeof *ctx);
	ctx->conf = &cf->tune;
	ctx->crash_after = -1;
	if (cf->tune.cpus != NULL) {
		ctx->cpus = cf->tune.cpuset;
		ctx->cpus_from = "[tune] cpus";
	}
	for (i = 0; i < cf->nsuites && cf->tune.cpus == NULL; i++) {
		if (cf->suites[i].cpus == NULL)
			continue;
		CPU_OR(&ctx->cpus, &ctx->cpus, &cf->suites[i].cpuset);
		ctx->cpus_from = "the suites' cpus";
	}
	if (ctx->cpus_from == NULL && cond_read(buf, sizeof buf,
	    cf->tune.sys_root, "/sys/devices/system/cpu/isolated") > 0 &&
	    conf_parse_cpus(buf, &set, &cause) == 0 && CPU_COUNT(&set) > 0) {
		ctx->cpus = set;
		ctx->cpus_from = "the isolated CPUs";
	}
	free(cause);
	ctx->have_cpus = ctx->cpus_from != NULL;
	ctx->cpus_text = ctx->have_cpus ? conf_cpus_text(&ctx->cpus) :
	    xstrdup("");
}

void
tune_ctx_free(struct tune_ctx *ctx)
{
	free(ctx->cpus_text);
	ctx->cpus_text = NULL;
}

static struct tune_item *
state_find(const struct tune_state *st, const struct tune_item *it)
{
	size_t	i;

	for (i = 0; i < st->n; i++)
		if (strcmp(st->items[i].setting, it->setting) == 0 &&
		    strcmp(st->items[i].path, it->path) == 0)
			return (&st->items[i]);
	return (NULL);
}

static void
item_copy(struct tune_item *to, const struct tune_item *from)
{
	memcpy(to->setting, from->setting, sizeof to->setting);
	to->kind = from->kind;
	to->label = xstrdup(from->label);
	to->path = xstrdup(from->path);
	to->orig = from->orig != NULL ? xstrdup(from->orig) : NULL;
	to->set = xstrdup(from->set);
}

/*
 * Put an item back as it was before apply.  A file in a directory
 * benchd-tune made (orig NULL) is removed; on cgroupfs its directory's
 * removal takes it.  Returns the item's status; *now its value after.
 */
static enum tune_status
item_restore(struct tune_ctx *ctx, const struct tune_item *it, char **now,
    char **why)
{
	int	err;

	*why = NULL;
	*now = tune_item_read(ctx->conf, it, &err);
	if (*now == NULL && err == ENOENT && it->orig != NULL &&
	    it->kind != TUNE_DIR)
		return (TUNE_GONE);
	if (tune_item_same(*now, it->orig))
		return (TUNE_ALREADY);
	if (tune_item_write(ctx, it, it->orig, &err) == -1) {
		*why = xstrdup(strerror(err));
		return (TUNE_FAILED);
	}
	if (it->orig == NULL && it->kind != TUNE_DIR) {
		free(*now);
		*now = NULL;
		return (TUNE_RESTORED);
	}
	free(*now);
	*now = tune_item_read(ctx->conf, it, &err);
	if (!tune_item_same(*now, it->orig)) {
		xasprintf(why, "reads back as \"%s\"", *now != NULL ? *now :
		    "absent");
		return (TUNE_FAILED);
	}
	return (TUNE_RESTORED);
}

/* Set an item to it->set; it->set becomes the value read back. */
static void
item_apply(struct tune_ctx *ctx, struct tune_item *it, struct slot *sl,
    struct tune_report *rep)
{
	enum tune_status	 st = TUNE_SET;
	char			*now, *why = NULL;
	int			 err;

	now = tune_item_read(ctx->conf, it, &err);
	if (tune_item_same(now, it->set))
		st = TUNE_ALREADY;
	else if (tune_item_write(ctx, it, it->set, &err) == -1) {
		why = xstrdup(strerror(err));
		st = TUNE_FAILED;
	}
	if (st != TUNE_ALREADY) {
		free(now);
		now = tune_item_read(ctx->conf, it, &err);
	}
	if (st == TUNE_SET && !tune_item_same(now, it->set)) {
		xasprintf(&why, "reads back as \"%s\"", now != NULL ? now :
		    "absent");
		st = TUNE_FAILED;
	}
	/* A refused value stays in the state only if it changed anyway. */
	sl->keep = st != TUNE_FAILED || !sl->fresh ||
	    !tune_item_same(now, it->orig);
	if (now != NULL) {
		free(it->set);
		it->set = xstrdup(now);
	}
	tune_report_add(rep, it, st, it->orig, now, why);
	free(now);
	free(why);
}

/* Add the planned item to st with its value from before; 0 or -1. */
static int
record(struct tune_ctx *ctx, const struct tune_state *old,
    struct tune_state *st, struct slot *sl, const struct tune_item *it,
    struct tune_report *rep)
{
	struct tune_item	*prev = state_find(old, it), *to;
	char			*orig = NULL, *why;
	int			 err = 0;

	if (prev == NULL && (orig = tune_item_read(ctx->conf, it,
	    &err)) == NULL && err != ENOENT) {
		xasprintf(&why, "cannot read: %s", strerror(err));
		tune_report_add(rep, it, TUNE_FAILED, NULL, NULL, why);
		free(why);
		return (-1);
	}
	to = tune_state_add(st);
	item_copy(to, it);
	free(to->orig);
	to->orig = prev != NULL ? (prev->orig != NULL ? xstrdup(prev->orig) :
	    NULL) : orig;
	memset(sl, 0, sizeof *sl);
	sl->fresh = prev == NULL;
	return (0);
}

/* The items of the run that stay, in order, as the new state. */
static int
save_kept(const char *path, const struct tune_state *st,
    const struct slot *sl, size_t *kept, char **cause)
{
	struct tune_state	 out;
	size_t			 i;
	int			 rv;

	memset(&out, 0, sizeof out);
	for (i = 0; i < st->n; i++)
		if (sl[i].keep)
			item_copy(tune_state_add(&out), &st->items[i]);
	*kept = out.n;
	if (out.n == 0)
		rv = tune_state_remove(path, cause);
	else
		rv = tune_state_save(path, &out, cause);
	tune_state_free(&out);
	return (rv);
}

int
tune_apply(struct tune_ctx *ctx, struct tune_report *rep, char **cause)
{
	struct tune_state	 old, st;
	struct tune_plan	 p;
	struct slot		*sl = NULL;
	enum tune_status	 r;
	char			*now, *why;
	size_t			 i, j;
	int			 lock, rc = -1;

	tune_report_init(ctx, rep);
	memset(&st, 0, sizeof st);
	if (ctx->conf->nsettings == 0 && tune_state_nowhere(ctx->conf->state)) {
		tune_report_finish(rep, TUNE_LINES_LISTED);
		return (0);
	}
	if ((lock = tune_state_lock(ctx->conf->state, cause)) == -1) {
		tune_report_finish(rep, TUNE_LINES_LISTED);
		return (-1);
	}
	if (tune_state_load(ctx->conf->state, 1, &old, cause) == -1)
		goto out;
	/* Planned items, then those of the old state no longer planned. */
	sl = xcalloc(old.n + 1, sizeof *sl);
	for (i = 0; conf_tune_settings[i] != NULL; i++) {
		if (!tune_listed(ctx, conf_tune_settings[i]))
			continue;
		tune_plan(ctx, conf_tune_settings[i], &p);
		tune_report_plan(rep, &p, conf_tune_settings[i]);
		for (j = 0; j < p.st.n; j++) {
			sl = xreallocarray(sl, st.n + old.n + 1, sizeof *sl);
			record(ctx, &old, &st, &sl[st.n], &p.st.items[j], rep);
		}
		tune_plan_free(&p);
	}
	for (i = 0; i < old.n; i++) {
		if (state_find(&st, &old.items[i]) != NULL)
			continue;
		item_copy(tune_state_add(&st), &old.items[i]);
		sl[st.n - 1] = (struct slot){ .leftover = 1 };
	}
	if (st.n > 0 && tune_state_save(ctx->conf->state, &st, cause) != 0)
		goto out;
	for (i = st.n; i-- > 0; ) {
		if (!sl[i].leftover)
			continue;
		r = item_restore(ctx, &st.items[i], &now, &why);
		sl[i].keep = r == TUNE_FAILED;
		tune_report_add(rep, &st.items[i], r, st.items[i].set, now, why);
		free(now);
		free(why);
	}
	tune_report_forwards(rep);
	for (i = 0; i < st.n; i++)
		if (!sl[i].leftover)
			item_apply(ctx, &st.items[i], &sl[i], rep);
	rc = save_kept(ctx->conf->state, &st, sl, &rep->kept, cause);
out:
	tune_report_finish(rep, TUNE_LINES_LISTED);
	free(sl);
	tune_state_free(&old);
	tune_state_free(&st);
	close(lock);
	return (rc);
}

int
tune_reset(struct tune_ctx *ctx, struct tune_report *rep, char **cause)
{
	struct tune_state	 st;
	struct slot		*sl;
	char			*now, *why;
	size_t			 i;
	int			 lock, rc = -1, r;

	tune_report_init(ctx, rep);
	if (tune_state_nowhere(ctx->conf->state)) {
		tune_report_finish(rep, TUNE_LINES_DONE);
		return (0);
	}
	if ((lock = tune_state_lock(ctx->conf->state, cause)) == -1) {
		tune_report_finish(rep, TUNE_LINES_DONE);
		return (-1);
	}
	if ((r = tune_state_load(ctx->conf->state, 1, &st, cause)) != 1) {
		tune_report_finish(rep, TUNE_LINES_DONE);
		close(lock);
		return (r);
	}
	sl = xcalloc(st.n + 1, sizeof *sl);
	for (i = st.n; i-- > 0; ) {
		r = item_restore(ctx, &st.items[i], &now, &why);
		sl[i].keep = r == TUNE_FAILED;
		tune_report_add(rep, &st.items[i], r, st.items[i].set, now, why);
		free(now);
		free(why);
	}
	tune_report_forwards(rep);
	if (save_kept(ctx->conf->state, &st, sl, &rep->kept, cause) == 0) {
		rc = 0;
		if (rep->kept > 0) {
			xasprintf(cause, "%zu value%s could not be put back; "
			    "%s keeps them for the next reset", rep->kept,
			    rep->kept == 1 ? "" : "s", ctx->conf->state);
			rc = -1;
		}
	}
	tune_report_finish(rep, TUNE_LINES_DONE);
	free(sl);
	tune_state_free(&st);
	close(lock);
	return (rc);
}

/* show: one item against the state file, or against what apply wants. */
static void
show_item(struct tune_ctx *ctx, const struct tune_item *it,
    const struct tune_item *prev, struct tune_report *rep)
{
	enum tune_status	 st;
	char			*now;
	int			 err;

	now = tune_item_read(ctx->conf, it, &err);
	if (prev != NULL)
		st = tune_item_same(now, prev->set) || (now == NULL &&
		    err == ENOENT && prev->kind != TUNE_DIR) ? TUNE_TUNED :
		    TUNE_DRIFTED;
	else
		st = tune_item_same(now, it->set) ? TUNE_WANTED : TUNE_DIFFERS;
	tune_report_add(rep, it, st, prev != NULL ? prev->orig : NULL, now, NULL);
	free(now);
}

int
tune_show(struct tune_ctx *ctx, struct tune_report *rep, char **cause)
{
	struct tune_state	 st;
	struct tune_plan	 p;
	struct tune_line	*l;
	char			**labels, **want;
	size_t			 i, j;

	tune_report_init(ctx, rep);
	if (tune_state_load(ctx->conf->state, 0, &st, cause) == -1) {
		tune_report_finish(rep, TUNE_LINES_ALL);
		return (-1);
	}
	for (i = 0; conf_tune_settings[i] != NULL; i++) {
		tune_plan(ctx, conf_tune_settings[i], &p);
		tune_report_plan(rep, &p, conf_tune_settings[i]);
		labels = xcalloc(p.st.n + 1, sizeof *labels);
		want = xcalloc(p.st.n + 1, sizeof *want);
		for (j = 0; j < p.st.n; j++) {
			labels[j] = p.st.items[j].label;
			want[j] = p.st.items[j].set;
			show_item(ctx, &p.st.items[j], state_find(&st,
			    &p.st.items[j]), rep);
		}
		l = tune_report_line(rep, conf_tune_settings[i]);
		l->want = tune_summary(labels, want, p.st.n);
		free(labels);
		free(want);
		for (j = 0; j < st.n; j++)
			if (strcmp(st.items[j].setting, l->name) == 0 &&
			    state_find(&p.st, &st.items[j]) == NULL)
				show_item(ctx, &st.items[j], &st.items[j], rep);
		tune_plan_free(&p);
	}
	rep->kept = st.n;
	tune_report_finish(rep, TUNE_LINES_ALL);
	tune_state_free(&st);
	return (0);
}
