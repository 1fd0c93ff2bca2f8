/*
 * profile-hot.c -- the hottest functions of a folded profile.
 *
 * frames[0] of a stack is the process name, not a function: it is left
 * out of both lists.  A stack that is only the process name (perf found
 * no frame) is counted as the function "[comm]", so every sample is in
 * the self list and the self percentages add up to 100; that is also
 * the name an unnamed frame of that program's binary gets.
 * A function's category is the one most of its samples (by total) fall
 * in, as the same function ("malloc") can run under different processes.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "xmalloc.h"

struct hot_tally {
	const char	*cat;
	uint64_t	 n;
};

struct hot_fn {
	const char		*name;		/* into the stacks, or owned */
	char			*owned;
	uint64_t		 hash;
	uint64_t		 self;
	uint64_t		 total;
	size_t			 last;		/* 1 + last stack counted */
	struct hot_tally	*tally;
	size_t			 ntally;
};

struct hot_map {
	struct hot_fn	*fn;
	size_t		 nfn;
	size_t		 fnsz;
	size_t		*slot;			/* index + 1; 0 free */
	size_t		 slotsz;		/* a power of two */
};

static uint64_t
hot_hash(const char *s)
{
	uint64_t	h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return (h ^ (h >> 29));
}

static void
hot_rehash(struct hot_map *m)
{
	size_t	i, j;

	free(m->slot);
	m->slotsz = m->slotsz == 0 ? 1024 : m->slotsz * 2;
	m->slot = xcalloc(m->slotsz, sizeof(*m->slot));
	for (i = 0; i < m->nfn; i++) {
		j = m->fn[i].hash & (m->slotsz - 1);
		while (m->slot[j] != 0)
			j = (j + 1) & (m->slotsz - 1);
		m->slot[j] = i + 1;
	}
}

/* The function called name, added if new; name must outlive the map. */
static struct hot_fn *
hot_get(struct hot_map *m, const char *name)
{
	struct hot_fn	*f;
	uint64_t	 h = hot_hash(name);
	size_t		 j;

	if ((m->nfn + 1) * 10 > m->slotsz * 7)
		hot_rehash(m);
	j = h & (m->slotsz - 1);
	for (; m->slot[j] != 0; j = (j + 1) & (m->slotsz - 1)) {
		f = &m->fn[m->slot[j] - 1];
		if (f->hash == h && strcmp(f->name, name) == 0)
			return (f);
	}
	if (m->nfn == m->fnsz) {
		m->fnsz = m->fnsz == 0 ? 256 : m->fnsz * 2;
		m->fn = xreallocarray(m->fn, m->fnsz, sizeof(*m->fn));
	}
	m->slot[j] = m->nfn + 1;
	f = &m->fn[m->nfn++];
	memset(f, 0, sizeof(*f));
	f->name = name;
	f->hash = h;
	return (f);
}

/* Adds n to the tally of cat in v (*nv entries; at most one per cat). */
static void
hot_tally_add(struct hot_tally **v, size_t *nv, const char *cat, uint64_t n)
{
	size_t	i;

	for (i = 0; i < *nv; i++) {
		if ((*v)[i].cat == cat) {
			(*v)[i].n += n;
			return;
		}
	}
	*v = xreallocarray(*v, *nv + 1, sizeof(**v));
	(*v)[*nv].cat = cat;
	(*v)[*nv].n = n;
	(*nv)++;
}

/* The category with the most samples; ties to the lesser name. */
static const char *
hot_tally_top(const struct hot_tally *v, size_t nv)
{
	size_t	i, best = 0;

	for (i = 1; i < nv; i++) {
		if (v[i].n > v[best].n || (v[i].n == v[best].n &&
		    strcmp(v[i].cat, v[best].cat) < 0))
			best = i;
	}
	return (v[best].cat);
}

/* Counts one stack (index k) into the map and the category totals. */
static void
hot_stack(struct hot_map *m, const struct profile_stack *st, size_t k,
    const struct profile_categories *cats, struct hot_tally **ct, size_t *nct)
{
	struct hot_fn	*f;
	const char	*comm = st->frames[0], *cat;
	char		*owned = NULL;
	size_t		 i;
	int		 leaf;

	if (st->nframes == 1) {
		xasprintf(&owned, "[%s]", comm);
		f = hot_get(m, owned);
		if (f->owned == NULL)
			f->owned = owned;
		else
			free(owned);
		f->self += st->count;
		f->total += st->count;
		cat = profile_category_of(cats, f->name, comm);
		hot_tally_add(&f->tally, &f->ntally, cat, st->count);
		hot_tally_add(ct, nct, cat, st->count);
		return;
	}
	for (i = 1; i < st->nframes; i++) {
		f = hot_get(m, st->frames[i]);
		leaf = i == st->nframes - 1;
		if (!leaf && f->last == k + 1)
			continue;	/* recursion: once per stack */
		cat = profile_category_of(cats, f->name, comm);
		if (leaf) {
			f->self += st->count;
			hot_tally_add(ct, nct, cat, st->count);
		}
		if (f->last == k + 1)
			continue;
		f->last = k + 1;
		f->total += st->count;
		hot_tally_add(&f->tally, &f->ntally, cat, st->count);
	}
}

static int
cmp_self(const void *a, const void *b)
{
	const struct hot_fn	*x = *(const struct hot_fn * const *)a;
	const struct hot_fn	*y = *(const struct hot_fn * const *)b;

	if (x->self != y->self)
		return (x->self > y->self ? -1 : 1);
	return (strcmp(x->name, y->name));
}

static int
cmp_total(const void *a, const void *b)
{
	const struct hot_fn	*x = *(const struct hot_fn * const *)a;
	const struct hot_fn	*y = *(const struct hot_fn * const *)b;

	if (x->total != y->total)
		return (x->total > y->total ? -1 : 1);
	return (strcmp(x->name, y->name));
}

static int
cmp_cat(const void *a, const void *b)
{
	const struct hot_tally	*x = a, *y = b;

	if (x->n != y->n)
		return (x->n > y->n ? -1 : 1);
	return (strcmp(x->cat, y->cat));
}

/* The first n of the nv functions in v sorted by cmp (self > 0 if byself). */
static struct profile_hot_fn *
hot_top(struct hot_fn **v, size_t nv, size_t n, int (*cmp)(const void *,
    const void *), int byself, size_t *nout)
{
	struct profile_hot_fn	*out;
	size_t			 i;

	qsort(v, nv, sizeof(*v), cmp);
	if (n > nv)
		n = nv;
	while (byself && n > 0 && v[n - 1]->self == 0)
		n--;
	out = xreallocarray(NULL, n == 0 ? 1 : n, sizeof(*out));
	for (i = 0; i < n; i++) {
		out[i].name = xstrdup(v[i]->name);
		out[i].category = hot_tally_top(v[i]->tally, v[i]->ntally);
		out[i].self = v[i]->self;
		out[i].total = v[i]->total;
	}
	*nout = n;
	return (out);
}

void
profile_hot(const struct profile_stacks *ps,
    const struct profile_categories *cats, size_t n, struct profile_hot *h)
{
	struct hot_map	  m;
	struct hot_fn	**v;
	struct hot_tally *ct = NULL;
	size_t		  i, nct = 0;

	memset(h, 0, sizeof(*h));
	memset(&m, 0, sizeof(m));
	hot_rehash(&m);
	h->samples = ps->total;
	for (i = 0; i < ps->n; i++)
		hot_stack(&m, &ps->v[i], i, cats, &ct, &nct);

	v = xreallocarray(NULL, m.nfn == 0 ? 1 : m.nfn, sizeof(*v));
	for (i = 0; i < m.nfn; i++)
		v[i] = &m.fn[i];
	h->by_self = hot_top(v, m.nfn, n, cmp_self, 1, &h->nby_self);
	h->by_total = hot_top(v, m.nfn, n, cmp_total, 0, &h->nby_total);
	free(v);

	if (nct > 0)
		qsort(ct, nct, sizeof(*ct), cmp_cat);
	h->cats = xreallocarray(NULL, nct == 0 ? 1 : nct, sizeof(*h->cats));
	for (i = 0; i < nct; i++) {
		h->cats[i].name = ct[i].cat;
		h->cats[i].self = ct[i].n;
	}
	h->ncats = nct;
	free(ct);

	for (i = 0; i < m.nfn; i++) {
		free(m.fn[i].owned);
		free(m.fn[i].tally);
	}
	free(m.fn);
	free(m.slot);
}

void
profile_hot_free(struct profile_hot *h)
{
	size_t	i;

	for (i = 0; i < h->nby_self; i++)
		free(h->by_self[i].name);
	for (i = 0; i < h->nby_total; i++)
		free(h->by_total[i].name);
	free(h->by_self);
	free(h->by_total);
	free(h->cats);
	memset(h, 0, sizeof(*h));
}
