/* Unit tests of survey_status.c: where a body stands with one form of the demand survey. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The project's headers come before cmocka.h, whose fail() macro would clash with util.h's. */
#include "survey_status.h"

#include <cmocka.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The FY2025 round: 様式1 and 様式2 due 2024-10-04, 様式3 due 2024-11-01. */
#define DUE1 "2024-10-04"
#define DUE3 "2024-11-01"

static void
test_state(void **state)
{
	(void)state;
	static const struct {
		const char *rule;
		const char *received_on, *due, *today;
		bool expected;
		enum survey_state want;
	} cases[] = {
		{ "様式1 received before the due date", "2024-09-30", DUE1, "2024-10-10", true,
		    SURVEY_RECEIVED },
		{ "様式1 received on the due date is on time", DUE1, DUE1, "2024-10-10", true,
		    SURVEY_RECEIVED },
		{ "様式1 received the day after the due date is late", "2024-10-05", DUE1,
		    "2024-10-10", true, SURVEY_RECEIVED_LATE },
		{ "様式1 received late stays received late however late today is", "2024-12-01",
		    DUE1, "2025-03-31", true, SURVEY_RECEIVED_LATE },
		{ "様式1 not received, before the due date", "", DUE1, "2024-10-01", true,
		    SURVEY_MISSING },
		{ "様式1 not received, today is the due date: not late yet", "", DUE1, DUE1, true,
		    SURVEY_MISSING },
		{ "様式1 not received, the day after the due date: late", "", DUE1, "2024-10-05",
		    true, SURVEY_LATE },
		{ "a NULL received_on is not received", NULL, DUE1, "2024-10-05", true,
		    SURVEY_LATE },
		{ "dates compare across a month end", "", "2024-09-30", "2024-10-01", true,
		    SURVEY_LATE },
		{ "dates compare across a year end", "2025-01-01", "2024-12-31", "2025-01-02", true,
		    SURVEY_RECEIVED_LATE },
		{ "no due date is never late", "", "", "2099-12-31", true, SURVEY_MISSING },
		{ "a NULL due date is never late", NULL, NULL, "2099-12-31", true, SURVEY_MISSING },
		{ "no due date: received whenever it came", "2099-12-31", "", "2099-12-31", true,
		    SURVEY_RECEIVED },
		{ "without today nobody is late", "", DUE1, "", true, SURVEY_MISSING },
		{ "様式3 not expected (様式1 answer 3 or 4), not received", "", DUE3, "2024-11-02",
		    false, SURVEY_NOT_EXPECTED },
		{ "様式3 not expected, not received, before the due date", "", DUE3, "2024-10-10",
		    false, SURVEY_NOT_EXPECTED },
		{ "様式3 not expected but sent anyway counts as received", "2024-10-20", DUE3,
		    "2024-11-02", false, SURVEY_RECEIVED },
		{ "様式3 not expected and sent after the due date is still just received",
		    "2024-11-20", DUE3, "2024-11-30", false, SURVEY_RECEIVED },
		{ "様式3 expected, received on its due date", DUE3, DUE3, DUE3, true,
		    SURVEY_RECEIVED },
		{ "様式3 expected, not received, today is its due date", "", DUE3, DUE3, true,
		    SURVEY_MISSING },
		{ "様式3 expected, not received, after its due date", "", DUE3, "2024-11-05", true,
		    SURVEY_LATE },
	};
	int bad = 0;
	for (size_t i = 0; i < N(cases); i++) {
		enum survey_state got = survey_state(cases[i].received_on, cases[i].due,
		    cases[i].today, cases[i].expected);
		if (got != cases[i].want) {
			print_error("%s: got %s, want %s\n", cases[i].rule,
			    survey_state_name(got, LANG_EN), survey_state_name(cases[i].want, LANG_EN));
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void
test_names(void **state)
{
	(void)state;
	static const struct {
		enum survey_state s;
		const char *ja, *en;
	} cases[] = {
		{ SURVEY_RECEIVED, "受付", "received" },
		{ SURVEY_RECEIVED_LATE, "遅延受付", "received late" },
		{ SURVEY_MISSING, "未着", "not yet due" },
		{ SURVEY_LATE, "遅延", "late" },
		{ SURVEY_NOT_EXPECTED, "対象外", "not expected" },
	};
	assert_int_equal(N(cases), SURVEY_STATE_COUNT);
	for (size_t i = 0; i < N(cases); i++) {
		assert_string_equal(survey_state_name(cases[i].s, LANG_JA), cases[i].ja);
		assert_string_equal(survey_state_name(cases[i].s, LANG_EN), cases[i].en);
	}
	/* Out of range: something to show, never NULL. */
	assert_non_null(survey_state_name(SURVEY_STATE_COUNT, LANG_JA));
	assert_non_null(survey_state_name((enum survey_state)-1, LANG_EN));
	assert_non_null(survey_state_name(SURVEY_LATE, LANG_COUNT));
}

/* Only a form still missing after its due date goes on the chase list. */
static void
test_is_late(void **state)
{
	(void)state;
	for (int s = 0; s < SURVEY_STATE_COUNT; s++)
		if (survey_state_is_late((enum survey_state)s) != (s == SURVEY_LATE)) {
			print_error("survey_state_is_late(%s) is wrong\n",
			    survey_state_name((enum survey_state)s, LANG_EN));
			fail();
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_is_late),
	};
	return cmocka_run_group_tests_name("survey_status", tests, NULL, NULL);
}
