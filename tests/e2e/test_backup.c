/*
 * Backups and their verification through the real command line: a copy
 * taken while another process writes 1,000 records verifies and keeps the
 * original's mode and group; `lgotp verify` finds a record that does not
 * decode, an index entry that points nowhere and a missing one.
 */
#include "db.h"
#include "e2e.h"
#include "record.h"
#include "schema.h"
#include "store.h"
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WRITES 1000
#define SIGNAL_AFTER 100

/* Enough countries that (fiscal year, country) gives 1,000 keys. */
static const char *const countries[] = {
	"KR", "CN", "TW", "MN", "TH", "VN", "PH", "ID", "MY", "SG", "KH", "LA", "MM", "IN", "NP",
	"LK", "BD", "US", "CA", "BR", "MX", "PE", "AU", "NZ", "GB", "FR", "DE", "IT", "ES", "RU",
	"FI", "SE", "NO", "DK",
};

/* Wait at most a short while between writes, so the backup meets them. */
static void
pause_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };
	nanosleep(&ts, NULL);
}

/*
 * The writer: its own process with its own database handle, saving WRITES
 * history records one transaction each, and writing a byte to FD once
 * SIGNAL_AFTER are stored.  Exits 0 when all were saved.
 */
static void
writer(const char *db_dir, int fd)
{
	struct strlist errs = { 0 };
	struct schema *s = schema_load("conf/lgotp.ini", NULL, &errs);
	struct db *db = NULL;
	char *why = NULL;
	if (s == NULL || db_open(db_dir, &db, &why) != 0) {
		fprintf(stderr, "writer: %s\n", why ? why : (errs.n ? errs.v[0] : "?"));
		_exit(1);
	}
	const struct screen_def *sd = schema_screen(s, "history");
	for (int i = 0; i < WRITES; i++) {
		struct record *r = record_new();
		char fy[8], count[8], note[32];
		snprintf(fy, sizeof fy, "%d", 1996 + i % 30);
		snprintf(count, sizeof count, "%d", i % 50);
		snprintf(note, sizeof note, "備考 %d", i);
		record_set(r, "fy_from", fy);
		record_set(r, "fy_to", fy);
		record_set(r, "country", countries[i / 30]);
		record_set(r, "field", "all");
		record_set(r, "count", count);
		record_set(r, "note", note);
		if (store_save(db, sd, r, NULL, &why) != 0) {
			fprintf(stderr, "writer: record %d: %s\n", i, why);
			_exit(1);
		}
		record_free(r);
		if (i + 1 == SIGNAL_AFTER && write(fd, "!", 1) != 1)
			_exit(1);
		if (i + 1 >= SIGNAL_AFTER)
			pause_ms(1);
	}
	db_close(db);
	schema_free(s);
	_exit(0);
}

static int
count_lines_with(const char *text, const char *needle)
{
	int n = 0;
	for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* Records of SCREEN in the database DIR, by exporting them. */
static int
records_in(const char *dir, const char *screen)
{
	const char *args[] = { "--encoding", "utf-8", "export", screen, NULL };
	char *out = NULL;
	assert_int_equal(e2e_run(dir, args, &out, NULL), 0);
	int n = count_lines_with(out, "\r\n") - 1;
	free(out);
	return n;
}

static void
test_backup_while_another_process_writes(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	e2e_seed_bodies(db);
	char *copy = xasprintf("%s/backup", db);
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		writer(db, fds[1]);
	}
	close(fds[1]);
	char c;
	assert_int_equal(read(fds[0], &c, 1), 1);
	close(fds[0]);

	/* The writer is at work: take the copy now. */
	const char *backup[] = { "backup", copy, NULL };
	char *err = NULL;
	int rc = e2e_run(db, backup, NULL, &err);
	if (rc != 0)
		fprintf(stderr, "%s", err);
	assert_int_equal(rc, 0);
	free(err);
	int status = -1;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* The copy verifies, and holds a consistent part of the writes. */
	const char *verify[] = { "--lang", "en", "verify", copy, NULL };
	char *out = NULL;
	rc = e2e_run(db, verify, &out, &err);
	if (rc != 0)
		fprintf(stderr, "%s%s", out, err);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "no problems"));
	free(out);
	free(err);
	int copied = records_in(copy, "history");
	printf("the copy holds %d of the %d records written meanwhile\n", copied, WRITES);
	assert_true(copied >= SIGNAL_AFTER && copied <= WRITES);
	assert_int_equal(records_in(copy, "body"), records_in(db, "body"));

	/* The original's mode and group, on the file and the directory. */
	struct stat so, sc;
	char *orig_data = xasprintf("%s/data.mdb", db), *copy_data = xasprintf("%s/data.mdb", copy);
	assert_int_equal(stat(orig_data, &so), 0);
	assert_int_equal(stat(copy_data, &sc), 0);
	assert_int_equal(so.st_mode & 07777, sc.st_mode & 07777);
	assert_int_equal(so.st_gid, sc.st_gid);
	assert_int_equal(stat(db, &so), 0);
	assert_int_equal(stat(copy, &sc), 0);
	assert_int_equal(so.st_mode & 07777, sc.st_mode & 07777);
	free(orig_data);
	free(copy_data);

	/* The live database verifies too, with every write. */
	assert_int_equal(records_in(db, "history"), WRITES);
	const char *live[] = { "verify", db, NULL };
	assert_int_equal(e2e_run(db, live, NULL, NULL), 0);

	/* A second backup into the same directory is refused. */
	const char *again[] = { "--lang", "en", "backup", copy, NULL };
	assert_int_equal(e2e_run(db, again, NULL, &err), 2);
	assert_non_null(strstr(err, "already holds a database"));
	free(err);
	free(copy);
	e2e_db_free(db);
}

struct damage {
	char *victim;           /* an index entry of 011002, removed */
	size_t victim_len;
};

static int
find_victim(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
	struct damage *d = arg;
	(void)val;
	(void)vlen;
	static const char tail[] = "\0" "011002";
	if (klen > sizeof tail - 1 && memcmp((const char *)key + klen - (sizeof tail - 1), tail,
	    sizeof tail - 1) == 0 && d->victim == NULL) {
		d->victim = xmalloc(klen);
		memcpy(d->victim, key, klen);
		d->victim_len = klen;
	}
	return 0;
}

static int
damage_txn(struct db_txn *txn, void *arg, char **cause)
{
	struct damage *d = arg;
	free(d->victim);
	d->victim = NULL;
	if (db_scan(txn, "idx:body", NULL, 0, false, find_victim, d, cause) != 0)
		return -1;
	if (d->victim == NULL)
		return (fail)(cause, "no index entry of 011002");   /* util.h, not cmocka's macro */
	if (db_del(txn, "idx:body", d->victim, d->victim_len, cause) != 0)
		return -1;
	/* An entry for field 4 (name) of a record that is not there. */
	static const char dangling[] = "\x04" "ghost" "\0" "999991";
	if (db_put(txn, "idx:body", dangling, sizeof dangling - 1, "", 0, cause) != 0)
		return -1;
	/* A record whose bytes are not a record. */
	return db_put(txn, "rec:body", "999992", 6, "garbage", 7, cause);
}

static void
test_verify_finds_damage(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	e2e_seed_bodies(db);
	const char *verify[] = { "--lang", "en", "verify", db, NULL };
	char *out = NULL, *err = NULL;
	assert_int_equal(e2e_run(db, verify, &out, NULL), 0);
	free(out);

	struct db *h = NULL;
	char *why = NULL;
	assert_int_equal(db_open(db, &h, &why), 0);
	struct damage d = { NULL, 0 };
	int rc = db_write(h, damage_txn, &d, &why);
	if (rc != 0)
		fprintf(stderr, "%s\n", why);
	assert_int_equal(rc, 0);
	free(d.victim);
	db_close(h);

	assert_int_equal(e2e_run(db, verify, &out, &err), 1);
	assert_non_null(strstr(out, "PROBLEMS FOUND"));
	assert_non_null(strstr(err, "rec:body 999992: does not decode"));
	assert_non_null(strstr(err, "idx:body 999991: name entry points at no record"));
	assert_non_null(strstr(err, "idx:body 011002: no index entry for"));
	free(out);
	free(err);
	e2e_db_free(db);
}

static void
test_verify_usage(void **state)
{
	(void)state;
	char *db = e2e_db_new();
	char *empty = xasprintf("%s/empty", db);
	assert_int_equal(mkdir(empty, 0700), 0);
	const char *none[] = { "verify", empty, NULL };
	char *err = NULL;
	assert_int_equal(e2e_run(db, none, NULL, &err), 2);
	assert_non_null(strstr(err, empty));
	free(err);
	/* Nothing was created there. */
	char *data = xasprintf("%s/data.mdb", empty);
	assert_int_not_equal(access(data, F_OK), 0);
	free(data);
	const char *noarg[] = { "verify", NULL };
	assert_int_equal(e2e_run(db, noarg, NULL, NULL), 2);
	free(empty);
	e2e_db_free(db);
}

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backup_while_another_process_writes),
		cmocka_unit_test(test_verify_finds_damage),
		cmocka_unit_test(test_verify_usage),
	};
	return cmocka_run_group_tests_name("e2e_backup", tests, NULL, NULL);
}
