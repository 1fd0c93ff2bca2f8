/*
 * argv.c -- suite command lines without a shell, and the workload's
 * environment.
 *
 * Commands are split with the shell's quoting rules but none of its
 * expansions: no $VAR, no globs, no command substitution.  Unlike wordexp
 * this cannot pull anything from benchd's own environment into a command,
 * and a character that would have meant something to a shell is refused
 * rather than passed on literally, so the admin finds out at config load
 * that the suite needs shell = yes.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "argv.h"
#include "conf.h"
#include "xmalloc.h"

#define SPLIT_COMMAND	0x1	/* refuse shell syntax and empty lines */

#define BLANKS		" \t\n\r"
#define SHELL_CHARS	"|&;<>()$`*?["
#define SAFE_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789_-./:=@%+,"
#define NAME_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789_"

struct buf {
	char	*s;
	size_t	 len;
	size_t	 size;
};

struct words {
	char	**v;
	size_t	  n;
};

/* The lookup for walk(): a placeholder found in a template. */
typedef int	(*walk_cb)(void *, const char *, struct buf *, char **);

static void
buf_add(struct buf *b, const char *s, size_t len)
{
	if (b->len + len + 1 > b->size) {
		b->size = (b->len + len + 1) * 2;
		b->s = xreallocarray(b->s, 1, b->size);
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

static void
buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

/* The buffer's string, "" if nothing was added; the buffer is reset. */
static char *
buf_take(struct buf *b)
{
	char	*s = b->s != NULL ? b->s : xstrdup("");

	memset(b, 0, sizeof *b);
	return (s);
}

static void
words_add(struct words *w, char *s)
{
	w->v = xreallocarray(w->v, w->n + 2, sizeof *w->v);
	w->v[w->n++] = s;
	w->v[w->n] = NULL;
}

static int
split_fail(struct words *w, struct buf *b, char **cause, char *msg)
{
	argv_free(w->v);
	free(b->s);
	*cause = msg;
	return (-1);
}

/* Refuse "VAR=value cmd": a shell would set VAR, we would run "VAR=value". */
static int
split_assignment(const char *line, char **cause)
{
	size_t	 skip, len;

	skip = strspn(line, BLANKS);
	len = strspn(line + skip, NAME_CHARS);
	if (len == 0 || line[skip + len] != '=' ||
	    strchr("0123456789", line[skip]) != NULL)
		return (0);
	len += strcspn(line + skip + len, BLANKS);
	xasprintf(cause, "\"%.*s\" is a variable assignment: put it in "
	    "env =, or set shell = yes", (int)len, line + skip);
	return (-1);
}

/* Append a double-quoted string starting after the opening quote. */
static const char *
split_dquote(const char *p, int flags, struct buf *b, char **cause)
{
	for (; *p != '"'; p++) {
		if (*p == '\0') {
			*cause = xstrdup("unterminated \" quote");
			return (NULL);
		}
		if (*p == '\\' && p[1] != '\0' &&
		    strchr("\"\\$`", p[1]) != NULL) {
			buf_addc(b, *++p);
			continue;
		}
		if ((flags & SPLIT_COMMAND) && (*p == '$' || *p == '`')) {
			xasprintf(cause, "\"%c\" inside \"...\" needs a shell: "
			    "escape it as \\%c, or set shell = yes", *p, *p);
			return (NULL);
		}
		buf_addc(b, *p);
	}
	return (p + 1);
}

static int
split(const char *line, int flags, struct words *w, char **cause)
{
	struct buf	 b = { NULL, 0, 0 };
	const char	*p = line, *q;
	int		 inword = 0;
	char		*msg;

	memset(w, 0, sizeof *w);
	if ((flags & SPLIT_COMMAND) && split_assignment(line, cause) != 0)
		return (-1);
	for (;;) {
		if (*p == '\0' || strchr(BLANKS, *p) != NULL) {
			if (inword)
				words_add(w, buf_take(&b));
			inword = 0;
			if (*p++ == '\0')
				break;
			continue;
		}
		if ((flags & SPLIT_COMMAND) &&
		    (strchr(SHELL_CHARS, *p) != NULL ||
		    (!inword && (*p == '#' || *p == '~')))) {
			xasprintf(&msg, "unquoted \"%c\" needs a shell: quote "
			    "it, or set shell = yes", *p);
			return (split_fail(w, &b, cause, msg));
		}
		inword = 1;
		switch (*p) {
		case '\\':
			if (p[1] == '\0')
				return (split_fail(w, &b, cause,
				    xstrdup("ends with a backslash")));
			buf_addc(&b, p[1]);
			p += 2;
			break;
		case '\'':
			if ((q = strchr(p + 1, '\'')) == NULL)
				return (split_fail(w, &b, cause,
				    xstrdup("unterminated ' quote")));
			buf_add(&b, p + 1, q - p - 1);
			p = q + 1;
			break;
		case '"':
			if ((p = split_dquote(p + 1, flags, &b, &msg)) == NULL)
				return (split_fail(w, &b, cause, msg));
			break;
		default:
			buf_addc(&b, *p++);
			break;
		}
	}
	if (w->n == 0) {
		if (flags & SPLIT_COMMAND)
			return (split_fail(w, &b, cause,
			    xstrdup("empty command")));
		w->v = xcalloc(1, sizeof *w->v);
	}
	return (0);
}

int
argv_split(const char *line, char ***argv, char **cause)
{
	struct words	w;

	if (split(line, SPLIT_COMMAND, &w, cause) != 0)
		return (-1);
	*argv = w.v;
	return (0);
}

int
argv_split_list(const char *line, char ***argv, size_t *n, char **cause)
{
	struct words	w;

	if (split(line, 0, &w, cause) != 0)
		return (-1);
	*argv = w.v;
	*n = w.n;
	return (0);
}

char *
argv_quote(const char *word)
{
	struct buf	 b = { NULL, 0, 0 };
	const char	*p;

	if (*word != '\0' && word[strspn(word, SAFE_CHARS)] == '\0')
		return (xstrdup(word));
	buf_addc(&b, '\'');
	for (p = word; *p != '\0'; p++) {
		if (*p == '\'')
			buf_add(&b, "'\\''", 4);
		else
			buf_addc(&b, *p);
	}
	buf_addc(&b, '\'');
	return (buf_take(&b));
}

/*
 * Copy a template to out (when not NULL), calling cb for each {NAME}; {{
 * and }} stand for literal braces and any other brace is an error.
 */
static int
walk(const char *tmpl, walk_cb cb, void *arg, struct buf *out, char **cause)
{
	const char	*p = tmpl;
	char		*name;
	size_t		 len;
	int		 rc;

	while (*p != '\0') {
		len = strcspn(p, "{}");
		if (out != NULL)
			buf_add(out, p, len);
		p += len;
		if (*p == '\0')
			break;
		if (p[1] == *p) {
			if (out != NULL)
				buf_addc(out, *p);
			p += 2;
			continue;
		}
		len = strspn(p + 1, NAME_CHARS);
		if (*p == '}' || len == 0 || p[1 + len] != '}') {
			xasprintf(cause, "stray \"%c\" at \"%.20s\": a "
			    "placeholder is {NAME}, a literal brace is "
			    "{{ or }}", *p, p);
			return (-1);
		}
		name = xstrndup(p + 1, len);
		rc = cb(arg, name, out, cause);
		free(name);
		if (rc != 0)
			return (-1);
		p += len + 2;
	}
	return (0);
}

static int
collect_cb(void *arg, const char *name, struct buf *out, char **cause)
{
	words_add(arg, xstrdup(name));
	return (0);
}

int
argv_placeholders(const char *tmpl, char ***names, size_t *n, char **cause)
{
	struct words	w = { NULL, 0 };

	if (walk(tmpl, collect_cb, &w, NULL, cause) != 0) {
		argv_free(w.v);
		return (-1);
	}
	if (w.v == NULL)
		w.v = xcalloc(1, sizeof *w.v);
	*names = w.v;
	*n = w.n;
	return (0);
}

/* What a walk over a template fills placeholders from. */
struct fill {
	char *const	*keys;
	char *const	*values;
	size_t		 n;
	int		 quote;		/* shell-quote values, shell = yes */
};

static int
fill_cb(void *arg, const char *name, struct buf *out, char **cause)
{
	struct fill	*f = arg;
	char		*q;
	size_t		 i;

	for (i = 0; i < f->n; i++) {
		if (strcmp(f->keys[i], name) != 0)
			continue;
		if (f->quote) {
			q = argv_quote(f->values[i]);
			buf_add(out, q, strlen(q));
			free(q);
		} else
			buf_add(out, f->values[i], strlen(f->values[i]));
		return (0);
	}
	xasprintf(cause, "{%s} has no value", name);
	return (-1);
}

/* A parameter's listed values, for error messages. */
static char *
param_list(const struct suite_param *sp)
{
	struct buf	 b = { NULL, 0, 0 };
	char		*q;
	size_t		 i;

	for (i = 0; i < sp->nvalues; i++) {
		if (i != 0)
			buf_addc(&b, ' ');
		q = argv_quote(sp->values[i]);
		buf_add(&b, q, strlen(q));
		free(q);
	}
	return (buf_take(&b));
}

/* Check the queued parameters against the suite's param.NAME lists. */
static int
check_params(const struct suite *s, char *const *keys, char *const *values,
    size_t n, char **cause)
{
	const struct suite_param	*sp;
	char				*list;
	size_t				 i, j;

	for (i = 0; i < n; i++) {
		if ((sp = suite_param(s, keys[i])) == NULL) {
			xasprintf(cause, "suite \"%s\" has no parameter "
			    "\"%s\"", s->name, keys[i]);
			return (-1);
		}
		for (j = 0; j < i; j++) {
			if (strcmp(keys[i], keys[j]) == 0) {
				xasprintf(cause, "%s: given twice", keys[i]);
				return (-1);
			}
		}
		for (j = 0; j < sp->nvalues; j++) {
			if (strcmp(sp->values[j], values[i]) == 0)
				break;
		}
		if (j == sp->nvalues) {
			list = param_list(sp);
			xasprintf(cause, "%s: \"%s\" is not one of %s",
			    keys[i], values[i], list);
			free(list);
			return (-1);
		}
	}
	for (i = 0; i < s->nparams; i++) {
		for (j = 0; j < n; j++) {
			if (strcmp(s->params[i].name, keys[j]) == 0)
				break;
		}
		if (j == n) {
			list = param_list(&s->params[i]);
			xasprintf(cause, "%s: a value is required, one of %s",
			    s->params[i].name, list);
			free(list);
			return (-1);
		}
	}
	return (0);
}

int
argv_build(const struct suite *s, const char *tmpl, char *const *keys,
    char *const *values, size_t n, char ***argv, char **cause)
{
	struct fill	 f = { keys, values, n, s->shell };
	struct buf	 b = { NULL, 0, 0 };
	struct words	 w;
	size_t		 i;

	if (check_params(s, keys, values, n, cause) != 0)
		return (-1);
	if (s->shell) {
		if (walk(tmpl, fill_cb, &f, &b, cause) != 0) {
			free(b.s);
			return (-1);
		}
		memset(&w, 0, sizeof w);
		words_add(&w, xstrdup("/bin/sh"));
		words_add(&w, xstrdup("-c"));
		words_add(&w, buf_take(&b));
		*argv = w.v;
		return (0);
	}
	if (split(tmpl, SPLIT_COMMAND, &w, cause) != 0)
		return (-1);
	for (i = 0; i < w.n; i++) {
		if (walk(w.v[i], fill_cb, &f, &b, cause) != 0) {
			free(b.s);
			argv_free(w.v);
			return (-1);
		}
		free(w.v[i]);
		w.v[i] = buf_take(&b);
	}
	*argv = w.v;
	return (0);
}

/* Set NAME=value in env, replacing an entry of the same name. */
static void
env_set(struct words *w, const char *entry)
{
	size_t	 i, len = strcspn(entry, "=");

	for (i = 0; i < w->n; i++) {
		if (strncmp(w->v[i], entry, len) == 0 && w->v[i][len] == '=') {
			free(w->v[i]);
			w->v[i] = xstrdup(entry);
			return;
		}
	}
	words_add(w, xstrdup(entry));
}

int
argv_env(const struct config *cf, const struct suite *s,
    const char *session_id, const char *iteration, char ***envp)
{
	struct words	 w = { NULL, 0 };
	char		*e;
	size_t		 i;

	xasprintf(&e, "PATH=%s", cf->env_path);
	words_add(&w, e);
	xasprintf(&e, "HOME=%s", cf->env_home);
	words_add(&w, e);
	xasprintf(&e, "LANG=%s", cf->env_lang);
	words_add(&w, e);
	xasprintf(&e, "TMPDIR=%s", cf->env_tmpdir);
	words_add(&w, e);
	for (i = 0; i < s->nenv; i++)
		env_set(&w, s->env[i]);
	xasprintf(&e, "BENCHD_SESSION=%s", session_id != NULL ?
	    session_id : "");
	words_add(&w, e);
	xasprintf(&e, "BENCHD_ITERATION=%s", iteration != NULL ?
	    iteration : "");
	words_add(&w, e);
	*envp = w.v;
	return (0);
}

size_t
argv_count(char *const *argv)
{
	size_t	 n = 0;

	while (argv != NULL && argv[n] != NULL)
		n++;
	return (n);
}

void
argv_free(char **argv)
{
	size_t	 i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}
