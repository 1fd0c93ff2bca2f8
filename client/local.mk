## client/: benchctl.
bin_PROGRAMS += client/benchctl
client_benchctl_SOURCES = \
	%reldir%/benchctl.c %reldir%/client.h \
	%reldir%/cmd.c \
	%reldir%/cmd-ab.c \
	%reldir%/cmd-baseline.c \
	%reldir%/cmd-bisect.c \
	%reldir%/cmd-calibrate.c \
	%reldir%/cmd-cancel.c \
	%reldir%/cmd-compare.c \
	%reldir%/cmd-complete.c \
	%reldir%/cmd-conditions.c \
	%reldir%/cmd-export.c \
	%reldir%/cmd-history.c \
	%reldir%/cmd-notifications.c \
	%reldir%/cmd-phases.c \
	%reldir%/cmd-profile.c \
	%reldir%/cmd-queue.c \
	%reldir%/cmd-regressions.c \
	%reldir%/cmd-runs.c \
	%reldir%/cmd-sessions.c \
	%reldir%/cmd-show.c \
	%reldir%/cmd-status.c \
	%reldir%/cmd-suites.c \
	%reldir%/cmd-variance.c \
	%reldir%/export-bmf.c \
	%reldir%/export-conbench.c \
	%reldir%/export-lnt.c \
	%reldir%/fleet.c \
	%reldir%/fleet-compare.c \
	%reldir%/fleet-jobs.c \
	%reldir%/fleet-list.c \
	%reldir%/json.c \
	%reldir%/output.c \
	%reldir%/rpc.c \
	%reldir%/table.c
# The statistics and the verdict rule of --fleet compare are benchd's own
# (daemon/stats.c, daemon/rules.c, from the library tier).
client_benchctl_CPPFLAGS = -I$(top_srcdir)/common -I$(top_srcdir)/client \
	-I$(top_srcdir)/daemon
client_benchctl_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS) $(PQ_CFLAGS) \
	$(GSL_CFLAGS)
client_benchctl_LDADD = daemon/libbenchd.a common/libcommon.a \
	$(CJSON_LIBS) $(PQ_LIBS) $(GSL_LIBS) -lm
dist_man_MANS += docs/benchctl.1

# Loaded on demand by bash-completion, so it must be named for the command.
bashcompletiondir = $(datadir)/bash-completion/completions
bashcompletion_DATA = %reldir%/completion/benchctl
EXTRA_DIST += %reldir%/benchctl.bash-completion
CLEANFILES += %reldir%/completion/benchctl
%reldir%/completion/benchctl: %reldir%/benchctl.bash-completion
	$(AM_V_GEN)$(MKDIR_P) %reldir%/completion && \
	    cp $(srcdir)/%reldir%/benchctl.bash-completion $@
