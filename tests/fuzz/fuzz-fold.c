/*
 * fuzz-fold.c -- libFuzzer target for the `perf script` folding parser.
 *
 * The first input byte picks how the rest is cut into chunks: bit 7 set,
 * every chunk is (bits 0-6) + 1 bytes; clear, sizes of 1 to that come
 * from a generator seeded by the byte.  The rest is folded whole and in
 * chunks, and profile-fold.c promises the cuts change nothing.  The
 * folded text must then read back as the same stacks, the hottest
 * functions must add up, and the text must survive zlib.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "profile.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	*kernel_prefixes[] = { "kernel" };
static char	*sh_prefixes[] = { "comm:sh", "comm:" };
static char	*llvm_prefixes[] = { "llvm::", "" };
static char	*libc_prefixes[] = { "__GI_", "[libc" };

static struct profile_category category_list[] = {
	{ "kernel", kernel_prefixes, 1 },
	{ "shell", sh_prefixes, 2 },
	{ "llvm", llvm_prefixes, 2 },
	{ "libc", libc_prefixes, 2 },
};

static const struct profile_categories categories = {
	category_list, sizeof category_list / sizeof category_list[0]
};

struct folded {
	char		*text;
	size_t		 len;
	uint64_t	 samples;
	uint64_t	 skipped;
};

/* Folds s whole (ctl -1) or in the chunks control byte ctl asks for. */
static void
fold(const char *s, size_t len, int ctl, struct folded *out)
{
	struct profile_fold	*pf;
	uint32_t		 rnd = 2166136261u ^ (uint32_t)ctl;
	size_t			 off = 0, n, max = 1 + (ctl & 0x7f);

	pf = profile_fold_new();
	if (ctl < 0)
		profile_fold_feed(pf, s, len);
	while (ctl >= 0 && off < len) {
		rnd = rnd * 1103515245u + 12345u;
		n = (ctl & 0x80) ? max : 1 + (rnd >> 16) % max;
		if (n > len - off)
			n = len - off;
		/* An empty read changes nothing either. */
		if ((rnd >> 8 & 0x1f) == 0)
			profile_fold_feed(pf, s + off, 0);
		profile_fold_feed(pf, s + off, n);
		off += n;
	}
	out->text = profile_fold_finish(pf, &out->len);
	out->samples = profile_fold_samples(pf);
	out->skipped = profile_fold_skipped(pf);
	profile_fold_free(pf);
}

/*
 * The stacks read back: each frame is named, comm first, and written out
 * again they are the folded text byte for byte, in strictly ascending
 * order of stack.
 */
static void
check_stacks(const struct folded *f, const struct profile_stacks *ps)
{
	const struct profile_stack	*st;
	const char			*line, *nl, *key, *prev = NULL;
	char				*again = NULL;
	size_t				 size = 0, i, j, klen, plen = 0;
	int				 d;
	FILE				*fp;

	FUZZ_CHECK(ps->total == f->samples, "total %llu, samples %llu",
	    (unsigned long long)ps->total, (unsigned long long)f->samples);
	FUZZ_CHECK(ps->n == fuzz_lines(f->text, f->len), "%zu stacks", ps->n);
	if ((fp = open_memstream(&again, &size)) == NULL)
		abort();
	for (i = 0; i < ps->n; i++) {
		st = &ps->v[i];
		FUZZ_CHECK(st->nframes >= 1 && st->count >= 1,
		    "stack %zu: %zu frames, count %llu", i, st->nframes,
		    (unsigned long long)st->count);
		FUZZ_CHECK(*st->frames[0] != '\0', "stack %zu: empty comm", i);
		for (j = 0; j < st->nframes; j++) {
			FUZZ_CHECK(*st->frames[j] != '\0' &&
			    strpbrk(st->frames[j], ";\n") == NULL,
			    "stack %zu frame %zu: \"%s\"", i, j,
			    st->frames[j]);
			fprintf(fp, "%s%s", j == 0 ? "" : ";", st->frames[j]);
		}
		fprintf(fp, " %llu\n", (unsigned long long)st->count);
	}
	fclose(fp);
	FUZZ_CHECK(size == f->len && memcmp(again, f->text, size) == 0,
	    "folded text does not read back:\n%s--\n%s", f->text, again);
	free(again);

	/* Sorted by stack (as strcmp sorts), each stack once. */
	for (line = f->text; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		key = memrchr(line, ' ', nl - line);
		klen = key - line;
		if (prev != NULL) {
			d = memcmp(prev, line, plen < klen ? plen : klen);
			FUZZ_CHECK(d < 0 || (d == 0 && plen < klen),
			    "\"%.*s\" before \"%.*s\"", (int)plen, prev,
			    (int)klen, line);
		}
		prev = line;
		plen = klen;
	}
}

/*
 * The function frame i of stack st counts as: the frame itself, or
 * "[comm]" for a stack that is only the process name.
 */
static int
frame_is(const struct profile_stack *st, size_t i, const char *name)
{
	size_t	n = strlen(name), cn;

	if (st->nframes > 1)
		return (strcmp(st->frames[i], name) == 0);
	cn = strlen(st->frames[0]);
	return (n == cn + 2 && name[0] == '[' && name[n - 1] == ']' &&
	    memcmp(name + 1, st->frames[0], cn) == 0);
}

/* Whether name is a function of stack st, as its leaf or anywhere. */
static int
stack_has(const struct profile_stack *st, const char *name, int leaf)
{
	size_t	i;

	if (st->nframes == 1 || leaf)
		return (frame_is(st, st->nframes - 1, name));
	for (i = 1; i < st->nframes; i++) {
		if (frame_is(st, i, name))
			return (1);
	}
	return (0);
}

/* Whether frame i of st is one of the nv functions in v. */
static int
listed(const struct profile_hot_fn *v, size_t nv,
    const struct profile_stack *st, size_t i)
{
	size_t	k;

	for (k = 0; k < nv; k++) {
		if (frame_is(st, i, v[k].name))
			return (1);
	}
	return (0);
}

static int
category_known(const char *name)
{
	size_t	i;

	for (i = 0; i < categories.n; i++) {
		if (strcmp(name, categories.v[i].name) == 0)
			return (1);
	}
	return (strcmp(name, "other") == 0);
}

/*
 * One list of the hottest functions: sorted by the key then name, each
 * count recomputed the slow way, and when shorter than top, complete.
 */
static void
check_fns(const struct profile_stacks *ps, const struct profile_hot_fn *v,
    size_t nv, size_t top, int byself)
{
	const struct profile_hot_fn	*fn;
	const struct profile_stack	*st;
	uint64_t			 self, total, k, pk;
	size_t				 i, j;

	FUZZ_CHECK(nv <= top, "%zu listed, top %zu", nv, top);
	for (i = 0; i < nv; i++) {
		fn = &v[i];
		FUZZ_CHECK(fn->self <= fn->total && fn->total <= ps->total &&
		    fn->total > 0, "%s: self %llu total %llu samples %llu",
		    fn->name, (unsigned long long)fn->self,
		    (unsigned long long)fn->total,
		    (unsigned long long)ps->total);
		FUZZ_CHECK(!byself || fn->self > 0, "%s: self 0", fn->name);
		FUZZ_CHECK(category_known(fn->category), "%s: category %s",
		    fn->name, fn->category);
		if (i > 0) {
			k = byself ? fn->self : fn->total;
			pk = byself ? v[i - 1].self : v[i - 1].total;
			FUZZ_CHECK(pk > k || (pk == k &&
			    strcmp(v[i - 1].name, fn->name) < 0),
			    "%s listed after %s", fn->name, v[i - 1].name);
		}
		self = total = 0;
		for (j = 0; j < ps->n; j++) {
			if (stack_has(&ps->v[j], fn->name, 1))
				self += ps->v[j].count;
			if (stack_has(&ps->v[j], fn->name, 0))
				total += ps->v[j].count;
		}
		FUZZ_CHECK(fn->self == self && fn->total == total, "%s: self "
		    "%llu total %llu, recounted %llu %llu", fn->name,
		    (unsigned long long)fn->self,
		    (unsigned long long)fn->total, (unsigned long long)self,
		    (unsigned long long)total);
	}
	if (nv == top)
		return;
	for (j = 0; j < ps->n; j++) {
		st = &ps->v[j];
		i = byself || st->nframes == 1 ? st->nframes - 1 : 1;
		for (; i < st->nframes; i++)
			FUZZ_CHECK(listed(v, nv, st, i), "stack %zu frame %zu "
			    "unlisted", j, i);
	}
}

static void
check_hot(const struct profile_stacks *ps, size_t top)
{
	struct profile_hot	h;
	uint64_t		sum = 0;
	size_t			i;

	profile_hot(ps, &categories, top, &h);
	FUZZ_CHECK(h.samples == ps->total, "hot samples %llu",
	    (unsigned long long)h.samples);
	for (i = 0; i < h.ncats; i++) {
		FUZZ_CHECK(category_known(h.cats[i].name), "category %s",
		    h.cats[i].name);
		FUZZ_CHECK(h.cats[i].self > 0, "category %s empty",
		    h.cats[i].name);
		if (i > 0)
			FUZZ_CHECK(h.cats[i - 1].self > h.cats[i].self ||
			    (h.cats[i - 1].self == h.cats[i].self &&
			    strcmp(h.cats[i - 1].name, h.cats[i].name) < 0),
			    "category %s after %s", h.cats[i].name,
			    h.cats[i - 1].name);
		sum += h.cats[i].self;
	}
	FUZZ_CHECK(sum == ps->total, "categories hold %llu of %llu samples",
	    (unsigned long long)sum, (unsigned long long)ps->total);
	check_fns(ps, h.by_self, h.nby_self, top, 1);
	check_fns(ps, h.by_total, h.nby_total, top, 0);
	profile_hot_free(&h);
}

/* zlib both ways; a byte short, a byte over or one past the limit fails. */
static void
check_zlib(const struct folded *f)
{
	unsigned char	*z;
	char		*back;
	size_t		 zlen, blen;

	FUZZ_CHECK(profile_compress(f->text, f->len, &z, &zlen) == 0,
	    "compress failed");
	FUZZ_CHECK(profile_uncompress(z, zlen, &back, &blen) == 0,
	    "uncompress failed");
	FUZZ_CHECK(blen == f->len && memcmp(back, f->text, blen) == 0 &&
	    back[blen] == '\0', "round trip changed the text");
	free(back);
	FUZZ_CHECK(profile_uncompress_max(z, zlen, f->len, &back, &blen) == 0,
	    "uncompress at the exact limit failed");
	free(back);
	if (f->len > 0)
		FUZZ_CHECK(profile_uncompress_max(z, zlen, f->len - 1, &back,
		    &blen) == -1, "uncompress past the limit worked");
	FUZZ_CHECK(profile_uncompress(z, zlen - 1, &back, &blen) == -1,
	    "truncated stream accepted");
	z = xreallocarray(z, zlen + 1, 1);
	z[zlen] = 0;
	FUZZ_CHECK(profile_uncompress(z, zlen + 1, &back, &blen) == -1,
	    "trailing byte accepted");
	free(z);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct folded		 whole, cut;
	struct profile_stacks	 ps;
	const char		*s = (const char *)data + 1;
	char			*err;
	size_t			 len;

	if (size == 0)
		return (0);
	len = size - 1;
	fold(s, len, -1, &whole);
	fold(s, len, data[0], &cut);
	FUZZ_CHECK(whole.len == cut.len && memcmp(whole.text, cut.text,
	    whole.len) == 0, "whole and chunked differ:\n%s--\n%s",
	    whole.text, cut.text);
	FUZZ_CHECK(whole.samples == cut.samples &&
	    whole.skipped == cut.skipped, "counts %llu/%llu %llu/%llu",
	    (unsigned long long)whole.samples,
	    (unsigned long long)cut.samples,
	    (unsigned long long)whole.skipped,
	    (unsigned long long)cut.skipped);
	FUZZ_CHECK(whole.samples + whole.skipped <= fuzz_lines(s, len),
	    "%llu samples and %llu skipped of %llu lines",
	    (unsigned long long)whole.samples,
	    (unsigned long long)whole.skipped,
	    (unsigned long long)fuzz_lines(s, len));
	FUZZ_CHECK(whole.len == strlen(whole.text), "NUL in folded text");
	free(cut.text);

	FUZZ_CHECK(profile_stacks_parse(whole.text, whole.len, &ps, &err) == 0,
	    "%s in:\n%s", err, whole.text);
	check_stacks(&whole, &ps);
	check_hot(&ps, 1 + (data[0] & 0x0f));
	profile_stacks_free(&ps);
	check_zlib(&whole);
	free(whole.text);
	return (0);
}
