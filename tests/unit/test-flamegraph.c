/*
 * test-flamegraph.c -- daemon/flamegraph.c: geometry, titles, escaping,
 * pruning, determinism and colours of the SVG, on stacks built by hand
 * (no dependency on profile.c).  Every document also passes a small
 * well-formedness check written here, so the test needs no xmllint.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "flamegraph.h"
#include "profile.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* "a;b;c 12" lines into stacks, as profile_stacks_parse would give them. */
static void
stacks_make(struct profile_stacks *ps, const char *const *lines, size_t n)
{
	struct profile_stack	*st;
	char			*line, *sp, *f, *save;
	size_t			 i;

	ps->v = calloc(n == 0 ? 1 : n, sizeof(*ps->v));
	assert_non_null(ps->v);
	ps->n = n;
	ps->total = 0;
	for (i = 0; i < n; i++) {
		st = &ps->v[i];
		assert_non_null(line = strdup(lines[i]));
		assert_non_null(sp = strrchr(line, ' '));
		*sp = '\0';
		st->count = strtoull(sp + 1, NULL, 10);
		st->frames = calloc(strlen(line) + 1, sizeof(*st->frames));
		assert_non_null(st->frames);
		st->nframes = 0;
		for (f = strtok_r(line, ";", &save); f != NULL;
		    f = strtok_r(NULL, ";", &save))
			assert_non_null(st->frames[st->nframes++] = strdup(f));
		ps->total += st->count;
		free(line);
	}
}

static void
stacks_free(struct profile_stacks *ps)
{
	size_t	i, j;

	for (i = 0; i < ps->n; i++) {
		for (j = 0; j < ps->v[i].nframes; j++)
			free(ps->v[i].frames[j]);
		free(ps->v[i].frames);
	}
	free(ps->v);
}

static size_t
count_of(const char *doc, const char *needle)
{
	size_t	n = 0;

	for (; (doc = strstr(doc, needle)) != NULL; doc++)
		n++;
	return (n);
}

static void
check_utf8(const char *doc)
{
	const unsigned char	*p = (const unsigned char *)doc;
	size_t			 n, i;

	for (; *p != '\0'; p += n) {
		if (*p < 0x80)
			n = 1;
		else if (*p >= 0xc2 && *p <= 0xdf)
			n = 2;
		else if (*p >= 0xe0 && *p <= 0xef)
			n = 3;
		else if (*p >= 0xf0 && *p <= 0xf4)
			n = 4;
		else {
			n = 1;
			fail_msg("bad UTF-8 lead byte 0x%02x at %td", *p,
			    (const char *)p - doc);
		}
		for (i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				fail_msg("bad UTF-8 at %td", (const char *)p - doc);
		}
	}
}

static const char *
check_entity(const char *p)
{
	static const char	*ents[] = { "&amp;", "&lt;", "&gt;", "&quot;",
	    "&apos;" };
	size_t			 i;

	for (i = 0; i < NELEM(ents); i++) {
		if (strncmp(p, ents[i], strlen(ents[i])) == 0)
			return (p + strlen(ents[i]));
	}
	fail_msg("bad entity at \"%.20s\"", p);
	return (NULL);
}

static size_t
name_len(const char *p)
{
	size_t	n = 0;

	while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
	    (p[n] >= '0' && p[n] <= '9') || p[n] == ':' || p[n] == '-')
		n++;
	assert_true(n > 0 && n < 32);
	return (n);
}

/* One start tag at p ("<name attr="v"...>"); pushes it unless empty. */
static const char *
check_tag(const char *p, char stack[][32], int *depth)
{
	size_t	n = name_len(++p);

	assert_true(*depth < 16);
	memcpy(stack[*depth], p, n);
	stack[*depth][n] = '\0';
	for (p += n;;) {
		while (*p == ' ' || *p == '\n')
			p++;
		if (p[0] == '/' && p[1] == '>')
			return (p + 2);
		if (*p == '>') {
			(*depth)++;
			return (p + 1);
		}
		p += name_len(p);
		assert_true(p[0] == '=' && p[1] == '"');
		for (p += 2; *p != '"'; ) {
			assert_true(*p != '\0' && *p != '<');
			p = *p == '&' ? check_entity(p) : p + 1;
		}
		p++;
	}
}

/* Balanced tags, quoted attributes, known entities, one root, UTF-8. */
static void
check_xml(const char *doc)
{
	char		 stack[16][32];
	const char	*p;
	int		 depth = 0, roots = 0;
	size_t		 n;

	check_utf8(doc);
	assert_true(strncmp(doc, "<?xml version=\"1.0\"", 19) == 0);
	assert_non_null(p = strstr(doc, "?>"));
	for (p += 2; *p != '\0'; ) {
		if (*p == '&')
			p = check_entity(p);
		else if (*p == '>')
			fail_msg("raw '>' in text at %td", p - doc);
		else if (*p != '<')
			p++;
		else if (p[1] == '/') {
			assert_true(depth > 0);
			n = strlen(stack[depth - 1]);
			assert_memory_equal(p + 2, stack[depth - 1], n);
			assert_true(p[2 + n] == '>');
			p += 3 + n;
			depth--;
		} else {
			if (depth == 0)
				roots++;
			p = check_tag(p, stack, &depth);
		}
	}
	assert_int_equal(depth, 0);
	assert_int_equal(roots, 1);
}

/* Renders lines (and base lines if any) and checks the XML. */
static char *
render(const char *const *cur, size_t ncur, const char *const *base,
    size_t nbase, const struct flame_opts *opts)
{
	struct profile_stacks	 c, b;
	char			*svg;

	stacks_make(&c, cur, ncur);
	if (base != NULL)
		stacks_make(&b, base, nbase);
	svg = flame_svg(&c, base != NULL ? &b : NULL, opts);
	assert_non_null(svg);
	check_xml(svg);
	stacks_free(&c);
	if (base != NULL)
		stacks_free(&b);
	return (svg);
}

/* The <g> of the frame whose title starts with prefix (static copy). */
static const char *
frame(const char *svg, const char *prefix)
{
	static char	 g[4096];
	char		 needle[512];
	const char	*p, *e;

	snprintf(needle, sizeof(needle), "<g><title>%s", prefix);
	if ((p = strstr(svg, needle)) == NULL)
		return (NULL);
	assert_non_null(e = strstr(p, "</g>"));
	assert_true((size_t)(e - p) < sizeof(g));
	memcpy(g, p, e - p);
	g[e - p] = '\0';
	return (g);
}

static double
attr(const char *g, const char *name)
{
	char		 needle[64];
	const char	*p;

	snprintf(needle, sizeof(needle), " %s=\"", name);
	assert_non_null(p = strstr(g, needle));
	return (strtod(p + strlen(needle), NULL));
}

static void
fill(const char *g, int rgb[3])
{
	const char	*p;

	assert_non_null(g);
	assert_non_null(p = strstr(g, "fill=\"rgb("));
	assert_int_equal(sscanf(p + 10, "%d,%d,%d", &rgb[0], &rgb[1], &rgb[2]),
	    3);
}

static void
test_structure(void **state)
{
	const char	*in[] = { "p;a;b 1", "p;a;c 1", "p;d 2" };
	char		*svg;

	svg = render(in, NELEM(in), NULL, 0, NULL);
	/* The background and all, p, a, b, c, d. */
	assert_int_equal(count_of(svg, "<rect "), 7);
	assert_int_equal(count_of(svg, "<g><title>"), 6);
	assert_non_null(strstr(svg, "xmlns=\"http://www.w3.org/2000/svg\" "
	    "width=\"1200\" height=\"112\" viewBox=\"0 0 1200 112\""));
	assert_non_null(strstr(svg, "<text class=\"title\" x=\"600.0\" y=\"24\">"
	    "Flame Graph</text>"));
	assert_int_equal(count_of(svg, "http"), 1);	/* the namespace */
	assert_null(strstr(svg, "<script"));
	/* Root at the bottom, depth grows upward, 16 px a level. */
	assert_int_equal(attr(frame(svg, "all ("), "y"), 86);
	assert_int_equal(attr(frame(svg, "p ("), "y"), 70);
	assert_int_equal(attr(frame(svg, "b ("), "y"), 38);
	assert_int_equal(attr(frame(svg, "b ("), "height"), 15);
	/* Children sorted by name, left to right; self time to the right. */
	assert_true(attr(frame(svg, "a ("), "x") < attr(frame(svg, "d ("), "x"));
	assert_true(attr(frame(svg, "b ("), "x") < attr(frame(svg, "c ("), "x"));
	assert_non_null(strstr(svg, "<title>all (4 samples, 100.00%)</title>"));
	assert_non_null(strstr(svg, "<title>a (2 samples, 50.00%)</title>"));
	assert_non_null(strstr(svg, "<title>b (1 samples, 25.00%)</title>"));
	free(svg);
}

static void
test_widths(void **state)
{
	const char		*in[] = { "p;x 3", "p;y 1", "p;z;w 2" };
	struct flame_opts	 o = { "T", "session 12, 6 samples", 0, NULL,
	    NULL };
	char			*svg;
	const char		*g;
	double			 wx, wy;

	svg = render(in, 2, NULL, 0, NULL);
	wx = attr(frame(svg, "x ("), "width");
	wy = attr(frame(svg, "y ("), "width");
	assert_true(wx > 3 * wy - 0.01 && wx < 3 * wy + 0.01);
	assert_true(wx + wy > 1180 - 0.01 && wx + wy < 1180 + 0.01);
	assert_int_equal(attr(frame(svg, "all ("), "width"), 1180);
	assert_int_equal(attr(frame(svg, "y ("), "x"), 10 + 885);
	assert_non_null(strstr(svg, "<title>x (3 samples, 75.00%)</title>"));
	assert_non_null(strstr(svg, "<title>y (1 samples, 25.00%)</title>"));
	free(svg);

	/* Subtitle and a third of the samples in a frame. */
	o.width = 600;
	svg = render(in, NELEM(in), NULL, 0, &o);
	assert_non_null(strstr(svg, "width=\"600\""));
	assert_non_null(strstr(svg, ">session 12, 6 samples</text>"));
	assert_non_null(g = frame(svg, "z (2 samples, 33.33%)"));
	assert_true(attr(g, "width") > 193.32 && attr(g, "width") < 193.34);
	assert_non_null(strstr(svg, "<title>w (2 samples, 33.33%)</title>"));
	free(svg);
}

static void
test_labels(void **state)
{
	char		 big[256], in0[300], label[128];
	const char	*in[] = { in0, "p;short 1" }, *small[] = { "p;big 58",
	    "p;lbl 1" };
	char		*svg;

	/* 590 px: (590 - 6) / 7.08 = 82 characters, so 80 and "..". */
	memset(big, 'a', 200);
	big[200] = '\0';
	snprintf(in0, sizeof(in0), "p;%s 1", big);
	svg = render(in, NELEM(in), NULL, 0, NULL);
	label[0] = '>';
	memset(label + 1, 'a', 80);
	snprintf(label + 81, sizeof(label) - 81, "..</text>");
	assert_non_null(strstr(svg, label));
	assert_non_null(strstr(svg, ">short</text>"));
	free(svg);

	/* 20 px fits under 3 characters: no label, still a title. */
	svg = render(small, NELEM(small), NULL, 0, NULL);
	assert_non_null(frame(svg, "lbl (1 samples"));
	assert_null(strstr(frame(svg, "lbl ("), "<text"));
	assert_non_null(strstr(frame(svg, "big ("), ">big</text>"));
	free(svg);
}

static void
test_escaping(void **state)
{
	const char	*in[] = {
		"cargo;<alloc::vec::Vec<T> as Drop>::drop & co 2",
		"cargo;q\"u'o 1",
	};
	struct flame_opts o = { "a <b> & \"c\"", "it's", 0, NULL, NULL };
	char		*svg;

	svg = render(in, NELEM(in), NULL, 0, &o);
	assert_non_null(strstr(svg, "<title>&lt;alloc::vec::Vec&lt;T&gt; as "
	    "Drop&gt;::drop &amp; co (2 samples, 66.67%)</title>"));
	assert_non_null(strstr(svg, ">&lt;alloc::vec::Vec&lt;T&gt; as "
	    "Drop&gt;::drop &amp; co</text>"));
	assert_non_null(strstr(svg, "<title>q&quot;u&apos;o (1 samples"));
	assert_non_null(strstr(svg, ">a &lt;b&gt; &amp; &quot;c&quot;</text>"));
	assert_non_null(strstr(svg, ">it&apos;s</text>"));
	assert_null(strstr(svg, "<alloc"));
	assert_null(strstr(svg, "& co"));
	free(svg);
}

static void
test_utf8(void **state)
{
	const char	*in[] = {
		"p;bad\xff\xfe name\xc3 1",
		"p;over\xc0\xaflong\xed\xa0\x80 1",
		"p;caf\xc3\xa9 \xe2\x86\x92 ok\x01 1",
	};
	char		*svg;

	svg = render(in, NELEM(in), NULL, 0, NULL);
	assert_non_null(strstr(svg, "<title>bad?? name? (1 samples"));
	assert_non_null(strstr(svg, "<title>over??long??? (1 samples"));
	assert_non_null(strstr(svg, "<title>caf\xc3\xa9 \xe2\x86\x92 ok? "
	    "(1 samples"));
	free(svg);
}

static void
test_pruning(void **state)
{
	const char	*in[] = { "p;big 100000", "p;tiny 1",
	    "p;tiny;deeper 1" }, *edge[] = { "p;big 9999", "p;small 1" };
	char		*svg, line[128], **lines;
	const char	*s;
	size_t		 i, n = 20000;

	/* 2 of 100002 samples: 0.024 px, not drawn, nor its child. */
	svg = render(in, NELEM(in), NULL, 0, NULL);
	assert_null(strstr(svg, "tiny"));
	assert_null(strstr(svg, "deeper"));
	assert_int_equal(count_of(svg, "<rect "), 4);
	assert_non_null(strstr(svg, "<title>all (100002 samples, 100.00%)"));
	free(svg);

	/* 1 of 10000 samples: 0.118 px, drawn. */
	svg = render(edge, NELEM(edge), NULL, 0, NULL);
	assert_non_null(frame(svg, "small (1 samples, 0.01%)"));
	assert_true(attr(frame(svg, "small ("), "width") > 0.1);
	free(svg);

	/* Many distinct one-sample stacks: only wide enough frames drawn. */
	assert_non_null(lines = calloc(n, sizeof(*lines)));
	for (i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "cargo;main;m%zu;f%zu;g%zu;h%zu 1",
		    i % 7, i % 70, i % 700, i);
		assert_non_null(lines[i] = strdup(line));
	}
	svg = render((const char *const *)lines, n, NULL, 0, NULL);
	assert_null(strstr(svg, "<title>h"));	/* 0.059 px each */
	assert_int_equal(count_of(svg, "<title>g"), 700);
	assert_int_equal(count_of(svg, "<g>"), 3 + 7 + 70 + 700);
	for (s = svg; (s = strstr(s, "<g>")) != NULL; s++)
		assert_true(attr(s, "width") >= 0.1);
	assert_true(strlen(svg) < 512 * 1024);
	free(svg);
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

static void
test_deterministic(void **state)
{
	const char	*a[] = { "p;a;b 1", "p;a;c 2", "p;d 2", "q;x_[k] 1",
	    "p;a;b 3" };
	const char	*b[] = { "q;x_[k] 1", "p;a;b 3", "p;d 2", "p;a;b 1",
	    "p;a;c 2" };
	char		*s1, *s2, *s3;

	s1 = render(a, NELEM(a), NULL, 0, NULL);
	s2 = render(a, NELEM(a), NULL, 0, NULL);
	s3 = render(b, NELEM(b), NULL, 0, NULL);
	assert_string_equal(s1, s2);
	assert_string_equal(s1, s3);
	/* Repeated stacks merge. */
	assert_non_null(strstr(s1, "<title>b (4 samples, 44.44%)</title>"));
	assert_int_equal(count_of(s1, "<title>b ("), 1);
	free(s1);
	free(s2);
	free(s3);
	s1 = render(a, NELEM(a), b, NELEM(b), NULL);
	s2 = render(b, NELEM(b), a, NELEM(a), NULL);
	assert_string_equal(s1, s2);
	free(s1);
	free(s2);
}

static void
test_diff(void **state)
{
	const char	*base[] = { "p;a 40", "p;b 40", "p;c 20" };
	const char	*cur[] = { "p;a 60", "p;b 15", "p;c 20", "p;n 5" };
	const char	*moved[] = { "p;y;k 10", "p;x;k 10" };
	char		*svg;
	int		 a[3], b[3], c[3], n[3], p[3];

	svg = render(cur, NELEM(cur), base, NELEM(base), NULL);
	assert_non_null(strstr(svg, "<title>a (60 samples, 60.00%; base "
	    "40.00%, +20.00 pp)</title>"));
	assert_non_null(strstr(svg, "<title>b (15 samples, 15.00%; base "
	    "40.00%, -25.00 pp)</title>"));
	assert_non_null(strstr(svg, "<title>c (20 samples, 20.00%; base "
	    "20.00%, +0.00 pp)</title>"));
	assert_non_null(strstr(svg, "<title>n (5 samples, 5.00%; base "
	    "0.00%, +5.00 pp)</title>"));
	assert_non_null(strstr(svg, "Differential Flame Graph"));
	/* Widths come from cur. */
	assert_true(attr(frame(svg, "a ("), "width") > 707.99 &&
	    attr(frame(svg, "a ("), "width") < 708.01);
	fill(frame(svg, "a ("), a);
	fill(frame(svg, "b ("), b);
	fill(frame(svg, "c ("), c);
	fill(frame(svg, "n ("), n);
	fill(frame(svg, "p ("), p);
	assert_true(a[0] > a[1] + 50 && a[0] > a[2] + 50);
	assert_true(b[2] > b[0] + 50 && b[2] > b[1] + 50);
	assert_true(n[0] > n[1] + 10 && n[0] > n[2] + 10);
	/* The largest change is the most intense. */
	assert_true(b[0] < a[1] && b[0] < n[1]);
	assert_true(a[1] < n[1]);
	assert_true(c[0] == c[1] && c[1] == c[2]);
	assert_true(p[0] == p[1] && p[1] == p[2] && p[0] == c[0]);
	free(svg);

	/* Frames match by their full path, not by name. */
	svg = render(moved, 1, moved + 1, 1, NULL);
	assert_non_null(strstr(svg, "<title>k (10 samples, 100.00%; base "
	    "0.00%, +100.00 pp)</title>"));
	free(svg);
}

struct seen {
	char	frame[32];
	char	comm[32];
};

static const char *
category(void *arg, const char *frame_name, const char *comm)
{
	struct seen	*s = arg;

	if (strcmp(frame_name, "lld::elf::link") == 0) {
		snprintf(s->frame, sizeof(s->frame), "%s", frame_name);
		snprintf(s->comm, sizeof(s->comm), "%s", comm);
		return ("link");
	}
	if (strncmp(frame_name, "LLVM", 4) == 0)
		return ("llvm");
	if (strncmp(frame_name, "rustc_", 6) == 0)
		return ("compiler");
	if (strcmp(frame_name, "weird") == 0)
		return ("some-new-category");
	/* No match: NULL or "other"; a kernel frame is kernel either way. */
	return (strncmp(frame_name, "do_", 3) == 0 ? NULL : "other");
}

static void
test_categories(void **state)
{
	const char		*in[] = { "cargo;do_syscall_64_[k] 1",
	    "cargo;ksys_read_[k] 1", "cargo;rustc_a 1", "cargo;rustc_b 1",
	    "cargo;LLVMRunPasses 1", "ld;lld::elf::link 1", "cargo;weird 1",
	    "cargo;main 1" };
	struct seen		 seen;
	struct flame_opts	 o = { NULL, NULL, 0, category, &seen };
	char			*svg;
	int			 k1[3], k2[3], r1[3], r2[3], l[3], ld[3], w[3];
	int			 m[3];

	memset(&seen, 0, sizeof(seen));
	svg = render(in, NELEM(in), NULL, 0, &o);
	assert_string_equal(seen.frame, "lld::elf::link");
	assert_string_equal(seen.comm, "ld");
	fill(frame(svg, "do_syscall_64_[k] ("), k1);
	fill(frame(svg, "ksys_read_[k] ("), k2);
	fill(frame(svg, "rustc_a ("), r1);
	fill(frame(svg, "rustc_b ("), r2);
	fill(frame(svg, "LLVMRunPasses ("), l);
	fill(frame(svg, "lld::elf::link ("), ld);
	fill(frame(svg, "weird ("), w);
	fill(frame(svg, "main ("), m);
	/* Kernel orange, both; yet two functions differ. */
	assert_true(k1[0] > k1[1] && k1[1] > k1[2] + 40);
	assert_true(k2[0] > k2[1] && k2[1] > k2[2] + 40);
	assert_memory_not_equal(k1, k2, sizeof(k1));
	assert_true(r1[1] > r1[0] && r1[1] > r1[2]);	/* green */
	assert_true(r2[1] > r2[0] && r2[1] > r2[2]);
	assert_memory_not_equal(r1, r2, sizeof(r1));
	assert_true(l[2] + 60 < l[0] && l[2] + 60 < l[1]);	/* yellow */
	assert_true(ld[0] > ld[1] && ld[2] > ld[1]);	/* purple */
	assert_true(m[0] > m[1] + 40 && m[0] > m[2] + 40);	/* warm red */
	assert_memory_not_equal(w, m, sizeof(w));
	free(svg);

	/* No callback: "_[k]" is kernel, the rest other. */
	svg = render(in, NELEM(in), NULL, 0, NULL);
	fill(frame(svg, "do_syscall_64_[k] ("), r1);
	assert_memory_equal(r1, k1, sizeof(r1));
	fill(frame(svg, "rustc_a ("), r1);
	assert_true(r1[0] > r1[1] + 40 && r1[0] > r1[2] + 40);
	fill(frame(svg, "main ("), r1);
	assert_memory_equal(r1, m, sizeof(r1));
	free(svg);
}

static void
test_empty(void **state)
{
	struct profile_stacks	 none = { NULL, 0, 0 };
	char			*svg;

	assert_non_null(svg = flame_svg(&none, NULL, NULL));
	check_xml(svg);
	assert_non_null(strstr(svg, "<title>all (0 samples, 0.00%)</title>"));
	assert_int_equal(count_of(svg, "<rect "), 2);
	free(svg);
	assert_non_null(svg = flame_svg(&none, &none, NULL));
	check_xml(svg);
	assert_non_null(strstr(svg, "<title>all (0 samples, 0.00%; base "
	    "0.00%, +0.00 pp)</title>"));
	free(svg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_widths),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_pruning),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_categories),
		cmocka_unit_test(test_empty),
	};

	alarm(60);
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
