#include "keys.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "text.h"
#include "util.h"

#define CTRL(c) ((c) & 0x1f)

struct binding {
	int key;
	bool is_code;
	int contexts;
	enum action action;
	const char *name;       /* as shown in help */
};

#define FORMS (KEYCTX_FORM | KEYCTX_VERIFY)
#define ALL (FORMS | KEYCTX_LIST | KEYCTX_MENU)

static const struct binding bindings[] = {
	{ '\t',           false, FORMS, ACT_NEXT, "Tab" },
	{ KEY_DOWN,       true,  ALL, ACT_NEXT, "Down" },
	{ CTRL('n'),      false, ALL, ACT_NEXT, "Ctrl-N" },
	{ KEY_BTAB,       true,  FORMS, ACT_PREV, "Shift-Tab" },
	{ KEY_UP,         true,  ALL, ACT_PREV, "Up" },
	{ CTRL('p'),      false, ALL, ACT_PREV, "Ctrl-P" },
	{ '\r',           false, ALL, ACT_ENTER, "Enter" },
	{ '\n',           false, ALL, ACT_ENTER, NULL },
	{ KEY_ENTER,      true,  ALL, ACT_ENTER, NULL },
	{ CTRL('s'),      false, FORMS, ACT_SAVE, "Ctrl-S" },
	{ KEY_F(2),       true,  FORMS, ACT_SAVE, "F2" },
	{ CTRL('d'),      false, KEYCTX_FORM, ACT_DITTO, "Ctrl-D" },
	{ CTRL('f'),      false, FORMS, ACT_LOOKUP, "Ctrl-F" },
	{ KEY_F(3),       true,  FORMS, ACT_LOOKUP, "F3" },
	{ CTRL('q'),      false, ALL, ACT_QUIT, "Ctrl-Q" },
	{ KEY_F(10),      true,  ALL, ACT_QUIT, "F10" },
	{ CTRL('k'),      false, ALL, ACT_HELP, "Ctrl-K" },
	{ KEY_F(1),       true,  ALL, ACT_HELP, "F1" },
	{ KEY_PPAGE,      true,  FORMS | KEYCTX_LIST, ACT_PGUP, "PgUp" },
	{ KEY_NPAGE,      true,  FORMS | KEYCTX_LIST, ACT_PGDN, "PgDn" },
	{ KEY_LEFT,       true,  FORMS | KEYCTX_LIST, ACT_LEFT, "Left" },
	{ CTRL('b'),      false, FORMS | KEYCTX_LIST, ACT_LEFT, "Ctrl-B" },
	{ KEY_RIGHT,      true,  FORMS | KEYCTX_LIST, ACT_RIGHT, "Right" },
	{ KEY_HOME,       true,  FORMS | KEYCTX_LIST, ACT_HOME, "Home" },
	{ CTRL('a'),      false, FORMS | KEYCTX_LIST, ACT_HOME, "Ctrl-A" },
	{ KEY_END,        true,  FORMS | KEYCTX_LIST, ACT_END, "End" },
	{ CTRL('e'),      false, FORMS | KEYCTX_LIST, ACT_END, "Ctrl-E" },
	{ KEY_BACKSPACE,  true,  FORMS | KEYCTX_LIST, ACT_BACKSPACE, "Backspace" },
	{ 127,            false, FORMS | KEYCTX_LIST, ACT_BACKSPACE, NULL },
	{ CTRL('h'),      false, FORMS | KEYCTX_LIST, ACT_BACKSPACE, NULL },
	{ KEY_DC,         true,  FORMS | KEYCTX_LIST, ACT_DELCHAR, "Delete" },
	{ CTRL('u'),      false, FORMS | KEYCTX_LIST, ACT_CLEAR, "Ctrl-U" },
	{ CTRL('l'),      false, ALL, ACT_REDRAW, "Ctrl-L" },
	{ CTRL('t'),      false, ALL, ACT_LANG, "Ctrl-T" },
	{ CTRL('x'),      false, KEYCTX_FORM | KEYCTX_LIST, ACT_DELETE, "Ctrl-X" },
	{ KEY_F(8),       true,  KEYCTX_FORM | KEYCTX_LIST, ACT_DELETE, "F8" },
	{ CTRL('g'),      false, KEYCTX_FORM, ACT_HISTORY, "Ctrl-G" },
	{ KEY_F(4),       true,  KEYCTX_FORM, ACT_HISTORY, "F4" },
};

struct action_text {
	enum action action;
	const char *help;       /* msgid (i18n.h) */
	const char *brief;      /* msgid for the key line (context "key line"); NULL: not shown there */
};

static const struct action_text action_texts[] = {
	{ ACT_NEXT,      N_("next field / next line"), NULL },
	{ ACT_PREV,      N_("previous field / line"), NULL },
	{ ACT_ENTER,     N_("next field (save on the last); pick"), NULL },
	{ ACT_SAVE,      N_("save; entry clears for the next record"),
	                 NC_("key line", "save") },
	{ ACT_DITTO,     N_("ditto: value of the previous record"),
	                 NC_("key line", "ditto") },
	{ ACT_LOOKUP,    N_("look up (list with search)"),
	                 NC_("key line", "look up") },
	{ ACT_QUIT,      N_("leave this screen"),
	                 NC_("key line", "back") },
	{ ACT_HELP,      N_("keys of this screen"),
	                 NC_("key line", "keys") },
	{ ACT_PGUP,      N_("previous record / page"), NULL },
	{ ACT_PGDN,      N_("next record / page"), NULL },
	{ ACT_LEFT,      N_("left"), NULL },
	{ ACT_RIGHT,     N_("right"), NULL },
	{ ACT_HOME,      N_("to the start"), NULL },
	{ ACT_END,       N_("to the end"), NULL },
	{ ACT_BACKSPACE, N_("erase the previous character"), NULL },
	{ ACT_DELCHAR,   N_("erase this character"), NULL },
	{ ACT_CLEAR,     N_("empty the field"), NULL },
	{ ACT_REDRAW,    N_("redraw the screen"), NULL },
	{ ACT_LANG,      N_("日本語 / English"), NULL },
	{ ACT_DELETE,    N_("delete this record (asks first)"), NULL },
	{ ACT_HISTORY,   N_("this record's history of changes"), NULL },
};

enum action
keys_action(int ch, bool is_code, enum key_context context)
{
	for (size_t i = 0; i < sizeof bindings / sizeof bindings[0]; i++)
		if (bindings[i].key == ch && bindings[i].is_code == is_code &&
		    (bindings[i].contexts & (int)context))
			return bindings[i].action;
	return ACT_NONE;
}

/* Names of the keys for ACTION in CONTEXT, "Ctrl-S, F2". */
static char *
key_names(enum action action, enum key_context context)
{
	struct strbuf sb = SB_INIT;
	for (size_t i = 0; i < sizeof bindings / sizeof bindings[0]; i++) {
		const struct binding *b = &bindings[i];
		if (b->action == action && (b->contexts & (int)context) && b->name)
			sb_addf(&sb, "%s%s", sb.len ? ", " : "", b->name);
	}
	return sb_detach(&sb);
}

int
keys_help(enum key_context context, enum lang lang, char **lines, int max)
{
	int n = 0;
	for (size_t i = 0; i < sizeof action_texts / sizeof action_texts[0] && n < max; i++) {
		char *names = key_names(action_texts[i].action, context);
		if (*names) {
			char *padded = text_pad(names, 28);
			lines[n++] = xasprintf("%s %s", padded, L_(lang, action_texts[i].help));
			free(padded);
		}
		free(names);
	}
	return n;
}

/* The first Ctrl key of ACTION, as ^X, or NULL. */
static const char *
ctrl_name(enum action action, enum key_context context, char buf[4])
{
	for (size_t i = 0; i < sizeof bindings / sizeof bindings[0]; i++) {
		const struct binding *b = &bindings[i];
		if (b->action == action && (b->contexts & (int)context) && !b->is_code &&
		    b->key < 32 && b->name) {
			buf[0] = '^';
			buf[1] = (char)(b->key + '@');
			buf[2] = '\0';
			return buf;
		}
	}
	return NULL;
}

char *
keys_line(enum key_context context, enum lang lang, int cols)
{
	struct strbuf sb = SB_INIT;
	for (size_t i = 0; i < sizeof action_texts / sizeof action_texts[0]; i++) {
		const struct action_text *t = &action_texts[i];
		char buf[4];
		const char *k;
		if (t->brief == NULL || (k = ctrl_name(t->action, context, buf)) == NULL)
			continue;
		sb_addf(&sb, "%s%s %s", sb.len ? "  " : "", k, LC_(lang, "key line", t->brief));
	}
	char *line = sb_detach(&sb);
	char *clipped = text_clip(line, cols);
	free(line);
	return clipped;
}
