/*
 * The small helpers every module shares: reading a whole file, searching a
 * string list, the wall clock, splitting a setting.
 */
#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void
test_read_whole_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/lgotp-util-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = xasprintf("%s/f", dir);

	/* Bytes as they are, a NUL among them, and one after. */
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite("a\0b\r\n", 1, 5, f), 5);
	assert_int_equal(fclose(f), 0);
	char *buf = NULL;
	size_t len = 0;
	assert_int_equal(read_whole_file(path, &buf, &len), 0);
	assert_int_equal(len, 5);
	assert_memory_equal(buf, "a\0b\r\n", 6);
	free(buf);

	/* Larger than one read. */
	f = fopen(path, "wb");
	for (int i = 0; i < 20000; i++)
		fputc('0' + i % 10, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(read_whole_file(path, &buf, &len), 0);
	assert_int_equal(len, 20000);
	assert_int_equal(buf[19999], '9');
	assert_int_equal(buf[20000], '\0');
	free(buf);

	/* Empty: an empty string, not NULL. */
	f = fopen(path, "wb");
	assert_int_equal(fclose(f), 0);
	assert_int_equal(read_whole_file(path, &buf, &len), 0);
	assert_int_equal(len, 0);
	assert_string_equal(buf, "");
	free(buf);

	/* Missing: errno says why; a directory reads as a read error. */
	char *missing = xasprintf("%s/none", dir);
	buf = NULL;
	assert_int_equal(read_whole_file(missing, &buf, &len), -1);
	assert_int_equal(errno, ENOENT);
	assert_null(buf);
	assert_int_equal(read_whole_file(dir, &buf, &len), -1);
	assert_int_equal(errno, EIO);
	assert_null(buf);

	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	free(missing);
	free(path);
}

static void
test_strlist_has(void **state)
{
	(void)state;
	struct strlist l = { 0 };
	assert_false(strlist_has(&l, ""));
	strlist_add(&l, xstrdup("body"));
	strlist_add(&l, xstrdup("survey1"));
	assert_true(strlist_has(&l, "survey1"));
	assert_true(strlist_has(&l, "body"));
	assert_false(strlist_has(&l, "survey"));
	assert_false(strlist_has(&l, "survey12"));
	strlist_free(&l);
}

static void
test_wall_clock_ns(void **state)
{
	(void)state;
	time_t before = time(NULL);
	uint64_t ns = wall_clock_ns();
	time_t after = time(NULL);
	assert_true(ns / 1000000000u >= (uint64_t)before);
	assert_true(ns / 1000000000u <= (uint64_t)after);
}

static void
test_split_trim(void **state)
{
	(void)state;
	struct strlist parts = { 0 };
	split_trim(" 2025-09-05 | 説明会 |Briefing ", '|', &parts);
	assert_int_equal(parts.n, 3);
	assert_string_equal(parts.v[0], "2025-09-05");
	assert_string_equal(parts.v[1], "説明会");
	assert_string_equal(parts.v[2], "Briefing");
	strlist_free(&parts);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_whole_file),
		cmocka_unit_test(test_strlist_has),
		cmocka_unit_test(test_wall_clock_ns),
		cmocka_unit_test(test_split_trim),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
