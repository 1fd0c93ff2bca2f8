## client/: benchctl.
bin_PROGRAMS += client/benchctl
client_benchctl_SOURCES = \
	%reldir%/benchctl.c %reldir%/client.h \
	%reldir%/cmd.c \
	%reldir%/cmd-cancel.c \
	%reldir%/cmd-conditions.c \
	%reldir%/cmd-history.c \
	%reldir%/cmd-phases.c \
	%reldir%/cmd-queue.c \
	%reldir%/cmd-runs.c \
	%reldir%/cmd-sessions.c \
	%reldir%/cmd-show.c \
	%reldir%/cmd-status.c \
	%reldir%/cmd-suites.c \
	%reldir%/cmd-variance.c \
	%reldir%/json.c \
	%reldir%/output.c \
	%reldir%/rpc.c \
	%reldir%/table.c
client_benchctl_CPPFLAGS = -I$(top_srcdir)/common -I$(top_srcdir)/client
client_benchctl_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
client_benchctl_LDADD = common/libcommon.a $(CJSON_LIBS) -lm
dist_man_MANS += docs/benchctl.1
