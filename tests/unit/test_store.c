/*
 * Records by screen: keys, versions (optimistic concurrency), the search
 * index and its normalisation (code, name, reading in any kana form).
 */
#include "schema.h"
#include "store.h"
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

struct fixture {
	char dir[64];
	struct db *db;
	struct schema *schema;
	const struct screen_def *body;
};

static struct record *
body(const char *code, const char *name, const char *kana)
{
	struct record *r = record_new();
	record_set(r, "code", code);
	record_set(r, "name", name);
	record_set(r, "name_kana", kana);
	return r;
}

static int
setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof *fx);
	strcpy(fx->dir, "/tmp/lgotp-store-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	char *why = NULL;
	assert_int_equal(db_open(fx->dir, &fx->db, &why), 0);
	struct strlist errs = { 0 };
	fx->schema = schema_load("conf/lgotp.ini", NULL, &errs);
	assert_non_null(fx->schema);
	fx->body = schema_screen(fx->schema, "body");
	assert_non_null(fx->body);
	static const char *const rows[][3] = {
		{ "011002", "札幌市", "サッポロシ" },
		{ "012025", "函館市", "ハコダテシ" },
		{ "130001", "東京都", "トウキョウト" },
		{ "131041", "新宿区", "シンジュクク" },
		{ "012050", "室蘭市", "ムロランシ" },
	};
	for (size_t i = 0; i < 5; i++) {
		struct record *r = body(rows[i][0], rows[i][1], rows[i][2]);
		assert_int_equal(store_save(fx->db, fx->body, r, NULL, &why), 0);
		assert_int_equal(r->version, 1);
		record_free(r);
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	db_close(fx->db);
	schema_free(fx->schema);
	char *cmd = xasprintf("rm -rf '%s'", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(fx);
	return 0;
}

/* The codes a search finds, joined by spaces. */
static char *
found(struct fixture *fx, const char *query)
{
	struct record **recs;
	size_t n;
	char *why = NULL;
	assert_int_equal(store_search(fx->db, fx->body, query, 50, &recs, &n, &why), 0);
	struct strbuf sb = SB_INIT;
	for (size_t i = 0; i < n; i++)
		sb_addf(&sb, "%s%s", i ? " " : "", record_get(recs[i], "code"));
	store_free_list(recs, n);
	return sb_detach(&sb);
}

static void
test_search(void **state)
{
	struct fixture *fx = *state;
	static const struct { const char *query, *expect; } cases[] = {
		{ "0110", "011002" },                  /* code prefix */
		{ "01", "011002 012025 012050" },      /* in key order */
		{ "０１２０", "012025 012050" },         /* full-width digits */
		{ "札幌", "011002" },                   /* name prefix */
		{ "さっぽろ", "011002" },               /* hiragana reading */
		{ "サッポロ", "011002" },               /* katakana */
		{ "ｻｯﾎﾟﾛ", "011002" },                 /* half-width kana */
		{ "し", "131041" },                    /* シンジュクク */
		{ "東", "130001" },
		{ "ハ", "012025" },
		{ "大阪", "" },
		{ "", "011002 012025 012050 130001 131041" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = found(fx, cases[i].query);
		if (strcmp(got, cases[i].expect) != 0)
			fprintf(stderr, "query '%s': expected '%s', got '%s'\n", cases[i].query,
			    cases[i].expect, got);
		assert_string_equal(got, cases[i].expect);
		free(got);
	}
}

static void
test_insert_existing_key(void **state)
{
	struct fixture *fx = *state;
	struct record *r = body("011002", "別の名前", "");
	char *why = NULL;
	assert_int_equal(store_save(fx->db, fx->body, r, NULL, &why), STORE_EXISTS);
	record_free(r);
	struct record *got = NULL;
	assert_int_equal(store_get(fx->db, fx->body, "011002", &got, &why), 0);
	assert_string_equal(record_get(got, "name"), "札幌市");
	record_free(got);
}

static void
test_update_and_conflict(void **state)
{
	struct fixture *fx = *state;
	char *why = NULL;
	struct record *a = NULL, *b = NULL;
	assert_int_equal(store_get(fx->db, fx->body, "012025", &a, &why), 0);
	assert_int_equal(store_get(fx->db, fx->body, "012025", &b, &why), 0);
	record_set(a, "dept", "国際交流課");
	assert_int_equal(store_save(fx->db, fx->body, a, "012025", &why), 0);
	assert_int_equal(a->version, 2);
	/* b was read before a's save: it must not overwrite it. */
	record_set(b, "dept", "企画課");
	assert_int_equal(store_save(fx->db, fx->body, b, "012025", &why), STORE_CONFLICT);
	struct record *got = NULL;
	assert_int_equal(store_get(fx->db, fx->body, "012025", &got, &why), 0);
	assert_string_equal(record_get(got, "dept"), "国際交流課");
	record_free(got);
	record_free(a);
	record_free(b);
}

static void
test_key_change_moves_index(void **state)
{
	struct fixture *fx = *state;
	char *why = NULL;
	struct record *r = NULL;
	assert_int_equal(store_get(fx->db, fx->body, "012050", &r, &why), 0);
	record_set(r, "code", "012068");
	record_set(r, "name", "釧路市");
	record_set(r, "name_kana", "クシロシ");
	assert_int_equal(store_save(fx->db, fx->body, r, "012050", &why), 0);
	record_free(r);
	char *got = found(fx, "ムロラン");
	assert_string_equal(got, "");
	free(got);
	got = found(fx, "くしろ");
	assert_string_equal(got, "012068");
	free(got);
	/* Moving onto an existing key is refused. */
	assert_int_equal(store_get(fx->db, fx->body, "012068", &r, &why), 0);
	record_set(r, "code", "011002");
	assert_int_equal(store_save(fx->db, fx->body, r, "012068", &why), STORE_EXISTS);
	record_free(r);
}

static void
test_delete(void **state)
{
	struct fixture *fx = *state;
	char *why = NULL;
	assert_int_equal(store_delete(fx->db, fx->body, "131041", 2, &why), STORE_CONFLICT);
	assert_int_equal(store_delete(fx->db, fx->body, "131041", 1, &why), 0);
	assert_int_equal(store_delete(fx->db, fx->body, "131041", 0, &why), DB_NOTFOUND);
	char *got = found(fx, "しんじゅく");
	assert_string_equal(got, "");
	free(got);
	size_t n;
	assert_int_equal(store_count(fx->db, fx->body, &n, &why), 0);
	assert_int_equal(n, 4);
}

static void
test_list_paging(void **state)
{
	struct fixture *fx = *state;
	char *why = NULL;
	struct record **recs;
	size_t n;
	assert_int_equal(store_list(fx->db, fx->body, "012025", false, 2, &recs, &n, &why), 0);
	assert_int_equal(n, 2);
	assert_string_equal(record_get(recs[0], "code"), "012025");
	assert_string_equal(record_get(recs[1], "code"), "012050");
	store_free_list(recs, n);
	assert_int_equal(store_list(fx->db, fx->body, "012025", true, 5, &recs, &n, &why), 0);
	assert_int_equal(n, 2);
	assert_string_equal(record_get(recs[1], "code"), "011002");
	store_free_list(recs, n);
	assert_int_equal(store_list(fx->db, fx->body, NULL, true, 1, &recs, &n, &why), 0);
	assert_string_equal(record_get(recs[0], "code"), "131041");
	store_free_list(recs, n);
}

static void
test_batch(void **state)
{
	struct fixture *fx = *state;
	char *why = NULL;
	struct record *recs[3] = {
		body("272001", "岸和田市", "キシワダシ"),
		body("011002", "札幌市(重複)", ""),
		body("272001", "岸和田市(重複)", ""),
	};
	int results[3];
	assert_int_equal(store_save_batch(fx->db, fx->body, recs, 3, false, results, &why), 0);
	assert_int_equal(results[0], 0);
	assert_int_equal(results[1], STORE_EXISTS);
	assert_int_equal(results[2], STORE_EXISTS);
	/* Upsert replaces, and moves the version on. */
	assert_int_equal(store_save_batch(fx->db, fx->body, recs + 1, 1, true, results, &why), 0);
	assert_int_equal(results[0], 0);
	struct record *got = NULL;
	assert_int_equal(store_get(fx->db, fx->body, "011002", &got, &why), 0);
	assert_string_equal(record_get(got, "name"), "札幌市(重複)");
	assert_int_equal(got->version, 2);
	record_free(got);
	char *codes = found(fx, "きしわだ");
	assert_string_equal(codes, "272001");
	free(codes);
	/* The old reading is gone from the index with the old record. */
	codes = found(fx, "さっぽろ");
	assert_string_equal(codes, "");
	free(codes);
	for (int i = 0; i < 3; i++)
		record_free(recs[i]);
}

static void
test_lookup_label(void **state)
{
	struct fixture *fx = *state;
	struct lookup_env env = { fx->db, fx->schema };
	char *label = validate_lookup(&env, "body", "011002", LANG_JA);
	assert_non_null(label);
	assert_string_equal(label, "札幌市");
	free(label);
	assert_null(validate_lookup(&env, "body", "011001", LANG_JA));
	assert_null(validate_lookup(&env, "nosuchscreen", "011002", LANG_JA));
}

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
#define T_(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T_(test_search), T_(test_insert_existing_key), T_(test_update_and_conflict),
		T_(test_key_change_moves_index), T_(test_delete), T_(test_list_paging),
		T_(test_batch), T_(test_lookup_label),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
