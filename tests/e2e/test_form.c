/*
 * The form's handling of Japanese text through a real terminal, one test
 * per libformw defect that TECH-NOTES reproduced, plus resizing.  What the
 * screen shows and what the database stores must be the same.
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

struct fx {
	char *db;
	struct vt *vt;
};

static int
setup(void **state)
{
	struct fx *fx = xcalloc(1, sizeof *fx);
	fx->db = e2e_db_new();
	e2e_seed_bodies(fx->db);
	const char *extra[] = { "--screen", "survey1", NULL };
	fx->vt = e2e_tui(fx->db, 24, 80, extra);
	assert_non_null(fx->vt);
	assert_int_equal(vt_wait_text(fx->vt, "様式1", -1), 0);
	vt_settle(fx->vt, -1, -1);
	/* Up to the department: a 40-column text field. */
	vt_type_slow(fx->vt, "011002", -1);
	vt_type_slow(fx->vt, "1", -1);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;
	vt_free(fx->vt);
	e2e_db_free(fx->db);
	free(fx);
	return 0;
}

/* Save, leave, and return the department stored for 011002. */
static char *
saved_dept(struct fx *fx)
{
	vt_ctrl(fx->vt, 's');
	assert_int_equal(vt_wait_text(fx->vt, "保存しました", -1), 0);
	vt_ctrl(fx->vt, 'q');
	assert_int_equal(vt_wait_exit(fx->vt, -1, NULL), 0);
	const char *args[] = { "--encoding", "utf-8", "export", "survey1", NULL };
	char *out = NULL;
	assert_int_equal(e2e_run(fx->db, args, &out, NULL), 0);
	char *row = strstr(out, "2025,011002,1,");
	assert_non_null(row);
	row += strlen("2025,011002,1,");
	char *end = strchr(row, ',');
	char *dept = xstrndup(row, (size_t)(end - row));
	free(out);
	return dept;
}

/* The row holding the department field, as shown. */
static char *
dept_row(struct fx *fx)
{
	int row, col;
	assert_int_equal(vt_find(fx->vt, "担当部署", &row, &col), 0);
	return vt_row(fx->vt, row);
}

/* A wide character typed into the last free column is refused, not overflowed. */
static void
test_wide_char_in_last_column(void **state)
{
	struct fx *fx = *state;
	const char *filler = "abcdefghijklmnopqrstuvwxyzabcdefghijklm";   /* 39 columns */
	assert_int_equal((int)strlen(filler), 39);
	vt_type(fx->vt, filler);
	vt_settle(fx->vt, -1, -1);
	vt_type(fx->vt, "日");
	assert_int_equal(vt_wait_text(fx->vt, "これ以上入りません", -1), 0);
	char *row = dept_row(fx);
	assert_non_null(strstr(row, "[abcdefghijklmnopqrstuvwxyzabcdefghijklm ]"));
	free(row);
	char *dept = saved_dept(fx);
	assert_string_equal(dept, filler);
	free(dept);
}

/* Typed, erased, retyped with wide text: no stale cells are stored. */
static void
test_no_stale_cells(void **state)
{
	struct fx *fx = *state;
	vt_type_slow(fx->vt, "abcdefghij", -1);
	for (int i = 0; i < 10; i++)
		vt_key(fx->vt, VT_KEY_BACKSPACE);
	vt_settle(fx->vt, -1, -1);
	vt_type_slow(fx->vt, "日本", -1);
	char *row = dept_row(fx);
	assert_non_null(strstr(row, "[日本 "));
	assert_null(strstr(row, "j"));
	free(row);
	char *dept = saved_dept(fx);
	assert_string_equal(dept, "日本");
	free(dept);
}

/* Control characters and a bare Esc never reach the field. */
static void
test_control_characters_dropped(void **state)
{
	struct fx *fx = *state;
	vt_type(fx->vt, "国");
	vt_send(fx->vt, "\x1c\x1d\x1e\x1f\x07", 5);
	vt_key(fx->vt, VT_KEY_ESC);
	vt_settle(fx->vt, 600, -1);        /* past ESCDELAY: the Esc arrives alone */
	vt_type(fx->vt, "際");
	vt_settle(fx->vt, -1, -1);
	char *dept = saved_dept(fx);
	assert_string_equal(dept, "国際");
	free(dept);
}

/* Editing in the middle of wide text: the Insert key does not switch to
 * overwrite (overwriting half a wide character stores something else). */
static void
test_insert_in_middle_of_wide_text(void **state)
{
	struct fx *fx = *state;
	vt_type_slow(fx->vt, "国交流課", -1);
	for (int i = 0; i < 3; i++)
		vt_key(fx->vt, VT_KEY_LEFT);
	vt_key(fx->vt, VT_KEY_INSERT);
	vt_settle(fx->vt, -1, -1);
	vt_type_slow(fx->vt, "際", -1);
	vt_key(fx->vt, VT_KEY_END);
	vt_settle(fx->vt, -1, -1);
	char *row = dept_row(fx);
	assert_non_null(strstr(row, "[国際交流課 "));
	free(row);
	char *dept = saved_dept(fx);
	assert_string_equal(dept, "国際交流課");
	free(dept);
}

/* Full-width digits typed into a code field are stored as ASCII. */
static void
test_full_width_digits_in_code(void **state)
{
	struct fx *fx = *state;
	/* Back to the body code and retype it in full width. */
	vt_key(fx->vt, VT_KEY_BTAB);
	vt_key(fx->vt, VT_KEY_BTAB);
	vt_ctrl(fx->vt, 'u');
	vt_type_slow(fx->vt, "０１２０２５", -1);
	assert_int_equal(vt_wait_text(fx->vt, "函館市", -1), 0);
	vt_ctrl(fx->vt, 's');
	assert_int_equal(vt_wait_text(fx->vt, "保存しました", -1), 0);
	vt_ctrl(fx->vt, 'q');
	assert_int_equal(vt_wait_exit(fx->vt, -1, NULL), 0);
	const char *args[] = { "--encoding", "utf-8", "export", "survey1", NULL };
	char *out = NULL;
	assert_int_equal(e2e_run(fx->db, args, &out, NULL), 0);
	assert_non_null(strstr(out, "\r\n2025,012025,1,"));
	free(out);
}

/* Wait until ROW shows TEXT: after a resize the old rows stay on the
 * terminal until the program has drawn the new size. */
static void
wait_row(struct vt *vt, int row, const char *text)
{
	for (int i = 0; i < 100; i++) {
		char *r = vt_row(vt, row);
		bool found = r && strstr(r, text);
		free(r);
		if (found)
			return;
		vt_settle(vt, 100, 1000);
	}
	vt_dump(vt, stderr);
	fail();
}

/* Too small: a message instead of a broken screen; back to size: the
 * form again with what was typed. */
static void
test_resize(void **state)
{
	struct fx *fx = *state;
	vt_type_slow(fx->vt, "国際課", -1);
	vt_resize(fx->vt, 8, 20);
	assert_int_equal(vt_wait_text(fx->vt, "小さすぎ", -1), 0);
	vt_resize(fx->vt, 24, 80);
	wait_row(fx->vt, 23, "^S");
	assert_int_equal(vt_wait_text(fx->vt, "[国際課", -1), 0);
	assert_int_equal(vt_wait_text(fx->vt, "札幌市", -1), 0);
	vt_resize(fx->vt, 30, 100);
	wait_row(fx->vt, 29, "^S");
	assert_int_equal(vt_wait_text(fx->vt, "[国際課", -1), 0);
	char *dept = saved_dept(fx);
	assert_string_equal(dept, "国際課");
	free(dept);
}

int
main(void)
{
#define T_(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T_(test_wide_char_in_last_column), T_(test_no_stale_cells),
		T_(test_control_characters_dropped), T_(test_insert_in_middle_of_wide_text),
		T_(test_full_width_digits_in_code), T_(test_resize),
	};
	return cmocka_run_group_tests_name("e2e_form", tests, NULL, NULL);
}
