/* Unit tests of era.c: Western and Japanese dates, fiscal years. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "era.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int
setup(void **state)
{
	(void)state;
	return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

static void
test_calendar(void **state)
{
	(void)state;
	static const struct { int y, m, d; bool ok; } cases[] = {
		{ 2024, 2, 29, true },
		{ 2023, 2, 29, false },
		{ 2000, 2, 29, true },          /* divisible by 400 */
		{ 1900, 2, 29, false },         /* by 100 but not 400 */
		{ 2024, 4, 31, false },
		{ 2024, 12, 31, true },
		{ 2024, 13, 1, false },
		{ 2024, 0, 1, false },
		{ 2024, 1, 0, false },
		{ 0, 1, 1, false },
		{ 10000, 1, 1, false },
	};
	for (size_t i = 0; i < N(cases); i++)
		if (era_date_valid(cases[i].y, cases[i].m, cases[i].d) != cases[i].ok) {
			print_error("era_date_valid(%d, %d, %d) should be %d\n",
			    cases[i].y, cases[i].m, cases[i].d, cases[i].ok);
			fail();
		}

	static const struct { struct era_date d; int wd; long days; } wd[] = {
		{ { 1970, 1, 1 }, 4, 0 },
		{ { 2024, 10, 4 }, 5, 20000 },  /* a Friday */
		{ { 2019, 5, 1 }, 3, 18017 },
		{ { 1969, 12, 31 }, 3, -1 },
		{ { 2000, 3, 1 }, 3, 11017 },
	};
	for (size_t i = 0; i < N(wd); i++) {
		assert_int_equal(era_weekday(wd[i].d), wd[i].wd);
		assert_int_equal(era_to_days(wd[i].d), wd[i].days);
		struct era_date back = era_from_days(wd[i].days);
		assert_int_equal(era_compare(back, wd[i].d), 0);
	}
	/* Round trip over a wide span, day by day. */
	long start = era_to_days((struct era_date){ 1868, 1, 1 });
	long end = era_to_days((struct era_date){ 2100, 12, 31 });
	struct era_date prev = era_from_days(start - 1);
	for (long z = start; z <= end; z++) {
		struct era_date d = era_from_days(z);
		assert_true(era_date_valid(d.y, d.m, d.d));
		assert_int_equal(era_to_days(d), z);
		assert_true(era_compare(prev, d) < 0);
		prev = d;
	}
	assert_string_equal(era_weekday_name(5, LANG_JA), "金");
	assert_string_equal(era_weekday_name(5, LANG_EN), "Fri");
}

static void
test_parse_ok(void **state)
{
	(void)state;
	static const struct { const char *in, *iso; } cases[] = {
		{ "2024-10-04", "2024-10-04" },
		{ "2024/10/4", "2024-10-04" },
		{ "2024.10.4", "2024-10-04" },
		{ "20241004", "2024-10-04" },
		{ "2024年10月4日", "2024-10-04" },
		{ "2024年 10月 4日", "2024-10-04" },
		{ "２０２４年１０月４日", "2024-10-04" },
		{ "２０２４－１０－０４", "2024-10-04" },
		{ "2024ー10ー04", "2024-10-04" },       /* the dash an IME gives */
		{ "  2024/10/4  ", "2024-10-04" },
		{ "R6.10.4", "2024-10-04" },
		{ "r6.10.4", "2024-10-04" },
		{ "R6/10/4", "2024-10-04" },
		{ "R 6.10.4", "2024-10-04" },
		{ "R061004", "2024-10-04" },
		{ "Ｒ６．１０．４", "2024-10-04" },
		{ "令和6年10月4日", "2024-10-04" },
		{ "令和６年１０月４日", "2024-10-04" },
		{ "令和 6年10月4日", "2024-10-04" },
		{ "㋿6.10.4", "2024-10-04" },
		{ "Reiwa 6.10.4", "2024-10-04" },
		{ "令和元年5月1日", "2019-05-01" },
		{ "R1.5.1", "2019-05-01" },
		{ "H31.4.30", "2019-04-30" },
		{ "平成31年4月30日", "2019-04-30" },
		{ "平成元年1月8日", "1989-01-08" },
		{ "S64.1.7", "1989-01-07" },
		{ "昭和元年12月25日", "1926-12-25" },
		{ "T15.12.24", "1926-12-24" },
		{ "大正元年7月30日", "1912-07-30" },
		{ "M45.7.29", "1912-07-29" },
		{ "明治元年10月23日", "1868-10-23" },
		{ "2024-02-29", "2024-02-29" },
		{ "R6.2.29", "2024-02-29" },
		{ "2024-10-04(金)", "2024-10-04" },
		{ "令和6年10月4日(金)", "2024-10-04" },
		{ "令和6年10月4日（金曜日）", "2024-10-04" },
		{ "4 Oct 2024", "2024-10-04" },
		{ "Fri 4 Oct 2024", "2024-10-04" },
		{ "Friday, October 4, 2024", "2024-10-04" },
		{ "Oct 4, 2024", "2024-10-04" },
		{ "1850-01-01", "1850-01-01" },         /* before the eras: Western only */
		{ "9999-12-31", "9999-12-31" },
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct era_date d = { 0, 0, 0 };
		char *cause = NULL;
		if (era_parse_date(cases[i].in, LANG_JA, &d, &cause) != 0) {
			print_error("era_parse_date(\"%s\") failed: %s\n", cases[i].in, cause);
			fail();
		}
		char *iso = era_format_iso(d);
		if (strcmp(iso, cases[i].iso) != 0) {
			print_error("era_parse_date(\"%s\") = %s, want %s\n", cases[i].in, iso, cases[i].iso);
			fail();
		}
		free(iso);
	}
}

static void
test_parse_bad(void **state)
{
	(void)state;
	/* Each refused, with a message (Japanese, then English) holding the given part. */
	static const struct { const char *in, *ja, *en; } cases[] = {
		{ "2023-02-29", "2023年2月29日はありません", "2023-02-29 does not exist" },
		{ "2023/2/29", "2月は28日まで", "February 2023 has 28 days" },
		{ "R5.2.29", "2023年2月29日はありません", "does not exist" },
		{ "2024-04-31", "ありません", "does not exist" },
		{ "2024-13-01", "ありません", "does not exist" },
		{ "2024-00-10", "ありません", "does not exist" },
		{ "H31.5.1", "平成は2019年4月30日までです（2019年5月1日は令和元年5月1日）",
		  "Heisei ended on 30 Apr 2019 (1 May 2019 is R1.5.1)" },
		{ "平成32年1月1日", "平成は2019年4月30日まで", "Heisei ended" },
		{ "R1.4.30", "令和は2019年5月1日からです（2019年4月30日は平成31年4月30日）",
		  "Reiwa began on 1 May 2019 (30 Apr 2019 is H31.4.30)" },
		{ "S64.1.8", "昭和は1989年1月7日まで", "Showa ended on 7 Jan 1989" },
		{ "M1.1.1", "明治は1868年10月23日から", "Meiji began on 23 Oct 1868" },
		{ "R0.5.1", "令和0年はありません", "there is no year 0 of Reiwa" },
		{ "2024-10-04(木)", "曜日が違います（2024年10月4日は金曜日）",
		  "wrong weekday (4 Oct 2024 is a Friday)" },
		{ "Thu 4 Oct 2024", "曜日が違います", "wrong weekday" },
		{ "", "日付として読めません", "not a date" },
		{ "2024", "日付として読めません", "not a date" },
		{ "24/10/4", "日付として読めません", "not a date" },
		{ "2024-10-04x", "日付として読めません", "not a date" },
		{ "2024-10", "日付として読めません", "not a date" },
		{ "令和", "日付として読めません", "not a date" },
		{ "X6.10.4", "日付として読めません", "not a date" },
		{ "R6.10.4.5", "日付として読めません", "not a date" },
		{ "R1234.1.1", "日付として読めません", "not a date" },
		{ "2024-10-004", "日付として読めません", "not a date" },
		{ "Oct 2024", "日付として読めません", "not a date" },
		{ "\xff\xfe", "日付として読めません", "not a date" },
		{ "2024\x1b-10-04", "日付として読めません", "not a date" },
		{ "0000-01-01", "年は1から9999まで", "from 1 to 9999" },
	};
	for (size_t i = 0; i < N(cases); i++) {
		for (int l = 0; l < LANG_COUNT; l++) {
			struct era_date d = { 1, 2, 3 };
			char *cause = NULL;
			const char *want = l == LANG_EN ? cases[i].en : cases[i].ja;
			if (era_parse_date(cases[i].in, (enum lang)l, &d, &cause) != -1) {
				print_error("era_parse_date(\"%s\") should fail\n", cases[i].in);
				fail();
			}
			assert_non_null(cause);
			if (strstr(cause, want) == NULL) {
				print_error("era_parse_date(\"%s\"): message \"%s\" lacks \"%s\"\n",
				    cases[i].in, cause, want);
				fail();
			}
			/* A failure leaves *out alone. */
			assert_int_equal(d.y, 1);
			free(cause);
		}
	}
	/* A megabyte of digits is refused, not overflowed. */
	size_t n = 1024 * 1024;
	char *big = malloc(n + 1);
	assert_non_null(big);
	memset(big, '9', n);
	big[n] = '\0';
	struct era_date d;
	assert_int_equal(era_parse_date(big, LANG_EN, &d, NULL), -1);
	free(big);
}

static void
test_format(void **state)
{
	(void)state;
	static const struct { struct era_date d; const char *shrt, *lng, *en; } cases[] = {
		{ { 2024, 10, 4 }, "R6.10.4", "令和6年10月4日", "Fri 4 Oct 2024" },
		{ { 2019, 5, 1 }, "R1.5.1", "令和元年5月1日", "Wed 1 May 2019" },
		{ { 2019, 4, 30 }, "H31.4.30", "平成31年4月30日", "Tue 30 Apr 2019" },
		{ { 1989, 1, 8 }, "H1.1.8", "平成元年1月8日", "Sun 8 Jan 1989" },
		{ { 1989, 1, 7 }, "S64.1.7", "昭和64年1月7日", "Sat 7 Jan 1989" },
		{ { 1926, 12, 25 }, "S1.12.25", "昭和元年12月25日", "Sat 25 Dec 1926" },
		{ { 1868, 10, 23 }, "M1.10.23", "明治元年10月23日", "Fri 23 Oct 1868" },
		{ { 1868, 10, 22 }, NULL, NULL, "Thu 22 Oct 1868" },
	};
	for (size_t i = 0; i < N(cases); i++) {
		char *s = era_format_short(cases[i].d);
		char *l = era_format_long(cases[i].d);
		char *e = era_format_en(cases[i].d);
		if (cases[i].shrt == NULL) {
			assert_null(s);
			assert_null(l);
		} else {
			assert_non_null(s);
			assert_non_null(l);
			assert_string_equal(s, cases[i].shrt);
			assert_string_equal(l, cases[i].lng);
		}
		assert_string_equal(e, cases[i].en);
		/* What is written can be read back. */
		const char *back[] = { s, l, e };
		for (int k = 0; k < 3; k++) {
			struct era_date d;
			if (back[k] == NULL)
				continue;
			assert_int_equal(era_parse_date(back[k], LANG_EN, &d, NULL), 0);
			assert_int_equal(era_compare(d, cases[i].d), 0);
		}
		free(s);
		free(l);
		free(e);
	}
	char *iso = era_format_iso((struct era_date){ 987, 1, 2 });
	assert_string_equal(iso, "0987-01-02");
	free(iso);

	static const struct { const char *in; int ok; int y, m, d; } isos[] = {
		{ "2024-10-04", 0, 2024, 10, 4 },
		{ "2024-02-29", 0, 2024, 2, 29 },
		{ "2023-02-29", -1, 0, 0, 0 },
		{ "2024-10-4", -1, 0, 0, 0 },
		{ "2024/10/04", -1, 0, 0, 0 },
		{ "R6.10.4", -1, 0, 0, 0 },
		{ "", -1, 0, 0, 0 },
	};
	for (size_t i = 0; i < N(isos); i++) {
		struct era_date d = { 0, 0, 0 };
		assert_int_equal(era_parse_iso(isos[i].in, &d), isos[i].ok);
		if (isos[i].ok == 0) {
			assert_int_equal(d.y, isos[i].y);
			assert_int_equal(d.m, isos[i].m);
			assert_int_equal(d.d, isos[i].d);
		}
	}
	assert_int_equal(era_parse_iso(NULL, NULL), -1);
}

static void
test_era_of(void **state)
{
	(void)state;
	assert_null(era_of((struct era_date){ 1868, 10, 22 }));
	assert_int_equal(era_of((struct era_date){ 1868, 10, 23 })->letter, 'M');
	assert_int_equal(era_of((struct era_date){ 1912, 7, 29 })->letter, 'M');
	assert_int_equal(era_of((struct era_date){ 1912, 7, 30 })->letter, 'T');
	assert_int_equal(era_of((struct era_date){ 1926, 12, 25 })->letter, 'S');
	assert_int_equal(era_of((struct era_date){ 1989, 1, 7 })->letter, 'S');
	assert_int_equal(era_of((struct era_date){ 1989, 1, 8 })->letter, 'H');
	assert_int_equal(era_of((struct era_date){ 2019, 4, 30 })->letter, 'H');
	assert_int_equal(era_of((struct era_date){ 2019, 5, 1 })->letter, 'R');
	assert_string_equal(era_of((struct era_date){ 2100, 1, 1 })->kanji, "令和");
	int n = 0;
	for (const struct era_info *e = era_all(); e->kanji != NULL; e++)
		n++;
	assert_int_equal(n, 5);
}

static void
test_fy(void **state)
{
	(void)state;
	static const struct { const char *in; int fy; } ok[] = {
		{ "2025", 2025 },
		{ "２０２５", 2025 },
		{ "FY2025", 2025 },
		{ "fy 2025", 2025 },
		{ "2025年度", 2025 },
		{ "R7", 2025 },
		{ "r7", 2025 },
		{ "R7年度", 2025 },
		{ "令和7", 2025 },
		{ "令和7年度", 2025 },
		{ "令和７年度", 2025 },
		{ "H31", 2019 },
		{ "R1", 2019 },
		{ "令和元年度", 2019 },
		{ "平成31年度", 2019 },
		{ "H8", 1996 },
		{ "平成8年度", 1996 },
		{ "S63", 1988 },
		{ "FY2025 (R7)", 2025 },                /* the English echo reads back */
		{ "  2025 ", 2025 },
	};
	for (size_t i = 0; i < N(ok); i++) {
		int fy = 0;
		char *cause = NULL;
		if (era_parse_fy(ok[i].in, LANG_JA, &fy, &cause) != 0) {
			print_error("era_parse_fy(\"%s\") failed: %s\n", ok[i].in, cause);
			fail();
		}
		if (fy != ok[i].fy) {
			print_error("era_parse_fy(\"%s\") = %d, want %d\n", ok[i].in, fy, ok[i].fy);
			fail();
		}
	}
	static const struct { const char *in, *ja, *en; } bad[] = {
		{ "H32", "平成は31年までです", "Heisei ended in its year 31" },
		{ "S65", "昭和は64年までです", "Showa ended in its year 64" },
		{ "R0", "令和0年はありません", "no year 0 of Reiwa" },
		{ "FY2025 (R6)", "年度が一致しません", "do not agree" },
		{ "25", "年度として読めません", "not a fiscal year" },
		{ "20255", "年度として読めません", "not a fiscal year" },
		{ "2025-04-01", "年度として読めません", "not a fiscal year" },
		{ "令和", "年度として読めません", "not a fiscal year" },
		{ "X7", "年度として読めません", "not a fiscal year" },
		{ "", "年度として読めません", "not a fiscal year" },
		{ "0999", "1000から9998まで", "from 1000 to 9998" },
	};
	for (size_t i = 0; i < N(bad); i++)
		for (int l = 0; l < LANG_COUNT; l++) {
			int fy = -7;
			char *cause = NULL;
			const char *want = l == LANG_EN ? bad[i].en : bad[i].ja;
			if (era_parse_fy(bad[i].in, (enum lang)l, &fy, &cause) != -1) {
				print_error("era_parse_fy(\"%s\") should fail\n", bad[i].in);
				fail();
			}
			if (cause == NULL || strstr(cause, want) == NULL) {
				print_error("era_parse_fy(\"%s\"): \"%s\" lacks \"%s\"\n", bad[i].in,
				    cause ? cause : "(null)", want);
				fail();
			}
			assert_int_equal(fy, -7);
			free(cause);
		}

	static const struct { int fy; const char *ja, *en; } fmt[] = {
		{ 2025, "令和7年度", "FY2025 (R7)" },
		{ 2019, "令和元年度", "FY2019 (R1)" },
		{ 2018, "平成30年度", "FY2018 (H30)" },
		{ 1996, "平成8年度", "FY1996 (H8)" },
		{ 1989, "平成元年度", "FY1989 (H1)" },
		{ 1988, "昭和63年度", "FY1988 (S63)" },
		{ 1850, "1850年度", "FY1850" },
	};
	for (size_t i = 0; i < N(fmt); i++) {
		char *ja = era_format_fy(fmt[i].fy, LANG_JA);
		char *en = era_format_fy(fmt[i].fy, LANG_EN);
		assert_string_equal(ja, fmt[i].ja);
		assert_string_equal(en, fmt[i].en);
		int back = 0;
		assert_int_equal(era_parse_fy(ja, LANG_JA, &back, NULL), 0);
		assert_int_equal(back, fmt[i].fy);
		assert_int_equal(era_parse_fy(en, LANG_JA, &back, NULL), 0);
		assert_int_equal(back, fmt[i].fy);
		free(ja);
		free(en);
	}

	assert_int_equal(era_fy_of((struct era_date){ 2025, 3, 31 }), 2024);
	assert_int_equal(era_fy_of((struct era_date){ 2025, 4, 1 }), 2025);
	assert_int_equal(era_fy_of((struct era_date){ 2025, 12, 31 }), 2025);
	struct era_date s = era_fy_start(2025), e = era_fy_end(2025);
	assert_int_equal(era_compare(s, (struct era_date){ 2025, 4, 1 }), 0);
	assert_int_equal(era_compare(e, (struct era_date){ 2026, 3, 31 }), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calendar),
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_era_of),
		cmocka_unit_test(test_fy),
	};
	return cmocka_run_group_tests_name("era", tests, setup, NULL);
}
