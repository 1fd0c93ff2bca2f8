/*
 * loadconf.h -- for the conf tests: benchd.conf text written to files in
 * a temporary directory (made by the group setup) and loaded.
 */
#ifndef LOADCONF_H
#define LOADCONF_H

struct config;

int		 loadconf_setup(void **);
int		 loadconf_teardown(void **);
struct config	*loadconf(const char *);
void		 loadconf_fails(const char *, const char *);

#endif /* LOADCONF_H */
