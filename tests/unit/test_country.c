/* Unit tests of country.c: iso-codes' JSON, the Japanese catalogue, overrides. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "country.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static char tmpdir[64];

static int
setup(void **state)
{
	(void)state;
	/* C.UTF-8 on purpose: Japanese names must not depend on a ja_JP locale. */
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return -1;
	const char *base = getenv("TMPDIR");
	snprintf(tmpdir, sizeof tmpdir, "%s/lgotp-country-XXXXXX",
	    base != NULL && strlen(base) < 30 ? base : "/tmp");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	country_unload();
	static const char *const files[] = { "c.json", "le.mo", "be.mo", "broken.json" };
	char path[128];
	for (size_t i = 0; i < N(files); i++) {
		snprintf(path, sizeof path, "%s/%s", tmpdir, files[i]);
		unlink(path);
	}
	return rmdir(tmpdir);
}

/* Loads Debian's iso-codes as the program does; false (and a note) when absent. */
static bool
have_iso_codes(void)
{
	country_unload();
	char *cause = NULL;
	if (country_load(&cause) == 0)
		return true;
	printf("SKIP: %s (install iso-codes)\n", cause);
	free(cause);
	return false;
}

static void
test_system_names(void **state)
{
	(void)state;
	if (!have_iso_codes())
		skip();
	assert_true(country_count() >= 240);
	assert_true(country_has_japanese());

	static const struct { const char *code, *ja, *en; } cases[] = {
		{ "JP", "日本", "Japan" },
		{ "CN", "中国", "China" },
		{ "jp", "日本", "Japan" },              /* either case */
		{ "TW", "台湾", "Taiwan" },             /* common_name, not 中国領・台湾 */
		{ "KR", "大韓民国 (韓国)", "South Korea" },
		{ "VN", "ベトナム", "Vietnam" },
		{ "TZ", "タンザニア", "Tanzania" },
		{ "US", "米国", "United States" },
		{ "GB", "英国", "United Kingdom" },
		{ "TR", "Türkiye", "Türkiye" },         /* not in the catalogue: conf/countries.ini names it */
		{ "FR", "フランス", "France" },
		{ "SG", "シンガポール", "Singapore" },
	};
	for (size_t i = 0; i < N(cases); i++) {
		const char *ja = country_name(cases[i].code, LANG_JA);
		const char *en = country_name(cases[i].code, LANG_EN);
		assert_non_null(ja);
		assert_non_null(en);
		if (strcmp(ja, cases[i].ja) != 0 || strcmp(en, cases[i].en) != 0) {
			print_error("%s: got %s / %s, want %s / %s\n", cases[i].code, ja, en,
			    cases[i].ja, cases[i].en);
			fail();
		}
		assert_true(country_valid(cases[i].code));
	}
	static const char *const bad[] = { "XX", "J", "JPN", "", "0P", "日本" };
	for (size_t i = 0; i < N(bad); i++) {
		assert_false(country_valid(bad[i]));
		assert_null(country_name(bad[i], LANG_JA));
	}
	assert_false(country_valid(NULL));

	/* Code order, no duplicates. */
	for (size_t i = 1; i < country_count(); i++)
		assert_true(strcmp(country_code_at(i - 1), country_code_at(i)) < 0);
	assert_null(country_code_at(country_count()));

	assert_string_equal(country_find_name("日本"), "JP");
	assert_string_equal(country_find_name("japan"), "JP");
	assert_string_equal(country_find_name("Korea, Republic of"), "KR");
	assert_null(country_find_name("Atlantis"));
	assert_null(country_find_name(""));
}

static void
test_override(void **state)
{
	(void)state;
	if (!have_iso_codes())
		skip();
	assert_int_equal(country_set_override("TW", LANG_JA, "台湾地域"), 0);
	assert_string_equal(country_name("TW", LANG_JA), "台湾地域");
	assert_string_equal(country_name("TW", LANG_EN), "Taiwan");    /* other language untouched */
	assert_int_equal(country_set_override("kr", LANG_JA, "韓国"), 0);
	assert_string_equal(country_name("KR", LANG_JA), "韓国");
	assert_string_equal(country_find_name("韓国"), "KR");
	assert_int_equal(country_set_override("KR", LANG_EN, "Republic of Korea"), 0);
	assert_string_equal(country_name("KR", LANG_EN), "Republic of Korea");
	/* Replacing and removing. */
	assert_int_equal(country_set_override("TW", LANG_JA, "台湾"), 0);
	assert_string_equal(country_name("TW", LANG_JA), "台湾");
	assert_int_equal(country_set_override("KR", LANG_JA, NULL), 0);
	assert_string_equal(country_name("KR", LANG_JA), "大韓民国 (韓国)");
	assert_int_equal(country_set_override("KR", LANG_EN, ""), 0);
	assert_string_equal(country_name("KR", LANG_EN), "South Korea");
	/* Unknown codes are refused. */
	assert_int_equal(country_set_override("XX", LANG_JA, "どこか"), -1);
	assert_null(country_name("XX", LANG_JA));
}

static void
test_missing_file(void **state)
{
	(void)state;
	char json[128];
	snprintf(json, sizeof json, "%s/absent.json", tmpdir);
	char *cause = NULL;
	assert_int_equal(country_load_from(json, NULL, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, json));
	assert_non_null(strstr(cause, "iso-codes"));
	free(cause);
}

static void
write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void
put32(unsigned char *p, uint32_t v, bool be)
{
	for (int i = 0; i < 4; i++)
		p[be ? 3 - i : i] = (unsigned char)(v >> (8 * i));
}

/* A GNU .mo file with the given pairs, in either byte order. */
static void
write_mo(const char *path, const char *const (*pairs)[2], uint32_t n, bool be)
{
	unsigned char buf[4096];
	uint32_t orig = 28, trans = 28 + 8 * n, str = 28 + 16 * n;
	memset(buf, 0, sizeof buf);
	put32(buf, 0x950412de, be);
	put32(buf + 8, n, be);
	put32(buf + 12, orig, be);
	put32(buf + 16, trans, be);
	for (uint32_t i = 0; i < n; i++)
		for (int k = 0; k < 2; k++) {
			uint32_t len = (uint32_t)strlen(pairs[i][k]);
			assert_true(str + len + 1 < sizeof buf);
			put32(buf + (k ? trans : orig) + 8 * i, len, be);
			put32(buf + (k ? trans : orig) + 8 * i + 4, str, be);
			memcpy(buf + str, pairs[i][k], len + 1);
			str += len + 1;
		}
	write_file(path, buf, str);
}

static void
test_own_files(void **state)
{
	(void)state;
	/* A different shape, escapes, a repeated code, a non-country object. */
	static const char json_text[] =
	    "{\"version\": 2, \"list\": [\n"
	    "  {\"alpha_2\": \"ZZ\", \"name\": \"Zed \\\"Land\\\"\", \"numeric\": 999},\n"
	    "  {\"alpha_2\": \"AA\", \"name\": \"\\u00c5land \\ud83d\\ude00\", \"common_name\": \"Aland\"},\n"
	    "  {\"alpha_2\": \"AA\", \"name\": \"Second AA\"},\n"
	    "  {\"alpha_2\": \"toolong\", \"name\": \"ignored\"},\n"
	    "  {\"nested\": {\"alpha_2\": \"BB\", \"name\": \"Bee\"}, \"flag\": null, \"x\": [true, false, 1.5e3]}\n"
	    "]}\n";
	static const char *const pairs[][2] = {
		{ "", "Content-Type: text/plain; charset=UTF-8\n" },
		{ "Aland", "オーランド" },
		{ "Zed \"Land\"", "ゼッド" },
		{ "Bee", "" },                  /* untranslated */
	};
	char json[128], mo[128], mo_be[128], broken[128];
	snprintf(json, sizeof json, "%s/c.json", tmpdir);
	snprintf(mo, sizeof mo, "%s/le.mo", tmpdir);
	snprintf(mo_be, sizeof mo_be, "%s/be.mo", tmpdir);
	snprintf(broken, sizeof broken, "%s/broken.json", tmpdir);
	write_file(json, json_text, strlen(json_text));
	write_mo(mo, pairs, N(pairs), false);
	write_mo(mo_be, pairs, N(pairs), true);

	const char *mos[] = { mo, mo_be };
	for (int k = 0; k < 2; k++) {
		char *cause = NULL;
		if (country_load_from(json, mos[k], &cause) != 0) {
			print_error("country_load_from: %s\n", cause);
			fail();
		}
		assert_int_equal(country_count(), 3);
		assert_string_equal(country_code_at(0), "AA");
		assert_string_equal(country_code_at(1), "BB");
		assert_string_equal(country_code_at(2), "ZZ");
		assert_string_equal(country_name("AA", LANG_EN), "Aland");
		assert_string_equal(country_name("AA", LANG_JA), "オーランド");
		assert_string_equal(country_name("ZZ", LANG_EN), "Zed \"Land\"");
		assert_string_equal(country_name("ZZ", LANG_JA), "ゼッド");
		assert_string_equal(country_name("BB", LANG_JA), "Bee");   /* English fallback */
		assert_string_equal(country_find_name("Åland 😀"), "AA");
		assert_true(country_has_japanese());
	}

	/* Without a catalogue: English everywhere, not an error. */
	char absent[128];
	snprintf(absent, sizeof absent, "%s/absent.mo", tmpdir);
	assert_int_equal(country_load_from(json, absent, NULL), 0);
	assert_false(country_has_japanese());
	assert_string_equal(country_name("AA", LANG_JA), "Aland");

	/* A broken file fails with its name, and the table loaded before stays. */
	static const char *const broken_texts[] = {
		"{\"a\": [1, 2",
		"{\"alpha_2\": \"AA\" \"name\": \"x\"}",
		"{\"alpha_2\": \"AA, \"name\": \"x\"}",
		"[]",
		"",
		"{\"a\": @}",
	};
	for (size_t i = 0; i < N(broken_texts); i++) {
		write_file(broken, broken_texts[i], strlen(broken_texts[i]));
		char *cause = NULL;
		assert_int_equal(country_load_from(broken, mo, &cause), -1);
		assert_non_null(cause);
		assert_non_null(strstr(cause, broken));
		free(cause);
		assert_int_equal(country_count(), 3);
	}
	/* Deep nesting is refused, not recursed into without end. */
	char deep[2000];
	memset(deep, '[', sizeof deep - 1);
	deep[sizeof deep - 1] = '\0';
	write_file(broken, deep, strlen(deep));
	assert_int_equal(country_load_from(broken, NULL, NULL), -1);

	/* A catalogue with a bad magic number or tables past its end is ignored. */
	static const char not_mo[] = "\x12\x34\x56\x78 not a catalogue, but long enough";
	write_file(mo, not_mo, sizeof not_mo - 1);
	assert_int_equal(country_load_from(json, mo, NULL), 0);
	assert_false(country_has_japanese());
	unsigned char trunc[28] = { 0xde, 0x12, 0x04, 0x95, 0, 0, 0, 0, 0xff, 0xff, 0, 0,
		28, 0, 0, 0, 28, 0, 0, 0 };
	write_file(mo, trunc, sizeof trunc);
	assert_int_equal(country_load_from(json, mo, NULL), 0);
	assert_false(country_has_japanese());

	country_unload();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_system_names),
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_own_files),
	};
	return cmocka_run_group_tests_name("country", tests, setup, teardown);
}
