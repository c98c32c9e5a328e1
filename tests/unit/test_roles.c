/*
 * Roles and scopes from a roles file: levels, export, confidential screens
 * out of '*', group membership, union of roles, scopes on records, and
 * the refusal of a user with no role.
 */
#include "i18n.h"
#include "roles.h"
#include "schema.h"
#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct schema *schema;
static char path[64];

static const char roles_text[] =
	"[user.tanaka]\nroles = keyer\n"
	"[user.kim]\nroles = seoul\n"
	"[user.sato]\nroles = keyer, counselor\n"
	"[group.lgotp-admin]\nroles = admin\n"
	"[role.admin]\n* = delete, export\nreports = yes\ncounsel = delete\n"
	"[role.keyer]\n* = read\nsurvey1 = edit, export\nbody = read, export\nreports = yes\n"
	"[role.seoul]\ntrainee = edit\nscope.trainee = office = SEL\noffice = read\n"
	"[role.counselor]\ncounsel = edit\ntrainee = read\n";

static int
setup(void **state)
{
	(void)state;
	struct strlist errs = { 0 };
	schema = schema_load("conf/lgotp.ini", NULL, &errs);
	assert_non_null(schema);
	strcpy(path, "/tmp/lgotp-roles-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs(roles_text, f);
	fclose(f);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	schema_free(schema);
	return 0;
}

static const struct screen_def *
sd(const char *name)
{
	const struct screen_def *s = schema_screen(schema, name);
	assert_non_null(s);
	return s;
}

static struct record *
rec(const char *id, const char *v)
{
	struct record *r = record_new();
	record_set(r, id, v);
	return r;
}

static void
test_levels(void **state)
{
	(void)state;
	struct strlist errs = { 0 };
	struct roles *rs = roles_load(path, schema, &errs);
	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.v[i]);
	assert_int_equal(errs.n, 0);
	assert_non_null(rs);

	const char *none[] = { NULL };
	struct access *a = access_for(rs, schema, "tanaka", none);
	assert_non_null(a);
	assert_int_equal(access_level(a, sd("survey1")), ACCESS_EDIT);
	assert_int_equal(access_level(a, sd("survey3")), ACCESS_READ);
	assert_true(access_export(a, sd("survey1")));
	assert_false(access_export(a, sd("survey3")));
	/* Counseling notes are confidential: '*' does not reach them. */
	assert_int_equal(access_level(a, sd("counsel")), ACCESS_NONE);
	assert_true(access_reports(a));
	access_free(a);

	/* Two roles: the higher level wins. */
	a = access_for(rs, schema, "sato", none);
	assert_int_equal(access_level(a, sd("counsel")), ACCESS_EDIT);
	assert_int_equal(access_level(a, sd("trainee")), ACCESS_READ);
	access_free(a);

	/* By Unix group. */
	const char *groups[] = { "users", "lgotp-admin", NULL };
	a = access_for(rs, schema, "yamada", groups);
	assert_non_null(a);
	assert_int_equal(access_level(a, sd("body")), ACCESS_DELETE);
	assert_int_equal(access_level(a, sd("counsel")), ACCESS_DELETE);
	access_free(a);

	/* Nobody's: refused. */
	assert_null(access_for(rs, schema, "stranger", none));
	roles_free(rs);
}

static void
test_office_scope(void **state)
{
	(void)state;
	struct strlist errs = { 0 };
	struct roles *rs = roles_load(path, schema, &errs);
	const char *none[] = { NULL };
	struct access *a = access_for(rs, schema, "kim", none);
	struct record *seoul = rec("office", "SEL"), *beijing = rec("office", "BJS"),
	    *unset = rec("office", "");
	assert_true(access_in_scope(a, sd("trainee"), seoul));
	assert_false(access_in_scope(a, sd("trainee"), beijing));
	assert_false(access_in_scope(a, sd("trainee"), unset));
	/* No level at all: nothing is in scope. */
	assert_false(access_in_scope(a, sd("survey1"), seoul));
	assert_int_equal(access_level(a, sd("survey1")), ACCESS_NONE);
	access_free(a);
	/* The keyer has no scope on trainees (read): everything. */
	a = access_for(rs, schema, "tanaka", none);
	assert_true(access_in_scope(a, sd("trainee"), beijing));
	access_free(a);
	record_free(seoul);
	record_free(beijing);
	record_free(unset);
	roles_free(rs);
}

static void
test_no_roles_file_is_full_access(void **state)
{
	(void)state;
	struct access *a = access_for(NULL, schema, "anyone", NULL);
	assert_int_equal(access_level(a, sd("counsel")), ACCESS_DELETE);
	access_free(a);
}

static void
test_bad_roles_file(void **state)
{
	(void)state;
	char bad[] = "/tmp/lgotp-roles-bad-XXXXXX";
	int fd = mkstemp(bad);
	FILE *f = fdopen(fd, "w");
	fputs("[user.a]\nroles = nosuch\n[role.r]\nsurvey9 = read\nbody = write\nscope.body = x.y = 1\n", f);
	fclose(f);
	struct strlist errs = { 0 };
	struct roles *rs = roles_load(bad, schema, &errs);
	unlink(bad);
	const char *expect[] = { ":4: no screen 'survey9'", ":5: body: expected none, read",
		":6: scope.body: a scope speaks", ":1: no role 'nosuch'" };
	for (size_t e = 0; e < 4; e++) {
		bool found = false;
		for (size_t i = 0; i < errs.n; i++)
			found |= strstr(errs.v[i], expect[e]) != NULL;
		if (!found)
			fprintf(stderr, "missing: %s\n", expect[e]);
		assert_true(found);
	}
	strlist_free(&errs);
	roles_free(rs);
}

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	/* The messages checked are the English ones (i18n's default is Japanese). */
	i18n_set_lang(LANG_EN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_office_scope),
		cmocka_unit_test(test_no_roles_file_is_full_access),
		cmocka_unit_test(test_bad_roles_file),
	};
	return cmocka_run_group_tests_name("roles", tests, setup, teardown);
}
