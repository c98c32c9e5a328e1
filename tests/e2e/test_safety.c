/*
 * Nothing lost, nothing silently overwritten, through the real terminal:
 * a hang-up mid-form and kill -9 after a field leave a draft that the next
 * start offers back; two operators on one record see who is editing, and
 * the later save meets the earlier one field by field.
 */
#include "e2e.h"
#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
test_hangup_keeps_the_form(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	e2e_seed_bodies(db);
	struct vt *vt = e2e_start(db, "survey1");
	assert_int_equal(vt_wait_text(vt, "様式1", -1), 0);
	vt_type_slow(vt, "011002", -1);
	vt_type_slow(vt, "1", -1);
	vt_type_slow(vt, "国際交流課\t", -1);
	vt_type_slow(vt, "山田", -1);          /* the field being typed when the link drops */
	vt_hangup(vt);
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);

	/* The next start, through the menu, goes back to the form and offers it. */
	vt = e2e_start(db, NULL);
	assert_int_equal(vt_wait_text(vt, "元に戻しますか", -1), 0);
	vt_type(vt, "y");
	assert_int_equal(vt_wait_text(vt, "[山田", -1), 0);
	assert_int_equal(vt_wait_text(vt, "[国際交流課", -1), 0);
	assert_int_equal(vt_wait_text(vt, "札幌市", -1), 0);
	/* The cursor is back in the field that was being typed (row 6: 担当者). */
	int row, col;
	vt_settle(vt, -1, -1);
	vt_cursor(vt, &row, &col);
	assert_int_equal(row, 6);
	vt_type_slow(vt, "花子", -1);
	vt_ctrl(vt, 's');
	assert_int_equal(vt_wait_text(vt, "保存しました", -1), 0);
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_text(vt, "業務デスク", -1), 0);
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);
	char *csv = e2e_export(db, "survey1");
	if (strstr(csv, "2025,011002,1,国際交流課,山田花子,") == NULL)
		fprintf(stderr, "%s\n", csv);
	assert_non_null(strstr(csv, "2025,011002,1,国際交流課,山田花子,"));
	free(csv);

	/* Saved: no draft is offered any more. */
	vt = e2e_start(db, "survey1");
	assert_int_equal(vt_wait_text(vt, "様式1", -1), 0);
	vt_settle(vt, 300, -1);
	assert_false(vt_has_text(vt, "元に戻しますか"));
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);
	e2e_db_free(db);
}

static void
test_kill_9_loses_at_most_the_field_being_typed(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	e2e_seed_bodies(db);
	struct vt *vt = e2e_start(db, "survey1");
	assert_int_equal(vt_wait_text(vt, "様式1", -1), 0);
	vt_type_slow(vt, "012025", -1);
	vt_type_slow(vt, "3", -1);
	vt_type_slow(vt, "企画課\t", -1);
	vt_type_slow(vt, "佐藤", -1);
	vt_kill(vt, SIGKILL);
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);
	vt = e2e_start(db, "survey1");
	assert_int_equal(vt_wait_text(vt, "元に戻しますか", -1), 0);
	vt_type(vt, "y");
	assert_int_equal(vt_wait_text(vt, "[企画課", -1), 0);
	assert_int_equal(vt_wait_text(vt, "函館市", -1), 0);
	/* 佐藤 was in the field being typed: it may be lost, nothing else. */
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_text(vt, "(y/n)", -1), 0);
	vt_type(vt, "y");               /* discard: the draft goes too */
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);
	vt = e2e_start(db, "survey1");
	assert_int_equal(vt_wait_text(vt, "様式1", -1), 0);
	vt_settle(vt, 300, -1);
	assert_false(vt_has_text(vt, "元に戻しますか"));
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);
	e2e_db_free(db);
}

/* Open the one body QUERY finds, for editing, from the body screen's look-up. */
static struct vt *
open_body_by(const char *db, const char *query)
{
	struct vt *vt = e2e_start(db, "body");
	assert_int_equal(vt_wait_text(vt, "団体", -1), 0);
	vt_settle(vt, -1, -1);
	vt_ctrl(vt, 'f');
	assert_int_equal(vt_wait_text(vt, "検索:", -1), 0);
	vt_type(vt, query);
	assert_int_equal(vt_wait_text(vt, "1/1", -1), 0);
	vt_key(vt, VT_KEY_ENTER);
	return vt;
}

static struct vt *
open_body(const char *db)
{
	return open_body_by(db, "011002");
}

static void
test_two_operators_one_record(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	e2e_seed_bodies(db);
	struct vt *a = open_body(db);
	assert_int_equal(vt_wait_text(a, "修正 011002", -1), 0);
	vt_settle(a, -1, -1);

	/* B sees that someone is editing it, and takes over. */
	struct vt *b = open_body(db);
	assert_int_equal(vt_wait_text(b, "編集中です", -1), 0);
	vt_type(b, "t");
	assert_int_equal(vt_wait_text(b, "修正 011002", -1), 0);
	vt_settle(b, -1, -1);
	/* B changes the department (field 7) and saves. */
	for (int i = 0; i < 6; i++)
		vt_key(b, VT_KEY_TAB);
	vt_ctrl(b, 'u');
	vt_type_slow(b, "国際部", -1);
	vt_ctrl(b, 's');
	assert_int_equal(vt_wait_text(b, "更新しました", -1), 0);

	/* A changes the contact (field 8) and the department too, then saves. */
	for (int i = 0; i < 6; i++)
		vt_key(a, VT_KEY_TAB);
	vt_ctrl(a, 'u');
	vt_type_slow(a, "交流課\t", -1);
	vt_type_slow(a, "鈴木", -1);
	vt_ctrl(a, 's');
	/* Not overwritten: both versions, field by field. */
	assert_int_equal(vt_wait_text(a, "競合", -1), 0);
	vt_settle(a, -1, -1);
	if (!vt_has_text(a, "国際部"))
		vt_dump(a, stderr);
	assert_int_equal(vt_wait_text(a, "国際部", -1), 0);
	assert_int_equal(vt_wait_text(a, "交流課", -1), 0);
	/* The department: take theirs (t); the contact only A changed. */
	vt_type(a, "t");
	vt_key(a, VT_KEY_ENTER);
	assert_int_equal(vt_wait_text(a, "更新しました", -1), 0);
	vt_ctrl(a, 'q');
	assert_int_equal(vt_wait_exit(a, -1, NULL), 0);
	vt_ctrl(b, 'q');
	assert_int_equal(vt_wait_exit(b, -1, NULL), 0);
	vt_free(a);
	vt_free(b);
	char *csv = e2e_export(db, "body");
	assert_non_null(strstr(csv, "011002,desig,01,札幌市,サッポロシ,Sapporo City,国際部,鈴木,"));
	free(csv);
	e2e_db_free(db);
}

/* Deleting: refused while another record names it, else after asking. */
static void
test_delete(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	e2e_seed_bodies(db);
	const char *imp[] = { "import", "survey1", "conf/demo/survey1.csv", NULL };
	assert_int_equal(e2e_run(db, imp, NULL, NULL), 0);
	struct vt *vt = open_body(db);                 /* 011002, which survey1 names */
	assert_int_equal(vt_wait_text(vt, "修正 011002", -1), 0);
	vt_ctrl(vt, 'x');
	assert_int_equal(vt_wait_text(vt, "削除できません", -1), 0);
	assert_int_equal(vt_wait_text(vt, "2025 / 011002", -1), 0);
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);
	/* 竹富町: nobody names it. */
	vt = open_body_by(db, "たけとみ");
	assert_int_equal(vt_wait_text(vt, "修正 473812", -1), 0);
	vt_ctrl(vt, 'x');
	assert_int_equal(vt_wait_text(vt, "削除しますか", -1), 0);
	vt_type(vt, "y");
	assert_int_equal(vt_wait_text(vt, "削除しました", -1), 0);
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);
	char *csv = e2e_export(db, "body");
	assert_null(strstr(csv, "473812"));
	assert_non_null(strstr(csv, "011002"));
	free(csv);
	/* And the audit trail holds the deletion, with what was deleted. */
	const char *aud[] = { "--encoding", "utf-8", "audit", "body", "473812", NULL };
	char *trail = NULL;
	assert_int_equal(e2e_run(db, aud, &trail, NULL), 0);
	assert_non_null(strstr(trail, ",body,473812,delete,name,竹富町,"));
	free(trail);
	e2e_db_free(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hangup_keeps_the_form),
		cmocka_unit_test(test_kill_9_loses_at_most_the_field_being_typed),
		cmocka_unit_test(test_two_operators_one_record),
		cmocka_unit_test(test_delete),
	};
	return cmocka_run_group_tests_name("e2e_safety", tests, NULL, NULL);
}
