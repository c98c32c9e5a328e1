/* Unit tests of ftype.c: every field type's accepted and refused input, echoes, messages. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "country.h"
#include "era.h"
#include "ftype.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* --- fields and a stand-in for the database ------------------------------- */

static struct choice intent_choices[] = {
	{ "1", { "参加検討", "Considering" } },
	{ "2", { "選考方法未定", "Selection undecided" } },
	{ "3", { "独自選考で参加", "Own selection" } },
	{ "4", { "参加しない", NULL } },        /* no English label: echo falls back */
};
static struct choice kind_choices[] = {
	{ "pref", { "都道府県", "Prefecture" } },
	{ "desig", { "指定都市", "Designated city" } },
};

#define FIELD(ID, JA, EN, W) .id = ID, .label = { JA, EN }, .width = W, .min = 1, .max = 0, \
	.row = -1, .col = -1

static struct field_def f_text = { FIELD("name", "名称", "Name", 20) };
static struct field_def f_int = { FIELD("count", "人数", "Count", 10) };
static struct field_def f_month = { .id = "month", .label = { "月", "Month" }, .width = 2,
	.min = 1, .max = 12 };
static struct field_def f_money = { FIELD("amount", "金額", "Amount", 15) };
static struct field_def f_balance = { .id = "balance", .label = { "差額", "Balance" },
	.width = 15, .min = -1000000, .max = 1000000 };
static struct field_def f_date = { FIELD("received_on", "受付日", "Received", 10) };
static struct field_def f_fy = { FIELD("fy", "年度", "Fiscal year", 4) };
static struct field_def f_lgcode = { FIELD("body_code", "団体コード", "Body code", 6),
	.ref = "body" };
static struct field_def f_choice = { FIELD("intent", "参加意向", "Intent", 1),
	.choices = intent_choices, .nchoices = 4 };
static struct field_def f_kind = { FIELD("kind", "種別", "Kind", 6),
	.choices = kind_choices, .nchoices = 2 };
static struct field_def f_email = { FIELD("email", "メール", "E-mail", 40) };
static struct field_def f_phone = { FIELD("phone", "電話", "Phone", 20) };
static struct field_def f_country = { FIELD("country", "国", "Country", 2) };
static struct field_def f_ref = { FIELD("trainee", "研修員", "Trainee", 10),
	.ref = "trainee" };
static struct field_def f_nolabel = { .id = "note", .label = { NULL, "Note" }, .width = 5,
	.min = 1, .max = 0, .required = true };

static struct {
	struct field_def *f;
	const char *type;
} field_types[] = {
	{ &f_text, "text" }, { &f_int, "int" }, { &f_month, "int" }, { &f_money, "money" },
	{ &f_balance, "money" }, { &f_date, "date" }, { &f_fy, "fy" },
	{ &f_lgcode, "lgcode" }, { &f_choice, "choice" }, { &f_kind, "choice" },
	{ &f_email, "email" }, { &f_phone, "phone" }, { &f_country, "country" },
	{ &f_ref, "ref" }, { &f_nolabel, "text" },
};

static int lookups;

static char *
fake_lookup(void *arg, const char *screen, const char *key, enum lang lang)
{
	(void)lang;
	static const struct { const char *screen, *key, *label; } rows[] = {
		{ "body", "011002", "札幌市" },
		{ "body", "130001", "東京都" },
		{ "trainee", "T-001", "Kim Minji" },
		{ "trainee", "ＡＢ", "a key in full-width letters" },
	};
	assert_ptr_equal(arg, &lookups);
	lookups++;
	for (size_t i = 0; i < N(rows); i++)
		if (strcmp(screen, rows[i].screen) == 0 && strcmp(key, rows[i].key) == 0)
			return strdup(rows[i].label);
	return NULL;
}

static struct ftype_ctx ctx_ja = { LANG_JA, fake_lookup, &lookups, "2024-10-04" };
static struct ftype_ctx ctx_en = { LANG_EN, fake_lookup, &lookups, "2024-10-04" };
static struct ftype_ctx ctx_nolookup = { LANG_JA, NULL, NULL, NULL };

static bool have_countries;

static int
setup(void **state)
{
	(void)state;
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return -1;
	for (size_t i = 0; i < N(field_types); i++) {
		field_types[i].f->type = ftype_find(field_types[i].type);
		if (field_types[i].f->type == NULL)
			return -1;
	}
	char *cause = NULL;
	have_countries = country_load(&cause) == 0;
	if (!have_countries) {
		printf("NOTE: country cases skipped: %s\n", cause);
		free(cause);
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	country_unload();
	return 0;
}

/* --- parsing ----------------------------------------------------------------- */

struct pcase {
	struct field_def *f;
	const char *in;
	const char *want;       /* the stored form, or NULL: must be refused */
	const char *ja, *en;    /* parts of the message when refused */
};

static void
run_cases(const struct pcase *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct pcase *c = &cases[i];
		const struct ftype *t = c->f->type;
		char *out = NULL, *cause = NULL;
		int rc = t->parse(c->f, &ctx_ja, c->in, &out, &cause);
		if (c->want != NULL) {
			if (rc != 0) {
				print_error("%s(\"%s\") failed: %s\n", t->name, c->in, cause);
				fail();
			}
			if (strcmp(out, c->want) != 0) {
				print_error("%s(\"%s\") = \"%s\", want \"%s\"\n", t->name, c->in, out, c->want);
				fail();
			}
			assert_null(cause);
			free(out);
			continue;
		}
		if (rc != -1 || cause == NULL) {
			print_error("%s(\"%s\") should be refused, gave \"%s\"\n", t->name, c->in,
			    out ? out : "(null)");
			fail();
		}
		assert_null(out);
		if (c->ja != NULL && strstr(cause, c->ja) == NULL) {
			print_error("%s(\"%s\"): \"%s\" lacks \"%s\"\n", t->name, c->in, cause, c->ja);
			fail();
		}
		/* The same refusal in English, in other words. */
		char *en = NULL;
		assert_int_equal(t->parse(c->f, &ctx_en, c->in, &out, &en), -1);
		assert_non_null(en);
		if (strcmp(en, cause) == 0 || (c->en != NULL && strstr(en, c->en) == NULL)) {
			print_error("%s(\"%s\") in English: \"%s\" (want \"%s\")\n", t->name, c->in, en,
			    c->en ? c->en : "a translation");
			fail();
		}
		free(en);
		free(cause);
	}
}

static void
test_text(void **state)
{
	(void)state;
	static const struct pcase cases[] = {
		{ &f_text, "札幌市", "札幌市", NULL, NULL },
		{ &f_text, "  札幌市　", "札幌市", NULL, NULL },
		{ &f_text, "ＡＢＣ ｱｲｳ", "ＡＢＣ ｱｲｳ", NULL, NULL },    /* prose is not folded */
		{ &f_text, "", "", NULL, NULL },
		{ &f_text, "あいうえおかきくけこ", "あいうえおかきくけこ", NULL, NULL },  /* 20 columns */
		{ &f_text, "12345678901234567890", "12345678901234567890", NULL, NULL },
		{ &f_text, "あいうえおかきくけこa", NULL, "半角20文字分まで、入力は半角21文字分",
		  "20 columns allowed, 21 used" },
		{ &f_text, "1234567890123456789０", NULL, "入力は半角21文字分", "21 used" },
		{ &f_text, "a\x1b[2Jb", NULL, "制御文字", "control characters" },
		{ &f_text, "a\tb", NULL, "制御文字", "control characters" },
		{ &f_text, "a\xc2\x9b" "b", NULL, "制御文字", "control characters" },
		{ &f_text, "a\x7f", NULL, "制御文字", "control characters" },
		{ &f_text, "\xff\xfe", NULL, "UTF-8", "not valid UTF-8" },
		{ &f_text, "札\xe5\xb9", NULL, "UTF-8", "not valid UTF-8" },
		{ &f_text, "\xed\xa0\x80", NULL, "UTF-8", "not valid UTF-8" },
	};
	run_cases(cases, N(cases));
}

static void
test_numbers(void **state)
{
	(void)state;
	static const struct pcase cases[] = {
		{ &f_int, "123", "123", NULL, NULL },
		{ &f_int, "-45", "-45", NULL, NULL },
		{ &f_int, "+7", "7", NULL, NULL },
		{ &f_int, "-0", "0", NULL, NULL },
		{ &f_int, "007", "7", NULL, NULL },
		{ &f_int, "０１２", "12", NULL, NULL },
		{ &f_int, "－３", "-3", NULL, NULL },
		{ &f_int, "−5", "-5", NULL, NULL },
		{ &f_int, "1,234,567", "1234567", NULL, NULL },
		{ &f_int, "", "", NULL, NULL },
		{ &f_int, "12a", NULL, "整数", "whole number" },
		{ &f_int, "1.5", NULL, "整数", "whole number" },
		{ &f_int, "-", NULL, "整数", "whole number" },
		{ &f_int, "1 2", NULL, "整数", "whole number" },
		{ &f_int, "1,23", NULL, "カンマ", "separator" },
		{ &f_int, "1234,567", NULL, "カンマ", "separator" },
		{ &f_int, "99999999999999999999", NULL, "大きすぎ", "too large" },
		{ &f_int, "\xff", NULL, "UTF-8", "UTF-8" },
		{ &f_month, "12", "12", NULL, NULL },
		{ &f_month, "1", "1", NULL, NULL },
		{ &f_month, "13", NULL, "1から12まで", "from 1 to 12" },
		{ &f_month, "0", NULL, "1から12まで", "from 1 to 12" },

		{ &f_money, "5,700,000", "5700000", NULL, NULL },
		{ &f_money, "5700000", "5700000", NULL, NULL },
		{ &f_money, "570万", "5700000", NULL, NULL },
		{ &f_money, "570万円", "5700000", NULL, NULL },
		{ &f_money, "５７０万", "5700000", NULL, NULL },
		{ &f_money, "５，７００，０００円", "5700000", NULL, NULL },
		{ &f_money, "¥5,700,000", "5700000", NULL, NULL },
		{ &f_money, "￥5,700,000", "5700000", NULL, NULL },
		{ &f_money, "5,700,000 円", "5700000", NULL, NULL },
		{ &f_money, "1億2000万", "120000000", NULL, NULL },
		{ &f_money, "1億2,000万円", "120000000", NULL, NULL },
		{ &f_money, "1億2000万3000円", "120003000", NULL, NULL },
		{ &f_money, "5.7百万", "5700000", NULL, NULL },
		{ &f_money, "2千5百万", "25000000", NULL, NULL },
		{ &f_money, "2,850千円", "2850000", NULL, NULL },
		{ &f_money, "1.5万", "15000", NULL, NULL },
		{ &f_money, "285.5万", "2855000", NULL, NULL },
		{ &f_money, "0", "0", NULL, NULL },
		{ &f_money, "", "", NULL, NULL },
		{ &f_money, "1.23456万", NULL, "1円未満", "whole number of yen" },
		{ &f_money, "1.5", NULL, "1円未満", "whole number of yen" },
		{ &f_money, "-5000", NULL, "マイナス", "negative" },
		{ &f_money, "▲5000", NULL, "マイナス", "negative" },
		{ &f_money, "5,70,000", NULL, "カンマ", "separator" },
		{ &f_money, "570万万", NULL, "金額として読めません", "not an amount" },
		{ &f_money, "1万2億", NULL, "金額として読めません", "not an amount" },
		{ &f_money, "2000 500万", NULL, "金額として読めません", "not an amount" },
		{ &f_money, "万", NULL, "金額として読めません", "not an amount" },
		{ &f_money, "¥", NULL, "金額として読めません", "not an amount" },
		{ &f_money, "five", NULL, "金額として読めません", "not an amount" },
		{ &f_money, "570円万", NULL, "金額として読めません", "not an amount" },
		{ &f_money, "9999兆", NULL, "大きすぎ", "too large" },
		{ &f_money, "99999999999999999999", NULL, "大きすぎ", "too large" },
		{ &f_balance, "-5000", "-5000", NULL, NULL },
		{ &f_balance, "▲5,000", "-5000", NULL, NULL },
		{ &f_balance, "-¥5,000", "-5000", NULL, NULL },
		{ &f_balance, "¥-5,000", "-5000", NULL, NULL },
		{ &f_balance, "100万", "1000000", NULL, NULL },
		{ &f_balance, "101万", NULL, "-1000000円から1000000円まで", "from -1000000 to 1000000" },
	};
	run_cases(cases, N(cases));
}

static void
test_dates(void **state)
{
	(void)state;
	static const struct pcase cases[] = {
		{ &f_date, "2024-10-04", "2024-10-04", NULL, NULL },
		{ &f_date, "2024/10/4", "2024-10-04", NULL, NULL },
		{ &f_date, "20241004", "2024-10-04", NULL, NULL },
		{ &f_date, "R6.10.4", "2024-10-04", NULL, NULL },
		{ &f_date, "令和6年10月4日", "2024-10-04", NULL, NULL },
		{ &f_date, "２０２４年１０月４日", "2024-10-04", NULL, NULL },
		{ &f_date, "令和元年5月1日", "2019-05-01", NULL, NULL },
		{ &f_date, "H31.4.30", "2019-04-30", NULL, NULL },
		{ &f_date, "2024-02-29", "2024-02-29", NULL, NULL },
		{ &f_date, "　", "", NULL, NULL },
		{ &f_date, "2023-02-29", NULL, "2023年2月29日はありません", "2023-02-29 does not exist" },
		{ &f_date, "R1.4.30", NULL, "令和は2019年5月1日から", "Reiwa began on 1 May 2019" },
		{ &f_date, "H31.5.1", NULL, "平成は2019年4月30日まで", "Heisei ended on 30 Apr 2019" },
		{ &f_date, "tomorrow", NULL, "日付として読めません", "not a date" },
		{ &f_date, "2024-10-04\x1b", NULL, "日付として読めません", "not a date" },

		{ &f_fy, "2025", "2025", NULL, NULL },
		{ &f_fy, "R7", "2025", NULL, NULL },
		{ &f_fy, "令和7", "2025", NULL, NULL },
		{ &f_fy, "令和7年度", "2025", NULL, NULL },
		{ &f_fy, "ＦＹ２０２５", "2025", NULL, NULL },
		{ &f_fy, "H31", "2019", NULL, NULL },
		{ &f_fy, "R1", "2019", NULL, NULL },
		{ &f_fy, "H32", NULL, "平成は31年まで", "Heisei ended in its year 31" },
		{ &f_fy, "R7.4", NULL, "年度として読めません", "not a fiscal year" },
	};
	run_cases(cases, N(cases));
}

static void
test_codes(void **state)
{
	(void)state;
	static const struct pcase cases[] = {
		{ &f_lgcode, "011002", "011002", NULL, NULL },
		{ &f_lgcode, "０１１００２", "011002", NULL, NULL },
		{ &f_lgcode, " 130001 ", "130001", NULL, NULL },
		{ &f_lgcode, "011001", NULL, "検査数字が違います（01100 の検査数字は 2）",
		  "wrong check digit (for 01100 it is 2)" },
		{ &f_lgcode, "01100", NULL, "検査数字を付けると 011002", "check digit: 011002" },
		{ &f_lgcode, "0110", NULL, "6桁の数字", "6 digits" },
		{ &f_lgcode, "01100a", NULL, "6桁の数字", "6 digits" },
		{ &f_lgcode, "0110022", NULL, "6桁の数字", "6 digits" },
		{ &f_lgcode, "480002", NULL, "01〜47", "01-47" },
		{ &f_lgcode, "000001", NULL, "01〜47", "01-47" },
		{ &f_lgcode, "012050", NULL, "団体 012050 は登録されていません", "no such body: 012050" },

		{ &f_choice, "1", "1", NULL, NULL },
		{ &f_choice, "１", "1", NULL, NULL },
		{ &f_choice, " 4 ", "4", NULL, NULL },
		{ &f_choice, "参加検討", "1", NULL, NULL },
		{ &f_choice, "own selection", "3", NULL, NULL },
		{ &f_choice, "5", NULL, "1, 2, 3, 4 のいずれか", "one of 1, 2, 3, 4" },
		{ &f_choice, "12", NULL, "のいずれか", "one of" },
		{ &f_kind, "pref", "pref", NULL, NULL },
		{ &f_kind, "ＰＲＥＦ", "pref", NULL, NULL },
		{ &f_kind, "city", NULL, "pref, desig のいずれか", "one of pref, desig" },

		{ &f_email, "lgotp@clair.or.jp", "lgotp@clair.or.jp", NULL, NULL },
		{ &f_email, "ｌｇｏｔｐ＠ｃｌａｉｒ．ｏｒ．ｊｐ", "lgotp@clair.or.jp", NULL, NULL },
		{ &f_email, "Taro.Yamada+x@City.Sapporo.LG.JP", "Taro.Yamada+x@city.sapporo.lg.jp",
		  NULL, NULL },
		{ &f_email, "a@b", NULL, "ドメイン", "domain" },
		{ &f_email, "a@b.", NULL, "ドメイン", "domain" },
		{ &f_email, "a@b..jp", NULL, "ドメイン", "domain" },
		{ &f_email, "a@-b.jp", NULL, "ドメイン", "domain" },
		{ &f_email, "a@b_c.jp", NULL, "ドメイン", "domain" },
		{ &f_email, "a@@b.jp", NULL, "@ がちょうど1つ", "exactly one @" },
		{ &f_email, "clair.or.jp", NULL, "@ がちょうど1つ", "exactly one @" },
		{ &f_email, "@clair.or.jp", NULL, "@ の前", "before @" },
		{ &f_email, "a.@clair.or.jp", NULL, "@ の前", "before @" },
		{ &f_email, "a..b@clair.or.jp", NULL, "@ の前", "before @" },
		{ &f_email, "a\"b@clair.or.jp", NULL, "@ の前", "before @" },
		{ &f_email, "a b@clair.or.jp", NULL, "空白", "spaces" },
		{ &f_email, "山田@clair.or.jp", NULL, "半角英数字", "ASCII" },
		{ &f_email, "a\x01@clair.or.jp", NULL, "@ の前", "before @" },

		{ &f_phone, "03-1234-5678", "03-1234-5678", NULL, NULL },
		{ &f_phone, "０３－１２３４－５６７８", "03-1234-5678", NULL, NULL },
		{ &f_phone, "03ー1234ー5678", "03-1234-5678", NULL, NULL },
		{ &f_phone, "+81 3 1234 5678", "+81312345678", NULL, NULL },
		{ &f_phone, "(03) 1234-5678", "(03)1234-5678", NULL, NULL },
		{ &f_phone, "12", "12", NULL, NULL },
		{ &f_phone, "1", NULL, "数字が足りません", "too few digits" },
		{ &f_phone, "--", NULL, "数字が足りません", "too few digits" },
		{ &f_phone, "03-1234-567x", NULL, "数字と - + ( ) だけ", "only digits" },
		{ &f_phone, "03 1234 5678 内線 12", NULL, "数字と - + ( ) だけ", "only digits" },
		{ &f_phone, "81+3", NULL, "+ は先頭にだけ", "+ may only come first" },
		{ &f_phone, "1234567890123456789012345678901", NULL, "長すぎ", "too long" },

		{ &f_ref, "T-001", "T-001", NULL, NULL },
		{ &f_ref, "ＡＢ", "ＡＢ", NULL, NULL },  /* found as typed when folding misses */
		{ &f_ref, "T-999", NULL, "T-999 は登録されていません", "no such record: T-999" },
		{ &f_ref, "T\x1b" "001", NULL, "制御文字", "control characters" },
	};
	run_cases(cases, N(cases));
}

static void
test_countries(void **state)
{
	(void)state;
	if (!have_countries)
		skip();
	static const struct pcase cases[] = {
		{ &f_country, "JP", "JP", NULL, NULL },
		{ &f_country, "jp", "JP", NULL, NULL },
		{ &f_country, "ｊｐ", "JP", NULL, NULL },
		{ &f_country, "ＣＮ", "CN", NULL, NULL },
		{ &f_country, "日本", "JP", NULL, NULL },
		{ &f_country, "Viet Nam", "VN", NULL, NULL },
		{ &f_country, "XX", NULL, "国コード XX はありません", "no country has the code XX" },
		{ &f_country, "JPN", NULL, "2文字の国コード", "two-letter code" },
		{ &f_country, "J", NULL, "2文字の国コード", "two-letter code" },
	};
	run_cases(cases, N(cases));
}

static void
test_without_lookup(void **state)
{
	(void)state;
	/* No lookup function: references are taken on trust and echo nothing. */
	static const struct { struct field_def *f; const char *in, *want; } cases[] = {
		{ &f_lgcode, "012050", "012050" },
		{ &f_ref, "anything", "anything" },
		{ &f_ref, "ＸＹ", "XY" },
	};
	int before = lookups;
	for (size_t i = 0; i < N(cases); i++) {
		char *out = NULL;
		assert_int_equal(cases[i].f->type->parse(cases[i].f, &ctx_nolookup, cases[i].in,
		    &out, NULL), 0);
		assert_string_equal(out, cases[i].want);
		char *e = cases[i].f->type->echo(cases[i].f, &ctx_nolookup, out);
		assert_string_equal(e, "");
		free(e);
		free(out);
	}
	assert_int_equal(lookups, before);
	/* The check digit is still checked. */
	char *cause = NULL, *out = NULL;
	assert_int_equal(f_lgcode.type->parse(&f_lgcode, &ctx_nolookup, "011001", &out, &cause), -1);
	free(cause);
}

/* Invalid UTF-8 and a megabyte paste are refused by every type, with a short message. */
static void
test_hostile_input(void **state)
{
	(void)state;
	size_t n = 1024 * 1024;
	char *big = malloc(n + 1);
	assert_non_null(big);
	memset(big, '1', n);
	big[n] = '\0';
	const char *inputs[] = { "\xff" "1", "1\xc0\xaf", big };
	for (size_t i = 0; i < N(field_types); i++) {
		struct field_def *f = field_types[i].f;
		if (f->type == ftype_find("country") && !have_countries)
			continue;
		for (size_t k = 0; k < N(inputs); k++) {
			char *out = NULL, *cause = NULL;
			if (f->type->parse(f, &ctx_ja, inputs[k], &out, &cause) != -1) {
				print_error("%s (%s) accepted hostile input %zu\n", f->id,
				    f->type->name, k);
				fail();
			}
			assert_non_null(cause);
			assert_true(strlen(cause) < 300);
			free(cause);
		}
	}
	/* The message for a megabyte of text says how wide it is. */
	char *cause = NULL, *out = NULL;
	assert_int_equal(f_text.type->parse(&f_text, &ctx_en, big, &out, &cause), -1);
	assert_string_equal(cause, "too long: 20 columns allowed, 1048576 used");
	free(cause);
	free(big);
}

/* --- echoes ---------------------------------------------------------------- */

static void
test_echo(void **state)
{
	(void)state;
	static const struct { struct field_def *f; const char *stored, *ja, *en; } cases[] = {
		{ &f_text, "札幌市", "", "" },
		{ &f_int, "12", "", "" },
		{ &f_money, "5700000", "5,700,000円", "¥5,700,000" },
		{ &f_money, "570", "570円", "¥570" },
		{ &f_money, "1000", "1,000円", "¥1,000" },
		{ &f_money, "0", "0円", "¥0" },
		{ &f_money, "-5000", "-5,000円", "-¥5,000" },
		{ &f_money, "", "", "" },
		{ &f_date, "2024-10-04", "令和6年10月4日(金)", "Fri 4 Oct 2024 (R6)" },
		{ &f_date, "2019-05-01", "令和元年5月1日(水)", "Wed 1 May 2019 (R1)" },
		{ &f_date, "2019-04-30", "平成31年4月30日(火)", "Tue 30 Apr 2019 (H31)" },
		{ &f_date, "1850-01-01", "1850年1月1日(火)", "Tue 1 Jan 1850" },
		{ &f_date, "", "", "" },
		{ &f_date, "2023-02-29", "", "" },
		{ &f_fy, "2025", "令和7年度", "FY2025 (R7)" },
		{ &f_fy, "2019", "令和元年度", "FY2019 (R1)" },
		{ &f_fy, "1996", "平成8年度", "FY1996 (H8)" },
		{ &f_fy, "", "", "" },
		{ &f_lgcode, "011002", "札幌市", "札幌市" },
		{ &f_lgcode, "012050", "", "" },
		{ &f_lgcode, "", "", "" },
		{ &f_choice, "1", "参加検討", "Considering" },
		{ &f_choice, "4", "参加しない", "参加しない" },
		{ &f_choice, "9", "", "" },
		{ &f_email, "a@b.jp", "", "" },
		{ &f_phone, "03-1234-5678", "", "" },
		{ &f_ref, "T-001", "Kim Minji", "Kim Minji" },
		{ &f_ref, "T-999", "", "" },
	};
	for (size_t i = 0; i < N(cases); i++) {
		char *ja = cases[i].f->type->echo(cases[i].f, &ctx_ja, cases[i].stored);
		char *en = cases[i].f->type->echo(cases[i].f, &ctx_en, cases[i].stored);
		if (strcmp(ja, cases[i].ja) != 0 || strcmp(en, cases[i].en) != 0) {
			print_error("%s echo of \"%s\": \"%s\" / \"%s\", want \"%s\" / \"%s\"\n",
			    cases[i].f->type->name, cases[i].stored, ja, en, cases[i].ja, cases[i].en);
			fail();
		}
		free(ja);
		free(en);
	}
	if (have_countries) {
		static const struct { const char *stored, *ja, *en; } countries[] = {
			{ "JP", "日本", "Japan" },
			{ "CN", "中国", "China" },
			{ "", "", "" },
			{ "XX", "", "" },
		};
		for (size_t i = 0; i < N(countries); i++) {
			char *ja = f_country.type->echo(&f_country, &ctx_ja, countries[i].stored);
			char *en = f_country.type->echo(&f_country, &ctx_en, countries[i].stored);
			assert_string_equal(ja, countries[i].ja);
			assert_string_equal(en, countries[i].en);
			free(ja);
			free(en);
		}
		/* An organisation's own name, set from conf, shows in the echo. */
		assert_int_equal(country_set_override("TW", LANG_JA, "台湾地域"), 0);
		char *tw = f_country.type->echo(&f_country, &ctx_ja, "TW");
		assert_string_equal(tw, "台湾地域");
		free(tw);
		assert_int_equal(country_set_override("TW", LANG_JA, NULL), 0);
	}
}

/* --- the field as a whole ------------------------------------------------------ */

static void
test_parse_field(void **state)
{
	(void)state;
	f_lgcode.required = true;
	static const struct { struct field_def *f; const struct ftype_ctx *ctx; const char *in;
	    const char *want, *msg; } cases[] = {
		{ &f_lgcode, &ctx_ja, "011002", "011002", NULL },
		{ &f_lgcode, &ctx_ja, "  ０１１００２　", "011002", NULL },
		{ &f_lgcode, &ctx_ja, "", NULL, "団体コード: 必須項目です" },
		{ &f_lgcode, &ctx_ja, "　 ", NULL, "団体コード: 必須項目です" },
		{ &f_lgcode, &ctx_ja, NULL, NULL, "団体コード: 必須項目です" },
		{ &f_lgcode, &ctx_en, "", NULL, "Body code: required" },
		{ &f_lgcode, &ctx_ja, "011001", NULL, "団体コード: 検査数字が違います（01100 の検査数字は 2）" },
		{ &f_lgcode, &ctx_en, "011001", NULL, "Body code: wrong check digit (for 01100 it is 2)" },
		{ &f_lgcode, &ctx_ja, "\xff", NULL, "団体コード: 文字コードが UTF-8 ではありません" },
		{ &f_date, &ctx_ja, "", "", NULL },              /* not required */
		{ &f_date, &ctx_ja, NULL, "", NULL },
		{ &f_date, &ctx_ja, "R1.4.30", NULL, "受付日: 令和は2019年5月1日からです" },
		{ &f_date, &ctx_en, "2023-02-29", NULL, "Received: 2023-02-29 does not exist" },
		{ &f_nolabel, &ctx_ja, "", NULL, "Note: 必須項目です" },      /* label falls back */
		{ &f_nolabel, &ctx_ja, "abcdef", NULL, "Note: 長すぎます" },
	};
	for (size_t i = 0; i < N(cases); i++) {
		char *out = NULL, *cause = NULL;
		int rc = ftype_parse_field(cases[i].f, cases[i].ctx, cases[i].in, &out, &cause);
		if (cases[i].want != NULL) {
			if (rc != 0 || strcmp(out, cases[i].want) != 0) {
				print_error("case %zu: rc %d, out \"%s\", cause \"%s\"\n", i, rc,
				    out ? out : "", cause ? cause : "");
				fail();
			}
			free(out);
			continue;
		}
		if (rc != -1 || cause == NULL || strncmp(cause, cases[i].msg, strlen(cases[i].msg)) != 0) {
			print_error("case %zu: rc %d, cause \"%s\", want \"%s...\"\n", i, rc,
			    cause ? cause : "(null)", cases[i].msg);
			fail();
		}
		assert_null(out);
		free(cause);
	}
	f_lgcode.required = false;
}

static void
test_table(void **state)
{
	(void)state;
	static const char *const names[] = {
		"text", "int", "money", "date", "fy", "lgcode", "choice", "email", "phone",
		"country", "ref",
	};
	for (size_t i = 0; i < N(names); i++) {
		const struct ftype *t = ftype_find(names[i]);
		assert_non_null(t);
		assert_string_equal(t->name, names[i]);
		assert_non_null(t->parse);
		assert_non_null(t->echo);
	}
	assert_null(ftype_find("nope"));
	assert_null(ftype_find(""));
	assert_null(ftype_find("TEXT"));
	size_t n = 0;
	for (const struct ftype *const *t = ftype_all(); *t != NULL; t++) {
		assert_ptr_equal(ftype_find((*t)->name), *t);
		n++;
	}
	assert_int_equal(n, N(names));
	assert_false(ftype_find("text")->code_like);
	assert_true(ftype_find("lgcode")->code_like);
	assert_true(ftype_find("choice")->code_like);
	assert_true(ftype_find("country")->code_like);
}

static void
test_today(void **state)
{
	(void)state;
	char *t = ftype_today(&ctx_ja);
	assert_string_equal(t, "2024-10-04");
	free(t);

	/* The local date, read before and after, so that midnight cannot flake it. */
	char before[40], after[40];
	time_t now = time(NULL);
	struct tm tm;
	assert_non_null(localtime_r(&now, &tm));
	snprintf(before, sizeof before, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	t = ftype_today(&ctx_nolookup);
	now = time(NULL);
	assert_non_null(localtime_r(&now, &tm));
	snprintf(after, sizeof after, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	struct era_date d;
	assert_int_equal(era_parse_iso(t, &d), 0);
	assert_true(strcmp(t, before) == 0 || strcmp(t, after) == 0);
	free(t);
	t = ftype_today(NULL);
	assert_int_equal(era_parse_iso(t, &d), 0);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_countries),
		cmocka_unit_test(test_without_lookup),
		cmocka_unit_test(test_hostile_input),
		cmocka_unit_test(test_echo),
		cmocka_unit_test(test_parse_field),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_today),
	};
	return cmocka_run_group_tests_name("ftype", tests, setup, teardown);
}
