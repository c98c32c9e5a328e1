/*
 * ui_menu.c - the menu of conf/menu.ini as a libmenu list: group headings
 * (not selectable) and one item per screen and mode, each with a one-key
 * shortcut (1-9, then a-z) so the menu never needs the arrow keys.
 */
#include "ui.h"

#include <curses.h>
#include <menu.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "tui.h"
#include "util.h"

struct menu_entry {
	const struct menu_item *item;   /* NULL for a group heading */
	char shortcut;
	char *name;
};

struct ui_menu {
	struct app *app;
	struct menu_entry *entries;
	size_t n;
	ITEM **items;
	MENU *menu;
	WINDOW *sub;
};

static char
shortcut_for(size_t k)
{
	if (k < 9)
		return (char)('1' + k);
	if (k < 9 + 26)
		return (char)('a' + (k - 9));
	return ' ';
}

static void
build_entries(struct ui_menu *um)
{
	const struct schema *s = um->app->schema;
	enum lang lang = um->app->lang;
	size_t k = 0;
	for (size_t g = 0; g < s->ngroups; g++) {
		const struct menu_group *grp = &s->groups[g];
		um->entries = xrealloc(um->entries, (um->n + 1 + grp->nitems) * sizeof *um->entries);
		um->entries[um->n++] = (struct menu_entry){ NULL, 0, xasprintf("%s", grp->title[lang]) };
		for (size_t i = 0; i < grp->nitems; i++) {
			const struct menu_item *it = &grp->items[i];
			char sc = shortcut_for(k++);
			const char *mode = it->mode == MENU_ENTRY ? T(um->app, "新規入力", "new entry")
			                                          : T(um->app, "一覧・修正", "browse / edit");
			um->entries[um->n++] = (struct menu_entry){ it, sc,
			    xasprintf("  %c  %s — %s", sc, it->screen->title[lang], mode) };
		}
	}
}

static void
free_entries(struct ui_menu *um)
{
	for (size_t i = 0; i < um->n; i++)
		free(um->entries[i].name);
	free(um->entries);
	um->entries = NULL;
	um->n = 0;
}

static void
menu_teardown(struct ui_menu *um)
{
	if (um->menu) {
		unpost_menu(um->menu);
		free_menu(um->menu);
		um->menu = NULL;
	}
	for (size_t i = 0; um->items && i < um->n; i++)
		free_item(um->items[i]);
	free(um->items);
	um->items = NULL;
	if (um->sub) {
		delwin(um->sub);
		um->sub = NULL;
	}
	free_entries(um);
}

static void
menu_build(struct ui_menu *um, int selected)
{
	struct app *app = um->app;
	build_entries(um);
	erase();
	tui_forget_lines();
	tui_title(app, app->schema->menu_title[app->lang], app->today);
	um->items = xcalloc(um->n + 1, sizeof *um->items);
	for (size_t i = 0; i < um->n; i++) {
		um->items[i] = new_item(um->entries[i].name, "");
		if (um->entries[i].item == NULL)
			item_opts_off(um->items[i], O_SELECTABLE);
	}
	um->menu = new_menu(um->items);
	set_menu_mark(um->menu, ">");
	set_menu_grey(um->menu, A_BOLD);
	set_menu_fore(um->menu, (chtype)tui_attr_select());
	int rows = LINES - 4;
	set_menu_format(um->menu, rows < (int)um->n ? rows : (int)um->n, 1);
	um->sub = derwin(stdscr, rows, COLS - 4, 2, 2);
	set_menu_win(um->menu, stdscr);
	set_menu_sub(um->menu, um->sub);
	post_menu(um->menu);
	for (int i = selected; i >= 0 && i < (int)um->n; i++)
		if (um->entries[i].item) {
			set_current_item(um->menu, um->items[i]);
			break;
		}
	tui_keyline(app, KEYCTX_MENU);
	tui_status(app, false, "%s", T(app, "番号を押すか、上下で選んで Enter",
	    "press a number, or Up/Down and Enter"));
}

static int
current(struct ui_menu *um)
{
	return um->menu ? item_index(current_item(um->menu)) : 0;
}

static void
open_entry(struct ui_menu *um, size_t i)
{
	const struct menu_item *it = um->entries[i].item;
	int sel = (int)i;
	menu_teardown(um);
	if (it->mode == MENU_ENTRY)
		ui_form(um->app, it->screen, NULL);
	else
		ui_list(um->app, it->screen, false, "");
	if (!tui_stopping())
		menu_build(um, sel);
}

static bool
rebuild(struct ui_menu *um)
{
	int sel = current(um);
	menu_teardown(um);
	while (!tui_size_ok(um->app)) {
		struct tui_key k;
		if (tui_getkey(&k) != 0)
			return false;
	}
	menu_build(um, sel);
	return true;
}

void
ui_menu(struct app *app)
{
	struct ui_menu um = { .app = app };
	if (!rebuild(&um))
		goto out;
	for (;;) {
		pos_menu_cursor(um.menu);
		refresh();
		struct tui_key k;
		if (tui_getkey(&k) != 0)
			break;
		if (k.type == KEY_CODE_YES && k.ch == KEY_RESIZE) {
			if (!rebuild(&um))
				break;
			continue;
		}
		enum action a = keys_action((int)k.ch, k.type == KEY_CODE_YES, KEYCTX_MENU);
		if (a == ACT_QUIT)
			break;
		switch (a) {
		case ACT_NEXT:
			menu_driver(um.menu, REQ_DOWN_ITEM);
			break;
		case ACT_PREV:
			menu_driver(um.menu, REQ_UP_ITEM);
			break;
		case ACT_ENTER:
			open_entry(&um, (size_t)current(&um));
			break;
		case ACT_HELP:
			tui_help(app, KEYCTX_MENU, app->schema->menu_title[app->lang]);
			rebuild(&um);
			break;
		case ACT_REDRAW:
			clearok(stdscr, TRUE);
			rebuild(&um);
			break;
		case ACT_LANG:
			app->lang = app->lang == LANG_JA ? LANG_EN : LANG_JA;
			app->ctx.lang = app->lang;
			rebuild(&um);
			break;
		default:
			if (k.type == OK)
				for (size_t i = 0; i < um.n; i++)
					if (um.entries[i].item && um.entries[i].shortcut == (char)k.ch) {
						open_entry(&um, i);
						break;
					}
			break;
		}
		if (tui_stopping())
			break;
	}
out:
	menu_teardown(&um);
}
