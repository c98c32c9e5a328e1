/*
 * Several operator processes on one database: eight writers each saving
 * 1,000 records leave 8,000 records and 8,000 audit entries; two processes
 * updating the same record cannot both win; a writer killed with kill -9
 * again and again never leaves the database unreadable.
 */
#include "audit.h"
#include "schema.h"
#include "store.h"
#include "util.h"
#include "verify.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WRITERS 8
#define EACH 1000

static struct schema *schema;
static char dir[64];

static int
setup(void **state)
{
	(void)state;
	struct strlist errs = { 0 };
	schema = schema_load("conf/lgotp.ini", NULL, &errs);
	assert_non_null(schema);
	strcpy(dir, "/tmp/lgotp-conc-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	schema_free(schema);
	return 0;
}

/* A child: open the database itself (one environment per process) and save. */
static void
writer(int n)
{
	struct db *db;
	char *why = NULL;
	if (db_open(dir, &db, &why) != 0)
		_exit(10);
	const struct screen_def *sd = schema_screen(schema, "advice");
	for (int i = 0; i < EACH; i++) {
		struct record *r = record_new();
		char date[16], subject[32];
		snprintf(date, sizeof date, "2025-%02d-%02d", 1 + i % 12, 1 + i % 28);
		snprintf(subject, sizeof subject, "w%d-%04d", n, i);
		record_set(r, "body_code", "011002");
		record_set(r, "date", date);
		record_set(r, "subject", subject);
		record_set(r, "staff", "test");
		if (store_save(db, sd, r, NULL, &why) != 0)
			_exit(11);
		record_free(r);
	}
	db_close(db);
	_exit(0);
}

static int
count_audit(void *arg, const struct audit_entry *e)
{
	(void)e;
	(*(size_t *)arg)++;
	return 0;
}

static void
test_eight_writers(void **state)
{
	(void)state;
	pid_t pids[WRITERS];
	for (int n = 0; n < WRITERS; n++) {
		pids[n] = fork();
		assert_true(pids[n] >= 0);
		if (pids[n] == 0)
			writer(n);
	}
	for (int n = 0; n < WRITERS; n++) {
		int status;
		assert_int_equal(waitpid(pids[n], &status, 0), pids[n]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	struct db *db;
	char *why = NULL;
	assert_int_equal(db_open(dir, &db, &why), 0);
	size_t n = 0;
	assert_int_equal(store_count(db, schema_screen(schema, "advice"), &n, &why), 0);
	assert_int_equal(n, WRITERS * EACH);
	size_t audits = 0;
	struct audit_filter f = { NULL, NULL, "advice", NULL };
	assert_int_equal(audit_each(db, &f, count_audit, &audits, &why), 0);
	assert_int_equal(audits, WRITERS * EACH);
	db_close(db);
	FILE *devnull = fopen("/dev/null", "w");
	assert_int_equal(verify_database(schema, dir, LANG_EN, devnull, stderr), 0);
	fclose(devnull);
}

/* Both read version 1; the second save is refused, not applied. */
static void
test_same_record_two_processes(void **state)
{
	(void)state;
	struct db *db;
	char *why = NULL;
	assert_int_equal(db_open(dir, &db, &why), 0);
	const struct screen_def *sd = schema_screen(schema, "body");
	struct record *r = record_new();
	record_set(r, "code", "011002");
	record_set(r, "name", "札幌市");
	assert_int_equal(store_save(db, sd, r, NULL, &why), 0);
	record_free(r);
	db_close(db);
	/* READ: the second has read (the first saves only then); SAVED: the
	 * first has saved (the second saves only then). */
	int readfd[2], pipefd[2];
	assert_int_equal(pipe(readfd), 0);
	assert_int_equal(pipe(pipefd), 0);
	pid_t pid[2];
	for (int k = 0; k < 2; k++) {
		pid[k] = fork();
		if (pid[k] == 0) {
			struct db *cdb;
			if (db_open(dir, &cdb, &why) != 0)
				_exit(10);
			struct record *mine = NULL;
			if (store_get(cdb, sd, "011002", &mine, &why) != 0)
				_exit(11);
			/* Both have read; now both write, one after the other. */
			char c;
			if (k == 1 && write(readfd[1], "r", 1) != 1)
				_exit(15);
			if (k == 0 && read(readfd[0], &c, 1) != 1)
				_exit(16);
			if (k == 1 && read(pipefd[0], &c, 1) != 1)
				_exit(12);
			record_set(mine, "dept", k ? "B" : "A");
			int rc = store_save(cdb, sd, mine, "011002", &why);
			if (k == 0 && write(pipefd[1], "x", 1) != 1)
				_exit(13);
			db_close(cdb);
			_exit(rc == 0 ? 0 : rc == STORE_CONFLICT ? 3 : 14);
		}
	}
	int st0, st1;
	waitpid(pid[0], &st0, 0);
	waitpid(pid[1], &st1, 0);
	/* The first wins; the second is told of the conflict, nothing lost. */
	assert_int_equal(WEXITSTATUS(st0), 0);
	assert_int_equal(WEXITSTATUS(st1), 3);
	assert_int_equal(db_open(dir, &db, &why), 0);
	r = NULL;
	assert_int_equal(store_get(db, sd, "011002", &r, &why), 0);
	assert_string_equal(record_get(r, "dept"), "A");
	assert_int_equal(r->version, 2);
	record_free(r);
	db_close(db);
	close(readfd[0]);
	close(readfd[1]);
	close(pipefd[0]);
	close(pipefd[1]);
}

static void
test_kill_9_in_a_loop(void **state)
{
	(void)state;
	FILE *devnull = fopen("/dev/null", "w");
	struct db *first;
	char *cwhy = NULL;
	assert_int_equal(db_open(dir, &first, &cwhy), 0);   /* the database exists before any kill */
	db_close(first);
	for (int round = 0; round < 10; round++) {
		pid_t pid = fork();
		if (pid == 0)
			writer(round);
		/* Somewhere in the middle of its writes. */
		struct timespec ts = { 0, (long)(5 + round * 7) * 1000000L };
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		int status;
		waitpid(pid, &status, 0);
		int rc = verify_database(schema, dir, LANG_EN, devnull, stderr);
		if (rc != 0)
			fprintf(stderr, "round %d: verify %d\n", round, rc);
		assert_int_equal(rc, 0);
		/* And the next writer proceeds at once. */
		struct db *db;
		char *why = NULL;
		assert_int_equal(db_open(dir, &db, &why), 0);
		struct record *r = record_new();
		char code[16];
		snprintf(code, sizeof code, "x%d", round);
		record_set(r, "body_code", "011002");
		record_set(r, "date", "2026-01-01");
		record_set(r, "subject", code);
		assert_int_equal(store_save(db, schema_screen(schema, "advice"), r, NULL, &why), 0);
		record_free(r);
		db_close(db);
	}
	fclose(devnull);
}

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_eight_writers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_record_two_processes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill_9_in_a_loop, setup, teardown),
	};
	return cmocka_run_group_tests_name("concurrency", tests, NULL, NULL);
}
