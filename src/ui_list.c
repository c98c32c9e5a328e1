/*
 * ui_list.c - a screen's records as a list with incremental search: every
 * key typed narrows the list (code, name or reading; hiragana, katakana
 * and half-width kana all match).  Used to browse and to pick.
 */
#include "ui.h"

#include <curses.h>
#include <limits.h>
#include <menu.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "roles.h"
#include "rekey.h"
#include "store.h"
#include "text.h"
#include "tui.h"
#include "util.h"

/*
 * Records fetched per search: the page shown (and one more, to know there
 * are more), then more as the operator scrolls past what was fetched.
 * Every key re-runs the search, and each record found by a search index
 * sits on a page of its own in the file: a second page fetched ahead
 * doubled the records decoded and the file's pages mapped per key, for
 * rows most searches never show.  At most LIST_MAX in all; a narrower
 * query finds the rest.
 */
#define LIST_MAX 5000

struct ui_list {
	struct app *app;
	const struct screen_def *sd;
	bool pick;
	struct strbuf query;
	struct record **recs;
	size_t n;
	size_t sel;                 /* selected row in recs */
	size_t top;                 /* first row shown */
	bool more;                  /* there were more than fetched */
	size_t limit;               /* how many to fetch */
	bool fixed;                 /* a given list (ranked candidates): no search */
	const char *title;          /* NULL: the screen's title and mode */
	int *colw;                  /* width of each list column */
	bool states;                /* a verify screen: each row's verification mark in column 0 */
};

static int
list_rows(void)
{
	return LINES - 5;           /* title, search line, header; status, keys */
}

/* Column widths: each field's width (plus room for its echo), fitted to the screen. */
static void
layout_columns(struct ui_list *ul)
{
	const struct screen_def *sd = ul->sd;
	free(ul->colw);
	ul->colw = xcalloc(sd->nlist ? sd->nlist : 1, sizeof *ul->colw);
	int left = COLS - 2;
	/* A screen verified by double keying marks each record's state in the
	 * margin (column 0), not in a column of its own: a mark costs a byte
	 * or two where there is one, and the other columns do not move. */
	ul->states = sd->verify;
	for (size_t c = 0; c < sd->nlist; c++) {
		const struct field_def *f = &sd->fields[sd->list[c]];
		int w = f->width;
		if (f->ref || f->nchoices)
			w += 13;
		int lw = text_width(f->label[i18n_lang()]);
		if (w < lw)
			w = lw;
		if (w > left)
			w = left;
		ul->colw[c] = w;
		left -= w + 1;
		if (left < 0)
			left = 0;
	}
}

static char *
cell_text(struct ui_list *ul, const struct field_def *f, const char *v)
{
	if (*v && (f->ref || f->nchoices)) {
		char *echo = f->type->echo(f, &ul->app->ctx, v);
		char *s = *echo ? xasprintf("%s %s", v, echo) : xstrdup(v);
		free(echo);
		return s;
	}
	return xstrdup(v);
}

static void
draw_row(struct ui_list *ul, int row, const struct record *r, bool selected,
    enum rekey_state state)
{
	move(row, 0);
	clrtoeol();
	if (r == NULL)
		return;
	if (selected)
		attrset(tui_attr_select());
	int col = 1;
	if (state != REKEY_NONE)
		tui_put(row, 0, 1, rekey_state_mark(state));
	for (size_t c = 0; c < ul->sd->nlist; c++) {
		const struct field_def *f = &ul->sd->fields[ul->sd->list[c]];
		char *text = cell_text(ul, f, record_get(r, f->id));
		char *padded = text_pad(text, ul->colw[c]);
		tui_put(row, col, ul->colw[c], padded);
		free(padded);
		free(text);
		col += ul->colw[c] + 1;
		if (col >= COLS - 1)
			break;
	}
	attrset(A_NORMAL);
}

static void
draw_list(struct ui_list *ul)
{
	int rows = list_rows();
	if (ul->sel < ul->top)
		ul->top = ul->sel;
	if (ul->sel >= ul->top + (size_t)rows)
		ul->top = ul->sel - (size_t)rows + 1;
	/* The shown rows' verification states, in one read: this runs on
	 * every key of an incremental search. */
	enum rekey_state *states = xcalloc((size_t)(rows > 0 ? rows : 1), sizeof *states);
	size_t shown = ul->top < ul->n ? ul->n - ul->top : 0;
	if (shown > (size_t)(rows > 0 ? rows : 0))
		shown = (size_t)(rows > 0 ? rows : 0);
	char *why = NULL;
	if (ul->states && rekey_states(ul->app->db, ul->sd, (const struct record *const *)ul->recs +
	    ul->top, shown, states, &why) != 0)
		free(why);              /* shown without marks; the records themselves are there */
	for (int i = 0; i < rows; i++) {
		size_t k = ul->top + (size_t)i;
		draw_row(ul, 3 + i, k < ul->n ? ul->recs[k] : NULL, k == ul->sel && k < ul->n,
		    states[i]);
	}
	free(states);
	struct app *app = ul->app;
	if (ul->n == 0)
		tui_status(app, false, "%s", _("nothing matches"));
	else
		tui_status(app, false, _("%zu of %zu%s"), ul->sel + 1, ul->n,
		    ul->more ? "+" : "");
}

static void
draw_search(struct ui_list *ul)
{
	move(1, 0);
	clrtoeol();
	const char *label = _("Search: ");
	tui_put(1, 1, COLS - 2, label);
	int col = 1 + text_width(label);
	tui_put(1, col, COLS - col - 1, ul->query.s ? ul->query.s : "");
}

static void
draw_all(struct ui_list *ul)
{
	struct app *app = ul->app;
	erase();
	tui_forget_lines();
	layout_columns(ul);
	char *title = ul->title ? xstrdup(ul->title) : xasprintf("%s — %s", ul->sd->title[i18n_lang()],
	    ul->pick ? _("pick") : _("browse"));
	tui_title(app, title, "");
	free(title);
	draw_search(ul);
	attrset(A_BOLD);
	int col = 1;
	for (size_t c = 0; c < ul->sd->nlist && col < COLS - 1; c++) {
		const struct field_def *f = &ul->sd->fields[ul->sd->list[c]];
		tui_put(2, col, ul->colw[c], f->label[i18n_lang()]);
		col += ul->colw[c] + 1;
	}
	attrset(A_NORMAL);
	draw_list(ul);
	tui_keyline(KEYCTX_LIST);
}

static void
fetch(struct ui_list *ul)
{
	store_free_list(ul->recs, ul->n);
	ul->recs = NULL;
	ul->n = 0;
	char *why = NULL;
	if (store_search(ul->app->db, ul->sd, ul->query.s ? ul->query.s : "", ul->limit + 1,
	    &ul->recs, &ul->n, &why) != 0) {
		tui_status(ul->app, true, "%s", why);
		free(why);
		return;
	}
	/* Out of this user's scope: not listed at all. */
	size_t kept = 0;
	for (size_t i = 0; i < ul->n; i++) {
		if (access_in_scope(ul->app->access, ul->sd, ul->recs[i]))
			ul->recs[kept++] = ul->recs[i];
		else
			record_free(ul->recs[i]);
	}
	ul->n = kept;
	ul->more = ul->n > ul->limit;
	if (ul->more)
		record_free(ul->recs[--ul->n]);
}

/* A new query: the first page of what it finds. */
static void
run_search(struct ui_list *ul)
{
	if (ul->fixed)
		return;
	ul->limit = (size_t)(list_rows() > 0 ? list_rows() : 20);
	fetch(ul);
	ul->sel = ul->top = 0;
}

/* Scrolling towards the end of what was fetched: fetch more, same place. */
static void
fetch_more(struct ui_list *ul, size_t want)
{
	if (ul->fixed || !ul->more || want < ul->n || ul->limit >= LIST_MAX)
		return;
	while (ul->limit < want + (size_t)list_rows() && ul->limit < LIST_MAX)
		ul->limit *= 2;
	if (ul->limit > LIST_MAX)
		ul->limit = LIST_MAX;
	fetch(ul);
	if (ul->sel >= ul->n)
		ul->sel = ul->n ? ul->n - 1 : 0;
}

/* Remove the last character of the query (a whole UTF-8 sequence). */
static void
query_backspace(struct ui_list *ul)
{
	struct strbuf *q = &ul->query;
	while (q->len > 0) {
		unsigned char c = (unsigned char)q->s[--q->len];
		if ((c & 0xC0) != 0x80)
			break;
	}
	if (q->s)
		q->s[q->len] = '\0';
}

static bool
size_ok_or_wait(struct ui_list *ul)
{
	while (!tui_size_ok()) {
		struct tui_key k;
		if (tui_getkey(&k) != 0)
			return false;
	}
	draw_all(ul);
	return true;
}

bool
ui_delete(struct app *app, const struct screen_def *sd, const char *key, uint32_t version)
{
	if (access_level(app->access, sd) < ACCESS_DELETE) {
		tui_status(app, true, "%s", _("your role may not delete here"));
		return false;
	}
	char *shown = store_key_display(key);
	const char *screen = NULL;
	char *referrer = NULL, *why = NULL;
	bool deleted = false;
	int rc = store_find_referrer(app->db, app->schema, sd, key, &screen, &referrer, &why);
	if (rc == 0) {
		const struct screen_def *o = schema_screen(app->schema, screen);
		tui_status(app, true,
		    _("%s cannot be deleted: %s %s refers to it"), shown, o->title[i18n_lang()], referrer);
	} else if (rc < 0) {
		tui_status(app, true, "%s", why);
	} else {
		char *q = xasprintf(_("Delete %s?"), shown);
		if (tui_ask(app, q)) {
			rc = store_delete(app->db, sd, key, version, &why);
			if (rc == 0) {
				tui_status(app, false, _("deleted: %s"), shown);
				deleted = true;
			} else if (rc == STORE_CONFLICT) {
				tui_status(app, true, "%s",
				    _("not deleted: someone else changed it meanwhile"));
			} else {
				tui_status(app, true, "%s", why ? why : "?");
			}
		}
		free(q);
	}
	free(why);
	free(referrer);
	free(shown);
	return deleted;
}

/* Delete the selected record (ui_delete), then list again. */
static void
delete_selected(struct ui_list *ul)
{
	if (ul->n == 0 || ul->pick)
		return;
	struct record *r = ul->recs[ul->sel];
	char *key = store_key(ul->sd, r);
	if (ui_delete(ul->app, ul->sd, key, r->version)) {
		run_search(ul);
		draw_list(ul);
	}
	free(key);
}

static char *list_loop(struct ui_list *ul);

char *
ui_pick_from(struct app *app, const struct screen_def *sd, struct record **recs, size_t n,
    const char *title)
{
	struct ui_list ul = { .app = app, .sd = sd, .pick = true, .fixed = true, .title = title,
		.recs = recs, .n = n };
	return list_loop(&ul);
}

char *
ui_list(struct app *app, const struct screen_def *sd, bool pick, const char *query)
{
	struct ui_list ul = { .app = app, .sd = sd, .pick = pick };
	if (query && *query)
		sb_adds(&ul.query, query);
	run_search(&ul);
	return list_loop(&ul);
}

static char *
list_loop(struct ui_list *ul_)
{
	struct ui_list ul = *ul_;
	struct app *app = ul.app;
	const struct screen_def *sd = ul.sd;
	bool pick = ul.pick;
	char *result = NULL;
	if (!size_ok_or_wait(&ul))
		goto out;
	for (;;) {
		int col = 1 + text_width(_("Search: ")) +
		    text_width(ul.query.s ? ul.query.s : "");
		move(1, col < COLS ? col : COLS - 1);
		refresh();
		struct tui_key k;
		if (tui_getkey(&k) != 0)
			break;
		if (k.type == KEY_CODE_YES && k.ch == KEY_RESIZE) {
			if (!size_ok_or_wait(&ul))
				break;
			continue;
		}
		enum action a = keys_action((int)k.ch, k.type == KEY_CODE_YES, KEYCTX_LIST);
		size_t page = (size_t)list_rows();
		switch (a) {
		case ACT_QUIT:
			goto out;
		case ACT_NEXT:
			fetch_more(&ul, ul.sel + 1);
			if (ul.sel + 1 < ul.n)
				ul.sel++;
			draw_list(&ul);
			break;
		case ACT_PREV:
			if (ul.sel > 0)
				ul.sel--;
			draw_list(&ul);
			break;
		case ACT_PGDN:
			fetch_more(&ul, ul.sel + page);
			ul.sel = ul.sel + page < ul.n ? ul.sel + page : (ul.n ? ul.n - 1 : 0);
			draw_list(&ul);
			break;
		case ACT_PGUP:
			ul.sel = ul.sel > page ? ul.sel - page : 0;
			draw_list(&ul);
			break;
		case ACT_HOME:
			ul.sel = 0;
			draw_list(&ul);
			break;
		case ACT_END:
			fetch_more(&ul, LIST_MAX);
			ul.sel = ul.n ? ul.n - 1 : 0;
			draw_list(&ul);
			break;
		case ACT_ENTER:
			if (ul.n == 0)
				break;
			if (pick) {
				result = store_key(sd, ul.recs[ul.sel]);
				goto out;
			} else {
				char *key = store_key(sd, ul.recs[ul.sel]);
				ui_form(app, sd, key);
				free(key);
				run_search(&ul);
				if (!size_ok_or_wait(&ul))
					goto out;
			}
			break;
		case ACT_BACKSPACE:
			if (ul.fixed)
				break;
			query_backspace(&ul);
			run_search(&ul);
			draw_search(&ul);
			draw_list(&ul);
			break;
		case ACT_CLEAR:
			sb_reset(&ul.query);
			run_search(&ul);
			draw_search(&ul);
			draw_list(&ul);
			break;
		case ACT_HELP:
			tui_help(app, KEYCTX_LIST, sd->title[i18n_lang()]);
			draw_all(&ul);
			break;
		case ACT_REDRAW:
			clearok(stdscr, TRUE);
			draw_all(&ul);
			break;
		case ACT_LANG:
			app_set_lang(app, i18n_lang() == LANG_JA ? LANG_EN : LANG_JA);
			draw_all(&ul);
			break;
		case ACT_DELETE:
			delete_selected(&ul);
			break;
		default:
			if (!ul.fixed && k.type == OK && iswprint(k.ch) && ul.query.len < 200) {
				char mb[MB_LEN_MAX];
				int n = wctomb(mb, (wchar_t)k.ch);
				if (n > 0)
					sb_add(&ul.query, mb, (size_t)n);
				run_search(&ul);
				draw_search(&ul);
				draw_list(&ul);
			}
			break;
		}
	}
out:
	store_free_list(ul.recs, ul.n);
	sb_free(&ul.query);
	free(ul.colw);
	return result;
}

char *
ui_pick_choice(struct app *app, const struct field_def *f, const char *current)
{
	size_t n = f->nchoices;
	ITEM **items = xcalloc(n + 1, sizeof *items);
	char **names = xcalloc(n, sizeof *names);
	for (size_t i = 0; i < n; i++) {
		names[i] = xasprintf("%s %s", f->choices[i].code, f->choices[i].label[i18n_lang()]);
		items[i] = new_item(names[i], "");
	}
	MENU *menu = new_menu(items);
	set_menu_mark(menu, "> ");
	int rows = LINES - 5;
	set_menu_format(menu, rows < (int)n ? rows : (int)n, 1);
	WINDOW *sub = derwin(stdscr, LINES - 4, COLS - 4, 2, 2);
	erase();
	tui_forget_lines();
	char *title = xasprintf("%s — %s", f->label[i18n_lang()], _("pick"));
	tui_title(app, title, "");
	free(title);
	set_menu_win(menu, stdscr);
	set_menu_sub(menu, sub);
	for (size_t i = 0; i < n; i++)
		if (strcmp(f->choices[i].code, current) == 0)
			set_current_item(menu, items[i]);
	post_menu(menu);
	tui_keyline(KEYCTX_MENU);
	char *result = NULL;
	for (;;) {
		refresh();
		struct tui_key k;
		if (tui_getkey(&k) != 0)
			break;
		enum action a = keys_action((int)k.ch, k.type == KEY_CODE_YES, KEYCTX_MENU);
		if (a == ACT_QUIT)
			break;
		if (a == ACT_NEXT)
			menu_driver(menu, REQ_DOWN_ITEM);
		else if (a == ACT_PREV)
			menu_driver(menu, REQ_UP_ITEM);
		else if (a == ACT_ENTER) {
			result = xstrdup(f->choices[item_index(current_item(menu))].code);
			break;
		} else if (k.type == OK) {
			/* Typing a code picks it at once. */
			for (size_t i = 0; i < n; i++)
				if (f->choices[i].code[0] == (char)k.ch && f->choices[i].code[1] == '\0')
					result = xstrdup(f->choices[i].code);
			if (result)
				break;
		}
	}
	unpost_menu(menu);
	free_menu(menu);
	delwin(sub);
	for (size_t i = 0; i < n; i++) {
		free_item(items[i]);
		free(names[i]);
	}
	free(items);
	free(names);
	return result;
}
