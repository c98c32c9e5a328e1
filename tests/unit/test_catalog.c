/*
 * catalog.c: .mo catalogues built here byte by byte (both byte orders,
 * sorted or not), looked up with and without contexts; damaged ones
 * refused whole.  Then i18n.c over the project's own compiled catalogue:
 * Japanese when asked for, the English msgid otherwise or when missing.
 */
#include "catalog.h"
#include "i18n.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* An original and its translation; LEN 0 means strlen (explicit for embedded NULs). */
struct pair {
	const char *orig, *trans;
	size_t olen, tlen;
};

struct mo {
	unsigned char b[4096];
	size_t len;
	uint32_t orig, trans;           /* the tables' offsets, for damaging them */
};

static void
put32(unsigned char *p, uint32_t v, bool be)
{
	for (int i = 0; i < 4; i++)
		p[be ? 3 - i : i] = (unsigned char)(v >> (8 * i));
}

/* A GNU .mo of the pairs in the order given (msgfmt would sort them). */
static void
build(struct mo *m, const struct pair *pairs, uint32_t n, bool be)
{
	memset(m, 0, sizeof *m);
	m->orig = 28;
	m->trans = 28 + 8 * n;
	uint32_t str = 28 + 16 * n;
	put32(m->b, 0x950412de, be);
	put32(m->b + 8, n, be);
	put32(m->b + 12, m->orig, be);
	put32(m->b + 16, m->trans, be);
	for (uint32_t i = 0; i < n; i++)
		for (int k = 0; k < 2; k++) {
			const char *s = k ? pairs[i].trans : pairs[i].orig;
			size_t len = k ? pairs[i].tlen : pairs[i].olen;
			if (len == 0)
				len = strlen(s);
			assert_true(str + len + 1 < sizeof m->b);
			put32(m->b + (k ? m->trans : m->orig) + 8 * i, (uint32_t)len, be);
			put32(m->b + (k ? m->trans : m->orig) + 8 * i + 4, str, be);
			memcpy(m->b + str, s, len);
			m->b[str + len] = '\0';
			str += (uint32_t)len + 1;
		}
	m->len = str;
}

static struct catalog *
open_mo(const struct mo *m, char **cause)
{
	struct catalog *c = NULL;
	if (catalog_open_memory(m->b, m->len, "test.mo", &c, cause) != 0)
		return NULL;
	return c;
}

static const struct pair good[] = {
	{ "", "Content-Type: text/plain; charset=UTF-8\nLanguage: ja\n", 0, 0 },
	{ "Save", "保存", 0, 0 },
	{ "Saved: %s", "保存しました: %s", 0, 0 },
	{ "Total", "計", 0, 0 },
	{ "row\004Total", "合計", 0, 0 },
	{ "column\004Total", "計", 0, 0 },
	{ "menu\004Save", "保存する", 0, 0 },
	{ "Untranslated", "", 0, 0 },
	{ "%d record\0%d records", "%d 件", 20, 0 },
	{ "zeta", "ゼータ", 0, 0 },
	{ "Alpha", "アルファ", 0, 0 },
};

/* Every lookup of the table, for one catalogue. */
static void
check_lookups(struct catalog *c)
{
	static const struct {
		const char *context, *msgid, *want;   /* want NULL: no translation */
	} cases[] = {
		{ NULL, "Save", "保存" },
		{ NULL, "Saved: %s", "保存しました: %s" },
		{ NULL, "Total", "計" },
		{ "row", "Total", "合計" },
		{ "column", "Total", "計" },
		{ "menu", "Save", "保存する" },
		{ NULL, "zeta", "ゼータ" },
		{ NULL, "Alpha", "アルファ" },
		{ NULL, "%d record", "%d 件" },         /* a plural: its singular, first form */
		/* Misses. */
		{ NULL, "Untranslated", NULL },         /* present with an empty translation */
		{ NULL, "Sav", NULL },                  /* a prefix of an entry */
		{ NULL, "Saves", NULL },                /* an entry is a prefix of it */
		{ NULL, "save", NULL },                 /* case matters */
		{ NULL, "Nothing like it", NULL },
		{ NULL, "", NULL },                     /* the header is not a message */
		{ "menu", "Total", NULL },              /* a context it lacks */
		{ "nosuch", "Save", NULL },
		{ "row", "Save", NULL },
		{ "ro", "Total", NULL },                /* a prefix of a context */
		{ "rows", "Total", NULL },
		{ NULL, "row\004Total", "合計" },       /* the stored form itself */
		{ NULL, "%d records", NULL },           /* the plural form is not a key */
	};
	for (size_t i = 0; i < N(cases); i++) {
		const char *got = catalog_get(c, cases[i].context, cases[i].msgid);
		if (cases[i].want == NULL ? got != NULL : got == NULL || strcmp(got, cases[i].want) != 0) {
			print_error("case %zu: [%s] \"%s\": got %s, want %s\n", i,
			    cases[i].context ? cases[i].context : "-", cases[i].msgid,
			    got ? got : "NULL", cases[i].want ? cases[i].want : "NULL");
			fail();
		}
	}
	assert_null(catalog_get(c, NULL, NULL));
	assert_int_equal(catalog_count(c), N(good));
}

/* Sorted as msgfmt writes it, and in the order given, in both byte orders. */
static void
test_lookups(void **state)
{
	(void)state;
	struct pair sorted[N(good)];
	memcpy(sorted, good, sizeof good);
	/* Insertion sort by strcmp, as msgfmt orders the originals. */
	for (size_t i = 1; i < N(sorted); i++)
		for (size_t k = i; k > 0 && strcmp(sorted[k - 1].orig, sorted[k].orig) > 0; k--) {
			struct pair t = sorted[k];
			sorted[k] = sorted[k - 1];
			sorted[k - 1] = t;
		}
	const struct pair *orders[] = { sorted, good };
	for (size_t o = 0; o < N(orders); o++)
		for (int be = 0; be < 2; be++) {
			struct mo m;
			build(&m, orders[o], N(good), be);
			char *cause = NULL;
			struct catalog *c = open_mo(&m, &cause);
			if (c == NULL)
				print_error("%s\n", cause);
			assert_non_null(c);
			check_lookups(c);
			catalog_free(c);
		}
	catalog_free(NULL);
	assert_null(catalog_get(NULL, NULL, "Save"));
}

/* An empty catalogue and one without a header are valid. */
static void
test_small(void **state)
{
	(void)state;
	struct mo m;
	build(&m, NULL, 0, false);
	struct catalog *c = open_mo(&m, NULL);
	assert_non_null(c);
	assert_int_equal(catalog_count(c), 0);
	assert_null(catalog_get(c, NULL, "Save"));
	catalog_free(c);
	static const struct pair one[] = { { "Save", "保存", 0, 0 } };
	build(&m, one, 1, true);
	c = open_mo(&m, NULL);
	assert_non_null(c);
	assert_string_equal(catalog_get(c, NULL, "Save"), "保存");
	catalog_free(c);
}

static void
expect_refused(const struct mo *m, const char *why)
{
	char *cause = NULL;
	struct catalog *c = open_mo(m, &cause);
	if (c != NULL) {
		catalog_free(c);
		print_error("accepted a catalogue that should be refused (%s)\n", why);
		fail();
	}
	assert_non_null(cause);
	if (strstr(cause, "test.mo") == NULL || strstr(cause, why) == NULL) {
		print_error("message \"%s\" should name test.mo and say \"%s\"\n", cause, why);
		fail();
	}
	free(cause);
}

static void
test_damaged_refused(void **state)
{
	(void)state;
	struct mo m;
	static const struct pair two[] = {
		{ "", "Content-Type: text/plain; charset=UTF-8\n", 0, 0 },
		{ "Save", "保存", 0, 0 },
	};

	build(&m, two, 2, false);
	m.len = 12;
	expect_refused(&m, "too short");

	build(&m, two, 2, false);
	m.b[0] ^= 0xff;
	expect_refused(&m, "bad magic");

	build(&m, two, 2, false);
	put32(m.b + 4, 2u << 16, false);
	expect_refused(&m, "revision");

	/* More entries than the tables hold. */
	build(&m, two, 2, false);
	put32(m.b + 8, 100000, false);
	expect_refused(&m, "past the end");

	/* A table offset beyond the file. */
	build(&m, two, 2, false);
	put32(m.b + 16, (uint32_t)m.len, false);
	expect_refused(&m, "past the end");

	/* A string whose offset points past the end. */
	build(&m, two, 2, false);
	put32(m.b + m.trans + 8 + 4, (uint32_t)m.len + 10, false);
	expect_refused(&m, "damaged");

	/* A string whose length runs into the next one: no NUL where promised. */
	build(&m, two, 2, false);
	put32(m.b + m.orig + 8, 2, false);
	expect_refused(&m, "damaged");

	/* The file cut inside the last string. */
	build(&m, two, 2, false);
	m.len -= 2;
	expect_refused(&m, "damaged");

	/* A translation that is not UTF-8. */
	static const struct pair latin1[] = { { "Cafe", "Caf\xe9", 0, 0 } };
	build(&m, latin1, 1, false);
	expect_refused(&m, "damaged");

	/* A plural's second form that is not UTF-8. */
	static const struct pair plural[] = { { "%d day\0%d days", "%d 日\0\xff", 14, 8 } };
	build(&m, plural, 1, false);
	expect_refused(&m, "damaged");

	/* A header declaring another charset. */
	static const struct pair eucjp[] = {
		{ "", "Content-Type: text/plain; charset=EUC-JP\n", 0, 0 },
		{ "Save", "x", 0, 0 },
	};
	build(&m, eucjp, 2, false);
	expect_refused(&m, "not in UTF-8");
	/* A .pot template's header, never filled in: no charset at all. */
	static const struct pair template_header[] = {
		{ "", "Content-Type: text/plain; charset=CHARSET\n", 0, 0 },
	};
	build(&m, template_header, 1, false);
	expect_refused(&m, "not in UTF-8");
	static const struct pair utf8lower[] = { { "", "Content-Type: text/plain; charset=utf-8\n", 0, 0 } };
	build(&m, utf8lower, 1, false);
	struct catalog *c = open_mo(&m, NULL);
	assert_non_null(c);
	catalog_free(c);
}

static void
test_files(void **state)
{
	(void)state;
	char *cause = NULL;
	struct catalog *c = NULL;
	assert_int_equal(catalog_open("/nonexistent/lgotp.mo", &c, &cause), -1);
	assert_null(c);
	assert_non_null(strstr(cause, "/nonexistent/lgotp.mo"));
	free(cause);

	char path[] = "/tmp/lgotp-catalog-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	struct mo m;
	build(&m, good, N(good), true);
	assert_int_equal(write(fd, m.b, m.len), (ssize_t)m.len);
	close(fd);
	assert_int_equal(catalog_open(path, &c, &cause), 0);
	check_lookups(c);
	catalog_free(c);
	unlink(path);
}

/* The catalogue make compiles from src/po/ja.po (the Makefile passes where). */
#define PROJECT_MO LGOTP_BUILD_LOCALEDIR "/ja/LC_MESSAGES/lgotp.mo"

static void
test_ui_texts(void **state)
{
	(void)state;
	char *cause = NULL;
	i18n_unload();
	if (i18n_load(PROJECT_MO, &cause) != 0) {
		print_error("%s (make compiles it from src/po/ja.po)\n", cause);
		fail();
	}
	assert_string_equal(i18n_catalog_path(), PROJECT_MO);
	assert_string_equal(L_(LANG_JA, "saved: %s %s"), "保存しました: %s %s");
	assert_string_equal(L_(LANG_EN, "saved: %s %s"), "saved: %s %s");
	assert_string_equal(LC_(LANG_JA, "column", "Total"), "計");
	assert_string_equal(LC_(LANG_JA, "row", "Total"), "合計");
	assert_string_equal(LC_(LANG_EN, "row", "Total"), "Total");
	/* Not in the catalogue: the English, never NULL. */
	const char *absent = "a text lgotp does not have";
	assert_ptr_equal(L_(LANG_JA, absent), absent);
	assert_ptr_equal(LC_(LANG_JA, "nosuch", "Total"), "Total");
	assert_null(L_(LANG_JA, NULL));
	/* _() follows the UI language. */
	i18n_set_lang(LANG_JA);
	assert_int_equal(i18n_lang(), LANG_JA);
	assert_string_equal(_("not saved"), "保存しませんでした");
	i18n_set_lang(LANG_EN);
	assert_string_equal(_("not saved"), "not saved");
	i18n_set_lang((enum lang)7);            /* out of range: Japanese, the default */
	assert_int_equal(i18n_lang(), LANG_JA);

	/* A catalogue that cannot be read leaves the one loaded before. */
	assert_int_equal(i18n_load("/nonexistent/lgotp.mo", &cause), -1);
	assert_non_null(strstr(cause, "/nonexistent/lgotp.mo"));
	free(cause);
	assert_string_equal(L_(LANG_JA, "not saved"), "保存しませんでした");
	/* Without one, Japanese asks fall back to English. */
	i18n_unload();
	assert_null(i18n_catalog_path());
	assert_int_equal(i18n_load("/nonexistent/lgotp.mo", NULL), -1);
	assert_string_equal(L_(LANG_JA, "not saved"), "not saved");
	/* The default place, from the checkout (tests run from its root). */
	i18n_unload();
	assert_int_equal(i18n_load_default(&cause), 0);
	assert_string_equal(i18n_catalog_path(), PROJECT_MO);
	assert_string_equal(L_(LANG_JA, "not saved"), "保存しませんでした");
	i18n_unload();
}

int
main(void)
{
	/* The messages checked are the English ones (i18n's default is Japanese). */
	i18n_set_lang(LANG_EN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_small),
		cmocka_unit_test(test_damaged_refused),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_ui_texts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
