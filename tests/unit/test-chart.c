/*
 * test-chart.c -- daemon/chart.c: the SVG trend chart of benchctl history
 * --svg.  The documents are checked for well-formedness by a small XML
 * walker here (no xmllint needed) and for what a reader relies on: one
 * marker per session, exact tooltips, units, tick values, verdict colours,
 * change points, the baseline band, escaping and speed.
 */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "chart.h"

#define T0	INT64_C(1795788300)	/* 2026-11-27 14:05:00 UTC */
#define DAY	86400
#define PM	"\xc2\xb1"		/* ± */
#define MU	"\xc2\xb5"		/* µ */
#define MIDDOT	" \xc2\xb7 "
#define FFFD	"\xef\xbf\xbd"

static size_t
count(const char *hay, const char *needle)
{
	size_t	n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return (n);
}

/* Valid UTF-8 without the control characters XML 1.0 forbids. */
static int
utf8_ok(const unsigned char *s)
{
	size_t	n, i;

	for (; *s != '\0'; s += n) {
		if (*s < 0x20 && *s != '\n' && *s != '\t' && *s != '\r')
			return (0);
		n = *s < 0x80 ? 1 : (*s & 0xe0) == 0xc0 ? 2 :
		    (*s & 0xf0) == 0xe0 ? 3 : (*s & 0xf8) == 0xf0 ? 4 : 0;
		if (n == 0 || (n == 2 && *s < 0xc2))
			return (0);
		for (i = 1; i < n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return (0);
		}
	}
	return (1);
}

/*
 * Enough of an XML parser to fail a document xmllint would refuse: the
 * declaration first, one <svg> root, tags nested and closed, attribute
 * values quoted without '<', and '&' only as one of the five entities.
 */
static void
assert_well_formed(const char *doc)
{
	const char	*p, *q, *ents[] = { "&amp;", "&lt;", "&gt;", "&quot;",
	    "&apos;" };
	char		 stack[64][32];
	size_t		 depth = 0, len, i;
	int		 roots = 0, ok;

	assert_true(utf8_ok((const unsigned char *)doc));
	p = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
	assert_memory_equal(doc, p, strlen(p));
	for (p = doc + strlen(p); *p != '\0'; p++) {
		if (*p == '&') {
			for (ok = 0, i = 0; i < 5; i++)
				ok |= strncmp(p, ents[i], strlen(ents[i])) == 0;
			assert_true(ok);
			continue;
		}
		if (*p != '<')
			continue;
		if (p[1] == '/') {
			assert_true(depth > 0);
			len = strlen(stack[--depth]);
			assert_memory_equal(p + 2, stack[depth], len);
			assert_int_equal(p[2 + len], '>');
			p += 2 + len;
			continue;
		}
		for (q = p + 1; *q != ' ' && *q != '>' && *q != '/'; q++)
			assert_true(*q >= 'a' && *q <= 'z');
		len = (size_t)(q - p - 1);
		assert_true(len > 0 && len < 32);
		if (depth == 0) {
			assert_memory_equal(p + 1, "svg ", 4);
			roots++;
		}
		while (*q != '>' && *q != '/') {
			assert_int_equal(*q, ' ');
			while (*++q != '=')
				assert_true(*q != '\0' && *q != '>');
			assert_int_equal(*++q, '"');
			while (*++q != '"')
				assert_true(*q != '\0' && *q != '<');
			q++;
		}
		if (*q == '/') {
			assert_int_equal(q[1], '>');
			p = q + 1;
			continue;
		}
		assert_true(depth < 64);
		memcpy(stack[depth], p + 1, len);
		stack[depth++][len] = '\0';
		p = q;
	}
	assert_int_equal(depth, 0);
	assert_int_equal(roots, 1);
	assert_true(strlen(doc) > 7 &&
	    strcmp(doc + strlen(doc) - 7, "</svg>\n") == 0);
}

/* n daily sessions around 60 s with CI 58.2..61.7 overall, ids from 8. */
static struct chart_point *
make_points(size_t n)
{
	struct chart_point	*pts;
	size_t			 i;

	pts = calloc(n, sizeof(*pts));
	assert_non_null(pts);
	for (i = 0; i < n; i++) {
		pts[i].id = 8 + (int64_t)i;
		pts[i].when = T0 + ((int64_t)i - 4) * DAY;
		pts[i].mean = 59.5 + 0.1 * (double)(i % 5);
		pts[i].lo = pts[i].mean - 0.3;
		pts[i].hi = pts[i].mean + 0.3;
	}
	if (n > 5) {
		pts[0].lo = 58.2;
		pts[1].hi = 61.7;
		pts[4].mean = 59.81;	/* session 12 at T0 */
		pts[4].lo = 59.39;
		pts[4].hi = 60.23;
		pts[5].regressed = 1;	/* session 13 */
		pts[6].changepoint = 1;	/* session 14 */
		pts[3].improved = 1;	/* session 11 */
		pts[2].unstable = 1;	/* session 10 */
	}
	return (pts);
}

static char *
render(const struct chart_point *pts, size_t n, int baseline)
{
	struct chart	c;
	char		*svg;

	memset(&c, 0, sizeof(c));
	c.title = "full-workspace \xe2\x80\x94 wall time";
	c.pts = pts;
	c.npts = n;
	c.has_baseline = baseline;
	c.baseline_id = 7;
	c.base_mean = 59.8;
	c.base_lo = 59.8 * 0.99;
	c.base_hi = 59.8 * 1.01;
	svg = chart_svg(&c);
	assert_non_null(svg);
	assert_well_formed(svg);
	return (svg);
}

static void
test_units(void **state)
{
	double	scale;

	assert_string_equal(chart_unit(5e-4, &scale), "\xc2\xb5s");
	assert_true(scale == 1e6);
	assert_string_equal(chart_unit(0.0042, &scale), "ms");
	assert_true(scale == 1e3);
	assert_string_equal(chart_unit(1e-3, &scale), "ms");
	assert_string_equal(chart_unit(0.999, &scale), "ms");
	assert_string_equal(chart_unit(1, &scale), "s");
	assert_true(scale == 1);
	assert_string_equal(chart_unit(599.9, &scale), "s");
	assert_string_equal(chart_unit(600, &scale), "min");
	assert_true(fabs(scale - 1.0 / 60) < 1e-15);
	assert_string_equal(chart_unit(-900, &scale), "min");
}

static void
test_ticks(void **state)
{
	double	first, step;

	/* 0.5 steps would need 9 ticks, so whole seconds. */
	assert_int_equal(chart_ticks(58.2, 61.7, 8, &first, &step), 5);
	assert_true(first == 58 && step == 1);
	assert_int_equal(chart_ticks(58.2, 61.7, 9, &first, &step), 9);
	assert_true(first == 58 && step == 0.5);
	assert_int_equal(chart_ticks(12.3, 18.7, 8, &first, &step), 8);
	assert_true(first == 12 && step == 1);
	assert_int_equal(chart_ticks(0.0123, 0.0187, 4, &first, &step), 3);
	assert_true(fabs(first - 0.01) < 1e-15 && fabs(step - 0.005) < 1e-15);
	assert_int_equal(chart_ticks(140, 1890, 8, &first, &step), 5);
	assert_true(first == 0 && step == 500);
	assert_int_equal(chart_ticks(-3, 4, 8, &first, &step), 8);
	assert_true(first == -3 && step == 1);
	assert_int_equal(chart_ticks(5, 5, 8, &first, &step), 0);
	assert_int_equal(chart_ticks(NAN, 5, 8, &first, &step), 0);
	assert_int_equal(chart_ticks(0, INFINITY, 8, &first, &step), 0);
	assert_int_equal(chart_decimals(1), 0);
	assert_int_equal(chart_decimals(20), 0);
	assert_int_equal(chart_decimals(0.5), 1);
	assert_int_equal(chart_decimals(0.2), 1);
	assert_int_equal(chart_decimals(0.05), 2);
	assert_int_equal(chart_decimals(0.001), 3);
}

static void
check_time_ticks(int64_t lo, int64_t hi, int maxt, int longform,
    const char *want[], int nwant)
{
	int64_t	ticks[CHART_MAX_TIME_TICKS];
	char	label[32];
	int	n, i;

	n = chart_time_ticks(lo, hi, maxt, longform, ticks);
	assert_int_equal(n, nwant);
	for (i = 0; i < n; i++) {
		chart_date(label, sizeof(label), ticks[i], CHART_DATE_FULL);
		assert_string_equal(label, want[i]);
	}
}

static void
test_time_ticks(void **state)
{
	const char	*hours[] = { "2026-11-27 16:00", "2026-11-27 18:00",
	    "2026-11-27 20:00", "2026-11-27 22:00", "2026-11-28 00:00" };
	const char	*weeks[] = { "2026-11-09 00:00", "2026-11-23 00:00",
	    "2026-12-07 00:00", "2026-12-21 00:00" };
	const char	*months[] = { "2024-07-01 00:00", "2025-01-01 00:00",
	    "2025-07-01 00:00", "2026-01-01 00:00", "2026-07-01 00:00" };
	const char	*days[] = { "2026-11-28 00:00", "2026-11-29 00:00",
	    "2026-11-30 00:00" };
	char		 buf[32];

	/* 14:05 to 00:05: hourly would be 10 ticks, every 2 hours is 5. */
	check_time_ticks(T0, T0 + 10 * 3600, 8, 0, hours, 5);
	/* Two months: weekly (Mondays) is 9, fortnightly 4. */
	check_time_ticks(1793491200, 1798675200, 8, 1, weeks, 4);
	/* Nearly three years: every 6 months, on the first. */
	check_time_ticks(1705276800, T0, 8, 1, months, 5);
	/* Daylong labels never repeat a day, even over 2.5 days. */
	check_time_ticks(T0, T0 + 60 * 3600, 8, 1, days, 3);

	chart_date(buf, sizeof(buf), T0, CHART_DATE_DAY);
	assert_string_equal(buf, "2026-11-27");
	chart_date(buf, sizeof(buf), T0, CHART_DATE_SHORT);
	assert_string_equal(buf, "11-27 14:05");
	chart_date(buf, sizeof(buf), T0, CHART_DATE_FULL);
	assert_string_equal(buf, "2026-11-27 14:05");
}

static void
test_values(void **state)
{
	char	buf[64];

	chart_value(buf, sizeof(buf), 59.81, (60.23 - 59.39) / 2, "s", 1);
	assert_string_equal(buf, "59.81 s " PM " 0.42 s");
	chart_value(buf, sizeof(buf), 59.81, 0, "s", 1);
	assert_string_equal(buf, "59.81 s");
	chart_value(buf, sizeof(buf), 59.81, NAN, "s", 1);
	assert_string_equal(buf, "59.81 s");
	/* A narrow CI shows its own two digits. */
	chart_value(buf, sizeof(buf), 59.81, 0.0042, "s", 1);
	assert_string_equal(buf, "59.8100 s " PM " 0.0042 s");
	chart_value(buf, sizeof(buf), 0.0042, 0.00012, "ms", 1e3);
	assert_string_equal(buf, "4.200 ms " PM " 0.120 ms");
	chart_value(buf, sizeof(buf), 750, 6, "min", 1.0 / 60);
	assert_string_equal(buf, "12.50 min " PM " 0.10 min");
	chart_value(buf, sizeof(buf), 512e-6, 3e-6, "\xc2\xb5s", 1e6);
	assert_string_equal(buf, "512.0 \xc2\xb5s " PM " 3.0 \xc2\xb5s");
}

static void
test_markers(void **state)
{
	struct chart_point	*pts = make_points(12);
	char			*svg = render(pts, 12, 1);

	assert_int_equal(count(svg, "<g class=\"pt"), 12);
	assert_int_equal(count(svg, "<title>session "), 12);
	assert_non_null(strstr(svg, "<title>session 12" MIDDOT
	    "2026-11-27 14:05 UTC" MIDDOT "59.81 s " PM " 0.42 s</title>"));
	/* Verdicts: shape, colour and tooltip. */
	assert_non_null(strstr(svg, "<g class=\"pt reg\" fill=\"#d62728\" "
	    "stroke=\"#d62728\"><title>session 13" MIDDOT "2026-11-28 14:05 UTC"
	    MIDDOT "59.50 s " PM " 0.30 s" MIDDOT "regressed</title>"));
	assert_int_equal(count(svg, "fill=\"#d62728\""), 2);	/* + legend */
	assert_non_null(strstr(svg, "<g class=\"pt imp\" fill=\"#2ca02c\""));
	assert_non_null(strstr(svg, MIDDOT "improved</title>"));
	assert_non_null(strstr(svg, "<g class=\"pt uns\"><title>session 10"));
	assert_non_null(strstr(svg, MIDDOT "unstable</title>"));
	assert_int_equal(count(svg, "r=\"3.5\" fill=\"#ffffff\"/>"), 1);
	/* The change point: a dashed line and its label. */
	assert_int_equal(count(svg, "<path class=\"change\""), 1);
	assert_non_null(strstr(svg, "<title>change point at session 14"));
	assert_non_null(strstr(svg, ">change</text>"));
	assert_non_null(strstr(svg, MIDDOT "change point</title>"));
	/* The line, the axes, the legend. */
	assert_int_equal(count(svg, "<path class=\"trend\""), 1);
	assert_non_null(strstr(svg, ">wall time (s)</text>"));
	assert_non_null(strstr(svg, ">date (UTC)</text>"));
	assert_non_null(strstr(svg, "<g class=\"legend\">"));
	assert_non_null(strstr(svg, ">95% CI</text>"));
	free(svg);
	free(pts);
}

static void
test_axes(void **state)
{
	struct chart_point	*pts = make_points(12);
	char			*svg = render(pts, 12, 0), *p, want[64];
	double			 x, last = -1e9;
	int			 i, n = 0;

	/* CIs span 58.2..61.7 s: ticks at whole seconds, 58 to 62. */
	assert_int_equal(count(svg, "class=\"ytick\""), 5);
	for (i = 58; i <= 62; i++) {
		snprintf(want, sizeof(want), "anchor=\"end\">%d</text>", i);
		assert_int_equal(count(svg, want), 1);
	}
	/* Twelve days: date labels, at most 8, none overlapping. */
	for (p = svg; (p = strstr(p, "class=\"xtick\" x=\"")) != NULL; n++) {
		x = strtod(p + 17, &p);
		assert_true(x - last >= 10 * 6.6 + 6);
		last = x;
	}
	assert_true(n >= 2 && n <= 8);
	assert_non_null(strstr(svg, "\"middle\">2026-11-29</text>"));
	free(svg);

	/* Bursts of sessions are spaced evenly. */
	for (i = 0; i < 12; i++)
		pts[i].when = T0 + (i / 4) * DAY + (i % 4) * 60;
	svg = render(pts, 12, 0);
	assert_non_null(strstr(svg,
	    ">date (UTC), sessions evenly spaced</text>"));
	free(svg);
	free(pts);
}

static void
test_baseline(void **state)
{
	struct chart_point	*pts = make_points(12);
	char			*svg;

	svg = render(pts, 12, 1);
	assert_int_equal(count(svg, "<g class=\"baseline\">"), 1);
	assert_int_equal(count(svg, "<rect class=\"band\""), 1);
	assert_non_null(strstr(svg, ">baseline #7</text>"));
	assert_non_null(strstr(svg, "<title>baseline #7" MIDDOT "59.80 s"
	    MIDDOT "band 59.20 s \xe2\x80\x93 60.40 s</title>"));
	free(svg);
	svg = render(pts, 12, 0);
	assert_null(strstr(svg, "baseline"));
	assert_null(strstr(svg, "class=\"band\""));
	free(svg);
	free(pts);
}

/* The axis unit follows the data, and tooltips use it. */
static void
test_chart_units(void **state)
{
	static const struct {
		double		 scale;
		const char	*axis, *tip;
	} cases[] = {
		{ 1e-5, "wall time (" MU "s)",
		    "598.1 " MU "s " PM " 4.2 " MU "s" },
		{ 1e-2, "wall time (ms)", "598.1 ms " PM " 4.2 ms" },
		{ 1, "wall time (s)", "59.81 s " PM " 0.42 s" },
		{ 20, "wall time (min)", "19.94 min " PM " 0.14 min" },
	};
	struct chart_point	*pts = make_points(12);
	char			*svg;
	size_t			 i, k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		for (i = 0; i < 12; i++) {
			pts[i].mean *= cases[k].scale;
			pts[i].lo *= cases[k].scale;
			pts[i].hi *= cases[k].scale;
		}
		svg = render(pts, 12, 0);
		assert_non_null(strstr(svg, cases[k].axis));
		assert_non_null(strstr(svg, cases[k].tip));
		free(svg);
		free(pts);
		pts = make_points(12);
	}
	free(pts);
}

static void
test_escaping(void **state)
{
	struct chart	c;
	char		*svg;

	memset(&c, 0, sizeof(c));
	c.title = "a & b < c > d \" e ' f\xff|\x01|\xc0\xaf|\xed\xa0\x80|"
	    "\xef\xbf\xbe|\xe2\x80\x94";
	svg = chart_svg(&c);
	assert_well_formed(svg);
	assert_non_null(strstr(svg, ">a &amp; b &lt; c &gt; d &quot; e &apos; "
	    "f" FFFD "|" FFFD "|" FFFD FFFD "|" FFFD FFFD FFFD "|" FFFD "|"
	    "\xe2\x80\x94</text>"));
	free(svg);
}

static void
test_empty(void **state)
{
	struct chart_point	 pt;
	struct chart		 c;
	char			*svg;

	memset(&c, 0, sizeof(c));
	svg = chart_svg(&c);
	assert_well_formed(svg);
	assert_non_null(strstr(svg, ">no sessions</text>"));
	assert_non_null(strstr(svg, "width=\"960\" height=\"420\" "
	    "viewBox=\"0 0 960 420\""));
	assert_null(strstr(svg, "class=\"title\""));
	free(svg);

	/* Only unusable points: still no sessions. */
	memset(&pt, 0, sizeof(pt));
	pt.mean = NAN;
	c.pts = &pt;
	c.npts = 1;
	c.has_baseline = 1;
	c.base_mean = 60;
	svg = chart_svg(&c);
	assert_well_formed(svg);
	assert_non_null(strstr(svg, ">no sessions</text>"));
	free(svg);

	svg = chart_svg(NULL);
	assert_well_formed(svg);
	free(svg);
}

static void
test_edges(void **state)
{
	struct chart_point	 pts[6];
	char			*svg;
	size_t			 i;

	/* One session. */
	memset(pts, 0, sizeof(pts));
	pts[0].id = 1;
	pts[0].when = T0;
	pts[0].mean = pts[0].lo = pts[0].hi = 2.5;
	svg = render(pts, 1, 0);
	assert_int_equal(count(svg, "<g class=\"pt"), 1);
	assert_non_null(strstr(svg, MIDDOT "2.500 s</title>"));
	assert_null(strstr(svg, "class=\"trend\""));
	free(svg);

	/* All means equal, CI unknown, same time: padded, no bars. */
	for (i = 0; i < 6; i++) {
		pts[i] = pts[0];
		pts[i].id = (int64_t)i + 1;
		pts[i].mean = pts[i].lo = pts[i].hi = 60;
	}
	svg = render(pts, 6, 0);
	assert_int_equal(count(svg, "<g class=\"pt"), 6);
	assert_int_equal(count(svg, "class=\"ytick\""), 7);	/* 57..63 */
	assert_null(strstr(svg, "nan"));
	assert_null(strstr(svg, "inf"));
	assert_int_equal(count(svg, "</title><circle"), 6);
	free(svg);

	/* NaN and infinite values are skipped, not drawn. */
	pts[1].mean = NAN;
	pts[2].mean = INFINITY;
	pts[3].lo = NAN;
	pts[4].hi = -INFINITY;
	pts[5].hi = 1e300;
	svg = render(pts, 6, 1);
	assert_int_equal(count(svg, "<g class=\"pt"), 4);
	assert_null(strstr(svg, "nan"));
	assert_null(strstr(svg, "inf"));
	free(svg);

	/* Absurd times: evenly spaced, dates unknown. */
	pts[0].when = INT64_MIN;
	pts[5].when = INT64_MAX;
	svg = render(pts, 6, 0);
	assert_int_equal(count(svg, "<g class=\"pt"), 4);
	assert_non_null(strstr(svg, "sessions evenly spaced"));
	assert_non_null(strstr(svg, "<title>session 1" MIDDOT "? UTC"));
	free(svg);
}

static void
test_crowded(void **state)
{
	struct chart_point	*pts;
	struct timespec		 a, b;
	char			*svg;
	size_t			 i, n = 10000, len;
	double			 secs;

	pts = calloc(n, sizeof(*pts));
	assert_non_null(pts);
	for (i = 0; i < n; i++) {
		pts[i].id = (int64_t)i + 1;
		pts[i].when = T0 + (int64_t)i * 3600;
		pts[i].mean = 60 + (i >= 5000) + 0.01 * (double)(i % 7);
		pts[i].lo = pts[i].mean - 0.4;
		pts[i].hi = pts[i].mean + 0.4;
		pts[i].unstable = i % 11 == 0;
	}
	pts[2000].regressed = pts[6000].regressed = pts[9000].regressed = 1;
	pts[5000].changepoint = 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	svg = render(pts, n, 1);
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	len = strlen(svg);
	assert_true(secs < 1.0);
	assert_true(len < 250 * 1024);
	assert_int_equal(count(svg, "<g class=\"pt reg\""), 3);
	assert_int_equal(count(svg, "<path class=\"change\""), 1);
	assert_true(count(svg, "<g class=\"pt grp") > 100);
	assert_true(count(svg, "<g class=\"pt") < 1000);
	assert_non_null(strstr(svg, "<title>sessions 1\xe2\x80\x93"));
	assert_non_null(strstr(svg, ">nearby sessions grouped</text>"));
	free(svg);
	free(pts);
}

static void
test_deterministic(void **state)
{
	struct chart_point	*pts = make_points(12);
	char			*a, *b;

	a = render(pts, 12, 1);
	b = render(pts, 12, 1);
	assert_string_equal(a, b);
	free(a);
	free(b);
	free(pts);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_ticks),
		cmocka_unit_test(test_time_ticks),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_markers),
		cmocka_unit_test(test_axes),
		cmocka_unit_test(test_baseline),
		cmocka_unit_test(test_chart_units),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_crowded),
		cmocka_unit_test(test_deterministic),
	};

	alarm(30);
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
