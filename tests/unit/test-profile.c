/*
 * test-profile.c -- perf script folding, folded text, zlib, hot functions.
 *
 * tests/data/perf/sample.script is real `perf record -e cpu-clock -g`
 * output of a shell running "awk 2" (a copy of mawk, so comm and dso hold
 * a space), dd, sort and wc; sample.folded was computed from it by an
 * independent script following the rules in profile-fold.c.
 * nocallchain.* is the same without -g.  The data directory is
 * $BENCHD_TEST_DATA, else TEST_DATA_DIR, else tests/data.
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

#include "profile.h"
#include "xmalloc.h"

#ifndef TEST_DATA_DIR
#define TEST_DATA_DIR	"tests/data"
#endif

static char *
slurp(const char *name, size_t *len)
{
	const char	*dir;
	char		*path, *buf;
	FILE		*f;
	long		 n;

	if ((dir = getenv("BENCHD_TEST_DATA")) == NULL || *dir == '\0')
		dir = TEST_DATA_DIR;
	xasprintf(&path, "%s/perf/%s", dir, name);
	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = xmalloc(n + 1);
	assert_int_equal(fread(buf, 1, n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	free(path);
	*len = n;
	return (buf);
}

/* Folds s fed in chunks of the given size (0: random sizes from seed). */
static char *
fold_chunked(const char *s, size_t len, size_t chunk, unsigned seed,
    uint64_t *samples, uint64_t *skipped)
{
	struct profile_fold	*pf;
	char			*out;
	size_t			 off = 0, n;

	srand(seed);
	pf = profile_fold_new();
	while (off < len) {
		n = chunk != 0 ? chunk : (size_t)(rand() % 300) + 1;
		if (n > len - off)
			n = len - off;
		profile_fold_feed(pf, s + off, n);
		off += n;
	}
	out = profile_fold_finish(pf, NULL);
	if (samples != NULL)
		*samples = profile_fold_samples(pf);
	if (skipped != NULL)
		*skipped = profile_fold_skipped(pf);
	profile_fold_free(pf);
	return (out);
}

static char *
fold(const char *s, uint64_t *samples, uint64_t *skipped)
{
	return (fold_chunked(s, strlen(s), strlen(s) + 1, 0, samples,
	    skipped));
}

static size_t
count_lines(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return (n);
}

/* The line "stack N" is in folded, with exactly that count. */
static void
has_stack(const char *folded, const char *stack, unsigned long count)
{
	char	*line;

	xasprintf(&line, "\n%s %lu\n", stack, count);
	if (strncmp(folded, line + 1, strlen(line + 1)) != 0 &&
	    strstr(folded, line) == NULL)
		fail_msg("missing \"%s %lu\" in:\n%s", stack, count, folded);
	free(line);
}

static void
test_sample(void **state)
{
	char		*script, *want, *got;
	size_t		 len, wlen;
	uint64_t	 samples, skipped;

	script = slurp("sample.script", &len);
	want = slurp("sample.folded", &wlen);
	got = fold_chunked(script, len, 65536, 0, &samples, &skipped);
	assert_int_equal(samples, 185);
	assert_int_equal(skipped, 0);
	assert_int_equal(count_lines(got), 30);
	assert_string_equal(got, want);
	/* "[unknown] (/tmp/prof/bin/awk 2)" with junk roots dropped. */
	has_stack(got, "awk 2;[awk 2]", 86);
	has_stack(got, "dd;read;entry_SYSCALL_64_after_hwframe_[k];"
	    "do_syscall_64_[k]", 13);
	has_stack(got, "dd;__GI___libc_write;entry_SYSCALL_64_after_hwframe_"
	    "[k];do_syscall_64_[k]", 17);
	has_stack(got, "sort;_dl_start_user;_dl_sysdep_start;dl_main", 1);
	assert_null(strstr(got, "+0x"));
	assert_null(strstr(got, "[unknown]"));
	free(got);
	free(want);
	free(script);
}

static void
test_chunking(void **state)
{
	char		*script, *whole, *got;
	size_t		 len;
	unsigned	 seed;
	uint64_t	 samples;

	script = slurp("sample.script", &len);
	whole = fold_chunked(script, len, len, 0, NULL, NULL);
	got = fold_chunked(script, len, 1, 0, &samples, NULL);
	assert_string_equal(got, whole);
	assert_int_equal(samples, 185);
	free(got);
	for (seed = 1; seed <= 20; seed++) {
		got = fold_chunked(script, len, 0, seed, NULL, NULL);
		assert_string_equal(got, whole);
		free(got);
	}
	free(whole);
	free(script);
}

static void
test_nocallchain(void **state)
{
	char		*script, *want, *got;
	size_t		 len, wlen;
	uint64_t	 samples, skipped;

	/* Right-aligned comm, the frame on the header line. */
	script = slurp("nocallchain.script", &len);
	want = slurp("nocallchain.folded", &wlen);
	got = fold_chunked(script, len, 7, 0, &samples, &skipped);
	assert_int_equal(samples, 38);
	assert_int_equal(skipped, 0);
	assert_string_equal(got, want);
	has_stack(got, "dd;read_zero_[k]", 7);
	has_stack(got, "awk 2;[awk 2]", 11);
	has_stack(got, "sh;__rcu_read_lock_[k]", 1);
	free(got);
	free(want);
	free(script);

	/* No frame at all: the stack is the process name. */
	got = fold("  cc1 9 [002] 1.5:  1 cpu-clock: \n"
	    "ld 10 1.6: 1 cpu-clock:\n"
	    "ld 10 1.7: 1 cpu-clock:      4a0 [unknown] (/usr/bin/ld.bfd)",
	    &samples, NULL);
	assert_int_equal(samples, 3);
	assert_string_equal(got, "cc1 1\nld 1\nld;[ld.bfd] 1\n");
	free(got);
}

static void
test_names(void **state)
{
	char		*got;
	uint64_t	 samples, skipped;

	got = fold(
	    "rustc 2 4242/4243 [001] 100.000001:  1001001 cpu-clock:\n"
	    "\t    55d000000010 <alloc::vec::Vec<T> as core::ops::drop::Drop>"
	    "::drop+0x1a (/usr/bin/rustc)\n"
	    "\t    55d000000020 weird;name+0x2 (/usr/lib/libx.so)\n"
	    "\t    55d000000030 operator() (/opt/my (dir)/lib.so)\n"
	    "\t    55d000000040 main (/usr/bin/rustc)\n"
	    "\t    7ffd1b391e10 [unknown] ([unknown])\n"
	    "\t               0 [unknown] ([unknown])\n"
	    "\n"
	    "tokio-runtime-w 77 [003] 5.5: 1 cpu-clock:\n"
	    "\tffffffff81000130 entry_SYSCALL_64+0x10 ([kernel.kallsyms])\n"
	    "\tffffffffc0a01234 nft_do_chain+0x44 ([nf_tables])\n"
	    "\tffffffff81000140 [unknown] ([kernel.kallsyms])\n"
	    "\tffffffff81000150 kvm_guest+0x1 ([guest.kernel.kallsyms])\n"
	    "\t         7f00 [unknown] (/usr/lib/x86_64-linux-gnu/libc.so.6)\n"
	    "\t           5000 [unknown] ([vdso])\n"
	    "\t     4000000000 [unknown] ([unknown])\n"
	    "\t     4000000010 start (/usr/bin/t)\n"
	    "\n"
	    "java 5 1.0: 1 cpu-clock:\n"
	    "\t         7f0000 [unknown] ([unknown])\n"
	    "\t              0 [unknown] ([unknown])\n"
	    "\n", &samples, &skipped);
	assert_int_equal(samples, 3);
	assert_int_equal(skipped, 0);
	assert_string_equal(got,
	    "java;[unknown] 1\n"
	    "rustc 2;main;operator();weird:name;"
	    "<alloc::vec::Vec<T> as core::ops::drop::Drop>::drop 1\n"
	    "tokio-runtime-w;start;[unknown];[vdso];[libc.so.6];"
	    "kvm_guest_[k];[kernel.kallsyms]_[k];nft_do_chain_[k];"
	    "entry_SYSCALL_64_[k] 1\n");
	free(got);
}

static void
test_malformed(void **state)
{
	char		*got;
	uint64_t	 samples, skipped;

	got = fold(
	    "# perf script header comment\n"
	    "garbage without a pid\n"
	    "\t    1234 lost (/bin/x)\n"
	    "\n"
	    "sh 12x 1.0: 1 cpu-clock:\n"
	    "\t    1234 lost (/bin/x)\n"
	    "\n"
	    "sh 12 1.0: 1 cpu-clock:\n"
	    "\t    not-an-address kept? (/bin/x)\n"
	    "\t    1234 kept+0x1 (/bin/x)\n"
	    "\n", &samples, &skipped);
	assert_int_equal(samples, 1);
	assert_int_equal(skipped, 2);
	assert_string_equal(got, "sh;kept 1\n");
	free(got);
}

static void
test_long_line(void **state)
{
	char		*text, *got, *big;
	size_t		 n = 300 * 1024;
	uint64_t	 samples, skipped;

	big = xmalloc(n + 1);
	memset(big, 'x', n);
	big[n] = '\0';
	xasprintf(&text, "p 1 1.0: 1 cpu-clock:\n\t1 %s (/a)\n\t2 f (/a)\n\n",
	    big);
	got = fold_chunked(text, strlen(text), 4096, 0, &samples, &skipped);
	assert_int_equal(samples, 1);
	assert_int_equal(skipped, 1);
	assert_string_equal(got, "p;f 1\n");
	free(got);
	got = fold(text, NULL, &skipped);
	assert_int_equal(skipped, 1);
	assert_string_equal(got, "p;f 1\n");
	free(got);
	free(text);
	free(big);
}

static void
test_parse(void **state)
{
	struct profile_stacks	 ps;
	char			*folded, *err;
	size_t			 len;

	folded = slurp("sample.folded", &len);
	assert_int_equal(profile_stacks_parse(folded, len, &ps, &err), 0);
	assert_int_equal(ps.n, 30);
	assert_int_equal(ps.total, 185);
	assert_string_equal(ps.v[0].frames[0], "awk 2");
	assert_string_equal(ps.v[0].frames[1], "[awk 2]");
	assert_int_equal(ps.v[0].nframes, 2);
	assert_int_equal(ps.v[0].count, 86);
	profile_stacks_free(&ps);
	free(folded);

	assert_int_equal(profile_stacks_parse("", 0, &ps, &err), 0);
	assert_int_equal(ps.n, 0);
	assert_int_equal(ps.total, 0);
	profile_stacks_free(&ps);

	folded = "r;<alloc::vec::Vec<T> as core::ops::Drop>::drop 4\nr 2";
	assert_int_equal(profile_stacks_parse(folded, strlen(folded), &ps,
	    &err), 0);
	assert_int_equal(ps.n, 2);
	assert_int_equal(ps.total, 6);
	assert_int_equal(ps.v[0].nframes, 2);
	assert_string_equal(ps.v[0].frames[1],
	    "<alloc::vec::Vec<T> as core::ops::Drop>::drop");
	assert_int_equal(ps.v[1].nframes, 1);
	profile_stacks_free(&ps);
}

static void
parse_fails(const char *text, const char *want)
{
	struct profile_stacks	 ps;
	char			*err = NULL;

	assert_int_equal(profile_stacks_parse(text, strlen(text), &ps, &err),
	    -1);
	assert_non_null(err);
	if (strstr(err, want) == NULL)
		fail_msg("\"%s\": error \"%s\", not \"%s\"", text, err, want);
	assert_int_equal(ps.n, 0);
	assert_null(ps.v);
	free(err);
}

static void
test_parse_errors(void **state)
{
	parse_fails("a;b\n", "line 1: no count");
	parse_fails("a;b 0\n", "line 1: count");
	parse_fails("a 1\nb 12x\n", "line 2: count");
	parse_fails("x 5\n\ny -3\n", "line 3: count");
	parse_fails("a;;b 3\n", "line 1: empty frame");
	parse_fails(" 3\n", "line 1: no stack");
	parse_fails("a 99999999999999999999\n", "line 1: count");
	parse_fails("a 18446744073709551615\nb 1\n", "line 2: counts overflow");
}

static void
test_compress(void **state)
{
	unsigned char	*z, *bad;
	char		*folded, *out;
	size_t		 len, zlen, outlen, big = 2 << 20;

	folded = slurp("sample.folded", &len);
	assert_int_equal(profile_compress(folded, len, &z, &zlen), 0);
	assert_true(zlen < len);
	assert_int_equal(profile_uncompress(z, zlen, &out, &outlen), 0);
	assert_int_equal(outlen, len);
	assert_memory_equal(out, folded, len);
	assert_int_equal(out[outlen], '\0');
	free(out);

	bad = xmalloc(zlen + 1);
	memcpy(bad, z, zlen);
	bad[zlen / 2] ^= 0x55;
	assert_int_equal(profile_uncompress(bad, zlen, &out, &outlen), -1);
	memcpy(bad, z, zlen);
	assert_int_equal(profile_uncompress(bad, zlen - 1, &out, &outlen), -1);
	bad[zlen] = 0;
	assert_int_equal(profile_uncompress(bad, zlen + 1, &out, &outlen), -1);
	assert_int_equal(profile_uncompress((const unsigned char *)"hello",
	    5, &out, &outlen), -1);
	assert_int_equal(profile_uncompress(bad, 0, &out, &outlen), -1);
	free(bad);
	free(z);
	free(folded);

	assert_int_equal(profile_compress("", 0, &z, &zlen), 0);
	assert_int_equal(profile_uncompress(z, zlen, &out, &outlen), 0);
	assert_int_equal(outlen, 0);
	free(out);
	free(z);

	/* A small stream that inflates past the cap is refused. */
	folded = xcalloc(1, big);
	assert_int_equal(profile_compress(folded, big, &z, &zlen), 0);
	assert_true(zlen < 8192);
	assert_int_equal(profile_uncompress_max(z, zlen, big / 2, &out,
	    &outlen), -1);
	assert_int_equal(profile_uncompress_max(z, zlen, big - 1, &out,
	    &outlen), -1);
	assert_int_equal(profile_uncompress_max(z, zlen, big, &out, &outlen),
	    0);
	assert_int_equal(outlen, big);
	free(out);
	free(z);
	free(folded);
}

static char	*llvm_p[] = { "llvm::", "inkwell::", "LLVM" };
static char	*comp_p[] = { "ori_types::", "ori_parse::", "ori_arc::",
		    "ori_llvm::", "oric::" };
static char	*link_p[] = { "comm:ld", "comm:cc", "comm:collect2" };
static char	*kern_p[] = { "kernel" };
static struct profile_category users_v[] = {
	{ "LLVM", llvm_p, 3 },
	{ "compiler", comp_p, 5 },
	{ "link", link_p, 3 },
	{ "kernel", kern_p, 1 },
};
static const struct profile_categories users = { users_v, 4 };

static void
test_category(void **state)
{
	const char	*c;

	assert_string_equal(profile_category_of(&users, "llvm::X86::emit",
	    "oric"), "LLVM");
	assert_string_equal(profile_category_of(&users,
	    "inkwell::module::Module::verify", "ld"), "LLVM");
	assert_string_equal(profile_category_of(&users,
	    "ori_types::infer::unify", "rustc"), "compiler");
	/* kernel before comm:, symbol prefix before kernel. */
	assert_string_equal(profile_category_of(&users, "do_syscall_64_[k]",
	    "ld"), "kernel");
	assert_string_equal(profile_category_of(&users, "LLVMfoo_[k]", "ld"),
	    "LLVM");
	assert_string_equal(profile_category_of(&users, "_bfd_elf_link",
	    "ld"), "link");
	assert_string_equal(profile_category_of(&users, "main", "collect2"),
	    "link");
	assert_string_equal(profile_category_of(&users, "main", "rustc"),
	    "other");
	assert_string_equal(profile_category_of(&users, "mainllvm::", "x"),
	    "other");
	c = profile_category_of(NULL, "llvm::x", "rustc");
	assert_string_equal(c, "other");
	assert_ptr_equal(profile_category_of(&users, "llvm::x", "y"),
	    users_v[0].name);
}

static char	*libc_p[] = { "read", "__GI___libc_write", "sysmalloc" };
static char	*awk_p[] = { "comm:awk" };
static struct profile_category small_v[] = {
	{ "libc", libc_p, 3 },
	{ "kernel", kern_p, 1 },
	{ "awk", awk_p, 1 },
};
static const struct profile_categories small = { small_v, 3 };

static void
fn_is(const struct profile_hot_fn *f, const char *name, const char *cat,
    uint64_t self, uint64_t total)
{
	assert_string_equal(f->name, name);
	assert_string_equal(f->category, cat);
	assert_int_equal(f->self, self);
	assert_int_equal(f->total, total);
}

static void
test_hot_sample(void **state)
{
	struct profile_stacks	 ps;
	struct profile_hot	 h;
	char			*folded, *err;
	size_t			 len;

	folded = slurp("sample.folded", &len);
	assert_int_equal(profile_stacks_parse(folded, len, &ps, &err), 0);
	profile_hot(&ps, &small, 3, &h);
	assert_int_equal(h.samples, 185);
	assert_int_equal(h.nby_self, 3);
	fn_is(&h.by_self[0], "[awk 2]", "awk", 86, 86);
	fn_is(&h.by_self[1], "do_syscall_64_[k]", "kernel", 30, 76);
	/* "read" is a symbol prefix: it wins over "kernel". */
	fn_is(&h.by_self[2], "read_zero_[k]", "libc", 11, 12);
	assert_int_equal(h.nby_total, 3);
	fn_is(&h.by_total[0], "[awk 2]", "awk", 86, 86);
	/* A tie at 76, by name. */
	fn_is(&h.by_total[1], "do_syscall_64_[k]", "kernel", 30, 76);
	fn_is(&h.by_total[2], "entry_SYSCALL_64_after_hwframe_[k]", "kernel",
	    0, 76);
	assert_int_equal(h.ncats, 4);
	assert_string_equal(h.cats[0].name, "awk");
	assert_int_equal(h.cats[0].self, 86);
	assert_string_equal(h.cats[1].name, "kernel");
	assert_int_equal(h.cats[1].self, 68);
	assert_string_equal(h.cats[2].name, "libc");
	assert_int_equal(h.cats[2].self, 20);
	assert_string_equal(h.cats[3].name, "other");
	assert_int_equal(h.cats[3].self, 11);
	profile_hot_free(&h);
	profile_stacks_free(&ps);
	free(folded);
}

static void
test_hot_rules(void **state)
{
	struct profile_stacks	 ps;
	struct profile_hot	 h;
	const char		*text;
	char			*err;

	text = "p;a;b;a 3\n"	/* recursion counts once in total */
	    "p;a 2\n"
	    "p 4\n"		/* only the process: self of "[p]" */
	    "awk;a 1\n"
	    "q;c;z 2\n"
	    "q;c;y 2\n"
	    "awk;c 5\n";	/* c: 5 of 9 samples under awk */
	assert_int_equal(profile_stacks_parse(text, strlen(text), &ps, &err),
	    0);
	profile_hot(&ps, &small, 10, &h);
	assert_int_equal(h.samples, 19);
	assert_int_equal(h.nby_self, 5);
	fn_is(&h.by_self[0], "a", "other", 6, 6);
	fn_is(&h.by_self[1], "c", "awk", 5, 9);
	fn_is(&h.by_self[2], "[p]", "other", 4, 4);
	fn_is(&h.by_self[3], "y", "other", 2, 2);
	fn_is(&h.by_self[4], "z", "other", 2, 2);
	assert_int_equal(h.nby_total, 6);
	fn_is(&h.by_total[0], "c", "awk", 5, 9);
	fn_is(&h.by_total[1], "a", "other", 6, 6);
	fn_is(&h.by_total[2], "[p]", "other", 4, 4);
	fn_is(&h.by_total[3], "b", "other", 0, 3);
	fn_is(&h.by_total[4], "y", "other", 2, 2);
	assert_int_equal(h.ncats, 2);
	assert_string_equal(h.cats[0].name, "other");
	assert_int_equal(h.cats[0].self, 13);
	assert_string_equal(h.cats[1].name, "awk");
	assert_int_equal(h.cats[1].self, 6);
	profile_hot_free(&h);

	profile_hot(&ps, NULL, 2, &h);
	assert_int_equal(h.nby_self, 2);
	assert_int_equal(h.ncats, 1);
	assert_string_equal(h.cats[0].name, "other");
	assert_int_equal(h.cats[0].self, 19);
	profile_hot_free(&h);
	profile_stacks_free(&ps);

	assert_int_equal(profile_stacks_parse("", 0, &ps, &err), 0);
	profile_hot(&ps, &small, 3, &h);
	assert_int_equal(h.samples, 0);
	assert_int_equal(h.nby_self, 0);
	assert_int_equal(h.nby_total, 0);
	assert_int_equal(h.ncats, 0);
	profile_hot_free(&h);
	profile_stacks_free(&ps);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_chunking),
		cmocka_unit_test(test_nocallchain),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_compress),
		cmocka_unit_test(test_category),
		cmocka_unit_test(test_hot_sample),
		cmocka_unit_test(test_hot_rules),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
