/*
 * test-flamegraph-colour.c -- daemon/flamegraph.c: the same stacks give
 * the same SVG in any order, a differential graph's titles and colours,
 * and the colours of categories; on stacks built by hand (svg.c).
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
test_deterministic(void **state)
{
	const char	*a[] = { "p;a;b 1", "p;a;c 2", "p;d 2", "q;x_[k] 1",
	    "p;a;b 3" };
	const char	*b[] = { "q;x_[k] 1", "p;a;b 3", "p;d 2", "p;a;b 1",
	    "p;a;c 2" };
	char		*s1, *s2, *s3;

	s1 = svg_render(a, NELEM(a), NULL, 0, NULL);
	s2 = svg_render(a, NELEM(a), NULL, 0, NULL);
	s3 = svg_render(b, NELEM(b), NULL, 0, NULL);
	assert_string_equal(s1, s2);
	assert_string_equal(s1, s3);
	/* Repeated stacks merge. */
	assert_non_null(strstr(s1, "<title>b (4 samples, 44.44%)</title>"));
	assert_int_equal(svg_count(s1, "<title>b ("), 1);
	free(s1);
	free(s2);
	free(s3);
	s1 = svg_render(a, NELEM(a), b, NELEM(b), NULL);
	s2 = svg_render(b, NELEM(b), a, NELEM(a), NULL);
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

	svg = svg_render(cur, NELEM(cur), base, NELEM(base), NULL);
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
	assert_true(svg_attr(svg_frame(svg, "a ("), "width") > 707.99 &&
	    svg_attr(svg_frame(svg, "a ("), "width") < 708.01);
	svg_fill(svg_frame(svg, "a ("), a);
	svg_fill(svg_frame(svg, "b ("), b);
	svg_fill(svg_frame(svg, "c ("), c);
	svg_fill(svg_frame(svg, "n ("), n);
	svg_fill(svg_frame(svg, "p ("), p);
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
	svg = svg_render(moved, 1, moved + 1, 1, NULL);
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
	svg = svg_render(in, NELEM(in), NULL, 0, &o);
	assert_string_equal(seen.frame, "lld::elf::link");
	assert_string_equal(seen.comm, "ld");
	svg_fill(svg_frame(svg, "do_syscall_64_[k] ("), k1);
	svg_fill(svg_frame(svg, "ksys_read_[k] ("), k2);
	svg_fill(svg_frame(svg, "rustc_a ("), r1);
	svg_fill(svg_frame(svg, "rustc_b ("), r2);
	svg_fill(svg_frame(svg, "LLVMRunPasses ("), l);
	svg_fill(svg_frame(svg, "lld::elf::link ("), ld);
	svg_fill(svg_frame(svg, "weird ("), w);
	svg_fill(svg_frame(svg, "main ("), m);
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
	svg = svg_render(in, NELEM(in), NULL, 0, NULL);
	svg_fill(svg_frame(svg, "do_syscall_64_[k] ("), r1);
	assert_memory_equal(r1, k1, sizeof(r1));
	svg_fill(svg_frame(svg, "rustc_a ("), r1);
	assert_true(r1[0] > r1[1] + 40 && r1[0] > r1[2] + 40);
	svg_fill(svg_frame(svg, "main ("), r1);
	assert_memory_equal(r1, m, sizeof(r1));
	free(svg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_categories),
	};

	alarm(60);
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
