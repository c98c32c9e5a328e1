/*
 * Whole records against their screen: types, required fields, readings
 * folded, derived fields filled, fields the screen no longer declares kept.
 */
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

#include "db.h"
#include "lgcode.h"
#include "store.h"
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

struct vcase {
	const char *screen;
	const char *fields;     /* "id=value|id=value" as typed */
	const char *expect;     /* "id=value|..." stored, or NULL when rejected */
	const char *bad;        /* the field in error */
	const char *why;        /* substring of the message */
};

static const struct vcase cases[] = {
	{ "body", "code=011002|name=札幌市|name_kana=さっぽろし",
	  "code=011002|kind=desig|pref_code=01|name=札幌市|name_kana=サッポロシ", NULL, NULL },
	{ "body", "code=０１２０２５|name=函館市|name_kana=ﾊｺﾀﾞﾃｼ",
	  "code=012025|kind=city|pref_code=01|name=函館市|name_kana=ハコダテシ", NULL, NULL },
	{ "body", "code=131041|name=新宿区", "code=131041|kind=ward|pref_code=13|name=新宿区", NULL, NULL },
	{ "body", "code=473812|name=竹富町", "code=473812|kind=town|pref_code=47|name=竹富町", NULL, NULL },
	{ "body", "code=130001|name=東京都", "code=130001|kind=pref|pref_code=13|name=東京都", NULL, NULL },
	/* A kind given is kept, not derived. */
	{ "body", "code=130001|kind=branch|name=東京支部",
	  "code=130001|kind=branch|pref_code=13|name=東京支部", NULL, NULL },
	{ "body", "code=011001|name=x", NULL, "code", "check digit" },
	{ "body", "code=011002", NULL, "name", "Name" },
	{ "body", "code=011002|name=札幌市|kind=metropolis", NULL, "kind", "pref" },
	{ "body", "code=011002|name=札幌\033[31m市", NULL, "name", "control" },
	{ "body", "code=011002|name=札幌市|email=not-an-address", NULL, "email", NULL },
	{ "survey1", "fy=R7|body_code=011002|intent=1|received_on=R6.10.4",
	  "fy=2025|body_code=011002|intent=1|received_on=2024-10-04", NULL, NULL },
	{ "survey1", "fy=令和7|body_code=011002|intent=4|received_on=2024/10/4|phone=０１１－２１１－２０３２",
	  "fy=2025|body_code=011002|intent=4|phone=011-211-2032|received_on=2024-10-04", NULL, NULL },
	{ "survey1", "fy=2025|body_code=011002|intent=5|received_on=2024-10-04", NULL, "intent", NULL },
	{ "survey1", "fy=2025|body_code=011002|received_on=2024-10-04", NULL, "intent", "Intent" },
	{ "survey1", "fy=2025|body_code=011002|intent=1|received_on=2023-02-29", NULL, "received_on", NULL },
	{ "survey1", "fy=2025|body_code=011002|intent=1", NULL, "received_on", NULL },
	{ "survey1", "body_code=011002|intent=1|received_on=2024-10-04", NULL, "fy", NULL },
};

static struct record *
parse_fields(const char *spec)
{
	struct record *r = record_new();
	struct strlist parts = { 0 };
	split_trim(spec, '|', &parts);
	for (size_t i = 0; i < parts.n; i++) {
		char *eq = strchr(parts.v[i], '=');
		if (eq == NULL)
			continue;
		*eq = '\0';
		record_set(r, parts.v[i], eq + 1);
	}
	strlist_free(&parts);
	return r;
}

static void
test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct vcase *c = &cases[i];
		const struct screen_def *sd = schema_screen(schema, c->screen);
		assert_non_null(sd);
		struct record *in = parse_fields(c->fields), *out = NULL;
		int bad = -1;
		char *why = NULL;
		int rc = validate_record(sd, &ctx, in, NULL, &out, &bad, &why, NULL);
		if (c->expect) {
			if (rc != 0)
				fprintf(stderr, "case %zu (%s): rejected: %s\n", i, c->fields, why);
			assert_int_equal(rc, 0);
			struct record *want = parse_fields(c->expect);
			for (size_t f = 0; f < sd->nfields; f++) {
				const char *id = sd->fields[f].id;
				if (strcmp(record_get(want, id), record_get(out, id)) != 0)
					fprintf(stderr, "case %zu: %s: expected '%s', got '%s'\n", i, id,
					    record_get(want, id), record_get(out, id));
				assert_string_equal(record_get(want, id), record_get(out, id));
			}
			record_free(want);
			record_free(out);
		} else {
			if (rc == 0)
				fprintf(stderr, "case %zu (%s): accepted\n", i, c->fields);
			assert_int_equal(rc, -1);
			assert_string_equal(sd->fields[bad].id, c->bad);
			if (c->why && strstr(why, c->why) == NULL)
				fprintf(stderr, "case %zu: message '%s' lacks '%s'\n", i, why, c->why);
			if (c->why)
				assert_non_null(strstr(why, c->why));
			free(why);
		}
		record_free(in);
	}
}

/* Values of fields the screen does not declare survive a save. */
static void
test_unknown_fields_kept(void **state)
{
	(void)state;
	const struct screen_def *sd = schema_screen(schema, "body");
	struct record *in = parse_fields("code=011002|name=札幌市|retired_field=old value"), *out = NULL;
	int bad;
	char *why = NULL;
	assert_int_equal(validate_record(sd, &ctx, in, NULL, &out, &bad, &why, NULL), 0);
	assert_string_equal(record_get(out, "retired_field"), "old value");
	record_free(in);
	record_free(out);
}

#define NBODIES 150

static void
body_code(char code[8], int i)
{
	char five[6];
	snprintf(five, sizeof five, "13%03d", i + 1);
	snprintf(code, 8, "%s%d", five, lgcode_check_digit(five));
}

/*
 * An import's look-ups (validate_cache_start): the same answers whether a
 * body was read alone or with the rest of its screen, which happens once
 * enough look-ups have missed; from then on a body stored afterwards is
 * not there, as the cache's contract says (the database does not change
 * under a batch).
 */
static void
test_lookup_cache_reads_whole(void **state)
{
	(void)state;
	struct app_fixture *fx = app_fixture_open("lookup", "2025-09-02");
	const struct screen_def *body = schema_screen(fx->app.schema, "body");
	assert_non_null(body);
	struct record *recs[NBODIES];
	int results[NBODIES];
	char code[8], name[32];
	for (int i = 0; i < NBODIES; i++) {
		body_code(code, i);
		snprintf(name, sizeof name, "区%d", i);
		recs[i] = record_new();
		record_set(recs[i], "code", code);
		record_set(recs[i], "name", name);
	}
	char *why = NULL;
	/* The last one is stored only after the cache has read the screen. */
	assert_int_equal(store_save_batch(fx->app.db, body, recs, NBODIES - 1, false, results, &why),
	    0);
	validate_cache_start(&fx->app.env);
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < NBODIES - 1; i++) {
			body_code(code, i);
			snprintf(name, sizeof name, "区%d", i);
			char *v = validate_lookup(&fx->app.env, "body", code, LANG_JA);
			assert_non_null(v);
			assert_string_equal(v, name);
			free(v);
		}
		assert_null(validate_lookup(&fx->app.env, "body", "139998", LANG_JA));
	}
	assert_int_equal(store_save_batch(fx->app.db, body, recs + NBODIES - 1, 1, false, results,
	    &why), 0);
	body_code(code, NBODIES - 1);
	assert_null(validate_lookup(&fx->app.env, "body", code, LANG_JA));
	validate_cache_end(&fx->app.env);
	/* Without the cache, it is read. */
	char *v = validate_lookup(&fx->app.env, "body", code, LANG_JA);
	assert_non_null(v);
	free(v);
	for (int i = 0; i < NBODIES; i++)
		record_free(recs[i]);
	app_fixture_close(fx);
}

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_unknown_fields_kept),
		cmocka_unit_test(test_lookup_cache_reads_whole),
	};
	return cmocka_run_group_tests_name("validate", tests, setup, teardown);
}
