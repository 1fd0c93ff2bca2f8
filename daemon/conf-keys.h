/* conf-keys.h -- the keys of benchd.conf: type, default, range, text. */
#ifndef BENCHD_CONF_KEYS_H
#define BENCHD_CONF_KEYS_H

struct suite;

#define CONF_KEYS_MAX	24	/* keys in one table */

enum conf_table {
	CONF_DAEMON,		/* [daemon], struct config */
	CONF_CONDITIONS,	/* [conditions], struct config_conditions */
	CONF_SUITE,		/* [suite NAME], struct suite */
	CONF_PROFILE,		/* [profile], struct config_profile */
	CONF_TUNE,		/* [tune], struct config_tune */
	CONF_HTTP,		/* [http], struct config_http */
	CONF_NOTIFY,		/* [notify], struct config_notify */
	CONF_FLEET		/* [fleet], struct config_fleet */
};

/* The index of a key in its table, -1 when there is no such key. */
int	 conf_key_find(enum conf_table, const char *name);

/* Set every key of a table that has a default to it. */
void	 conf_key_defaults(enum conf_table, void *base);

/*
 * Read value into a key of base; cont is an indented continuation line.
 * On error *why is the reason without file, line or section.
 */
int	 conf_key_set(enum conf_table, int key, void *base, const char *value,
	     int cont, char **why);

/* The letters of a name: a parameter, an environment variable. */
#define NAME_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789_"

/* Split value into a list, or onto the end of it for a continuation. */
int	 conf_set_list(char ***, size_t *, const char *name, const char *value,
	     int cont, char **why);

/* param.NAME = values: created when new, extended when cont. */
int	 conf_param_set(struct suite *, const char *name, const char *value,
	     int cont, char **why);

/* category.NAME = prefixes: created when new, extended when cont. */
int	 conf_category_set(struct config_profile *, const char *name,
	     const char *value, int cont, char **why);

/* The categories when [profile] names none: kernel and link. */
void	 conf_category_defaults(struct config_profile *);

/* The suite as a config section: every key, defaults spelled out. */
char	*conf_suite_text(const struct suite *);

#endif
