/*
 * Heads-down entry on survey1 through a real pseudo-terminal: three
 * records keyed as an operator keys them, what the screen shows on the
 * way (the body's name for its code, a clear error for a bad check digit),
 * what the database holds afterwards, and a record typed ahead as one
 * burst giving the same result as slow typing.  Prints the bytes the
 * terminal received per typed character and per saved record.
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

#define ROWS 24
#define COLS 80

/* A 20-character Japanese note: 40 columns. */
static const char note20[] = "姉妹都市の縁で来年度に研修員を受け入れる";

struct recorded {
	size_t bytes_typing;    /* bytes received while typing data characters */
	size_t chars_typed;
	size_t bytes_save;      /* bytes received for save + clear for the next record */
	size_t saves;
	size_t keystrokes;
};

static struct vt *
start(const char *db)
{
	const char *extra[] = { "--screen", "survey1", NULL };
	struct vt *vt = e2e_tui(db, ROWS, COLS, extra);
	assert_non_null(vt);
	assert_int_equal(vt_wait_text(vt, "様式1", -1), 0);
	assert_int_equal(vt_settle(vt, -1, -1), 0);
	return vt;
}

/* Type TEXT one key at a time, counting bytes received for it. */
static void
type_counted(struct vt *vt, const char *text, struct recorded *rc)
{
	vt_bytes_reset(vt);
	for (const char *p = text; *p;) {
		size_t n = 1;
		while (((unsigned char)p[n] & 0xC0) == 0x80)
			n++;
		assert_int_equal(vt_send(vt, p, n), 0);
		vt_settle_reply(vt, -1, -1);
		rc->chars_typed++;
		rc->keystrokes++;
		p += n;
	}
	rc->bytes_typing += vt_bytes_received(vt);
}

static void
key(struct vt *vt, const char *k, struct recorded *rc)
{
	assert_int_equal(vt_key(vt, k), 0);
	vt_settle_reply(vt, -1, -1);
	rc->keystrokes++;
}

static void
save_counted(struct vt *vt, struct recorded *rc)
{
	vt_bytes_reset(vt);
	assert_int_equal(vt_ctrl(vt, 's'), 0);
	assert_int_equal(vt_wait_text(vt, "保存しました", -1), 0);
	vt_settle(vt, -1, -1);
	rc->bytes_save += vt_bytes_received(vt);
	rc->saves++;
	rc->keystrokes++;
}

static char *
export_survey1(const char *db)
{
	const char *args[] = { "--encoding", "utf-8", "export", "survey1", NULL };
	char *out = NULL, *err = NULL;
	int rc = e2e_run(db, args, &out, &err);
	if (rc != 0)
		fprintf(stderr, "export: %s\n", err);
	assert_int_equal(rc, 0);
	free(err);
	return out;
}

static void
test_three_records(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	e2e_seed_bodies(db);
	struct vt *vt = start(db);
	struct recorded rc = { 0 };

	/* The cursor starts on the body code: the fiscal year has its default. */
	assert_int_equal(vt_wait_text(vt, "2025", -1), 0);

	/* 1: 011002 shows 札幌市; intent autoskips; Japanese department. */
	type_counted(vt, "011002", &rc);
	assert_int_equal(vt_wait_text(vt, "札幌市", -1), 0);
	type_counted(vt, "1", &rc);
	type_counted(vt, "国際交流課", &rc);
	key(vt, VT_KEY_TAB, &rc);
	type_counted(vt, "山田花子", &rc);
	key(vt, VT_KEY_TAB, &rc);
	type_counted(vt, "kokusai@city.sapporo.jp", &rc);
	key(vt, VT_KEY_TAB, &rc);
	type_counted(vt, "011-211-2032", &rc);
	save_counted(vt, &rc);

	/* 2: a bad check digit is refused with a message, then corrected. */
	vt_type(vt, "011001");
	assert_int_equal(vt_wait_text(vt, "団体コード:", -1), 0);
	char *status = vt_row(vt, ROWS - 2);
	assert_non_null(strstr(status, "団体コード"));
	free(status);
	vt_ctrl(vt, 'u');
	vt_settle(vt, -1, -1);
	type_counted(vt, "012025", &rc);
	assert_int_equal(vt_wait_text(vt, "函館市", -1), 0);
	type_counted(vt, "3", &rc);
	type_counted(vt, "企画部国際課", &rc);
	for (int i = 0; i < 5; i++)     /* contact, email, phone, received_on → note */
		key(vt, VT_KEY_TAB, &rc);
	type_counted(vt, note20, &rc);
	/* Enter on the last field saves. */
	vt_bytes_reset(vt);
	assert_int_equal(vt_key(vt, VT_KEY_ENTER), 0);
	assert_int_equal(vt_wait_text(vt, "012025", -1), 0);
	assert_int_equal(vt_wait_text(vt, "保存しました", -1), 0);
	vt_settle(vt, -1, -1);
	rc.bytes_save += vt_bytes_received(vt);
	rc.saves++;
	rc.keystrokes++;

	/* 3: a special ward, intent 4, department by ditto (Ctrl-D). */
	type_counted(vt, "131041", &rc);
	assert_int_equal(vt_wait_text(vt, "新宿区", -1), 0);
	type_counted(vt, "4", &rc);
	key(vt, "\004", &rc);
	save_counted(vt, &rc);

	/* Leave: nothing unsaved, so no question. */
	vt_ctrl(vt, 'q');
	int status_code = -1;
	assert_int_equal(vt_wait_exit(vt, -1, &status_code), 0);
	assert_int_equal(status_code, 0);
	vt_free(vt);

	char *today = e2e_today();
	char *expect = xasprintf(
	    "fy,body_code,intent,dept,contact,email,phone,received_on,note\r\n"
	    "2025,011002,1,国際交流課,山田花子,kokusai@city.sapporo.jp,011-211-2032,%s,\r\n"
	    "2025,012025,3,企画部国際課,,,,%s,%s\r\n"
	    "2025,131041,4,企画部国際課,,,,%s,\r\n", today, today, note20, today);
	char *got = export_survey1(db);
	assert_string_equal(got, expect);
	free(got);
	free(expect);
	free(today);

	printf("# survey1 entry: %zu characters typed, %zu bytes received: %.2f bytes per character\n",
	    rc.chars_typed, rc.bytes_typing, (double)rc.bytes_typing / (double)rc.chars_typed);
	printf("# survey1 entry: %zu saves, %zu bytes: %.1f bytes per saved-and-cleared record\n",
	    rc.saves, rc.bytes_save, (double)rc.bytes_save / (double)rc.saves);
	printf("# survey1 entry: %zu keystrokes for the three records (minimum 103)\n", rc.keystrokes);
	/* Exact counts, so they may be held to budgets: the characters (a third
	 * of them kanji, 3 bytes each, and the echo of each code) and the save. */
	assert_true(rc.bytes_typing <= 5 * rc.chars_typed);
	assert_true(rc.bytes_save <= 300 * rc.saves);
	/* Keystrokes: data characters + one per variable-length field left + one
	 * save: 55 + 39 + 9 (the third's department by Ctrl-D). */
	assert_int_equal(rc.keystrokes, 103);

	/* The operator statistics counted the same session exactly: the 103
	 * keys, the six of the refused 011001 and the Ctrl-U that erased it
	 * (a correction); three records. */
	const char *args[] = { "--encoding", "utf-8", "report", "operators", NULL };
	char *stats = NULL;
	assert_int_equal(e2e_run(db, args, &stats, NULL), 0);
	char *line = xasprintf(",survey1,3,110,36.7,1,0.9,0,0,0,,0,0,\r\n");
	if (strstr(stats, line) == NULL)
		fprintf(stderr, "%s", stats);
	assert_non_null(strstr(stats, line));
	free(line);
	free(stats);
	e2e_db_free(db);
}

/* The keys of one record, as a person types them. */
static const char *const record_keys[] = {
	"012025", "1", "国際課", "\t", "佐藤", "\t", "a@b.jp", "\t", "0138-21-3111", "\023", NULL
};

static void
test_type_ahead_equals_slow(void **state)
{
	(void)state;
	char *slow_db = e2e_db_new(), *burst_db = e2e_db_new();
	e2e_seed_bodies(slow_db);
	e2e_seed_bodies(burst_db);

	struct vt *vt = start(slow_db);
	for (size_t i = 0; record_keys[i]; i++)
		assert_int_equal(vt_type_slow(vt, record_keys[i], -1), 0);
	assert_int_equal(vt_wait_text(vt, "保存しました", -1), 0);
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);

	/* The whole record, twice over, as one write: nothing may be lost. */
	vt = start(burst_db);
	struct strbuf burst = SB_INIT;
	for (size_t i = 0; record_keys[i]; i++)
		sb_adds(&burst, record_keys[i]);
	assert_int_equal(vt_send(vt, burst.s, burst.len), 0);
	assert_int_equal(vt_wait_text(vt, "保存しました", -1), 0);
	vt_settle(vt, -1, -1);
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);
	sb_free(&burst);

	char *slow = export_survey1(slow_db), *fast = export_survey1(burst_db);
	assert_non_null(strstr(slow, "2025,012025,1,国際課,佐藤,a@b.jp,0138-21-3111,"));
	assert_string_equal(slow, fast);
	free(slow);
	free(fast);
	e2e_db_free(slow_db);
	e2e_db_free(burst_db);
}

/*
 * Keys typed while the program is still starting (over a slow link the
 * form takes a moment to appear) are kept: setting up the terminal must
 * not drop them.  Only data keys: until the program has the terminal in
 * raw mode its line discipline would take Ctrl-S as XOFF.
 */
static void
test_typed_before_the_form(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	e2e_seed_bodies(db);
	const char *extra[] = { "--screen", "survey1", NULL };
	struct vt *vt = e2e_tui(db, ROWS, COLS, extra);
	assert_non_null(vt);
	assert_int_equal(vt_type(vt, "0120251国際課"), 0);
	assert_int_equal(vt_wait_text(vt, "国際課", -1), 0);
	vt_settle(vt, -1, -1);
	assert_true(vt_has_text(vt, "[012025]"));
	vt_ctrl(vt, 's');
	assert_int_equal(vt_wait_text(vt, "保存しました", -1), 0);
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);
	char *out = export_survey1(db);
	assert_non_null(strstr(out, "2025,012025,1,国際課,"));
	free(out);
	e2e_db_free(db);
}

/* Quitting with unsaved input asks first; 'n' keeps the form. */
static void
test_quit_asks(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	e2e_seed_bodies(db);
	struct vt *vt = start(db);
	vt_type(vt, "0110");
	vt_settle(vt, -1, -1);
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_text(vt, "(y/n)", -1), 0);
	vt_type(vt, "n");
	assert_int_equal(vt_wait_gone(vt, "(y/n)", -1), 0);
	assert_false(vt_exited(vt, NULL));
	vt_type(vt, "02");
	assert_int_equal(vt_wait_text(vt, "札幌市", -1), 0);
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_text(vt, "(y/n)", -1), 0);
	vt_type(vt, "y");
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);
	char *got = export_survey1(db);
	assert_string_equal(got, "fy,body_code,intent,dept,contact,email,phone,received_on,note\r\n");
	free(got);
	e2e_db_free(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_three_records),
		cmocka_unit_test(test_type_ahead_equals_slow),
		cmocka_unit_test(test_typed_before_the_form),
		cmocka_unit_test(test_quit_asks),
	};
	return cmocka_run_group_tests_name("e2e_entry", tests, NULL, NULL);
}
