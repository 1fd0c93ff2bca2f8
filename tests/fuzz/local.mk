## tests/fuzz/: libFuzzer targets, built with ./configure --enable-fuzzing
## (clang); tests/fuzz/run-fuzz.sh builds and runs them.

if ENABLE_FUZZING
noinst_PROGRAMS += %reldir%/fuzz-timing %reldir%/fuzz-conf \
	%reldir%/fuzz-rpc %reldir%/fuzz-fold
endif

# The parsers, from the library tier.
FUZZ_CFLAGS = $(daemon_libbenchd_a_CFLAGS)
FUZZ_LINK = $(AM_LDFLAGS) $(FUZZING_LIBS)
FUZZ_LDADD = $(BENCHD_LIBS)
tests_fuzz_fuzz_timing_SOURCES = %reldir%/fuzz-timing.c %reldir%/fuzz.h
tests_fuzz_fuzz_timing_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_timing_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_timing_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_conf_SOURCES = %reldir%/fuzz-conf.c %reldir%/fuzz.h
tests_fuzz_fuzz_conf_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_conf_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_conf_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_fold_SOURCES = %reldir%/fuzz-fold.c %reldir%/fuzz.h
tests_fuzz_fuzz_fold_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_fold_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_fold_LDADD = $(FUZZ_LDADD)

# The dispatcher and every method: benchd as it is, with fuzz-rpc.c in
# place of benchd.c and server.c.
tests_fuzz_fuzz_rpc_SOURCES = %reldir%/fuzz-rpc.c %reldir%/fuzz.h \
	$(BENCHD_CORE_SOURCES)
nodist_tests_fuzz_fuzz_rpc_SOURCES = daemon/www.c
tests_fuzz_fuzz_rpc_CFLAGS = $(daemon_benchd_CFLAGS)
tests_fuzz_fuzz_rpc_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_rpc_LDADD = $(daemon_benchd_LDADD)

# run-fuzz.sh, the seed corpora and dictionaries, and the inputs that
# once crashed (regressions/TARGET-WHAT).
EXTRA_DIST += %reldir%/run-fuzz.sh \
	%reldir%/conf.dict %reldir%/fold.dict \
	%reldir%/rpc.dict %reldir%/timing.dict \
	%reldir%/corpus-conf %reldir%/corpus-fold \
	%reldir%/corpus-rpc %reldir%/corpus-timing \
	%reldir%/regressions
