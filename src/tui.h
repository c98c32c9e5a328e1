/*
 * tui.h - the terminal: the only module that starts and ends curses, and
 * the pieces every screen draws the same way (title, status line, key
 * line, a yes/no question, the help overlay).
 *
 * Screen layout at any size: row 0 the title, rows 1..LINES-3 the screen's
 * own, row LINES-2 the status line, row LINES-1 the key line.
 */
#ifndef LGOTP_TUI_H
#define LGOTP_TUI_H

#include <stdbool.h>
#include <wchar.h>

#include "app.h"
#include "keys.h"

/* Smallest terminal every screen is laid out for (SPEC: 80x24). */
#define TUI_MIN_COLS 80
#define TUI_MIN_ROWS 24

/*
 * Start curses on the process's terminal.  Returns 0, or -1 with *cause
 * when there is no usable terminal (not a tty, TERM unknown or without
 * cursor addressing).  Installs handlers so the terminal is restored on
 * SIGTERM, SIGHUP and at exit.
 */
int tui_start(struct app *app, char **cause);
/* Restore the terminal; safe to call twice. */
void tui_end(void);

/* A key read: OK (a character) or KEY_CODE_YES (a key code) in *type. */
struct tui_key {
	int type;
	wint_t ch;
};

/*
 * Wait for the next key.  Returns 0, or -1 when the program must stop
 * (SIGTERM/SIGHUP arrived, or the terminal is gone).  KEY_RESIZE is
 * returned as a key code after the screen has been resized.
 */
int tui_getkey(struct tui_key *key);

/* True once a stop was requested (signal or lost terminal). */
bool tui_stopping(void);

/* Whether the terminal is at least the minimum size; if not, shows a
 * message saying so and returns false. */
bool tui_size_ok(void);

void tui_title(struct app *app, const char *left, const char *right);
/* The status line; ERROR shows it highlighted.  Redrawn only when changed. */
/*
 * A message for the screen shown next (the menu, after a screen that ends
 * by itself with something to say); it takes it with tui_take_note().
 */
void tui_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The note left for this screen (malloc'd), or NULL. */
char *tui_take_note(void);
void tui_status(struct app *app, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void tui_keyline(enum key_context context);
/* After the screen was erased: draw the status line's text again, and
 * forget the key line so the next tui_keyline() draws it. */
void tui_forget_lines(void);
/* Ask a yes/no question on the status line; true for y. Ctrl-Q/F10 is no. */
bool tui_ask(struct app *app, const char *question);
/*
 * Ask on the status line (continuing over the key line when long) and wait
 * for one of the ASCII letters in CHOICES (either case); returns it in
 * lower case, or 0 for Ctrl-Q/F10 or a stop.
 */
char tui_choose(struct app *app, const char *question, const char *choices);
/* Show the keys of CONTEXT over the screen until a key is pressed. */
void tui_help(struct app *app, enum key_context context, const char *title);
/* Draw UTF-8 text at row, col, clipped to COLS columns and made printable. */
void tui_put(int row, int col, int cols, const char *text);

/* Attributes: the title bar, errors, dimmed text, the selected line. */
int tui_attr_title(void);
int tui_attr_error(void);
int tui_attr_dim(void);
int tui_attr_select(void);

#endif
