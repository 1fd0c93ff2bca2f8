/*
 * tune-report.c -- what a run of benchd-tune did, setting by setting: the
 * outcome of every item, then per setting a status, its values summed up
 * and, when something was refused, which items and why.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "tune.h"
#include "xmalloc.h"

#define WHY_SHOWN	8	/* labels named in a line's reason */

static const char *status_names[] = {
	"set", "already", "restored", "partly", "failed", "unavailable",
	"skipped", "gone", "tuned", "drifted", "as wanted", "differs"
};

const char *
tune_status_name(enum tune_status st)
{
	if ((unsigned)st >= sizeof status_names / sizeof status_names[0])
		return ("unknown");
	return (status_names[st]);
}

int
tune_listed(const struct tune_ctx *ctx, const char *name)
{
	size_t	i;

	for (i = 0; i < ctx->conf->nsettings; i++)
		if (strcmp(ctx->conf->settings[i], name) == 0)
			return (1);
	return (0);
}

/* A line for every setting, in order; tune_report_finish drops empty ones. */
void
tune_report_init(const struct tune_ctx *ctx, struct tune_report *rep)
{
	size_t	i;

	memset(rep, 0, sizeof *rep);
	for (i = 0; conf_tune_settings[i] != NULL; i++)
		;
	rep->lines = xcalloc(i, sizeof *rep->lines);
	rep->n = i;
	for (i = 0; i < rep->n; i++) {
		snprintf(rep->lines[i].name, sizeof rep->lines[i].name, "%s",
		    conf_tune_settings[i]);
		rep->lines[i].listed = tune_listed(ctx, conf_tune_settings[i]);
		rep->lines[i].status = TUNE_ALREADY;
	}
	rep->cpus = xstrdup(ctx->cpus_text);
	rep->cpus_from = xstrdup(ctx->cpus_from != NULL ? ctx->cpus_from :
	    "none");
}

struct tune_line *
tune_report_line(struct tune_report *rep, const char *name)
{
	size_t	i;

	for (i = 0; i < rep->n; i++)
		if (strcmp(rep->lines[i].name, name) == 0)
			return (&rep->lines[i]);
	return (NULL);
}

void
tune_report_add(struct tune_report *rep, const struct tune_item *it,
    enum tune_status st, const char *was, const char *now, const char *why)
{
	struct tune_line	*l = tune_report_line(rep, it->setting);
	struct tune_result	*r;

	l->res = xreallocarray(l->res, l->nres + 1, sizeof *l->res);
	r = &l->res[l->nres++];
	r->label = xstrdup(it->label);
	r->status = st;
	r->was = was != NULL ? xstrdup(was) : NULL;
	r->now = now != NULL ? xstrdup(now) : NULL;
	r->why = why != NULL ? xstrdup(why) : NULL;
}

/* "3 of 15 refused (Input/output error): irq0 irq24 irq25", or the error. */
static char *
line_why(const struct tune_line *l, size_t nfailed)
{
	const char	*first = NULL;
	char		*s, *t;
	size_t		 i, shown = 0;

	for (i = 0; i < l->nres && first == NULL; i++)
		if (l->res[i].status == TUNE_FAILED)
			first = l->res[i].why;
	if (l->nres == 1)
		return (xstrdup(first != NULL ? first : "refused"));
	xasprintf(&s, "%zu of %zu refused (%s):", nfailed, l->nres,
	    first != NULL ? first : "?");
	for (i = 0; i < l->nres && shown < WHY_SHOWN; i++) {
		if (l->res[i].status != TUNE_FAILED)
			continue;
		xasprintf(&t, "%s %s", s, l->res[i].label);
		free(s);
		s = t;
		shown++;
	}
	if (nfailed > shown) {
		xasprintf(&t, "%s (+%zu more)", s, nfailed - shown);
		free(s);
		s = t;
	}
	return (s);
}

/*
 * The line's status, reason and summaries, from its items: all failed is
 * failed, some partly; else the first status here any item has.
 */
static void
line_finish(struct tune_line *l)
{
	static const enum tune_status	 first[] = { TUNE_DRIFTED, TUNE_TUNED,
	    TUNE_DIFFERS, TUNE_WANTED, TUNE_SET, TUNE_RESTORED, TUNE_ALREADY };
	char				**labels, **was, **now;
	size_t				  i, count[TUNE_DIFFERS + 1];

	memset(count, 0, sizeof count);
	labels = xcalloc(l->nres + 1, sizeof *labels);
	was = xcalloc(l->nres + 1, sizeof *was);
	now = xcalloc(l->nres + 1, sizeof *now);
	for (i = 0; i < l->nres; i++) {
		labels[i] = l->res[i].label;
		was[i] = l->res[i].was;
		now[i] = l->res[i].now;
		count[l->res[i].status]++;
	}
	l->was = tune_summary(labels, was, l->nres);
	l->now = tune_summary(labels, now, l->nres);
	free(labels);
	free(was);
	free(now);
	if (l->why == NULL)
		l->why = xstrdup("");
	if (l->nres == 0)
		return;
	free(l->why);
	l->why = count[TUNE_FAILED] > 0 ? line_why(l, count[TUNE_FAILED]) :
	    xstrdup("");
	l->status = TUNE_GONE;
	if (count[TUNE_FAILED] == l->nres)
		l->status = TUNE_FAILED;
	else if (count[TUNE_FAILED] > 0)
		l->status = TUNE_PARTLY;
	else
		for (i = sizeof first / sizeof first[0]; i-- > 0; )
			if (count[first[i]] > 0)
				l->status = first[i];
}

/* Finish every line; keep those with items, the listed ones, or all. */
void
tune_report_finish(struct tune_report *rep, int keep)
{
	size_t	i, n = 0;

	for (i = 0; i < rep->n; i++) {
		line_finish(&rep->lines[i]);
		if (keep == TUNE_LINES_ALL || rep->lines[i].nres > 0 ||
		    (keep == TUNE_LINES_LISTED && rep->lines[i].listed))
			rep->lines[n++] = rep->lines[i];
		else {
			free(rep->lines[i].was);
			free(rep->lines[i].now);
			free(rep->lines[i].why);
			free(rep->lines[i].want);
		}
	}
	rep->n = n;
}

void
tune_report_free(struct tune_report *rep)
{
	struct tune_line	*l;
	size_t			 i, j;

	for (i = 0; i < rep->n; i++) {
		l = &rep->lines[i];
		for (j = 0; j < l->nres; j++) {
			free(l->res[j].label);
			free(l->res[j].was);
			free(l->res[j].now);
			free(l->res[j].why);
		}
		free(l->res);
		free(l->was);
		free(l->now);
		free(l->why);
		free(l->want);
	}
	free(rep->lines);
	free(rep->cpus);
	free(rep->cpus_from);
	memset(rep, 0, sizeof *rep);
}

/* Items were put back last first: list them in the order of apply. */
void
tune_report_forwards(struct tune_report *rep)
{
	struct tune_result	 t;
	struct tune_line	*l;
	size_t			 i, j;

	for (i = 0; i < rep->n; i++) {
		l = &rep->lines[i];
		for (j = 0; j < l->nres / 2; j++) {
			t = l->res[j];
			l->res[j] = l->res[l->nres - 1 - j];
			l->res[l->nres - 1 - j] = t;
		}
	}
}

/* A plan with nothing to write says why on its line. */
void
tune_report_plan(struct tune_report *rep, const struct tune_plan *p,
    const char *name)
{
	struct tune_line	*l = tune_report_line(rep, name);

	if (p->st.n > 0)
		return;
	l->status = p->status;
	free(l->why);
	l->why = xstrdup(p->why != NULL ? p->why : "");
}
