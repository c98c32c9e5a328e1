/*
 * ui_table.c - a report on screen: the summary line, a header row, and
 * the rows, scrolled down by line and page and sideways by column with the
 * first column fixed, so a wide table reads at 80 columns.  Typing filters
 * the rows to those holding the text in any cell (a state, a prefecture,
 * a kind), with the same folding as search.
 */
#include "ui.h"

#include <curses.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "text.h"
#include "tui.h"
#include "util.h"

struct ui_table {
	struct app *app;
	const struct table *t;
	const char *title;
	int *colw;
	size_t *rows;               /* indexes of the rows that pass the filter */
	size_t nrows;
	size_t top, sel, left;      /* first row shown, selected row, first scrolled column */
	struct strbuf filter;
};

static int
body_rows(void)
{
	return LINES - 6;           /* title, summary, filter, header; status, keys */
}

static void
measure(struct ui_table *ut)
{
	const struct table *t = ut->t;
	free(ut->colw);
	ut->colw = xcalloc(t->ncols ? t->ncols : 1, sizeof *ut->colw);
	for (size_t c = 0; c < t->ncols; c++) {
		int w = text_width(t->head[c]);
		for (size_t r = 0; r < t->nrows; r++) {
			int cw = text_width(table_cell(t, r, c));
			if (cw > w)
				w = cw;
		}
		ut->colw[c] = w > 30 ? 30 : w;
	}
}

static bool
row_matches(const struct ui_table *ut, size_t r, const char *key)
{
	for (size_t c = 0; c < ut->t->ncols; c++) {
		char *k = text_search_key(table_cell(ut->t, r, c));
		bool hit = strstr(k, key) != NULL;
		free(k);
		if (hit)
			return true;
	}
	return false;
}

static void
apply_filter(struct ui_table *ut)
{
	free(ut->rows);
	ut->rows = xcalloc(ut->t->nrows ? ut->t->nrows : 1, sizeof *ut->rows);
	ut->nrows = 0;
	char *key = text_search_key(ut->filter.s ? ut->filter.s : "");
	size_t last = ut->t->totals && ut->t->nrows ? ut->t->nrows - 1 : ut->t->nrows;
	for (size_t r = 0; r < last; r++)
		if (*key == '\0' || row_matches(ut, r, key))
			ut->rows[ut->nrows++] = r;
	/* The totals row stays, and only makes sense unfiltered. */
	if (ut->t->totals && ut->t->nrows && *key == '\0')
		ut->rows[ut->nrows++] = ut->t->nrows - 1;
	free(key);
	ut->top = ut->sel = 0;
}

/* Draw row R (or the header when R is -1) at screen row Y. */
static void
draw_line(struct ui_table *ut, int y, long r, bool selected)
{
	const struct table *t = ut->t;
	move(y, 0);
	clrtoeol();
	if (r == -2)
		return;
	attrset(r == -1 ? (int)A_BOLD : selected ? tui_attr_select() : (int)A_NORMAL);
	/* The first column stays; the others start at column left + 1. */
	int col = 1;
	for (size_t k = 0; k < t->ncols && col < COLS - 1; k++) {
		size_t c = k == 0 ? 0 : ut->left + k;
		if (c >= t->ncols)
			break;
		const char *text = r == -1 ? t->head[c] : table_cell(t, (size_t)r, c);
		int w = ut->colw[c];
		if (col + w > COLS - 1)
			w = COLS - 1 - col;
		char *padded = text_pad(text, w);
		tui_put(y, col, w, padded);
		free(padded);
		col += ut->colw[c] + 2;
	}
	attrset(A_NORMAL);
}

static void
draw_rows(struct ui_table *ut)
{
	int rows = body_rows();
	if (ut->sel < ut->top)
		ut->top = ut->sel;
	if (ut->sel >= ut->top + (size_t)rows)
		ut->top = ut->sel - (size_t)rows + 1;
	draw_line(ut, 3, -1, false);
	for (int i = 0; i < rows; i++) {
		size_t k = ut->top + (size_t)i;
		draw_line(ut, 4 + i, k < ut->nrows ? (long)ut->rows[k] : -2, k == ut->sel);
	}
	struct app *app = ut->app;
	tui_status(app, false,
	    _("%zu/%zu rows  Left/Right: columns  type to filter"), ut->nrows ? ut->sel + 1 : 0,
	    ut->nrows);
}

static void
draw_filter(struct ui_table *ut)
{
	move(2, 0);
	clrtoeol();
	const char *label = _("Filter: ");
	tui_put(2, 1, COLS - 2, label);
	tui_put(2, 1 + text_width(label), COLS - 2 - text_width(label),
	    ut->filter.s ? ut->filter.s : "");
}

static void
draw_all(struct ui_table *ut)
{
	erase();
	tui_forget_lines();
	tui_title(ut->app, ut->title, "");
	if (ut->t->summary)
		tui_put(1, 1, COLS - 2, ut->t->summary);
	draw_filter(ut);
	draw_rows(ut);
	tui_keyline(KEYCTX_LIST);
}

void
ui_table(struct app *app, const struct table *t, const char *title)
{
	struct ui_table ut = { .app = app, .t = t, .title = title };
	measure(&ut);
	apply_filter(&ut);
	for (;;) {
		while (!tui_size_ok()) {
			struct tui_key k;
			if (tui_getkey(&k) != 0)
				goto out;
		}
		draw_all(&ut);
		bool redraw = false;
		while (!redraw) {
			int col = 1 + text_width(_("Filter: ")) +
			    text_width(ut.filter.s ? ut.filter.s : "");
			move(2, col < COLS ? col : COLS - 1);
			refresh();
			struct tui_key k;
			if (tui_getkey(&k) != 0)
				goto out;
			if (k.type == KEY_CODE_YES && k.ch == KEY_RESIZE) {
				redraw = true;
				continue;
			}
			size_t page = (size_t)body_rows();
			switch (keys_action((int)k.ch, k.type == KEY_CODE_YES, KEYCTX_LIST)) {
			case ACT_QUIT:
				goto out;
			case ACT_NEXT:
				if (ut.sel + 1 < ut.nrows)
					ut.sel++;
				break;
			case ACT_PREV:
				if (ut.sel > 0)
					ut.sel--;
				break;
			case ACT_PGDN:
				ut.sel = ut.sel + page < ut.nrows ? ut.sel + page : (ut.nrows ? ut.nrows - 1 : 0);
				break;
			case ACT_PGUP:
				ut.sel = ut.sel > page ? ut.sel - page : 0;
				break;
			case ACT_HOME:
				ut.left = 0;
				break;
			case ACT_RIGHT:
				if (ut.left + 2 < t->ncols)
					ut.left++;
				break;
			case ACT_LEFT:
				if (ut.left > 0)
					ut.left--;
				break;
			case ACT_BACKSPACE:
				while (ut.filter.len > 0 &&
				    ((unsigned char)ut.filter.s[--ut.filter.len] & 0xC0) == 0x80)
					;
				if (ut.filter.s)
					ut.filter.s[ut.filter.len] = '\0';
				apply_filter(&ut);
				draw_filter(&ut);
				break;
			case ACT_CLEAR:
				sb_reset(&ut.filter);
				apply_filter(&ut);
				draw_filter(&ut);
				break;
			case ACT_HELP:
				tui_help(app, KEYCTX_LIST, title);
				redraw = true;
				break;
			case ACT_REDRAW:
				clearok(stdscr, TRUE);
				redraw = true;
				break;
			default:
				if (k.type == OK && iswprint(k.ch) && ut.filter.len < 200) {
					char mb[MB_LEN_MAX];
					int n = wctomb(mb, (wchar_t)k.ch);
					if (n > 0)
						sb_add(&ut.filter, mb, (size_t)n);
					apply_filter(&ut);
					draw_filter(&ut);
				}
				break;
			}
			if (!redraw)
				draw_rows(&ut);
		}
	}
out:
	free(ut.colw);
	free(ut.rows);
	sb_free(&ut.filter);
}
