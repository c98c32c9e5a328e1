/*
 * test_db.c - the LMDB storage layer, each test in a fresh temporary
 * directory: tables, keys and scans, aborts and map growth, file modes,
 * other processes reading, writing, being killed mid-write and writing
 * during a backup, and the messages for directories that cannot be used.
 */
/* Ours before cmocka.h, whose fail() macro would hit util.h's fail(). */
#include "db.h"
#include "i18n.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* ---- fixture: a fresh temporary directory per test ---- */

struct fx {
	char root[64];		/* the mkdtemp directory */
	char dir[96];		/* ROOT/db: the database (not yet created) */
	char other[96];		/* ROOT/copy: for backups */
};

static int
fx_setup(void **state)
{
	struct fx *fx = xcalloc(1, sizeof *fx);

	snprintf(fx->root, sizeof fx->root, "/tmp/lgotp-test-db-XXXXXX");
	if (mkdtemp(fx->root) == NULL)
		return -1;
	snprintf(fx->dir, sizeof fx->dir, "%s/db", fx->root);
	snprintf(fx->other, sizeof fx->other, "%s/copy", fx->root);
	unsetenv("LGOTP_DB_MAPSIZE");
	*state = fx;
	return 0;
}

static int
fx_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static int
fx_teardown(void **state)
{
	struct fx *fx = *state;

	/* A test may have taken the permissions away. */
	chmod(fx->root, 0700);
	chmod(fx->dir, 0700);
	nftw(fx->root, fx_rm, 16, FTW_DEPTH | FTW_PHYS);
	unsetenv("LGOTP_DB_MAPSIZE");
	alarm(0);
	free(fx);
	return 0;
}

static struct db *
open_ok(const char *dir)
{
	struct db *db = NULL;
	char *cause = NULL;

	if (db_open(dir, &db, &cause) != 0)
		fail_msg("db_open %s: %s", dir, cause);
	assert_non_null(db);
	return db;
}

/* ---- small transactions ---- */

struct kv {
	const char *table;
	const void *key;
	size_t klen;
	const void *val;
	size_t vlen;
	char *out;		/* db_get: a NUL-terminated copy */
	size_t outlen;
};

static int
put_fn(struct db_txn *txn, void *arg, char **cause)
{
	struct kv *kv = arg;

	return db_put(txn, kv->table, kv->key, kv->klen, kv->val, kv->vlen, cause);
}

static int
get_fn(struct db_txn *txn, void *arg, char **cause)
{
	struct kv *kv = arg;
	const void *v;
	size_t vlen;
	int rc = db_get(txn, kv->table, kv->key, kv->klen, &v, &vlen, cause);

	if (rc == 0) {
		kv->out = xstrndup(v, vlen);
		kv->outlen = vlen;
	}
	return rc;
}

static int
del_fn(struct db_txn *txn, void *arg, char **cause)
{
	struct kv *kv = arg;

	return db_del(txn, kv->table, kv->key, kv->klen, cause);
}

static void
put_s(struct db *db, const char *table, const char *key, const char *val)
{
	struct kv kv = { table, key, strlen(key), val, strlen(val), NULL, 0 };
	char *cause = NULL;

	if (db_write(db, put_fn, &kv, &cause) != 0)
		fail_msg("put %s/%s: %s", table, key, cause);
}

/* db_get of TABLE/KEY in a read transaction: 0 with *out (malloc'd) or
 * DB_NOTFOUND. */
static int
get_s(struct db *db, const char *table, const char *key, char **out)
{
	struct kv kv = { table, key, strlen(key), NULL, 0, NULL, 0 };
	char *cause = NULL;
	int rc = db_read(db, get_fn, &kv, &cause);

	if (rc == -1)
		fail_msg("get %s/%s: %s", table, key, cause);
	*out = kv.out;
	return rc;
}

static void
assert_value(struct db *db, const char *table, const char *key, const char *want)
{
	char *v = NULL;

	if (get_s(db, table, key, &v) != 0)
		fail_msg("%s/%s: not found", table, key);
	assert_string_equal(v, want);
	free(v);
}

static void
assert_absent(struct db *db, const char *table, const char *key)
{
	char *v = NULL;

	assert_int_equal(get_s(db, table, key, &v), DB_NOTFOUND);
	assert_null(v);
}

struct count_arg {
	const char *table;
	size_t n;
};

static int
count_fn(struct db_txn *txn, void *arg, char **cause)
{
	struct count_arg *c = arg;

	return db_count(txn, c->table, &c->n, cause);
}

static size_t
count_s(struct db *db, const char *table)
{
	struct count_arg c = { table, 99 };
	char *cause = NULL;

	if (db_read(db, count_fn, &c, &cause) != 0)
		fail_msg("count %s: %s", table, cause);
	return c.n;
}

/* ---- scans ---- */

struct scan_arg {
	const char *table;
	const void *from;
	size_t fromlen;
	bool backward;
	int stop_after;		/* 0: visit everything */
	struct strlist keys;
};

static int
scan_visit(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
	struct scan_arg *s = arg;

	(void)val;
	(void)vlen;
	strlist_add(&s->keys, xstrndup(key, klen));
	return s->stop_after != 0 && (int)s->keys.n >= s->stop_after;
}

static int
scan_fn(struct db_txn *txn, void *arg, char **cause)
{
	struct scan_arg *s = arg;

	return db_scan(txn, s->table, s->from, s->fromlen, s->backward, scan_visit, s, cause);
}

/* The keys a scan visits, as one string "k1 k2 ..." (malloc'd). */
static char *
scan_s(struct db *db, const char *table, const char *from, bool backward, int stop_after)
{
	struct scan_arg s = { table, from, from ? strlen(from) : 0, backward, stop_after,
	    { NULL, 0, 0 } };
	struct strbuf sb = SB_INIT;
	char *cause = NULL;

	if (db_read(db, scan_fn, &s, &cause) != 0)
		fail_msg("scan %s: %s", table, cause);
	for (size_t i = 0; i < s.keys.n; i++) {
		if (i > 0)
			sb_addc(&sb, ' ');
		sb_adds(&sb, s.keys.v[i]);
	}
	strlist_free(&s.keys);
	return sb_detach(&sb);
}

/* ---- tests ---- */

static void
test_open_create_modes(void **state)
{
	struct fx *fx = *state;
	struct stat st;
	char path[160], *cause = NULL;
	struct db *db, *db2 = NULL;

	/* The caller's umask is 022 and is the same afterwards. */
	mode_t before = umask(022);
	db = open_ok(fx->dir);
	assert_int_equal(umask(before), 022);

	assert_int_equal(stat(fx->dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 02770);
	snprintf(path, sizeof path, "%s/data.mdb", fx->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0660);
	snprintf(path, sizeof path, "%s/lock.mdb", fx->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0660);

	assert_int_equal(db_max_key(db), 511);

	/* One open per directory and process. */
	assert_int_equal(db_open(fx->dir, &db2, &cause), -1);
	assert_null(db2);
	assert_non_null(strstr(cause, "already open in this process"));
	free(cause);

	/* What was stored survives a reopen. */
	put_s(db, "t", "k", "v");
	db_close(db);
	db = open_ok(fx->dir);
	assert_value(db, "t", "k", "v");
	db_close(db);
	db_close(NULL);
}

static void
test_put_get_del(void **state)
{
	struct fx *fx = *state;
	struct db *db = open_ok(fx->dir);
	char *cause = NULL;

	put_s(db, "rec:survey1", "0001", "山田太郎");
	put_s(db, "rec:survey1", "0002", "鈴木");
	put_s(db, "idx:body", "0001", "");
	assert_value(db, "rec:survey1", "0001", "山田太郎");
	assert_value(db, "idx:body", "0001", "");

	/* Replace. */
	put_s(db, "rec:survey1", "0001", "山本");
	assert_value(db, "rec:survey1", "0001", "山本");
	assert_int_equal(count_s(db, "rec:survey1"), 2);

	/* Not found: a missing key, a missing table, the same name in another
	 * table. */
	assert_absent(db, "rec:survey1", "0003");
	assert_absent(db, "rec:none", "0001");
	assert_absent(db, "idx:body", "0002");

	/* Delete. */
	struct kv kv = { "rec:survey1", "0002", 4, NULL, 0, NULL, 0 };
	assert_int_equal(db_write(db, del_fn, &kv, &cause), 0);
	assert_absent(db, "rec:survey1", "0002");
	assert_int_equal(db_write(db, del_fn, &kv, &cause), DB_NOTFOUND);
	kv.table = "rec:none";
	assert_int_equal(db_write(db, del_fn, &kv, &cause), DB_NOTFOUND);
	assert_null(cause);
	assert_int_equal(count_s(db, "rec:survey1"), 1);

	/* Binary keys and values with NUL bytes. */
	static const char bkey[] = { 'a', 0, 'b' }, bval[] = { 0, 1, 2, 0 };
	struct kv b = { "bin", bkey, sizeof bkey, bval, sizeof bval, NULL, 0 };
	assert_int_equal(db_write(db, put_fn, &b, &cause), 0);
	assert_int_equal(db_read(db, get_fn, &b, &cause), 0);
	assert_int_equal(b.outlen, sizeof bval);
	assert_memory_equal(b.out, bval, sizeof bval);
	free(b.out);
	b.klen = 1;	/* "a" alone is another key */
	b.out = NULL;
	assert_int_equal(db_read(db, get_fn, &b, &cause), DB_NOTFOUND);

	/* Key sizes: 511 bytes is the most; 0 and 512 are refused. */
	char key[600];
	memset(key, 'k', sizeof key);
	struct kv k = { "keys", key, 511, "v", 1, NULL, 0 };
	assert_int_equal(db_write(db, put_fn, &k, &cause), 0);
	assert_int_equal(db_read(db, get_fn, &k, &cause), 0);
	free(k.out);
	k.klen = 512;
	assert_int_equal(db_write(db, put_fn, &k, &cause), -1);
	assert_non_null(strstr(cause, "key of 512 bytes is longer than the 511 bytes"));
	free(cause);
	cause = NULL;
	k.out = NULL;
	assert_int_equal(db_read(db, get_fn, &k, &cause), DB_NOTFOUND);
	k.klen = 0;
	assert_int_equal(db_write(db, put_fn, &k, &cause), -1);
	assert_non_null(strstr(cause, "empty key"));
	free(cause);
	cause = NULL;
	assert_int_equal(db_read(db, get_fn, &k, &cause), DB_NOTFOUND);
	assert_int_equal(count_s(db, "keys"), 1);

	/* Writing in a read transaction is refused. */
	k.klen = 3;
	assert_int_equal(db_read(db, put_fn, &k, &cause), -1);
	assert_non_null(strstr(cause, "read-only transaction"));
	free(cause);
	cause = NULL;
	assert_int_equal(db_read(db, del_fn, &k, &cause), -1);
	free(cause);
	db_close(db);
}

/* Reading tables that do not exist, in both kinds of transaction. */
struct absent_arg {
	int visited;
};

static int
absent_visit(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
	(void)key;
	(void)klen;
	(void)val;
	(void)vlen;
	((struct absent_arg *)arg)->visited++;
	return 0;
}

static int
absent_fn(struct db_txn *txn, void *arg, char **cause)
{
	const void *v = "x";
	size_t vlen = 9, n = 9;

	if (db_get(txn, "ghost", "k", 1, &v, &vlen, cause) != DB_NOTFOUND)
		return -1;
	if (v != NULL || vlen != 0)
		return -1;
	if (db_scan(txn, "ghost", NULL, 0, false, absent_visit, arg, cause) != 0 ||
	    db_scan(txn, "ghost", "k", 1, true, absent_visit, arg, cause) != 0)
		return -1;
	if (db_count(txn, "ghost", &n, cause) != 0 || n != 0)
		return -1;
	return 0;
}

static void
test_absent_tables(void **state)
{
	struct fx *fx = *state;
	struct db *db = open_ok(fx->dir);
	struct absent_arg a = { 0 };
	char *cause = NULL;

	assert_int_equal(db_read(db, absent_fn, &a, &cause), 0);
	assert_int_equal(db_write(db, absent_fn, &a, &cause), 0);
	assert_int_equal(a.visited, 0);
	/* Once created by a write, the table is found by reads (a handle
	 * missing from the cache is looked up again). */
	put_s(db, "ghost", "k", "v");
	assert_value(db, "ghost", "k", "v");
	assert_int_equal(count_s(db, "ghost"), 1);
	db_close(db);
}

static const struct scan_case {
	const char *from;	/* NULL: from the first or last key */
	bool backward;
	int stop_after;
	const char *want;
} scan_cases[] = {
	{ NULL, false, 0, "k02 k04 k06 k08 k10" },
	{ NULL, true, 0, "k10 k08 k06 k04 k02" },
	{ "k04", false, 0, "k04 k06 k08 k10" },		/* on a key */
	{ "k04", true, 0, "k04 k02" },
	{ "k05", false, 0, "k06 k08 k10" },		/* between keys */
	{ "k05", true, 0, "k04 k02" },
	{ "k041", false, 0, "k06 k08 k10" },		/* a longer key between */
	{ "k041", true, 0, "k04 k02" },
	{ "k0", false, 0, "k02 k04 k06 k08 k10" },	/* a prefix, before the first */
	{ "k0", true, 0, "" },
	{ "a", false, 0, "k02 k04 k06 k08 k10" },	/* before the first */
	{ "a", true, 0, "" },
	{ "k02", true, 0, "k02" },			/* the first */
	{ "k10", false, 0, "k10" },			/* the last */
	{ "k99", false, 0, "" },			/* after the last */
	{ "k99", true, 0, "k10 k08 k06 k04 k02" },
	{ "", false, 0, "k02 k04 k06 k08 k10" },	/* empty: before everything */
	{ "", true, 0, "" },
	{ NULL, false, 2, "k02 k04" },			/* stopped by the callback */
	{ "k07", true, 1, "k06" },
};

static void
test_scan(void **state)
{
	struct fx *fx = *state;
	struct db *db = open_ok(fx->dir);

	/* Inserted out of order; "other" sorts around "t" to catch a scan
	 * running into a neighbouring table. */
	static const char *keys[] = { "k06", "k02", "k10", "k04", "k08" };
	for (size_t i = 0; i < 5; i++)
		put_s(db, "t", keys[i], "v");
	put_s(db, "s", "k01", "v");
	put_s(db, "u", "k11", "v");
	assert_int_equal(count_s(db, "t"), 5);

	for (size_t i = 0; i < sizeof scan_cases / sizeof scan_cases[0]; i++) {
		const struct scan_case *c = &scan_cases[i];
		char *got = scan_s(db, "t", c->from, c->backward, c->stop_after);
		if (strcmp(got, c->want) != 0)
			fail_msg("scan from %s %s: got \"%s\", want \"%s\"",
			    c->from ? c->from : "(start)", c->backward ? "backward" : "forward",
			    got, c->want);
		free(got);
	}
	db_close(db);
}

/* A start key longer than any key can be (it is clipped inside db_scan). */
static void
test_scan_long_from(void **state)
{
	struct fx *fx = *state;
	struct db *db = open_ok(fx->dir);
	char p[512], p2[512], from[601];

	memset(p, 'm', 511);
	p[511] = '\0';
	memcpy(p2, p, 512);
	p2[510] = 'n';		/* > p */
	memset(from, 'm', 600);
	from[600] = '\0';	/* > p (p is its prefix), < p2 */
	put_s(db, "t", "a", "1");
	put_s(db, "t", p, "2");
	put_s(db, "t", p2, "3");
	put_s(db, "t", "z", "4");

	struct scan_arg s = { "t", from, 600, false, 0, { NULL, 0, 0 } };
	char *cause = NULL;
	assert_int_equal(db_read(db, scan_fn, &s, &cause), 0);
	assert_int_equal(s.keys.n, 2);
	assert_string_equal(s.keys.v[0], p2);
	assert_string_equal(s.keys.v[1], "z");
	strlist_free(&s.keys);

	s.backward = true;
	assert_int_equal(db_read(db, scan_fn, &s, &cause), 0);
	assert_int_equal(s.keys.n, 2);
	assert_string_equal(s.keys.v[0], p);
	assert_string_equal(s.keys.v[1], "a");
	strlist_free(&s.keys);
	db_close(db);
}

/* Scans against a sorted array, over enough keys for many pages, so that
 * positioning at page boundaries is exercised. */
struct model {
	char **keys;
	size_t n;
};

static int
model_put_fn(struct db_txn *txn, void *arg, char **cause)
{
	struct model *m = arg;
	char val[64];

	memset(val, 'v', sizeof val);
	for (size_t i = 0; i < m->n; i++) {
		if (db_put(txn, "m", m->keys[i], strlen(m->keys[i]), val, sizeof val, cause) != 0)
			return -1;
	}
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	/* For keys without NUL, strcmp is LMDB's order (memcmp, shorter first). */
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
random_key(char *buf, unsigned *seed)
{
	int len = 1 + rand_r(seed) % 10;

	for (int i = 0; i < len; i++)
		buf[i] = "abcd"[rand_r(seed) % 4];
	buf[len] = '\0';
}

static void
test_scan_model(void **state)
{
	struct fx *fx = *state;
	struct db *db = open_ok(fx->dir);
	unsigned seed = 12345;
	struct model m = { xcalloc(6000, sizeof(char *)), 0 };
	char key[16], *cause = NULL;

	for (int i = 0; i < 6000; i++) {
		random_key(key, &seed);
		m.keys[m.n++] = xstrdup(key);
	}
	assert_int_equal(db_write(db, model_put_fn, &m, &cause), 0);
	qsort(m.keys, m.n, sizeof *m.keys, cmp_str);
	size_t u = 0;		/* unique, as the table holds them */
	for (size_t i = 0; i < m.n; i++) {
		if (u > 0 && strcmp(m.keys[u - 1], m.keys[i]) == 0)
			free(m.keys[i]);
		else
			m.keys[u++] = m.keys[i];
	}
	m.n = u;
	assert_int_equal(count_s(db, "m"), m.n);

	for (int q = 0; q < 400; q++) {
		random_key(key, &seed);
		for (int dir = 0; dir < 2; dir++) {
			struct scan_arg s = { "m", key, strlen(key), dir == 1, 0, { NULL, 0, 0 } };
			assert_int_equal(db_read(db, scan_fn, &s, &cause), 0);
			size_t j = 0;
			if (dir == 0) {
				for (size_t i = 0; i < m.n; i++) {
					if (strcmp(m.keys[i], key) < 0)
						continue;
					assert_true(j < s.keys.n);
					assert_string_equal(s.keys.v[j++], m.keys[i]);
				}
			} else {
				for (size_t i = m.n; i-- > 0;) {
					if (strcmp(m.keys[i], key) > 0)
						continue;
					assert_true(j < s.keys.n);
					assert_string_equal(s.keys.v[j++], m.keys[i]);
				}
			}
			assert_int_equal(j, s.keys.n);
			strlist_free(&s.keys);
		}
	}
	for (size_t i = 0; i < m.n; i++)
		free(m.keys[i]);
	free(m.keys);
	db_close(db);
}

/* A write that fails stores nothing, and so does a table it created. */
struct abort_arg {
	const char *table;
	int ret;
	bool message;
};

static int
abort_fn(struct db_txn *txn, void *arg, char **cause)
{
	struct abort_arg *a = arg;

	if (db_put(txn, a->table, "k1", 2, "v", 1, cause) != 0)
		return -1;
	if (a->message)
		*cause = xstrdup("boom");
	return a->ret;
}

static int
nested_fn(struct db_txn *txn, void *arg, char **cause)
{
	struct db *db = arg;
	struct kv kv = { "t", "k", 1, NULL, 0, NULL, 0 };

	(void)txn;
	return db_read(db, get_fn, &kv, cause);
}

/* A read that opens a table handle and then fails. */
static int
read_then_fail_fn(struct db_txn *txn, void *arg, char **cause)
{
	const void *v;
	size_t vlen;

	(void)arg;
	if (db_get(txn, "fresh", "k1", 2, &v, &vlen, cause) != 0)
		return -1;
	*cause = xstrdup("read failed");
	return -1;
}

static void
test_fn_error_aborts(void **state)
{
	struct fx *fx = *state;
	struct db *db = open_ok(fx->dir);
	char *cause = NULL;

	put_s(db, "old", "k0", "v");

	/* -1 with a message: passed on; nothing stored. */
	struct abort_arg a = { "old", -1, true };
	assert_int_equal(db_write(db, abort_fn, &a, &cause), -1);
	assert_string_equal(cause, "boom");
	free(cause);
	cause = NULL;
	assert_absent(db, "old", "k1");

	/* Another value: returned as is, the message dropped. */
	a.ret = 5;
	assert_int_equal(db_write(db, abort_fn, &a, &cause), 5);
	assert_null(cause);
	assert_absent(db, "old", "k1");

	/* -1 without a message still gives one. */
	a.ret = -1;
	a.message = false;
	assert_int_equal(db_write(db, abort_fn, &a, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;

	/* A table created by an aborted write does not exist, and its handle
	 * (closed by LMDB) is not reused: the next writes and reads work. */
	a.table = "fresh";
	a.ret = 1;
	assert_int_equal(db_write(db, abort_fn, &a, &cause), 1);
	assert_int_equal(count_s(db, "fresh"), 0);
	assert_absent(db, "fresh", "k1");
	a.ret = 1;
	assert_int_equal(db_write(db, abort_fn, &a, &cause), 1);
	put_s(db, "fresh", "k1", "committed");
	assert_value(db, "fresh", "k1", "committed");
	assert_int_equal(count_s(db, "fresh"), 1);

	/* A failing read keeps working handles (in a new process image the
	 * handle is first opened by this failing read). */
	db_close(db);
	db = open_ok(fx->dir);
	assert_int_equal(db_read(db, read_then_fail_fn, NULL, &cause), -1);
	assert_string_equal(cause, "read failed");
	free(cause);
	cause = NULL;
	assert_value(db, "fresh", "k1", "committed");
	put_s(db, "fresh", "k2", "also");
	assert_int_equal(count_s(db, "fresh"), 2);

	/* Transactions do not nest. */
	assert_int_equal(db_write(db, nested_fn, db, &cause), -1);
	assert_non_null(strstr(cause, "do not nest"));
	free(cause);
	cause = NULL;
	/* ... and the failed attempt left nothing running. */
	put_s(db, "old", "k9", "v");
	db_close(db);
}

/* Map growth: a map of 64 KiB must grow for a few MB. */
struct grow_arg {
	int calls;
	int first;
	int n;
	size_t vlen;
};

static void
grow_value(char *buf, size_t len, int i)
{
	for (size_t j = 0; j < len; j++)
		buf[j] = (char)('a' + (i + j) % 26);
}

static int
grow_fn(struct db_txn *txn, void *arg, char **cause)
{
	struct grow_arg *g = arg;
	char key[16], *val = xmalloc(g->vlen);
	int rc = 0;

	g->calls++;
	for (int i = g->first; i < g->first + g->n && rc == 0; i++) {
		snprintf(key, sizeof key, "%08d", i);
		grow_value(val, g->vlen, i);
		rc = db_put(txn, "big", key, strlen(key), val, g->vlen, cause);
	}
	free(val);
	return rc;
}

static int
grow_check_fn(struct db_txn *txn, void *arg, char **cause)
{
	struct grow_arg *g = arg;
	char key[16], *want = xmalloc(g->vlen);
	const void *v;
	size_t vlen, n;
	int rc = 0;

	for (int i = 0; i < g->first + g->n && rc == 0; i++) {
		snprintf(key, sizeof key, "%08d", i);
		grow_value(want, g->vlen, i);
		if (db_get(txn, "big", key, strlen(key), &v, &vlen, cause) != 0 ||
		    vlen != g->vlen || memcmp(v, want, vlen) != 0)
			rc = 2;
	}
	if (rc == 0 && (db_count(txn, "big", &n, cause) != 0 || n != (size_t)(g->first + g->n)))
		rc = 3;
	free(want);
	return rc;
}

static void
test_map_growth(void **state)
{
	struct fx *fx = *state;
	struct db *db;
	char *cause = NULL;

	/* A bad value is reported. */
	setenv("LGOTP_DB_MAPSIZE", "lots", 1);
	assert_int_equal(db_open(fx->dir, &db, &cause), -1);
	assert_non_null(strstr(cause, "LGOTP_DB_MAPSIZE"));
	free(cause);
	cause = NULL;

	setenv("LGOTP_DB_MAPSIZE", "64K", 1);
	db = open_ok(fx->dir);

	/* One transaction of 4 MB: redone after each growth, then stored. */
	struct grow_arg g = { 0, 0, 1000, 4000 };
	if (db_write(db, grow_fn, &g, &cause) != 0)
		fail_msg("big write: %s", cause);
	assert_true(g.calls > 1);
	/* Many small transactions past the (grown) map again. */
	for (int i = 0; i < 20; i++) {
		struct grow_arg s = { 0, 1000 + i * 100, 100, 4000 };
		if (db_write(db, grow_fn, &s, &cause) != 0)
			fail_msg("small write %d: %s", i, cause);
	}
	g.n = 3000;
	assert_int_equal(db_read(db, grow_check_fn, &g, &cause), 0);
	db_close(db);

	/* Stored for good: reopened with the small map again. */
	db = open_ok(fx->dir);
	assert_int_equal(db_read(db, grow_check_fn, &g, &cause), 0);

	/* Another process (with its own, large map) grows the file past this
	 * process's map: the next transaction here adopts the new size. */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct db *cdb;
		unsetenv("LGOTP_DB_MAPSIZE");
		if (db_open(fx->dir, &cdb, NULL) != 0)
			_exit(1);
		struct grow_arg c = { 0, 3000, 3000, 4000 };
		_exit(db_write(cdb, grow_fn, &c, NULL) == 0 ? 0 : 2);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	g.n = 6000;
	if (db_read(db, grow_check_fn, &g, &cause) != 0)
		fail_msg("read after another process grew the map: %s", cause ? cause : "");
	struct grow_arg w = { 0, 6000, 10, 4000 };
	assert_int_equal(db_write(db, grow_fn, &w, &cause), 0);
	db_close(db);
}

/*
 * Whether this process maps DIR/data.mdb with read-ahead off: the kernel
 * lists the advice of each mapping in /proc/self/smaps ("rr" among the
 * VmFlags of a mapping given MADV_RANDOM).  -1 when it is not mapped.
 */
static int
map_is_random(const char *dir)
{
	char *file = xasprintf("%s/data.mdb", dir);
	FILE *f = fopen("/proc/self/smaps", "r");
	assert_non_null(f);
	char line[1024];
	int in = 0, found = -1;
	while (fgets(line, sizeof line, f)) {
		size_t n = strlen(line);
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		/* A mapping's first line ends in its file; its VmFlags line closes it. */
		if (strncmp(line, "VmFlags:", 8) == 0) {
			if (in)
				found = strstr(line, " rr") != NULL;
			in = 0;
		} else if (n >= strlen(file) && strcmp(line + n - strlen(file), file) == 0) {
			in = 1;
		}
	}
	fclose(f);
	free(file);
	return found;
}

/* DB_OPEN_RANDOM reaches the kernel as MADV_RANDOM on the map, and stays
 * when the map grows; a plain open keeps read-ahead. */
static void
test_open_random(void **state)
{
	struct fx *fx = *state;
	struct db *db;
	char *cause = NULL;

	db = open_ok(fx->dir);
	assert_int_equal(map_is_random(fx->dir), 0);
	db_close(db);

	setenv("LGOTP_DB_MAPSIZE", "64K", 1);
	if (db_open_flags(fx->dir, DB_OPEN_RANDOM, &db, &cause) != 0)
		fail_msg("db_open_flags: %s", cause);
	assert_int_equal(map_is_random(fx->dir), 1);
	struct grow_arg g = { 0, 0, 1000, 4000 };
	if (db_write(db, grow_fn, &g, &cause) != 0)
		fail_msg("big write: %s", cause);
	assert_true(g.calls > 1);           /* the map was made again, larger */
	assert_int_equal(map_is_random(fx->dir), 1);
	db_close(db);
}

/* A second process writes while this one reads: every read transaction
 * sees one consistent state, unchanged while it lasts. */
struct pair_arg {
	char a[32];
	char b[32];
	bool stable;
};

static int
pair_write_fn(struct db_txn *txn, void *arg, char **cause)
{
	const char *v = arg;

	if (db_put(txn, "pair", "a", 1, v, strlen(v), cause) != 0)
		return -1;
	return db_put(txn, "pair", "b", 1, v, strlen(v), cause);
}

static int
pair_read_fn(struct db_txn *txn, void *arg, char **cause)
{
	struct pair_arg *p = arg;
	const void *v;
	size_t n;
	char again[32];

	p->a[0] = p->b[0] = '\0';
	if (db_get(txn, "pair", "a", 1, &v, &n, cause) == 0)
		snprintf(p->a, sizeof p->a, "%.*s", (int)n, (const char *)v);
	usleep(1000);	/* let the writer commit meanwhile */
	if (db_get(txn, "pair", "b", 1, &v, &n, cause) == 0)
		snprintf(p->b, sizeof p->b, "%.*s", (int)n, (const char *)v);
	if (db_get(txn, "pair", "a", 1, &v, &n, cause) == 0)
		snprintf(again, sizeof again, "%.*s", (int)n, (const char *)v);
	else
		again[0] = '\0';
	p->stable = strcmp(again, p->a) == 0;
	return 0;
}

static void
test_concurrent_reader(void **state)
{
	struct fx *fx = *state;
	struct db *db = open_ok(fx->dir);
	char *cause = NULL;
	int fds[2];

	put_s(db, "pair", "a", "0");
	put_s(db, "pair", "b", "0");
	assert_int_equal(pipe(fds), 0);
	alarm(60);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct db *cdb;
		char v[32];
		close(fds[0]);
		if (db_open(fx->dir, &cdb, NULL) != 0)
			_exit(1);
		if (write(fds[1], "s", 1) != 1)
			_exit(2);
		for (int i = 1; i <= 300; i++) {
			snprintf(v, sizeof v, "%d", i);
			if (db_write(cdb, pair_write_fn, v, NULL) != 0)
				_exit(3);
		}
		_exit(0);
	}
	close(fds[1]);
	char c;
	assert_int_equal(read(fds[0], &c, 1), 1);
	close(fds[0]);

	long last = 0;
	int reads = 0, changes = 0, status = 0;
	bool done = false;
	while (!done) {
		/* One more read after the writer finished, to see its end. */
		done = waitpid(pid, &status, WNOHANG) == pid;
		struct pair_arg p;
		if (db_read(db, pair_read_fn, &p, &cause) != 0)
			fail_msg("read: %s", cause);
		assert_string_equal(p.a, p.b);
		assert_true(p.stable);
		long now = strtol(p.a, NULL, 10);
		assert_true(now >= last);
		changes += now != last;
		last = now;
		reads++;
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(last, 300);
	print_message("    %d reads saw %d different states\n", reads, changes);
	db_close(db);
}

/* kill -9 of a process inside a write transaction. */
static int
killed_fn(struct db_txn *txn, void *arg, char **cause)
{
	int fd = *(int *)arg;
	char key[24];

	for (int i = 0; i < 500; i++) {
		snprintf(key, sizeof key, "child%03d", i);
		if (db_put(txn, "t", key, strlen(key), "x", 1, cause) != 0)
			return -1;
	}
	if (write(fd, "w", 1) != 1)
		return -1;
	for (;;)
		pause();	/* killed here, holding the write lock */
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
test_kill_mid_write(void **state)
{
	struct fx *fx = *state;
	struct db *db = open_ok(fx->dir);
	int fds[2];

	put_s(db, "t", "before", "1");
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct db *cdb;
		close(fds[0]);
		if (db_open(fx->dir, &cdb, NULL) != 0)
			_exit(1);
		db_write(cdb, killed_fn, &fds[1], NULL);
		_exit(2);
	}
	close(fds[1]);
	char c;
	alarm(30);		/* a hang here would be the bug under test */
	assert_int_equal(read(fds[0], &c, 1), 1);
	close(fds[0]);
	assert_int_equal(kill(pid, SIGKILL), 0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));

	double t0 = now_s();
	put_s(db, "t", "after", "2");
	double took = now_s() - t0;
	assert_true(took < 2.0);
	alarm(0);

	assert_value(db, "t", "before", "1");
	assert_value(db, "t", "after", "2");
	assert_absent(db, "t", "child000");
	assert_absent(db, "t", "child499");
	assert_int_equal(count_s(db, "t"), 2);

	/* A fresh process opening the database afterwards is fine too. */
	db_close(db);
	db = open_ok(fx->dir);
	assert_int_equal(count_s(db, "t"), 2);
	db_close(db);
}

/* Backup while another process writes. */
struct seq_arg {
	int i;
};

static int
seq_fn(struct db_txn *txn, void *arg, char **cause)
{
	struct seq_arg *s = arg;
	char key[16], val[1024];

	snprintf(key, sizeof key, "%08d", s->i);
	memset(val, 'a' + s->i % 26, sizeof val);
	return db_put(txn, "seq", key, strlen(key), val, sizeof val, cause);
}

struct seq_check {
	size_t n;
	bool ok;
};

static int
seq_check_visit(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
	struct seq_check *c = arg;
	char want[24];

	snprintf(want, sizeof want, "%08zu", c->n);
	const unsigned char *v = val;
	if (klen != strlen(want) || memcmp(key, want, klen) != 0 || vlen != 1024 ||
	    v[0] != 'a' + c->n % 26 || v[1023] != v[0])
		c->ok = false;
	c->n++;
	return 0;
}

static int
seq_check_fn(struct db_txn *txn, void *arg, char **cause)
{
	return db_scan(txn, "seq", NULL, 0, false, seq_check_visit, arg, cause);
}

static void
test_backup_while_writing(void **state)
{
	struct fx *fx = *state;
	struct db *db = open_ok(fx->dir);
	char *cause = NULL, path[160];
	struct stat st;
	int fds[2];

	/* Some bulk, so that the copy takes a while. */
	struct grow_arg g = { 0, 0, 5000, 4000 };
	assert_int_equal(db_write(db, grow_fn, &g, &cause), 0);

	assert_int_equal(pipe(fds), 0);
	alarm(60);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct db *cdb;
		close(fds[0]);
		if (db_open(fx->dir, &cdb, NULL) != 0)
			_exit(1);
		for (struct seq_arg s = { 0 };; s.i++) {
			if (db_write(cdb, seq_fn, &s, NULL) != 0)
				_exit(2);
			if (s.i == 50 && write(fds[1], "w", 1) != 1)
				_exit(3);
		}
	}
	close(fds[1]);
	char c;
	assert_int_equal(read(fds[0], &c, 1), 1);
	close(fds[0]);

	struct seq_check before = { 0, true };
	assert_int_equal(db_read(db, seq_check_fn, &before, &cause), 0);
	assert_true(before.ok);
	if (db_backup(db, fx->other, &cause) != 0)
		fail_msg("backup: %s", cause);
	struct seq_check during = { 0, true };
	assert_int_equal(db_read(db, seq_check_fn, &during, &cause), 0);

	kill(pid, SIGKILL);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));	/* it was still writing */
	alarm(0);

	/* Modes as the original's. */
	assert_int_equal(stat(fx->other, &st), 0);
	assert_int_equal(st.st_mode & 07777, 02770);
	snprintf(path, sizeof path, "%s/data.mdb", fx->other);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0660);

	/* The copy opens and holds a consistent state: every key committed
	 * before the backup began, a gapless sequence, the bulk intact. */
	struct db *copy = open_ok(fx->other);
	struct seq_check got = { 0, true };
	assert_int_equal(db_read(copy, seq_check_fn, &got, &cause), 0);
	assert_true(got.ok);
	assert_true(got.n >= before.n);
	assert_true(got.n <= during.n);
	assert_int_equal(db_read(copy, grow_check_fn, &g, &cause), 0);
	print_message("    backup holds %zu sequenced writes (%zu before it began, %zu "
	    "after it ended)\n", got.n, before.n, during.n);
	db_close(copy);

	/* Not over an existing database; not into a missing parent. */
	assert_int_equal(db_backup(db, fx->other, &cause), -1);
	assert_non_null(strstr(cause, "already holds a database"));
	free(cause);
	cause = NULL;
	assert_int_equal(db_backup(db, fx->dir, &cause), -1);
	assert_non_null(strstr(cause, "already holds a database"));
	free(cause);
	cause = NULL;
	snprintf(path, sizeof path, "%s/no/such", fx->root);
	assert_int_equal(db_backup(db, path, &cause), -1);
	assert_non_null(strstr(cause, "does not exist"));
	free(cause);
	cause = NULL;

	/* Into an existing empty directory. */
	snprintf(path, sizeof path, "%s/empty", fx->root);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(db_backup(db, path, &cause), 0);
	copy = open_ok(path);
	assert_int_equal(count_s(copy, "big"), 5000);
	db_close(copy);
	db_close(db);
}

static void
expect_open_error(const char *dir, const char *expect)
{
	struct db *db = (struct db *)&db;
	char *cause = NULL;

	if (db_open(dir, &db, &cause) != -1)
		fail_msg("db_open %s succeeded", dir);
	assert_null(db);
	if (cause == NULL || strstr(cause, expect) == NULL)
		fail_msg("db_open %s: message \"%s\" lacks \"%s\"", dir, cause ? cause : "", expect);
	free(cause);
}

static void
test_open_errors(void **state)
{
	struct fx *fx = *state;
	char path[160];
	int fd;

	/* A file where the directory should be. */
	snprintf(path, sizeof path, "%s/file", fx->root);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	expect_open_error(path, "not a directory");
	/* A file on the way. */
	snprintf(path, sizeof path, "%s/file/db", fx->root);
	expect_open_error(path, "not a directory");
	/* A missing parent. */
	snprintf(path, sizeof path, "%s/no/db", fx->root);
	expect_open_error(path, "does not exist");
	expect_open_error("", "no database directory");

	/* Something else in data.mdb. */
	snprintf(path, sizeof path, "%s/junk", fx->root);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/junk/data.mdb", fx->root);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	char junk[8192];
	memset(junk, 'J', sizeof junk);
	assert_int_equal(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
	close(fd);
	snprintf(path, sizeof path, "%s/junk", fx->root);
	expect_open_error(path, "not an lgotp database or damaged");
}

/*
 * A directory the user may not use.  Root passes every permission check,
 * so as root the check runs in a child that has become "nobody"; where that
 * is not possible it is skipped.
 */
static void
test_open_permission_denied(void **state)
{
	struct fx *fx = *state;
	struct db *db = open_ok(fx->dir);

	put_s(db, "t", "k", "v");
	db_close(db);

	if (geteuid() != 0) {
		assert_int_equal(chmod(fx->dir, 0), 0);
		expect_open_error(fx->dir, "permission denied");
		expect_open_error(fx->dir, "lock.mdb");
		assert_int_equal(chmod(fx->dir, 02770), 0);
		return;
	}

	/* Root: the database as created (root's group, 2770/0660) is closed to
	 * others; ROOT must be passable to reach it. */
	assert_int_equal(chmod(fx->root, 0711), 0);
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct db *cdb = NULL;
		char *cause = NULL;
		close(fds[0]);
		if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
			_exit(77);
		if (db_open(fx->dir, &cdb, &cause) == 0)
			_exit(1);
		if (write(fds[1], cause, strlen(cause)) < 0)
			_exit(2);
		_exit(0);
	}
	close(fds[1]);
	char msg[2048];
	size_t n = 0;
	ssize_t r;
	while (n < sizeof msg - 1 && (r = read(fds[0], msg + n, sizeof msg - 1 - n)) > 0)
		n += (size_t)r;
	msg[n] = '\0';
	close(fds[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77) {
		print_message("    skipped: running as root and cannot become another user\n");
		return;
	}
	assert_int_equal(WEXITSTATUS(status), 0);
	print_message("    (as uid 65534) %s\n", msg);
	assert_non_null(strstr(msg, "permission denied"));
	assert_non_null(strstr(msg, "lock.mdb"));
	assert_non_null(strstr(msg, "0660"));
}

/*
 * Two operators, two Unix users of one group, each with umask 022: what one
 * creates the other can read and write; a user outside the group is told
 * what to fix.  Needs root to become those users; skipped otherwise.
 */
static int
as_user(uid_t uid, gid_t gid, const char *dir, const char *key)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct db *cdb;
		char *cause = NULL;
		if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
			_exit(77);
		umask(022);
		if (db_open(dir, &cdb, &cause) != 0) {
			fprintf(stderr, "    uid %lu: %s\n", (unsigned long)uid, cause);
			_exit(strstr(cause, "permission denied") != NULL ? 10 : 11);
		}
		struct kv kv = { "t", key, strlen(key), "v", 1, NULL, 0 };
		if (db_write(cdb, put_fn, &kv, &cause) != 0)
			_exit(12);
		/* What the other user stored is readable. */
		struct count_arg c = { "t", 0 };
		if (db_read(cdb, count_fn, &c, &cause) != 0)
			_exit(13);
		db_close(cdb);
		_exit(c.n < 100 ? (int)c.n : 99);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void
test_group_sharing(void **state)
{
	struct fx *fx = *state;
	char pool[128], dir[160];
	struct stat st;

	if (geteuid() != 0) {
		print_message("    skipped: needs root to act as several users\n");
		return;
	}
	assert_int_equal(chmod(fx->root, 0711), 0);
	snprintf(pool, sizeof pool, "%s/pool", fx->root);
	assert_int_equal(mkdir(pool, 0700), 0);
	assert_int_equal(chmod(pool, 01777), 0);
	snprintf(dir, sizeof dir, "%s/db", pool);

	int rc = as_user(60001, 60000, dir, "first");
	if (rc == 77) {
		print_message("    skipped: cannot become another user\n");
		return;
	}
	assert_int_equal(rc, 1);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_gid, 60000);
	assert_int_equal(st.st_mode & 07777, 02770);
	assert_int_equal(as_user(60002, 60000, dir, "second"), 2);
	assert_int_equal(as_user(60001, 60000, dir, "third"), 3);
	/* Not in the group. */
	assert_int_equal(as_user(60003, 60003, dir, "outsider"), 10);
}

int
main(void)
{
	/* The messages checked are the English ones (i18n's default is Japanese). */
	i18n_set_lang(LANG_EN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_create_modes, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_put_get_del, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_absent_tables, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_scan, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_scan_long_from, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_scan_model, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_fn_error_aborts, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_map_growth, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_open_random, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_reader, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_kill_mid_write, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_backup_while_writing, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_open_errors, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_open_permission_denied, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_group_sharing, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
