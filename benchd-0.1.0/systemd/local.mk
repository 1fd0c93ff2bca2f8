## systemd/: the service and socket units and the sysusers.d entry.
## benchd.service is filled in at make time, so it follows
## `make sbindir=... sysconfdir=...` as the programs do.

systemdsystemunit_DATA = %reldir%/benchd.service
dist_systemdsystemunit_DATA = %reldir%/benchd.socket
EXTRA_DIST += %reldir%/benchd.service.in %reldir%/benchd.sysusers
CLEANFILES += %reldir%/benchd.service

%reldir%/benchd.service: %reldir%/benchd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) %reldir% && \
	rm -f $@ $@.tmp && \
	$(SED) -e 's|@sbindir[@]|$(sbindir)|g' \
	    -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	    $(srcdir)/%reldir%/benchd.service.in >$@.tmp && \
	mv $@.tmp $@

# sysusers.d wants NAME.conf; the source is named for what it is.
install-data-local: install-sysusers
uninstall-local: uninstall-sysusers
install-sysusers:
	$(MKDIR_P) '$(DESTDIR)$(sysusersdir)'
	$(INSTALL_DATA) $(srcdir)/%reldir%/benchd.sysusers \
	    '$(DESTDIR)$(sysusersdir)/benchd.conf'
uninstall-sysusers:
	rm -f '$(DESTDIR)$(sysusersdir)/benchd.conf'
.PHONY: install-sysusers uninstall-sysusers

# distcheck installs as an ordinary user: keep the units inside its tree
# even when systemd.pc names absolute directories.
AM_DISTCHECK_CONFIGURE_FLAGS = \
	--with-systemdsystemunitdir='$$dc_install_base$(systemdsystemunitdir)' \
	--with-sysusersdir='$$dc_install_base$(sysusersdir)'
