#include "audit.h"

#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define AUDIT_TABLE "audit"

const char *
audit_user(void)
{
	static char name[64];
	if (name[0] == '\0') {
		struct passwd *pw = getpwuid(geteuid());
		if (pw && pw->pw_name)
			snprintf(name, sizeof name, "%s", pw->pw_name);
		else
			snprintf(name, sizeof name, "uid%ld", (long)geteuid());
	}
	return name;
}

static void
put_be(unsigned char *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

/* "PREFIX.ID" in BUF (ids are at most 255 bytes: RECORD_MAX_ID). */
static const char *
side_id(char *buf, size_t size, char prefix, const char *id)
{
	snprintf(buf, size, "%c.%s", prefix, id);
	return buf;
}

/* Both sides of a field that changed (or every field, for insert and delete). */
static void
add_fields(struct record *e, const struct record *before, const struct record *after)
{
	char id[4 + 255 + 1];
	if (before)
		for (size_t i = 0; i < before->n; i++) {
			const char *b = before->vals[i];
			const char *a = after ? record_get(after, before->ids[i]) : NULL;
			if (a && strcmp(a, b) == 0)
				continue;
			record_set(e, side_id(id, sizeof id, 'b', before->ids[i]), b);
			if (a)
				record_set(e, side_id(id, sizeof id, 'a', before->ids[i]), a);
		}
	if (after)
		for (size_t i = 0; i < after->n; i++) {
			const char *b = before ? record_get(before, after->ids[i]) : "";
			if (before && strcmp(b, after->vals[i]) == 0)
				continue;
			record_set(e, side_id(id, sizeof id, 'a', after->ids[i]), after->vals[i]);
		}
}

/*
 * The entry's key: time (ns), process, a counter, big-endian so that the
 * table reads in time order.  The pid is asked once: getpid() is a system
 * call, and an import writes an entry per row (a child after fork() does
 * not use its parent's LMDB environment, so it never writes with it).
 */
static void
entry_key(unsigned char k[16], const struct timespec *ts)
{
	static uint32_t counter;
	static pid_t pid;
	if (pid == 0)
		pid = getpid();
	put_be(k, (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec, 8);
	put_be(k + 8, (uint64_t)pid, 4);
	put_be(k + 12, counter++, 4);
}

/* TS as "YYYY-MM-DDTHH:MM:SS.mmmZ" in WHEN; the part to the second is
 * formatted once a second, not once an entry. */
static void
entry_time(char when[32], const struct timespec *ts)
{
	static time_t last = (time_t)-1;
	static char second[24];
	if (ts->tv_sec != last) {
		struct tm tm;
		gmtime_r(&ts->tv_sec, &tm);
		strftime(second, sizeof second, "%Y-%m-%dT%H:%M:%S", &tm);
		last = ts->tv_sec;
	}
	snprintf(when, 32, "%s.%03dZ", second, (int)(ts->tv_nsec / 1000000 % 1000));
}

int
audit_write(struct db_txn *txn, const char *screen, const char *key,
    const struct record *before, const struct record *after, char **cause)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	unsigned char k[16];
	entry_key(k, &ts);
	char when[32];
	entry_time(when, &ts);

	struct record *e = record_new();
	record_set(e, "t", when);
	record_set(e, "u", audit_user());
	record_set(e, "s", screen);
	record_set(e, "k", key);
	record_set(e, "o", before == NULL ? "insert" : after == NULL ? "delete" : "update");
	add_fields(e, before, after);
	void *buf;
	size_t len;
	record_encode(e, &buf, &len);
	record_free(e);
	int rc = db_put(txn, AUDIT_TABLE, k, sizeof k, buf, len, cause);
	free(buf);
	return rc;
}

struct each_args {
	const struct audit_filter *f;
	int (*fn)(void *, const struct audit_entry *);
	void *arg;
	char *error;
};

static int
each_cb(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
	(void)key;
	(void)klen;
	struct each_args *a = arg;
	struct record *r;
	char *why = NULL;
	if (record_decode(val, vlen, &r, &why) != 0) {
		a->error = xasprintf("audit: %s", why);
		free(why);
		return 1;
	}
	const struct audit_filter *f = a->f;
	struct audit_entry e = { record_get(r, "t"), record_get(r, "u"), record_get(r, "s"),
		record_get(r, "k"), record_get(r, "o"), r };
	int stop = 0;
	if ((f->user == NULL || strcmp(f->user, e.user) == 0) &&
	    (f->since == NULL || strncmp(e.time, f->since, strlen(f->since)) >= 0) &&
	    (f->screen == NULL || strcmp(f->screen, e.screen) == 0) &&
	    (f->key == NULL || strcmp(f->key, e.key) == 0))
		stop = a->fn(a->arg, &e);
	record_free(r);
	return stop;
}

static int
each_txn(struct db_txn *txn, void *arg, char **cause)
{
	struct each_args *a = arg;
	int rc = db_scan(txn, AUDIT_TABLE, NULL, 0, false, each_cb, a, cause);
	if (rc == 0 && a->error) {
		*cause = a->error;
		a->error = NULL;
		rc = -1;
	}
	return rc;
}

int
audit_each(struct db *db, const struct audit_filter *f,
    int (*fn)(void *arg, const struct audit_entry *e), void *arg, char **cause)
{
	struct each_args a = { f, fn, arg, NULL };
	return db_read(db, each_txn, &a, cause);
}
