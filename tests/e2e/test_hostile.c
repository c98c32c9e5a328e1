/*
 * Input no operator should send, and terminals no one should have: each
 * gets a clear message and changes nothing else.  A 1 MB paste, unknown
 * keys, TERM=dumb and TERM=vt100, a missing or broken conf, a broken screen
 * file the screen opened does not need, stored text holding escape
 * characters.
 */
#include "e2e.h"
#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static void
test_one_megabyte_paste(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	e2e_seed_bodies(db);
	const char *extra[] = { "--screen", "survey1", NULL };
	struct vt *vt = e2e_tui(db, 24, 80, extra);
	assert_int_equal(vt_wait_text(vt, "様式1", -1), 0);
	vt_type_slow(vt, "011002", -1);
	vt_type_slow(vt, "1", -1);
	/* A megabyte of text pasted into the 40-column department field. */
	size_t n = 1 << 20;
	char *paste = xmalloc(n);
	for (size_t i = 0; i < n; i++)
		paste[i] = (char)('a' + i % 26);
	/* In pieces: each send waits at most VT_TIMEOUT_MS for the program to read. */
	for (size_t off = 0; off < n; off += 32768)
		assert_int_equal(vt_send(vt, paste + off, n - off < 32768 ? n - off : 32768), 0);
	free(paste);
	assert_int_equal(vt_wait_text(vt, "これ以上入りません", 60000), 0);
	vt_settle(vt, 500, 120000);
	assert_false(vt_exited(vt, NULL));
	vt_ctrl(vt, 's');
	assert_int_equal(vt_wait_text(vt, "保存しました", 60000), 0);
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);
	char *csv = e2e_export(db, "survey1");
	/* Exactly what fitted: the field's 40 columns. */
	assert_non_null(strstr(csv, ",abcdefghijklmnopqrstuvwxyzabcdefghijklmn,"));
	free(csv);
	e2e_db_free(db);
}

static void
test_unknown_keys_change_nothing(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	e2e_seed_bodies(db);
	const char *extra[] = { "--screen", "survey1", NULL };
	struct vt *vt = e2e_tui(db, 24, 80, extra);
	assert_int_equal(vt_wait_text(vt, "様式1", -1), 0);
	vt_type_slow(vt, "011002", -1);
	/* F5-F12, Insert, odd escape sequences, C0 controls nobody binds. */
	static const char *const keys[] = { VT_KEY_F5, VT_KEY_F6, VT_KEY_F7, VT_KEY_F9, VT_KEY_F11,
		VT_KEY_F12, VT_KEY_INSERT, "\033[99~", "\033[1;5X", "\x1c", "\x1d", "\x1e", "\x1f",
		"\x0f", "\x12", "\x16", "\x17", "\x19", "\x1a" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		vt_key(vt, keys[i]);
	vt_settle(vt, 600, -1);
	assert_false(vt_exited(vt, NULL));
	vt_type_slow(vt, "2", -1);
	vt_ctrl(vt, 's');
	assert_int_equal(vt_wait_text(vt, "保存しました", -1), 0);
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);
	char *csv = e2e_export(db, "survey1");
	assert_non_null(strstr(csv, "\r\n2025,011002,2,,,,,"));
	free(csv);
	e2e_db_free(db);
}

static void
test_terminals(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	/* dumb: no cursor addressing, so a message instead of a broken screen. */
	char *argv[] = { (char *)vt_lgotp_bin(), "--db", db, NULL };
	char *env_dumb[] = { "TERM=dumb", NULL };
	struct vt_opts o = { .rows = 24, .cols = 80, .argv = argv, .envp_extra = env_dumb,
		.capture_stderr = true };
	struct vt *vt = vt_spawn_opts(&o);
	int status;
	assert_int_equal(vt_wait_exit(vt, -1, &status), 0);
	assert_int_equal(WEXITSTATUS(status), 2);
	assert_non_null(strstr(vt_stderr(vt), "dumb"));
	vt_free(vt);
	/* An unknown TERM: the same. */
	char *env_bogus[] = { "TERM=no-such-terminal-xyz", NULL };
	o.envp_extra = env_bogus;
	vt = vt_spawn_opts(&o);
	assert_int_equal(vt_wait_exit(vt, -1, &status), 0);
	assert_int_equal(WEXITSTATUS(status), 2);
	assert_non_null(strstr(vt_stderr(vt), "no-such-terminal-xyz"));
	vt_free(vt);
	/* vt100 works (no colour). */
	char *env_vt100[] = { "TERM=vt100", E2E_ENV_JA, NULL };
	o.envp_extra = env_vt100;
	vt = vt_spawn_opts(&o);
	assert_int_equal(vt_wait_text(vt, "業務デスク", -1), 0);
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);
	e2e_db_free(db);
}

static void
test_conf_missing_or_broken(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	char *err = NULL;
	const char *missing[] = { "--lang", "en", "--conf", "/nonexistent/lgotp.ini", "check", NULL };
	assert_int_equal(e2e_run(db, missing, NULL, &err), 2);
	assert_non_null(strstr(err, "/nonexistent/lgotp.ini:0: cannot read"));
	free(err);
	char *conf = xasprintf("%s/broken.ini", db);
	FILE *f = fopen(conf, "w");
	fputs("[database]\ndir = x\n[survey\nyear = 2025\n", f);
	fclose(f);
	const char *broken[] = { "--lang", "en", "--conf", conf, "export", "body", NULL };
	assert_int_equal(e2e_run(db, broken, NULL, &err), 2);
	char *where = xasprintf("%s:3: section header without ']'", conf);
	assert_non_null(strstr(err, where));
	free(where);
	free(err);
	free(conf);
	e2e_db_free(db);
}

/*
 * LANG unset or C, as Tera Term and PuTTY often leave it over SSH: the
 * character type falls back to UTF-8 and Japanese is drawn and typed as
 * usual.
 */
static void
test_locale_c(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	e2e_seed_bodies(db);
	/* Japanese by --lang: the locale would say English. */
	char *argv[] = { (char *)vt_lgotp_bin(), "--db", db, "--lang", "ja", "--screen", "survey1",
		NULL };
	char *env_c[] = { "LANG=C", "LC_ALL", NULL };
	struct vt_opts o = { .rows = 24, .cols = 80, .argv = argv, .envp_extra = env_c,
		.capture_stderr = true };
	struct vt *vt = vt_spawn_opts(&o);
	assert_int_equal(vt_wait_text(vt, "様式1", -1), 0);
	assert_int_equal(vt_wait_text(vt, "^S 保存", -1), 0);
	vt_settle(vt, -1, -1);
	vt_type_slow(vt, "011002", -1);
	assert_int_equal(vt_wait_text(vt, "札幌市", -1), 0);
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_text(vt, "破棄しますか", -1), 0);
	vt_type(vt, "y");
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);
	e2e_db_free(db);
}

/*
 * A screen file with an error that the screen opened does not need:
 * `check` and the menu refuse with file:line; `--screen body` starts, and
 * its delete, which looks at every screen for references, is refused with
 * the same file:line instead of deleting unchecked.
 */
static void
test_broken_screen_not_needed(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	e2e_seed_bodies(db);
	char *screens = xasprintf("%s/screens", db);
	char *cmd = xasprintf("cp -r screens '%s' && printf '\\n[bogus]\\n' >> '%s/survey3.ini'", screens,
	    screens);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	char *err = NULL;
	const char *check[] = { "--screens", screens, "check", NULL };
	assert_int_equal(e2e_run(db, check, NULL, &err), 2);
	char *where = strstr(err, "survey3.ini:");
	assert_non_null(where);
	assert_non_null(strstr(where, ": 不明なセクション [bogus]"));  /* a Japanese login */
	char *message = xstrndup(where, (size_t)(strchr(where, '\n') - where));
	free(err);

	const char *menu[] = { "--screens", screens, NULL };
	struct vt *vt = e2e_tui(db, 24, 80, menu);
	int st = -1;
	assert_int_equal(vt_wait_exit(vt, -1, &st), 0);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 2);
	assert_non_null(strstr(vt_stderr(vt), message));
	vt_free(vt);

	const char *body[] = { "--screens", screens, "--screen", "body", NULL };
	vt = e2e_tui(db, 24, 80, body);
	assert_int_equal(vt_wait_text(vt, "団体", -1), 0);
	vt_settle(vt, -1, -1);
	vt_ctrl(vt, 'f');
	assert_int_equal(vt_wait_text(vt, "検索:", -1), 0);
	vt_type(vt, "たけとみ");
	assert_int_equal(vt_wait_text(vt, "1/1", -1), 0);
	vt_key(vt, VT_KEY_ENTER);
	assert_int_equal(vt_wait_text(vt, "修正 473812", -1), 0);
	vt_ctrl(vt, 'x');
	/* The status line holds the start of the message: file and line. */
	char *shown = xstrndup(message, (size_t)(strstr(message, ": 不明な") - message));
	assert_int_equal(vt_wait_text(vt, shown, -1), 0);
	assert_false(vt_has_text(vt, "削除しますか"));
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);
	char *csv = e2e_export(db, "body");
	assert_non_null(strstr(csv, "473812"));
	free(csv);
	free(shown);
	free(message);
	free(screens);
	e2e_db_free(db);
}

/* Text with escape characters that reached the database anyway (an older
 * version, another tool) is shown escaped, never sent to the terminal. */
static void
test_stored_escapes_shown_escaped(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	char *csv = xasprintf("%s/b.csv", db);
	FILE *f = fopen(csv, "w");
	fputs("code,name\n011002,札幌市\n", f);
	fclose(f);
	const char *imp[] = { "import", "body", csv, NULL };
	assert_int_equal(e2e_run(db, imp, NULL, NULL), 0);
	/* The form refuses control characters, so put one in through the list's
	 * search box instead: typed ESC [ 2 J must not clear the screen. */
	const char *extra[] = { "--screen", "body", NULL };
	struct vt *vt = e2e_tui(db, 24, 80, extra);
	assert_int_equal(vt_wait_text(vt, "団体", -1), 0);
	vt_settle(vt, -1, -1);
	vt_ctrl(vt, 'f');
	assert_int_equal(vt_wait_text(vt, "検索:", -1), 0);
	vt_send(vt, "\033[2J\x07", 5);
	vt_settle(vt, 600, -1);
	assert_int_equal(vt_wait_text(vt, "検索:", -1), 0);
	assert_int_equal(vt_bells(vt), 0);
	vt_ctrl(vt, 'q');
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);
	free(csv);
	e2e_db_free(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_megabyte_paste),
		cmocka_unit_test(test_unknown_keys_change_nothing),
		cmocka_unit_test(test_terminals),
		cmocka_unit_test(test_conf_missing_or_broken),
		cmocka_unit_test(test_broken_screen_not_needed),
		cmocka_unit_test(test_locale_c),
		cmocka_unit_test(test_stored_escapes_shown_escaped),
	};
	return cmocka_run_group_tests_name("e2e_hostile", tests, NULL, NULL);
}
