/*
 * Practice mode's throw-away database: the copy is made without writing
 * to the live database (its data.mdb byte for byte the same), lives in a
 * new directory under $TMPDIR, is made ready for the samples (drafts and
 * leases dropped, records under a sample's key taken out, samples that
 * could not be saved there marked with the reason) and is removed whole.
 */
#include "app.h"
#include "db.h"
#include "draft.h"
#include "i18n.h"
#include "practice_copy.h"
#include "samples.h"
#include "schema.h"
#include "store.h"
#include "util.h"
#include "validate.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct fixture {
	char live[64];          /* the "live" database */
	char tmp[64];           /* $TMPDIR for the copies */
	struct schema *schema;
};

static void
save(struct db *db, const struct screen_def *sd, const char *spec)
{
	struct record *r = record_new();
	struct strlist parts = { 0 };
	split_trim(spec, '|', &parts);
	for (size_t i = 0; i < parts.n; i++) {
		char *eq = strchr(parts.v[i], '=');
		*eq = '\0';
		record_set(r, parts.v[i], eq + 1);
	}
	strlist_free(&parts);
	char *why = NULL;
	assert_int_equal(store_save(db, sd, r, NULL, &why), 0);
	record_free(r);
}

static int
setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof *fx);
	strcpy(fx->live, "/tmp/lgotp-live-XXXXXX");
	strcpy(fx->tmp, "/tmp/lgotp-tmpdir-XXXXXX");
	assert_non_null(mkdtemp(fx->live));
	assert_non_null(mkdtemp(fx->tmp));
	struct strlist errs = { 0 };
	fx->schema = schema_load("conf/lgotp.ini", NULL, &errs);
	assert_non_null(fx->schema);
	const struct screen_def *body = schema_screen(fx->schema, "body");
	const struct screen_def *s1 = schema_screen(fx->schema, "survey1");
	struct db *db = NULL;
	char *why = NULL;
	assert_int_equal(db_open(fx->live, &db, &why), 0);
	/* 函館市 with a 様式1 under the key of the first survey1 sample; 小樽市,
	 * the first body sample; 札幌市, which no sample names. */
	save(db, body, "code=012025|kind=city|pref_code=01|name=函館市");
	save(db, body, "code=012033|kind=city|pref_code=01|name=小樽市");
	save(db, body, "code=011002|kind=desig|pref_code=01|name=札幌市");
	save(db, s1, "fy=2025|body_code=012025|intent=4|received_on=2024-10-01");
	save(db, s1, "fy=2025|body_code=011002|intent=1|received_on=2024-10-01");
	struct record *d = record_new();
	record_set(d, "body_code", "0110");
	assert_int_equal(draft_save(db, "survey1", "", d, 1, 0, &why), 0);
	assert_int_equal(lease_take(db, "body", "011002", &why), 0);
	record_free(d);
	db_close(db);
	setenv("TMPDIR", fx->tmp, 1);
	*state = fx;
	return 0;
}

static void
rm_tree(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	rm_tree(fx->live);
	rm_tree(fx->tmp);
	schema_free(fx->schema);
	free(fx);
	return 0;
}

static char *
slurp(const char *path, size_t *len)
{
	char *s;
	assert_int_equal(read_whole_file(path, &s, len), 0);
	return s;
}

/* Entries of DIR other than . and .. */
static int
entries(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	closedir(d);
	return n;
}

static bool
has(struct db *db, const struct screen_def *sd, const char *key)
{
	struct record *r = NULL;
	char *why = NULL;
	int rc = store_get(db, sd, key, &r, &why);
	record_free(r);
	free(why);
	assert_true(rc == 0 || rc == DB_NOTFOUND);
	return rc == 0;
}

static void
test_copy_prepare_remove(void **state)
{
	struct fixture *fx = *state;
	const struct screen_def *body = schema_screen(fx->schema, "body");
	const struct screen_def *s1 = schema_screen(fx->schema, "survey1");
	char *data = xasprintf("%s/data.mdb", fx->live);
	size_t before_len, after_len;
	char *before = slurp(data, &before_len);

	struct practice_copy pc;
	char *why = NULL;
	assert_int_equal(practice_copy_make(fx->live, &pc, &why), 0);
	assert_false(pc.empty);
	assert_non_null(pc.dir);
	assert_int_equal(strncmp(pc.dir, fx->tmp, strlen(fx->tmp)), 0);
	assert_non_null(strstr(pc.dir, "/lgotp-practice-"));
	struct stat st;
	assert_int_equal(stat(pc.dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);

	struct app app = { 0 };
	app.schema = fx->schema;
	app.today = "2024-10-10";
	app.env.schema = fx->schema;
	app.env.today = app.today;
	assert_int_equal(db_open(pc.dir, &app.db, &why), 0);
	app.env.db = app.db;
	validate_ctx_init(&app.ctx, &app.env, LANG_EN);
	struct strlist errs = { 0 };
	struct samples *ss = samples_load(fx->schema, "conf/practice", LANG_EN, &errs);
	assert_non_null(ss);
	/* Everything was copied. */
	assert_true(has(app.db, body, "012033"));
	assert_true(has(app.db, s1, "2025\x1f" "012025"));
	assert_int_equal(practice_copy_prepare(&app, ss, &why), 0);

	/* Under a sample's key: taken out of the copy, so it is keyed as new. */
	assert_false(has(app.db, body, "012033"));
	assert_false(has(app.db, s1, "2025\x1f" "012025"));
	/* The rest is there. */
	assert_true(has(app.db, body, "012025"));
	assert_true(has(app.db, body, "011002"));
	assert_true(has(app.db, s1, "2025\x1f" "011002"));
	/* The live database's sessions are not this one's. */
	char *dscreen = NULL, *dkey = NULL;
	assert_int_equal(draft_find(app.db, &dscreen, &dkey, &why), DB_NOTFOUND);
	struct lease l;
	assert_int_equal(lease_held(app.db, "body", "011002", &l, &why), DB_NOTFOUND);
	/* A sample naming a body this database lacks cannot be saved: it says
	 * why.  The one naming 函館市 can; so can every body sample. */
	const struct sample_set *set = samples_for(ss, s1);
	assert_non_null(set);
	assert_null(set->samples[0].unusable);
	size_t unusable = 0;
	for (size_t i = 1; i < set->n; i++)
		if (set->samples[i].unusable) {
			unusable++;
			assert_non_null(strstr(set->samples[i].unusable, "no such body"));
		}
	assert_int_equal(unusable, set->n - 1);
	const struct sample_set *bset = samples_for(ss, body);
	for (size_t i = 0; i < bset->n; i++)
		assert_null(bset->samples[i].unusable);
	db_close(app.db);

	/* The live database: not one byte changed, every record there. */
	char *after = slurp(data, &after_len);
	assert_int_equal(before_len, after_len);
	assert_memory_equal(before, after, before_len);
	struct db *live = NULL;
	assert_int_equal(db_open(fx->live, &live, &why), 0);
	assert_true(has(live, body, "012033"));
	assert_true(has(live, s1, "2025\x1f" "012025"));
	assert_int_equal(draft_find(live, &dscreen, &dkey, &why), 0);
	free(dscreen);
	free(dkey);
	/* While the live database is open here, a copy is refused (closing a
	 * second environment would drop this one's locks). */
	char *tmp2 = xasprintf("%s/other", fx->tmp);
	assert_int_equal(mkdir(tmp2, 0700), 0);
	assert_int_equal(db_copy(fx->live, tmp2, &why), -1);
	assert_non_null(strstr(why, "open in this process"));
	free(why);
	why = NULL;
	rmdir(tmp2);
	free(tmp2);
	db_close(live);

	/* Removed whole. */
	char *dir = xstrdup(pc.dir);
	practice_copy_remove(&pc);
	assert_null(pc.dir);
	assert_int_equal(stat(dir, &st), -1);
	assert_int_equal(entries(fx->tmp), 0);
	practice_copy_remove(&pc);      /* again: nothing to do */
	free(dir);
	samples_free(ss);
	free(before);
	free(after);
	free(data);
}

static void
test_no_database_yet(void **state)
{
	struct fixture *fx = *state;
	char *none = xasprintf("%s/none", fx->tmp);
	struct practice_copy pc;
	char *why = NULL;
	assert_int_equal(practice_copy_make(none, &pc, &why), 0);
	assert_true(pc.empty);
	assert_int_equal(entries(pc.dir), 0);
	/* Nothing was made where the database would be. */
	struct stat st;
	assert_int_equal(stat(none, &st), -1);
	practice_copy_remove(&pc);
	assert_int_equal(entries(fx->tmp), 0);
	free(none);
}

static void
test_unwritable_tmpdir(void **state)
{
	struct fixture *fx = *state;
	setenv("TMPDIR", "/nonexistent/tmp", 1);
	struct practice_copy pc;
	char *why = NULL;
	assert_int_equal(practice_copy_make(fx->live, &pc, &why), -1);
	assert_non_null(strstr(why, "/nonexistent/tmp"));
	assert_null(pc.dir);
	free(why);
	setenv("TMPDIR", fx->tmp, 1);
}

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	/* The messages checked are the English ones (i18n's default is Japanese). */
	i18n_set_lang(LANG_EN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_copy_prepare_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_database_yet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwritable_tmpdir, setup, teardown),
	};
	return cmocka_run_group_tests_name("practice_copy", tests, NULL, NULL);
}
