/*
 * table.c -- aligned text tables: declare the columns (numbers TABLE_RIGHT),
 * add cells row by row, print. Widths count UTF-8 characters, cells are
 * cleaned of control characters, and no line ends in blanks.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

#define TABLE_MAXCOLS	16
#define TABLE_GAP	"  "

struct table_col {
	char	*header;
	int	 align;
	size_t	 width;
};

struct table {
	struct table_col	 cols[TABLE_MAXCOLS];
	int			 ncols;
	char			**cells;
	size_t			 ncells;
	size_t			 cap;
};

struct table *
table_create(void)
{
	return (xcalloc(1, sizeof (struct table)));
}

void
table_column(struct table *t, const char *header, int align)
{
	if (t->ncols == TABLE_MAXCOLS || t->ncells != 0)
		fatalx("table_column: too late or too many");
	t->cols[t->ncols].header = xstrdup(header);
	t->cols[t->ncols].align = align;
	t->cols[t->ncols].width = output_width(header);
	t->ncols++;
}

/* Add the next cell, filling rows left to right. */
void
table_cell(struct table *t, const char *fmt, ...)
{
	struct table_col	*col;
	va_list			 ap;
	char			*s;
	size_t			 w;

	va_start(ap, fmt);
	s = output_vformat(fmt, ap);
	va_end(ap);
	output_clean(s, 0);
	if (t->ncells == t->cap) {
		t->cap = t->cap == 0 ? 64 : t->cap * 2;
		t->cells = xreallocarray(t->cells, t->cap, sizeof *t->cells);
	}
	col = &t->cols[t->ncells % (size_t)t->ncols];
	if ((w = output_width(s)) > col->width)
		col->width = w;
	t->cells[t->ncells++] = s;
}

/* One row; padding is written only before text, so no trailing blanks. */
static void
table_row(struct table *t, char *const *cells)
{
	struct table_col	*col;
	size_t			 pad, pending = 0;
	int			 i;

	for (i = 0; i < t->ncols; i++) {
		col = &t->cols[i];
		pad = col->width - output_width(cells[i]);
		if (i != 0)
			pending += strlen(TABLE_GAP);
		if (col->align == TABLE_RIGHT)
			pending += pad;
		if (*cells[i] != '\0') {
			printf("%*s%s", (int)pending, "", cells[i]);
			pending = 0;
		}
		if (col->align == TABLE_LEFT)
			pending += pad;
	}
	fputc('\n', stdout);
}

/* Print the header and every complete row. */
void
table_print(struct table *t)
{
	char	*headers[TABLE_MAXCOLS];
	size_t	 r;
	int	 i;

	if (t->ncols == 0)
		return;
	for (i = 0; i < t->ncols; i++)
		headers[i] = t->cols[i].header;
	table_row(t, headers);
	for (r = 0; r + (size_t)t->ncols <= t->ncells; r += (size_t)t->ncols)
		table_row(t, t->cells + r);
}

void
table_free(struct table *t)
{
	size_t	i;
	int	c;

	if (t == NULL)
		return;
	for (i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	free(t->cells);
	for (c = 0; c < t->ncols; c++)
		free(t->cols[c].header);
	free(t);
}
