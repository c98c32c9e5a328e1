/* Unit tests of lgcode.c: JIS X 0402 check digits and kinds of body. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lgcode.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Relative to the repository root, where the tests run; absent outside the project's workplace. */
#define LG_CODES_CSV "../shared/data/lg_codes.csv"

static void
test_check_digit(void **state)
{
	(void)state;
	static const struct { const char *code5; int check; } cases[] = {
		{ "01100", 2 },         /* 札幌市 011002 */
		{ "13000", 1 },         /* 東京都 130001 */
		{ "13104", 1 },         /* 新宿区 131041: remainder 0 gives 1 */
		{ "01205", 0 },         /* 室蘭市 012050: remainder 1 gives 0 */
		{ "01000", 6 },         /* 北海道 010006 */
		{ "47000", 7 },         /* 沖縄県 470007 */
		{ "0110", -1 },         /* too short */
		{ "01a00", -1 },
		{ "", -1 },
	};
	for (size_t i = 0; i < N(cases); i++) {
		int c = lgcode_check_digit(cases[i].code5);
		if (c != cases[i].check) {
			print_error("lgcode_check_digit(\"%s\") = %d, want %d\n",
			    cases[i].code5, c, cases[i].check);
			fail();
		}
	}
}

static void
test_valid(void **state)
{
	(void)state;
	static const struct { const char *code; bool ok; } cases[] = {
		{ "011002", true },
		{ "130001", true },
		{ "131041", true },
		{ "012050", true },
		{ "470007", true },
		{ "011001", false },    /* wrong check digit */
		{ "011003", false },
		{ "01100", false },     /* five digits */
		{ "0110022", false },   /* seven */
		{ "01100a", false },
		{ "０１１００２", false }, /* full-width: folding is the caller's */
		{ "000001", false },    /* check digit right, prefecture 00 */
		{ "480002", false },    /* check digit right, prefecture 48 */
		{ "", false },
	};
	for (size_t i = 0; i < N(cases); i++)
		if (lgcode_valid(cases[i].code) != cases[i].ok) {
			print_error("lgcode_valid(\"%s\") should be %d\n", cases[i].code, cases[i].ok);
			fail();
		}
	assert_false(lgcode_valid(NULL));
}

static void
test_kind(void **state)
{
	(void)state;
	static const struct { const char *code, *name, *kind; } cases[] = {
		{ "010006", "北海道", "pref" },
		{ "130001", NULL, "pref" },
		{ "131041", "新宿区", "ward" },
		{ "131041", NULL, "ward" },
		{ "011002", "札幌市", "desig" },
		{ "141003", NULL, "desig" },            /* 横浜市 without a name */
		{ "011011", "札幌市中央区", "ward" },     /* a designated city's own ward */
		{ "012050", "室蘭市", "city" },
		{ "012050", NULL, "city" },
		{ "012050", "", "city" },
		{ "013030", "当別町", "town" },
		{ "013030", "石狩郡当別町", "town" },
		{ "013030", "当別町　", "town" },        /* a trailing full-width space */
		{ "015814", NULL, NULL },               /* a town or village, no name */
		{ "016951", "色丹村", "village" },
		{ "132012", "八王子市", "city" },
		{ "01100", "札幌市", "desig" },          /* five digits are enough */
		{ "0110", NULL, NULL },
		{ "abcdef", "札幌市", NULL },
	};
	for (size_t i = 0; i < N(cases); i++) {
		const char *k = lgcode_kind(cases[i].code, cases[i].name);
		bool same = (k == NULL || cases[i].kind == NULL) ? k == cases[i].kind
		    : strcmp(k, cases[i].kind) == 0;
		if (!same) {
			print_error("lgcode_kind(\"%s\", \"%s\") = %s, want %s\n", cases[i].code,
			    cases[i].name ? cases[i].name : "(null)", k ? k : "(null)",
			    cases[i].kind ? cases[i].kind : "(null)");
			fail();
		}
	}
	assert_null(lgcode_kind(NULL, NULL));
}

/* The kind lgcode_kind should give for a row of lg_codes.csv. */
static const char *
expected_kind(const char *kind, const char *designated)
{
	if (strcmp(kind, "prefecture") == 0)
		return "pref";
	if (strcmp(kind, "city") == 0)
		return strcmp(designated, "1") == 0 ? "desig" : "city";
	if (strcmp(kind, "special_ward") == 0)
		return "ward";
	return kind;    /* town, village */
}

static void
test_every_body(void **state)
{
	(void)state;
	FILE *f = fopen(LG_CODES_CSV, "r");
	if (f == NULL) {
		printf("SKIP: %s is absent; every-body check not run\n", LG_CODES_CSV);
		skip();
	}
	char line[1024];
	int rows = 0, pref = 0, city = 0, desig = 0, ward = 0, town = 0, village = 0;
	assert_non_null(fgets(line, sizeof line, f));        /* the header */
	assert_memory_equal(line, "lg_code,", 8);
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		char *col[13];
		int n = 0;
		for (char *p = line; n < 13;) {
			col[n++] = p;
			char *comma = strchr(p, ',');
			if (comma == NULL)
				break;
			*comma = '\0';
			p = comma + 1;
		}
		assert_int_equal(n, 13);
		const char *code = col[0], *kind = col[3], *desig_flag = col[4], *name = col[6];
		const char *want = expected_kind(kind, desig_flag);
		if (!lgcode_valid(code)) {
			print_error("%s (%s) is not valid\n", code, name);
			fail();
		}
		const char *got = lgcode_kind(code, name);
		if (got == NULL || strcmp(got, want) != 0) {
			print_error("lgcode_kind(%s, %s) = %s, want %s\n", code, name,
			    got ? got : "(null)", want);
			fail();
		}
		/* Without the name: the numbering alone must not contradict the data. */
		const char *bare = lgcode_kind(code, NULL);
		if (bare != NULL && strcmp(bare, want) != 0) {
			print_error("lgcode_kind(%s, NULL) = %s, want %s or NULL\n", code, bare, want);
			fail();
		}
		/* A wrong check digit is refused for every body. */
		char bad[7];
		memcpy(bad, code, 7);
		bad[5] = (char)('0' + (bad[5] - '0' + 1) % 10);
		assert_false(lgcode_valid(bad));

		rows++;
		pref += strcmp(got, "pref") == 0;
		desig += strcmp(got, "desig") == 0;
		city += strcmp(got, "city") == 0;
		ward += strcmp(got, "ward") == 0;
		town += strcmp(got, "town") == 0;
		village += strcmp(got, "village") == 0;
	}
	fclose(f);
	assert_int_equal(rows, 1794);
	assert_int_equal(pref, 47);
	assert_int_equal(desig, 20);
	assert_int_equal(city + desig, 792);
	assert_int_equal(ward, 23);
	assert_int_equal(town, 743);
	assert_int_equal(village, 189);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_digit),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_kind),
		cmocka_unit_test(test_every_body),
	};
	return cmocka_run_group_tests_name("lgcode", tests, NULL, NULL);
}
