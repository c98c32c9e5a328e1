#include "draft.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "util.h"

static void
make_key(struct strbuf *sb, const char *a, const char *b, const char *c)
{
	sb_reset(sb);
	sb_adds(sb, a);
	sb_addc(sb, '\0');
	sb_adds(sb, b);
	if (c) {
		sb_addc(sb, '\0');
		sb_adds(sb, c);
	}
}

struct put_args {
	const char *table;
	struct strbuf key;
	const struct record *rec;
	bool remove;
};

static int
put_txn(struct db_txn *txn, void *arg, char **cause)
{
	struct put_args *a = arg;
	if (a->remove) {
		int rc = db_del(txn, a->table, a->key.s, a->key.len, cause);
		return rc == DB_NOTFOUND ? 0 : rc;
	}
	void *buf;
	size_t len;
	record_encode(a->rec, &buf, &len);
	int rc = db_put(txn, a->table, a->key.s, a->key.len, buf, len, cause);
	free(buf);
	return rc;
}

struct get_args {
	const char *table;
	struct strbuf key;
	struct record *out;
};

static int
get_txn(struct db_txn *txn, void *arg, char **cause)
{
	struct get_args *a = arg;
	const void *v;
	size_t vl;
	int rc = db_get(txn, a->table, a->key.s, a->key.len, &v, &vl, cause);
	if (rc != 0)
		return rc;
	return record_decode(v, vl, &a->out, cause);
}

int
draft_save(struct db *db, const char *screen, const char *key, const struct record *values,
    int field, uint32_t version, char **cause)
{
	struct record *r = record_dup(values);
	char num[32];
	snprintf(num, sizeof num, "%d", field);
	record_set(r, "_field", num);
	snprintf(num, sizeof num, "%lu", (unsigned long)version);
	record_set(r, "_version", num);
	struct put_args a = { "draft", SB_INIT, r, false };
	make_key(&a.key, audit_user(), screen, key);
	/* Written as every field is left: not worth a disk sync each time.  A
	 * lazy commit survives kill -9 and a dropped link, which drafts are for. */
	int rc = db_write_lazy(db, put_txn, &a, cause);
	sb_free(&a.key);
	record_free(r);
	return rc;
}

int
draft_load(struct db *db, const char *screen, const char *key, struct record **values,
    int *field, uint32_t *version, char **cause)
{
	struct get_args a = { "draft", SB_INIT, NULL };
	make_key(&a.key, audit_user(), screen, key);
	int rc = db_read(db, get_txn, &a, cause);
	sb_free(&a.key);
	if (rc != 0)
		return rc;
	*field = atoi(record_get(a.out, "_field"));
	*version = (uint32_t)strtoul(record_get(a.out, "_version"), NULL, 10);
	record_set(a.out, "_field", NULL);
	record_set(a.out, "_version", NULL);
	*values = a.out;
	return 0;
}

int
draft_delete(struct db *db, const char *screen, const char *key, char **cause)
{
	struct put_args a = { "draft", SB_INIT, NULL, true };
	make_key(&a.key, audit_user(), screen, key);
	int rc = db_write_lazy(db, put_txn, &a, cause);
	sb_free(&a.key);
	return rc;
}

struct find_args {
	struct strbuf prefix;
	char *screen, *key;
};

static int
find_cb(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
	(void)val;
	(void)vlen;
	struct find_args *a = arg;
	if (klen < a->prefix.len || memcmp(key, a->prefix.s, a->prefix.len) != 0)
		return 1;
	const char *p = (const char *)key + a->prefix.len;
	size_t rest = klen - a->prefix.len;
	const char *nul = memchr(p, '\0', rest);
	if (nul == NULL)
		return 0;
	a->screen = xstrndup(p, (size_t)(nul - p));
	a->key = xstrndup(nul + 1, rest - (size_t)(nul - p) - 1);
	return 1;
}

static int
find_txn(struct db_txn *txn, void *arg, char **cause)
{
	struct find_args *a = arg;
	return db_scan(txn, "draft", a->prefix.s, a->prefix.len, false, find_cb, a, cause);
}

int
draft_find(struct db *db, char **screen, char **key, char **cause)
{
	struct find_args a = { SB_INIT, NULL, NULL };
	sb_adds(&a.prefix, audit_user());
	sb_addc(&a.prefix, '\0');
	int rc = db_read(db, find_txn, &a, cause);
	sb_free(&a.prefix);
	if (rc != 0)
		return rc;
	if (a.screen == NULL)
		return DB_NOTFOUND;
	*screen = a.screen;
	*key = a.key;
	return 0;
}

static void
now_text(char *buf, size_t n, time_t t)
{
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
}

static time_t
parse_time(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
	    &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* A process on this machine is alive if signal 0 reaches it or is refused
 * for permission (another operator's process). */
static bool
process_alive(long pid)
{
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

int
lease_held(struct db *db, const char *screen, const char *key, struct lease *out, char **cause)
{
	struct get_args a = { "lease", SB_INIT, NULL };
	make_key(&a.key, screen, key, NULL);
	int rc = db_read(db, get_txn, &a, cause);
	sb_free(&a.key);
	if (rc != 0)
		return rc;
	long pid = atol(record_get(a.out, "pid"));
	const char *user = record_get(a.out, "user");
	time_t seen = parse_time(record_get(a.out, "seen"));
	bool ours = pid == (long)getpid() && strcmp(user, audit_user()) == 0;
	if (ours || !process_alive(pid) || time(NULL) - seen > LEASE_SILENT_SECONDS) {
		record_free(a.out);
		return DB_NOTFOUND;
	}
	out->user = xstrdup(user);
	out->pid = pid;
	out->since = xstrdup(record_get(a.out, "since"));
	record_free(a.out);
	return 0;
}

int
lease_take(struct db *db, const char *screen, const char *key, char **cause)
{
	struct record *r = record_new();
	char buf[64];
	record_set(r, "user", audit_user());
	snprintf(buf, sizeof buf, "%ld", (long)getpid());
	record_set(r, "pid", buf);
	now_text(buf, sizeof buf, time(NULL));
	record_set(r, "since", buf);
	record_set(r, "seen", buf);
	struct put_args a = { "lease", SB_INIT, r, false };
	make_key(&a.key, screen, key, NULL);
	/* A lease is advice to others, refreshed as fields are left: no sync. */
	int rc = db_write_lazy(db, put_txn, &a, cause);
	sb_free(&a.key);
	record_free(r);
	return rc;
}

int
lease_release(struct db *db, const char *screen, const char *key, char **cause)
{
	struct lease l;
	char *why = NULL;
	int held = lease_held(db, screen, key, &l, &why);
	free(why);
	if (held == 0) {            /* someone else's now (taken over): leave it */
		lease_free(&l);
		return 0;
	}
	struct put_args a = { "lease", SB_INIT, NULL, true };
	make_key(&a.key, screen, key, NULL);
	int rc = db_write_lazy(db, put_txn, &a, cause);
	sb_free(&a.key);
	return rc;
}

void
lease_free(struct lease *l)
{
	free(l->user);
	free(l->since);
	l->user = l->since = NULL;
}

static int
forget_txn(struct db_txn *txn, void *arg, char **cause)
{
	(void)arg;
	if (db_clear(txn, "draft", cause) != 0)
		return -1;
	return db_clear(txn, "lease", cause);
}

int
draft_forget_all(struct db *db, char **cause)
{
	return db_write(db, forget_txn, NULL, cause);
}
