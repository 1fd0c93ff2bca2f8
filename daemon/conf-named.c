/*
 * conf-named.c -- the keys whose names the administrator chooses:
 * param.NAME (the values a suite's {NAME} may take) and category.NAME (a
 * profile category's frame prefixes), and the default categories.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf-keys.h"
#include "log.h"
#include "xmalloc.h"

int
conf_param_set(struct suite *s, const char *name, const char *value,
    int cont, char **why)
{
	struct suite_param	*sp;
	char			*kname;
	size_t			 i, j;
	int			 rc;

	sp = (struct suite_param *)suite_param(s, name);
	if (*name == '\0' || name[strspn(name, NAME_CHARS)] != '\0') {
		xasprintf(why, "param.%s: a parameter name is letters, digits "
		    "and _", name);
		return (-1);
	}
	if (sp == NULL) {
		s->params = xreallocarray(s->params, s->nparams + 1,
		    sizeof *s->params);
		sp = &s->params[s->nparams++];
		memset(sp, 0, sizeof *sp);
		sp->name = xstrdup(name);
	}
	xasprintf(&kname, "param.%s", name);
	rc = conf_set_list(&sp->values, &sp->nvalues, kname, value, cont, why);
	free(kname);
	if (rc != 0)
		return (-1);
	for (i = 0; i < sp->nvalues; i++) {
		if (*sp->values[i] == '\0') {
			xasprintf(why, "param.%s: empty value", name);
			return (-1);
		}
		for (j = 0; j < i; j++) {
			if (strcmp(sp->values[i], sp->values[j]) == 0) {
				xasprintf(why, "param.%s: \"%s\" listed twice",
				    name, sp->values[i]);
				return (-1);
			}
		}
	}
	if (sp->nvalues == 0) {
		xasprintf(why, "param.%s needs at least one value", name);
		return (-1);
	}
	return (0);
}

int
conf_category_set(struct config_profile *p, const char *name,
    const char *value, int cont, char **why)
{
	struct profile_category	*c = NULL;
	char			*kname;
	size_t			 i;
	int			 rc;

	if (*name == '\0' || name[strspn(name, NAME_CHARS "-")] != '\0') {
		xasprintf(why, "category.%s: a category name is letters, "
		    "digits, _ and -", name);
		return (-1);
	}
	for (i = 0; i < p->cats.n; i++)
		if (strcmp(p->cats.v[i].name, name) == 0)
			c = &p->cats.v[i];
	if (c != NULL && !cont) {
		xasprintf(why, "category.%s given twice", name);
		return (-1);
	}
	if (c == NULL) {
		p->cats.v = xreallocarray(p->cats.v, p->cats.n + 1,
		    sizeof *p->cats.v);
		c = &p->cats.v[p->cats.n++];
		memset(c, 0, sizeof *c);
		c->name = xstrdup(name);
	}
	xasprintf(&kname, "category.%s", name);
	rc = conf_set_list(&c->prefixes, &c->nprefixes, kname, value, cont, why);
	free(kname);
	if (rc == 0 && c->nprefixes == 0) {
		xasprintf(why, "category.%s needs at least one prefix", name);
		rc = -1;
	}
	return (rc);
}

static void
category_add(struct config_profile *p, const char *name, const char *words)
{
	char	*why = NULL;

	if (conf_category_set(p, name, words, 0, &why) != 0)
		fatalx("default category %s: %s", name, why);
}

void
conf_category_defaults(struct config_profile *p)
{
	category_add(p, "kernel", "kernel");
	category_add(p, "link", "comm:ld comm:cc comm:collect2 comm:mold");
}
