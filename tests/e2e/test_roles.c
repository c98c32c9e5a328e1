/*
 * Roles and scopes on every path: the TUI, import, export and reports,
 * for an overseas office's role (its own trainees only) and for a user
 * with no role.  The identity is the Unix user the test runs as.
 */
#include "e2e.h"
#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *conf_dir;
static char *conf_file;

/* A copy of conf/ whose roles.ini gives this user ROLE_TEXT. */
static void
make_conf(const char *role_text)
{
	conf_dir = e2e_db_new();
	char *cmd = xasprintf("cp -r conf/. '%s'/", conf_dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	conf_file = xasprintf("%s/lgotp.ini", conf_dir);
	/* The settings point at the project's screens, wherever the copy is. */
	char *cwd = getcwd(NULL, 0);
	char *settings = xasprintf("[database]\ndir = data\n[survey]\nyear = 2025\n[display]\nlang = ja\n"
	    "[paths]\nscreens = %s/screens\n", cwd);
	e2e_write_text(conf_file, settings);
	free(settings);
	free(cwd);
	char *roles = xasprintf("%s/roles.ini", conf_dir);
	e2e_write_text(roles, role_text);
	free(roles);
}

static void
drop_conf(void)
{
	e2e_db_free(conf_dir);
	free(conf_file);
}

static const char *
me(void)
{
	return getpwuid(geteuid())->pw_name;
}

static int
run(const char *db, const char *const *args, char **out, char **err)
{
	const char *full[16] = { "--conf", conf_file };
	size_t n = 2;
	for (size_t i = 0; args[i] && n < 15; i++)
		full[n++] = args[i];
	full[n] = NULL;
	return e2e_run(db, full, out, err);
}

/* A database with the demo bodies, offices and trainees, imported with full rights. */
static char *
seeded(void)
{
	char *db = e2e_db_new();
	static const char *const files[][2] = {
		{ "body", "conf/demo/body.csv" }, { "office", "conf/demo/office.csv" },
		{ "trainee", "conf/demo/trainee.csv" }, { "survey1", "conf/demo/survey1.csv" },
	};
	for (size_t i = 0; i < 4; i++) {
		const char *args[] = { "import", files[i][0], files[i][1], NULL };
		assert_int_equal(e2e_run(db, args, NULL, NULL), 0);
	}
	return db;
}

static void
test_office_role_every_path(void **state)
{
	(void)state;
	char *roles = xasprintf("[user.%s]\nroles = seoul\n[role.seoul]\ntrainee = edit, export\n"
	    "scope.trainee = office = SEL\nbody = read\noffice = read\n", me());
	make_conf(roles);
	free(roles);
	char *db = seeded();
	char *out = NULL, *err = NULL;

	/* Export: only Seoul's trainees; other screens refused. */
	const char *exp[] = { "--encoding", "utf-8", "export", "trainee", NULL };
	assert_int_equal(run(db, exp, &out, &err), 0);
	assert_non_null(strstr(out, ",SEL,"));
	assert_null(strstr(out, ",BJS,"));
	assert_null(strstr(out, ",SIN,"));
	free(out);
	free(err);
	const char *exp2[] = { "export", "survey1", NULL };
	assert_int_equal(run(db, exp2, &out, &err), 2);
	assert_non_null(strstr(err, "survey1"));
	free(out);
	free(err);

	/* Import: rows outside the scope rejected, the others stored. */
	char *csv = xasprintf("%s/in.csv", db);
	e2e_write_text(csv, "id,fy,name,country,office,status\n"
	    "2025-801,2025,LEE Jiho,KR,SEL,applied\n"
	    "2025-802,2025,WANG Fang,CN,BJS,applied\n");
	const char *imp[] = { "--lang", "en", "import", "trainee", csv, NULL };
	assert_int_equal(run(db, imp, &out, &err), 1);
	char *line3 = xasprintf("%s:3:", csv);
	assert_non_null(strstr(err, line3));
	assert_non_null(strstr(err, "outside what your role may change"));
	free(line3);
	free(out);
	free(err);
	const char *imp2[] = { "import", "survey1", "conf/demo/survey1.csv", NULL };
	assert_int_equal(run(db, imp2, &out, &err), 2);
	free(out);
	free(err);

	/* Reports: refused to this role. */
	const char *rep[] = { "report", "by-country", NULL };
	assert_int_equal(run(db, rep, &out, &err), 2);
	free(out);
	free(err);

	/* The TUI: survey1 entry refused; the menu offers trainees only. */
	const char *tui[] = { "--conf", conf_file, "--screen", "survey1", NULL };
	struct vt *vt = e2e_tui(db, 24, 80, tui);
	int status = 0;
	assert_int_equal(vt_wait_exit(vt, -1, &status), 0);
	assert_int_equal(WEXITSTATUS(status), 2);
	assert_non_null(strstr(vt_stderr(vt), "survey1"));
	vt_free(vt);
	const char *menu[] = { "--conf", conf_file, NULL };
	vt = e2e_tui(db, 24, 80, menu);
	assert_int_equal(vt_wait_text(vt, "研修員", -1), 0);
	vt_settle(vt, -1, -1);
	assert_false(vt_has_text(vt, "様式1 利用意向"));
	assert_false(vt_has_text(vt, "カウンセリング"));
	/* Its browse list: Seoul's trainees only. */
	vt_type(vt, "2");
	assert_int_equal(vt_wait_text(vt, "検索:", -1), 0);
	vt_settle(vt, -1, -1);
	assert_int_equal(vt_wait_text(vt, "LEE Jiho", -1), 0);
	assert_false(vt_has_text(vt, "WANG Fang"));
	assert_false(vt_has_text(vt, "CHEN Yulan"));
	vt_ctrl(vt, 'q');
	vt_ctrl(vt, 'q');
	assert_int_equal(vt_wait_exit(vt, -1, NULL), 0);
	vt_free(vt);
	free(csv);
	e2e_db_free(db);
	drop_conf();
}

static void
test_no_role_refused(void **state)
{
	(void)state;
	make_conf("[user.somebody-else]\nroles = all\n[role.all]\n* = delete, export\n");
	char *db = seeded();
	char *err = NULL;
	const char *exp[] = { "export", "body", NULL };
	assert_int_equal(run(db, exp, NULL, &err), 2);
	assert_non_null(strstr(err, "roles.ini"));
	assert_non_null(strstr(err, me()));
	free(err);
	/* `check` reads only the files: no role needed. */
	const char *chk[] = { "check", NULL };
	assert_int_equal(run(db, chk, NULL, NULL), 0);
	e2e_db_free(db);
	drop_conf();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_office_role_every_path),
		cmocka_unit_test(test_no_role_refused),
	};
	return cmocka_run_group_tests_name("e2e_roles", tests, NULL, NULL);
}
