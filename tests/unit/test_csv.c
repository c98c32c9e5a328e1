/*
 * test_csv.c - the CSV reader and writer, case tables first.
 *
 * Reading cases are compared as a dump: one line per record, "LINE[f1|f2]"
 * for a record (with \n, \r, | and \ escaped inside fields) or "LINE!TEXT"
 * for an error, where TEXT must occur in the cause.  Tests run from the
 * repository root; fixtures are tests/fixtures/csv/, the ministry's real
 * files are read from ../shared/data/ when present.
 */
#include "csv.h"
#include "i18n.h"
#include "util.h"

#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Last: cmocka's fail() macro would otherwise mangle util.h's fail(). */
#include <cmocka.h>

/* ------------------------------------------------------------------ */
/* Helpers                                                            */

static void
dump_field(struct strbuf *sb, const char *f)
{
	for (; *f; f++) {
		switch (*f) {
		case '\n': sb_adds(sb, "\\n"); break;
		case '\r': sb_adds(sb, "\\r"); break;
		case '|': sb_adds(sb, "\\|"); break;
		case '\\': sb_adds(sb, "\\\\"); break;
		default: sb_addc(sb, *f); break;
		}
	}
}

/* Every record of R as described at the top; caller frees. */
static char *
dump_all(struct csv_reader *r)
{
	struct strbuf sb = SB_INIT;
	char **f;
	size_t n;
	long line = 0;
	char *cause = NULL;
	int rc;

	while ((rc = csv_next(r, &f, &n, &line, &cause)) != 0) {
		if (sb.len > 0)
			sb_addc(&sb, '\n');
		if (rc == -1) {
			assert_null(f);
			assert_int_equal(n, 0);
			sb_addf(&sb, "%ld!%s", line, cause);
			free(cause);
			cause = NULL;
			continue;
		}
		assert_int_equal(rc, 1);
		assert_true(n >= 1);
		sb_addf(&sb, "%ld[", line);
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				sb_addc(&sb, '|');
			dump_field(&sb, f[i]);
		}
		sb_addc(&sb, ']');
	}
	return sb_detach(&sb);
}

/* Does dump GOT match WANT, line by line ("N!text" lines by substring)? */
static bool
dump_matches(const char *got, const char *want)
{
	for (;;) {
		const char *ge = strchr(got, '\n'), *we = strchr(want, '\n');
		size_t gl = ge ? (size_t)(ge - got) : strlen(got);
		size_t wl = we ? (size_t)(we - want) : strlen(want);
		const char *bang = memchr(want, '!', wl);
		if (bang != NULL && (size_t)(bang - want) < wl && memchr(want, '[', wl) == NULL) {
			size_t pl = (size_t)(bang - want) + 1;
			char *needle = xstrndup(bang + 1, wl - pl);
			char *hay = xstrndup(got, gl);
			bool ok = gl >= pl && memcmp(got, want, pl) == 0 && strstr(hay + pl, needle) != NULL;
			free(needle);
			free(hay);
			if (!ok)
				return false;
		} else if (gl != wl || memcmp(got, want, gl) != 0) {
			return false;
		}
		if ((ge == NULL) != (we == NULL))
			return false;
		if (ge == NULL)
			return true;
		got = ge + 1;
		want = we + 1;
	}
}

static void
assert_dump(const char *id, const char *got, const char *want)
{
	if (!dump_matches(got, want)) {
		print_error("case %s:\n--- got:\n%s\n--- want:\n%s\n", id, got, want);
		fail();
	}
}

static const char *
enc_name(enum csv_encoding e)
{
	switch (e) {
	case CSV_AUTO: return "auto";
	case CSV_UTF8: return "utf-8";
	case CSV_UTF8_BOM: return "utf-8-bom";
	case CSV_CP932: return "cp932";
	}
	return "?";
}

/* Run the cases of a table as separate cmocka tests named by their ids. */
static int
run_table(const char *group, void (*fn)(void **), void *cases, size_t size, size_t n,
    const char *(*id_of)(const void *))
{
	struct CMUnitTest *t = xcalloc(n, sizeof *t);
	for (size_t i = 0; i < n; i++) {
		void *c = (char *)cases + i * size;
		t[i].name = id_of(c);
		t[i].test_func = fn;
		t[i].initial_state = c;
	}
	int failed = _cmocka_run_group_tests(group, t, n, NULL, NULL);
	free(t);
	return failed;
}

/* ------------------------------------------------------------------ */
/* Reading cases                                                      */

struct read_case {
	const char *id;
	const char *in;
	size_t len;                   /* 0: strlen(in) */
	enum csv_encoding enc;        /* asked for */
	enum csv_encoding want_enc;   /* csv_reader_encoding */
	const char *want;             /* dump */
};

/* Byte strings: CP932 東 93 8C, 京 8B 9E, ソ 83 5C, 表 95 5C, ～ 81 60,
 * ① 87 40, ㈱ 87 8A, 髙 FB FC, ｱｲｳ B1 B2 B3, ｶﾞ B6 DE. */
static const struct read_case read_cases[] = {
	{ "lf", "a,b,c\n1,2,3\n", 0, CSV_AUTO, CSV_UTF8, "1[a|b|c]\n2[1|2|3]" },
	{ "crlf", "a,b,c\r\n1,2,3\r\n", 0, CSV_AUTO, CSV_UTF8, "1[a|b|c]\n2[1|2|3]" },
	{ "no final line break", "a,b\r\n1,2", 0, CSV_AUTO, CSV_UTF8, "1[a|b]\n2[1|2]" },
	{ "quoted comma and doubled quote", "\"a,b\",\"say \"\"hi\"\"\",c\r\n", 0, CSV_AUTO,
	  CSV_UTF8, "1[a,b|say \"hi\"|c]" },
	{ "crlf inside quotes kept", "h1,h2\r\n\"x\r\ny\",2\r\nz,3\r\n", 0, CSV_AUTO, CSV_UTF8,
	  "1[h1|h2]\n2[x\\r\\ny|2]\n4[z|3]" },
	{ "lf inside quotes in a crlf file", "\"a\nb\",\"c\nd\"\r\n1,2\r\n", 0, CSV_AUTO,
	  CSV_UTF8, "1[a\\nb|c\\nd]\n4[1|2]" },
	{ "lone cr inside quotes kept", "\"a\rb\",c\n1,2\n", 0, CSV_AUTO, CSV_UTF8,
	  "1[a\\rb|c]\n3[1|2]" },
	{ "lone cr line ends", "a,b\rc,d\r", 0, CSV_AUTO, CSV_UTF8, "1[a|b]\n2[c|d]" },
	{ "line numbers after multi-line fields", "h\n\"1\n2\n3\"\nx\n\"a\r\n\r\nb\",c\ny\n",
	  0, CSV_AUTO, CSV_UTF8, "1[h]\n2[1\\n2\\n3]\n5[x]\n6[a\\r\\n\\r\\nb|c]\n9[y]" },
	{ "bom", "\xEF\xBB\xBF" "a,b\r\n", 0, CSV_AUTO, CSV_UTF8_BOM, "1[a|b]" },
	{ "bom with utf-8 forced", "\xEF\xBB\xBF" "a,b\r\n", 0, CSV_UTF8, CSV_UTF8_BOM, "1[a|b]" },
	{ "no bom with utf-8-bom asked", "a\n", 0, CSV_UTF8_BOM, CSV_UTF8, "1[a]" },
	{ "bom only", "\xEF\xBB\xBF", 0, CSV_AUTO, CSV_UTF8_BOM, "" },
	{ "empty input", "", 0, CSV_AUTO, CSV_UTF8, "" },
	{ "empty fields", ",,\r\n\"\"\r\n", 0, CSV_AUTO, CSV_UTF8, "1[||]\n2[]" },
	{ "blank lines skipped", "a\n\n\r\n\nb\n\n", 0, CSV_AUTO, CSV_UTF8, "1[a]\n5[b]" },
	{ "ragged rows", "a,b,c\n1\n1,2,3,4\n", 0, CSV_AUTO, CSV_UTF8,
	  "1[a|b|c]\n2[1]\n3[1|2|3|4]" },
	{ "trailing comma", "a,\n", 0, CSV_AUTO, CSV_UTF8, "1[a|]" },
	{ "spaces kept", " a , b \n", 0, CSV_AUTO, CSV_UTF8, "1[ a | b ]" },
	{ "quote inside unquoted field", "ab\"c,d\"\n", 0, CSV_AUTO, CSV_UTF8, "1[ab\"c|d\"]" },
	{ "only a doubled quote", "\"\"\"\"\n", 0, CSV_AUTO, CSV_UTF8, "1[\"]" },
	{ "utf-8 japanese", "東京都,ﾄｳｷｮｳﾄ,～①\n", 0, CSV_AUTO, CSV_UTF8, "1[東京都|ﾄｳｷｮｳﾄ|～①]" },
	{ "unterminated quote", "a,b\n\"c,d\ne,f\n", 0, CSV_AUTO, CSV_UTF8,
	  "1[a|b]\n2!column 1: the quote opened on line 2 is never closed\n3[e|f]" },
	{ "unterminated quote in a later column", "a,\"b\nc\n", 0, CSV_AUTO, CSV_UTF8,
	  "1!column 2: the quote opened on line 1 is never closed\n2[c]" },
	{ "text after closing quote", "\"a\"b,c\nd,e\n", 0, CSV_AUTO, CSV_UTF8,
	  "1!column 1: text after the closing quote\n2[d|e]" },
	{ "nul mid-file", "a,b\nc\0d,e\nf,g\n", 14, CSV_AUTO, CSV_UTF8,
	  "1[a|b]\n2!column 1: NUL byte on line 2\n3[f|g]" },
	{ "nul inside a multi-line quoted field", "x,\"y\0\nz\",1\nf,g\n", 15, CSV_AUTO,
	  CSV_UTF8, "1!column 2: NUL byte on line 1\n3[f|g]" },
	{ "invalid utf-8 forced", "a,b\n\xFF,c\nd,e\n", 0, CSV_UTF8, CSV_UTF8,
	  "1[a|b]\n2!column 1: invalid UTF-8 (byte 0xFF)\n3[d|e]" },
	{ "truncated utf-8 at field end", "x,\xE6\x9D,y\nz\n", 0, CSV_UTF8, CSV_UTF8,
	  "1!column 2: invalid UTF-8\n2[z]" },
	{ "invalid utf-8 after a bom", "\xEF\xBB\xBF" "a\n\xC3\nb\n", 0, CSV_AUTO, CSV_UTF8_BOM,
	  "1[a]\n2!invalid UTF-8\n3[b]" },
	{ "cp932 kanji", "\x93\x8C\x8B\x9E,1\r\n", 0, CSV_AUTO, CSV_CP932, "1[東京|1]" },
	{ "cp932 half-width kana", "\xB1\xB2\xB3,\xB6\xDE\r\n", 0, CSV_AUTO, CSV_CP932,
	  "1[ｱｲｳ|ｶﾞ]" },
	{ "cp932 tilde circled and ibm kanji", "\x81\x60,\x87\x40,\x87\x8A,\xFB\xFC\r\n", 0,
	  CSV_AUTO, CSV_CP932, "1[～|①|㈱|髙]" },
	{ "cp932 0x5c trail beside quote and comma",
	  "\"\x83\x5C\",\x95\x5C\r\n\"\x95\x5C\"\"\"\r\n\\\r\n", 0, CSV_AUTO, CSV_CP932,
	  "1[ソ|表]\n2[表\"]\n3[\\\\]" },
	{ "cp932 header with a line break",
	  "\"\x93\x73\x93\xB9\x95\x7B\x8C\xA7\x96\xBC\n\x81\x69\x8A\xBF\x8E\x9A\x81\x6A\",x\r\n"
	  "1,2\r\n", 0, CSV_AUTO, CSV_CP932, "1[都道府県名\\n（漢字）|x]\n3[1|2]" },
	{ "cp932 forced, one bad byte", "a\r\n\x93\x8C\x80\r\nb\r\n", 0, CSV_CP932, CSV_CP932,
	  "1[a]\n2!column 1: byte 0x80 is not valid CP932\n3[b]" },
	{ "cp932 forced on plain ascii", "a,b\r\n", 0, CSV_CP932, CSV_CP932, "1[a|b]" },
	{ "cp932 lead byte before a comma", "\x93\x8C,\x93,x\r\ny\r\n", 0, CSV_CP932, CSV_CP932,
	  "1!column 2: byte 0x93 is not valid CP932\n2[y]" },
	{ "auto: cp932 with one damaged record",
	  "\x93\x8C\r\n\x8B\x9E\r\n\x93\x8C\x8B\x9E\r\nok\r\n\x80\r\nlast\r\n", 0, CSV_AUTO,
	  CSV_CP932, "1[東]\n2[京]\n3[東京]\n4[ok]\n5!byte 0x80 is not valid CP932\n6[last]" },
	{ "auto: utf-8 with one damaged record", "あ\nい\nう\n\xFF\nok\n", 0, CSV_AUTO, CSV_UTF8,
	  "1[あ]\n2[い]\n3[う]\n4!invalid UTF-8 (byte 0xFF)\n5[ok]" },
};

static const char *
read_case_id(const void *c)
{
	return ((const struct read_case *)c)->id;
}

static void
test_read_case(void **state)
{
	const struct read_case *c = *state;
	size_t len = c->len ? c->len : strlen(c->in);
	char *cause = NULL;

	struct csv_reader *r = csv_open_mem(c->in, len, c->enc, &cause);
	if (r == NULL) {
		print_error("case %s: csv_open_mem: %s\n", c->id, cause);
		fail();
	}
	if (csv_reader_encoding(r) != c->want_enc) {
		print_error("case %s: encoding %s, want %s\n", c->id,
		    enc_name(csv_reader_encoding(r)), enc_name(c->want_enc));
		fail();
	}
	char *got = dump_all(r);
	assert_dump(c->id, got, c->want);
	free(got);
	csv_close(r);
}

/* Inputs csv_open_mem refuses, with a word of the cause. */
struct open_fail_case {
	const char *id;
	const char *in;
	size_t len;
	enum csv_encoding enc;
	const char *want;
};

static const struct open_fail_case open_fail_cases[] = {
	{ "neither utf-8 nor cp932", "\x80\n", 0, CSV_AUTO, "neither UTF-8 nor CP932" },
	{ "mostly bad in both", "\x80\n\xFD\nx\n\x93\x8C\n", 0, CSV_AUTO, "neither UTF-8 nor CP932" },
	{ "utf-16le", "\xFF\xFE" "a\0,\0", 6, CSV_AUTO, "UTF-16" },
	{ "utf-16be", "\xFE\xFF\0a\0,", 6, CSV_UTF8, "UTF-16" },
	{ "bom with cp932 forced", "\xEF\xBB\xBF" "a\n", 0, CSV_CP932, "byte order mark" },
	{ "unknown encoding", "a\n", 0, (enum csv_encoding)42, "unknown encoding" },
};

static const char *
open_fail_id(const void *c)
{
	return ((const struct open_fail_case *)c)->id;
}

static void
test_open_fail_case(void **state)
{
	const struct open_fail_case *c = *state;
	size_t len = c->len ? c->len : strlen(c->in);
	char *cause = NULL;

	struct csv_reader *r = csv_open_mem(c->in, len, c->enc, &cause);
	assert_null(r);
	assert_non_null(cause);
	if (strstr(cause, c->want) == NULL) {
		print_error("case %s: cause \"%s\" lacks \"%s\"\n", c->id, cause, c->want);
		fail();
	}
	free(cause);
}

/* ------------------------------------------------------------------ */
/* Reading: single tests                                              */

/*
 * The reader splits CP932 into fields before decoding.  That is sound only
 * if no CP932 character has NUL, LF, CR, '"' or ',' as its trail byte;
 * check it against glibc's table itself, and that 0x5C is a trail byte.
 */
static void
test_cp932_structural_bytes_never_trail(void **state)
{
	(void)state;
	iconv_t cd = iconv_open("UTF-8", "CP932");
	assert_true(cd != (iconv_t)-1);
	static const unsigned char structural[] = { 0x00, 0x0A, 0x0D, 0x22, 0x2C };
	int pairs = 0;
	for (int lead = 0x80; lead <= 0xFF; lead++) {
		for (size_t k = 0; k < sizeof structural; k++) {
			char in[2] = { (char)lead, (char)structural[k] };
			char out[16];
			char *ip = in, *op = out;
			size_t il = 2, ol = sizeof out;
			iconv(cd, NULL, NULL, NULL, NULL);
			size_t rc = iconv(cd, &ip, &il, &op, &ol);
			/* Where both bytes convert, the structural one must come
			 * out as itself, last (UTF-8 never ends a character in
			 * a byte below 0x80). */
			if (rc != (size_t)-1 && il == 0 &&
			    (op == out || (unsigned char)op[-1] != structural[k]))
				pairs++;
		}
	}
	assert_int_equal(pairs, 0);

	char in[2] = { (char)0x83, 0x5C }, out[16];
	char *ip = in, *op = out;
	size_t il = 2, ol = sizeof out;
	iconv(cd, NULL, NULL, NULL, NULL);
	assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
	assert_int_equal(op - out, 3);
	assert_memory_equal(out, "ソ", 3);
	iconv_close(cd);
}

/* A 1 MB quoted field full of quotes, commas and line breaks. */
static void
long_field(enum csv_encoding write_enc, const char *unit, size_t unit_len,
    const char *want_unit)
{
	const size_t reps = (1u << 20) / unit_len + 1;
	struct strbuf in = SB_INIT, want = SB_INIT;
	char **f;
	size_t n;
	long line;
	char *cause = NULL;

	sb_adds(&in, "h1,h2\r\nx,\"");
	for (size_t i = 0; i < reps; i++) {
		sb_add(&in, unit, unit_len);
		sb_adds(&want, want_unit);
	}
	sb_adds(&in, "\"\r\nnext,1\r\n");
	assert_true(in.len > (1u << 20));

	struct csv_reader *r = csv_open_mem(in.s, in.len, CSV_AUTO, &cause);
	assert_non_null(r);
	assert_int_equal(csv_reader_encoding(r), write_enc);
	assert_int_equal(csv_next(r, &f, &n, &line, &cause), 1);
	assert_int_equal(line, 1);
	assert_int_equal(csv_next(r, &f, &n, &line, &cause), 1);
	assert_int_equal(line, 2);
	assert_int_equal(n, 2);
	assert_string_equal(f[0], "x");
	assert_int_equal(strlen(f[1]), want.len);
	assert_memory_equal(f[1], want.s, want.len);
	assert_int_equal(csv_next(r, &f, &n, &line, &cause), 1);
	assert_int_equal(line, 3 + (long)reps); /* one LF per unit */
	assert_string_equal(f[0], "next");
	assert_int_equal(csv_next(r, &f, &n, &line, &cause), 0);
	csv_close(r);
	sb_free(&in);
	sb_free(&want);
}

static void
test_long_field_utf8(void **state)
{
	(void)state;
	/* "東京,""x""\n" as it appears in the file, and as read */
	long_field(CSV_UTF8, "東京,\"\"x\"\"\n", strlen("東京,\"\"x\"\"\n"), "東京,\"x\"\n");
}

static void
test_long_field_cp932(void **state)
{
	(void)state;
	long_field(CSV_CP932, "\x93\x8C\x8B\x9E,\"\"\xB1\"\"\n", 11, "東京,\"ｱ\"\n");
}

/* The same small sheet saved by "Excel" as CP932 and as UTF-8 with BOM. */
static void
test_fixture_files(void **state)
{
	(void)state;
	static const char *const paths[] = {
		"tests/fixtures/csv/header_cp932.csv",
		"tests/fixtures/csv/header_utf8bom.csv",
	};
	static const enum csv_encoding encs[] = { CSV_CP932, CSV_UTF8_BOM };
	const char *want =
	    "1[団体コード|都道府県名\\n（漢字）|市区町村名\\n（カナ）]\n"
	    "4[011002|北海道|ｻｯﾎﾟﾛｼ]\n"
	    "5[012025|北海道|ﾊｺﾀﾞﾃｼ, \"ﾃｽﾄ\"]";

	for (size_t i = 0; i < 2; i++) {
		char *cause = NULL;
		struct csv_reader *r = csv_open(paths[i], CSV_AUTO, &cause);
		if (r == NULL) {
			print_error("%s: %s\n", paths[i], cause);
			fail();
		}
		assert_int_equal(csv_reader_encoding(r), encs[i]);
		char *got = dump_all(r);
		assert_dump(paths[i], got, want);
		free(got);
		csv_close(r);
	}
}

static void
test_open_missing_file(void **state)
{
	(void)state;
	char *cause = NULL;
	assert_null(csv_open("tests/fixtures/csv/no-such-file.csv", CSV_AUTO, &cause));
	assert_non_null(cause);
	assert_non_null(strstr(cause, "no-such-file.csv"));
	free(cause);
}

/*
 * The ministry's code sheet as Excel saves it, in both encodings (shared
 * reference data, never copied into the repository): 1,794 bodies and a
 * header whose cells hold line breaks, identical field by field.
 */
static void
test_real_soumu_files(void **state)
{
	(void)state;
	const char *cp = "../shared/data/soumu_lg_codes_cp932.csv";
	const char *u8 = "../shared/data/soumu_lg_codes_utf8bom.csv";
	if (access(cp, R_OK) != 0 || access(u8, R_OK) != 0) {
		print_message("skipped: %s or %s is absent\n", cp, u8);
		skip();
	}
	char *cause = NULL;
	struct csv_reader *a = csv_open(cp, CSV_AUTO, &cause);
	if (a == NULL)
		print_error("%s: %s\n", cp, cause);
	assert_non_null(a);
	struct csv_reader *b = csv_open(u8, CSV_AUTO, &cause);
	if (b == NULL)
		print_error("%s: %s\n", u8, cause);
	assert_non_null(b);
	assert_int_equal(csv_reader_encoding(a), CSV_CP932);
	assert_int_equal(csv_reader_encoding(b), CSV_UTF8_BOM);

	long records = 0;
	for (;;) {
		char **fa, **fb;
		size_t na, nb;
		long la, lb;
		int ra = csv_next(a, &fa, &na, &la, &cause);
		if (ra == -1)
			print_error("%s:%ld: %s\n", cp, la, cause);
		assert_int_not_equal(ra, -1);
		/* fa stays valid until a's next call, so b's call is fine. */
		int rb = csv_next(b, &fb, &nb, &lb, &cause);
		if (rb == -1)
			print_error("%s:%ld: %s\n", u8, lb, cause);
		assert_int_equal(ra, rb);
		if (ra == 0)
			break;
		records++;
		assert_int_equal(la, lb);
		assert_int_equal(na, nb);
		assert_int_equal(na, 5);
		for (size_t i = 0; i < na; i++)
			assert_string_equal(fa[i], fb[i]);
		if (records == 1) {
			assert_string_equal(fa[0], "団体コード");
			assert_string_equal(fa[1], "都道府県名\n（漢字）");
			assert_string_equal(fa[4], "市区町村名\n（カナ）");
		} else if (records == 2) {
			assert_int_equal(la, 6); /* the header takes five lines */
			assert_string_equal(fa[0], "010006");
			assert_string_equal(fa[1], "北海道");
			assert_string_equal(fa[3], "ﾎｯｶｲﾄﾞｳ");
		}
	}
	assert_int_equal(records, 1795);
	csv_close(a);
	csv_close(b);
}

/* ------------------------------------------------------------------ */
/* Writing                                                            */

struct write_case {
	const char *id;
	enum csv_encoding enc;
	bool inert;
	size_t n;
	const char *fields[10];
	const char *want;             /* the bytes written */
};

static const struct write_case write_cases[] = {
	{ "plain", CSV_UTF8, false, 2, { "a", "b" }, "a,b\r\n" },
	{ "quoting", CSV_UTF8, false, 5, { "a,b", "say \"hi\"", "l1\nl2", "c\rr", "x\r\ny" },
	  "\"a,b\",\"say \"\"hi\"\"\",\"l1\nl2\",\"c\rr\",\"x\r\ny\"\r\n" },
	{ "edge spaces", CSV_UTF8, false, 4, { " lead", "trail ", "mid dle", "\tt" },
	  "\" lead\",\"trail \",mid dle,\"\tt\"\r\n" },
	{ "one empty field", CSV_UTF8, false, 1, { "" }, "\"\"\r\n" },
	{ "two empty fields", CSV_UTF8, false, 2, { "", "" }, ",\r\n" },
	{ "null is empty", CSV_UTF8, false, 2, { NULL, "x" }, ",x\r\n" },
	{ "no fields", CSV_UTF8, false, 0, { NULL }, "" },
	{ "inert", CSV_UTF8, true, 10,
	  { "=1+1", "+81-3-1234-5678", "-5", "-1,234", "@SUM(A1)", "-", "'abc", "plain", "-x",
	    "+1.5e3" },
	  "'=1+1,'+81-3-1234-5678,-5,\"-1,234\",'@SUM(A1),-,''abc,plain,'-x,+1.5e3\r\n" },
	{ "inert tab and cr", CSV_UTF8, true, 2, { "\tx", "\rx" }, "\"'\tx\",\"'\rx\"\r\n" },
	{ "inert quoted", CSV_UTF8, true, 1, { "=HYPERLINK(\"x\",\"y\")" },
	  "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"\r\n" },
	{ "not inert", CSV_UTF8, false, 3, { "=1+1", "'abc", "-x" }, "=1+1,'abc,-x\r\n" },
	{ "utf-8 with bom", CSV_UTF8_BOM, false, 2, { "東京", "😀" },
	  "\xEF\xBB\xBF東京,😀\r\n" },
	{ "auto writes utf-8", CSV_AUTO, false, 1, { "東京" }, "東京\r\n" },
	{ "cp932", CSV_CP932, false, 5, { "東京", "ｶﾞ", "～", "①㈱髙", "表\"x" },
	  "\x93\x8C\x8B\x9E,\xB6\xDE,\x81\x60,\x87\x40\x87\x8A\xFB\xFC,\"\x95\x5C\"\"x\"\r\n" },
	{ "cp932 wave dash twin", CSV_CP932, false, 2, { "10月〜11月", "−‖" },
	  "10\x8C\x8E\x81\x60" "11\x8C\x8E,\x81\x7C\x81\x61\r\n" },
	{ "cp932 inert", CSV_CP932, true, 2, { "=東", "-5" }, "'=\x93\x8C,-5\r\n" },
};

static const char *
write_case_id(const void *c)
{
	return ((const struct write_case *)c)->id;
}

static void
test_write_case(void **state)
{
	const struct write_case *c = *state;
	char *buf = NULL;
	size_t len = 0;
	char *cause = NULL;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	struct csv_writer *w = csv_writer_new(f, c->enc);
	assert_non_null(w);
	if (csv_write(w, c->fields, c->n, c->inert, &cause) != 0) {
		print_error("case %s: %s\n", c->id, cause);
		fail();
	}
	csv_writer_free(w);
	fclose(f);
	size_t wl = strlen(c->want);
	if (len != wl || memcmp(buf, c->want, wl) != 0) {
		print_error("case %s: wrote %zu bytes \"%.*s\", want %zu \"%s\"\n", c->id, len,
		    (int)len, buf, wl, c->want);
		fail();
	}
	free(buf);
}

/* Values the writer must refuse: the cause has every WANT string, and
 * nothing of the record is written (the records around it are). */
struct refuse_case {
	const char *id;
	enum csv_encoding enc;
	size_t n;
	const char *fields[4];
	const char *want[4];
};

static const struct refuse_case refuse_cases[] = {
	{ "cp932 emoji", CSV_CP932, 2, { "ok", "東京😀" }, { "field 1", "U+1F600", "(😀)" } },
	{ "cp932 yen sign", CSV_CP932, 1, { "¥500" }, { "field 0", "U+00A5 (¥)", "U+005C" } },
	{ "cp932 overline", CSV_CP932, 2, { "a", "‾" }, { "field 1", "U+203E" } },
	{ "cp932 tag character dropped by glibc", CSV_CP932, 1, { "a\xF3\xA0\x80\x81" },
	  { "U+E0001", "dropped" } },
	{ "cp932 accented latin", CSV_CP932, 3, { "a", "b", "café" }, { "field 2", "U+00E9 (é)" } },
	{ "invalid utf-8 value", CSV_UTF8, 2, { "a", "\xFF" }, { "field 1", "invalid UTF-8" } },
	{ "invalid utf-8 value in cp932", CSV_CP932, 1, { "\xE6\x9D" }, { "invalid UTF-8" } },
};

static const char *
refuse_case_id(const void *c)
{
	return ((const struct refuse_case *)c)->id;
}

static void
test_refuse_case(void **state)
{
	const struct refuse_case *c = *state;
	char *buf = NULL;
	size_t len = 0;
	char *cause = NULL;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	struct csv_writer *w = csv_writer_new(f, c->enc);
	assert_non_null(w);

	const char *good[] = { "x", "y" };
	assert_int_equal(csv_write(w, good, 2, false, NULL), 0);
	assert_int_equal(csv_write(w, c->fields, c->n, true, &cause), -1);
	assert_non_null(cause);
	for (size_t i = 0; i < 4 && c->want[i] != NULL; i++) {
		if (strstr(cause, c->want[i]) == NULL) {
			print_error("case %s: cause \"%s\" lacks \"%s\"\n", c->id, cause, c->want[i]);
			fail();
		}
	}
	/* The field it names, for callers to name by its column. */
	size_t idx;
	const char *rest = csv_write_cause(cause, &idx);
	if (strncmp(c->want[0], "field ", 6) == 0) {
		assert_int_equal(idx, strtoul(c->want[0] + 6, NULL, 10));
		assert_true(rest > cause && strncmp(rest, "field", 5) != 0 && *rest != '\0');
	}
	free(cause);
	assert_int_equal(csv_write(w, good, 2, false, NULL), 0);
	csv_writer_free(w);
	fclose(f);
	assert_int_equal(len, 10);
	assert_memory_equal(buf, "x,y\r\nx,y\r\n", 10);
	free(buf);
}

/* A cause that names no field (a write error) is passed on whole. */
static void
test_write_cause_without_field(void **state)
{
	(void)state;
	size_t idx = 0;
	const char *cause = "write error: No space left on device";
	assert_ptr_equal(csv_write_cause(cause, &idx), cause);
	assert_int_equal(idx, (size_t)-1);
	assert_string_equal(csv_write_cause(NULL, &idx), "");
	assert_string_equal(csv_write_cause("field 12: too long", &idx), "too long");
	assert_int_equal(idx, 12);
}

struct uninert_case {
	const char *id;
	const char *in;
	const char *want;
};

static const struct uninert_case uninert_cases[] = {
	{ "formula", "'=1+1", "=1+1" },
	{ "at", "'@x", "@x" },
	{ "tab", "'\tx", "\tx" },
	{ "phone", "'+81-3", "+81-3" },
	{ "escaped quote", "''abc", "'abc" },
	{ "escaped lone quote", "''", "'" },
	{ "user quote kept", "'abc", "'abc" },
	{ "lone quote kept", "'", "'" },
	{ "quoted number kept", "'-5", "'-5" },
	{ "plain", "abc", "abc" },
	{ "bare formula", "=1", "=1" },
	{ "empty", "", "" },
	{ "null", NULL, "" },
};

static const char *
uninert_case_id(const void *c)
{
	return ((const struct uninert_case *)c)->id;
}

static void
test_uninert_case(void **state)
{
	const struct uninert_case *c = *state;
	assert_string_equal(csv_uninert(c->in), c->want);
}

/*
 * Awkward values written with inert and read back (detected) give the
 * values again after csv_uninert, in every encoding; in CP932 the wave
 * dash comes back as its twin, and values CP932 cannot hold are refused.
 */
static void
test_round_trip(void **state)
{
	(void)state;
	static const char *const values[] = {
		"", " lead", "trail ", "a,b", "say \"hi\"", "\"", "\"\"", "l1\r\nl2", "l1\nl2",
		"cr\ronly", "\r\n", "=HYPERLINK(\"http://x\",\"y\")", "-5", "-1,234", "-x",
		"+81-3-1234-5678", "@x", "\tx", "'", "''", "'=1", "'quoted", "東京都",
		"ｶﾞｷﾞｸﾞ", "～①㈱髙", "表ソ\\", "〜", "😀", "a|b",
	};
	static const enum csv_encoding encs[] = { CSV_UTF8, CSV_UTF8_BOM, CSV_CP932 };
	const size_t nv = sizeof values / sizeof values[0];

	for (size_t e = 0; e < 3; e++) {
		char *buf = NULL;
		size_t len = 0;
		char *cause = NULL;
		FILE *f = open_memstream(&buf, &len);
		struct csv_writer *w = csv_writer_new(f, encs[e]);
		assert_non_null(w);
		/* A first row that makes the CP932 file invalid UTF-8, so
		 * detection has something to go by. */
		const char *first[] = { "東京", "x" };
		assert_int_equal(csv_write(w, first, 2, true, &cause), 0);
		for (size_t i = 0; i < nv; i++) {
			/* each value alone, and between others */
			const char *one[] = { values[i] };
			const char *three[] = { "a", values[i], "b" };
			int r1 = csv_write(w, one, 1, true, &cause);
			if (r1 == -1) {
				assert_int_equal(encs[e], CSV_CP932);
				assert_string_equal(values[i], "😀");
				free(cause);
				cause = NULL;
				continue;
			}
			assert_int_equal(csv_write(w, three, 3, true, &cause), 0);
		}
		csv_writer_free(w);
		fclose(f);

		struct csv_reader *r = csv_open_mem(buf, len, CSV_AUTO, &cause);
		assert_non_null(r);
		assert_int_equal(csv_reader_encoding(r), encs[e]);
		char **fl;
		size_t n;
		long line;
		assert_int_equal(csv_next(r, &fl, &n, &line, &cause), 1);
		assert_string_equal(fl[0], "東京");
		for (size_t i = 0; i < nv; i++) {
			if (encs[e] == CSV_CP932 && strcmp(values[i], "😀") == 0)
				continue;
			const char *want = values[i];
			if (encs[e] == CSV_CP932 && strcmp(want, "〜") == 0)
				want = "～";
			for (size_t k = 0; k < 2; k++) {
				int rc = csv_next(r, &fl, &n, &line, &cause);
				if (rc != 1)
					print_error("%s value %zu: rc %d %s\n", enc_name(encs[e]), i, rc,
					    rc == -1 ? cause : "");
				assert_int_equal(rc, 1);
				assert_int_equal(n, k == 0 ? 1 : 3);
				const char *got = csv_uninert(fl[k == 0 ? 0 : 1]);
				if (strcmp(got, want) != 0) {
					print_error("%s value %zu: got \"%s\", want \"%s\"\n",
					    enc_name(encs[e]), i, got, want);
					fail();
				}
				if (k == 1) {
					assert_string_equal(fl[0], "a");
					assert_string_equal(fl[2], "b");
				}
			}
		}
		assert_int_equal(csv_next(r, &fl, &n, &line, &cause), 0);
		csv_close(r);
		free(buf);
	}
}

struct parse_case {
	const char *name;
	int want;
};

static void
test_encoding_parse(void **state)
{
	(void)state;
	static const struct parse_case cases[] = {
		{ "utf-8", CSV_UTF8 }, { "UTF-8", CSV_UTF8 }, { "utf8", CSV_UTF8 },
		{ "utf-8-bom", CSV_UTF8_BOM }, { "UTF-8-BOM", CSV_UTF8_BOM },
		{ "cp932", CSV_CP932 }, { "CP932", CSV_CP932 }, { "sjis", CSV_CP932 },
		{ "Shift_JIS", CSV_CP932 }, { "windows-31j", CSV_CP932 }, { "MS932", CSV_CP932 },
		{ "latin1", -1 }, { "", -1 }, { "utf-16", -1 }, { "auto", -1 }, { NULL, -1 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int got = csv_encoding_parse(cases[i].name);
		if (got != cases[i].want) {
			print_error("\"%s\": %d, want %d\n", cases[i].name ? cases[i].name : "(null)",
			    got, cases[i].want);
			fail();
		}
	}
}

int
main(void)
{
	/* The messages checked are the English ones (i18n's default is Japanese). */
	i18n_set_lang(LANG_EN);
	const struct CMUnitTest single[] = {
		cmocka_unit_test(test_cp932_structural_bytes_never_trail),
		cmocka_unit_test(test_long_field_utf8),
		cmocka_unit_test(test_long_field_cp932),
		cmocka_unit_test(test_fixture_files),
		cmocka_unit_test(test_open_missing_file),
		cmocka_unit_test(test_real_soumu_files),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_write_cause_without_field),
		cmocka_unit_test(test_encoding_parse),
	};
	int failed = 0;

	failed += run_table("csv_read", test_read_case, (void *)read_cases, sizeof read_cases[0],
	    sizeof read_cases / sizeof read_cases[0], read_case_id);
	failed += run_table("csv_open_fail", test_open_fail_case, (void *)open_fail_cases,
	    sizeof open_fail_cases[0], sizeof open_fail_cases / sizeof open_fail_cases[0],
	    open_fail_id);
	failed += run_table("csv_write", test_write_case, (void *)write_cases,
	    sizeof write_cases[0], sizeof write_cases / sizeof write_cases[0], write_case_id);
	failed += run_table("csv_write_refuse", test_refuse_case, (void *)refuse_cases,
	    sizeof refuse_cases[0], sizeof refuse_cases / sizeof refuse_cases[0], refuse_case_id);
	failed += run_table("csv_uninert", test_uninert_case, (void *)uninert_cases,
	    sizeof uninert_cases[0], sizeof uninert_cases / sizeof uninert_cases[0],
	    uninert_case_id);
	failed += cmocka_run_group_tests_name("csv", single, NULL, NULL);
	return failed ? 1 : 0;
}
