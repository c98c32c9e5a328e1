/*
 * The programme's rules as the project's own screen and conf files declare
 * them, run against a temporary database: 様式3 only after 様式1 answers 1
 * or 2; trainees' dates, stay length and JIAM month; status only forward
 * (or to withdrawn) with every change logged; the allocation-tax estimate;
 * the briefing deadline; assigning a candidate to a request; deletion
 * refused while referred to; the status board's counts and the chase list.
 */
#include "app.h"
#include "effects.h"
#include "report.h"
#include "schema.h"
#include "store.h"
#include "util.h"
#include "validate.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app_fixture.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct screen_def *
screen(struct app_fixture *fx, const char *name)
{
	const struct screen_def *sd = schema_screen(fx->app.schema, name);
	assert_non_null(sd);
	return sd;
}

/* Validate SPEC on SCREEN (replacing OLD_KEY's record when given) and save it. */
static int
save(struct app_fixture *fx, const char *name, const char *spec, const char *old_key, struct strlist *warn,
    char **why)
{
	const struct screen_def *sd = screen(fx, name);
	struct record *in = app_fixture_record(spec), *out = NULL, *old = NULL;
	char *gwhy = NULL;
	if (old_key && store_get(fx->app.db, sd, old_key, &old, &gwhy) != 0)
		fail_msg("no record %s to replace: %s", old_key, gwhy);
	int bad;
	int rc = validate_record(sd, &fx->app.ctx, in, old, &out, &bad, why, warn);
	if (rc == 0) {
		out->version = old ? old->version : 0;
		struct effects_arg ea = { fx->app.schema, sd, fx->app.today };
		rc = store_save_ex(fx->app.db, sd, out, old_key, effects_apply, &ea, why);
	}
	record_free(in);
	record_free(out);
	record_free(old);
	return rc;
}

static char *
field_of(struct app_fixture *fx, const char *name, const char *key, const char *field)
{
	struct record *r = NULL;
	char *why = NULL;
	assert_int_equal(store_get(fx->app.db, screen(fx, name), key, &r, &why), 0);
	char *v = xstrdup(record_get(r, field));
	record_free(r);
	return v;
}

static int
setup(void **state)
{
	struct app_fixture *fx = app_fixture_open("workflow", "2024-10-10");  /* after 様式1/2's due date, before 様式3's */
	char *why = NULL;
	static const char *const bodies[] = {
		"code=011002|name=札幌市", "code=012025|name=函館市", "code=130001|name=東京都",
		"code=131041|name=新宿区", "code=473812|name=竹富町",
	};
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(save(fx, "body", bodies[i], NULL, NULL, &why), 0);
	static const char *const offices[] = { "code=SEL|name_ja=ソウル事務所|name_en=Seoul" };
	assert_int_equal(save(fx, "office", offices[0], NULL, NULL, &why), 0);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	app_fixture_close(*state);
	return 0;
}

/* 様式3 is expected only from bodies whose 様式1 says 1 or 2: a warning, not a refusal. */
static void
test_survey3_expected_only_after_intent_1_or_2(void **state)
{
	struct app_fixture *fx = *state;
	char *why = NULL;
	static const struct { const char *intent; size_t warnings; } cases[] = {
		{ "1", 0 }, { "2", 0 }, { "3", 1 }, { "4", 1 },
	};
	for (size_t i = 0; i < 4; i++) {
		char *s1 = xasprintf("fy=2025|body_code=011002|intent=%s|received_on=2024-10-01",
		    cases[i].intent);
		char *old = i ? xstrdup("2025\x1f" "011002") : NULL;
		assert_int_equal(save(fx, "survey1", s1, old, NULL, &why), 0);
		struct strlist warn = { 0 };
		const struct screen_def *sd = screen(fx, "survey3");
		struct record *in = app_fixture_record("fy=2025|body_code=011002|country1=CN|received_on=2024-10-20"), *out = NULL;
		int bad;
		assert_int_equal(validate_record(sd, &fx->app.ctx, in, NULL, &out, &bad, &why, &warn), 0);
		if (warn.n != cases[i].warnings)
			fprintf(stderr, "intent %s: %zu warnings\n", cases[i].intent, warn.n);
		assert_int_equal(warn.n, cases[i].warnings);
		if (warn.n)
			assert_non_null(strstr(warn.v[0], "Form 1"));
		strlist_free(&warn);
		record_free(in);
		record_free(out);
		free(s1);
		free(old);
	}
}

struct tcase {
	const char *dates;      /* arrival..departure fields */
	int ok;                 /* 1 saved without warnings, 0 refused, 2 saved with warnings */
	const char *why;
};

static void
test_trainee_dates(void **state)
{
	struct app_fixture *fx = *state;
	static const struct tcase cases[] = {
		/* The usual year: May to March, JIAM in June. */
		{ "arrival=2025-05-28|jiam_start=2025-06-02|jiam_end=2025-06-27|host_start=2025-07-01|"
		  "host_end=2026-03-20|departure=2026-03-25", 1, NULL },
		/* Dates out of order are refused. */
		{ "arrival=2025-05-28|jiam_start=2025-06-02|jiam_end=2025-06-27|host_start=2025-06-20|"
		  "host_end=2026-03-20|departure=2026-03-25", 0, "order" },
		/* Five months in all: allowed after a warning. */
		{ "arrival=2025-05-28|jiam_start=2025-06-02|jiam_end=2025-06-27|host_start=2025-07-01|"
		  "host_end=2025-10-20|departure=2025-10-25", 2, "6" },
		/* Thirteen months. */
		{ "arrival=2025-05-01|jiam_start=2025-05-07|jiam_end=2025-06-05|host_start=2025-06-10|"
		  "host_end=2026-05-30|departure=2026-06-05", 2, "12" },
		/* Exactly twelve months is within the rule. */
		{ "arrival=2025-05-01|jiam_start=2025-05-07|jiam_end=2025-06-05|host_start=2025-06-10|"
		  "host_end=2026-04-25|departure=2026-04-30", 1, NULL },
		/* JIAM of ten days. */
		{ "arrival=2025-05-28|jiam_start=2025-06-02|jiam_end=2025-06-12|host_start=2025-07-01|"
		  "host_end=2026-03-20|departure=2026-03-25", 2, "JIAM" },
		/* JIAM two months after arrival. */
		{ "arrival=2025-04-01|jiam_start=2025-06-02|jiam_end=2025-06-27|host_start=2025-07-01|"
		  "host_end=2026-03-20|departure=2026-03-25", 2, "JIAM" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *spec = xasprintf("id=2025-%03zu|fy=2025|name=TEST Trainee|country=KR|status=applied|%s",
		    i + 1, cases[i].dates);
		struct strlist warn = { 0 };
		char *why = NULL;
		int rc = save(fx, "trainee", spec, NULL, &warn, &why);
		int got = rc != 0 ? 0 : warn.n ? 2 : 1;
		if (got != cases[i].ok)
			fprintf(stderr, "case %zu: got %d (%s%s)\n", i, got, why ? why : "",
			    warn.n ? warn.v[0] : "");
		assert_int_equal(got, cases[i].ok);
		const char *msg = rc != 0 ? why : warn.n ? warn.v[0] : NULL;
		if (cases[i].why)
			assert_non_null(strstr(msg, cases[i].why));
		strlist_free(&warn);
		free(why);
		free(spec);
	}
}

/* Status moves only forward, or to withdrawn; each change is logged with the day. */
static void
test_trainee_status_forward_and_logged(void **state)
{
	struct app_fixture *fx = *state;
	char *why = NULL;
	static const char *const path[] = { "applied", "screened", "recommended", "matched",
		"confirmed", "arrived", "jiam", "training", "completed" };
	const char *key = "2025-100";
	for (size_t i = 0; i < 9; i++) {
		char *spec = xasprintf("id=%s|fy=2025|name=KIM Minji|country=KR|status=%s", key, path[i]);
		assert_int_equal(save(fx, "trainee", spec, i ? key : NULL, NULL, &why), 0);
		free(spec);
	}
	char *log = field_of(fx, "trainee", key, "status_log");
	assert_string_equal(log, "applied 2024-10-10; screened 2024-10-10; recommended 2024-10-10; "
	    "matched 2024-10-10; confirmed 2024-10-10; arrived 2024-10-10; jiam 2024-10-10; "
	    "training 2024-10-10; completed 2024-10-10");
	free(log);
	/* Back from completed to training: refused. */
	int rc = save(fx, "trainee", "id=2025-100|fy=2025|name=KIM Minji|country=KR|status=training",
	    key, NULL, &why);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(why, "cannot go back"));
	free(why);
	why = NULL;
	/* Withdrawn is allowed from anywhere. */
	assert_int_equal(save(fx, "trainee", "id=2025-101|fy=2025|name=LI Wei|country=CN|status=matched",
	    NULL, NULL, &why), 0);
	assert_int_equal(save(fx, "trainee", "id=2025-101|fy=2025|name=LI Wei|country=CN|status=withdrawn",
	    "2025-101", NULL, &why), 0);
	/* Saving again unchanged adds nothing to the log. */
	assert_int_equal(save(fx, "trainee", "id=2025-101|fy=2025|name=LI Wei|country=CN|status=withdrawn",
	    "2025-101", NULL, &why), 0);
	log = field_of(fx, "trainee", "2025-101", "status_log");
	assert_string_equal(log, "matched 2024-10-10; withdrawn 2024-10-10");
	free(log);
}

/* The refund estimate from the year's rates and the host's kind. */
static void
test_cost_allocation(void **state)
{
	struct app_fixture *fx = *state;
	static const struct { const char *spec, *total, *allocation; } cases[] = {
		/* A prefecture: a fixed amount per body, whatever the trainees. */
		{ "fy=2025|host_code=130001|trainees=2|stay_months=12|airfare=300000|housing=600000",
		  "900000", "5700000" },
		/* A designated city, twelve months: 5,700,000 x 0.5. */
		{ "fy=2025|host_code=011002|trainees=1|stay_months=12|living=2,400,000|training=10万",
		  "2500000", "2850000" },
		/* A special ward, ten months: still the full base. */
		{ "fy=2025|host_code=131041|trainees=1|stay_months=10", "0", "2850000" },
		/* A town, nine months: the lower base, 5,000,000 x 0.5. */
		{ "fy=2025|host_code=473812|trainees=1|stay_months=9", "0", "2500000" },
		/* Two trainees at a city. */
		{ "fy=2025|host_code=012025|trainees=2|stay_months=11", "0", "5700000" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *why = NULL;
		int rc = save(fx, "cost", cases[i].spec, NULL, NULL, &why);
		if (rc != 0)
			fprintf(stderr, "case %zu: %s\n", i, why);
		assert_int_equal(rc, 0);
		struct record *r = app_fixture_record(cases[i].spec);
		char *key = store_key(screen(fx, "cost"), r);
		char *total = field_of(fx, "cost", key, "total");
		char *alloc = field_of(fx, "cost", key, "allocation");
		assert_string_equal(total, cases[i].total);
		assert_string_equal(alloc, cases[i].allocation);
		free(total);
		free(alloc);
		free(key);
		record_free(r);
	}
}

static void
test_briefing_deadline(void **state)
{
	struct app_fixture *fx = *state;
	struct strlist warn = { 0 };
	char *why = NULL;
	assert_int_equal(save(fx, "briefing", "fy=2025|body_code=011002|name=山田|email=a@example.jp|"
	    "registered_on=2024-09-05", NULL, &warn, &why), 0);
	assert_int_equal(warn.n, 0);
	assert_int_equal(save(fx, "briefing", "fy=2025|body_code=011002|name=佐藤|email=b@example.jp|"
	    "registered_on=2024-09-06", NULL, &warn, &why), 0);
	assert_int_equal(warn.n, 1);
	strlist_free(&warn);
}

/* Assigning a candidate to a request makes the request's body the host, and
 * the trainee 'matched', with the change logged. */
static void
test_request_assigns_trainee(void **state)
{
	struct app_fixture *fx = *state;
	char *why = NULL;
	assert_int_equal(save(fx, "trainee", "id=2025-200|fy=2025|name=NGUYEN An|country=VN|"
	    "status=recommended|ja_level=2|en_level=1", NULL, NULL, &why), 0);
	int rc = save(fx, "request", "fy=2025|body_code=012025|seq=1|countries=VN|trainees=1|"
	    "trainee_id=2025-200", NULL, NULL, &why);
	if (rc != 0)
		fprintf(stderr, "%s\n", why);
	assert_int_equal(rc, 0);
	char *host = field_of(fx, "trainee", "2025-200", "host_code");
	char *status = field_of(fx, "trainee", "2025-200", "status");
	char *log = field_of(fx, "trainee", "2025-200", "status_log");
	assert_string_equal(host, "012025");
	assert_string_equal(status, "matched");
	assert_string_equal(log, "recommended 2024-10-10; matched 2024-10-10");
	free(host);
	free(status);
	free(log);
	/* A request naming a trainee who does not exist is refused whole. */
	rc = save(fx, "request", "fy=2025|body_code=011002|seq=1|trainees=1|trainee_id=2099-999",
	    NULL, NULL, &why);
	assert_int_not_equal(rc, 0);
	free(why);
}

static void
test_delete_refused_while_referred(void **state)
{
	struct app_fixture *fx = *state;
	char *why = NULL;
	assert_int_equal(save(fx, "survey1", "fy=2025|body_code=012025|intent=1|received_on=2024-10-01",
	    NULL, NULL, &why), 0);
	const char *screen_name = NULL;
	char *referrer = NULL;
	assert_int_equal(store_find_referrer(fx->app.db, fx->app.schema, screen(fx, "body"), "012025",
	    &screen_name, &referrer, &why), 0);
	assert_string_equal(screen_name, "survey1");
	assert_string_equal(referrer, "2025 / 012025");
	free(referrer);
	/* A body nobody names can go. */
	assert_int_equal(store_find_referrer(fx->app.db, fx->app.schema, screen(fx, "body"), "473812",
	    &screen_name, &referrer, &why), DB_NOTFOUND);
}

/* The board for FY2025 on 2024-10-10: 様式1/2 due 2024-10-04 (passed), 様式3 due 2024-11-01. */
static void
test_status_board(void **state)
{
	struct app_fixture *fx = *state;
	char *why = NULL;
	/* 札幌市: 様式1 on time with intent 1, so 様式3 is expected (not yet due). */
	assert_int_equal(save(fx, "survey1", "fy=2025|body_code=011002|intent=1|received_on=2024-10-01",
	    NULL, NULL, &why), 0);
	/* 函館市: 様式1 late with intent 4: 様式3 not expected. */
	assert_int_equal(save(fx, "survey1", "fy=2025|body_code=012025|intent=4|received_on=2024-10-07",
	    NULL, NULL, &why), 0);
	assert_int_equal(save(fx, "survey2", "fy=2025|body_code=012025|received_on=2024-10-07",
	    NULL, NULL, &why), 0);
	struct report_opts ro = { 2025 };
	struct table t;
	assert_int_equal(report_build(report_find(fx->app.schema, "survey-status"), &fx->app, &ro, &t, &why), 0);
	assert_int_equal(t.nrows, 5);
	/* Rows in code order: 011002, 012025, 130001, 131041, 473812. */
	size_t c1 = 4, c2 = 6, c3 = 8;  /* code, name, pref, kind, then state/date per form */
	assert_string_equal(table_cell(&t, 0, c1), "received");
	assert_string_equal(table_cell(&t, 0, c2), "late");
	assert_string_equal(table_cell(&t, 0, c3), "not yet due");
	assert_string_equal(table_cell(&t, 1, c1), "received late");
	assert_string_equal(table_cell(&t, 1, c1 + 1), "2024-10-07");
	assert_string_equal(table_cell(&t, 1, c2), "received late");
	assert_string_equal(table_cell(&t, 1, c3), "not expected");
	assert_string_equal(table_cell(&t, 2, c1), "late");
	assert_string_equal(table_cell(&t, 2, c3), "not expected");
	assert_non_null(strstr(t.summary, "received 1 received late 1 late 3"));
	table_free(&t);
	/* The chase list: everyone who owes a form past its date. */
	assert_int_equal(report_build(report_find(fx->app.schema, "chase"), &fx->app, &ro, &t, &why), 0);
	assert_int_equal(t.nrows, 4);
	assert_string_equal(table_cell(&t, 0, 0), "011002");
	assert_string_equal(table_cell(&t, 0, 2), "Form 2: hosting plan");
	table_free(&t);
}

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
#define T_(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T_(test_survey3_expected_only_after_intent_1_or_2),
		T_(test_trainee_dates),
		T_(test_trainee_status_forward_and_logged),
		T_(test_cost_allocation),
		T_(test_briefing_deadline),
		T_(test_request_assigns_trainee),
		T_(test_delete_refused_while_referred),
		T_(test_status_board),
	};
	return cmocka_run_group_tests_name("workflow", tests, NULL, NULL);
}
