## common/: code both programs link.
noinst_LIBRARIES += common/libcommon.a
common_libcommon_a_SOURCES = \
	%reldir%/log.c %reldir%/log.h \
	%reldir%/units.c %reldir%/units.h \
	%reldir%/xmalloc.c %reldir%/xmalloc.h
