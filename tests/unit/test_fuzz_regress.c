/*
 * The fuzz targets' inputs, replayed without clang: every file of
 * tests/fuzz/regress/fuzz_NAME/ (inputs that once crashed, hung or broke a
 * promise, kept after the fix) and of tests/fuzz/seeds/fuzz_NAME/ (the
 * fuzzers' starting points) goes through fuzz_NAME_one(), the very body
 * of the libFuzzer target tests/fuzz/fuzz_NAME.c, which aborts on a broken
 * promise.  Under `make test`'s ASan/UBSan build this also catches what the
 * sanitizers saw in the fuzzer.  Run from the repository root.
 */
/* The targets first: cmocka defines a fail() macro that util.h's fail() would meet. */
#define FUZZ_NO_MAIN
#include "../fuzz/fuzz_catalog.c"
#include "../fuzz/fuzz_csv.c"
#include "../fuzz/fuzz_ftype.c"
#include "../fuzz/fuzz_ini.c"
#include "../fuzz/fuzz_record.c"
#include "../fuzz/fuzz_rule.c"
#include "../fuzz/fuzz_schema.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The whole of PATH in a buffer of exactly its size, so ASan sees an overread. */
static uint8_t *
read_input(const char *path, size_t *size)
{
	char *all;
	assert_int_equal(read_whole_file(path, &all, size), 0);
	uint8_t *data = xmalloc(*size);
	if (*size > 0)
		memcpy(data, all, *size);
	free(all);
	return data;
}

/* Feed every file of DIR to ONE; returns how many.  A missing DIR has none. */
static size_t
replay_dir(const char *dir, int (*one)(const uint8_t *, size_t))
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return 0;
	struct strlist names = { 0 };
	struct dirent *de;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			strlist_add(&names, xasprintf("%s/%s", dir, de->d_name));
	closedir(d);
	if (names.n > 1)	/* qsort wants a non-NULL array, even of none */
		qsort(names.v, names.n, sizeof *names.v, cmp_names);
	for (size_t i = 0; i < names.n; i++) {
		size_t size;
		uint8_t *data = read_input(names.v[i], &size);
		/* Named first, so that a crash shows which input it was. */
		fprintf(stderr, "  %s (%zu bytes)\n", names.v[i], size);
		assert_int_equal(one(data, size), 0);
		free(data);
	}
	size_t n = names.n;
	strlist_free(&names);
	return n;
}

static void
replay(const char *target, int (*one)(const uint8_t *, size_t))
{
	char *seeds = xasprintf("tests/fuzz/seeds/%s", target);
	char *regress = xasprintf("tests/fuzz/regress/%s", target);
	size_t nseeds = replay_dir(seeds, one);
	size_t nregress = replay_dir(regress, one);
	/* No seeds means the test ran somewhere else than the repository root. */
	assert_true(nseeds > 0);
	print_message("%s: %zu seeds, %zu regression inputs\n", target, nseeds, nregress);
	free(seeds);
	free(regress);
}

static void
test_catalog(void **state)
{
	(void)state;
	replay("fuzz_catalog", fuzz_catalog_one);
}

static void
test_csv(void **state)
{
	(void)state;
	replay("fuzz_csv", fuzz_csv_one);
}

static void
test_ftype(void **state)
{
	(void)state;
	replay("fuzz_ftype", fuzz_ftype_one);
}

static void
test_ini(void **state)
{
	(void)state;
	replay("fuzz_ini", fuzz_ini_one);
}

static void
test_record(void **state)
{
	(void)state;
	replay("fuzz_record", fuzz_record_one);
}

static void
test_rule(void **state)
{
	(void)state;
	replay("fuzz_rule", fuzz_rule_one);
}

static void
test_schema(void **state)
{
	(void)state;
	replay("fuzz_schema", fuzz_schema_one);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalog),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_ftype),
		cmocka_unit_test(test_ini),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_rule),
		cmocka_unit_test(test_schema),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
