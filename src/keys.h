/*
 * keys.h - the one table of keys: what each key does on each kind of
 * screen.  The dispatcher asks keys_action(); the F1 help and the bottom
 * key line are drawn from the same table, so they cannot disagree.
 *
 * Every action has a Ctrl key or a plain key; F-keys are extra, since not
 * every terminal sends them, and no action needs a bare Esc (over a slow
 * link it arrives split from the bytes of an arrow key).
 */
#ifndef LGOTP_KEYS_H
#define LGOTP_KEYS_H

#include <stdbool.h>

#include "field.h"

enum action {
	ACT_NONE = 0,
	ACT_NEXT,           /* next field / next line */
	ACT_PREV,
	ACT_ENTER,          /* next field; on the last field, save; in lists, open */
	ACT_SAVE,
	ACT_DITTO,          /* this field's value from the previous saved record */
	ACT_LOOKUP,
	ACT_QUIT,
	ACT_HELP,
	ACT_PGUP,
	ACT_PGDN,
	ACT_LEFT,
	ACT_RIGHT,
	ACT_HOME,
	ACT_END,
	ACT_BACKSPACE,
	ACT_DELCHAR,
	ACT_CLEAR,          /* empty this field */
	ACT_REDRAW,
	ACT_LANG,           /* switch 日本語 / English */
	ACT_DELETE,         /* delete the record (asks first) */
	ACT_HISTORY,        /* who changed this record, and what */
};

/* Where a key is pressed: the same key can mean different things. */
/* KEYCTX_VERIFY: the form in verify mode, where nothing may show or copy
 * values the verifier keys blind (no ditto, history or delete). */
enum key_context { KEYCTX_FORM = 1, KEYCTX_LIST = 2, KEYCTX_MENU = 4, KEYCTX_VERIFY = 8 };

/* The action of key CH (a function-key code when IS_CODE) in CONTEXT. */
enum action keys_action(int ch, bool is_code, enum key_context context);

/*
 * The help lines for CONTEXT, one per action: "Ctrl-S, F2   save".
 * Returns the number of lines written to LINES (at most MAX); each is malloc'd.
 */
int keys_help(enum key_context context, enum lang lang, char **lines, int max);

/* The bottom key line for CONTEXT, fitted to COLS columns (malloc'd). */
char *keys_line(enum key_context context, enum lang lang, int cols);

#endif
