/* Unit tests of text.c: widths, clipping, escaping, folding, search keys. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <unistr.h>

#include "text.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Compares and names the failing case, since a table has many. */
static void
expect_str(const char *what, const char *input, const char *got, const char *want)
{
	if (strcmp(got, want) != 0) {
		print_error("%s(\"%s\"): got \"%s\", want \"%s\"\n", what, input, got, want);
		fail();
	}
}

static int
setup(void **state)
{
	(void)state;
	if (setlocale(LC_ALL, "C.UTF-8") == NULL) {
		print_error("the C.UTF-8 locale is missing\n");
		return -1;
	}
	return 0;
}

static void
test_width(void **state)
{
	(void)state;
	static const struct { const char *s; int w; } cases[] = {
		{ "", 0 },
		{ "abc", 3 },
		{ "日本", 4 },                  /* kanji: 2 columns each */
		{ "さっぽろ", 8 },
		{ "ｻｯﾎﾟﾛ", 5 },                 /* half-width kana: 1 each, ﾟ too */
		{ "a日b", 4 },
		{ "ＡＢ", 4 },                  /* full-width ASCII */
		{ "e\xcc\x81", 1 },             /* e + combining acute: 0 for the accent */
		{ "a\x1b", 2 },                 /* a control character counts 1 */
		{ "\xff\xfe", 2 },              /* each invalid byte counts 1 */
		{ "\xe6\x97", 2 },              /* a truncated kanji: 2 invalid bytes */
	};
	for (size_t i = 0; i < N(cases); i++) {
		int w = text_width(cases[i].s);
		if (w != cases[i].w) {
			print_error("text_width(\"%s\") = %d, want %d\n", cases[i].s, w, cases[i].w);
			fail();
		}
	}
}

static void
test_clip_and_pad(void **state)
{
	(void)state;
	static const struct { const char *s; int cols; const char *clip, *pad; } cases[] = {
		{ "日本語", 6, "日本語", "日本語" },
		{ "日本語", 5, "日本", "日本 " },      /* never half a kanji */
		{ "日本語", 4, "日本", "日本" },
		{ "日本語", 1, "", " " },
		{ "a日本", 2, "a", "a " },
		{ "abc", 0, "", "" },
		{ "abc", -3, "", "" },
		{ "abc", 10, "abc", "abc       " },
		{ "ｻｯﾎﾟﾛ", 4, "ｻｯﾎﾟ", "ｻｯﾎﾟ" },
		{ "", 3, "", "   " },
	};
	for (size_t i = 0; i < N(cases); i++) {
		char *c = text_clip(cases[i].s, cases[i].cols);
		char *p = text_pad(cases[i].s, cases[i].cols);
		expect_str("text_clip", cases[i].s, c, cases[i].clip);
		expect_str("text_pad", cases[i].s, p, cases[i].pad);
		if (cases[i].cols >= 0)
			assert_int_equal(text_width(p), cases[i].cols);
		free(c);
		free(p);
	}
}

static void
test_clip_long_string(void **state)
{
	(void)state;
	/* 1 MB of kanji clipped to an odd width: whole characters only. */
	size_t n = 1024 * 1024 / 3;
	char *big = malloc(n * 3 + 1);
	assert_non_null(big);
	for (size_t i = 0; i < n; i++)
		memcpy(big + i * 3, "漢", 3);
	big[n * 3] = '\0';
	assert_int_equal(text_width(big), (int)n * 2);
	char *c = text_clip(big, 79);
	assert_int_equal(text_width(c), 78);
	assert_int_equal(strlen(c), 39 * 3);
	assert_true(text_valid_utf8(c, strlen(c)));
	free(c);
	free(big);
}

static void
test_valid_utf8(void **state)
{
	(void)state;
	static const struct { const char *s; bool ok; } cases[] = {
		{ "", true },
		{ "abc", true },
		{ "日本ｻｯﾎﾟﾛ", true },
		{ "\xf0\x9f\x98\x80", true },           /* an emoji */
		{ "\xff", false },
		{ "\xc0\xaf", false },                  /* overlong '/' */
		{ "\xe0\x80\xaf", false },              /* overlong, 3 bytes */
		{ "\xed\xa0\x80", false },              /* a surrogate */
		{ "\xf4\x90\x80\x80", false },          /* past U+10FFFF */
		{ "\xe6\x97", false },                  /* truncated */
		{ "a\x80", false },                     /* a lone continuation byte */
	};
	for (size_t i = 0; i < N(cases); i++)
		if (text_valid_utf8(cases[i].s, strlen(cases[i].s)) != cases[i].ok) {
			print_error("text_valid_utf8 case %zu: want %d\n", i, cases[i].ok);
			fail();
		}
}

static void
test_has_control(void **state)
{
	(void)state;
	static const struct { const char *s; bool ctl; } cases[] = {
		{ "", false },
		{ "abc def", false },
		{ "日本", false },
		{ "a\tb", true },
		{ "\x1b[2J", true },
		{ "a\n", true },
		{ "\x7f", true },                       /* DEL */
		{ "\xc2\x80", true },                   /* U+0080, C1 */
		{ "\xc2\x9f", true },                   /* U+009F, C1 */
		{ "\xc2\xa0", false },                  /* no-break space is not a control */
		{ "\xff", false },                      /* invalid, but not a control */
	};
	for (size_t i = 0; i < N(cases); i++)
		if (text_has_control(cases[i].s) != cases[i].ctl) {
			print_error("text_has_control case %zu: want %d\n", i, cases[i].ctl);
			fail();
		}
}

static void
test_printable(void **state)
{
	(void)state;
	static const struct { const char *s, *want; } cases[] = {
		{ "", "" },
		{ "日本 abc", "日本 abc" },
		{ "\x1b[31mred", "^[[31mred" },
		{ "a\tb\n", "a^Ib^J" },
		{ "\x01", "^A" },
		{ "\x7f", "\\x7F" },
		{ "\xc2\x9b" "2J", "\\x9B2J" },         /* C1 CSI */
		{ "\xff" "a", "\\xFFa" },
		{ "\xe6\x97", "\\xE6\\x97" },
		{ "\xc0\xaf", "\\xC0\\xAF" },
	};
	for (size_t i = 0; i < N(cases); i++) {
		char *p = text_printable(cases[i].s);
		expect_str("text_printable", cases[i].want, p, cases[i].want);
		assert_false(text_has_control(p));
		assert_true(text_valid_utf8(p, strlen(p)));
		free(p);
	}
}

static void
test_fold(void **state)
{
	(void)state;
	static const struct { const char *s, *ascii, *dashes; } cases[] = {
		{ "０１１００２", "011002", "０１１００２" },
		{ "ＡＢＣｘｙｚ", "ABCxyz", "ＡＢＣｘｙｚ" },
		{ "ａ　ｂ", "a b", "ａ　ｂ" },
		{ "！＠～", "!@~", "！＠～" },
		{ "日本ｻｯﾎﾟﾛ", "日本ｻｯﾎﾟﾛ", "日本ｻｯﾎﾟﾛ" },  /* half-width kana stay */
		{ "０３ー１２３４－５６７８", "03ー1234-5678", "０３-１２３４-５６７８" },
		{ "03−1234‐5678", "03−1234‐5678", "03-1234-5678" },
		{ "\xff０", "\xff" "0", "\xff０" },
	};
	for (size_t i = 0; i < N(cases); i++) {
		char *a = text_fold_ascii(cases[i].s);
		char *d = text_fold_dashes(cases[i].s);
		expect_str("text_fold_ascii", cases[i].s, a, cases[i].ascii);
		expect_str("text_fold_dashes", cases[i].s, d, cases[i].dashes);
		free(a);
		free(d);
	}
}

static void
test_fold_kana(void **state)
{
	(void)state;
	static const struct { const char *s, *want; } cases[] = {
		{ "ｻｯﾎﾟﾛｼ", "サッポロシ" },
		{ "さっぽろし", "サッポロシ" },
		{ "サッポロシ", "サッポロシ" },
		{ "ﾊﾞﾝﾀﾞｲ ﾁｮｳ", "バンダイ チョウ" },           /* the ASCII space stays */
		{ "ﾄｳｷｮｳﾄ･ｼﾝｼﾞｭｸｸ", "トウキョウト・シンジュクク" },
		{ "ｰ", "ー" },
		{ "ゝゞ", "ヽヾ" },
		{ "札幌ｼ Sapporo ＡＢ", "札幌シ Sapporo ＡＢ" },   /* not kana: unchanged */
		{ "", "" },
		{ "ｶ\xff", "カ\xff" },                         /* an invalid byte is kept */
	};
	for (size_t i = 0; i < N(cases); i++) {
		char *k = text_fold_kana(cases[i].s);
		expect_str("text_fold_kana", cases[i].s, k, cases[i].want);
		free(k);
	}
}

static void
test_search_key(void **state)
{
	(void)state;
	static const struct { const char *s, *key; } cases[] = {
		{ "ｻｯﾎﾟﾛｼ", "サッポロシ" },
		{ "さっぽろし", "サッポロシ" },
		{ "サッポロシ", "サッポロシ" },
		{ "ｶﾞｯｺｳ", "ガッコウ" },
		{ "Ｓａｐｐｏｒｏ Ｓｈｉ", "sapporoshi" },
		{ "Sapporo　SHI", "sapporoshi" },
		{ "札幌 市", "札幌市" },
		{ "ゝゞ", "ヽヾ" },
		{ "", "" },
		{ "\xff" "a", "\xef\xbf\xbd" "a" },      /* invalid byte → U+FFFD, no crash */
	};
	for (size_t i = 0; i < N(cases); i++) {
		char *k = text_search_key(cases[i].s);
		expect_str("text_search_key", cases[i].s, k, cases[i].key);
		free(k);
	}
	/* The three spellings of Sapporo-shi meet under one key. */
	char *a = text_search_key("ｻｯﾎﾟﾛｼ");
	char *b = text_search_key("さっぽろし");
	char *c = text_search_key("サッポロシ");
	assert_string_equal(a, b);
	assert_string_equal(b, c);
	char *d = text_search_key("ハコダテシ");
	assert_string_not_equal(a, d);
	free(a);
	free(b);
	free(c);
	free(d);
}

static void
test_trim(void **state)
{
	(void)state;
	static const struct { const char *s, *want; } cases[] = {
		{ "", "" },
		{ "  a  ", "a" },
		{ "\t\r\na b\n", "a b" },
		{ "　日本　", "日本" },
		{ " 　 x 　", "x" },
		{ "　　", "" },
		{ "a　b", "a　b" },
	};
	for (size_t i = 0; i < N(cases); i++) {
		char *t = text_trim(cases[i].s);
		expect_str("text_trim", cases[i].s, t, cases[i].want);
		free(t);
	}
}

/*
 * text.c decodes and checks UTF-8 itself (libunistring is opened only for
 * NFKC): it must agree with libunistring's u8_mbtoucr and u8_check on
 * every sequence of one to three bytes, and on every four-byte sequence
 * whose later bytes are continuation bytes or a few others.
 */
static void
agree(const uint8_t *b, size_t n)
{
	uint32_t mine = 0;
	ucs4_t theirs = 0;
	int m = text_decode((const char *)b, n, &mine);
	int t = u8_mbtoucr(&theirs, b, n);
	if ((m > 0) != (t > 0) || (m > 0 && (m != t || mine != theirs))) {
		print_error("%02X %02X %02X %02X (%zu bytes): text_decode %d U+%04X, u8_mbtoucr %d U+%04X\n",
		    b[0], n > 1 ? b[1] : 0, n > 2 ? b[2] : 0, n > 3 ? b[3] : 0, n, m,
		    (unsigned)mine, t, (unsigned)theirs);
		fail();
	}
	bool valid = u8_check(b, n) == NULL;
	if (text_valid_utf8((const char *)b, n) != valid) {
		print_error("%02X ... (%zu bytes): text_valid_utf8 says %d\n", b[0], n, !valid);
		fail();
	}
}

static void
test_decode_agrees(void **state)
{
	(void)state;
	uint8_t b[4];
	for (unsigned a = 0; a < 256; a++) {
		b[0] = (uint8_t)a;
		agree(b, 1);
		for (unsigned c = 0; c < 256; c++) {
			b[1] = (uint8_t)c;
			agree(b, 2);
			for (unsigned d = 0; d < 256; d++) {
				b[2] = (uint8_t)d;
				agree(b, 3);
			}
		}
	}
	static const uint8_t tails[] = { 0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF,
		0xC0, 0xE0, 0xF4, 0xFF };
	for (unsigned a = 0xF0; a < 0x100; a++)
		for (unsigned c = 0; c < 256; c++)
			for (size_t i = 0; i < N(tails); i++)
				for (size_t j = 0; j < N(tails); j++) {
					b[0] = (uint8_t)a;
					b[1] = (uint8_t)c;
					b[2] = tails[i];
					b[3] = tails[j];
					agree(b, 4);
				}
	/* A prefix up to the first bad byte, as the CSV reader reports it. */
	assert_int_equal(text_valid_prefix("ab\xE6\x97\xA5\xFF" "cd", 8), 5);
	assert_int_equal(text_valid_prefix("\xE6\x97", 2), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_clip_and_pad),
		cmocka_unit_test(test_clip_long_string),
		cmocka_unit_test(test_valid_utf8),
		cmocka_unit_test(test_decode_agrees),
		cmocka_unit_test(test_has_control),
		cmocka_unit_test(test_printable),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_fold_kana),
		cmocka_unit_test(test_search_key),
		cmocka_unit_test(test_trim),
	};
	return cmocka_run_group_tests_name("text", tests, setup, NULL);
}
