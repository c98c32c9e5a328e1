/*
 * test_vt_selftest.c - checks the e2e harness (vt.c) itself against small
 * programs every Debian machine has (sh, printf, stty, od, cat, sleep,
 * yes, head), before any test of lgotp relies on it.
 *
 * Each test keeps its vt in *state so the teardown frees it (killing and
 * reaping the child) even when an assertion fails half-way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "vt.h"

static int
teardown(void **state)
{
	vt_free(*state);
	*state = NULL;
	return 0;
}

/* Runs `sh -c script` on a rows x cols terminal; stores it in *state for teardown. */
static struct vt *
sh_opts(void **state, int rows, int cols, const char *script, char *const extra[], bool capture)
{
	char *argv[] = { "sh", "-c", (char *)script, NULL };
	struct vt_opts o = {
		.rows = rows, .cols = cols, .argv = argv, .envp_extra = extra,
		.capture_stderr = capture,
	};
	struct vt *vt = vt_spawn_opts(&o);

	assert_non_null(vt);
	*state = vt;
	return vt;
}

static struct vt *
sh(void **state, const char *script)
{
	return sh_opts(state, 24, 80, script, NULL, false);
}

static void
assert_row(struct vt *vt, int row, const char *want)
{
	char *got = vt_row(vt, row);

	assert_non_null(got);
	if (strcmp(got, want) != 0) {
		vt_dump(vt, stderr);
		print_error("row %d is \"%s\", expected \"%s\"\n", row, got, want);
		free(got);
		fail();
	}
	free(got);
}

static void
assert_exit_status(struct vt *vt, int code)
{
	int st;

	assert_int_equal(vt_wait_exit(vt, -1, &st), 0);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), code);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Japanese text shows on the screen, and every byte written is counted. */
static void
test_japanese_text_and_byte_count(void **state)
{
	struct vt *vt = sh(state, "printf '札幌市\\n'");
	int row, col;

	assert_int_equal(vt_wait_text(vt, "札幌市", -1), 0);
	assert_exit_status(vt, 0);
	assert_row(vt, 0, "札幌市");
	assert_row(vt, 1, "");
	/* 3 characters of 3 bytes, and "\n" which the pty's onlcr sends as "\r\n". */
	assert_int_equal(vt_bytes_received(vt), 9 + 2);
	vt_cursor(vt, &row, &col);
	assert_int_equal(row, 1);
	assert_int_equal(col, 0);
}

/* A wide character fills two cells; the second is skipped in text and counted in columns. */
static void
test_wide_character_cells(void **state)
{
	struct vt *vt = sh(state, "printf '札幌x市 e\\314\\201\\n'");
	struct vt_cell c;
	int row, col;

	assert_int_equal(vt_wait_text(vt, "札幌x市", -1), 0);
	assert_exit_status(vt, 0);
	/* e + U+0301 (combining acute accent) stays one cell with both characters. */
	assert_row(vt, 0, "札幌x市 e\xcc\x81");

	assert_int_equal(vt_cell(vt, 0, 0, &c), 0);
	assert_string_equal(c.text, "札");
	assert_int_equal(c.width, 2);
	assert_int_equal(vt_cell(vt, 0, 1, &c), 0);
	assert_string_equal(c.text, "");
	assert_int_equal(c.width, 0);
	assert_int_equal(vt_cell(vt, 0, 4, &c), 0);
	assert_string_equal(c.text, "x");
	assert_int_equal(c.width, 1);
	assert_int_equal(vt_cell(vt, 0, 8, &c), 0);
	assert_string_equal(c.text, "e\xcc\x81");

	assert_int_equal(vt_find(vt, "x市", &row, &col), 0);
	assert_int_equal(row, 0);
	assert_int_equal(col, 4);
	assert_int_equal(vt_find(vt, "市", &row, &col), 0);
	assert_int_equal(col, 5);
	assert_int_equal(vt_find(vt, "大阪", &row, &col), -1);
	assert_int_equal(vt_cell(vt, 0, 80, &c), -1);
	assert_null(vt_row(vt, 24));
}

/* Keys arrive byte for byte: arrows in application mode, Enter as CR, Ctrl-X, UTF-8. */
static void
test_send_arrives_exactly(void **state)
{
	struct vt *vt = sh(state, "stty raw -echo; echo READY; head -c 14 | od -An -tx1");

	assert_int_equal(vt_wait_text(vt, "READY", -1), 0);
	assert_int_equal(vt_key(vt, VT_KEY_UP), 0);
	assert_int_equal(vt_key(vt, VT_KEY_ENTER), 0);
	assert_int_equal(vt_ctrl(vt, 'x'), 0);
	assert_int_equal(vt_type(vt, "札幌"), 0);
	assert_int_equal(vt_key(vt, VT_KEY_BTAB), 0);
	assert_int_equal(vt_wait_text(vt, "1b 4f 41 0d 18 e6 9c ad e5 b9 8c 1b 5b 5a", -1), 0);
	assert_exit_status(vt, 0);
}

/* libvterm's answers to terminal queries reach the program (ncurses may wait for them). */
static void
test_queries_are_answered(void **state)
{
	struct vt *vt = sh(state,
	    "stty raw -echo; printf '\\033[3;5H\\033[6n'; head -c 6 | od -An -c");

	/* Cursor position report for row 3, column 5: ESC [ 3 ; 5 R. */
	assert_int_equal(vt_wait_text(vt, "033   [   3   ;   5   R", -1), 0);
	assert_exit_status(vt, 0);
}

/* A resize reaches both the screen and the program: TIOCSWINSZ and SIGWINCH. */
static void
test_resize(void **state)
{
	struct vt *vt = sh(state,
	    "trap 'stty size; printf \"%0100d\\n\" 0; exit 0' WINCH;"
	    " stty size; echo READY; while :; do sleep 0.05; done");
	int rows, cols, row, col;
	char zeros[101];

	assert_int_equal(vt_wait_text(vt, "24 80\nREADY", -1), 0);
	assert_row(vt, 0, "24 80");
	assert_int_equal(vt_resize(vt, 30, 100), 0);
	vt_size(vt, &rows, &cols);
	assert_int_equal(rows, 30);
	assert_int_equal(cols, 100);
	assert_int_equal(vt_wait_text(vt, "30 100", -1), 0);
	assert_exit_status(vt, 0);
	/* 100 zeros fit in one row only if the screen really is 100 columns wide. */
	memset(zeros, '0', 100);
	zeros[100] = '\0';
	assert_int_equal(vt_find(vt, zeros, &row, &col), 0);
	assert_int_equal(col, 0);
	assert_row(vt, row, zeros);
}

/* Closing the master hangs up the terminal: the child gets SIGHUP. */
static void
test_hangup_kills(void **state)
{
	char *argv[] = { "cat", NULL };
	struct vt *vt = vt_spawn(24, 80, argv, NULL);
	int st;

	assert_non_null(vt);
	*state = vt;
	assert_int_equal(vt_settle(vt, 50, -1), 0);
	assert_false(vt_exited(vt, NULL));
	vt_hangup(vt);
	assert_int_equal(vt_wait_exit(vt, -1, &st), 0);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGHUP);
	assert_int_equal(vt_send(vt, "x", 1), -1);
	assert_true(vt_exited(vt, NULL));
}

/* A program that handles SIGHUP sees it, and its stderr can be captured apart. */
static void
test_hangup_handled_and_stderr(void **state)
{
	struct vt *vt = sh_opts(state, 24, 80,
	    "trap 'echo GOT_HUP >&2; exit 7' HUP; echo NOT_ON_SCREEN >&2; echo READY;"
	    " while :; do sleep 0.05; done", NULL, true);

	assert_int_equal(vt_wait_text(vt, "READY", -1), 0);
	vt_hangup(vt);
	assert_exit_status(vt, 7);
	assert_string_equal(vt_stderr(vt), "NOT_ON_SCREEN\nGOT_HUP\n");
	assert_false(vt_has_text(vt, "NOT_ON_SCREEN"));
}

/* Without capture, stderr is the terminal, as for a user. */
static void
test_stderr_on_screen(void **state)
{
	struct vt *vt = sh(state, "echo out; echo err >&2; exit 2");

	assert_exit_status(vt, 2);
	assert_true(vt_has_text(vt, "out\nerr"));
	assert_string_equal(vt_stderr(vt), "");
}

/* Exit status and signals are collected; waits on a live child time out. */
static void
test_exit_and_kill(void **state)
{
	char *argv[] = { "sleep", "100", NULL };
	struct vt *vt = vt_spawn(24, 80, argv, NULL);
	int st;

	assert_non_null(vt);
	*state = vt;
	long long t0 = now_ms();
	assert_int_equal(vt_wait_exit(vt, 300, &st), -1);
	long long waited = now_ms() - t0;
	assert_true(waited >= 290 && waited < 3000);
	assert_int_equal(vt_kill(vt, SIGTERM), 0);
	assert_int_equal(vt_wait_exit(vt, -1, &st), 0);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGTERM);
	assert_int_equal(vt_kill(vt, SIGTERM), -1);   /* reaped: never signal a stale pid */
}

/* A failed wait says so (and returns within its timeout); settle returns -1 once the child is gone. */
static void
test_waits_fail(void **state)
{
	struct vt *vt = sh(state, "echo hello; read x; exit 0");

	assert_int_equal(vt_wait_text(vt, "hello", -1), 0);
	print_message("(the next two waits are meant to time out and show the screen)\n");
	long long t0 = now_ms();
	assert_int_equal(vt_wait_text(vt, "never shown", 300), -1);
	long long waited = now_ms() - t0;
	assert_true(waited >= 290 && waited < 3000);
	assert_int_equal(vt_wait_gone(vt, "hello", 200), -1);
	assert_int_equal(vt_settle(vt, 100, -1), 0);
	assert_int_equal(vt_key(vt, VT_KEY_ENTER), 0);
	assert_exit_status(vt, 0);
	assert_int_equal(vt_settle(vt, 100, -1), -1);
	assert_int_equal(vt_wait_text(vt, "never shown", 5000), -1);
}

/* Output that never stops is not "settled". */
static void
test_settle_times_out(void **state)
{
	struct vt *vt = sh(state, "while :; do echo x; done");

	long long t0 = now_ms();
	assert_int_equal(vt_settle(vt, 150, 500), -1);
	assert_true(now_ms() - t0 < 3000);
	assert_true(vt_bytes_received(vt) > 0);
}

/* Everything written before exit is read, to the last byte. */
static void
test_large_output_exact(void **state)
{
	struct vt *vt = sh(state, "yes 0123456789 | head -n 5000; printf END");

	assert_exit_status(vt, 0);
	assert_int_equal(vt_bytes_received(vt), 5000 * 12 + 3);
	assert_row(vt, 23, "END");
	assert_row(vt, 22, "0123456789");
}

/* Byte counts per keystroke: reset, send, wait for the answer, count. */
static void
test_bytes_per_keystroke(void **state)
{
	struct vt *vt = sh(state, "stty -echo; printf '札幌市\\n'; read x; stty echo; printf abc; cat");

	assert_int_equal(vt_wait_text(vt, "札幌市", -1), 0);
	assert_int_equal(vt_settle(vt, -1, -1), 0);
	assert_int_equal(vt_bytes_received(vt), 11);
	vt_bytes_reset(vt);
	assert_int_equal(vt_key(vt, VT_KEY_ENTER), 0);
	assert_int_equal(vt_wait_text(vt, "abc", -1), 0);
	assert_int_equal(vt_settle(vt, -1, -1), 0);
	assert_int_equal(vt_bytes_received(vt), 3);

	/* cat in cooked mode echoes each key: 1, 2 and 3 bytes. */
	vt_bytes_reset(vt);
	assert_int_equal(vt_type(vt, "a"), 0);
	assert_int_equal(vt_settle_reply(vt, -1, -1), 0);
	assert_int_equal(vt_bytes_received(vt), 1);
	vt_bytes_reset(vt);
	assert_int_equal(vt_type_slow(vt, "é札", -1), 0);
	assert_int_equal(vt_bytes_received(vt), 5);
	assert_row(vt, 1, "abcaé札");
}

/* The child's environment is clean, with the documented defaults and overrides. */
static void
test_environment(void **state)
{
	char *extra[] = { "FOO=bar baz", "TERM=vt100", "LC_ALL", NULL };
	setenv("LGOTP_E2E_LEAK", "1", 1);
	struct vt *vt = sh_opts(state, 24, 80,
	    "echo \"T=$TERM L=$LANG A=${LC_ALL-unset} F=$FOO X=${LGOTP_E2E_LEAK-unset}\"",
	    extra, false);

	unsetenv("LGOTP_E2E_LEAK");
	assert_exit_status(vt, 0);
	assert_row(vt, 0, "T=vt100 L=C.UTF-8 A=unset F=bar baz X=unset");
}

/* The defaults, when nothing overrides them. */
static void
test_environment_defaults(void **state)
{
	struct vt *vt = sh(state, "echo \"T=$TERM L=$LANG A=$LC_ALL\"; [ -n \"$PATH\" ] && echo PATH_SET");

	assert_exit_status(vt, 0);
	assert_row(vt, 0, "T=xterm-256color L=C.UTF-8 A=C.UTF-8");
	assert_row(vt, 1, "PATH_SET");
}

/* Attributes, colours, cursor position and visibility, bells. */
static void
test_attributes_and_cursor(void **state)
{
	struct vt *vt = sh(state,
	    "printf '\\033[1mB\\033[0m\\033[4mU\\033[0m\\033[7mR\\033[0m\\033[31;44mC\\033[0mN"
	    "\\007\\033[?25l\\033[3;5H'");
	struct vt_cell c;
	int row, col;

	assert_exit_status(vt, 0);
	assert_row(vt, 0, "BURCN");
	assert_int_equal(vt_cell_attrs(vt, 0, 0), VT_ATTR_BOLD);
	assert_int_equal(vt_cell_attrs(vt, 0, 1), VT_ATTR_UNDERLINE);
	assert_int_equal(vt_cell_attrs(vt, 0, 2), VT_ATTR_REVERSE);
	assert_int_equal(vt_cell_attrs(vt, 0, 3), 0);
	assert_int_equal(vt_cell_attrs(vt, 0, 4), 0);
	assert_int_equal(vt_cell(vt, 0, 3, &c), 0);
	assert_int_equal(c.fg, 1);
	assert_int_equal(c.bg, 4);
	assert_int_equal(vt_cell(vt, 0, 4, &c), 0);
	assert_int_equal(c.fg, VT_COLOR_DEFAULT);
	assert_int_equal(c.bg, VT_COLOR_DEFAULT);
	assert_false(vt_cursor(vt, &row, &col));
	assert_int_equal(row, 2);
	assert_int_equal(col, 4);
	assert_int_equal(vt_bells(vt), 1);
}

/* The alternate screen works as in xterm (ncurses' smcup/rmcup). */
static void
test_altscreen(void **state)
{
	struct vt *vt = sh(state,
	    "stty -echo; echo MAIN; printf '\\033[?1049hALT'; read x; printf '\\033[?1049l'");

	assert_int_equal(vt_wait_text(vt, "ALT", -1), 0);
	assert_true(vt_altscreen(vt));
	assert_false(vt_has_text(vt, "MAIN"));
	assert_int_equal(vt_key(vt, VT_KEY_ENTER), 0);
	assert_exit_status(vt, 0);
	assert_false(vt_altscreen(vt));
	assert_true(vt_has_text(vt, "MAIN"));
	assert_false(vt_has_text(vt, "ALT"));
}

/* A hang-up of one terminal leaves another alone (no pty master leaks into other children). */
static void
test_two_terminals(void **state)
{
	char *argv[] = { "cat", NULL };
	struct vt *a = vt_spawn(24, 80, argv, NULL);
	struct vt *b = vt_spawn(10, 40, argv, NULL);
	int st;

	assert_non_null(a);
	assert_non_null(b);
	*state = b;
	vt_hangup(a);
	int rc = vt_wait_exit(a, -1, &st);
	vt_free(a);
	assert_int_equal(rc, 0);
	assert_int_equal(vt_wait_exit(b, 200, NULL), -1);
	assert_int_equal(vt_type(b, "ping\r"), 0);
	assert_int_equal(vt_wait_text(b, "ping\nping", -1), 0);
}

static void
test_exec_failure(void **state)
{
	char *argv[] = { "lgotp-e2e-no-such-program", NULL };

	(void)state;
	assert_null(vt_spawn(24, 80, argv, NULL));
}

static void
test_lgotp_bin(void **state)
{
	const char *old = getenv("LGOTP_BIN");
	char *saved = old != NULL ? strdup(old) : NULL;

	(void)state;
	unsetenv("LGOTP_BIN");
	assert_string_equal(vt_lgotp_bin(), "./lgotp");
	setenv("LGOTP_BIN", "build/asan/lgotp", 1);
	assert_string_equal(vt_lgotp_bin(), "build/asan/lgotp");
	if (saved != NULL)
		setenv("LGOTP_BIN", saved, 1);
	else
		unsetenv("LGOTP_BIN");
	free(saved);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_japanese_text_and_byte_count, teardown),
		cmocka_unit_test_teardown(test_wide_character_cells, teardown),
		cmocka_unit_test_teardown(test_send_arrives_exactly, teardown),
		cmocka_unit_test_teardown(test_queries_are_answered, teardown),
		cmocka_unit_test_teardown(test_resize, teardown),
		cmocka_unit_test_teardown(test_hangup_kills, teardown),
		cmocka_unit_test_teardown(test_hangup_handled_and_stderr, teardown),
		cmocka_unit_test_teardown(test_stderr_on_screen, teardown),
		cmocka_unit_test_teardown(test_exit_and_kill, teardown),
		cmocka_unit_test_teardown(test_waits_fail, teardown),
		cmocka_unit_test_teardown(test_settle_times_out, teardown),
		cmocka_unit_test_teardown(test_large_output_exact, teardown),
		cmocka_unit_test_teardown(test_bytes_per_keystroke, teardown),
		cmocka_unit_test_teardown(test_environment, teardown),
		cmocka_unit_test_teardown(test_environment_defaults, teardown),
		cmocka_unit_test_teardown(test_attributes_and_cursor, teardown),
		cmocka_unit_test_teardown(test_altscreen, teardown),
		cmocka_unit_test_teardown(test_two_terminals, teardown),
		cmocka_unit_test_teardown(test_exec_failure, teardown),
		cmocka_unit_test_teardown(test_lgotp_bin, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
