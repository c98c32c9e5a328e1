/*
 * test_record.c - record fields in memory and the stored byte format:
 * round trips from a table of cases, the exact bytes of one encoding, a
 * table of malformed buffers (each rejected with the expected message),
 * every truncation of valid buffers, and single-byte corruptions.
 */
/* Ours before cmocka.h, whose fail() macro would hit util.h's fail(). */
#include "i18n.h"
#include "record.h"
#include "util.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* ---- record_set / record_get ---- */

static void
test_set_get(void **state)
{
	(void)state;
	struct record *r = record_new();

	assert_int_equal(r->version, 0);
	assert_string_equal(record_get(r, "name"), "");
	record_set(r, "name", "山田");
	record_set(r, "kana", "ヤマダ");
	record_set(r, "pref", "東京都");
	assert_int_equal(r->n, 3);
	assert_string_equal(record_get(r, "kana"), "ヤマダ");

	/* Replacing keeps the place; removing keeps the others' order. */
	record_set(r, "name", "山本");
	assert_string_equal(r->ids[0], "name");
	assert_string_equal(r->vals[0], "山本");
	record_set(r, "kana", "");
	assert_int_equal(r->n, 2);
	assert_string_equal(r->ids[0], "name");
	assert_string_equal(r->ids[1], "pref");
	assert_string_equal(record_get(r, "kana"), "");
	record_set(r, "pref", NULL);
	record_set(r, "absent", NULL);
	assert_int_equal(r->n, 1);

	/* Setting a field to its own value (the pointer record_get gave). */
	record_set(r, "name", record_get(r, "name"));
	assert_string_equal(record_get(r, "name"), "山本");

	/* Many fields: growth keeps everything in order. */
	char id[16], val[16];
	for (int i = 0; i < 100; i++) {
		snprintf(id, sizeof id, "f%d", i);
		snprintf(val, sizeof val, "v%d", i);
		record_set(r, id, val);
	}
	assert_int_equal(r->n, 101);
	assert_string_equal(r->ids[100], "f99");
	assert_string_equal(record_get(r, "f42"), "v42");

	/* A copy is independent. */
	r->version = 7;
	struct record *d = record_dup(r);
	record_set(r, "name", "changed");
	assert_int_equal(d->version, 7);
	assert_int_equal(d->n, 101);
	assert_string_equal(record_get(d, "name"), "山本");
	record_free(d);
	record_free(r);
	record_free(NULL);

	r = record_new();
	d = record_dup(r);
	assert_int_equal(d->n, 0);
	record_free(d);
	record_free(r);
}

/* An id the format cannot hold is a bug of the caller: record_set stops
 * the program (in a child here) rather than store it. */
static void
test_set_bad_id_aborts(void **state)
{
	(void)state;
	char long_id[257];

	memset(long_id, 'i', 256);
	long_id[256] = '\0';
	const char *ids[] = { "", long_id };
	for (size_t i = 0; i < 2; i++) {
		fflush(NULL);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			/* Keep the expected message out of the test output. */
			if (freopen("/dev/null", "w", stderr) == NULL)
				_exit(2);
			struct record *r = record_new();
			record_set(r, ids[i], "x");
			_exit(0);
		}
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGABRT);
	}
}

/* ---- round trips ---- */

#define BIG_VALUE	1	/* add a 1 MB value */
#define LONG_ID		2	/* add a field with a 255-byte id */

static const struct rt_case {
	const char *name;
	uint32_t version;
	int special;
	const char *f[8][2];	/* id, value; ends at a NULL id */
} rt_cases[] = {
	{ "empty record", 0, 0, { { NULL, NULL } } },
	{ "new record", 1, 0, { { "name", "x" }, { NULL, NULL } } },
	{ "japanese values", 42, 0, {
		{ "name", "山田太郎" }, { "kana", "ヤマダタロウ" }, { "half", "ﾔﾏﾀﾞ" },
		{ "addr", "東京都千代田区霞が関１－２－３" }, { "note", "①㈱髙～" },
		{ NULL, NULL } } },
	{ "japanese ids", 3, 0, { { "氏名", "値" }, { "a", "b" }, { NULL, NULL } } },
	{ "control characters and newlines", 5, 0, {
		{ "memo", "line 1\nline 2\r\n\ttab \x1b[0m" }, { NULL, NULL } } },
	{ "largest version", UINT32_MAX, 0, { { "z", "1" }, { NULL, NULL } } },
	{ "empty values are left out", 9, 0, {
		{ "a", "1" }, { "b", "" }, { "c", "3" }, { NULL, NULL } } },
	{ "1 MB value", 2, BIG_VALUE, { { "before", "x" }, { NULL, NULL } } },
	{ "255-byte id", 2, LONG_ID, { { "after", "y" }, { NULL, NULL } } },
	{ "both", 8, BIG_VALUE | LONG_ID, { { NULL, NULL } } },
};

/* The record of case C, special fields added last. */
static struct record *
rt_build(const struct rt_case *c)
{
	struct record *r = record_new();

	r->version = c->version;
	for (size_t i = 0; c->f[i][0] != NULL; i++)
		record_set(r, c->f[i][0], c->f[i][1]);
	if (c->special & BIG_VALUE) {
		size_t n = 1 << 20;
		char *big = xmalloc(n + 1);
		for (size_t i = 0; i < n; i++)
			big[i] = "あいうえお"[i % 15];	/* valid UTF-8 up to a cut */
		big[n] = '\0';
		record_set(r, "big", big);
		free(big);
	}
	if (c->special & LONG_ID) {
		char id[256];
		memset(id, 'i', 255);
		id[255] = '\0';
		record_set(r, id, "long id");
	}
	return r;
}

/* Field count of R that an encoding holds (non-empty values). */
static size_t
nonempty(const struct record *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += r->vals[i][0] != '\0';
	return n;
}

static void
assert_same_record(const struct record *a, const struct record *b)
{
	assert_int_equal(a->version, b->version);
	assert_int_equal(nonempty(a), b->n);
	size_t j = 0;
	for (size_t i = 0; i < a->n; i++) {
		if (a->vals[i][0] == '\0')
			continue;
		assert_string_equal(a->ids[i], b->ids[j]);
		assert_string_equal(a->vals[i], b->vals[j]);
		j++;
	}
}

static void
test_round_trips(void **state)
{
	(void)state;
	for (size_t t = 0; t < sizeof rt_cases / sizeof rt_cases[0]; t++) {
		const struct rt_case *c = &rt_cases[t];
		struct record *r = rt_build(c), *d = NULL;
		void *buf;
		size_t len;
		char *cause = NULL;

		record_encode(r, &buf, &len);
		if (record_decode(buf, len, &d, &cause) != 0)
			fail_msg("case \"%s\": %s", c->name, cause);
		assert_null(cause);
		assert_same_record(r, d);

		/* Encoding the decoded record gives the same bytes. */
		void *buf2;
		size_t len2;
		record_encode(d, &buf2, &len2);
		assert_int_equal(len, len2);
		assert_memory_equal(buf, buf2, len);

		free(buf);
		free(buf2);
		record_free(r);
		record_free(d);
	}
}

/* The documented layout, byte for byte. */
static void
test_exact_bytes(void **state)
{
	(void)state;
	static const unsigned char want[] = {
		'R', 1,
		0x01, 0x02, 0x03, 0x04,			/* version */
		0x00, 0x02,				/* 2 fields */
		1, 'a', 0, 0, 0, 1, 'x',
		6, 0xe6, 0xb0, 0x8f, 0xe5, 0x90, 0x8d,	/* 氏名 */
		0, 0, 0, 3, 0xe5, 0xb1, 0xb1,		/* 山 */
	};
	struct record *r = record_new();
	void *buf;
	size_t len;

	r->version = 0x01020304;
	record_set(r, "a", "x");
	record_set(r, "empty", "");
	record_set(r, "氏名", "山");
	record_encode(r, &buf, &len);
	assert_int_equal(len, sizeof want);
	assert_memory_equal(buf, want, sizeof want);
	free(buf);

	/* An empty record is its 8-byte header. */
	record_free(r);
	r = record_new();
	record_encode(r, &buf, &len);
	assert_int_equal(len, 8);
	assert_memory_equal(buf, "R\001\000\000\000\000\000\000", 8);
	free(buf);
	record_free(r);
}

/* ---- malformed buffers ---- */

#define B(...) (const unsigned char[]){ __VA_ARGS__ }, sizeof((const unsigned char[]){ __VA_ARGS__ })
#define HDR(n) 'R', 1, 0, 0, 0, 1, 0, (n)

static const struct bad_case {
	const char *name;
	const unsigned char *buf;
	size_t len;
	const char *expect;	/* part of the message */
} bad_cases[] = {
	{ "empty buffer", (const unsigned char *)"", 0, "shorter than" },
	{ "short header", B('R', 1, 0, 0, 0, 1, 0), "shorter than" },
	{ "bad magic", B('X', 1, 0, 0, 0, 1, 0, 0), "bad magic" },
	{ "format 0", B('R', 0, 0, 0, 0, 1, 0, 0), "unknown format version 0" },
	{ "format 2", B('R', 2, 0, 0, 0, 1, 0, 0), "unknown format version 2" },
	{ "count without fields", B(HDR(1)), "cannot fit" },
	{ "count exceeding the buffer", B('R', 1, 0, 0, 0, 1, 0xff, 0xff,
	    1, 'a', 0, 0, 0, 1, 'x'), "cannot fit" },
	{ "id length 0", B(HDR(1), 0, 0, 0, 0, 1, 'x', 'y'), "empty id" },
	{ "id truncated", B(HDR(1), 10, 'a', 'b', 'c', 'd', 'e', 'f'), "id of 10 bytes is truncated" },
	{ "value length truncated", B(HDR(1), 5, 'a', 'b', 'c', 'd', 'e', 0),
	    "value length is truncated" },
	{ "value truncated", B(HDR(1), 1, 'a', 0, 0, 0, 5, 'x', 'y'), "value is truncated" },
	{ "value length 4 GiB", B(HDR(1), 1, 'a', 0xff, 0xff, 0xff, 0xff, 'x'), "value is truncated" },
	{ "empty value", B(HDR(1), 1, 'a', 0, 0, 0, 0, 'z'), "empty value" },
	{ "NUL in id", B(HDR(1), 2, 'a', 0, 0, 0, 0, 1, 'x'), "NUL byte inside the id" },
	{ "NUL in value", B(HDR(1), 1, 'a', 0, 0, 0, 2, 'x', 0), "NUL byte inside the value" },
	{ "duplicate id", B(HDR(2), 1, 'a', 0, 0, 0, 1, 'x', 1, 'a', 0, 0, 0, 1, 'y'),
	    "\"a\" appears twice" },
	{ "trailing byte", B(HDR(1), 1, 'a', 0, 0, 0, 1, 'x', 'z'), "1 bytes left" },
	{ "trailing bytes after empty record", B(HDR(0), 'z'), "1 bytes left" },
	{ "third value truncated", B(HDR(3), 1, 'a', 0, 0, 0, 1, 'x', 1, 'b', 0, 0, 0, 1, 'y',
	    1, 'c', 0, 0, 0, 5, 'z'), "field 3 (c): value is truncated" },
	{ "escape in a bad id is not echoed", B(HDR(2), 1, 0x1b, 0, 0, 0, 1, 'x',
	    1, 0x1b, 0, 0, 0, 1, 'y'), "\"?\" appears twice" },
};

/* Decode LEN bytes from an exactly sized heap copy, so that AddressSanitizer
 * catches a read past the end; expect failure with EXPECT in the message. */
static void
expect_rejected(const char *name, const void *data, size_t len, const char *expect)
{
	unsigned char *copy = xmalloc(len);
	struct record *r = (struct record *)&r;	/* must be set to NULL */
	char *cause = NULL;

	if (len > 0)
		memcpy(copy, data, len);
	if (record_decode(len > 0 ? copy : NULL, len, &r, &cause) != -1)
		fail_msg("case \"%s\" (%zu bytes): accepted", name, len);
	assert_null(r);
	assert_non_null(cause);
	if (expect != NULL && strstr(cause, expect) == NULL)
		fail_msg("case \"%s\": message \"%s\" lacks \"%s\"", name, cause, expect);
	free(cause);
	free(copy);
}

static void
test_malformed(void **state)
{
	(void)state;
	for (size_t t = 0; t < sizeof bad_cases / sizeof bad_cases[0]; t++)
		expect_rejected(bad_cases[t].name, bad_cases[t].buf, bad_cases[t].len,
		    bad_cases[t].expect);
}

/* A duplicate among many fields (the sorting path of the check). */
static void
test_duplicate_among_many(void **state)
{
	(void)state;
	struct record *r = record_new();
	char id[16];
	void *buf;
	size_t len;

	for (int i = 0; i < 200; i++) {
		snprintf(id, sizeof id, "f%03d", i);
		record_set(r, id, "v");
	}
	record_encode(r, &buf, &len);
	/* Rename field 150 ("f150") to "f017". */
	unsigned char *p = NULL;
	for (size_t i = 0; i + 4 <= len && p == NULL; i++) {
		if (memcmp((unsigned char *)buf + i, "f150", 4) == 0)
			p = (unsigned char *)buf + i;
	}
	assert_non_null(p);
	memcpy(p, "f017", 4);
	expect_rejected("duplicate among 200", buf, len, "\"f017\" appears twice");

	/* Without the duplicate it decodes. */
	memcpy(p, "f150", 4);
	struct record *d;
	char *cause = NULL;
	assert_int_equal(record_decode(buf, len, &d, &cause), 0);
	assert_int_equal(d->n, 200);
	record_free(d);
	free(buf);
	record_free(r);
}

/* Every proper prefix of every valid buffer is rejected without a crash
 * (or a read past its end).  For the 1 MB cases every prefix around the
 * header and fields and a sample inside the big value. */
static void
test_truncations(void **state)
{
	(void)state;
	for (size_t t = 0; t < sizeof rt_cases / sizeof rt_cases[0]; t++) {
		const struct rt_case *c = &rt_cases[t];
		struct record *r = rt_build(c);
		void *buf;
		size_t len;

		record_encode(r, &buf, &len);
		for (size_t k = 0; k < len; k++) {
			if ((c->special & BIG_VALUE) && k > 200 && k < len - 200 && k % 65537 != 0)
				continue;
			expect_rejected(c->name, buf, k, NULL);
		}
		free(buf);
		record_free(r);
	}
}

/* Flipping bits of any byte of a valid buffer either gives a clean error
 * or a buffer that decodes to a record encoding back to the same bytes. */
static void
test_corruptions(void **state)
{
	(void)state;
	struct record *r = rt_build(&rt_cases[2]);
	static const unsigned char masks[] = { 0x01, 0x02, 0x10, 0x80, 0xff };
	void *buf;
	size_t len;
	int rejected = 0, accepted = 0;

	record_encode(r, &buf, &len);
	unsigned char *copy = xmalloc(len);
	for (size_t i = 0; i < len; i++) {
		for (size_t m = 0; m < sizeof masks; m++) {
			struct record *d = NULL;
			char *cause = NULL;
			memcpy(copy, buf, len);
			copy[i] ^= masks[m];
			if (record_decode(copy, len, &d, &cause) != 0) {
				assert_non_null(cause);
				free(cause);
				rejected++;
				continue;
			}
			void *again;
			size_t alen;
			record_encode(d, &again, &alen);
			assert_int_equal(alen, len);
			assert_memory_equal(again, copy, len);
			free(again);
			record_free(d);
			accepted++;
		}
	}
	/* Both outcomes occur: changed value bytes decode, changed lengths fail. */
	assert_true(rejected > 0);
	assert_true(accepted > 0);
	free(copy);
	free(buf);
	record_free(r);
}

int
main(void)
{
	/* The messages checked are the English ones (i18n's default is Japanese). */
	i18n_set_lang(LANG_EN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_get),
		cmocka_unit_test(test_set_bad_id_aborts),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_exact_bytes),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_duplicate_among_many),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_corruptions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
