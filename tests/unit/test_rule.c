/* Unit tests of rule.c: parsing check expressions, their references, evaluation. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The project's headers first: cmocka defines a fail() macro that util.h's fail() would clash with. */
#include "i18n.h"
#include "rule.h"
#include "util.h"

#include <cmocka.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char TODAY[] = "2025-06-15";

static int
setup(void **state)
{
	(void)state;
	return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

/* --- a resolver backed by a table ---------------------------------------- */

struct rule_row {
	enum rule_ref_kind kind;
	const char *a, *b;
	const char *value;          /* NULL: resolving fails */
};

static const struct rule_row rows[] = {
	{ RULE_FIELD, "intent", NULL, "2" },
	{ RULE_FIELD, "age", NULL, "10" },
	{ RULE_FIELD, "nine", NULL, "9" },
	{ RULE_FIELD, "name", NULL, "abc" },
	{ RULE_FIELD, "blank", NULL, "" },
	{ RULE_FIELD, "spaces", NULL, "   " },
	{ RULE_FIELD, "padded", NULL, " 10 " },
	{ RULE_FIELD, "start", NULL, "2025-05-01" },
	{ RULE_FIELD, "end", NULL, "2026-04-30" },
	{ RULE_FIELD, "bad_date", NULL, "2025-13-01" },
	{ RULE_FIELD, "year", NULL, "2024" },
	{ RULE_FIELD, "broken", NULL, NULL },
	{ RULE_OTHER, "survey1", "intent", "1" },
	{ RULE_OTHER, "survey1", "received_on", "2025-10-31" },
	{ RULE_OTHER, "body", "name", "札幌市" },
	{ RULE_YEAR, "survey", "survey3_due", "2025-12-01" },
	{ RULE_CONF, "survey", "year", "2025" },
};

/* Counts the calls, to show that "and" stops early. */
struct rule_table {
	int calls;
};

static int
table_resolve(void *arg, const struct rule_ref *ref, char **out, char **cause)
{
	struct rule_table *t = arg;
	t->calls++;
	for (size_t i = 0; i < N(rows); i++) {
		if (rows[i].kind != ref->kind || strcmp(rows[i].a, ref->a) != 0 ||
		    !streq(rows[i].b, ref->b))
			continue;
		if (rows[i].value == NULL) {
			*cause = xasprintf("cannot read %s", ref->a);
			return -1;
		}
		*out = xstrdup(rows[i].value);
		return 0;
	}
	*cause = xasprintf("no such name: %s%s%s", ref->a, ref->b ? "." : "", ref->b ? ref->b : "");
	return -1;
}

/* A resolver that fails without saying why: rule.c must still give a cause. */
static int
silent_resolve(void *arg, const struct rule_ref *ref, char **out, char **cause)
{
	(void)arg;
	(void)ref;
	(void)out;
	(void)cause;
	return -1;
}

/* --- parse errors -------------------------------------------------------- */

static void
test_parse_errors(void **state)
{
	(void)state;
	static const struct { const char *text; const char *want; } cases[] = {
		{ "", "at column 1: expected a condition" },
		{ "   ", "at column 4: expected a condition" },
		{ "= 1", "at column 1: expected a condition, found '='" },
		{ "and x = 1", "at column 1: expected a condition, found 'and'" },
		{ "intent", "at column 7: expected an operator (=, !=, <, <=, >, >=, in, not in, between) after 'intent'" },
		{ "intent 1", "at column 8: expected an operator" },
		{ "survey1.intent in", "at column 18: expected a value after 'in'" },
		{ "survey1.intent in ", "at column 19: expected a value after 'in'" },
		{ "intent in 1,", "at column 13: expected a value after ','" },
		{ "intent in 1,,2", "at column 13: expected a value after ',', found ','" },
		{ "intent = 1 and", "at column 15: expected a condition after 'and'" },
		{ "intent = 1 or x = 2", "at column 12: expected 'and' or the end of the rule after '1', found 'or'" },
		{ "intent = 1 x", "at column 12: expected 'and' or the end" },
		{ "intent not 1", "at column 12: expected 'in' after 'not', found '1'" },
		{ "intent not", "at column 11: expected 'in' after 'not'" },
		{ "age between 1 2", "at column 15: expected 'and' after '1', found '2'" },
		{ "age between 1 and", "at column 18: expected a value after 'and'" },
		{ "x = and", "at column 5: expected a value after '=', found 'and'" },
		{ "x < > 1", "at column 5: expected a value after '<', found '>'" },
		{ "x = ,", "at column 5: expected a value after '=', found ','" },
		{ "filled", "at column 7: expected a value after 'filled'" },
		{ "x = 1 and empty in", "at column 17: expected a value after 'empty', found 'in'" },
		{ "x ! 1", "at column 4: expected '=' after '!'" },
		{ "x = 'abc", "at column 9: expected ' to close the text opened at column 5" },
		{ "x = 'it''s", "at column 11: expected ' to close the text opened at column 5" },
		{ "months a", "at column 8: expected '(' after 'months', found 'a'" },
		{ "days = 1", "at column 6: expected '(' after 'days', found '='" },
		{ "months(a b) > 1", "at column 10: expected ',' after 'a', found 'b'" },
		{ "days(a, b > 1", "at column 11: expected ')' after 'b', found '>'" },
		{ "days(a, ) > 1", "at column 9: expected a value after ',', found ')'" },
		{ "x = 'a' 'b'", "at column 9: expected 'and' or the end of the rule after 'a', found 'b'" },
		/* Columns count characters, not bytes: 名 and 前 are three bytes each. */
		{ "x = '名前' and", "at column 13: expected a condition after 'and'" },
		{ "名前 = 'ａ' y", "at column 10: expected 'and' or the end" },
		{ "x = \xff", "at column 5: expected UTF-8 text, found byte \\xFF" },
		{ "x = '名\xe5\x89' = 1", "at column 7: expected UTF-8 text" },
		{ "x.y.z = 1", "at column 1: expected NAME, SCREEN.FIELD, year:SECTION.KEY or conf:SECTION.KEY, found 'x.y.z'" },
		{ "x = survey1.", "at column 5: expected NAME, SCREEN.FIELD" },
		{ "x = intent-1", "at column 5: expected NAME, SCREEN.FIELD" },
		{ "yaer:survey.due = 1", "at column 1: expected NAME, SCREEN.FIELD" },
		{ "year:survey = 1", "at column 6: expected SECTION.KEY after 'year:'" },
		{ "x = conf:a.b.c", "at column 10: expected SECTION.KEY after 'conf:'" },
		{ "x = conf:", "at column 10: expected SECTION.KEY after 'conf:'" },
		{ "x = 2025-02-30", "at column 5: expected a real date YYYY-MM-DD, found '2025-02-30'" },
		{ "x = 2023-02-29", "at column 5: expected a real date" },
		{ "x = today(", "at column 10: expected 'and' or the end of the rule after 'today', found '('" },
		{ "days(days(days(days(days(days(days(days(days(days(days(days(days(days(days(days(days(a",
		  "at column 81: expected at most 16 nested functions" },
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct rule *r = NULL;
		char *cause = NULL;
		int rc = rule_parse(cases[i].text, &r, &cause);
		if (rc != -1 || cause == NULL || strncmp(cause, cases[i].want, strlen(cases[i].want)) != 0) {
			print_error("rule_parse(\"%s\") = %d, \"%s\"; want -1, \"%s...\"\n",
			    cases[i].text, rc, cause ? cause : "(null)", cases[i].want);
			rule_free(r);
			free(cause);
			fail();
		}
		free(cause);
	}

	/* A NULL cause is allowed. */
	struct rule *r = NULL;
	assert_int_equal(rule_parse("x =", &r, NULL), -1);
}

/* In Japanese: the message's pieces (what was expected, after what, what
 * was found) each in Japanese, the tokens as written. */
static void
test_parse_errors_japanese(void **state)
{
	(void)state;
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "x = 'a' 'b'", "9 文字目: 'and' かルールの終わり が必要です ('a' の後)。実際は 'b' です" },
		{ "x = '名前' and", "13 文字目: 条件 が必要です ('and' の後)" },
		{ "year:survey = 1", "6 文字目: 'year:' の後に SECTION.KEY が必要です" },
	};
	i18n_set_lang(LANG_JA);
	for (size_t i = 0; i < N(cases); i++) {
		struct rule *r = NULL;
		char *cause = NULL;
		assert_int_equal(rule_parse(cases[i].text, &r, &cause), -1);
		assert_string_equal(cause, cases[i].want);
		free(cause);
	}
	i18n_set_lang(LANG_EN);
}

static void
test_parse_ok(void **state)
{
	(void)state;
	static const char *const ok[] = {
		"intent = 1",
		"intent=1",
		"x!=1 and x<=2 and x>=0 and x<3 and x>-1",
		"survey1.intent in 1, 2",
		"survey1.intent in 1,2,'3'",
		"x not in 'a', 'b'",
		"age between 0 and 120 and filled name",
		"empty x and filled y",
		"months(start, today) >= 6",
		"days(year:survey.survey3_due, conf:survey.due) between 0 and 30",
		"months(days(a, b), c) > 0",
		"x = 2024-02-29",
		"x = -1.5 and y = 0.25 and z = -3",
		"x = M and y = A1 and z = 男",
		"x = '名前 と スペース' and y = 'it''s'",
		"year = 2025 and conf = 1",
		"  \tx\t=\t1  ",
		"x = 1.",
	};
	for (size_t i = 0; i < N(ok); i++) {
		struct rule *r = NULL;
		char *cause = NULL;
		if (rule_parse(ok[i], &r, &cause) != 0) {
			print_error("rule_parse(\"%s\"): %s\n", ok[i], cause);
			free(cause);
			fail();
		}
		rule_free(r);
	}
	rule_free(NULL);
}

/* --- evaluation ---------------------------------------------------------- */

enum { NO = 0, YES = 1, ERR = -1 };

static void
test_eval(void **state)
{
	(void)state;
	static const struct { const char *text; int want; const char *cause; } cases[] = {
		/* every operator, both ways */
		{ "intent = 2", YES, NULL },
		{ "intent = 3", NO, NULL },
		{ "intent != 3", YES, NULL },
		{ "intent != 2", NO, NULL },
		{ "age < 11", YES, NULL },
		{ "age < 10", NO, NULL },
		{ "age <= 10", YES, NULL },
		{ "age <= 9", NO, NULL },
		{ "age > 9", YES, NULL },
		{ "age > 10", NO, NULL },
		{ "age >= 10", YES, NULL },
		{ "age >= 11", NO, NULL },
		/* numeric against byte comparison */
		{ "age > nine", YES, NULL },            /* 10 > 9, though "10" < "9" as bytes */
		{ "'10' > '9'", YES, NULL },
		{ "'10a' > '9'", NO, NULL },            /* not a number: bytes */
		{ "'abc' < 'abd'", YES, NULL },
		{ "name < 'abd'", YES, NULL },
		{ "name > 'abd'", NO, NULL },
		{ "name = abc", ERR, "no such name: abc" },     /* a bare name is a field */
		{ "'1.0' = 1", YES, NULL },
		{ "'01' = 1", YES, NULL },
		{ "1.5 = 1.50", YES, NULL },
		{ "-1 < 0", YES, NULL },
		{ "-1.5 < -1", YES, NULL },
		{ "-10 < -9", YES, NULL },
		{ "padded = 10", YES, NULL },           /* numbers are read after trimming */
		{ "padded = '10'", YES, NULL },
		{ "padded > 9", YES, NULL },
		{ "'1e3' > 2", NO, NULL },              /* 1e3 is text: "1" < "2" */
		{ "M = 'M'", YES, NULL },
		{ "body.name = '札幌市'", YES, NULL },
		{ "'it''s' = 'it''s'", YES, NULL },
		{ "'札幌' < '札幌市'", YES, NULL },
		/* in, not in */
		{ "intent in 1, 2", YES, NULL },
		{ "intent in 1, 3", NO, NULL },
		{ "intent in '02'", YES, NULL },
		{ "intent not in 1, 3", YES, NULL },
		{ "intent not in 1, 2", NO, NULL },
		{ "survey1.intent in 1, 2", YES, NULL },
		{ "survey1.intent not in 1", NO, NULL },
		{ "name in 'x', 'abc'", YES, NULL },
		/* between, inclusive */
		{ "age between 1 and 10", YES, NULL },
		{ "age between 10 and 20", YES, NULL },
		{ "age between 9.5 and 10.5", YES, NULL },
		{ "age between 11 and 20", NO, NULL },
		{ "age between 1 and 9", NO, NULL },
		{ "name between 'abb' and 'abd'", YES, NULL },
		{ "start between 2025-04-01 and 2026-03-31", YES, NULL },
		{ "end between 2025-04-01 and 2026-03-31", NO, NULL },
		/* filled, empty */
		{ "filled intent", YES, NULL },
		{ "filled blank", NO, NULL },
		{ "filled spaces", NO, NULL },
		{ "empty blank", YES, NULL },
		{ "empty spaces", YES, NULL },
		{ "empty intent", NO, NULL },
		{ "filled ''", NO, NULL },
		/* an empty operand makes the condition hold */
		{ "blank = 1", YES, NULL },
		{ "blank > 5", YES, NULL },
		{ "5 < blank", YES, NULL },
		{ "spaces = 1", YES, NULL },
		{ "'' = 'x'", YES, NULL },
		{ "blank in 1, 2", YES, NULL },
		{ "intent in 1, blank", YES, NULL },
		{ "intent not in 2, blank", YES, NULL },
		{ "blank between 1 and 2", YES, NULL },
		{ "age between blank and 5", YES, NULL },
		{ "months(blank, today) = 3", YES, NULL },
		{ "days(start, blank) = 0", YES, NULL },
		{ "empty months(blank, today)", YES, NULL },
		{ "filled days(start, spaces)", NO, NULL },
		/* and */
		{ "intent = 2 and age = 10", YES, NULL },
		{ "intent = 2 and age = 11", NO, NULL },
		{ "intent = 3 and age = 10", NO, NULL },
		{ "intent = 2 and age = 10 and filled name and survey1.intent in 1", YES, NULL },
		{ "intent = 3 and broken = 1", NO, NULL },   /* stops before broken */
		{ "intent = 2 and broken = 1", ERR, "cannot read broken" },
		{ "nosuch = 1", ERR, "no such name: nosuch" },
		{ "other.nosuch = 1", ERR, "no such name: other.nosuch" },
		{ "months(broken, today) > 1", ERR, "cannot read broken" },
		/* year:, conf:, today, other screens */
		{ "year:survey.survey3_due > today", YES, NULL },
		{ "conf:survey.year = 2025", YES, NULL },
		{ "year = 2024 and conf:survey.year > year", YES, NULL },
		{ "survey1.received_on <= year:survey.survey3_due", YES, NULL },
		{ "today = 2025-06-15", YES, NULL },
		{ "start < today", YES, NULL },
		/* months() */
		{ "months(start, end) = 12", YES, NULL },
		{ "months(2025-05-01, 2026-04-30) = 12", YES, NULL },
		{ "months(2025-05-01, 2026-04-29) = 11", YES, NULL },
		{ "months(2025-05-01, 2025-10-31) = 6", YES, NULL },
		{ "months(2025-05-01, 2025-10-30) = 5", YES, NULL },
		{ "months(2025-05-01, survey1.received_on) = 6", YES, NULL },
		{ "months(2025-05-01, 2025-05-01) = 0", YES, NULL },
		{ "months(2025-05-01, 2025-05-31) = 1", YES, NULL },
		{ "months(2025-05-15, 2025-06-14) = 1", YES, NULL },
		{ "months(2025-05-15, 2025-06-13) = 0", YES, NULL },
		{ "months(start, today) = 1", YES, NULL },
		{ "months(2025-01-01, 2025-12-31) = 12", YES, NULL },
		{ "months(2024-12-01, 2025-01-31) = 2", YES, NULL },     /* across a year's end */
		/* end of month: 2025-01-31 + 1 month = 2025-02-28 */
		{ "months(2025-01-31, 2025-02-27) = 1", YES, NULL },
		{ "months(2025-01-31, 2025-02-26) = 0", YES, NULL },
		{ "months(2025-01-31, 2025-03-30) = 2", YES, NULL },
		{ "months(2025-01-31, 2025-03-29) = 1", YES, NULL },
		{ "months(2025-03-31, 2025-04-29) = 1", YES, NULL },     /* + 1 month = 04-30 */
		/* leap years */
		{ "months(2024-01-31, 2024-02-28) = 1", YES, NULL },     /* + 1 month = 02-29 */
		{ "months(2024-01-31, 2024-02-27) = 0", YES, NULL },
		{ "months(2024-02-29, 2025-02-27) = 12", YES, NULL },    /* + 12 = 2025-02-28 */
		{ "months(2024-02-29, 2025-02-26) = 11", YES, NULL },
		{ "months(2024-02-29, 2028-02-28) = 48", YES, NULL },
		{ "months(2023-03-01, 2024-02-29) = 12", YES, NULL },
		{ "months(2023-03-01, 2024-02-28) = 11", YES, NULL },
		/* backwards: 0 for the day before, then negative */
		{ "months(2025-05-01, 2025-04-30) = 0", YES, NULL },
		{ "months(2025-05-01, 2025-04-29) = -1", YES, NULL },
		{ "months(2025-05-01, 2025-03-31) = -1", YES, NULL },
		{ "months(2025-05-01, 2025-03-30) = -2", YES, NULL },
		{ "months(2026-05-01, 2025-05-01) = -12", YES, NULL },
		{ "months(end, start) < 0", YES, NULL },
		/* days() */
		{ "days(2025-01-01, 2025-12-31) = 364", YES, NULL },
		{ "days(2024-01-01, 2025-01-01) = 366", YES, NULL },
		{ "days(2025-01-01, 2026-01-01) = 365", YES, NULL },
		{ "days(2024-02-28, 2024-03-01) = 2", YES, NULL },
		{ "days(2023-02-28, 2023-03-01) = 1", YES, NULL },
		{ "days(1900-02-28, 1900-03-01) = 1", YES, NULL },
		{ "days(2000-02-28, 2000-03-01) = 2", YES, NULL },
		{ "days(2025-05-02, 2025-05-01) = -1", YES, NULL },
		{ "days(start, start) = 0", YES, NULL },
		{ "days(start, today) = 45", YES, NULL },
		{ "days(today, year:survey.survey3_due) between 0 and 180", YES, NULL },
		{ "days(' 2025-05-01 ', start) = 0", YES, NULL },        /* dates are trimmed too */
		{ "months(days(start, today), 5) = 1", ERR, "months(): '45' is not a date" },
		/* unreadable dates */
		{ "months(bad_date, today) > 1", ERR, "months(): bad_date is '2025-13-01', not a date YYYY-MM-DD" },
		{ "days(start, survey1.intent) > 1", ERR, "days(): survey1.intent is '1', not a date" },
		{ "days('x', today) = 1", ERR, "days(): 'x' is not a date" },
		{ "days(2025-01-01, 5) = 1", ERR, "days(): '5' is not a date" },
		{ "days('2025/01/01', start) = 1", ERR, "days(): '2025/01/01' is not a date" },
		{ "intent = 3 and days('x', today) = 1", NO, NULL },
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct rule *r = NULL;
		char *cause = NULL;
		if (rule_parse(cases[i].text, &r, &cause) != 0) {
			print_error("rule_parse(\"%s\"): %s\n", cases[i].text, cause);
			free(cause);
			fail();
		}
		struct rule_table t = { 0 };
		bool holds = !cases[i].want;
		int rc = rule_eval(r, table_resolve, &t, TODAY, &holds, &cause);
		int got = rc != 0 ? ERR : holds ? YES : NO;
		bool ok = got == cases[i].want;
		if (ok && got == ERR)
			ok = cause != NULL && strstr(cause, cases[i].cause) != NULL;
		if (!ok) {
			print_error("\"%s\" gave %d (%s); want %d (%s)\n", cases[i].text, got,
			    cause ? cause : "no cause", cases[i].want,
			    cases[i].cause ? cases[i].cause : "no cause");
			free(cause);
			rule_free(r);
			fail();
		}
		free(cause);
		rule_free(r);
	}
}

/* A rule is parsed once and may be evaluated many times, with any TODAY. */
static void
test_eval_again(void **state)
{
	(void)state;
	struct rule *r = NULL;
	assert_int_equal(rule_parse("months(start, today) >= 2 and start < today", &r, NULL), 0);
	static const struct { const char *today; bool holds; } days[] = {
		{ "2025-06-29", false },
		{ "2025-06-15", false },
		{ "2025-06-30", true },         /* 05-01 + 2 months = 07-01 <= 06-30 + 1 day */
		{ "2025-07-01", true },
		{ "2026-01-01", true },
		{ "", true },                   /* an empty today: the condition holds */
		{ NULL, true },
	};
	for (size_t i = 0; i < N(days); i++) {
		struct rule_table t = { 0 };
		bool holds = !days[i].holds;
		char *cause = NULL;
		assert_int_equal(rule_eval(r, table_resolve, &t, days[i].today, &holds, &cause), 0);
		assert_null(cause);
		if (holds != days[i].holds) {
			print_error("today %s: holds %d\n", days[i].today ? days[i].today : "NULL", holds);
			fail();
		}
	}

	/* A bad today is named. */
	struct rule_table t = { 0 };
	bool holds;
	char *cause = NULL;
	assert_int_equal(rule_eval(r, table_resolve, &t, "tomorrow", &holds, &cause), -1);
	assert_string_equal(cause, "months(): today is 'tomorrow', not a date YYYY-MM-DD");
	free(cause);
	rule_free(r);
}

/* "and" reads nothing after the first condition that fails. */
static void
test_short_circuit(void **state)
{
	(void)state;
	struct rule *r = NULL;
	assert_int_equal(rule_parse("intent = 3 and age = 10 and name = 'abc'", &r, NULL), 0);
	struct rule_table t = { 0 };
	bool holds = true;
	assert_int_equal(rule_eval(r, table_resolve, &t, TODAY, &holds, NULL), 0);
	assert_false(holds);
	assert_int_equal(t.calls, 1);
	rule_free(r);

	assert_int_equal(rule_parse("intent = 2 and age = 10 and name = 'abc'", &r, NULL), 0);
	t.calls = 0;
	assert_int_equal(rule_eval(r, table_resolve, &t, TODAY, &holds, NULL), 0);
	assert_true(holds);
	assert_int_equal(t.calls, 3);
	rule_free(r);
}

/* Resolver failures reach the caller, with a cause even when it gave none. */
static void
test_resolve_failure(void **state)
{
	(void)state;
	struct rule *r = NULL;
	assert_int_equal(rule_parse("year:survey.due > today", &r, NULL), 0);
	bool holds;
	char *cause = NULL;
	assert_int_equal(rule_eval(r, silent_resolve, NULL, TODAY, &holds, &cause), -1);
	assert_string_equal(cause, "cannot read year:survey.due");
	free(cause);
	/* A NULL cause is allowed. */
	assert_int_equal(rule_eval(r, silent_resolve, NULL, TODAY, &holds, NULL), -1);
	struct rule_table t = { 0 };
	cause = NULL;
	assert_int_equal(rule_eval(r, table_resolve, &t, TODAY, &holds, &cause), -1);
	assert_string_equal(cause, "no such name: survey.due");
	free(cause);
	rule_free(r);
}

/* --- references ---------------------------------------------------------- */

static void
test_refs(void **state)
{
	(void)state;
	static const struct { const char *text; const char *want; } cases[] = {
		{ "1 = 1", "" },
		{ "'intent' = today", "" },
		{ "intent = 1", "F:intent" },
		{ "intent = 1 and intent != 2 and filled intent", "F:intent" },
		{ "survey1.intent in 1, 2", "O:survey1.intent" },
		{ "intent = survey1.intent and survey1.intent = intent",
		  "F:intent O:survey1.intent" },
		{ "year:survey.survey3_due > conf:survey.year",
		  "Y:survey.survey3_due C:survey.year" },
		{ "months(start, today) > 6 and days(start, year:survey.due) < 0 and end > start",
		  "F:start Y:survey.due F:end" },
		/* year and conf without a colon are ordinary names */
		{ "year = 1 and conf = year and year.conf = conf:year.conf",
		  "F:year F:conf O:year.conf C:year.conf" },
		/* the same names in different kinds are different references */
		{ "survey.due = year:survey.due and conf:survey.due = survey.due",
		  "O:survey.due Y:survey.due C:survey.due" },
		{ "x between lo and hi and y not in a, b, x", "F:x F:lo F:hi F:y F:a F:b" },
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct rule *r = NULL;
		char *cause = NULL;
		if (rule_parse(cases[i].text, &r, &cause) != 0) {
			print_error("rule_parse(\"%s\"): %s\n", cases[i].text, cause);
			free(cause);
			fail();
		}
		const struct rule_ref *refs = NULL;
		size_t n = rule_refs(r, &refs);
		struct strbuf sb = SB_INIT;
		for (size_t j = 0; j < n; j++) {
			static const char kinds[] = { [RULE_FIELD] = 'F', [RULE_OTHER] = 'O',
				[RULE_YEAR] = 'Y', [RULE_CONF] = 'C' };
			/* RULE_FIELD has no b; the others have both parts. */
			if ((refs[j].kind == RULE_FIELD) != (refs[j].b == NULL)) {
				print_error("\"%s\": ref %zu has the wrong parts\n", cases[i].text, j);
				fail();
			}
			sb_addf(&sb, "%s%c:%s%s%s", j ? " " : "", kinds[refs[j].kind], refs[j].a,
			    refs[j].b ? "." : "", refs[j].b ? refs[j].b : "");
		}
		char *got = sb_detach(&sb);
		if (strcmp(got, cases[i].want) != 0) {
			print_error("refs of \"%s\": \"%s\"; want \"%s\"\n", cases[i].text, got,
			    cases[i].want);
			free(got);
			rule_free(r);
			fail();
		}
		free(got);
		rule_free(r);
	}
}

static void
test_ref_name(void **state)
{
	(void)state;
	struct rule *r = NULL;
	assert_int_equal(rule_parse("intent = survey1.intent and year:survey.due = conf:survey.year",
	    &r, NULL), 0);
	const struct rule_ref *refs;
	static const char *const want[] = {
		"intent", "survey1.intent", "year:survey.due", "conf:survey.year",
	};
	assert_int_equal(rule_refs(r, &refs), N(want));
	for (size_t i = 0; i < N(want); i++) {
		char *name = rule_ref_name(&refs[i]);
		assert_string_equal(name, want[i]);
		free(name);
	}
	rule_free(r);
}

int
main(void)
{
	/* The messages checked are the English ones (i18n's default is Japanese). */
	i18n_set_lang(LANG_EN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_errors_japanese),
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_eval),
		cmocka_unit_test(test_eval_again),
		cmocka_unit_test(test_short_circuit),
		cmocka_unit_test(test_resolve_failure),
		cmocka_unit_test(test_refs),
		cmocka_unit_test(test_ref_name),
	};
	return cmocka_run_group_tests_name("rule", tests, setup, NULL);
}
