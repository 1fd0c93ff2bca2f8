/*
 * table.c -- aligned text tables: declare the columns (numbers TABLE_RIGHT),
 * add cells row by row, print. Widths count UTF-8 characters, cells are
 * cleaned of control characters, and no line ends in blanks. A note is a
 * free line under a row (advice, a detail) that takes no part in the widths.
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

struct table_note {
	size_t	 row;			/* printed after this row */
	int	 col;			/* starting where this column starts */
	char	*text;
};

struct table {
	struct table_col	 cols[TABLE_MAXCOLS];
	int			 ncols;
	char			**cells;
	size_t			 ncells;
	size_t			 cap;
	struct table_note	*notes;
	size_t			 nnotes;
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
	output_clean(&s, 0);
	if (t->ncells == t->cap) {
		t->cap = t->cap == 0 ? 64 : t->cap * 2;
		t->cells = xreallocarray(t->cells, t->cap, sizeof *t->cells);
	}
	col = &t->cols[t->ncells % (size_t)t->ncols];
	if ((w = output_width(s)) > col->width)
		col->width = w;
	t->cells[t->ncells++] = s;
}

/* A line under the last complete row, indented to column col. */
void
table_note(struct table *t, int col, const char *fmt, ...)
{
	struct table_note	*n;
	va_list			 ap;

	if (t->ncols == 0 || t->ncells == 0 ||
	    t->ncells % (size_t)t->ncols != 0 || col < 0 || col >= t->ncols)
		fatalx("table_note: no complete row or no column %d", col);
	t->notes = xreallocarray(t->notes, t->nnotes + 1, sizeof *t->notes);
	n = &t->notes[t->nnotes++];
	n->row = t->ncells / (size_t)t->ncols - 1;
	n->col = col;
	va_start(ap, fmt);
	n->text = output_vformat(fmt, ap);
	va_end(ap);
	output_clean(&n->text, 0);
}

/* The notes of row r, which start at index *next of the notes. */
static void
table_notes(struct table *t, size_t r, size_t *next)
{
	struct table_note	*n;
	size_t			 indent;
	int			 i;

	for (; *next < t->nnotes && t->notes[*next].row == r; (*next)++) {
		n = &t->notes[*next];
		indent = 0;
		for (i = 0; i < n->col; i++)
			indent += t->cols[i].width + strlen(TABLE_GAP);
		if (*n->text != '\0')
			printf("%*s%s", (int)indent, "", n->text);
		fputc('\n', stdout);
	}
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
	size_t	 r, next = 0;
	int	 i;

	if (t->ncols == 0)
		return;
	for (i = 0; i < t->ncols; i++)
		headers[i] = t->cols[i].header;
	table_row(t, headers);
	for (r = 0; r + (size_t)t->ncols <= t->ncells; r += (size_t)t->ncols) {
		table_row(t, t->cells + r);
		table_notes(t, r / (size_t)t->ncols, &next);
	}
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
	for (i = 0; i < t->nnotes; i++)
		free(t->notes[i].text);
	free(t->notes);
	for (c = 0; c < t->ncols; c++)
		free(t->cols[c].header);
	free(t);
}

/* A cell for an integer member of obj, "-" when it is absent. */
void
table_cell_int(struct table *t, const cJSON *obj, const char *key)
{
	int64_t	v;

	if (json_int(obj, key, &v) == 0)
		table_cell(t, "%lld", (long long)v);
	else
		table_cell(t, "-");
}

/* A session's parameter values ("crate=ori_arc"), else its label. */
void
table_cell_params(struct table *t, const cJSON *s)
{
	char	*params;

	if (cJSON_GetArraySize(json_object(s, "params")) > 0) {
		params = json_params_text(json_object(s, "params"));
		table_cell(t, "%s", params);
		free(params);
	} else
		table_cell(t, "%s", json_text(s, "label"));
}
