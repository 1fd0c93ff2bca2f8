/* test-timing.c -- the phase-timing line parser. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "timing.h"
#include "xmalloc.h"

#define B	"ORI_BUILD_TIMING"
#define T	"ORI_TEST_TIMING"

static void
feed(struct timing *t, int stream, const char *s)
{
	timing_feed(t, stream, s, strlen(s));
}

static const struct timing_phase *
find(const struct timing *t, const char *prefix, const char *phase)
{
	const struct timing_phase	*p;
	size_t				 i;

	for (i = 0; i < timing_count(t); i++) {
		p = timing_get(t, i);
		if (strcmp(p->prefix, prefix) == 0 &&
		    strcmp(p->phase, phase) == 0)
			return (p);
	}
	return (NULL);
}

static void
check(const struct timing *t, const char *prefix, const char *phase,
    uint64_t count, uint64_t total, uint64_t max)
{
	const struct timing_phase	*p = find(t, prefix, phase);

	if (p == NULL)
		fail_msg("phase %s/%s missing", prefix, phase);
	assert_int_equal(p->count, count);
	assert_int_equal(p->total_ns, total);
	assert_int_equal(p->max_ns, max);
}

/* Everything the parser reports, as one string to compare runs by. */
static char *
snapshot(const struct timing *t)
{
	const struct timing_phase	*p;
	char				*s, *n;
	size_t				 i;
	const char			*ex = timing_malformed_example(t);

	xasprintf(&s, "malformed=%llu example=%s\n",
	    (unsigned long long)timing_malformed(t), ex != NULL ? ex : "-");
	for (i = 0; i < timing_count(t); i++) {
		p = timing_get(t, i);
		xasprintf(&n, "%s%s/%s %llu %llu %llu\n", s, p->prefix,
		    p->phase, (unsigned long long)p->count,
		    (unsigned long long)p->total_ns,
		    (unsigned long long)p->max_ns);
		free(s);
		s = n;
	}
	return (s);
}

static void
test_units(void **state)
{
	struct timing	*t = timing_new(NULL, 0);

	feed(t, 1, B ": phase=parse time_ms=12\n");
	feed(t, 1, B ": phase=parse time_us=250\n");
	feed(t, 1, B ": phase=parse time_ns=7\n");
	feed(t, 1, B ": phase=link time_ms=1.5\n");
	feed(t, 1, B ": phase=link time_us=2.25\n");
	feed(t, 1, B ": phase=link time_ms=0.000001\n");
	feed(t, 1, T ": phase=exec time_ms=0\n");
	check(t, B, "parse", 3, 12250007, 12000000);
	check(t, B, "link", 3, 1502251, 1500000);
	check(t, T, "exec", 1, 0, 0);
	assert_int_equal(timing_count(t), 3);
	assert_string_equal(timing_get(t, 0)->phase, "parse");
	assert_string_equal(timing_get(t, 1)->phase, "link");
	assert_string_equal(timing_get(t, 2)->prefix, T);
	assert_null(timing_get(t, 3));
	assert_int_equal(timing_malformed(t), 0);
	assert_null(timing_malformed_example(t));
	timing_free(t);
}

/* Sub-nanosecond digits round half up, on the first digit past the ns. */
static void
test_rounding(void **state)
{
	struct timing	*t = timing_new(NULL, 0);

	feed(t, 0, B ": phase=a time_ns=1.5\n");		/* 2 */
	feed(t, 0, B ": phase=b time_ns=1.4999999\n");	/* 1 */
	feed(t, 0, B ": phase=c time_us=0.0005\n");		/* 1 */
	feed(t, 0, B ": phase=d time_us=0.0004999\n");	/* 0 */
	feed(t, 0, B ": phase=e time_ms=0.0000015\n");	/* 2 */
	feed(t, 0, B ": phase=f time_ms=007.000000000001\n");
	feed(t, 0, B ": phase=g time_ns=18446744073709551615\n");
	feed(t, 0, B ": phase=h time_ns=18446744073709551614.5\n");
	feed(t, 0, B ": phase=i time_ms=18446744073709\n");
	check(t, B, "a", 1, 2, 2);
	check(t, B, "b", 1, 1, 1);
	check(t, B, "c", 1, 1, 1);
	check(t, B, "d", 1, 0, 0);
	check(t, B, "e", 1, 2, 2);
	check(t, B, "f", 1, 7000000, 7000000);
	check(t, B, "g", 1, UINT64_MAX, UINT64_MAX);
	check(t, B, "h", 1, UINT64_MAX, UINT64_MAX);
	check(t, B, "i", 1, 18446744073709000000ull, 18446744073709000000ull);
	assert_int_equal(timing_malformed(t), 0);

	/* Beyond 64-bit nanoseconds is malformed, as is a rounding carry. */
	feed(t, 0, B ": phase=g time_ns=18446744073709551616\n");
	feed(t, 0, B ": phase=g time_ns=18446744073709551615.5\n");
	feed(t, 0, B ": phase=g time_ms=18446744073710\n");
	assert_int_equal(timing_malformed(t), 3);
	assert_string_equal(timing_malformed_reason(t), "bad time");

	/* Totals saturate instead of wrapping. */
	feed(t, 0, B ": phase=g time_ns=5\n");
	check(t, B, "g", 2, UINT64_MAX, UINT64_MAX);
	timing_free(t);
}

static const char sample[] =
    "hello world\n"
    "  " B ": phase=parse time_ms=12\r\n"
    B ": phase=typeck extra=1 time_us=1500 note\n"
    "\n"
    "test foo ... ok " B ": phase=ignored time_ms=1\n"
    "\t" T ": time_ns=42 phase=exec\n"
    B ": phase=parse time_ms=x\n"
    B "X: phase=nope time_ms=1\n"
    B ": phase=parse time_ms=3";		/* unterminated */

static const char sample_expect[] =
    "malformed=1 example=" B ": phase=parse time_ms=x\n"
    B "/parse 2 15000000 12000000\n"
    B "/typeck 1 1500000 1500000\n"
    T "/exec 1 42 42\n";

static void
test_sample(void **state)
{
	struct timing	*t = timing_new(NULL, 0);
	char		*s;

	feed(t, 0, sample);
	s = snapshot(t);
	assert_string_not_equal(s, sample_expect);	/* last line pending */
	free(s);
	assert_int_equal(timing_pending(t, 0), strlen(B ": phase=parse "
	    "time_ms=3"));
	timing_finish(t);
	assert_int_equal(timing_pending(t, 0), 0);
	s = snapshot(t);
	assert_string_equal(s, sample_expect);
	free(s);
	assert_string_equal(timing_malformed_reason(t), "bad time");
	timing_free(t);
}

/* One byte at a time, and cut in two at every point, on either stream. */
static void
test_splits(void **state)
{
	struct timing	*t = timing_new(NULL, 0);
	size_t		 i, len = strlen(sample);
	char		*s;
	int		 stream;

	for (stream = 0; stream < 2; stream++) {
		timing_reset(t);
		for (i = 0; i < len; i++)
			timing_feed(t, stream, sample + i, 1);
		timing_finish(t);
		s = snapshot(t);
		assert_string_equal(s, sample_expect);
		free(s);
		for (i = 0; i <= len; i++) {
			timing_reset(t);
			timing_feed(t, stream, sample, i);
			timing_feed(t, stream, sample + i, len - i);
			timing_finish(t);
			s = snapshot(t);
			assert_string_equal(s, sample_expect);
			free(s);
		}
	}
	timing_free(t);
}

static void
test_interleaved(void **state)
{
	struct timing	*t = timing_new(NULL, 0);

	feed(t, 0, "ORI_BUILD_TIM");
	feed(t, 1, B ": phase=a ");
	feed(t, 0, "ING: phase=b time_ms=1");
	feed(t, 1, "time_ms=2\nnoise\n" B ": phase=a time_");
	feed(t, 0, "\n" B ": phase=b time_ms=10\n");
	feed(t, 1, "ms=3\n");
	check(t, B, "a", 2, 5000000, 3000000);
	check(t, B, "b", 2, 11000000, 10000000);
	assert_string_equal(timing_get(t, 0)->phase, "a");	/* ended first */
	assert_int_equal(timing_malformed(t), 0);
	timing_free(t);
}

/* Feed a line of len bytes plus '\n' in chunks of step, then a good line. */
static void
feed_long(struct timing *t, const char *head, size_t len, size_t step)
{
	char	*line = xmalloc(len + 1);
	size_t	 i, n, hl = strlen(head);

	memset(line, 'x', len);
	memcpy(line, head, hl);
	line[len] = '\n';
	for (i = 0; i < len + 1; i += n) {
		n = len + 1 - i < step ? len + 1 - i : step;
		timing_feed(t, 0, line + i, n);
		assert_true(timing_pending(t, 0) <= TIMING_LINE_MAX);
		if (i + n > TIMING_LINE_MAX && i + n <= len)
			assert_int_equal(timing_pending(t, 0), 0);
	}
	free(line);
	feed(t, 0, B ": phase=after time_ms=1\n");
}

static void
test_overlong(void **state)
{
	struct timing	*t = timing_new(NULL, 0);
	static size_t	 steps[] = { 1, 7, 4096, 65536, 1 << 20, 1 << 21 };
	size_t		 i, mb = 1 << 20;
	char		 want[TIMING_EXAMPLE_MAX + 8];

	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		timing_reset(t);
		feed_long(t, "no prefix here ", mb, steps[i]);
		assert_int_equal(timing_malformed(t), 0);
		feed_long(t, "  " B ": phase=big time_ms=1 ", mb, steps[i]);
		feed_long(t, B ": phase=big time_ms=1 ", mb, steps[i]);
		timing_finish(t);
		assert_int_equal(timing_malformed(t), 2);
		assert_string_equal(timing_malformed_reason(t),
		    "line too long");
		check(t, B, "after", 3, 3000000, 1000000);
		assert_null(find(t, B, "big"));
	}

	/* The kept example is the first 200 bytes, marked as cut. */
	memset(want, 'x', sizeof want);
	memcpy(want, "  " B ": phase=big time_ms=1 ",
	    strlen("  " B ": phase=big time_ms=1 "));
	memcpy(want + TIMING_EXAMPLE_MAX, "...", 4);
	assert_string_equal(timing_malformed_example(t), want);

	/* Exactly TIMING_LINE_MAX bytes is still a line; one more is not. */
	timing_reset(t);
	feed_long(t, B ": phase=edge time_ms=2 pad=", TIMING_LINE_MAX, 100);
	check(t, B, "edge", 1, 2000000, 2000000);
	feed_long(t, B ": phase=edge time_ms=2 pad=", TIMING_LINE_MAX + 1,
	    100);
	check(t, B, "edge", 1, 2000000, 2000000);
	assert_int_equal(timing_malformed(t), 1);

	/* A chunk that fills the buffer exactly, then '\n' or one byte more. */
	{
		char	line[TIMING_LINE_MAX];
		size_t	hl = strlen(B ": phase=full time_ms=3 ");

		memset(line, 'x', sizeof line);
		memcpy(line, B ": phase=full time_ms=3 ", hl);
		timing_reset(t);
		timing_feed(t, 1, line, sizeof line);
		assert_int_equal(timing_pending(t, 1), TIMING_LINE_MAX);
		feed(t, 1, "\n");
		check(t, B, "full", 1, 3000000, 3000000);
		timing_feed(t, 1, line, sizeof line);
		feed(t, 1, "x");
		assert_int_equal(timing_pending(t, 1), 0);
		feed(t, 1, "yyy\n" B ": phase=full time_ms=1\n");
		check(t, B, "full", 2, 4000000, 3000000);
		assert_int_equal(timing_malformed(t), 1);
	}

	/* An overlong unterminated last line is not parsed at the end. */
	timing_reset(t);
	feed_long(t, "", 10, 10);
	{
		char	*line = xmalloc(mb);

		memset(line, 'y', mb);
		memcpy(line, B ": phase=tail time_ms=1 ",
		    strlen(B ": phase=tail time_ms=1 "));
		timing_feed(t, 1, line, mb);
		free(line);
	}
	assert_int_equal(timing_pending(t, 1), 0);
	timing_finish(t);
	assert_int_equal(timing_malformed(t), 1);
	assert_null(find(t, B, "tail"));
	timing_free(t);
}

static void
test_non_utf8(void **state)
{
	struct timing	*t = timing_new(NULL, 0);

	feed(t, 0, "\xff\xfe garbage \x80 " B ": phase=x time_ms=1\n");
	feed(t, 0, B ": phase=gr\xc3\xb6\xc3\x9f" "e time_ms=1\n");
	feed(t, 0, B ": phase=\xe2\x82\xac time_us=1\n");
	assert_int_equal(timing_malformed(t), 0);
	check(t, B, "gr\xc3\xb6\xc3\x9f" "e", 1, 1000000, 1000000);
	check(t, B, "\xe2\x82\xac", 1, 1000, 1000);

	feed(t, 0, B ": phase=a\xff\\b time_ms=1\n");
	feed(t, 0, B ": phase=\xc0\xaf time_ms=1\n");		/* overlong */
	feed(t, 0, B ": phase=\xed\xa0\x80 time_ms=1\n");	/* surrogate */
	feed(t, 0, B ": phase=\xc2\x85 time_ms=1\n");		/* C1 */
	feed(t, 0, B ": phase=a\x01 time_ms=1\n");
	feed(t, 0, B ": phase=a\x7f time_ms=1\n");
	feed(t, 0, B ": phase=\xe2\x82 time_ms=1\n");		/* cut */
	assert_int_equal(timing_malformed(t), 7);
	assert_string_equal(timing_malformed_reason(t), "bad phase name");
	assert_string_equal(timing_malformed_example(t),
	    B ": phase=a\\xff\\\\b time_ms=1");
	assert_int_equal(timing_count(t), 2);
	timing_free(t);
}

static void
test_phase_length(void **state)
{
	struct timing	*t = timing_new(NULL, 0);
	char		 line[256], name[80];

	memset(name, 'p', sizeof name);
	name[TIMING_PHASE_MAX] = '\0';
	snprintf(line, sizeof line, B ": phase=%s time_ms=1\n", name);
	feed(t, 0, line);
	check(t, B, name, 1, 1000000, 1000000);
	name[TIMING_PHASE_MAX] = 'p';
	name[TIMING_PHASE_MAX + 1] = '\0';
	snprintf(line, sizeof line, B ": phase=%s time_ms=1\n", name);
	feed(t, 0, line);
	assert_int_equal(timing_malformed(t), 1);
	assert_int_equal(timing_count(t), 1);
	timing_free(t);
}

static void
test_malformed(void **state)
{
	static const char *bad[] = {
		B ": time_ms=1",
		B ": phase=a",
		B ":",
		B ":   ",
		B ": phase=a time_ms=1 time_us=2",
		B ": phase=a time_ms=1 time_ms=1",
		B ": phase=a phase=b time_ms=1",
		B ": phase=a time_ms=-1",
		B ": phase=a time_ms=+1",
		B ": phase=a time_ms=12ms",
		B ": phase=a time_ms=1.",
		B ": phase=a time_ms=.5",
		B ": phase=a time_ms=1.2.3",
		B ": phase=a time_ms=1e3",
		B ": phase=a time_ms=",
		B ": phase= time_ms=1",
		B ": phase a time_ms 1",
		T ": phase=a time_s=1",
	};
	struct timing	*t = timing_new(NULL, 0);
	size_t		 i, n = sizeof bad / sizeof bad[0];

	for (i = 0; i < n; i++) {
		feed(t, 1, bad[i]);
		feed(t, 1, "\n");
		assert_int_equal(timing_malformed(t), i + 1);
	}
	assert_string_equal(timing_malformed_example(t), bad[0]);
	assert_string_equal(timing_malformed_reason(t), "no phase");
	assert_int_equal(timing_count(t), 0);

	/* Near misses are not timing lines at all. */
	feed(t, 1, B " phase=a time_ms=1\n");
	feed(t, 1, "X" B ": phase=a time_ms=1\n");
	feed(t, 1, B "_X: phase=a time_ms=1\n");
	feed(t, 1, "ori_build_timing: phase=a time_ms=1\n");
	feed(t, 1, "\v" B ": phase=a time_ms=1\n");
	assert_int_equal(timing_malformed(t), n);
	assert_int_equal(timing_count(t), 0);

	/* The example survives later bad lines; reset forgets it. */
	feed(t, 1, B ": other\n");
	assert_string_equal(timing_malformed_example(t), bad[0]);
	timing_reset(t);
	assert_int_equal(timing_malformed(t), 0);
	assert_null(timing_malformed_example(t));
	assert_null(timing_malformed_reason(t));
	timing_free(t);
}

static void
test_example_escaped(void **state)
{
	struct timing	*t = timing_new(NULL, 0);
	char		 line[400], want[TIMING_EXAMPLE_MAX + 16];
	size_t		 n;

	n = snprintf(line, sizeof line, B ": \x01\"q\" time_ms=1 ");
	memset(line + n, 'z', 300 - n);
	line[300] = '\n';
	timing_feed(t, 0, line, 301);
	n = snprintf(want, sizeof want, B ": \\x01\"q\" time_ms=1 ");
	memset(want + n, 'z', TIMING_EXAMPLE_MAX + 3 - n);
	memcpy(want + TIMING_EXAMPLE_MAX + 3, "...", 4);
	assert_string_equal(timing_malformed_example(t), want);
	timing_free(t);
}

/* 20,000 lines over 7 phases: every total exact. */
static void
test_many(void **state)
{
	static const char *phases[7] = {
		"lex", "parse", "typeck", "arc", "codegen", "object", "link"
	};
	struct timing	*t = timing_new(NULL, 0);
	uint64_t	 total[7] = { 0 }, max[7] = { 0 }, count[7] = { 0 };
	char		 line[128];
	size_t		 i, k;
	int		 n;
	uint64_t	 ms, us;

	for (i = 0; i < 20000; i++) {
		k = i % 7;
		ms = (i * 7919) % 1000;
		n = snprintf(line, sizeof line, "%s: phase=%s time_ms=%llu\n",
		    i % 3 ? B : T, phases[k], (unsigned long long)ms);
		timing_feed(t, i % 2, line, n);
		if (i % 3 != 0) {
			total[k] += ms * 1000000;
			count[k]++;
			if (ms * 1000000 > max[k])
				max[k] = ms * 1000000;
		}
		us = (i * 104729) % 1000000;
		n = snprintf(line, sizeof line, T ": phase=%s time_us=%llu.%03llu"
		    "\n", phases[k], (unsigned long long)us / 1000,
		    (unsigned long long)us % 1000);
		timing_feed(t, 1 - i % 2, line, n);
	}
	for (k = 0; k < 7; k++) {
		check(t, B, phases[k], count[k], total[k], max[k]);
		assert_non_null(find(t, T, phases[k]));
	}
	/* Sum of the time_us values, known in closed form: check by hand. */
	for (k = 0, us = 0; k < 7; k++)
		us += find(t, T, phases[k])->total_ns;
	{
		uint64_t	want = 0;

		for (i = 0; i < 20000; i++)
			want += (i * 104729) % 1000000 +
			    (i % 3 == 0 ? ((i * 7919) % 1000) * 1000000 : 0);
		assert_int_equal(us, want);
	}
	assert_int_equal(timing_count(t), 14);
	assert_int_equal(timing_malformed(t), 0);
	timing_free(t);
}

static void
test_custom_prefixes(void **state)
{
	char		*prefixes[] = { "MY_TIMING", "other.x-1", "MY" };
	struct timing	*t = timing_new(prefixes, 3);

	feed(t, 0, B ": phase=a time_ms=1\n");
	feed(t, 0, "MY_TIMING: phase=a time_ms=2\n");
	feed(t, 0, "other.x-1: phase=a time_ms=3\n");
	feed(t, 0, "MY: phase=a time_ms=4\n");
	feed(t, 0, "MY_TIMING: phase=a time_us=1\n");
	feed(t, 0, "MY_: phase=a time_ms=5\n");
	assert_int_equal(timing_count(t), 3);
	check(t, "MY_TIMING", "a", 2, 2001000, 2000000);
	check(t, "other.x-1", "a", 1, 3000000, 3000000);
	check(t, "MY", "a", 1, 4000000, 4000000);
	assert_null(find(t, B, "a"));
	assert_int_equal(timing_malformed(t), 0);
	timing_free(t);

	assert_true(timing_prefix_valid("ORI_BUILD_TIMING"));
	assert_false(timing_prefix_valid(""));
	assert_false(timing_prefix_valid("A B"));
	assert_false(timing_prefix_valid("A:"));
	assert_false(timing_prefix_valid("A=B"));
}

static void
test_too_many_phases(void **state)
{
	struct timing	*t = timing_new(NULL, 0);
	char		 line[64];
	int		 i, n;

	for (i = 0; i < TIMING_PHASES_MAX + 44; i++) {
		n = snprintf(line, sizeof line, B ": phase=p%d time_ns=%d\n",
		    i, i);
		timing_feed(t, 0, line, n);
	}
	feed(t, 0, B ": phase=p0 time_ns=5\n");
	assert_int_equal(timing_count(t), TIMING_PHASES_MAX);
	assert_int_equal(timing_malformed(t), 44);
	assert_string_equal(timing_malformed_reason(t), "too many phases");
	check(t, B, "p0", 2, 5, 5);
	check(t, B, "p255", 1, 255, 255);
	assert_null(find(t, B, "p256"));
	timing_free(t);
}

static void
test_reset_clears_partial(void **state)
{
	struct timing	*t = timing_new(NULL, 0);

	feed(t, 0, B ": phase=a time_ms=1\n" B ": phase=b");
	feed(t, 1, "junk");
	timing_reset(t);
	assert_int_equal(timing_count(t), 0);
	assert_int_equal(timing_pending(t, 0), 0);
	assert_int_equal(timing_pending(t, 1), 0);
	feed(t, 0, " time_ms=1\n" B ": phase=c time_ms=1");
	feed(t, 1, "junk");
	timing_finish(t);
	assert_int_equal(timing_count(t), 1);
	check(t, B, "c", 1, 1000000, 1000000);
	assert_int_equal(timing_malformed(t), 0);
	timing_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_rounding),
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_splits),
		cmocka_unit_test(test_interleaved),
		cmocka_unit_test(test_overlong),
		cmocka_unit_test(test_non_utf8),
		cmocka_unit_test(test_phase_length),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_example_escaped),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_custom_prefixes),
		cmocka_unit_test(test_too_many_phases),
		cmocka_unit_test(test_reset_clears_partial),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
