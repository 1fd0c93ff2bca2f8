/*
 * test-html.c -- daemon/html.c: every string from data reaches a page or
 * the feed escaped, as valid UTF-8 that XML 1.0 can carry, and links are
 * percent-encoded.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "html.h"
#include "svgbuf.h"

/* html_textn of s into a fresh buffer; the caller frees. */
static char *
esc(const char *s, size_t len)
{
	struct svgbuf	b;

	memset(&b, 0, sizeof b);
	svgbuf_puts(&b, "");
	html_textn(&b, s, len);
	return (b.p);
}

static void
check(const char *in, const char *want)
{
	char	*got = esc(in, strlen(in));

	assert_string_equal(got, want);
	free(got);
}

static void
test_markup(void **state)
{
	check("", "");
	check("plain ori_ir 59.12 s", "plain ori_ir 59.12 s");
	check("<script>alert('x')</script>",
	    "&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;");
	check("a & b \"quoted\"", "a &amp; b &quot;quoted&quot;");
	check("&amp;", "&amp;amp;");
	check("\" onmouseover=\"x", "&quot; onmouseover=&quot;x");
	check("line 1\nline 2\ttab\r\n", "line 1\nline 2\ttab\r\n");
}

static void
test_utf8(void **state)
{
	char	*got;

	check("\xc2\xb5s \xe2\x80\x94 \xf0\x9f\x98\x80",
	    "\xc2\xb5s \xe2\x80\x94 \xf0\x9f\x98\x80");
	/* Bad bytes, one U+FFFD each. */
	check("a\xff" "b", "a\xef\xbf\xbd" "b");
	check("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");		/* overlong */
	check("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	check("\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd");					/* > U+10FFFF */
	check("cut \xe2\x80", "cut \xef\xbf\xbd\xef\xbf\xbd");	/* truncated */
	/* Controls XML cannot carry, and U+FFFE and U+FFFF. */
	check("\x01\x1b[31m\x7f", "\xef\xbf\xbd\xef\xbf\xbd[31m\xef\xbf\xbd");
	check("\xef\xbf\xbe\xef\xbf\xbf", "\xef\xbf\xbd\xef\xbf\xbd");
	/* A NUL byte inside the length given. */
	got = esc("a\0<b", 4);
	assert_string_equal(got, "a\xef\xbf\xbd&lt;b");
	free(got);
	/* A character cut by the length given is not read past it. */
	got = esc("\xc2\xb5", 1);
	assert_string_equal(got, "\xef\xbf\xbd");
	free(got);
}

static void
test_url(void **state)
{
	struct svgbuf	b;

	memset(&b, 0, sizeof b);
	svgbuf_puts(&b, "");
	html_url(&b, "full-workspace_1.2~x");
	html_url(&b, "/");
	html_url(&b, "a b&c=d\"<\xc2\xb5");
	html_url(&b, NULL);
	html_text(&b, NULL);
	assert_string_equal(b.p, "full-workspace_1.2~x%2Fa%20b%26c%3Dd%22%3C"
	    "%C2%B5");
	free(b.p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_markup),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_url),
	};

	alarm(60);
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
