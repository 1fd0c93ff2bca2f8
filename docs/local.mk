## docs/: man pages, the example config, the reference documents.
dist_man_MANS += %reldir%/benchd.8 %reldir%/benchd.conf.5 \
	%reldir%/benchd-tune.8
benchdconfdir = $(sysconfdir)/benchd
dist_benchdconf_DATA = %reldir%/benchd.conf.example
EXTRA_DIST += %reldir%/PROTOCOL.md %reldir%/SCHEMA.md %reldir%/METHODOLOGY.md \
	%reldir%/DEPLOYMENT.md %reldir%/HACKING.md %reldir%/PERFORMANCE.md \
	%reldir%/HTTP.md
