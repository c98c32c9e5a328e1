/*
 * schema.h - everything declared in files: the screens (screens/NAME.ini),
 * the settings (conf/lgotp.ini) and the menu (conf/menu.ini).
 *
 * The engine knows nothing of the program it serves beyond what these
 * files say.  schema_load reads and checks all of it; `lgotp check` prints
 * the same messages the TUI refuses to start with.
 *
 * A screen file:
 *   [screen]       title_ja, title_en, key (field ids), list (columns of the
 *                  browse list), search (fields indexed for incremental
 *                  search), label (the field that names a record in
 *                  look-ups elsewhere)
 *   [field.ID]     one per field, in entry order: label_ja, label_en, type,
 *                  width, required, carry, autoskip, default, ref, min, max,
 *                  row, col, derive, and for choices one `choice.CODE =
 *                  日本語 | English` per choice
 *   [import.NAME]  another header layout the screen's import accepts (a
 *                  sheet someone else designs): `detect` = a header that
 *                  identifies it; then FIELD = HEADER [| HEADER...] (the
 *                  first non-empty of those columns)
 * The settings file:
 *   [database] dir; [survey] year; [display] lang, lean; [paths] screens
 * The menu file:
 *   [menu] title_ja, title_en; [group.NAME] title_ja, title_en,
 *   items = SCREEN:MODE, ... with MODE entry or browse.
 */
#ifndef LGOTP_SCHEMA_H
#define LGOTP_SCHEMA_H

#include <stddef.h>

#include "field.h"
#include "util.h"

struct ini;

struct import_column {
	size_t field;               /* index into the screen's fields */
	struct strlist headers;     /* first non-empty of these columns */
};

struct import_layout {
	char *name;
	char *detect;               /* a header that marks this layout */
	struct import_column *columns;
	size_t ncolumns;
};

struct screen_def {
	char *name;                 /* the file's base name: "survey1" */
	char *file;
	char *title[LANG_COUNT];
	struct field_def *fields;
	size_t nfields;
	size_t *key;                /* indexes of the key fields, in key order */
	size_t nkey;
	size_t *list;               /* browse list columns */
	size_t nlist;
	size_t *search;             /* fields indexed for search */
	size_t nsearch;
	size_t label;               /* field naming a record elsewhere */
	struct import_layout *imports;
	size_t nimports;
};

enum menu_mode { MENU_ENTRY, MENU_BROWSE };

struct menu_item {
	const struct screen_def *screen;
	enum menu_mode mode;
};

struct menu_group {
	char *title[LANG_COUNT];
	struct menu_item *items;
	size_t nitems;
};

struct settings {
	char *conf_path;            /* the settings file read */
	char *db_dir;               /* NULL: none set */
	long survey_year;
	enum lang lang;
	int lean;
	char *screens_dir;
};

struct schema {
	struct settings settings;
	struct ini *conf;           /* kept for `default = conf:SECTION.KEY` */
	char *menu_title[LANG_COUNT];
	struct menu_group *groups;
	size_t ngroups;
	struct screen_def *screens;
	size_t nscreens;
};

/*
 * Load the settings file CONF_PATH, the menu file beside it (menu.ini),
 * and every *.ini of SCREENS_DIR (NULL: the settings' [paths] screens,
 * else "screens" beside the settings file's directory).  Every problem is
 * appended to ERRS as "file:line: message"; returns NULL when there was
 * any.
 */
struct schema *schema_load(const char *conf_path, const char *screens_dir, struct strlist *errs);
void schema_free(struct schema *s);

const struct screen_def *schema_screen(const struct schema *s, const char *name);
/* Index of field ID in SD, or -1. */
int schema_field_index(const struct screen_def *sd, const char *id);
/* The value a `default =` declaration gives now ("" for none); caller frees. */
char *schema_default(const struct schema *s, const struct field_def *f, const char *today);

#endif
