/*
 * Both languages through the real terminal: one 様式1 record keyed by a
 * Japanese operator and one by an English-speaking one, each seeing the
 * screen, the echoes and the messages in their language, both stored the
 * same way; Ctrl-T switching in the middle of a record; and the language
 * chosen by --lang, else the settings, else the locale (LC_ALL, then
 * LC_MESSAGES, then LANG: "ja..." is Japanese, anything else English).
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

/* Texts of the two languages, as the catalogue and the screen files give them. */
struct texts {
	const char *title, *mode, *label_code, *label_intent, *label_received;
	const char *keyline_save, *wrong_choice, *intent_echo, *saved;
};

static const struct texts ja = {
	"様式1 利用意向", "新規入力", "団体コード", "利用意向", "受付日",
	"^S 保存", "のいずれかを入力してください", "独自選考で参加", "保存しました: ",
};
static const struct texts en = {
	"Form 1: intent to use", "new entry", "Body code", "Intent", "Received on",
	"^S save", "must be one of", "Participating with own selection", "saved: ",
};

static void
assert_screen_has(struct vt *vt, const char *text)
{
	assert_int_equal(vt_wait_text(vt, text, -1), 0);
}

static void
assert_screen_lacks(struct vt *vt, const char *text)
{
	if (vt_has_text(vt, text)) {
		fprintf(stderr, "should not be on the screen: %s\n", text);
		vt_dump(vt, stderr);
		fail();
	}
}

/*
 * Key one 様式1 record for body CODE (intent 3, department DEPT) on a TUI
 * started with ENV, checking each step's texts in T and none of OTHER's.
 * BODY_NAME is the echo the body's code must show.
 */
static void
key_record(const char *db, const char *const *env, const struct texts *t,
    const struct texts *other, const char *code, const char *body_name, const char *dept)
{
	const char *extra[] = { "--screen", "survey1", NULL };
	struct vt *vt = e2e_tui_env(db, ROWS, COLS, extra, env);
	assert_non_null(vt);
	assert_screen_has(vt, t->title);
	assert_screen_has(vt, t->mode);
	assert_screen_has(vt, t->label_code);
	assert_screen_has(vt, t->label_intent);
	assert_screen_has(vt, t->label_received);
	assert_screen_has(vt, t->keyline_save);
	assert_screen_lacks(vt, other->title);
	assert_screen_lacks(vt, other->label_received);
	vt_settle(vt, -1, -1);

	vt_type(vt, code);                      /* autoskips to the intent */
	assert_screen_has(vt, body_name);
	vt_type(vt, "9");                       /* no such choice: refused, in T's language */
	assert_screen_has(vt, t->wrong_choice);
	char *status = vt_row(vt, ROWS - 2);
	assert_non_null(strstr(status, t->label_intent));
	free(status);
	vt_ctrl(vt, 'u');
	vt_type(vt, "3");
	assert_screen_has(vt, t->intent_echo);
	vt_type(vt, dept);
	vt_ctrl(vt, 's');
	char *saved = xasprintf("%s2025 / %s %s", t->saved, code, body_name);
	assert_screen_has(vt, saved);
	free(saved);
	vt_ctrl(vt, 'q');
	int st = -1;
	assert_int_equal(vt_wait_exit(vt, -1, &st), 0);
	assert_int_equal(st, 0);
	vt_free(vt);
}

static void
test_one_record_in_each_language(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	e2e_seed_bodies(db);
	const char *const env_ja[] = { E2E_ENV_JA, NULL };
	const char *const env_en[] = { E2E_ENV_EN, NULL };
	key_record(db, env_ja, &ja, &en, "011002", "札幌市", "国際交流課");
	/* In English the body's English name (body.ini's label_en = name_en). */
	key_record(db, env_en, &en, &ja, "012025", "Hakodate City", "Planning Dept");

	/* Stored alike: codes, not labels, and the date as YYYY-MM-DD. */
	char *today = e2e_today();
	char *want = xasprintf("fy,body_code,intent,dept,contact,email,phone,received_on,note\r\n"
	    "2025,011002,3,国際交流課,,,,%s,\r\n"
	    "2025,012025,3,Planning Dept,,,,%s,\r\n", today, today);
	char *got = e2e_export(db, "survey1");
	assert_string_equal(got, want);
	free(got);
	free(want);
	free(today);
	e2e_db_free(db);
}

/* Ctrl-T mid-record: labels, the echoes and the key line follow; what was typed stays. */
static void
test_ctrl_t_switches(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	e2e_seed_bodies(db);
	struct vt *vt = e2e_start(db, "survey1");
	assert_screen_has(vt, ja.title);
	vt_settle(vt, -1, -1);
	vt_type(vt, "011002");
	assert_screen_has(vt, "札幌市");
	vt_type(vt, "1");
	assert_screen_has(vt, "参加検討");
	vt_ctrl(vt, 't');
	assert_screen_has(vt, en.title);
	assert_screen_has(vt, en.label_intent);
	assert_screen_has(vt, "Sapporo City");
	assert_screen_has(vt, "Considering participation");
	assert_screen_has(vt, en.keyline_save);
	assert_screen_lacks(vt, ja.label_received);
	assert_screen_has(vt, "011002");
	vt_ctrl(vt, 't');
	assert_screen_has(vt, ja.title);
	assert_screen_has(vt, "札幌市");
	assert_screen_has(vt, ja.keyline_save);
	assert_screen_lacks(vt, en.label_received);
	vt_ctrl(vt, 'q');
	assert_screen_has(vt, "(y/n)");
	vt_type(vt, "y");
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);
	e2e_db_free(db);
}

/* `check`'s last line in the language ENV (after E2E_ENV_JA) and ARGS choose. */
static void
check_says(const char *db, const char *const *env, const char *const *args, const char *want)
{
	char *out = NULL, *err = NULL;
	int rc = e2e_run_env(db, args, env, &out, &err);
	if (rc != 0 || strstr(out, want) == NULL) {
		fprintf(stderr, "wanted \"%s\"; exit %d, out: %s, err: %s\n", want, rc, out, err);
		fail();
	}
	free(out);
	free(err);
}

#define JA_OK "画面、問題なし"
#define EN_OK "screens, no problems"

static void
test_locale_choice(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	static const char *const check[] = { "check", NULL };
	static const char *const check_ja[] = { "--lang", "ja", "check", NULL };
	static const char *const check_en[] = { "--lang", "en", "check", NULL };
	/* The shipped settings say lang = auto: the locale decides. */
	static const char *const lang_ja[] = { "LANG=ja_JP.UTF-8", NULL };
	static const char *const lang_ja_euc[] = { "LANG=ja_JP.eucJP", NULL };
	static const char *const lang_c[] = { "LANG=C.UTF-8", NULL };
	static const char *const lang_en_us[] = { "LANG=en_US.UTF-8", NULL };
	static const char *const none[] = { "LANG", NULL };
	static const char *const all_c[] = { "LC_ALL=C.UTF-8", NULL };          /* over LANG=ja */
	static const char *const all_ja[] = { "LANG=C.UTF-8", "LC_ALL=ja_JP.UTF-8", NULL };
	static const char *const msg_ja[] = { "LANG=C.UTF-8", "LC_MESSAGES=ja_JP.UTF-8", NULL };
	static const char *const msg_c[] = { "LC_MESSAGES=C", NULL };           /* over LANG=ja */
	static const char *const empty_all[] = { "LC_ALL=", NULL };             /* empty: skipped */
	static const char *const java[] = { "LANG=javanese", NULL };            /* not "ja" */
	check_says(db, lang_ja, check, JA_OK);
	check_says(db, lang_ja_euc, check, JA_OK);
	check_says(db, lang_c, check, EN_OK);
	check_says(db, lang_en_us, check, EN_OK);
	check_says(db, none, check, EN_OK);
	check_says(db, all_c, check, EN_OK);
	check_says(db, all_ja, check, JA_OK);
	check_says(db, msg_ja, check, JA_OK);
	check_says(db, msg_c, check, EN_OK);
	check_says(db, empty_all, check, JA_OK);
	check_says(db, java, check, EN_OK);
	/* --lang wins over the locale. */
	check_says(db, lang_c, check_ja, JA_OK);
	check_says(db, lang_ja, check_en, EN_OK);

	/* Settings that say a language win over the locale; --lang over them. */
	char *cmd = xasprintf("cp -r conf '%s/' && sed -i 's/^lang = auto$/lang = en/' '%s/conf/lgotp.ini'"
	    " && grep -q '^lang = en$' '%s/conf/lgotp.ini'", db, db, db);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	char *conf = xasprintf("%s/conf/lgotp.ini", db);
	const char *conf_check[] = { "--conf", conf, "--screens", "screens", "check", NULL };
	const char *conf_check_ja[] = { "--conf", conf, "--screens", "screens", "--lang", "ja",
		"check", NULL };
	check_says(db, lang_ja, conf_check, EN_OK);
	check_says(db, lang_c, conf_check_ja, JA_OK);
	/* Also before the settings are loaded: the usage, a problem in them. */
	const char *conf_help[] = { "--conf", conf, "--help", NULL };
	char *out = NULL, *err = NULL;
	assert_int_equal(e2e_run_env(db, conf_help, lang_ja, &out, NULL), 0);
	assert_non_null(strstr(out, "usage: lgotp [OPTIONS]"));
	free(out);
	cmd = xasprintf("printf '[display]\\nlang = en\\n[survey]\\nyear = 25\\n' > '%s'", conf);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	assert_int_equal(e2e_run_env(db, conf_check, lang_ja, NULL, &err), 2);
	assert_non_null(strstr(err, "lgotp.ini:4: year: expected a whole number from 1989 to 2200"));
	free(err);
	free(conf);

	/* The TUI: the menu's title from conf/menu.ini in the locale's language. */
	const char *const env_en[] = { E2E_ENV_EN, NULL };
	struct vt *vt = e2e_tui_env(db, ROWS, COLS, NULL, env_en);
	assert_screen_has(vt, "LGOTP operators' desk");
	assert_screen_has(vt, "Dates and deadlines");
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);
	vt = e2e_tui(db, ROWS, COLS, NULL);
	assert_screen_has(vt, "業務デスク");
	assert_screen_has(vt, "予定と期限");
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);
	e2e_db_free(db);
}

/* Messages of the commands follow the same choice: an import's summary, the
 * usage, an option refused. */
static void
test_command_messages(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	const char *args[] = { "import", "body", "conf/demo/body.csv", NULL };
	char *err = NULL;
	assert_int_equal(e2e_run(db, args, NULL, &err), 0);
	assert_non_null(strstr(err, "件保存"));
	free(err);
	const char *again[] = { "--mode", "upsert", "import", "body", "conf/demo/body.csv", NULL };
	static const char *const lang_c[] = { "LANG=C.UTF-8", NULL };
	assert_int_equal(e2e_run_env(db, again, lang_c, NULL, &err), 0);
	assert_non_null(strstr(err, " stored, 0 rejected"));
	assert_null(strstr(err, "件"));
	free(err);

	/* Usage and option errors too, though the settings are not read yet. */
	const char *help[] = { "--help", NULL };
	char *out = NULL;
	assert_int_equal(e2e_run(db, help, &out, NULL), 0);
	assert_non_null(strstr(out, "使い方: lgotp [OPTIONS]                      メニュー\n"));
	assert_non_null(strstr(out, "\nオプション:\n"));
	free(out);
	assert_int_equal(e2e_run_env(db, help, lang_c, &out, NULL), 0);
	assert_non_null(strstr(out, "usage: lgotp [OPTIONS]                      the menu\n"));
	assert_null(strstr(out, "使い方"));
	free(out);
	const char *help_en[] = { "--lang", "en", "--help", NULL };
	assert_int_equal(e2e_run(db, help_en, &out, NULL), 0);
	assert_non_null(strstr(out, "usage: lgotp [OPTIONS]"));
	free(out);
	const char *misplaced[] = { "--where", "code=011002", "check", NULL };
	assert_int_equal(e2e_run(db, misplaced, NULL, &err), 2);
	assert_non_null(strstr(err, "lgotp: --where: export だけのオプションです\n使い方: "));
	free(err);
	assert_int_equal(e2e_run_env(db, misplaced, lang_c, NULL, &err), 2);
	assert_non_null(strstr(err, "lgotp: --where: export\nusage: "));
	free(err);
	e2e_db_free(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_record_in_each_language),
		cmocka_unit_test(test_ctrl_t_switches),
		cmocka_unit_test(test_locale_choice),
		cmocka_unit_test(test_command_messages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
