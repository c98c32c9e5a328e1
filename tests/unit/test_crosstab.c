/*
 * The acceptance-record reports (by-country, by-prefecture, by-field) as
 * conf/reports.ini declares them, over a temporary database: aggregate
 * history with ranges of years and single years, trainees counted in their
 * fiscal year unless their status is filtered out, the hosts' prefecture
 * reached through the body, labels, totals, --fy, and the checks of the
 * [crosstab.*] declarations.  Then the two real published LGOTP tables
 * (../shared/data, never copied into the repository; skipped when absent):
 * CLAIR Beijing's trainees by field and year, imported through the history
 * screen's [import.beijing] layout, and CLAIR Singapore's totals for eight
 * ASEAN countries, which must come out as the published 233 (built record
 * by record, and imported through [import.asean]).
 */
#include "app.h"
#include "csv.h"
#include "exchange.h"
#include "report.h"
#include "report_crosstab.h"
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
#include <sys/stat.h>
#include <unistd.h>

#define BEIJING_CSV "../shared/data/lgotp_partial_china_by_field_clair_beijing.csv"
#define ASEAN_CSV "../shared/data/lgotp_partial_asean_clair_singapore.csv"

static const struct screen_def *
screen(struct app_fixture *fx, const char *name)
{
	const struct screen_def *sd = schema_screen(fx->app.schema, name);
	assert_non_null(sd);
	return sd;
}

/* Validate SPEC as the form would and store it as a new record of screen NAME. */
static void
save(struct app_fixture *fx, const char *name, const char *spec)
{
	const struct screen_def *sd = screen(fx, name);
	struct record *in = app_fixture_record(spec), *out = NULL;
	char *why = NULL;
	int bad;
	int rc = validate_record(sd, &fx->app.ctx, in, NULL, &out, &bad, &why, NULL);
	if (rc == 0)
		rc = store_save(fx->app.db, sd, out, NULL, &why);
	if (rc != 0)
		fail_msg("%s %s: %s", name, spec, why ? why : "not saved");
	record_free(in);
	record_free(out);
}

static int
setup(void **state)
{
	struct app_fixture *fx = app_fixture_open("crosstab", "2025-10-10");
	static const char *const bodies[] = {
		"code=011002|name=札幌市", "code=130001|name=東京都", "code=131041|name=新宿区",
		"code=473812|name=竹富町",
	};
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
		save(fx, "body", bodies[i]);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	app_fixture_close(*state);
	return 0;
}

/* Build report NAME (FY 0: every year) into *T. */
static void
build(struct app_fixture *fx, const char *name, int fy, struct table *t)
{
	const struct report_def *rd = report_find(fx->app.schema, name);
	assert_non_null(rd);
	struct report_opts ro = { fy };
	char *why = NULL;
	if (report_build(rd, &fx->app, &ro, t, &why) != 0)
		fail_msg("%s: %s", name, why);
}

/* The column whose CSV id is ID. */
static size_t
col(const struct table *t, const char *id)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (strcmp(t->ids[c], id) == 0)
			return c;
	fail_msg("no column %s", id);
	return 0;
}

/* The row whose label is CODE followed by its name (or "(not set)"). */
static size_t
row(const struct table *t, const char *code)
{
	size_t n = strlen(code);
	for (size_t r = 0; r < t->nrows; r++) {
		const char *label = table_cell(t, r, 0);
		if (strcmp(label, code) == 0 || (strncmp(label, code, n) == 0 && label[n] == ' '))
			return r;
	}
	fail_msg("no row %s", code);
	return 0;
}

static const char *
cell(const struct table *t, const char *code, const char *id)
{
	return table_cell(t, row(t, code), col(t, id));
}

static const char *
total_of(const struct table *t, const char *id)
{
	return table_cell(t, t->nrows - 1, col(t, id));
}

static bool
has_row(const struct table *t, const char *code)
{
	size_t n = strlen(code);
	for (size_t r = 0; r < t->nrows; r++)
		if (strncmp(table_cell(t, r, 0), code, n) == 0 && table_cell(t, r, 0)[n] == ' ')
			return true;
	return false;
}

/* Every row's total is the sum of its cells; every column's total the sum
 * of its rows; the corner the sum of both. */
static void
assert_totals_consistent(const struct table *t)
{
	assert_true(t->totals);
	assert_true(t->nrows >= 1);
	assert_string_equal(t->ids[t->ncols - 1], "total");
	size_t last = t->nrows - 1;
	long grand = 0;
	for (size_t r = 0; r < last; r++) {
		long sum = 0;
		for (size_t c = 1; c + 1 < t->ncols; c++)
			sum += atol(table_cell(t, r, c));
		assert_int_equal(sum, atol(table_cell(t, r, t->ncols - 1)));
		grand += sum;
	}
	for (size_t c = 1; c + 1 < t->ncols; c++) {
		long sum = 0;
		for (size_t r = 0; r < last; r++)
			sum += atol(table_cell(t, r, c));
		assert_int_equal(sum, atol(table_cell(t, last, c)));
	}
	assert_int_equal(grand, atol(table_cell(t, last, t->ncols - 1)));
}

/* Published counts: a range of years is a column of its own, in order of its first year. */
static void
test_history_ranges_and_single_years(void **state)
{
	struct app_fixture *fx = *state;
	save(fx, "history", "fy_from=1996|fy_to=2010|country=TH|field=all|count=45");
	save(fx, "history", "fy_from=2011|fy_to=2017|country=TH|field=all|count=2");
	save(fx, "history", "fy_from=1996|fy_to=2010|country=ID|field=all|count=34");
	save(fx, "history", "fy_from=2018|fy_to=2018|country=TH|field=all|count=3");
	save(fx, "history", "fy_from=1996|fy_to=2010|country=MY|field=all|count=22");
	save(fx, "history", "fy_from=2011|fy_to=2017|country=MY|field=all|count=0");
	struct table t;
	build(fx, "by-country", 0, &t);
	static const char *const ids[] = { "country", "fy1996_2010", "fy2011_2017", "fy2018", "total" };
	assert_int_equal(t.ncols, 5);
	for (size_t c = 0; c < 5; c++)
		assert_string_equal(t.ids[c], ids[c]);
	assert_string_equal(t.head[1], "FY1996-2010");
	assert_string_equal(t.head[3], "FY2018 (H30)");
	assert_string_equal(t.head[4], "Total");
	assert_int_equal(t.nrows, 4);                   /* ID, MY, TH, totals */
	assert_string_equal(table_cell(&t, 0, 0), "ID Indonesia");
	assert_int_equal(row(&t, "MY"), 1);
	assert_int_equal(row(&t, "TH"), 2);
	assert_string_equal(cell(&t, "ID", "fy1996_2010"), "34");
	assert_string_equal(cell(&t, "ID", "fy2011_2017"), "");       /* nothing recorded */
	assert_string_equal(cell(&t, "MY", "fy2011_2017"), "0");      /* a published zero */
	assert_string_equal(cell(&t, "TH", "fy2018"), "3");
	assert_string_equal(cell(&t, "TH", "total"), "50");
	assert_string_equal(table_cell(&t, 3, 0), "Total");
	assert_string_equal(total_of(&t, "fy1996_2010"), "101");
	assert_string_equal(total_of(&t, "total"), "106");
	assert_non_null(strstr(t.summary, "FY1996 (H8) to FY2018 (H30)"));
	assert_non_null(strstr(t.summary, "106"));
	assert_totals_consistent(&t);
	table_free(&t);
}

/* Trainees count one each in their fiscal year, added to single-year history. */
static void
test_trainees_counted_in_their_fiscal_year(void **state)
{
	struct app_fixture *fx = *state;
	save(fx, "history", "fy_from=2019|fy_to=2019|country=KR|field=admin|count=2");
	save(fx, "trainee", "id=2019-001|fy=2019|name=KIM A|country=KR|status=completed");
	save(fx, "trainee", "id=2024-001|fy=2024|name=LEE B|country=KR|status=completed");
	save(fx, "trainee", "id=2025-001|fy=2025|name=CHEN C|country=CN|status=training");
	save(fx, "trainee", "id=2025-002|fy=2025|name=WANG D|country=CN|status=arrived");
	struct table t;
	build(fx, "by-country", 0, &t);
	assert_int_equal(t.ncols, 5);
	assert_string_equal(t.ids[1], "fy2019");
	assert_string_equal(t.ids[2], "fy2024");
	assert_string_equal(t.ids[3], "fy2025");
	assert_string_equal(t.head[1], "FY2019 (R1)");
	assert_string_equal(cell(&t, "KR", "fy2019"), "3");
	assert_string_equal(cell(&t, "KR", "fy2024"), "1");
	assert_string_equal(cell(&t, "CN", "fy2025"), "2");
	assert_string_equal(cell(&t, "CN", "fy2019"), "");
	assert_int_equal(row(&t, "CN"), 0);             /* by code */
	assert_string_equal(total_of(&t, "total"), "6");
	assert_totals_consistent(&t);
	table_free(&t);

	/* In Japanese: both calendars in the titles, names and totals in Japanese. */
	app_set_lang(&fx->app, LANG_JA);
	build(fx, "by-country", 0, &t);
	assert_string_equal(t.head[0], "国・地域");
	assert_string_equal(t.head[1], "2019(R1)");
	assert_string_equal(t.head[3], "2025(R7)");
	assert_string_equal(t.head[4], "計");
	assert_string_equal(table_cell(&t, t.nrows - 1, 0), "合計");
	assert_string_equal(t.ids[1], "fy2019");       /* CSV ids do not change */
	assert_non_null(strstr(t.summary, "令和元年度"));
	assert_non_null(strstr(t.summary, "令和7年度"));
	assert_non_null(strstr(t.summary, "計 6人"));
	table_free(&t);
	app_set_lang(&fx->app, LANG_EN);
}

/* Applicants not (yet) matched with a host, and withdrawals, are not acceptances. */
static void
test_filtered_statuses_excluded(void **state)
{
	struct app_fixture *fx = *state;
	static const char *const statuses[] = { "applied", "screened", "recommended", "withdrawn",
		"matched", "confirmed" };
	for (size_t i = 0; i < 6; i++) {
		char *spec = xasprintf("id=2025-%03zu|fy=2025|name=T %zu|country=VN|status=%s", i + 1, i,
		    statuses[i]);
		save(fx, "trainee", spec);
		free(spec);
	}
	save(fx, "trainee", "id=2024-001|fy=2024|name=X|country=PH|status=withdrawn");
	struct table t;
	build(fx, "by-country", 0, &t);
	assert_int_equal(t.ncols, 3);                   /* only 2025 counts */
	assert_string_equal(cell(&t, "VN", "fy2025"), "2");
	assert_false(has_row(&t, "PH"));
	assert_string_equal(total_of(&t, "total"), "2");
	table_free(&t);
}

/* Totals per row and per column over both sources. */
static void
test_row_and_column_totals(void **state)
{
	struct app_fixture *fx = *state;
	save(fx, "history", "fy_from=1996|fy_to=2010|country=TH|field=all|count=45");
	save(fx, "history", "fy_from=1996|fy_to=2010|country=PH|field=all|count=35");
	save(fx, "history", "fy_from=2012|fy_to=2012|country=TH|field=econ|count=4");
	save(fx, "history", "fy_from=2012|fy_to=2012|country=PH|field=admin|count=1");
	save(fx, "trainee", "id=2012-001|fy=2012|name=A|country=TH|status=completed");
	save(fx, "trainee", "id=2025-001|fy=2025|name=B|country=PH|status=jiam");
	save(fx, "trainee", "id=2025-002|fy=2025|name=C|country=KR|status=confirmed");
	struct table t;
	build(fx, "by-country", 0, &t);
	assert_string_equal(cell(&t, "TH", "total"), "50");
	assert_string_equal(cell(&t, "PH", "total"), "37");
	assert_string_equal(cell(&t, "KR", "total"), "1");
	assert_string_equal(total_of(&t, "fy1996_2010"), "80");
	assert_string_equal(total_of(&t, "fy2012"), "6");
	assert_string_equal(total_of(&t, "fy2025"), "2");
	assert_string_equal(total_of(&t, "total"), "88");
	assert_totals_consistent(&t);
	table_free(&t);
}

/* The hosts' prefecture: host_code>pref_code through the body; history has no host. */
static void
test_by_prefecture_through_host_body(void **state)
{
	struct app_fixture *fx = *state;
	save(fx, "history", "fy_from=1996|fy_to=2010|country=TH|field=all|count=45");
	save(fx, "trainee", "id=2024-001|fy=2024|name=A|country=KR|status=completed|host_code=011002");
	save(fx, "trainee", "id=2025-001|fy=2025|name=B|country=CN|status=training|host_code=130001");
	save(fx, "trainee", "id=2025-002|fy=2025|name=C|country=VN|status=training|host_code=131041");
	save(fx, "trainee", "id=2025-003|fy=2025|name=D|country=TH|status=confirmed");
	save(fx, "trainee", "id=2025-004|fy=2025|name=E|country=TH|status=withdrawn|host_code=473812");
	struct table t;
	build(fx, "by-prefecture", 0, &t);
	assert_string_equal(t.ids[0], "pref_code");
	assert_string_equal(t.head[0], "Prefecture");
	assert_int_equal(t.ncols, 4);                   /* fy2024, fy2025: no history range */
	assert_int_equal(t.nrows, 4);                   /* 01, 13, (not set), totals */
	assert_string_equal(table_cell(&t, 0, 0), "01 Hokkaido");
	assert_string_equal(table_cell(&t, 1, 0), "13 Tokyo");
	assert_string_equal(table_cell(&t, 2, 0), "(not set)");
	assert_string_equal(cell(&t, "01", "fy2024"), "1");
	assert_string_equal(cell(&t, "13", "fy2025"), "2");
	assert_string_equal(table_cell(&t, 2, col(&t, "fy2025")), "1");
	assert_false(has_row(&t, "47"));
	assert_string_equal(total_of(&t, "total"), "4");
	assert_totals_consistent(&t);
	table_free(&t);
}

/* Fields by their labels, in the order the screen declares them. */
static void
test_by_field_labels(void **state)
{
	struct app_fixture *fx = *state;
	save(fx, "history", "fy_from=1996|fy_to=2010|country=TH|field=all|count=45");
	save(fx, "history", "fy_from=2001|fy_to=2001|country=CN|field=env|count=10");
	save(fx, "trainee", "id=2025-001|fy=2025|name=A|country=CN|status=training|field=econ");
	save(fx, "trainee", "id=2025-002|fy=2025|name=B|country=CN|status=training|field=admin");
	save(fx, "trainee", "id=2025-003|fy=2025|name=C|country=KR|status=training|field=admin");
	save(fx, "trainee", "id=2025-004|fy=2025|name=D|country=KR|status=training");
	struct table t;
	build(fx, "by-field", 0, &t);
	assert_string_equal(t.ids[0], "field");
	assert_string_equal(t.head[0], "Training field");
	assert_int_equal(t.nrows, 6);
	assert_string_equal(table_cell(&t, 0, 0), "admin General administration");
	assert_string_equal(table_cell(&t, 1, 0), "env Environment and waste");
	assert_string_equal(table_cell(&t, 2, 0), "econ Economy (trade, industry, tourism)");
	assert_string_equal(table_cell(&t, 3, 0), "all All fields");
	assert_string_equal(table_cell(&t, 4, 0), "(not set)");
	assert_string_equal(cell(&t, "admin", "fy2025"), "2");
	assert_string_equal(cell(&t, "all", "fy1996_2010"), "45");
	assert_string_equal(cell(&t, "env", "fy2001"), "10");
	/* A single year inside a range comes after the range that starts earlier. */
	assert_string_equal(t.ids[1], "fy1996_2010");
	assert_string_equal(t.ids[2], "fy2001");
	assert_totals_consistent(&t);
	table_free(&t);

	app_set_lang(&fx->app, LANG_JA);
	build(fx, "by-field", 0, &t);
	assert_string_equal(table_cell(&t, 0, 0), "admin 一般行政");
	assert_string_equal(table_cell(&t, 3, 0), "all 全分野");
	assert_string_equal(table_cell(&t, 4, 0), "(未設定)");
	table_free(&t);
	app_set_lang(&fx->app, LANG_EN);
}

/* --fy: only that year's column, and ranges holding it. */
static void
test_fy_filter(void **state)
{
	struct app_fixture *fx = *state;
	save(fx, "history", "fy_from=1996|fy_to=2010|country=TH|field=all|count=45");
	save(fx, "history", "fy_from=2011|fy_to=2017|country=TH|field=all|count=2");
	save(fx, "history", "fy_from=2005|fy_to=2005|country=ID|field=all|count=3");
	save(fx, "trainee", "id=2025-001|fy=2025|name=A|country=CN|status=training");
	save(fx, "trainee", "id=2024-001|fy=2024|name=B|country=KR|status=completed");
	struct table t;

	build(fx, "by-country", 2005, &t);
	assert_int_equal(t.ncols, 4);
	assert_string_equal(t.ids[1], "fy1996_2010");
	assert_string_equal(t.ids[2], "fy2005");
	assert_int_equal(t.nrows, 3);                   /* ID, TH, totals */
	assert_string_equal(cell(&t, "TH", "fy1996_2010"), "45");
	assert_string_equal(cell(&t, "ID", "fy2005"), "3");
	assert_non_null(strstr(t.summary, "FY2005 (H17)"));
	assert_totals_consistent(&t);
	table_free(&t);

	build(fx, "by-country", 2025, &t);
	assert_int_equal(t.ncols, 3);
	assert_string_equal(t.ids[1], "fy2025");
	assert_int_equal(t.nrows, 2);
	assert_string_equal(cell(&t, "CN", "fy2025"), "1");
	table_free(&t);

	build(fx, "by-country", 2012, &t);
	assert_int_equal(t.ncols, 3);
	assert_string_equal(t.ids[1], "fy2011_2017");
	table_free(&t);

	/* A year nothing counts in: its column, and a zero total. */
	build(fx, "by-country", 2030, &t);
	assert_int_equal(t.ncols, 3);
	assert_string_equal(t.ids[1], "fy2030");
	assert_int_equal(t.nrows, 1);
	assert_string_equal(total_of(&t, "fy2030"), "0");
	assert_string_equal(total_of(&t, "total"), "0");
	table_free(&t);
}

/* No records at all: a table with just the totals row, and a summary saying so. */
static void
test_empty(void **state)
{
	struct app_fixture *fx = *state;
	struct table t;
	build(fx, "by-country", 0, &t);
	assert_int_equal(t.ncols, 2);
	assert_int_equal(t.nrows, 1);
	assert_string_equal(total_of(&t, "total"), "0");
	assert_string_equal(t.summary, "No records");
	table_free(&t);
}

/* Records stored without a readable year (by an older version, or by hand)
 * are left out, and the summary says how many. */
static void
test_records_without_year_left_out(void **state)
{
	struct app_fixture *fx = *state;
	save(fx, "trainee", "id=2025-001|fy=2025|name=A|country=KR|status=training");
	/* Straight into the store, past the checks that would refuse them. */
	static const char *const raw[] = { "id=X1|name=B|country=KR|status=training",
		"id=X2|fy=R7|name=C|country=KR|status=training" };
	for (size_t i = 0; i < 2; i++) {
		struct record *r = app_fixture_record(raw[i]);
		char *why = NULL;
		assert_int_equal(store_save(fx->app.db, screen(fx, "trainee"), r, NULL, &why), 0);
		record_free(r);
	}
	struct table t;
	build(fx, "by-country", 0, &t);
	assert_string_equal(total_of(&t, "total"), "1");
	assert_non_null(strstr(t.summary, "2 records without a year or count left out"));
	table_free(&t);
}

/* Write TEXT to DIR/reports.ini and point the schema's settings file into DIR. */
static char *
use_reports(struct app_fixture *fx, const char *dir, const char *text)
{
	char *path = xasprintf("%s/reports.ini", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	free(path);
	char *old = fx->app.schema->settings.conf_path;
	fx->app.schema->settings.conf_path = xasprintf("%s/lgotp.ini", dir);
	return old;
}

static void
restore_reports(struct app_fixture *fx, char *old)
{
	free(fx->app.schema->settings.conf_path);
	fx->app.schema->settings.conf_path = old;
}

static bool
has_error(const struct strlist *errs, const char *line, const char *text)
{
	for (size_t i = 0; i < errs->n; i++)
		if (strstr(errs->v[i], line) && strstr(errs->v[i], text))
			return true;
	return false;
}

static void
expect_error(const struct strlist *errs, const char *line, const char *text)
{
	if (has_error(errs, line, text))
		return;
	for (size_t i = 0; i < errs->n; i++)
		fprintf(stderr, "  %s\n", errs->v[i]);
	fail_msg("no error %s %s", line, text);
}

/* The declarations are checked with file:line messages. */
static void
test_check_errors(void **state)
{
	struct app_fixture *fx = *state;
	struct strlist errs = { 0 };
	assert_int_equal(report_crosstab_check(fx->app.schema, &errs), 0);
	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.v[i]);
	assert_int_equal(errs.n, 0);

	char *dir = xasprintf("%s/conf", fx->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	char *old = use_reports(fx, dir,
	    "[crosstab.by-country]\n"                           /* 1 */
	    "rows = country\n"                                  /* 2 */
	    "source.history = fy_from, fy_to, count\n"          /* 3 */
	    "source.nosuch = fy\n"                              /* 4 */
	    "filter.trainee = status in 'x'\n"                  /* 5 */
	    "colour = red\n"                                    /* 6 */
	    "[crosstab.by-prefecture]\n"                        /* 7 */
	    "rows = host_code>nope\n"                           /* 8 */
	    "source.trainee = fy\n"                             /* 9 */
	    "filter.trainee = status not in (\n"                /* 10 */
	    "[crosstab.by-field]\n"                             /* 11 */
	    "rows = name>x\n"                                   /* 12 */
	    "source.trainee = fy\n"                             /* 13 */
	    "source.history = fy_from, fy_to, note\n"           /* 14 */
	    "filter.trainee = status = withdrawn\n"             /* 15 */
	    "source.request = fy, fy, fy, fy\n"                 /* 16 */
	    "[crosstab.by-nothing]\n"                           /* 17 */
	    "rows = country\n");                                /* 18 */
	assert_int_equal(report_crosstab_check(fx->app.schema, &errs), -1);
	expect_error(&errs, "reports.ini:4:", "source.nosuch: no screen 'nosuch'");
	expect_error(&errs, "reports.ini:5:", "filter.trainee: no source.trainee");
	expect_error(&errs, "reports.ini:6:", "unknown key 'colour'");
	expect_error(&errs, "reports.ini:8:", "rows: screen body has no field 'nope'");
	expect_error(&errs, "reports.ini:10:", "filter.trainee: at column");
	expect_error(&errs, "reports.ini:12:", "rows: trainee.name names no other screen's record");
	expect_error(&errs, "reports.ini:14:", "note is a text field; a count must be an int field");
	expect_error(&errs, "reports.ini:15:", "screen trainee has no field 'withdrawn'");
	expect_error(&errs, "reports.ini:16:", "expected FY, or FY, COUNT, or FROM, TO, COUNT");
	expect_error(&errs, "reports.ini:17:", "no report 'by-nothing'");
	assert_int_equal(errs.n, 10);
	/* A report whose declaration is wrong says so instead of counting. */
	struct table t;
	char *why = NULL;
	struct report_opts ro = { 0 };
	assert_int_equal(report_build(report_find(fx->app.schema, "by-prefecture"), &fx->app, &ro, &t,
	    &why), -1);
	assert_non_null(strstr(why, "reports.ini:8: rows"));
	free(why);
	restore_reports(fx, old);
	strlist_free(&errs);

	/* Sections missing, and a section without rows or sources. */
	old = use_reports(fx, dir,
	    "[crosstab.by-country]\n"                           /* 1 */
	    "source.trainee = fy\n"                             /* 2 */
	    "[crosstab.by-field]\n"                             /* 3 */
	    "rows = field\n");                                  /* 4 */
	assert_int_equal(report_crosstab_check(fx->app.schema, &errs), -1);
	expect_error(&errs, "reports.ini:1:", "[crosstab.by-country] needs rows");
	expect_error(&errs, "reports.ini:3:", "[crosstab.by-field] needs source.SCREEN");
	expect_error(&errs, "reports.ini:0:", "no [crosstab.by-prefecture] section");
	assert_int_equal(errs.n, 3);
	why = NULL;
	assert_int_equal(report_build(report_find(fx->app.schema, "by-prefecture"), &fx->app, &ro, &t,
	    &why), -1);
	assert_non_null(strstr(why, "no [crosstab.by-prefecture] section"));
	free(why);
	restore_reports(fx, old);
	strlist_free(&errs);
	free(dir);
}

/* Copy SRC to DIR/NAME (import writes its rejects beside its input: not into ../shared). */
static char *
copy_into(const char *dir, const char *src, const char *name)
{
	char *dst = xasprintf("%s/%s", dir, name);
	FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
	assert_non_null(in);
	assert_non_null(out);
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
	return dst;
}

/* The column of HEADER in a CSV header row. */
static size_t
header_col(char **fields, size_t n, const char *header)
{
	for (size_t c = 0; c < n; c++)
		if (strcmp(fields[c], header) == 0)
			return c;
	fail_msg("no column %s", header);
	return 0;
}

/*
 * CLAIR Beijing's trainees from China by field and fiscal year, imported
 * through [import.beijing]: the page's stated totals are rejected (not a
 * field), and by-field gives the sums of the field rows, year by year and
 * field by field.  Those agree with the stated totals except FY2013, whose
 * fields add to 10 where the page states 12.
 */
static void
test_real_beijing_by_field(void **state)
{
	struct app_fixture *fx = *state;
	if (access(BEIJING_CSV, R_OK) != 0) {
		print_message("skipped: %s is absent\n", BEIJING_CSV);
		skip();
	}
	/* The expected figures, from the file's own field rows. */
	long *year_sum = xcalloc(10000, sizeof *year_sum), *year_stated = xcalloc(10000, sizeof *year_stated);
	const struct screen_def *hist = screen(fx, "history");
	const struct field_def *ff = &hist->fields[schema_field_index(hist, "field")];
	long field_sum[16] = { 0 };
	assert_true(ff->nchoices <= 16);
	long rows = 0, stated_rows = 0, grand = 0;
	char *why = NULL;
	struct csv_reader *cr = csv_open(BEIJING_CSV, CSV_AUTO, &why);
	assert_non_null(cr);
	char **f;
	size_t nf;
	long line;
	assert_int_equal(csv_next(cr, &f, &nf, &line, &why), 1);
	size_t cy = header_col(f, nf, "fiscal_year"), cf = header_col(f, nf, "field_ja"),
	    cn = header_col(f, nf, "trainees");
	while (csv_next(cr, &f, &nf, &line, &why) == 1) {
		int y = atoi(f[cy]);
		assert_true(y >= 1996 && y < 10000);
		long n = atol(f[cn]);
		if (strcmp(f[cf], "合計(stated)") == 0) {
			year_stated[y] = n;
			stated_rows++;
			continue;
		}
		size_t k;
		for (k = 0; k < ff->nchoices && strcmp(ff->choices[k].label[LANG_JA], f[cf]) != 0; k++)
			;
		assert_true(k < ff->nchoices);
		field_sum[k] += n;
		year_sum[y] += n;
		grand += n;
		rows++;
	}
	csv_close(cr);
	for (int y = 1996; y < 10000; y++)
		if (year_stated[y] != year_sum[y]) {
			/* The one known discrepancy of the published page. */
			assert_int_equal(y, 2013);
			assert_int_equal(year_sum[y], 10);
			assert_int_equal(year_stated[y], 12);
		}

	char *copy = copy_into(fx->dir, BEIJING_CSV, "beijing.csv");
	char *errtext = NULL;
	size_t errlen = 0;
	FILE *err = open_memstream(&errtext, &errlen);
	assert_non_null(err);
	struct import_opts io = { 0 };
	struct import_stats st = { 0 };
	int rc = exchange_import(&fx->app, hist, copy, &io, err, &st);
	fclose(err);
	assert_int_equal(rc, 1);                        /* the stated totals are rejected */
	assert_int_equal(st.rejected, stated_rows);
	assert_int_equal(st.stored, rows);
	free(errtext);
	free(copy);

	struct table t;
	build(fx, "by-field", 0, &t);
	size_t years = 0;
	for (int y = 1996; y < 10000; y++) {
		if (year_stated[y] == 0 && year_sum[y] == 0)
			continue;
		char id[16];
		snprintf(id, sizeof id, "fy%d", y);
		assert_int_equal(atol(total_of(&t, id)), year_sum[y]);
		years++;
	}
	assert_int_equal(t.ncols, years + 2);           /* no column for FY2003, which the page lacks */
	assert_int_equal(atol(total_of(&t, "fy2013")), 10);
	for (size_t k = 0; k < ff->nchoices; k++)
		if (field_sum[k] != 0)
			assert_int_equal(atol(cell(&t, ff->choices[k].code, "total")), field_sum[k]);
	assert_int_equal(atol(total_of(&t, "total")), grand);
	assert_totals_consistent(&t);
	table_free(&t);

	build(fx, "by-country", 0, &t);
	assert_int_equal(t.nrows, 2);
	assert_int_equal(atol(cell(&t, "CN", "total")), grand);
	table_free(&t);
	free(year_sum);
	free(year_stated);
}

/*
 * CLAIR Singapore's table: for each of its rows, PER_ROW (when not NULL) is
 * called with the row's cells; *codes and *totals get each country's code
 * and published FY1996-2017 total.
 */
static void
read_asean(void (*per_row)(struct app_fixture *, const char *, const char *, const char *), struct app_fixture *fx,
    struct strlist *codes, struct strlist *totals)
{
	char *why = NULL;
	struct csv_reader *cr = csv_open(ASEAN_CSV, CSV_AUTO, &why);
	assert_non_null(cr);
	char **f;
	size_t nf;
	long line;
	assert_int_equal(csv_next(cr, &f, &nf, &line, &why), 1);
	size_t cc = header_col(f, nf, "country_alpha2"), c1 = header_col(f, nf, "trainees_fy1996_2010"),
	    c2 = header_col(f, nf, "trainees_fy2011_2017"), ct = header_col(f, nf, "trainees_fy1996_2017");
	long published = 0;
	while (csv_next(cr, &f, &nf, &line, &why) == 1) {
		if (per_row)
			per_row(fx, f[cc], f[c1], f[c2]);
		strlist_add(codes, xstrdup(f[cc]));
		strlist_add(totals, xstrdup(f[ct]));
		published += atol(f[ct]);
	}
	csv_close(cr);
	assert_int_equal(codes->n, 8);
	assert_int_equal(published, 233);
}

/* Two history records for one country: FY1996-2010 and FY2011-2017, no breakdown by field. */
static void
save_asean_row(struct app_fixture *fx, const char *code, const char *n1, const char *n2)
{
	char *a = xasprintf("fy_from=1996|fy_to=2010|country=%s|field=all|count=%s", code, n1);
	char *b = xasprintf("fy_from=2011|fy_to=2017|country=%s|field=all|count=%s", code, n2);
	save(fx, "history", a);
	save(fx, "history", b);
	free(a);
	free(b);
}

/* by-country over the ASEAN records: each country's published total, and 233 in all. */
static void
check_asean_by_country(struct app_fixture *fx, const struct strlist *codes, const struct strlist *totals)
{
	struct table t;
	build(fx, "by-country", 0, &t);
	assert_int_equal(t.ncols, 4);
	assert_string_equal(t.ids[1], "fy1996_2010");
	assert_string_equal(t.ids[2], "fy2011_2017");
	assert_int_equal(t.nrows, codes->n + 1);
	for (size_t i = 0; i < codes->n; i++)
		assert_string_equal(cell(&t, codes->v[i], "total"), totals->v[i]);
	assert_string_equal(total_of(&t, "total"), "233");
	assert_non_null(strstr(t.summary, "FY1996 (H8) to FY2017 (H29)"));
	assert_non_null(strstr(t.summary, "233"));
	assert_totals_consistent(&t);
	table_free(&t);
}

/*
 * CLAIR Singapore's totals for eight ASEAN countries, FY1996-2010 and
 * FY2011-2017, as two history records per country built with csv.h: by-country
 * reproduces each country's published FY1996-2017 total and 233 in all.
 */
static void
test_real_asean_by_country(void **state)
{
	struct app_fixture *fx = *state;
	if (access(ASEAN_CSV, R_OK) != 0) {
		print_message("skipped: %s is absent\n", ASEAN_CSV);
		skip();
	}
	struct strlist codes = { 0 }, totals = { 0 };
	read_asean(save_asean_row, fx, &codes, &totals);
	check_asean_by_country(fx, &codes, &totals);

	/* As CSV: the ids as header, the totals row last. */
	struct table t;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	assert_non_null(out);
	build(fx, "by-country", 0, &t);
	assert_int_equal(table_write_csv(&t, out, CSV_UTF8, false, stderr), 0);
	fclose(out);
	assert_true(strncmp(text, "country,fy1996_2010,fy2011_2017,total\r\n", 39) == 0);
	assert_non_null(strstr(text, "\r\nTotal,"));
	assert_non_null(strstr(text, ",233\r\n"));
	free(text);
	table_free(&t);
	strlist_free(&codes);
	strlist_free(&totals);
}

/* The same table through the history screen's [import.asean] layout (two
 * records a row, the FY1996-2017 column checked as their sum). */
static void
test_real_asean_import(void **state)
{
	struct app_fixture *fx = *state;
	if (access(ASEAN_CSV, R_OK) != 0) {
		print_message("skipped: %s is absent\n", ASEAN_CSV);
		skip();
	}
	const struct screen_def *hist = screen(fx, "history");
	bool layout = false;
	for (size_t i = 0; i < hist->nimports; i++)
		layout |= strcmp(hist->imports[i].name, "asean") == 0;
	if (!layout) {
		print_message("skipped: screens/history.ini has no [import.asean]\n");
		skip();
	}
	struct strlist codes = { 0 }, totals = { 0 };
	read_asean(NULL, fx, &codes, &totals);
	char *copy = copy_into(fx->dir, ASEAN_CSV, "asean.csv");
	struct import_opts io = { 0 };
	struct import_stats st = { 0 };
	int rc = exchange_import(&fx->app, hist, copy, &io, stderr, &st);
	free(copy);
	assert_int_equal(rc, 0);
	assert_int_equal(st.rejected, 0);
	assert_int_equal(st.stored, 2 * (long)codes.n);
	check_asean_by_country(fx, &codes, &totals);
	strlist_free(&codes);
	strlist_free(&totals);
}

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
#define T_(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T_(test_history_ranges_and_single_years),
		T_(test_trainees_counted_in_their_fiscal_year),
		T_(test_filtered_statuses_excluded),
		T_(test_row_and_column_totals),
		T_(test_by_prefecture_through_host_body),
		T_(test_by_field_labels),
		T_(test_fy_filter),
		T_(test_empty),
		T_(test_records_without_year_left_out),
		T_(test_check_errors),
		T_(test_real_beijing_by_field),
		T_(test_real_asean_by_country),
		T_(test_real_asean_import),
	};
	return cmocka_run_group_tests_name("crosstab", tests, NULL, NULL);
}
