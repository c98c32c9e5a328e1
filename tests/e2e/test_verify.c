/*
 * Verification by double keying through the pseudo-terminal, with two
 * operators: the test's own user (root) keys 様式1 records and a second
 * Unix user (nobody) keys them again blind.  A deliberate mismatch is
 * stopped, keyed again, decided and attributed; the first keyer cannot
 * verify their own records; sampling leaves one record out; and the
 * database holds the correction, the states and the counts afterwards.
 *
 * Running a program as another user needs root: otherwise the test is
 * skipped with a message.  Everything the second user runs (the program,
 * conf/, screens/, the catalogue, the database) is copied into one
 * temporary directory it may read, and both users run there, since the
 * checkout's own directories may not be readable to the second.
 */
#include "e2e.h"
#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct fx {
	char *dir;                  /* everything, readable by the second user */
	char *db, *conf, *bin;
	const struct passwd *second;
	uid_t second_uid;
	gid_t second_gid;
	char *today;
};

static void
sh(const char *fmt, const char *a, const char *b)
{
	char *cmd = xasprintf(fmt, a, b);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static int
setup(void **state)
{
	struct fx *fx = xcalloc(1, sizeof *fx);
	struct passwd *pw = getpwnam("nobody");
	if (geteuid() != 0 || pw == NULL) {
		fprintf(stderr, "test_verify: skipped: a second operator needs root (to run as nobody)\n");
		*state = fx;
		return 0;
	}
	fx->second_uid = pw->pw_uid;
	fx->second_gid = pw->pw_gid;
	fx->second = pw;
	fx->dir = e2e_db_new();
	fx->db = xasprintf("%s/db", fx->dir);
	fx->conf = xasprintf("%s/conf/lgotp.ini", fx->dir);
	fx->bin = xasprintf("%s/lgotp", fx->dir);
	sh("mkdir -p '%s/db' '%s/build'", fx->dir, fx->dir);
	sh("cp -r conf screens '%s'/%s", fx->dir, "");
	sh("cp '%s' '%s'", vt_lgotp_bin(), fx->bin);
	/* The Japanese catalogue, found as in a checkout: BUILD/locale under the
	 * working directory (build/locale, or build/asan/locale for ASan). */
	sh("cd build && find . -type d -name locale -prune -exec cp -r --parents {} '%s/build/' \\;%s",
	    fx->dir, "");
	/* The first record of a keyer, then 1 in 2 while under 10% wrong. */
	char *settings = xasprintf("[database]\ndir = db\n[survey]\nyear = 2025\n[display]\nlang = ja\n"
	    "[paths]\nscreens = %s/screens\n[verify]\nnew_keyer = 1\nsample = 2\nmax_error_rate = 10\n",
	    fx->dir);
	e2e_write_text(fx->conf, settings);
	free(settings);
	char *roles = xasprintf("%s/conf/roles.ini", fx->dir);
	FILE *f = fopen(roles, "ab");
	assert_non_null(f);
	fprintf(f, "\n[user.%s]\nroles = keyer\n", pw->pw_name);
	fclose(f);
	free(roles);
	const char *seed[] = { "--conf", fx->conf, "import", "body", "conf/demo/body.csv", NULL };
	assert_int_equal(e2e_run(fx->db, seed, NULL, NULL), 0);
	sh("chmod -R a+rwX '%s'%s", fx->dir, "");
	fx->today = e2e_today();
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;
	if (fx->dir)
		e2e_db_free(fx->dir);
	free(fx->db);
	free(fx->conf);
	free(fx->bin);
	free(fx->today);
	free(fx);
	return 0;
}

/* The TUI as the test's user (SECOND false) or the second operator, at 80x24. */
static struct vt *
start(struct fx *fx, bool second, const char *screen)
{
	const char *argv[] = { fx->bin, "--db", fx->db, "--conf", fx->conf,
		screen ? "--screen" : NULL, screen, NULL };
	struct vt_opts o = { .rows = 24, .cols = 80, .argv = (char *const *)argv, .cwd = fx->dir,
		.as_user = second, .uid = fx->second_uid, .gid = fx->second_gid };
	struct vt *vt = vt_spawn_opts(&o);
	assert_non_null(vt);
	assert_int_equal(vt_wait_text(vt, screen ? "様式1" : "業務デスク", -1), 0);
	vt_settle(vt, -1, -1);
	return vt;
}

/* Press the menu's shortcut for the item reading TEXT (shortcuts depend on the role). */
static void
menu_pick(struct vt *vt, const char *text)
{
	int row, col;
	/* Items below the screen come into view as the selection moves down:
	 * to the last item, the menu having at most 61. */
	if (vt_find(vt, text, &row, &col) != 0) {
		for (int i = 0; i < 61; i++)
			vt_key(vt, VT_KEY_DOWN);
		vt_settle(vt, -1, -1);
	}
	assert_int_equal(vt_find(vt, text, &row, &col), 0);
	char *line = vt_row(vt, row);
	/* "  >  y  様式1 ..." or "     y  様式1 ...": the shortcut is the last
	 * single character before the text. */
	char *at = strstr(line, text);
	assert_non_null(at);
	char *p = at - 1;
	while (p > line && *p == ' ')
		p--;
	char key[2] = { *p, '\0' };
	free(line);
	vt_type(vt, key);
}

static void
leave(struct vt *vt)
{
	vt_ctrl(vt, 'q');
	vt_settle(vt, -1, -1);
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);
}

/* The first keyer keys one 様式1 record: body, intent, dept, contact; received today. */
static void
key_record(struct vt *vt, const char *code, const char *intent, const char *dept,
    const char *contact)
{
	vt_type_slow(vt, code, -1);
	vt_type_slow(vt, intent, -1);
	vt_type(vt, dept);
	vt_key(vt, VT_KEY_TAB);
	vt_type(vt, contact);
	vt_key(vt, VT_KEY_TAB);
	vt_ctrl(vt, 's');
	assert_int_equal(vt_wait_text(vt, "保存しました", -1), 0);
	vt_settle(vt, -1, -1);
}

/* Key a field in verify mode and leave it with Tab. */
static void
field(struct vt *vt, const char *text)
{
	vt_type(vt, text);
	vt_key(vt, VT_KEY_TAB);
	vt_settle(vt, -1, -1);
}

static char *
run_out(struct fx *fx, const char *const *args)
{
	const char *full[16] = { "--conf", fx->conf };
	size_t n = 2;
	for (size_t i = 0; args[i] && n < 15; i++)
		full[n++] = args[i];
	full[n] = NULL;
	char *out = NULL;
	assert_int_equal(e2e_run(fx->db, full, &out, NULL), 0);
	return out;
}

/* Does CSV hold a line starting with PREFIX? */
static bool
has_line(const char *csv, const char *prefix)
{
	size_t n = strlen(prefix);
	for (const char *p = csv; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, prefix, n) == 0)
			return true;
		if (p == csv && strncmp(p, "\xEF\xBB\xBF", 3) == 0 && strncmp(p + 3, prefix, n) == 0)
			return true;
	}
	return false;
}

static void
test_double_keying(void **state)
{
	struct fx *fx = *state;
	if (fx->dir == NULL)
		skip();

	/* The first keyer keys 札幌市's answer. */
	struct vt *vt = start(fx, false, "survey1");
	key_record(vt, "011002", "1", "国際課", "山田");
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);

	/* They cannot verify it themselves. */
	vt = start(fx, false, NULL);
	menu_pick(vt, "様式1 利用意向 — 照合入力");
	assert_int_equal(vt_wait_text(vt, "照合待ちはあなたが入力した 1件だけです", -1), 0);
	assert_false(vt_has_text(vt, "照合 1/"));
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);

	/* The second operator keys it again, blind, and it agrees. */
	vt = start(fx, true, NULL);
	menu_pick(vt, "様式1 利用意向 — 照合入力");
	assert_int_equal(vt_wait_text(vt, "照合 1/1", -1), 0);
	vt_settle(vt, -1, -1);
	assert_true(vt_has_text(vt, "[011002] 札幌市"));   /* the key names the paper */
	assert_false(vt_has_text(vt, "国際課"));             /* the rest is not shown */
	assert_false(vt_has_text(vt, "山田"));
	vt_type_slow(vt, "1", -1);
	field(vt, "国際課");
	field(vt, "山田");
	vt_key(vt, VT_KEY_TAB);     /* email, phone: empty, as keyed */
	vt_key(vt, VT_KEY_TAB);
	field(vt, fx->today);
	vt_ctrl(vt, 's');
	assert_int_equal(vt_wait_text(vt, "照合が終わりました: 1件", -1), 0);
	leave(vt);

	/* Checked and accurate: from now on 1 in 2 of the first keyer's records. */
	vt = start(fx, false, "survey1");
	key_record(vt, "012025", "2", "企画課", "佐藤");      /* verified */
	key_record(vt, "130001", "3", "総務課", "鈴木");      /* not sampled */
	key_record(vt, "131041", "1", "国際課", "田中");      /* verified */
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);

	/* The second operator: a deliberate mismatch in the first, a slip of their own in the second. */
	vt = start(fx, true, NULL);
	menu_pick(vt, "様式1 利用意向 — 照合入力");
	assert_int_equal(vt_wait_text(vt, "照合 1/2", -1), 0);
	vt_settle(vt, -1, -1);
	assert_true(vt_has_text(vt, "[012025] 函館市"));
	vt_type_slow(vt, "2", -1);
	field(vt, "企画部");
	assert_int_equal(vt_wait_text(vt, "担当部署: 最初の入力と違います", -1), 0);
	vt_settle(vt, -1, -1);
	assert_false(vt_has_text(vt, "企画課"));            /* still not shown */
	field(vt, "企画部");
	assert_int_equal(vt_wait_text(vt, "どれが正しいですか? 1 最初の入力 企画課 / 2 今回の入力 企画部", -1), 0);
	vt_type(vt, "2");           /* the verifier's value is right */
	vt_settle(vt, -1, -1);
	field(vt, "佐藤");
	vt_key(vt, VT_KEY_TAB);
	vt_key(vt, VT_KEY_TAB);
	field(vt, fx->today);
	vt_ctrl(vt, 's');
	assert_int_equal(vt_wait_text(vt, "照合し訂正しました: 2025 / 012025", -1), 0);
	assert_int_equal(vt_wait_text(vt, "照合 2/2", -1), 0);
	vt_settle(vt, -1, -1);
	assert_true(vt_has_text(vt, "[131041] 新宿区"));
	vt_type_slow(vt, "2", -1);  /* keyed as 1 */
	assert_int_equal(vt_wait_text(vt, "利用意向: 最初の入力と違います", -1), 0);
	vt_type_slow(vt, "1", -1);  /* again, as first keyed: the verifier's slip, no question */
	field(vt, "国際課");
	field(vt, "田中");
	vt_key(vt, VT_KEY_TAB);
	vt_key(vt, VT_KEY_TAB);
	field(vt, fx->today);
	vt_ctrl(vt, 's');
	assert_int_equal(vt_wait_text(vt, "照合が終わりました: 2件", -1), 0);
	leave(vt);

	/* The database: the correction stored, by the verifier, and nothing else changed. */
	const char *exp[] = { "--encoding", "utf-8", "export", "survey1", NULL };
	char *csv = run_out(fx, exp);
	assert_true(has_line(csv, "2025,012025,2,企画部,佐藤,"));
	assert_true(has_line(csv, "2025,131041,1,国際課,田中,"));
	assert_true(has_line(csv, "2025,130001,3,総務課,鈴木,"));
	free(csv);
	const char *ver[] = { "--encoding", "utf-8", "--verified", "export", "survey1", NULL };
	csv = run_out(fx, ver);
	assert_true(has_line(csv, "2025,011002,"));
	assert_true(has_line(csv, "2025,012025,"));
	assert_true(has_line(csv, "2025,131041,"));
	assert_false(has_line(csv, "2025,130001,"));
	free(csv);
	const char *aud[] = { "audit", "survey1", NULL };
	csv = run_out(fx, aud);
	char *line = xasprintf(",%s,survey1,", fx->second->pw_name);
	assert_non_null(strstr(csv, line));
	assert_non_null(strstr(csv, ",update,dept,企画課,企画部"));
	free(line);
	free(csv);

	/* States and counts: per keyer, and per field for both operators. */
	const char *rep[] = { "--encoding", "utf-8", "report", "verification", NULL };
	csv = run_out(fx, rep);
	assert_true(has_line(csv, "survey1,root,4,0,2,1,1,21,1,4.8,"));
	free(csv);
	const char *fields[] = { "--encoding", "utf-8", "report", "operator-fields", NULL };
	csv = run_out(fx, fields);
	char *today_root = xasprintf("%s,root,survey1,dept,担当部署,3,1,33.3,0,0,", fx->today);
	char *today_v = xasprintf("%s,%s,survey1,intent,利用意向,0,0,,3,1,33.3", fx->today,
	    fx->second->pw_name);
	assert_true(has_line(csv, today_root));
	assert_true(has_line(csv, today_v));
	free(today_root);
	free(today_v);
	free(csv);

	/* The browse list marks each record's state in its margin: = verified,
	 * ! corrected, * keyed and not (yet) verified. */
	vt = start(fx, false, NULL);
	menu_pick(vt, "様式1 利用意向 — 一覧・修正");
	assert_int_equal(vt_wait_text(vt, "012025", -1), 0);
	vt_settle(vt, -1, -1);
	static const struct { const char *code; char mark; } marks[] = {
		{ "011002", '=' }, { "012025", '!' }, { "130001", '*' }, { "131041", '=' },
	};
	for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
		int row, col;
		assert_int_equal(vt_find(vt, marks[i].code, &row, &col), 0);
		char *r = vt_row(vt, row);
		if (r[0] != marks[i].mark)
			fail_msg("%s: margin '%c', expected '%c': %s", marks[i].code, r[0], marks[i].mark, r);
		free(r);
	}
	leave(vt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_double_keying, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
