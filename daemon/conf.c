/*
 * conf.c -- load and validate benchd.conf.
 *
 * libinih does the INI syntax; conf-keys.c knows what each key means.
 * inih reads the file through our reader, so we see every raw line before
 * inih does: that is how a suite knows the line of its [suite NAME] header
 * (inih only reports key lines, and never a section without keys), how an
 * indented continuation line is told from a repeated key, and how a line
 * longer than inih's fixed buffer (200 bytes) still works: its value is
 * kept aside and inih sees a one-byte stand-in, which the handler swaps
 * back.  Values are checked strictly; the first error in the file
 * wins and is reported as "FILE:LINE: reason".
 *
 * Notes for benchd.conf(5): " ;" starts a comment anywhere (inih), so a
 * value cannot contain a blank followed by ';'.  An indented line continues
 * the previous key: lists (env, param.*, forbid_processes,
 * timing_prefixes) get more words, build and command are joined with a
 * space; other keys refuse it.  When $STATE_DIRECTORY is set (systemd's
 * StateDirectory=), database is its first path + "/benchd.db", whatever
 * database = says.  [tune] keys left out are taken from the rest of the
 * file once it has been read (tune_defaults).
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Debian's libinih (55) passes the line number; the tests rely on it. */
#define INI_HANDLER_LINENO 1
#include <ini.h>

#include "argv.h"
#include "conf.h"
#include "conf-keys.h"
#include "conf-int.h"
#include "xmalloc.h"

#define SUITE_NAME_MAX	64
#define SUITE_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789_.-"

/* In the order benchd-tune applies them (tune-settings.c). */
const char *const conf_tune_settings[] = {
	"governor", "turbo", "aslr", "thp", "nmi_watchdog", "perf", "irq",
	"workqueue", "cpuset", "smt", NULL
};

/* The section a key belongs to, as the handler sees it. */
struct ctx {
	enum conf_table		 table;
	void			*base;
	struct lines		*lines;
	struct suite		*suite;
	char			*prefix;
};

void
conf_error(struct parse *ps, int line, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (ps->error != NULL)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	xasprintf(&ps->error, "%s:%d: %s", ps->path, line,
	    msg != NULL ? msg : "out of memory");
	ps->errline = line;
	free(msg);
}

/* param.NAME: the line of each is kept for "not used" errors. */
static int
set_param(struct parse *ps, struct ctx *c, const char *name,
    const char *value, int cont, char **why)
{
	struct suite			*s = c->suite;
	const struct suite_param	*sp = suite_param(s, name);
	size_t				 n = s->nparams;

	if (sp != NULL && !cont) {
		xasprintf(why, "param.%s given twice (first at line %d)",
		    name, c->lines->params[sp - s->params]);
		return (-1);
	}
	if (conf_param_set(s, name, value, cont, why) != 0)
		return (-1);
	if (s->nparams != n) {
		c->lines->params = xreallocarray(c->lines->params,
		    s->nparams, sizeof *c->lines->params);
		c->lines->params[n] = ps->lineno;
	}
	return (0);
}

static void
conf_ctx(struct parse *ps, struct ctx *c)
{
	memset(c, 0, sizeof *c);
	switch (ps->sec) {
	case SEC_DAEMON:
		c->table = CONF_DAEMON;
		c->base = ps->cf;
		c->lines = &ps->daemon;
		c->prefix = xstrdup("daemon: ");
		break;
	case SEC_CONDITIONS:
		c->table = CONF_CONDITIONS;
		c->base = &ps->cf->cond;
		c->lines = &ps->cond;
		c->prefix = xstrdup("conditions: ");
		break;
	case SEC_PROFILE:
		c->table = CONF_PROFILE;
		c->base = &ps->cf->profile;
		c->lines = &ps->profile;
		c->prefix = xstrdup("profile: ");
		break;
	case SEC_TUNE:
		c->table = CONF_TUNE;
		c->base = &ps->cf->tune;
		c->lines = &ps->tune;
		c->prefix = xstrdup("tune: ");
		break;
	case SEC_HTTP:
		c->table = CONF_HTTP;
		c->base = &ps->cf->http;
		c->lines = &ps->http;
		c->prefix = xstrdup("http: ");
		break;
	case SEC_NOTIFY:
		c->table = CONF_NOTIFY;
		c->base = &ps->cf->notify;
		c->lines = &ps->notify;
		c->prefix = xstrdup("notify: ");
		break;
	case SEC_FLEET:
		c->table = CONF_FLEET;
		c->base = &ps->cf->fleet;
		c->lines = &ps->fleet;
		c->prefix = xstrdup("fleet: ");
		break;
	default:
		c->suite = &ps->cf->suites[ps->suite];
		c->table = CONF_SUITE;
		c->base = c->suite;
		c->lines = &ps->suites[ps->suite];
		xasprintf(&c->prefix, "suite \"%s\": ", c->suite->name);
		break;
	}
}

static int
conf_handler(void *arg, const char *section, const char *name,
    const char *value, int lineno)
{
	struct parse	*ps = arg;
	struct ctx	 c;
	char		*why = NULL;
	int		 i, rc, cont;

	if (ps->error != NULL || ps->sec == SEC_SKIP)
		return (ps->error == NULL);
	if (strcmp(value, "\001") == 0 && ps->longval != NULL)
		value = ps->longval;
	if (ps->sec == SEC_NONE) {
		conf_error(ps, lineno, "\"%s\" is outside of any section",
		    name);
		return (0);
	}
	/* inih hands an indented line to the previous key. */
	cont = ps->indented && ps->prevkey != NULL;
	if (cont)
		name = ps->prevkey;
	conf_ctx(ps, &c);
	i = conf_key_find(c.table, name);
	if (c.suite != NULL && strncmp(name, "param.", 6) == 0)
		rc = set_param(ps, &c, name + 6, value, cont, &why);
	else if (c.table == CONF_PROFILE && strncmp(name, "category.", 9) == 0)
		rc = conf_category_set(&ps->cf->profile, name + 9, value, cont,
		    &why);
	else if (i == -1) {
		xasprintf(&why, "unknown key \"%s\"", name);
		rc = -1;
	} else if (!cont && c.lines->seen[i] != 0) {
		xasprintf(&why, "%s given twice (first at line %d)", name,
		    c.lines->seen[i]);
		rc = -1;
	} else if ((rc = conf_key_set(c.table, i, c.base, value, cont,
	    &why)) == 0 && !cont)
		c.lines->seen[i] = lineno;
	if (rc != 0)
		conf_error(ps, lineno, "%s%s", c.prefix, why);
	else if (!cont) {
		free(ps->prevkey);
		ps->prevkey = xstrdup(name);
	}
	free(why);
	free(c.prefix);
	return (rc == 0);
}

static void
suite_begin(struct parse *ps, const char *name)
{
	struct config	*cf = ps->cf;
	struct suite	*s;
	size_t		 i;

	if (*name == '\0' || strlen(name) > SUITE_NAME_MAX ||
	    name[strspn(name, SUITE_CHARS)] != '\0') {
		conf_error(ps, ps->lineno, "invalid suite name \"%s\": use "
		    "up to %d letters, digits, '.', '_' and '-'", name,
		    SUITE_NAME_MAX);
		return;
	}
	for (i = 0; i < cf->nsuites; i++) {
		if (strcmp(cf->suites[i].name, name) == 0) {
			conf_error(ps, ps->lineno, "suite \"%s\" is already "
			    "defined at line %d", name, cf->suites[i].line);
			return;
		}
	}
	cf->suites = xreallocarray(cf->suites, cf->nsuites + 1,
	    sizeof *cf->suites);
	ps->suites = xreallocarray(ps->suites, cf->nsuites + 1,
	    sizeof *ps->suites);
	memset(&ps->suites[cf->nsuites], 0, sizeof *ps->suites);
	s = &cf->suites[cf->nsuites];
	memset(s, 0, sizeof *s);
	s->name = xstrdup(name);
	s->line = ps->lineno;
	conf_key_defaults(CONF_SUITE, s);
	ps->suite = cf->nsuites++;
	ps->sec = SEC_SUITE;
}

/* A header other than [suite NAME]: each may appear once. */
static void
section_once(struct parse *ps, int *line, const char *name, enum section sec)
{
	if (*line != 0) {
		conf_error(ps, ps->lineno, "[%s] repeated (first at line %d)",
		    name, *line);
		return;
	}
	*line = ps->lineno;
	ps->sec = sec;
}

static void
conf_section(struct parse *ps, const char *hdr)
{
	const char	*end, *start;
	char		*name;
	size_t		 len;

	if ((end = strchr(hdr, ']')) == NULL)
		return;		/* inih reports it */
	free(ps->prevkey);
	ps->prevkey = NULL;
	ps->sec = SEC_SKIP;
	start = hdr + 1 + strspn(hdr + 1, " \t");
	len = end - start;
	while (len > 0 && (start[len - 1] == ' ' || start[len - 1] == '\t'))
		len--;
	name = xstrndup(start, len);
	if (strcmp(name, "daemon") == 0)
		section_once(ps, &ps->daemon_line, name, SEC_DAEMON);
	else if (strcmp(name, "conditions") == 0)
		section_once(ps, &ps->cond_line, name, SEC_CONDITIONS);
	else if (strcmp(name, "profile") == 0)
		section_once(ps, &ps->profile_line, name, SEC_PROFILE);
	else if (strcmp(name, "tune") == 0)
		section_once(ps, &ps->tune_line, name, SEC_TUNE);
	else if (strcmp(name, "http") == 0)
		section_once(ps, &ps->http_line, name, SEC_HTTP);
	else if (strcmp(name, "notify") == 0)
		section_once(ps, &ps->notify_line, name, SEC_NOTIFY);
	else if (strcmp(name, "fleet") == 0)
		section_once(ps, &ps->fleet_line, name, SEC_FLEET);
	else if (strncmp(name, "suite", 5) == 0 &&
	    (name[5] == '\0' || name[5] == ' ' || name[5] == '\t'))
		suite_begin(ps, name + 5 + strspn(name + 5, " \t"));
	else
		conf_error(ps, ps->lineno, "unknown section \"%s\"", name);
	free(name);
}

#define INI_BLANKS	" \t\f\v\r"

/*
 * Cut " ;comment" (a ';' after a blank) as inih does on a key's own line.
 * libinih 55 leaves it on an indented continuation line, and this also
 * serves the long lines inih never sees.
 */
static void
conf_cut_comment(char *v)
{
	char	*c;

	for (c = v; (c = strchr(c, ';')) != NULL; c++) {
		if (c > v && strchr(INI_BLANKS, c[-1]) != NULL) {
			*c = '\0';
			return;
		}
	}
}

/*
 * A line longer than inih's buffer: keep its value (comment stripped as
 * inih would) and give inih "key = \001" or an indented "\001" instead.
 */
static char *
conf_long_line(struct parse *ps, char *p)
{
	static char	 stand_in[512];
	char		*v, *c;
	size_t		 keylen;

	/* A comment is one at any length, even indented after a key. */
	if (p[strspn(p, " \t")] == ';' || p[strspn(p, " \t")] == '#')
		return (";");
	if (*p == ' ' || *p == '\t') {
		v = p + strspn(p, INI_BLANKS);
		keylen = 0;
	} else {
		keylen = strcspn(p, "=:");
		if (p[keylen] == '\0' || keylen + 8 > sizeof stand_in) {
			conf_error(ps, ps->lineno, "line is too long and has "
			    "no \"key = value\"");
			return ("");
		}
		v = p + keylen + 1;
		v += strspn(v, INI_BLANKS);
	}
	conf_cut_comment(v);
	/* inih strips with isspace(): so do we, or a value would differ. */
	c = v + strlen(v);
	while (c > v && strchr(INI_BLANKS, c[-1]) != NULL)
		*--c = '\0';
	free(ps->longval);
	ps->longval = xstrdup(v);
	if (keylen == 0)
		snprintf(stand_in, sizeof stand_in, " \001");
	else
		snprintf(stand_in, sizeof stand_in, "%.*s= \001", (int)keylen,
		    p);
	return (stand_in);
}

/* inih's reader: one line at a time, looked at before inih parses it. */
static char *
conf_reader(char *str, int num, void *arg)
{
	struct parse	*ps = arg;
	ssize_t		 n;
	size_t		 len;
	char		*p;

	if ((n = getline(&ps->buf, &ps->bufsz, ps->f)) == -1)
		return (NULL);
	ps->lineno++;
	p = ps->buf;
	len = n;
	if (ps->lineno == 1 && strncmp(p, "\xef\xbb\xbf", 3) == 0) {
		p += 3;
		len -= 3;
	}
	while (len > 0 && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		p[--len] = '\0';
	if (memchr(p, '\0', len) != NULL) {
		conf_error(ps, ps->lineno, "NUL byte in line");
		p = "";
	} else if (len + 3 > (size_t)num)
		p = conf_long_line(ps, p);
	else if ((*p == ' ' || *p == '\t') && ps->prevkey != NULL)
		conf_cut_comment(p);
	/* As inih: an indented line after a key continues it, even "[x]". */
	ps->indented = *p == ' ' || *p == '\t';
	if (p[strspn(p, " \t")] == '[' &&
	    !(ps->indented && ps->prevkey != NULL))
		conf_section(ps, p + strspn(p, " \t"));
	snprintf(str, num, "%s\n", p);
	return (str);
}

/*
 * [tune] keys left out: the state file beside the database, the roots and
 * governor of [conditions], the sample rate of [profile].  cpus stays
 * unset: benchd-tune looks at the suites' and the isolated CPUs.
 */
static void
tune_defaults(struct config *cf)
{
	struct config_tune	*t = &cf->tune;
	const char		*slash;

	if (t->state == NULL) {
		slash = strrchr(cf->database, '/');
		xasprintf(&t->state, "%.*s/tune.state",
		    (int)(slash - cf->database), cf->database);
	}
	if (t->sys_root == NULL)
		t->sys_root = xstrdup(cf->cond.sys_root);
	if (t->proc_root == NULL)
		t->proc_root = xstrdup(cf->cond.proc_root);
	if (t->governor == NULL)
		t->governor = xstrdup(cf->cond.governor != NULL ?
		    cf->cond.governor : "performance");
	if (t->perf_max_sample_rate == 0)
		t->perf_max_sample_rate = cf->profile.frequency;
}

/* "FILE:LINE" of a [daemon] key the file sets, for conf_check's errors. */
static void
conf_origin(struct parse *ps, const char *key, char **from)
{
	int	line = ps->daemon.seen[conf_key_find(CONF_DAEMON, key)];

	if (line != 0)
		xasprintf(from, "%s:%d", ps->path, line);
}

struct config *
conf_load(const char *path, char **cause)
{
	struct parse	 ps;
	struct config	*cf;
	const char	*sd;
	size_t		 i;
	int		 r;

	if (path == NULL)
		path = CONFIG_DEFAULT_PATH;
	memset(&ps, 0, sizeof ps);
	ps.path = path;
	if ((ps.f = fopen(path, "r")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	ps.cf = cf = xcalloc(1, sizeof *cf);
	cf->path = xstrdup(path);
	conf_key_defaults(CONF_DAEMON, cf);
	conf_key_defaults(CONF_CONDITIONS, &cf->cond);
	conf_key_defaults(CONF_PROFILE, &cf->profile);
	conf_key_defaults(CONF_TUNE, &cf->tune);
	conf_key_defaults(CONF_HTTP, &cf->http);
	conf_key_defaults(CONF_NOTIFY, &cf->notify);
	conf_key_defaults(CONF_FLEET, &cf->fleet);

	r = ini_parse_stream(conf_reader, &ps, conf_handler, &ps);
	if (r == 0 && ferror(ps.f))
		conf_error(&ps, ps.lineno + 1, "%s", strerror(errno));
	fclose(ps.f);
	free(ps.buf);
	free(ps.prevkey);
	free(ps.longval);
	if (r > 0 && (ps.error == NULL || r < ps.errline)) {
		free(ps.error);
		ps.error = NULL;
		conf_error(&ps, r, "syntax error: expected [section], "
		    "key = value or a comment");
	} else if (r < 0 && ps.error == NULL)
		conf_error(&ps, 0, "libinih failed (%d)", r);
	if (ps.error == NULL)
		conf_daemon_finish(&ps);
	if (ps.error == NULL)
		conf_fleet_finish(&ps);
	for (i = 0; i < cf->nsuites && ps.error == NULL; i++)
		conf_suite_finish(&ps, &cf->suites[i], &ps.suites[i]);
	if (cf->profile.cats.n == 0)
		conf_category_defaults(&cf->profile);

	for (i = 0; i < cf->nsuites; i++)
		free(ps.suites[i].params);
	free(ps.suites);
	if (ps.error != NULL) {
		*cause = ps.error;
		conf_free(cf);
		return (NULL);
	}
	conf_origin(&ps, "socket", &cf->socket_from);
	conf_origin(&ps, "database", &cf->database_from);
	conf_origin(&ps, "admin_group", &cf->admin_group_from);
	/* systemd's StateDirectory= overrides database = (first path). */
	if ((sd = getenv("STATE_DIRECTORY")) != NULL && *sd != '\0') {
		free(cf->database);
		xasprintf(&cf->database, "%.*s/benchd.db",
		    (int)strcspn(sd, ":"), sd);
		free(cf->database_from);
		cf->database_from = xstrdup("$STATE_DIRECTORY");
	}
	tune_defaults(cf);
	return (cf);
}

static void
suite_free(struct suite *s)
{
	size_t	 i;

	free(s->name);
	free(s->workdir);
	free(s->build);
	free(s->command);
	argv_free(s->env);
	argv_free(s->timing_prefixes);
	for (i = 0; i < s->nparams; i++) {
		free(s->params[i].name);
		argv_free(s->params[i].values);
	}
	free(s->params);
	free(s->cpus);
	free(s->repo);
	free(s->follow);
	free(s->fetch);
	free(s->text);
}

void
conf_free(struct config *cf)
{
	size_t	 i;

	if (cf == NULL)
		return;
	free(cf->path);
	free(cf->socket);
	free(cf->database);
	free(cf->admin_group);
	free(cf->socket_from);
	free(cf->database_from);
	free(cf->admin_group_from);
	free(cf->env_path);
	free(cf->env_home);
	free(cf->env_lang);
	free(cf->env_tmpdir);
	free(cf->cgroup);
	free(cf->cond.proc_root);
	free(cf->cond.sys_root);
	argv_free(cf->cond.forbid_processes);
	free(cf->cond.governor);
	free(cf->profile.perf);
	free(cf->profile.event);
	for (i = 0; i < cf->profile.cats.n; i++) {
		free(cf->profile.cats.v[i].name);
		argv_free(cf->profile.cats.v[i].prefixes);
	}
	free(cf->profile.cats.v);
	argv_free(cf->tune.settings);
	free(cf->tune.governor);
	free(cf->tune.cpus);
	free(cf->tune.state);
	free(cf->tune.sys_root);
	free(cf->tune.proc_root);
	free(cf->http.listen);
	argv_free(cf->http.hosts);
	free(cf->notify.exec);
	free(cf->notify.webhook);
	free(cf->fleet.postgresql);
	free(cf->fleet.box);
	argv_free(cf->fleet.labels);
	for (i = 0; i < cf->nsuites; i++)
		suite_free(&cf->suites[i]);
	free(cf->suites);
	free(cf);
}

const struct suite *
conf_suite(const struct config *cf, const char *name)
{
	size_t	 i;

	for (i = 0; i < cf->nsuites; i++) {
		if (strcmp(cf->suites[i].name, name) == 0)
			return (&cf->suites[i]);
	}
	return (NULL);
}

const struct suite_param *
suite_param(const struct suite *s, const char *name)
{
	size_t	 i;

	for (i = 0; i < s->nparams; i++) {
		if (strcmp(s->params[i].name, name) == 0)
			return (&s->params[i]);
	}
	return (NULL);
}
