/*
 * vt.h - drive a real program through a pseudo-terminal and read back what
 * an xterm would show, for end-to-end tests that run in CI with no TTY.
 *
 * The program runs on the slave side of a pty (forkpty); the harness reads
 * the master side and feeds every byte to an in-process libvterm terminal,
 * so a test can ask what is on the screen, where the cursor is, which cells
 * are bold or reversed, and exactly how many bytes the program wrote.
 *
 * Nothing here sleeps for a fixed time: every wait polls the pty with a
 * CLOCK_MONOTONIC deadline and returns as soon as its condition holds.
 * A timeout (or argument) given as a negative number means the default
 * below, chosen for a loaded 2-core CI machine running an ASan build.
 *
 * Set LGOTP_E2E_TRACE=1 to have every key sent, every answer to a terminal
 * query, and the screen after every settle printed on stderr.
 *
 * Keys: ncurses' keypad(TRUE) sends smkx, after which xterm sends the
 * "application mode" sequences of its terminfo entry (kcuu1=\EOA, ...), and
 * those are the only sequences ncurses then recognises.  The VT_KEY_*
 * strings below are exactly the terminfo xterm-256color key capabilities.
 * A lone Esc (VT_KEY_ESC) is only taken as Esc by ncurses after ESCDELAY
 * (1000 ms unless the program or the environment sets it) without a
 * following byte: send it on its own and settle before the next key.
 */
#ifndef LGOTP_E2E_VT_H
#define LGOTP_E2E_VT_H

#include <stdbool.h>
#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Defaults, used wherever a quiet time or timeout argument is negative. */
#define VT_QUIET_MS    150    /* silence that counts as "the screen settled" */
#define VT_TIMEOUT_MS  10000  /* longest any single wait lasts */

/* Keys as xterm (TERM=xterm-256color) sends them in keypad-transmit mode. */
#define VT_KEY_TAB       "\t"
#define VT_KEY_BTAB      "\033[Z"     /* Shift-Tab, kcbt */
#define VT_KEY_ENTER     "\r"         /* the Return key; ICRNL/nl() decide the rest */
#define VT_KEY_ESC       "\033"
#define VT_KEY_BACKSPACE "\177"       /* kbs=^? */
#define VT_KEY_UP        "\033OA"
#define VT_KEY_DOWN      "\033OB"
#define VT_KEY_RIGHT     "\033OC"
#define VT_KEY_LEFT      "\033OD"
#define VT_KEY_HOME      "\033OH"
#define VT_KEY_END       "\033OF"
#define VT_KEY_INSERT    "\033[2~"
#define VT_KEY_DELETE    "\033[3~"
#define VT_KEY_PGUP      "\033[5~"
#define VT_KEY_PGDN      "\033[6~"
#define VT_KEY_F1        "\033OP"
#define VT_KEY_F2        "\033OQ"
#define VT_KEY_F3        "\033OR"
#define VT_KEY_F4        "\033OS"
#define VT_KEY_F5        "\033[15~"
#define VT_KEY_F6        "\033[17~"
#define VT_KEY_F7        "\033[18~"
#define VT_KEY_F8        "\033[19~"
#define VT_KEY_F9        "\033[20~"
#define VT_KEY_F10       "\033[21~"
#define VT_KEY_F11       "\033[23~"
#define VT_KEY_F12       "\033[24~"
/* The byte Ctrl+letter sends: VT_CTRL('X') == 0x18.  See also vt_ctrl(). */
#define VT_CTRL(c)       ((char)((c) & 0x1f))

struct vt;

/* Options for vt_spawn_opts(); zero-initialise and set what you need. */
struct vt_opts {
	int rows, cols;            /* window size; <= 0 means 24 x 80 */
	char *const *argv;         /* argv[0] is looked up in the child's PATH */
	char *const *envp_extra;   /* NULL-terminated, or NULL; see vt_spawn() */
	bool capture_stderr;       /* stderr to a pipe read by vt_stderr(), not the pty */
	bool keep_transcript;      /* keep every byte read from the pty for vt_transcript() */
	const char *cwd;           /* the child's working directory, or NULL: ours */
	bool as_user;              /* run as UID/GID with no supplementary groups (needs root) */
	uid_t uid;
	gid_t gid;
};

/*
 * Starts argv[0] (searched in PATH) with arguments argv on a new pty of
 * rows x cols, and a libvterm screen of the same size in UTF-8 mode with
 * the alternate screen enabled, as xterm has.
 *
 * The child's environment is clean: TERM=xterm-256color, LANG=C.UTF-8,
 * LC_ALL=C.UTF-8, HOME and PATH copied from ours when set, and the
 * sanitizer settings (ASAN_OPTIONS, UBSAN_OPTIONS, LSAN_OPTIONS) copied so
 * an ASan build of the program reports as the test run asked.  Then each
 * "NAME=VALUE" of envp_extra (may be NULL) is added, replacing any earlier
 * NAME; a bare "NAME" removes NAME (e.g. "LC_ALL" to test without it).
 *
 * The child is a session leader with the pty as controlling terminal and
 * stdin, stdout and stderr, the kernel's default termios plus IUTF8, all
 * signal dispositions default and no signal blocked, whatever the test
 * process had.  The returned harness reads the master without blocking.
 * Returns NULL, after printing why on stderr, when the pty cannot be made
 * or argv[0] cannot be executed.  Free with vt_free().
 */
struct vt *vt_spawn(int rows, int cols, char *const argv[], char *const envp_extra[]);
/* The same with options; vt_spawn() is this with capture_stderr false. */
struct vt *vt_spawn_opts(const struct vt_opts *opts);

/* $LGOTP_BIN when set and not empty, else "./lgotp": the program under test. */
const char *vt_lgotp_bin(void);

/*
 * Kills the child (SIGKILL to its process group) if it has not been reaped,
 * reaps it, closes every descriptor and frees vt.  NULL is allowed.
 */
void vt_free(struct vt *vt);

/* --- Sending keys ------------------------------------------------------- */

/*
 * Writes the n bytes to the program's terminal, as one write where the pty
 * takes it (so an escape sequence is not split), pumping the program's
 * output meanwhile so neither side can block the other.  Returns 0, or -1
 * if the pty was hung up or closed, or not all was written within
 * VT_TIMEOUT_MS.
 */
int vt_send(struct vt *vt, const char *bytes, size_t n);
/* vt_send() of a NUL-terminated string: a key constant or UTF-8 text. */
int vt_key(struct vt *vt, const char *key);
int vt_type(struct vt *vt, const char *utf8);
int vt_sendf(struct vt *vt, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Ctrl+c, e.g. vt_ctrl(vt, 'x') sends 0x18. */
int vt_ctrl(struct vt *vt, char c);
/*
 * Types utf8 one character (one UTF-8 sequence) at a time, with
 * vt_settle(vt, quiet_ms, -1) after each, as a person does.  Returns 0, or
 * -1 at the first send or settle that fails (timeout or the child exited).
 */
int vt_type_slow(struct vt *vt, const char *utf8, int quiet_ms);

/* --- Waiting ------------------------------------------------------------- */

/*
 * Pumps the program's output into the screen until none has arrived for
 * quiet_ms (counted from the call or the last byte), and returns 0.
 * Returns -1 when timeout_ms passes first, or when the child has exited and
 * all its output has been read (the screen then shows everything it wrote).
 * Note that quiet means "nothing came", not "the program answered": for
 * anything a test depends on, wait for it with vt_wait_text().
 */
int vt_settle(struct vt *vt, int quiet_ms, int timeout_ms);
/*
 * Like vt_settle(), but first waits for at least one byte of output
 * received since the last vt_send() began (the program's answer to that
 * key), so a slow answer under load is not mistaken for silence.  -1 if
 * none comes in timeout_ms, or the child exited.  Do not use it after a
 * key that may legitimately produce no output: it would wait timeout_ms.
 */
int vt_settle_reply(struct vt *vt, int quiet_ms, int timeout_ms);
/*
 * Pumps until the screen text (vt_screen_text()) contains utf8, which may
 * span rows joined by "\n".  Returns 0, or -1 on timeout or when the child
 * exited without showing it; on -1 prints what was awaited and the screen
 * (vt_dump) on stderr, so a failing assertion explains itself.
 */
int vt_wait_text(struct vt *vt, const char *utf8, int timeout_ms);
/* The converse: pumps until utf8 is no longer on the screen.  0 or -1, as above. */
int vt_wait_gone(struct vt *vt, const char *utf8, int timeout_ms);
/*
 * Pumps until the child has exited and been reaped, and its output read to
 * the end; stores the waitpid() status in *status (may be NULL) and
 * returns 0.  Returns -1 if it is still running after timeout_ms.  Works
 * after vt_hangup() too.  Never leaves a zombie once it returned 0.
 */
int vt_wait_exit(struct vt *vt, int timeout_ms, int *status);
/* True once the child has been reaped (by any of the waits above). */
bool vt_exited(struct vt *vt, int *status);

/* --- Reading the screen (what has been pumped so far; no waiting) -------- */

void vt_size(struct vt *vt, int *rows, int *cols);
/*
 * Row `row` (0-based) as UTF-8, trailing spaces removed, wide characters
 * once (their continuation cell is skipped), combining marks kept, empty
 * cells as spaces.  NULL if row is out of range.  Caller frees.
 */
char *vt_row(struct vt *vt, int row);
/* All rows as vt_row() gives them, joined with "\n" (no final newline). Caller frees. */
char *vt_screen_text(struct vt *vt);
/* True if vt_screen_text() contains utf8 now. */
bool vt_has_text(struct vt *vt, const char *utf8);
/*
 * Finds the first occurrence of utf8 (single row only) scanning rows top to
 * bottom; stores its row and starting cell column (a wide character counts
 * two columns, as on the screen).  Returns 0, or -1 if absent.
 */
int vt_find(struct vt *vt, const char *utf8, int *row, int *col);
/* Stores the cursor position (0-based); returns whether the cursor is visible. */
bool vt_cursor(struct vt *vt, int *row, int *col);
/* True while the program is on the alternate screen (smcup without rmcup). */
bool vt_altscreen(struct vt *vt);
/* Number of BEL (beep) the program sent since spawn. */
int vt_bells(struct vt *vt);

#define VT_COLOR_DEFAULT (-1)
#define VT_COLOR_RGB     0x1000000    /* OR'ed with 0xRRGGBB for a direct colour */

/* One screen cell. */
struct vt_cell {
	char text[32];   /* UTF-8 of the character and its combining marks; "" if empty or a continuation */
	int width;       /* 2 on the first cell of a wide character, 0 on its continuation, else 1 */
	bool bold, underline, italic, blink, reverse, strike;
	int fg, bg;      /* VT_COLOR_DEFAULT, a palette index 0-255, or VT_COLOR_RGB | 0xRRGGBB */
};
/* Fills *cell for (row, col); returns 0, or -1 if out of range (*cell zeroed). */
int vt_cell(struct vt *vt, int row, int col, struct vt_cell *cell);

/* Attribute bits of vt_cell_attrs(). */
#define VT_ATTR_BOLD      0x01
#define VT_ATTR_UNDERLINE 0x02
#define VT_ATTR_REVERSE   0x04
#define VT_ATTR_ITALIC    0x08
#define VT_ATTR_BLINK     0x10
#define VT_ATTR_STRIKE    0x20
/* The VT_ATTR_* bits set at (row, col); 0 also when out of range. */
int vt_cell_attrs(struct vt *vt, int row, int col);

/*
 * Prints the screen with row numbers, the cursor, the child's state and
 * any captured stderr on f, for test failure messages.
 */
void vt_dump(struct vt *vt, FILE *f);

/* --- Byte accounting ----------------------------------------------------- */

/*
 * Exact number of bytes the program wrote to the terminal (read from the
 * pty master, after the pty's output processing: "\n" arrives as "\r\n")
 * since spawn or the last vt_bytes_reset().  Only bytes already pumped
 * count: settle or wait first.  Answers to terminal queries go the other
 * way and do not count.
 */
size_t vt_bytes_received(struct vt *vt);
void vt_bytes_reset(struct vt *vt);
/*
 * Every byte read from the pty since spawn, NUL-terminated, when spawned
 * with keep_transcript ("" otherwise).  For output that is drawn and then
 * erased again before a screen check could see it, such as a progress
 * line.  Valid until the next vt_* call on vt.
 */
const char *vt_transcript(struct vt *vt);

/* --- Controlling the child ----------------------------------------------- */

/*
 * Sets the window size: the libvterm screen first, then TIOCSWINSZ, so the
 * child gets SIGWINCH and its redraw is read at the new size.  0 or -1.
 */
int vt_resize(struct vt *vt, int rows, int cols);
/*
 * Closes the master side without reading further, as a dropped SSH
 * connection does: the child gets SIGHUP and then EIO on its terminal.
 * The screen keeps its last contents; sends fail from then on.
 */
void vt_hangup(struct vt *vt);
/* Sends sig to the child (not its process group) unless it was reaped.  0 or -1. */
int vt_kill(struct vt *vt, int sig);
/*
 * What the child wrote to stderr so far when spawned with capture_stderr
 * ("" otherwise); reads what is waiting first.  Valid until the next vt_*
 * call on vt.
 */
const char *vt_stderr(struct vt *vt);

#endif
