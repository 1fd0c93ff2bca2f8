/*
 * svg.c -- for the flame graph tests: flame_svg on stacks built by hand
 * (no dependency on profile.c), a small well-formedness check of every
 * document (so the tests need no xmllint) and lookups of a frame's
 * attributes.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flamegraph.h"
#include "profile.h"
#include "svg.h"

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

/* How many times needle occurs in doc. */
size_t
svg_count(const char *doc, const char *needle)
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
void
svg_check(const char *doc)
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
char *
svg_render(const char *const *cur, size_t ncur, const char *const *base,
    size_t nbase, const struct flame_opts *opts)
{
	struct profile_stacks	 c, b;
	char			*svg;

	stacks_make(&c, cur, ncur);
	if (base != NULL)
		stacks_make(&b, base, nbase);
	svg = flame_svg(&c, base != NULL ? &b : NULL, opts);
	assert_non_null(svg);
	svg_check(svg);
	stacks_free(&c);
	if (base != NULL)
		stacks_free(&b);
	return (svg);
}

/* The <g> of the frame whose title starts with prefix (static copy). */
const char *
svg_frame(const char *svg, const char *prefix)
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

/* The number in attribute name of the element g. */
double
svg_attr(const char *g, const char *name)
{
	char		 needle[64];
	const char	*p;

	snprintf(needle, sizeof(needle), " %s=\"", name);
	assert_non_null(p = strstr(g, needle));
	return (strtod(p + strlen(needle), NULL));
}

/* The fill colour of g, as r, g, b. */
void
svg_fill(const char *g, int rgb[3])
{
	const char	*p;

	assert_non_null(g);
	assert_non_null(p = strstr(g, "fill=\"rgb("));
	assert_int_equal(sscanf(p + 10, "%d,%d,%d", &rgb[0], &rgb[1], &rgb[2]),
	    3);
}
