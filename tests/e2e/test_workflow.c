/*
 * The workflow through the real terminal: a 様式3 for a body whose 様式1
 * says it will not take part is warned about (and saved only when the
 * operator says so); the status board shows the seeded year's counts; a
 * trainee is moved through every status and the log records each.
 * Prints keystrokes per 様式3 and per trainee record.
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

static void
import(const char *db, const char *screen, const char *file)
{
	const char *args[] = { "import", screen, file, NULL };
	char *err = NULL;
	int rc = e2e_run(db, args, NULL, &err);
	if (rc != 0)
		fprintf(stderr, "%s", err);
	assert_int_equal(rc, 0);
	free(err);
}

/* Send KEYS one at a time and count them. */
static int keystrokes;

static void
keys(struct vt *vt, const char *k)
{
	for (const char *p = k; *p;) {
		size_t n = 1;
		while (((unsigned char)p[n] & 0xC0) == 0x80)
			n++;
		assert_int_equal(vt_send(vt, p, n), 0);
		vt_settle_reply(vt, -1, -1);
		keystrokes++;
		p += n;
	}
}

static void
test_survey3_warns_after_intent_4(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	e2e_seed_bodies(db);
	/* 様式1 with intent 4 (not taking part) for 新宿区. */
	struct vt *vt = e2e_start(db, "survey1");
	assert_int_equal(vt_wait_text(vt, "様式1", -1), 0);
	vt_type_slow(vt, "131041", -1);
	vt_type_slow(vt, "4", -1);
	vt_ctrl(vt, 's');
	assert_int_equal(vt_wait_text(vt, "保存しました", -1), 0);
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);

	/* Then 様式3 for the same body: a warning and a question. */
	vt = e2e_start(db, "survey3");
	assert_int_equal(vt_wait_text(vt, "様式3", -1), 0);
	vt_settle(vt, -1, -1);
	keystrokes = 0;
	keys(vt, "131041");              /* autoskip */
	keys(vt, "CN");                  /* first choice, autoskip */
	keys(vt, "VN");                  /* second choice, autoskip */
	keys(vt, "\t");                  /* no third */
	keys(vt, "\t");                  /* no region */
	keys(vt, "admin\t");
	keys(vt, "2025-07-01");          /* autoskip */
	keys(vt, "9\t");
	keys(vt, "ja\t");
	keys(vt, "1\t");
	keys(vt, "国際課");
	keys(vt, "\023");                /* Ctrl-S */
	assert_int_equal(vt_wait_text(vt, "(y/n)", -1), 0);
	assert_int_equal(vt_wait_text(vt, "様式3は様式1で", -1), 0);
	int per_record = keystrokes;
	/* No: nothing saved, the form keeps what was typed. */
	vt_type(vt, "n");
	assert_int_equal(vt_wait_text(vt, "保存しませんでした", -1), 0);
	char *csv = e2e_export(db, "survey3");
	assert_null(strstr(csv, "131041"));
	free(csv);
	/* Yes: saved. */
	vt_ctrl(vt, 's');
	assert_int_equal(vt_wait_text(vt, "(y/n)", -1), 0);
	vt_type(vt, "y");
	assert_int_equal(vt_wait_text(vt, "保存しました", -1), 0);
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);
	csv = e2e_export(db, "survey3");
	assert_non_null(strstr(csv, "2025,131041,CN,VN,,,admin,2025-07-01,9,ja,1,国際課,"));
	free(csv);
	/* Data characters: 6 + 2 + 2 + 5 + 10 + 1 + 2 + 1 + 3 = 32; fields left by Tab: 6; save: 1. */
	printf("# 様式3: %d keystrokes for a record of 32 characters (minimum 32 + 6 + 1 = 39)\n",
	    per_record);
	assert_int_equal(per_record, 39);
	e2e_db_free(db);
}

static void
test_status_board_counts(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	e2e_seed_bodies(db);
	import(db, "survey1", "conf/demo/survey1.csv");
	struct vt *vt = e2e_start(db, NULL);
	assert_int_equal(vt_wait_text(vt, "業務デスク", -1), 0);
	vt_settle(vt, -1, -1);
	vt_type(vt, "7");
	assert_int_equal(vt_wait_text(vt, "提出状況", -1), 0);
	/* 18 demo bodies; three answered 様式1 on time in autumn 2024. */
	assert_int_equal(vt_wait_text(vt, "様式1 利用意向: 受付 3 遅延 15", -1), 0);
	assert_int_equal(vt_wait_text(vt, "様式2 受入計画: 遅延 18", -1), 0);
	/* Typing filters: only Sapporo's row. */
	vt_type(vt, "札幌");
	assert_int_equal(vt_wait_text(vt, "1/1 行", -1), 0);
	assert_int_equal(vt_wait_text(vt, "2024-10-01", -1), 0);
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_text(vt, "業務デスク", -1), 0);
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);
	e2e_db_free(db);
}

static void
test_trainee_through_every_status(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	e2e_seed_bodies(db);
	struct vt *vt = e2e_start(db, "trainee");
	assert_int_equal(vt_wait_text(vt, "研修員", -1), 0);
	vt_settle(vt, -1, -1);
	keystrokes = 0;
	keys(vt, "2025-900");            /* id, autoskip */
	keys(vt, "\t");                  /* the fiscal year's default */
	keys(vt, "KIM Minji\t");
	keys(vt, "キム ミンジ\t");
	keys(vt, "f");                   /* sex, autoskip */
	keys(vt, "1995-04-02");          /* date of birth, autoskip */
	keys(vt, "KR");                  /* country, autoskip */
	keys(vt, "Gwangju City\t");
	keys(vt, "Officer\t");
	keys(vt, "2");                   /* Japanese, autoskip */
	keys(vt, "1");                   /* English, autoskip */
	keys(vt, "admin\t");
	keys(vt, "own\t");
	keys(vt, "\023");
	assert_int_equal(vt_wait_text(vt, "保存しました", -1), 0);
	printf("# trainee: %d keystrokes for a new trainee's first record\n", keystrokes);

	/* Open it (Ctrl-F on the id lists this screen's records) and move it on. */
	vt_ctrl(vt, 'f');
	assert_int_equal(vt_wait_text(vt, "2025-900", -1), 0);
	vt_key(vt, VT_KEY_ENTER);
	assert_int_equal(vt_wait_text(vt, "修正 2025-900", -1), 0);
	vt_settle(vt, -1, -1);
	for (int i = 0; i < 15; i++)     /* to the status field */
		vt_key(vt, VT_KEY_TAB);
	vt_settle(vt, -1, -1);
	static const char *const path[] = { "screened", "recommended", "matched", "confirmed",
		"arrived", "jiam", "training", "completed" };
	char *today = e2e_today();
	for (size_t i = 0; i < 8; i++) {
		vt_ctrl(vt, 'u');
		vt_type(vt, path[i]);
		vt_ctrl(vt, 's');
		/* The log's latest entry shows (its head is cut when long): the save
		 * of this step, not a message left from the one before. */
		char *entry = xasprintf("%s %s", path[i], today);
		assert_int_equal(vt_wait_text(vt, entry, -1), 0);
		free(entry);
		assert_int_equal(vt_wait_text(vt, "更新しました", -1), 0);
	}
	/* Going back is refused with a message. */
	vt_ctrl(vt, 'u');
	vt_type(vt, "arrived");
	vt_ctrl(vt, 's');
	assert_int_equal(vt_wait_text(vt, "戻せません", -1), 0);
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_text(vt, "(y/n)", -1), 0);
	vt_type(vt, "y");
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);
	char *csv = e2e_export(db, "trainee");
	char *expect = xasprintf("completed,applied %s; screened %s; recommended %s; matched %s; "
	    "confirmed %s; arrived %s; jiam %s; training %s; completed %s,", today, today, today, today,
	    today, today, today, today, today);
	if (strstr(csv, expect) == NULL)
		fprintf(stderr, "export:\n%s\nexpected:\n%s\n", csv, expect);
	assert_non_null(strstr(csv, expect));
	free(expect);
	free(today);
	free(csv);
	e2e_db_free(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_survey3_warns_after_intent_4),
		cmocka_unit_test(test_status_board_counts),
		cmocka_unit_test(test_trainee_through_every_status),
	};
	return cmocka_run_group_tests_name("e2e_workflow", tests, NULL, NULL);
}
