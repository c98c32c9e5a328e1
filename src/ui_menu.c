/*
 * ui_menu.c - the menu of conf/menu.ini as a libmenu list: group headings
 * (not selectable) and one item per screen and mode, each with a one-key
 * shortcut (1-9, then a-z, then A-Z) so the menu never needs the arrow keys.
 */
#include "ui.h"

#include <curses.h>
#include <menu.h>
#include <stdlib.h>
#include <string.h>

#include "draft.h"
#include "era.h"
#include "ini.h"
#include "report.h"
#include "roles.h"
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
	if (k < 9 + 26 + 26)
		return (char)('A' + (k - 9 - 26));
	return ' ';
}

static void
build_entries(struct ui_menu *um)
{
	const struct schema *s = um->app->schema;
	enum lang lang = i18n_lang();
	size_t k = 0;
	for (size_t g = 0; g < s->ngroups; g++) {
		const struct menu_group *grp = &s->groups[g];
		um->entries = xrealloc(um->entries, (um->n + 1 + grp->nitems) * sizeof *um->entries);
		um->entries[um->n++] = (struct menu_entry){ NULL, 0, xasprintf("%s", grp->title[lang]) };
		size_t heading = um->n - 1;
		for (size_t i = 0; i < grp->nitems; i++) {
			const struct menu_item *it = &grp->items[i];
			/* What this user may not use is not offered. */
			const struct access *ac = um->app->access;
			if ((it->mode == MENU_REPORT && !access_reports(ac)) ||
			    (it->mode == MENU_BROWSE && access_level(ac, it->screen) < ACCESS_READ) ||
			    ((it->mode == MENU_ENTRY || it->mode == MENU_VERIFY) &&
			    access_level(ac, it->screen) < ACCESS_EDIT))
				continue;
			char sc = shortcut_for(k++);
			char *name;
			if (it->mode == MENU_REPORT) {
				const struct report_def *rd = report_find(um->app->schema, it->report);
				name = xasprintf("  %c  %s", sc, rd ? report_title(rd, lang) : it->report);
			} else {
				const char *mode = it->mode == MENU_ENTRY ? _("new entry")
				    : it->mode == MENU_VERIFY ? C_("menu", "verify")
				    : _("list, edit");
				name = xasprintf("  %c  %s — %s", sc, it->screen->title[lang], mode);
			}
			um->entries[um->n++] = (struct menu_entry){ it, sc, name };
		}
		if (um->n == heading + 1) {     /* nothing left under this heading */
			free(um->entries[heading].name);
			um->n--;
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

/* Width of the menu column; the rest of the screen lists the events. */
#define MENU_COLS 46

struct event {
	char *date;
	char *label;
};

static int
cmp_event(const void *a, const void *b)
{
	return strcmp(((const struct event *)a)->date, ((const struct event *)b)->date);
}

/* Days from today to DATE (negative: past). */
static long
days_to(const char *today, const char *date)
{
	struct era_date a, b;
	if (era_parse_iso(today, &a) != 0 || era_parse_iso(date, &b) != 0)
		return 0;
	return era_to_days(b) - era_to_days(a);
}

/*
 * The events of every year file, the coming ones first; when nothing is
 * coming (the programme's last round is over) the latest ones, so the
 * first screen always says where the year stands.
 */
static void
draw_events(struct ui_menu *um)
{
	struct app *app = um->app;
	const struct schema *s = app->schema;
	int col = MENU_COLS + 2, width = COLS - col - 1;
	if (width < 20)
		return;
	struct event *ev = NULL;
	size_t n = 0, cap = 0;
	for (size_t y = 0; y < s->nyears; y++) {
		const struct ini *ini = s->years[y].ini;
		for (size_t k = 0; k < ini_nkeys(ini, "events"); k++) {
			struct strlist parts = { 0 };
			split_trim(ini_get(ini, "events", ini_key(ini, "events", k)), '|', &parts);
			if (parts.n == 3) {
				ev = xgrow(ev, &cap, n + 1, sizeof *ev);
				ev[n].date = xstrdup(parts.v[0]);
				ev[n++].label = xstrdup(parts.v[1 + i18n_lang()]);
			}
			strlist_free(&parts);
		}
	}
	if (n > 1)
		qsort(ev, n, sizeof *ev, cmp_event);
	size_t first = 0;
	while (first < n && strcmp(ev[first].date, app->today) < 0)
		first++;
	int rows = (LINES - 5) / 2;
	if (first == n)     /* nothing coming: the latest ones */
		first = n > (size_t)rows ? n - (size_t)rows : 0;
	attrset(A_BOLD);
	tui_put(2, col, width, _("Dates and deadlines"));
	attrset(A_NORMAL);
	int row = 3;
	for (size_t i = first; i < n && row + 1 < LINES - 2; i++) {
		long d = days_to(app->today, ev[i].date);
		char *when = d == 0 ? xstrdup(_("today"))
		    : d > 0 ? xasprintf(_("in %ld days"), d)
		            : xasprintf(_("%ld days ago"), -d);
		char *line = xasprintf("%s  %s", ev[i].date, when);
		if (d >= 0 && d <= 7)
			attrset(A_BOLD);
		tui_put(row++, col, width, line);
		attrset(A_NORMAL);
		tui_put(row++, col + 2, width - 2, ev[i].label);
		free(line);
		free(when);
	}
	if (n == 0)
		tui_put(3, col, width, _("(no dates in conf/years/)"));
	for (size_t i = 0; i < n; i++) {
		free(ev[i].date);
		free(ev[i].label);
	}
	free(ev);
}

static void
menu_build(struct ui_menu *um, int selected)
{
	struct app *app = um->app;
	build_entries(um);
	erase();
	tui_forget_lines();
	tui_title(app, app->schema->menu_title[i18n_lang()], app->today);
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
	um->sub = derwin(stdscr, rows, MENU_COLS - 2, 2, 2);
	set_menu_win(um->menu, stdscr);
	set_menu_sub(um->menu, um->sub);
	post_menu(um->menu);
	draw_events(um);
	for (int i = selected; i >= 0 && i < (int)um->n; i++)
		if (um->entries[i].item) {
			set_current_item(um->menu, um->items[i]);
			break;
		}
	tui_keyline(KEYCTX_MENU);
	char *note = tui_take_note();
	tui_status(app, false, "%s", note ? note : _("press a number, or Up/Down and Enter"));
	free(note);
}

static int
current(struct ui_menu *um)
{
	return um->menu ? item_index(current_item(um->menu)) : 0;
}

static void
open_report(struct app *app, const char *name)
{
	const struct report_def *rd = report_find(app->schema, name);
	struct report_opts ro = { 0 };
	struct table t;
	char *why = NULL;
	if (rd == NULL || report_build(rd, app, &ro, &t, &why) != 0) {
		tui_status(app, true, "%s: %s", name, why ? why : "?");
		free(why);
		return;
	}
	ui_table(app, &t, report_title(rd, i18n_lang()));
	table_free(&t);
}

static void
open_entry(struct ui_menu *um, size_t i)
{
	const struct menu_item *it = um->entries[i].item;
	int sel = (int)i;
	menu_teardown(um);
	if (it->mode == MENU_ENTRY)
		ui_form(um->app, it->screen, NULL);
	else if (it->mode == MENU_BROWSE)
		ui_list(um->app, it->screen, false, "");
	else if (it->mode == MENU_VERIFY)
		ui_verify(um->app, it->screen);
	else
		open_report(um->app, it->report);
	if (!tui_stopping())
		menu_build(um, sel);
}

/* Move by REQ over group headings (not selectable); at the end of the list,
 * come back by BACK to the last item. */
static void
step(struct ui_menu *um, int req, int back)
{
	int start = current(um);
	menu_driver(um->menu, req);
	while (um->entries[current(um)].item == NULL && menu_driver(um->menu, req) == E_OK)
		;
	while (um->entries[current(um)].item == NULL && menu_driver(um->menu, back) == E_OK)
		;
	if (um->entries[current(um)].item == NULL)
		set_current_item(um->menu, um->items[start]);
}

static bool
rebuild(struct ui_menu *um)
{
	int sel = current(um);
	menu_teardown(um);
	while (!tui_size_ok()) {
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
	/* Input left unsaved by a dropped link: straight back to that form,
	 * which offers it. */
	char *dscreen = NULL, *dkey = NULL, *why = NULL;
	if (draft_find(app->db, &dscreen, &dkey, &why) == 0) {
		const struct screen_def *sd = schema_screen(app->schema, dscreen);
		if (sd) {
			menu_teardown(&um);
			ui_form(app, sd, *dkey ? dkey : NULL);
			if (tui_stopping() || !rebuild(&um))
				goto out_draft;
		}
	}
out_draft:
	free(dscreen);
	free(dkey);
	free(why);
	if (tui_stopping())
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
			step(&um, REQ_DOWN_ITEM, REQ_UP_ITEM);
			break;
		case ACT_PREV:
			step(&um, REQ_UP_ITEM, REQ_DOWN_ITEM);
			break;
		case ACT_ENTER:
			open_entry(&um, (size_t)current(&um));
			break;
		case ACT_HELP:
			tui_help(app, KEYCTX_MENU, app->schema->menu_title[i18n_lang()]);
			rebuild(&um);
			break;
		case ACT_REDRAW:
			clearok(stdscr, TRUE);
			rebuild(&um);
			break;
		case ACT_LANG:
			app_set_lang(app, i18n_lang() == LANG_JA ? LANG_EN : LANG_JA);
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
