/* Unit tests of allocation.c: the allocation-tax refund estimate per host. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The project's headers come before cmocka.h, whose fail() macro would clash with util.h's. */
#include "allocation.h"

#include <cmocka.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* FY2023 as published: 5,700,000 per prefecture; 5,700,000 (5,000,000 under 10 months) x 0.5. */
static const struct allocation_rates fy2023 = {
	.pref_per_body = 5700000,
	.muni_base = 5700000,
	.muni_base_short = 5000000,
	.muni_rate_permille = 500,
	.short_months = 10,
};

struct alloc_case {
	const char *rule;
	const char *kind;
	int trainees, stay_months;
	long want;
};

static void
check_cases(const struct allocation_rates *r, const struct alloc_case *cases, size_t n)
{
	int bad = 0;
	for (size_t i = 0; i < n; i++) {
		long got = allocation_estimate(r, cases[i].kind, cases[i].trainees,
		    cases[i].stay_months);
		if (got != cases[i].want) {
			print_error("%s: allocation_estimate(\"%s\", %d trainees, %d months) = %ld,"
			    " want %ld\n", cases[i].rule, cases[i].kind, cases[i].trainees,
			    cases[i].stay_months, got, cases[i].want);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void
test_fy2023_rule(void **state)
{
	(void)state;
	static const struct alloc_case cases[] = {
		{ "a prefecture hosting one trainee gets 5,700,000", "pref", 1, 12, 5700000 },
		{ "a prefecture hosting two trainees gets 5,700,000 once", "pref", 2, 12, 5700000 },
		{ "a prefecture hosting a short stay still gets 5,700,000", "pref", 1, 6, 5700000 },
		{ "a prefecture hosting nobody gets 0", "pref", 0, 0, 0 },
		{ "a city hosting one trainee for 12 months gets 2,850,000", "city", 1, 12, 2850000 },
		{ "a city hosting two trainees for 12 months gets 5,700,000", "city", 2, 12, 5700000 },
		{ "a town hosting one trainee for 9 months gets 2,500,000", "town", 1, 9, 2500000 },
		{ "10 months is not short", "city", 1, 10, 2850000 },
		{ "9 months is short", "village", 1, 9, 2500000 },
		{ "6 months is short", "city", 1, 6, 2500000 },
		{ "a designated city is refunded per trainee", "desig", 3, 12, 8550000 },
		{ "a special ward hosting three for 6 months gets 7,500,000", "ward", 3, 6, 7500000 },
		{ "a village hosting one for 11 months gets 2,850,000", "village", 1, 11, 2850000 },
		{ "a city hosting nobody gets 0", "city", 0, 12, 0 },
		{ "a branch gets nothing (-1)", "branch", 1, 12, -1 },
		{ "a branch hosting nobody still gets nothing (-1)", "branch", 0, 12, -1 },
		{ "an empty kind gets nothing (-1)", "", 1, 12, -1 },
		{ "kinds are codes: \"City\" is not one", "City", 1, 12, -1 },
		{ "kinds are codes: \" city\" is not one", " city", 1, 12, -1 },
		{ "negative trainees are a bad argument", "city", -1, 12, -1 },
		{ "negative trainees are a bad argument for a prefecture too", "pref", -1, 12, -1 },
		{ "a negative stay is a bad argument", "town", 1, -1, -1 },
	};
	check_cases(&fy2023, cases, N(cases));
}

/* The figures are settings: another year's rates give another year's amounts. */
static void
test_other_year(void **state)
{
	(void)state;
	static const struct allocation_rates other = {
		.pref_per_body = 6000000,
		.muni_base = 6000000,
		.muni_base_short = 4000000,
		.muni_rate_permille = 750,
		.short_months = 8,
	};
	static const struct alloc_case cases[] = {
		{ "the prefecture amount is the setting", "pref", 2, 12, 6000000 },
		{ "the rate is the setting (6,000,000 x 0.75)", "city", 1, 12, 4500000 },
		{ "9 months is not short when short_months is 8", "town", 1, 9, 4500000 },
		{ "8 months is not short when short_months is 8", "town", 1, 8, 4500000 },
		{ "7 months is short (4,000,000 x 0.75)", "town", 1, 7, 3000000 },
		{ "two short stays", "ward", 2, 7, 6000000 },
	};
	check_cases(&other, cases, N(cases));

	/* Permille keeps odd rates exact; a fraction of a yen per trainee is dropped. */
	static const struct allocation_rates odd = {
		.pref_per_body = 1, .muni_base = 1001, .muni_base_short = 999,
		.muni_rate_permille = 333, .short_months = 10,
	};
	static const struct alloc_case odd_cases[] = {
		{ "1001 x 0.333 = 333.333 rounds down to 333", "city", 1, 12, 333 },
		{ "rounded per trainee: 3 x 333", "city", 3, 12, 999 },
		{ "999 x 0.333 = 332.667 rounds down to 332", "city", 1, 6, 332 },
	};
	check_cases(&odd, odd_cases, N(odd_cases));
}

static void
test_bad_arguments(void **state)
{
	(void)state;
	assert_int_equal(allocation_estimate(NULL, "city", 1, 12), -1);
	assert_int_equal(allocation_estimate(&fy2023, NULL, 1, 12), -1);

	/* A negative figure in the settings is an error, not a negative refund. */
	struct allocation_rates r = fy2023;
	r.muni_rate_permille = -500;
	assert_int_equal(allocation_estimate(&r, "city", 1, 12), -1);
	r = fy2023;
	r.muni_base_short = -1;
	assert_int_equal(allocation_estimate(&r, "city", 1, 6), -1);
	r = fy2023;
	r.pref_per_body = -1;
	assert_int_equal(allocation_estimate(&r, "pref", 1, 12), -1);

	/* A zero rate is a (strange) setting, not an error. */
	r = fy2023;
	r.muni_rate_permille = 0;
	assert_int_equal(allocation_estimate(&r, "city", 2, 12), 0);
}

/* Results that do not fit in a long are refused, never wrapped. */
static void
test_overflow(void **state)
{
	(void)state;
	struct allocation_rates huge = {
		.pref_per_body = LONG_MAX, .muni_base = LONG_MAX, .muni_base_short = LONG_MAX,
		.muni_rate_permille = 1000, .short_months = 10,
	};
	assert_true(allocation_estimate(&huge, "pref", INT_MAX, 12) == LONG_MAX);
	assert_true(allocation_estimate(&huge, "city", 1, 12) == LONG_MAX);
	assert_int_equal(allocation_estimate(&huge, "city", 2, 12), -1);
	assert_int_equal(allocation_estimate(&huge, "city", INT_MAX, 12), -1);

	/* Half of LONG_MAX: the base x rate product would overflow, the result does not. */
	huge.muni_rate_permille = 500;
	assert_true(allocation_estimate(&huge, "city", 1, 12) == LONG_MAX / 2);
	assert_true(allocation_estimate(&huge, "city", 2, 12) == LONG_MAX / 2 * 2);
	assert_int_equal(allocation_estimate(&huge, "city", 3, 12), -1);

	huge.muni_rate_permille = 2000;
	assert_int_equal(allocation_estimate(&huge, "city", 1, 12), -1);
	huge.muni_rate_permille = INT_MAX;
	assert_int_equal(allocation_estimate(&huge, "city", 1, 12), -1);

	/* Many trainees with the real figures still fit (and are exact). */
	assert_true(allocation_estimate(&fy2023, "city", 100, 12) == 285000000L);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fy2023_rule),
		cmocka_unit_test(test_other_year),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_overflow),
	};
	return cmocka_run_group_tests_name("allocation", tests, NULL, NULL);
}
