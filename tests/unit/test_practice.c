/*
 * Practice mode's score: a saved record compared field by field with the
 * sample it was keyed from, after the field types have read both (so
 * full-width digits, era dates and kana forms are not mistakes), and the
 * figures derived from the counts and the times given.
 */
#include "practice.h"
#include "record.h"
#include "samples.h"
#include "schema.h"
#include "util.h"
#include "validate.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_fixture.h"

static struct schema *schema;
static struct ftype_ctx ctx;
static struct lookup_env env;

static int
setup(void **state)
{
	(void)state;
	schema = schema_fixture_load(&ctx, &env);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	schema_free(schema);
	return 0;
}

/* "id=value|id=value" into a sample of SD named NAME (values may be empty). */
static struct sample *
make_sample(const struct screen_def *sd, const char *name, const char *spec)
{
	struct sample *smp = xcalloc(1, sizeof *smp);
	smp->name = xstrdup(name);
	struct strlist parts = { 0 };
	split_trim(spec, '|', &parts);
	smp->values = xcalloc(parts.n, sizeof *smp->values);
	for (size_t i = 0; i < parts.n; i++) {
		char *eq = strchr(parts.v[i], '=');
		assert_non_null(eq);
		*eq = '\0';
		int fi = schema_field_index(sd, parts.v[i]);
		assert_true(fi >= 0);
		smp->values[smp->nvalues++] = (struct sample_value){ (size_t)fi, xstrdup(eq + 1), 0 };
	}
	strlist_free(&parts);
	return smp;
}

static void
free_sample(struct sample *smp)
{
	for (size_t i = 0; i < smp->nvalues; i++)
		free(smp->values[i].value);
	free(smp->values);
	free(smp->name);
	free(smp);
}

static struct record *
make_record(const char *spec)
{
	struct record *r = record_new();
	struct strlist parts = { 0 };
	split_trim(spec, '|', &parts);
	for (size_t i = 0; i < parts.n; i++) {
		if (*parts.v[i] == '\0')
			continue;       /* "": nothing typed */
		char *eq = strchr(parts.v[i], '=');
		assert_non_null(eq);
		*eq = '\0';
		record_set(r, parts.v[i], eq + 1);
	}
	strlist_free(&parts);
	return r;
}

struct case_ {
	const char *id;
	const char *screen;
	const char *sample;     /* what the paper says */
	const char *typed;      /* what was keyed */
	long wrong;
	const char *wrong_ids;  /* the fields found wrong, "," separated, in sample order */
	long chars;             /* characters of the typed values compared */
};

static const struct case_ cases[] = {
	{ "same", "survey1", "fy=2025|body_code=012025|intent=1|contact=北村 美咲",
	  "fy=2025|body_code=012025|intent=1|contact=北村 美咲", 0, "", 4 + 6 + 1 + 5 },
	{ "full-width code and choice", "survey1", "body_code=012025|intent=1",
	  "body_code=０１２０２５|intent=１", 0, "", 6 + 1 },
	{ "era year and dates", "survey1", "fy=令和7年度|received_on=令和6年9月30日",
	  "fy=R7|received_on=2024-09-30", 0, "", 2 + 10 },
	{ "a day off", "survey1", "received_on=令和6年9月30日", "received_on=2024/9/29", 1,
	  "received_on", 9 },
	{ "text differs", "survey1", "dept=企画部国際課|contact=北村 美咲",
	  "dept=企画部国際課|contact=北村 美", 1, "contact", 6 + 4 },
	{ "text trimmed", "survey1", "contact=北村 美咲", "contact=  北村 美咲", 0, "", 7 },
	{ "inner space matters", "survey1", "contact=北村 美咲", "contact=北村美咲", 1, "contact", 4 },
	{ "readings in any kana", "body", "name_kana=ひろさきし|name=弘前市",
	  "name_kana=ﾋﾛｻｷｼ|name=弘前市", 0, "", 5 + 3 },
	{ "blank on paper, typed", "survey1", "note=|phone=0138-21-0101",
	  "note=x|phone=0138-21-0101", 1, "note", 1 + 12 },
	{ "blank on paper, left blank", "survey1", "note=", "", 0, "", 0 },
	{ "field not typed at all", "survey1", "intent=2|dept=国際課", "intent=2", 1, "dept", 1 },
	{ "refused value compared as written", "survey1", "phone=022-211-0202",
	  "phone=022-211-020x", 1, "phone", 12 },
	{ "every field wrong", "survey1", "body_code=040002|intent=2|email=a@example.jp",
	  "body_code=040010|intent=3|email=b@example.jp", 3, "body_code,intent,email", 6 + 1 + 12 },
	{ "fields the sample does not list are not compared", "survey1", "intent=1",
	  "intent=1|note=anything|dept=x", 0, "", 1 },
};

static void
test_cases(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		const struct case_ *k = &cases[c];
		const struct screen_def *sd = schema_screen(schema, k->screen);
		assert_non_null(sd);
		struct sample *smp = make_sample(sd, "7", k->sample);
		struct record *typed = make_record(k->typed);
		struct practice_score ps;
		practice_score_init(&ps);
		long wrong = practice_record(&ps, sd, smp, typed, &ctx, 5.0);
		struct strbuf ids = SB_INIT;
		for (size_t i = 0; i < ps.nmisses; i++)
			sb_addf(&ids, "%s%s", i ? "," : "", sd->fields[ps.misses[i].field].id);
		char *got = sb_detach(&ids);
		if (wrong != k->wrong || strcmp(got, k->wrong_ids) != 0 || ps.chars != k->chars)
			fprintf(stderr, "case '%s': %ld wrong (%s), %ld chars\n", k->id, wrong, got,
			    ps.chars);
		assert_int_equal(wrong, k->wrong);
		assert_string_equal(got, k->wrong_ids);
		assert_int_equal(ps.records, 1);
		assert_int_equal(ps.fields, (long)smp->nvalues);
		assert_int_equal(ps.wrong, k->wrong);
		assert_int_equal(ps.chars, k->chars);
		/* Each miss says which sample, what the paper said, what was typed. */
		for (size_t i = 0; i < ps.nmisses; i++) {
			const struct practice_miss *m = &ps.misses[i];
			assert_string_equal(m->sample, "7");
			assert_string_equal(m->expected, sample_value(smp, m->field));
			assert_string_equal(m->typed, record_get(typed, sd->fields[m->field].id));
		}
		free(got);
		practice_score_free(&ps);
		record_free(typed);
		free_sample(smp);
	}
}

/* Keys and saves at given times: the figures over a session of records. */
static void
test_figures(void **state)
{
	(void)state;
	const struct screen_def *sd = schema_screen(schema, "survey1");
	struct practice_score ps;
	practice_score_init(&ps);
	/* Nothing yet: no accuracy, no time, no rate. */
	assert_true(practice_accuracy(&ps) < 0);
	assert_true(practice_seconds(&ps) == 0);
	assert_true(practice_cpm(&ps) < 0);
	/* Keys before any save: still no time. */
	for (int i = 0; i < 10; i++)
		practice_key(&ps, 100.0 + i);
	assert_int_equal(ps.keystrokes, 10);
	assert_true(practice_seconds(&ps) == 0);
	struct sample *a = make_sample(sd, "1", "body_code=012025|intent=1|contact=北村 美咲|note=");
	struct sample *b = make_sample(sd, "2", "body_code=040002|intent=2|contact=佐々木 健一|note=x");
	struct record *ra = make_record("body_code=012025|intent=1|contact=北村 美咲");
	struct record *rb = make_record("body_code=040002|intent=2|contact=佐々木 健|note=x");
	assert_int_equal(practice_record(&ps, sd, a, ra, &ctx, 130.0), 0);
	/* 30 s from the first key; 12 characters. */
	assert_true(practice_seconds(&ps) > 29.999 && practice_seconds(&ps) < 30.001);
	assert_true(practice_cpm(&ps) > 23.999 && practice_cpm(&ps) < 24.001);
	for (int i = 0; i < 15; i++)
		practice_key(&ps, 131.0 + i);
	assert_int_equal(practice_record(&ps, sd, b, rb, &ctx, 160.0), 1);
	assert_int_equal(ps.records, 2);
	assert_int_equal(ps.fields, 8);
	assert_int_equal(ps.wrong, 1);
	assert_int_equal(ps.keystrokes, 25);
	assert_int_equal(ps.chars, 12 + 6 + 1 + 5 + 1);
	/* 7 of 8 right; 25 characters in 60 s. */
	assert_true(practice_accuracy(&ps) > 87.499 && practice_accuracy(&ps) < 87.501);
	assert_true(practice_seconds(&ps) > 59.999 && practice_seconds(&ps) < 60.001);
	assert_true(practice_cpm(&ps) > 24.999 && practice_cpm(&ps) < 25.001);
	assert_int_equal(ps.nmisses, 1);
	assert_string_equal(ps.misses[0].sample, "2");
	assert_string_equal(ps.misses[0].expected, "佐々木 健一");
	assert_string_equal(ps.misses[0].typed, "佐々木 健");
	/* Freed back to a clean score. */
	practice_score_free(&ps);
	assert_int_equal(ps.records, 0);
	assert_int_equal(ps.nmisses, 0);
	assert_true(practice_accuracy(&ps) < 0);
	record_free(ra);
	record_free(rb);
	free_sample(a);
	free_sample(b);
}

/* practice_same on its own: what the type folds, and what it does not. */
static void
test_same(void **state)
{
	(void)state;
	const struct screen_def *sd = schema_screen(schema, "survey1");
	const struct field_def *code = &sd->fields[schema_field_index(sd, "body_code")];
	const struct field_def *fy = &sd->fields[schema_field_index(sd, "fy")];
	const struct field_def *dept = &sd->fields[schema_field_index(sd, "dept")];
	assert_true(practice_same(code, &ctx, "012025", "０１２０２５"));
	assert_false(practice_same(code, &ctx, "012025", "012033"));
	assert_true(practice_same(fy, &ctx, "H31", "R1"));
	assert_true(practice_same(fy, &ctx, "令和7年度", "2025"));
	assert_false(practice_same(fy, &ctx, "令和7年度", "2024"));
	/* Text is not a code: full-width letters stay what they are. */
	assert_false(practice_same(dept, &ctx, "ABC課", "ＡＢＣ課"));
	assert_true(practice_same(dept, &ctx, "国際課", " 国際課 "));
}

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_figures),
		cmocka_unit_test(test_same),
	};
	return cmocka_run_group_tests_name("practice", tests, setup, teardown);
}
