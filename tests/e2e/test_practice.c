/*
 * Practice mode through the real terminal: `lgotp --practice` on a
 * database seeded with the demo bodies and 様式1 answers.  One sample is
 * keyed right and one with a deliberate mistake; leaving shows the score
 * (exact counts) on screen and on stdout; the live database is the same
 * byte for byte and record for record afterwards, and the copy is gone,
 * also after SIGTERM and a dropped link.  The samples running out ends
 * the round by itself (in English, on the bodies' screen at 80x24).
 * Prints the bytes a save costs with the next sample's panel.
 */
#include "e2e.h"
#include "text.h"
#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

struct fixture {
	char *db;               /* the live database */
	char *tmp;              /* $TMPDIR of the program: where its copy goes */
	char *tmp_env;          /* "TMPDIR=..." */
	struct vt *vt;
};

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

static int
setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof *fx);
	fx->db = e2e_db_new();
	fx->tmp = e2e_db_new();
	fx->tmp_env = xasprintf("TMPDIR=%s", fx->tmp);
	e2e_seed_bodies(fx->db);
	import(fx->db, "survey1", "conf/demo/survey1.csv");
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	vt_free(fx->vt);
	e2e_db_free(fx->db);
	e2e_db_free(fx->tmp);
	free(fx->tmp_env);
	free(fx);
	return 0;
}

/* lgotp --db DB --practice EXTRA... at ROWS x COLS, its copy under fx->tmp. */
static struct vt *
start(struct fixture *fx, int rows, int cols, const char *const *extra)
{
	const char *argv[16];
	int n = 0;
	argv[n++] = vt_lgotp_bin();
	argv[n++] = "--db";
	argv[n++] = fx->db;
	argv[n++] = "--practice";
	for (size_t i = 0; extra && extra[i] && n < 15; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	char *env[] = { fx->tmp_env, E2E_ENV_JA, NULL };
	struct vt_opts o = { .rows = rows, .cols = cols, .argv = (char *const *)argv,
		.envp_extra = env, .capture_stderr = true, .keep_transcript = true };
	struct vt *vt = vt_spawn_opts(&o);
	assert_non_null(vt);
	return vt;
}

/* Entries of DIR named lgotp-practice-* (and, in *others, any other). */
static int
copies_in(const char *dir, int *others)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0, o = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (strncmp(de->d_name, "lgotp-practice-", 15) == 0)
			n++;
		else
			o++;
	}
	closedir(d);
	if (others)
		*others = o;
	return n;
}

static char *
slurp(const char *path, size_t *len)
{
	char *s;
	assert_int_equal(read_whole_file(path, &s, len), 0);
	return s;
}

/* What the live database holds: its data file's bytes and its records. */
struct snapshot {
	char *data;
	size_t len;
	char *body, *survey1;
};

static void
snap(const char *db, struct snapshot *s)
{
	char *path = xasprintf("%s/data.mdb", db);
	s->data = slurp(path, &s->len);
	free(path);
	s->body = e2e_export(db, "body");
	s->survey1 = e2e_export(db, "survey1");
}

static void
assert_same(const struct snapshot *a, const struct snapshot *b)
{
	assert_string_equal(a->body, b->body);
	assert_string_equal(a->survey1, b->survey1);
	assert_int_equal(a->len, b->len);
	assert_memory_equal(a->data, b->data, a->len);
}

static void
snap_free(struct snapshot *s)
{
	free(s->data);
	free(s->body);
	free(s->survey1);
}

/* Send TEXT (keys) and wait for the program's answer; returns the keys sent. */
static int
keys(struct vt *vt, const char *text)
{
	int n = 0;
	for (const char *p = text; *p; n++) {
		size_t len = 1;
		while (((unsigned char)p[len] & 0xC0) == 0x80)
			len++;
		p += len;
	}
	assert_int_equal(vt_type(vt, text), 0);
	vt_settle_reply(vt, -1, -1);
	return n;
}

/* A line of the score as it is laid out: the label in 22 columns, the value. */
static char *
score_line(const char *label, const char *value)
{
	char *padded = text_pad(label, 22);
	char *line = xasprintf("%s %s", padded, value);
	free(padded);
	return line;
}

static void
expect_score_line(struct vt *vt, const char *transcript, const char *label, const char *value)
{
	char *line = score_line(label, value);
	if (vt)
		assert_int_equal(vt_wait_text(vt, line, -1), 0);
	if (transcript && strstr(transcript, line) == NULL)
		fprintf(stderr, "stdout lacks: %s\n", line);
	if (transcript)
		assert_non_null(strstr(transcript, line));
	free(line);
}

static void
test_two_samples_scored_live_untouched(void **state)
{
	struct fixture *fx = *state;
	struct snapshot before, after;
	snap(fx->db, &before);

	struct vt *vt = fx->vt = start(fx, 24, 80, NULL);
	assert_int_equal(vt_wait_text(vt, "【練習】 自治体職員協力交流事業 業務デスク", -1), 0);
	assert_int_equal(copies_in(fx->tmp, NULL), 1);
	vt_settle(vt, -1, -1);
	vt_type(vt, "1");                   /* 様式1 — 新規入力 */
	assert_int_equal(vt_wait_text(vt, "【練習】 様式1 利用意向 — 新規入力", -1), 0);
	assert_int_equal(vt_wait_text(vt, "見本 1/5: この用紙のとおり入力してください", -1), 0);
	/* The panel: the paper form under the fields, the body's name beside its code. */
	assert_int_equal(vt_wait_text(vt, "団体コード  012025 函館市", -1), 0);
	assert_int_equal(vt_wait_text(vt, "担当者      北村 美咲", -1), 0);
	vt_settle(vt, -1, -1);
	int row = -1, col = -1;
	assert_int_equal(vt_find(vt, "備考", &row, &col), 0);      /* the form's own label */
	assert_int_equal(vt_find(vt, "見本 1/5", &row, &col), 0);
	assert_true(row > 10 && row < 22);
	vt_settle(vt, -1, -1);

	/* Sample 1, right: the year is carried, the date typed as the era. */
	int n = 0;
	n += keys(vt, "012025");            /* autoskip */
	n += keys(vt, "1");                 /* autoskip */
	n += keys(vt, "企画部国際課\t");
	n += keys(vt, "北村 美咲\t");
	n += keys(vt, "kokusai@city-hakodate.example.jp\t");
	n += keys(vt, "0138-21-0101\t");
	n += keys(vt, "\025R6.9.30\t");    /* Ctrl-U: over the default */
	vt_settle(vt, -1, -1);
	vt_bytes_reset(vt);
	n += keys(vt, "\023");             /* Ctrl-S */
	assert_int_equal(vt_wait_text(vt, "保存しました: 2025 / 012025 函館市", -1), 0);
	assert_int_equal(vt_wait_text(vt, "見本 2/5", -1), 0);
	assert_int_equal(vt_wait_text(vt, "担当者      佐々木 健一", -1), 0);
	vt_settle(vt, -1, -1);
	size_t save_bytes = vt_bytes_received(vt);
	printf("# a save with the next sample's panel: %zu bytes\n", save_bytes);
	/* Far from a repaint: the form clears and only the panel's values change. */
	assert_true(save_bytes < 800);

	/* Sample 2, with the contact's name cut short. */
	n += keys(vt, "040002");
	n += keys(vt, "2");
	n += keys(vt, "経済商工観光部国際政策課\t");
	n += keys(vt, "佐々木 健\t");
	n += keys(vt, "kokusai-s@pref-miyagi.example.jp\t");
	n += keys(vt, "022-211-0202\t");
	n += keys(vt, "\0252024-10-02\t");
	n += keys(vt, "選考方法は12月に決定");
	n += keys(vt, "\023");
	assert_int_equal(vt_wait_text(vt, "見本 3/5", -1), 0);
	assert_int_equal(n, 172);

	/* Leaving: the score. */
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_text(vt, "【練習】 練習の結果 — 様式1 利用意向", -1), 0);
	expect_score_line(vt, NULL, "入力した件数", "2");
	expect_score_line(vt, NULL, "比べた項目", "18");
	expect_score_line(vt, NULL, "誤り", "1");
	expect_score_line(vt, NULL, "正確さ", "94.4%");
	expect_score_line(vt, NULL, "打鍵数", "172");
	assert_int_equal(vt_wait_text(vt, "かかった時間", -1), 0);
	assert_int_equal(vt_wait_text(vt, "1分あたりの文字数", -1), 0);
	assert_int_equal(vt_wait_text(vt,
	    "見本 2 担当者: 正しくは「佐々木 健一」、入力は「佐々木 健」", -1), 0);
	/* Any key: back to the menu; the copy is still in use. */
	vt_type(vt, " ");
	assert_int_equal(vt_wait_text(vt, "【練習】 自治体職員協力交流事業 業務デスク", -1), 0);
	assert_int_equal(copies_in(fx->tmp, NULL), 1);
	/* What was keyed is in the copy: the list there shows it. */
	vt_type(vt, "2");
	assert_int_equal(vt_wait_text(vt, "040002", -1), 0);
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_text(vt, "業務デスク", -1), 0);
	vt_settle(vt, -1, -1);
	vt_ctrl(vt, 'q');
	int status = -1;
	assert_int_equal(vt_wait_exit(vt, -1, &status), 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* The score on stdout, for the trainer. */
	const char *out = vt_transcript(vt);
	assert_non_null(strstr(out, "練習の結果: 様式1 利用意向 (survey1)"));
	expect_score_line(NULL, out, "入力した件数", "2");
	expect_score_line(NULL, out, "比べた項目", "18");
	expect_score_line(NULL, out, "誤り", "1");
	expect_score_line(NULL, out, "正確さ", "94.4%");
	expect_score_line(NULL, out, "打鍵数", "172");
	assert_non_null(strstr(out, "見本 2 担当者: 正しくは「佐々木 健一」、入力は「佐々木 健」"));
	/* One round only: the list opened from the menu was no round. */
	assert_null(strstr(strstr(out, "練習の結果: 様式1") + 1, "練習の結果: "));

	/* Nothing reached the live database, and nothing of the copy is left. */
	int others = -1;
	assert_int_equal(copies_in(fx->tmp, &others), 0);
	assert_int_equal(others, 0);
	snap(fx->db, &after);
	assert_same(&before, &after);
	assert_null(strstr(after.survey1, "012025"));
	assert_null(strstr(after.survey1, "040002"));
	snap_free(&before);
	snap_free(&after);
}

/* SIGTERM (a shutdown) and SIGHUP (a dropped link) mid-form: no copy left. */
static void
test_stopped_mid_form(void **state)
{
	struct fixture *fx = *state;
	struct snapshot before, after;
	snap(fx->db, &before);
	const char *extra[] = { "--screen", "survey1", NULL };
	for (int i = 0; i < 2; i++) {
		struct vt *vt = fx->vt = start(fx, 24, 80, extra);
		assert_int_equal(vt_wait_text(vt, "見本 1/5", -1), 0);
		assert_int_equal(copies_in(fx->tmp, NULL), 1);
		vt_settle(vt, -1, -1);
		keys(vt, "012025");
		keys(vt, "1");
		keys(vt, "企画");
		if (i == 0)
			assert_int_equal(vt_kill(vt, SIGTERM), 0);
		else
			vt_hangup(vt);
		int status = -1;
		assert_int_equal(vt_wait_exit(vt, -1, &status), 0);
		/* Stopped as asked, not killed (and, under ASan, nothing leaked). */
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		if (i == 0) {
			/* The score so far still reaches stdout. */
			char *line = score_line("打鍵数", "9");
			assert_non_null(strstr(vt_transcript(vt), line));
			free(line);
		}
		vt_free(vt);
		fx->vt = NULL;
		assert_int_equal(copies_in(fx->tmp, NULL), 0);
	}
	snap(fx->db, &after);
	assert_same(&before, &after);
	snap_free(&before);
	snap_free(&after);
}

/* A conf whose bodies' screen has two samples, beside the project's own. */
static char *
conf_with_two_body_samples(const char *dir)
{
	char *cmd = xasprintf("cp -r conf '%s/conf' && rm -f '%s/conf/practice/'*.ini", dir, dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	char *path = xasprintf("%s/conf/practice/body.ini", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("[sample.a]\ncode = 012033\nname = 小樽市\nname_en = Otaru City\n"
	      "phone = 0134-32-0111\n\n"
	      "[sample.b]\ncode = 022021\nname = 弘前市\nname_kana = ひろさきし\n", f);
	assert_int_equal(fclose(f), 0);
	free(path);
	return xasprintf("%s/conf/lgotp.ini", dir);
}

static void
test_samples_run_out_in_english(void **state)
{
	struct fixture *fx = *state;
	char *confdir = e2e_db_new();
	char *conf = conf_with_two_body_samples(confdir);
	const char *extra[] = { "--conf", conf, "--screens", "screens", "--lang", "en",
		"--screen", "body", NULL };
	struct vt *vt = fx->vt = start(fx, 24, 80, extra);
	assert_int_equal(vt_wait_text(vt, "[PRACTICE] Local bodies — new entry", -1), 0);
	assert_int_equal(vt_wait_text(vt, "Sample 1 of 2: key this form as it is written", -1), 0);
	assert_int_equal(vt_wait_text(vt, "Name in English  Otaru City", -1), 0);
	/* At 80x24 the whole sample fits between the form and the status line. */
	int row = -1, col = -1;
	assert_int_equal(vt_wait_text(vt, "Phone            0134-32-0111", -1), 0);
	assert_int_equal(vt_find(vt, "Phone            0134-32-0111", &row, &col), 0);
	assert_true(row <= 21);
	vt_settle(vt, -1, -1);
	int n = 0;
	n += keys(vt, "012033\t\t小樽市\t\tOtaru Cty\t\t\t\t0134-32-0111");
	n += keys(vt, "\023");
	assert_int_equal(vt_wait_text(vt, "Sample 2 of 2", -1), 0);
	/* The reading as the paper has it in hiragana, typed in katakana: the same. */
	n += keys(vt, "022021\t\t弘前市\tヒロサキシ");
	n += keys(vt, "\023");
	/* The last sample saved: the score at once. */
	assert_int_equal(vt_wait_text(vt, "[PRACTICE] Practice score — Local bodies", -1), 0);
	expect_score_line(vt, NULL, "records keyed", "2");
	expect_score_line(vt, NULL, "fields compared", "7");
	expect_score_line(vt, NULL, "fields wrong", "1");
	expect_score_line(vt, NULL, "accuracy", "85.7%");
	char *ks = xasprintf("%d", n);
	expect_score_line(vt, NULL, "keystrokes", ks);
	assert_int_equal(vt_wait_text(vt,
	    "sample a, Name in English: expected \"Otaru City\", typed \"Otaru Cty\"", -1), 0);
	vt_type(vt, " ");
	int status = -1;
	assert_int_equal(vt_wait_exit(vt, -1, &status), 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	const char *out = vt_transcript(vt);
	assert_non_null(strstr(out, "Practice score: Local bodies (body)"));
	expect_score_line(NULL, out, "keystrokes", ks);
	expect_score_line(NULL, out, "fields wrong", "1");
	free(ks);
	assert_int_equal(copies_in(fx->tmp, NULL), 0);
	/* The live database never had them. */
	char *bodies = e2e_export(fx->db, "body");
	assert_null(strstr(bodies, "012033"));
	assert_null(strstr(bodies, "022021"));
	free(bodies);
	free(conf);
	e2e_db_free(confdir);
}

/*
 * No database yet: practice on an empty one, which has no bodies for the
 * 様式1 samples to name; the panel and stdout say so, sample by sample,
 * and nothing is made where the database would be.
 */
static void
test_no_database_yet(void **state)
{
	struct fixture *fx = *state;
	char *none = xasprintf("%s/none", fx->tmp);
	const char *argv[] = { vt_lgotp_bin(), "--db", none, "--practice", "--screen", "survey1",
		NULL };
	char *env[] = { fx->tmp_env, E2E_ENV_JA, NULL };
	struct vt_opts o = { .rows = 24, .cols = 80, .argv = (char *const *)argv,
		.envp_extra = env, .capture_stderr = true, .keep_transcript = true };
	struct vt *vt = fx->vt = vt_spawn_opts(&o);
	assert_non_null(vt);
	assert_int_equal(vt_wait_text(vt, "この画面の見本はこのデータベースでは使えません:", -1), 0);
	assert_int_equal(vt_wait_text(vt, "見本 1: 団体コード: 団体 012025 は登録されていません", -1), 0);
	assert_int_equal(vt_wait_text(vt, "見本 5: 団体コード: 団体 282014 は登録されていません", -1), 0);
	assert_non_null(strstr(vt_stderr(vt), "まだデータベースがありません"));
	vt_settle(vt, -1, -1);
	vt_ctrl(vt, 'q');
	int status = -1;
	assert_int_equal(vt_wait_exit(vt, -1, &status), 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* No round was keyed; the trainer still learns what was left out. */
	const char *out = vt_transcript(vt);
	assert_null(strstr(out, "練習の結果"));
	assert_non_null(strstr(out, "使えなかった見本: 様式1 利用意向 (survey1): 見本 1: 団体コード:"));
	struct stat st;
	assert_int_equal(stat(none, &st), -1);
	assert_int_equal(copies_in(fx->tmp, NULL), 0);
	free(none);
}

/* Refusals: --practice with a command; a broken sample file (file:line). */
static void
test_refusals(void **state)
{
	struct fixture *fx = *state;
	char *err = NULL;
	const char *withcmd[] = { "--practice", "export", "body", NULL };
	assert_int_equal(e2e_run(fx->db, withcmd, NULL, &err), 2);
	assert_non_null(strstr(err, "--practice"));
	free(err);
	char *confdir = e2e_db_new();
	char *conf = conf_with_two_body_samples(confdir);
	char *path = xasprintf("%s/conf/practice/survey1.ini", confdir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("[sample.1]\nbody_code = 012025\nintent = 7\n", f);
	assert_int_equal(fclose(f), 0);
	const char *check[] = { "--conf", conf, "--screens", "screens", "check", NULL };
	assert_int_equal(e2e_run(fx->db, check, NULL, &err), 2);
	char *where = xasprintf("%s:3: [sample.1] intent = 7:", path);
	assert_non_null(strstr(err, where));
	free(err);
	/* --practice will not start on it; the TUI without it does not read it. */
	const char *practice[] = { "--conf", conf, "--screens", "screens", "--practice", NULL };
	assert_int_equal(e2e_run(fx->db, practice, NULL, &err), 2);
	assert_non_null(strstr(err, where));
	free(err);
	assert_int_equal(copies_in(fx->tmp, NULL), 0);
	free(where);
	free(path);
	free(conf);
	e2e_db_free(confdir);
}

/* Left without keying anything: said on stdout, not silence. */
static void
test_nothing_keyed(void **state)
{
	struct fixture *fx = *state;
	const char *extra[] = { "--screen", "survey1", NULL };
	struct vt *vt = fx->vt = start(fx, 24, 80, extra);
	assert_int_equal(vt_wait_text(vt, "見本 1/5", -1), 0);
	vt_settle(vt, -1, -1);
	vt_ctrl(vt, 'q');
	int status = -1;
	assert_int_equal(vt_wait_exit(vt, -1, &status), 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_non_null(strstr(vt_transcript(vt), "何も入力されなかったので、採点はありません。"));
	assert_null(strstr(vt_transcript(vt), "打鍵数"));
	vt_free(vt);
	fx->vt = NULL;
	assert_int_equal(copies_in(fx->tmp, NULL), 0);
}

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");      /* widths of the score's labels */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_samples_scored_live_untouched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stopped_mid_form, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nothing_keyed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_samples_run_out_in_english, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_database_yet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	};
	return cmocka_run_group_tests_name("e2e_practice", tests, NULL, NULL);
}
