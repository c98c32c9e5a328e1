#include "tui.h"

#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

#include "text.h"
#include "util.h"

static bool started;
static volatile sig_atomic_t stop_signal;
static SCREEN *screen;
static char *status_shown;      /* what the status line holds now */
static char *note_left;         /* tui_note's message, until taken */
static bool status_error_shown;
static char *keyline_shown;
static enum key_context keyline_context = KEYCTX_FORM;
static bool use_colour;

enum { PAIR_TITLE = 1, PAIR_ERROR, PAIR_SELECT };

static void
on_stop_signal(int sig)
{
	stop_signal = sig;
}

bool
tui_stopping(void)
{
	return stop_signal != 0;
}

void
tui_end(void)
{
	if (!started)
		return;
	started = false;
	endwin();
	delscreen(screen);
	screen = NULL;
	free(status_shown);
	free(keyline_shown);
	free(note_left);
	note_left = NULL;
	status_shown = keyline_shown = NULL;
}

int
tui_start(struct app *app, char **cause)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return fail(cause, "the TUI needs a terminal (scripts can use import and export)");
	const char *term = getenv("TERM");
	if (term == NULL || *term == '\0')
		return fail(cause, "TERM is not set");
	/* The terminal's description is checked before newterm(): a newterm()
	 * that fails leaks its half-made screen, and one that succeeds on a
	 * terminal without cursor addressing would draw garbage. */
	int err = 0;
	if (setupterm(term, STDOUT_FILENO, &err) != OK)
		return fail(cause, "terminal type '%s' is not known", term);
	bool addressable = cursor_address != NULL && cursor_address[0] != '\0';
	del_curterm(cur_term);
	if (!addressable)
		return fail(cause,
		    "terminal type '%s' cannot move the cursor: use an xterm-compatible terminal", term);
	/* ESC alone never ends an action, so a long wait costs nothing and lets an
	 * arrow key's bytes arrive split over a slow link (SPEC §4). */
	set_escdelay(400);
	screen = newterm(NULL, stdout, stdin);
	if (screen == NULL)
		return fail(cause, "terminal type '%s' is not known", term);
	started = true;
	atexit(tui_end);
	/* A terminal that says its line is slow gets the lean display by itself. */
	int speed = baudrate();
	if (speed > 0 && speed < 19200)
		app->lean = 1;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	raw();                  /* Ctrl-S, Ctrl-Q, Ctrl-Z reach the program */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	/*
	 * ncurses (6.4) writes out what it has at every cursor movement until
	 * the screen has once been left and taken back (_nc_mvcur flushes while
	 * SCREEN._endwin is still ewInitial): an update with N jumps went out in
	 * N write()s, over ssh as N packets, each with its own framing.  Left
	 * and taken back once, before anything is drawn, every update goes out
	 * in one write.  What it costs: the terminal's alternate screen left and
	 * entered again, some 40 bytes once.
	 */
	endwin();
	doupdate();
	/* A bounded wait lets the loop see signals without output or polling cost. */
	wtimeout(stdscr, 500);
	use_colour = !app->lean && has_colors();
	if (use_colour) {
		start_color();
		use_default_colors();
		init_pair(PAIR_TITLE, COLOR_WHITE, COLOR_BLUE);
		init_pair(PAIR_ERROR, COLOR_WHITE, COLOR_RED);
		init_pair(PAIR_SELECT, COLOR_BLACK, COLOR_CYAN);
	}
	return 0;
}

static void
drop_escape_sequence(void)
{
	wint_t ch;
	wtimeout(stdscr, 0);
	int rc = wget_wch(stdscr, &ch);
	if (rc == OK && (ch == '[' || ch == 'O')) {
		bool csi = ch == '[';
		/* CSI: parameters and intermediates up to a final byte @ to ~;
		 * SS3: one more byte. */
		while ((rc = wget_wch(stdscr, &ch)) == OK)
			if (!csi || (ch >= 0x40 && ch <= 0x7e))
				break;
	} else if (rc == OK) {
		unget_wch((wchar_t)ch);     /* Esc then a real key: keep the key */
	} else if (rc == KEY_CODE_YES) {
		ungetch((int)ch);
	}
	wtimeout(stdscr, 500);
}

int
tui_getkey(struct tui_key *key)
{
	int misses = 0;
	for (;;) {
		if (stop_signal)
			return -1;
		errno = 0;
		int rc = wget_wch(stdscr, &key->ch);
		if (rc == OK && key->ch == 27) {
			/* An escape sequence ncurses does not know (a key this terminal
			 * sends that terminfo does not list): drop all of it, rather
			 * than let "[1;5X" arrive as typed text.  Its bytes came with the
			 * Esc, so they are read without waiting. */
			drop_escape_sequence();
			continue;
		}
		if (rc != ERR) {
			key->type = rc;
			return 0;
		}
		/* A timeout is ERR too; a terminal that is gone gives ERR at once,
		 * again and again, and no longer answers tcgetattr. */
		struct termios t;
		if (errno == EIO || (++misses > 3 && tcgetattr(STDIN_FILENO, &t) != 0)) {
			stop_signal = SIGHUP;
			return -1;
		}
	}
}

int
tui_attr_title(void)
{
	return use_colour ? (int)(COLOR_PAIR(PAIR_TITLE) | A_BOLD) : A_REVERSE;
}

int
tui_attr_error(void)
{
	return use_colour ? (int)(COLOR_PAIR(PAIR_ERROR) | A_BOLD) : (A_REVERSE | A_BOLD);
}

int
tui_attr_dim(void)
{
	return use_colour ? A_DIM : A_NORMAL;
}

int
tui_attr_select(void)
{
	return use_colour ? (int)COLOR_PAIR(PAIR_SELECT) : A_REVERSE;
}

void
tui_put(int row, int col, int cols, const char *text)
{
	if (cols <= 0 || row < 0 || row >= LINES)
		return;
	char *safe = text_printable(text);
	char *clipped = text_clip(safe, cols);
	mvaddstr(row, col, clipped);
	free(clipped);
	free(safe);
}

void
tui_forget_lines(void)
{
	free(keyline_shown);
	keyline_shown = NULL;
	/* The status text is kept: a redraw (a resize, say) shows it again. */
	if (status_shown) {
		char *text = status_shown;
		status_shown = NULL;
		int row = LINES - 2;
		if (*text && row > 0) {
			attrset(status_error_shown ? tui_attr_error() : (int)A_BOLD);
			tui_put(row, 0, COLS - 1, text);
			attrset(A_NORMAL);
		}
		status_shown = text;
	}
}

bool
tui_size_ok(void)
{
	if (LINES >= TUI_MIN_ROWS && COLS >= TUI_MIN_COLS)
		return true;
	erase();
	char *msg = xasprintf(_("The terminal is too small: make it at least %dx%d (it is %dx%d)"),
	    TUI_MIN_COLS, TUI_MIN_ROWS, COLS, LINES);
	/* Wrap by hand so the whole message shows even on a 20x8 terminal. */
	int row = 0;
	const char *p = msg;
	while (*p && row < LINES) {
		char *line = text_clip(p, COLS);
		size_t n = strlen(line);
		mvaddstr(row++, 0, line);
		free(line);
		if (n == 0)
			break;
		p += n;
	}
	free(msg);
	free(keyline_shown);
	keyline_shown = NULL;
	refresh();
	return false;
}

void
tui_title(struct app *app, const char *left, const char *right)
{
	/* Practice mode shows on every screen, so no one takes the throw-away
	 * copy for the live database. */
	char *marked = app->practice ? xasprintf("%s %s", _("[PRACTICE]"), left)
	                             : NULL;
	if (marked)
		left = marked;
	attrset(tui_attr_title());
	move(0, 0);
	hline(' ', COLS);
	tui_put(0, 1, COLS - 2, left);
	if (right && *right) {
		int w = text_width(right);
		if (w + text_width(left) + 4 <= COLS)
			tui_put(0, COLS - w - 1, w, right);
	}
	attrset(A_NORMAL);
	free(marked);
}

void
tui_note(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(note_left);
	note_left = xvasprintf(fmt, ap);
	va_end(ap);
}

char *
tui_take_note(void)
{
	char *n = note_left;
	note_left = NULL;
	return n;
}

void
tui_status(struct app *app, bool error, const char *fmt, ...)
{
	(void)app;
	va_list ap;
	va_start(ap, fmt);
	char *text = xvasprintf(fmt, ap);
	va_end(ap);
	if (status_shown && strcmp(status_shown, text) == 0 && status_error_shown == error) {
		free(text);
		return;
	}
	free(status_shown);
	status_shown = text;
	status_error_shown = error;
	int row = LINES - 2;
	move(row, 0);
	clrtoeol();
	if (*text) {
		attrset(error ? tui_attr_error() : (int)A_BOLD);
		tui_put(row, 0, COLS - 1, text);
		attrset(A_NORMAL);
	}
}

void
tui_keyline(enum key_context context)
{
	keyline_context = context;
	char *line = keys_line(context, i18n_lang(), COLS - 1);
	if (keyline_shown && strcmp(keyline_shown, line) == 0) {
		free(line);
		return;
	}
	free(keyline_shown);
	keyline_shown = line;
	move(LINES - 1, 0);
	clrtoeol();
	attrset(tui_attr_dim());
	tui_put(LINES - 1, 0, COLS - 1, line);
	attrset(A_NORMAL);
}

/*
 * A question longer than the status line goes on over the key line, so the
 * whole warning is read and the answers are always seen; the key line comes
 * back after the answer.
 */
static bool
show_question(struct app *app, const char *question, const char *answers)
{
	char *text = xasprintf("%s %s", question, answers);
	int cols = COLS - 1;
	char *first = text_clip(text, cols);
	const char *rest = text + strlen(first);
	bool two_lines = *rest != '\0';
	if (two_lines) {
		/* The tail that fits on the second line, ending with the answers. */
		char *second = text_clip(rest, cols);
		if (strlen(second) < strlen(rest)) {
			free(second);
			char *cut = text_clip(rest, cols - text_width(answers) - 3);
			second = xasprintf("%s.. %s", cut, answers);
			free(cut);
		}
		tui_status(app, true, "%s", first);
		move(LINES - 1, 0);
		clrtoeol();
		attrset(tui_attr_error());
		tui_put(LINES - 1, 0, cols, second);
		attrset(A_NORMAL);
		free(keyline_shown);
		keyline_shown = NULL;
		free(second);
	} else {
		tui_status(app, true, "%s", text);
	}
	free(first);
	free(text);
	refresh();
	return two_lines;
}

char
tui_choose(struct app *app, const char *question, const char *choices)
{
	struct strbuf answers = SB_INIT;
	sb_addc(&answers, '(');
	for (const char *c = choices; *c; c++)
		sb_addf(&answers, "%s%c", c == choices ? "" : "/", *c);
	sb_addc(&answers, ')');
	bool overwrote_keys = show_question(app, question, answers.s);
	sb_free(&answers);
	struct tui_key k;
	char picked = 0;
	while (picked == 0 && tui_getkey(&k) == 0) {
		if (k.type == OK && k.ch < 128) {
			char c = (char)k.ch;
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c != 0 && strchr(choices, c))
				picked = c;
		}
		if (keys_action((int)k.ch, k.type == KEY_CODE_YES, KEYCTX_FORM) == ACT_QUIT)
			break;
	}
	tui_status(app, false, "%s", "");
	if (overwrote_keys)
		tui_keyline(keyline_context);
	return picked;
}

bool
tui_ask(struct app *app, const char *question)
{
	return tui_choose(app, question, "yn") == 'y';
}

void
tui_help(struct app *app, enum key_context context, const char *title)
{
	char *help[64];
	int n = keys_help(context, i18n_lang(), help, 64);
	WINDOW *saved = dupwin(stdscr);
	erase();
	tui_forget_lines();
	char *head = xasprintf("%s — %s", title, _("keys"));
	tui_title(app, head, "");
	free(head);
	for (int i = 0; i < n; i++) {
		if (i + 2 < LINES - 2)
			tui_put(i + 2, 2, COLS - 3, help[i]);
		free(help[i]);
	}
	tui_status(app, false, "%s", _("press any key to go back"));
	refresh();
	struct tui_key k;
	tui_getkey(&k);
	if (saved) {
		overwrite(saved, stdscr);
		delwin(saved);
	}
	tui_forget_lines();
	touchwin(stdscr);
}
