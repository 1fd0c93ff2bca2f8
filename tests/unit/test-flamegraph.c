/*
 * test-flamegraph.c -- daemon/flamegraph.c: geometry, titles, labels,
 * escaping and pruning of the SVG, on stacks built by hand (svg.c).
 * Determinism and colours are in test-flamegraph-colour.c.
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
#include "svg.h"

static void
test_structure(void **state)
{
	const char	*in[] = { "p;a;b 1", "p;a;c 1", "p;d 2" };
	char		*svg;

	svg = svg_render(in, NELEM(in), NULL, 0, NULL);
	/* The background and all, p, a, b, c, d. */
	assert_int_equal(svg_count(svg, "<rect "), 7);
	assert_int_equal(svg_count(svg, "<g><title>"), 6);
	assert_non_null(strstr(svg, "xmlns=\"http://www.w3.org/2000/svg\" "
	    "width=\"1200\" height=\"112\" viewBox=\"0 0 1200 112\""));
	assert_non_null(strstr(svg, "<text class=\"title\" x=\"600.0\" y=\"24\">"
	    "Flame Graph</text>"));
	assert_int_equal(svg_count(svg, "http"), 1);	/* the namespace */
	assert_null(strstr(svg, "<script"));
	/* Root at the bottom, depth grows upward, 16 px a level. */
	assert_int_equal(svg_attr(svg_frame(svg, "all ("), "y"), 86);
	assert_int_equal(svg_attr(svg_frame(svg, "p ("), "y"), 70);
	assert_int_equal(svg_attr(svg_frame(svg, "b ("), "y"), 38);
	assert_int_equal(svg_attr(svg_frame(svg, "b ("), "height"), 15);
	/* Children sorted by name, left to right; self time to the right. */
	assert_true(svg_attr(svg_frame(svg, "a ("), "x") <
	    svg_attr(svg_frame(svg, "d ("), "x"));
	assert_true(svg_attr(svg_frame(svg, "b ("), "x") <
	    svg_attr(svg_frame(svg, "c ("), "x"));
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

	svg = svg_render(in, 2, NULL, 0, NULL);
	wx = svg_attr(svg_frame(svg, "x ("), "width");
	wy = svg_attr(svg_frame(svg, "y ("), "width");
	assert_true(wx > 3 * wy - 0.01 && wx < 3 * wy + 0.01);
	assert_true(wx + wy > 1180 - 0.01 && wx + wy < 1180 + 0.01);
	assert_int_equal(svg_attr(svg_frame(svg, "all ("), "width"), 1180);
	assert_int_equal(svg_attr(svg_frame(svg, "y ("), "x"), 10 + 885);
	assert_non_null(strstr(svg, "<title>x (3 samples, 75.00%)</title>"));
	assert_non_null(strstr(svg, "<title>y (1 samples, 25.00%)</title>"));
	free(svg);

	/* Subtitle and a third of the samples in a frame. */
	o.width = 600;
	svg = svg_render(in, NELEM(in), NULL, 0, &o);
	assert_non_null(strstr(svg, "width=\"600\""));
	assert_non_null(strstr(svg, ">session 12, 6 samples</text>"));
	assert_non_null(g = svg_frame(svg, "z (2 samples, 33.33%)"));
	assert_true(svg_attr(g, "width") > 193.32 &&
	    svg_attr(g, "width") < 193.34);
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
	svg = svg_render(in, NELEM(in), NULL, 0, NULL);
	label[0] = '>';
	memset(label + 1, 'a', 80);
	snprintf(label + 81, sizeof(label) - 81, "..</text>");
	assert_non_null(strstr(svg, label));
	assert_non_null(strstr(svg, ">short</text>"));
	free(svg);

	/* 20 px fits under 3 characters: no label, still a title. */
	svg = svg_render(small, NELEM(small), NULL, 0, NULL);
	assert_non_null(svg_frame(svg, "lbl (1 samples"));
	assert_null(strstr(svg_frame(svg, "lbl ("), "<text"));
	assert_non_null(strstr(svg_frame(svg, "big ("), ">big</text>"));
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

	svg = svg_render(in, NELEM(in), NULL, 0, &o);
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

	svg = svg_render(in, NELEM(in), NULL, 0, NULL);
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
	svg = svg_render(in, NELEM(in), NULL, 0, NULL);
	assert_null(strstr(svg, "tiny"));
	assert_null(strstr(svg, "deeper"));
	assert_int_equal(svg_count(svg, "<rect "), 4);
	assert_non_null(strstr(svg, "<title>all (100002 samples, 100.00%)"));
	free(svg);

	/* 1 of 10000 samples: 0.118 px, drawn. */
	svg = svg_render(edge, NELEM(edge), NULL, 0, NULL);
	assert_non_null(svg_frame(svg, "small (1 samples, 0.01%)"));
	assert_true(svg_attr(svg_frame(svg, "small ("), "width") > 0.1);
	free(svg);

	/* Many distinct one-sample stacks: only wide enough frames drawn. */
	assert_non_null(lines = calloc(n, sizeof(*lines)));
	for (i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "cargo;main;m%zu;f%zu;g%zu;h%zu 1",
		    i % 7, i % 70, i % 700, i);
		assert_non_null(lines[i] = strdup(line));
	}
	svg = svg_render((const char *const *)lines, n, NULL, 0, NULL);
	assert_null(strstr(svg, "<title>h"));	/* 0.059 px each */
	assert_int_equal(svg_count(svg, "<title>g"), 700);
	assert_int_equal(svg_count(svg, "<g>"), 3 + 7 + 70 + 700);
	for (s = svg; (s = strstr(s, "<g>")) != NULL; s++)
		assert_true(svg_attr(s, "width") >= 0.1);
	assert_true(strlen(svg) < 512 * 1024);
	free(svg);
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

static void
test_empty(void **state)
{
	struct profile_stacks	 none = { NULL, 0, 0 };
	char			*svg;

	assert_non_null(svg = flame_svg(&none, NULL, NULL));
	svg_check(svg);
	assert_non_null(strstr(svg, "<title>all (0 samples, 0.00%)</title>"));
	assert_int_equal(svg_count(svg, "<rect "), 2);
	free(svg);
	assert_non_null(svg = flame_svg(&none, &none, NULL));
	svg_check(svg);
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
		cmocka_unit_test(test_empty),
	};

	alarm(60);
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
