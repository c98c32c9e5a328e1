/*
 * Import and export through the real command line: the ministry's code
 * sheet as Excel saves it (CP932 and UTF-8 with BOM), rejected rows
 * reported with their lines, and export → import round trips.
 */
#include "e2e.h"
#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const sheets[] = {
	"../shared/data/soumu_lg_codes_cp932.csv",
	"../shared/data/soumu_lg_codes_utf8bom.csv",
};

static int
count_lines_with(const char *text, const char *needle)
{
	int n = 0;
	for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

static char *
export_body(const char *db)
{
	const char *args[] = { "--encoding", "utf-8", "export", "body", NULL };
	char *out = NULL;
	assert_int_equal(e2e_run(db, args, &out, NULL), 0);
	return out;
}

static void
test_ministry_sheet(void **state)
{
	(void)state;
	char *first = NULL;
	for (size_t s = 0; s < 2; s++) {
		if (access(sheets[s], R_OK) != 0) {
			printf("SKIP: %s is absent (the reference data lives in ../shared/data)\n", sheets[s]);
			skip();
		}
		char *db = e2e_db_new();
		const char *args[] = { "import", "body", sheets[s], NULL };
		char *err = NULL;
		int rc = e2e_run(db, args, NULL, &err);
		if (rc != 0)
			fprintf(stderr, "%s", err);
		assert_int_equal(rc, 0);
		assert_non_null(strstr(err, "1794"));
		free(err);
		char *csv = export_body(db);
		/* One header line and 1,794 bodies. */
		assert_int_equal(count_lines_with(csv, "\r\n"), 1 + 1794);
		assert_int_equal(count_lines_with(csv, ",pref,"), 47);
		assert_int_equal(count_lines_with(csv, ",desig,"), 20);
		assert_int_equal(count_lines_with(csv, ",ward,"), 23);
		assert_int_equal(count_lines_with(csv, ",town,"), 743);
		assert_int_equal(count_lines_with(csv, ",village,"), 189);
		assert_int_equal(count_lines_with(csv, ",city,"), 772);
		/* Names, readings folded to full-width katakana, derived prefecture codes. */
		assert_non_null(strstr(csv, "011002,desig,01,札幌市,サッポロシ,"));
		assert_non_null(strstr(csv, "010006,pref,01,北海道,ホッカイドウ,"));
		assert_non_null(strstr(csv, "131041,ward,13,新宿区,シンジュクク,"));
		assert_non_null(strstr(csv, "473812,town,47,竹富町,タケトミチョウ,"));
		/* Both encodings of the same sheet give the same records. */
		if (first == NULL)
			first = csv;
		else {
			assert_string_equal(first, csv);
			free(csv);
		}
		e2e_db_free(db);
	}
	free(first);
}

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_rejects_reported_good_rows_stored(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	char *path = xasprintf("%s/in.csv", db);
	write_text(path,
	    "code,name,name_kana\n"
	    "011002,札幌市,さっぽろし\n"           /* line 2: good; hiragana reading folded */
	    "011001,誤り市,\n"                     /* line 3: bad check digit */
	    "012025,函館市,ﾊｺﾀﾞﾃｼ\n"                /* line 4: good; half-width folded */
	    "012033,,\n"                           /* line 5: the name is required */
	    "011002,二重,\n"                       /* line 6: the key exists */
	    "\"012041\",\"旭川\n市\",\n");          /* line 7: a line break in a quoted name */
	const char *args[] = { "--lang", "en", "import", "body", path, NULL };
	char *err = NULL;
	int rc = e2e_run(db, args, NULL, &err);
	assert_int_equal(rc, 1);
	char *l3 = xasprintf("%s:3: code:", path), *l5 = xasprintf("%s:5: name:", path);
	char *l6 = xasprintf("%s:6: 011002 already exists", path);
	assert_non_null(strstr(err, l3));
	assert_non_null(strstr(err, l5));
	assert_non_null(strstr(err, l6));
	free(l3);
	free(l5);
	free(l6);
	free(err);
	char *csv = export_body(db);
	assert_non_null(strstr(csv, "011002,desig,01,札幌市,サッポロシ,"));
	assert_non_null(strstr(csv, "012025,city,01,函館市,ハコダテシ,"));
	assert_null(strstr(csv, "011001"));
	assert_null(strstr(csv, "012033"));
	/* A control character (the line break) is not stored in a name. */
	assert_null(strstr(csv, "012041"));
	free(csv);
	free(path);
	e2e_db_free(db);
}

/* Screens in an order where what a record names is already there. */
static const char *const all_screens[] = {
	"body", "office", "trainee", "survey1", "survey2", "survey3", "request", "briefing", "cost",
	"counsel", "advice", "report", "history",
};
#define NSCREENS (sizeof all_screens / sizeof all_screens[0])

/* The demo database: every conf/demo file. */
static char *
demo_db(void)
{
	char *db = e2e_db_new();
	for (size_t s = 0; s < NSCREENS; s++) {
		char *path = xasprintf("conf/demo/%s.csv", all_screens[s]);
		if (access(path, R_OK) == 0) {
			const char *imp[] = { "import", all_screens[s], path, NULL };
			char *err = NULL;
			int rc = e2e_run(db, imp, NULL, &err);
			if (rc != 0)
				fprintf(stderr, "%s: %s", path, err);
			assert_int_equal(rc, 0);
			free(err);
		}
		free(path);
	}
	return db;
}

/* Export every screen, import into an empty database, export again: the
 * same bytes, in each encoding. */
static void
test_round_trip(void **state)
{
	(void)state;
	static const char *const encodings[] = { "utf-8", "utf-8-bom", "cp932" };
	char *db = demo_db();
	for (size_t e = 0; e < 3; e++) {
		char *db2 = e2e_db_new();
		for (size_t s = 0; s < NSCREENS; s++) {
			const char *exp[] = { "--encoding", encodings[e], "export", all_screens[s], NULL };
			char *first = NULL;
			assert_int_equal(e2e_run(db, exp, &first, NULL), 0);
			char *path = xasprintf("%s/%s.csv", db2, all_screens[s]);
			write_text(path, first);
			const char *imp[] = { "import", all_screens[s], path, NULL };
			char *err = NULL;
			int rc = e2e_run(db2, imp, NULL, &err);
			if (rc != 0)
				fprintf(stderr, "%s %s: %s", encodings[e], all_screens[s], err);
			assert_int_equal(rc, 0);
			free(err);
			char *second = NULL;
			assert_int_equal(e2e_run(db2, exp, &second, NULL), 0);
			if (strcmp(first, second) != 0)
				fprintf(stderr, "%s %s differs:\n%s\n---\n%s\n", encodings[e], all_screens[s],
				    first, second);
			assert_string_equal(first, second);
			free(first);
			free(second);
			free(path);
		}
		e2e_db_free(db2);
	}
	e2e_db_free(db);
}

static void
test_usage_errors(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	const char *nosuch[] = { "export", "nosuchscreen", NULL };
	char *err = NULL;
	assert_int_equal(e2e_run(db, nosuch, NULL, &err), 2);
	assert_non_null(strstr(err, "nosuchscreen"));
	free(err);
	const char *missing[] = { "import", "body", "/nonexistent/file.csv", NULL };
	assert_int_equal(e2e_run(db, missing, NULL, &err), 2);
	assert_non_null(strstr(err, "/nonexistent/file.csv"));
	free(err);
	const char *badenc[] = { "--encoding", "latin1", "export", "body", NULL };
	assert_int_equal(e2e_run(db, badenc, NULL, &err), 2);
	free(err);
	const char *check[] = { "check", NULL };
	char *out = NULL;
	assert_int_equal(e2e_run(db, check, &out, NULL), 0);
	free(out);
	e2e_db_free(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ministry_sheet),
		cmocka_unit_test(test_rejects_reported_good_rows_stored),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_usage_errors),
	};
	return cmocka_run_group_tests_name("e2e_exchange", tests, NULL, NULL);
}
